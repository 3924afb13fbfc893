"""The measures justicelink publishes, each a declaration beside its written definition.

The units each measure counts are in :mod:`justicelink.measures.units`; how a declaration
becomes a query is :mod:`justicelink.measures.compile`. docs/measures.md is generated from the
words here (a test keeps the two in step).
"""

from __future__ import annotations

from justicelink.measures.definition import Count, Measure, Median, Rate, Share, Sum

FOLLOW_UP_DAYS = 365
WAITING_DAYS = 183
NON_CUSTODIAL = ("suspended", "community", "fine", "other")

_MOJ = (
    "Ministry of Justice (England and Wales), Proven reoffending statistics: definitions and "
    "measurement"
)

police_recorded_offences = Measure(
    name="police_recorded_offences",
    title="Offences recorded by the police, by ICCS section and division",
    counting_unit="an offence recorded by the police (one incident row is one offence)",
    period="calendar year of recording",
    inclusions="every incident loaded from police extracts, attempts included",
    exclusions="quarantined rows; offences coded to no ICCS category appear as 'unclassified'",
    units="offence",
    dimensions=("year", "iccs_section", "iccs_division"),
    statistic=Count(persons=False),
    unit="count",
    source="UN-CTS (United Nations Survey of Crime Trends), police-recorded offences",
)

police_recorded_offences_by_area = Measure(
    name="police_recorded_offences_by_area",
    title="Offences recorded by the police, by area and ICCS section",
    counting_unit="an offence recorded by the police (one incident row is one offence)",
    period="calendar year of recording",
    inclusions="every incident loaded from police extracts, attempts included, by the area "
    "the police recorded",
    exclusions="quarantined rows; incidents with no area appear as 'unknown', offences coded "
    "to no ICCS category as 'unclassified'",
    units="offence",
    dimensions=("year", "area", "iccs_section"),
    statistic=Count(persons=False),
    unit="count",
)

persons_by_stage = Measure(
    name="persons_by_stage",
    title="Persons brought into formal contact, prosecuted and convicted (UN-CTS)",
    counting_unit=(
        "a linked person, counted once per year, stage and ICCS section (sex as most of "
        "their records give it, age at the earliest such event in the year)"
    ),
    period="calendar year of the event",
    inclusions=(
        "formal contact: recorded as a suspect, arrested or cautioned; prosecuted: a "
        "prosecution decision to prosecute; convicted: a court verdict of guilty"
    ),
    exclusions="events coded to no ICCS category count under 'unclassified'",
    units="stage_person",
    dimensions=("year", "stage", "iccs_section", "sex", "age_group"),
    statistic=Count(),
    unit="count",
    source="UN-CTS: persons brought into formal contact, prosecuted and convicted",
)

persons_held = Measure(
    name="persons_held",
    title="Persons held in prison on 31 December, by legal status, sex and age",
    counting_unit="a linked person in custody at the end of the census day",
    period="31 December of each year",
    inclusions=(
        "every person with a reception not yet followed by a discharge of the same legal "
        "status, over all their prison records; sentenced while any sentence is being served, "
        "unsentenced when held on remand only"
    ),
    exclusions=(
        "persons received before the extracts begin and not moved since (no movement on "
        "record); custody movements whose legal status could not be mapped count as 'unknown'"
    ),
    units="held_person",
    dimensions=("year", "legal_status", "sex", "age_band"),
    breakdowns=(
        ("year",),
        ("year", "legal_status"),
        ("year", "legal_status", "sex", "age_band"),
    ),
    statistic=Count(),
    unit="count",
    source="UN-CTS: persons held in prisons, by legal status",
)

homicide_rate_per_100k = Measure(
    name="homicide_rate_per_100k",
    title="Victims of intentional homicide per 100,000 population (SDG 16.1.1)",
    counting_unit="a victim of intentional homicide (ICCS 0101) recorded by the police",
    period=(
        "calendar year in which the homicide occurred; the year it was recorded only where "
        "the police recorded no occurrence date (counted in the data-quality notes)"
    ),
    inclusions="victims involved in incidents coded to ICCS 0101, attempts excluded",
    exclusions=(
        "attempted homicide; victims whose sex or age is unknown are published with no "
        "population (no rate) and count in the total; incidents whose offence code could not "
        "be coded (counted beside the figure)"
    ),
    units="homicide_victim",
    dimensions=("year", "sex", "age_band"),
    breakdowns=(("year",), ("year", "sex"), ("year", "age_band")),
    statistic=Rate(population="homicide_population", per=100_000),
    unit="rate per 100,000",
    sdg_series="VC_IHR_PSRC",
    source="SDG indicator 16.1.1 metadata (UNODC): age groups 0-14, 15-29, 30-44, 45-59, 60+",
)

unsentenced_share = Measure(
    name="unsentenced_share",
    title="Unsentenced detainees as a share of all persons held (SDG 16.3.2)",
    counting_unit="a linked person in custody at the end of the census day",
    period="31 December of each year",
    inclusions=(
        "numerator: persons held with no sentence being served on the census day (remand "
        "only); denominator: all persons held"
    ),
    exclusions=(
        "the extracts record no appeals, so a person awaiting appeal (who counts as "
        "sentenced) cannot be told apart; persons held with an unmapped legal status count "
        "in the denominator only"
    ),
    units="held_person",
    dimensions=("year", "sex"),
    breakdowns=(("year",), ("year", "sex")),
    statistic=Share(flag="unsentenced", means=("legal_status", "unsentenced")),
    unit="share",
    sdg_series="VC_PRS_UNSNT",
    source="SDG indicator 16.3.2 metadata (UNODC)",
)

_REOFFENDING_WORDS = dict(
    period=(
        "3-month cohorts (Q1 to Q4) and the annual figure pooled from a year's four 3-month "
        "cohorts, published once the 12-month follow-up and the 6-month waiting period have "
        "ended within the data"
    ),
    inclusions=(
        f"a proven reoffence is an offence committed 1 to {FOLLOW_UP_DAYS} days after the "
        "index date that led to a court conviction or a police caution no more than "
        f"{FOLLOW_UP_DAYS + WAITING_DAYS} days after the index date"
    ),
    exclusions=(
        "releases from remand; offences proven after the waiting period; convictions whose "
        "offence date is unknown"
    ),
)

_REOFFENDING_DIMENSIONS = (
    "cohort",
    "quarter",
    "age_group",
    "sex",
    "age_band",
    "index_offence_section",
    "previous_offences",
)


def _reoffending_breakdowns(period: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (*period, *extra)
        for extra in (
            (),
            ("age_group",),
            ("sex",),
            ("age_band",),
            ("index_offence_section",),
            ("previous_offences",),
        )
    )


proven_reoffending_rate = Measure(
    name="proven_reoffending_rate",
    title="Proven reoffending: share of a cohort who reoffend within a year",
    counting_unit=(
        "a linked person who was cautioned, convicted with a non-custodial sentence or "
        "released from a custodial sentence in a 3-month period (their first such event in "
        "the period is the index event); the annual cohort pools four 3-month cohorts, so a "
        "person can count more than once in it"
    ),
    units="reoffending",
    dimensions=_REOFFENDING_DIMENSIONS,
    breakdowns=_reoffending_breakdowns(("cohort", "quarter"))
    + _reoffending_breakdowns(("cohort",)),
    total_labels=(("quarter", "annual"),),
    where="quarter <> 'year'",
    having="GROUPING(quarter) = 0 OR min(complete) = 1",
    statistic=Share(flag="reoffended"),
    extras=(Sum("reoffences", "reoffences", per_numerator="reoffences_per_reoffender"),),
    unit="share",
    source=_MOJ,
    notes=(
        "index date: the date of the caution, the date of the conviction for a non-custodial "
        "sentence (the sentence date where the conviction is not on record, counted), the "
        "release date for custody",
        "previous offences: offences proven (convicted or cautioned) before the index offence "
        "was proven",
        "reoffences_per_reoffender = proven reoffences / reoffenders",
        "adults (18 and over at the index date) and juveniles are published apart "
        "(age_group), as MoJ does",
        "ties between index events on one day: the offence first in the ICCS order, then the "
        "lowest event id",
    ),
    deviations=(
        "MoJ takes the offender's earliest event in the period across all its data sources; "
        "here only the agencies whose extracts were loaded are seen",
    ),
    **_REOFFENDING_WORDS,
)

proven_reoffending_rate_calendar_year = Measure(
    name="proven_reoffending_rate_calendar_year",
    title="Proven reoffending, calendar-year cohort (each person once)",
    counting_unit=(
        "a linked person with an index event in the calendar year, counted once (their first "
        "index event in the year)"
    ),
    units="reoffending",
    dimensions=_REOFFENDING_DIMENSIONS,
    breakdowns=_reoffending_breakdowns(("cohort", "quarter")),
    where="quarter = 'year'",
    statistic=Share(flag="reoffended"),
    extras=(Sum("reoffences", "reoffences", per_numerator="reoffences_per_reoffender"),),
    unit="share",
    source=_MOJ + " (the annual cohort before the 2017 change to 3-month cohorts)",
    notes=(
        "a named alternative to proven_reoffending_rate: the same definitions, one cohort per "
        "calendar year with each person once",
    ),
    period="calendar years whose follow-up and waiting period have ended within the data",
    inclusions=_REOFFENDING_WORDS["inclusions"],
    exclusions=_REOFFENDING_WORDS["exclusions"],
)

legal_aid_before_first_hearing = Measure(
    name="legal_aid_before_first_hearing",
    title="Share of defendants with legal aid assigned before their first hearing",
    counting_unit="a defendant's court case that reached a first hearing",
    period="calendar year of the first hearing",
    inclusions="legal aid assigned on or before the day of the first hearing",
    exclusions="cases without a recorded first hearing",
    units="hearing_case",
    dimensions=("year", "sex", "age_group"),
    breakdowns=(("year",), ("year", "sex"), ("year", "age_group")),
    statistic=Share(flag="aided"),
    unit="share",
)

days_charge_to_disposal = Measure(
    name="days_charge_to_disposal",
    title="Median days from charge to court disposal",
    counting_unit="a case (case reference) charged by the prosecution and disposed of by a court",
    period="calendar year of the court disposal",
    inclusions="the first charge and the first court disposal sharing one case reference",
    exclusions="cases not yet disposed of; cases with no charge on record",
    units="disposed_case",
    dimensions=("year", "sex", "age_group"),
    breakdowns=(("year",), ("year", "sex"), ("year", "age_group")),
    statistic=Median("days"),
    unit="days",
)

pretrial_detention_days = Measure(
    name="pretrial_detention_days",
    title="Median length of pre-trial detention (days on remand)",
    counting_unit=(
        "a completed remand spell: a reception on remand to the person's first discharge "
        "from remand on or after it"
    ),
    period="calendar year the spell ended",
    inclusions="remand spells ending in discharge from remand",
    exclusions="spells still open at the end of the data",
    units="remand_spell",
    dimensions=("year", "sex", "age_group"),
    breakdowns=(("year",), ("year", "sex"), ("year", "age_group")),
    statistic=Median("days"),
    unit="days",
)

# Alternatives to imprisonment (Tokyo Rules) and diversion of juveniles (Beijing Rules art. 11).
non_custodial_sentence_share = Measure(
    name="non_custodial_sentence_share",
    title="Share of sentences that are non-custodial (alternatives to imprisonment)",
    counting_unit="a sentence passed on a person record",
    period="calendar year of the sentence",
    inclusions=(
        "suspended custodial sentences, community sentences, fines and other non-custodial "
        "sentences, over all sentences including immediate custody"
    ),
    exclusions="supervision on licence after custody; sentences whose type was not mapped",
    units="sentence",
    dimensions=("year", "sex", "age_group"),
    breakdowns=(("year",), ("year", "sex"), ("year", "age_group"), ("year", "sex", "age_group")),
    statistic=Share(flag="non_custodial"),
    unit="share",
    source="UN Standard Minimum Rules for Non-custodial Measures (Tokyo Rules)",
)

diversion_share = Measure(
    name="diversion_share",
    title="Share of cases diverted from prosecution (juvenile diversion where age_group is "
    "juvenile)",
    counting_unit=(
        "a case at the decision whether to take it to court: a police caution, or a "
        "prosecution decision to prosecute or to divert"
    ),
    period="calendar year of the caution or decision",
    inclusions="police cautions and decisions to divert, over those and decisions to prosecute",
    exclusions="cases discontinued without further action; decisions whose outcome was not mapped",
    units="diversion_case",
    dimensions=("year", "sex", "age_group"),
    breakdowns=(("year",), ("year", "sex"), ("year", "age_group"), ("year", "sex", "age_group")),
    statistic=Share(flag="diverted"),
    unit="share",
    source="UN Standard Minimum Rules for the Administration of Juvenile Justice (Beijing "
    "Rules), rule 11",
)

MEASURES: tuple[Measure, ...] = (
    police_recorded_offences,
    police_recorded_offences_by_area,
    persons_by_stage,
    persons_held,
    homicide_rate_per_100k,
    unsentenced_share,
    proven_reoffending_rate,
    proven_reoffending_rate_calendar_year,
    legal_aid_before_first_hearing,
    days_charge_to_disposal,
    pretrial_detention_days,
    non_custodial_sentence_share,
    diversion_share,
)
