"""The measures justicelink publishes, each with its written definition (docs/measures.md).

Two small tables are supplied by the engine at run time: ``census_year(year, census_date)``
(31 December of every year with custody data) and ``cohort_period(cohort_type, cohort,
start_date, end_date)`` (the reoffending cohorts whose follow-up and waiting period end
within the data).
"""

from __future__ import annotations

from justicelink.measures.definition import (
    Measure,
    adult_or_juvenile,
    age_at,
    population_band,
)

FOLLOW_UP_DAYS = 365
WAITING_DAYS = 183
NON_CUSTODIAL = ("suspended", "community", "fine", "other")

_INCIDENT_DATE = "coalesce(i.occurred_date, i.recorded_date)"

police_recorded_offences = Measure(
    name="police_recorded_offences",
    title="Offences recorded by the police, by ICCS section and division",
    counting_unit="an offence recorded by the police (one incident row is one offence)",
    period="calendar year of recording",
    inclusions="every incident loaded from police extracts, attempts included",
    exclusions="quarantined rows; offences coded to no ICCS category appear as 'unclassified'",
    disaggregations=("year", "iccs_section", "iccs_division"),
    unit="count",
    small_cells="",
    sql="""
SELECT year(i.recorded_date) AS year,
       coalesce(c.level1_code, 'unclassified') AS iccs_section,
       coalesce(c.level2_code, c.level1_code, 'unclassified') AS iccs_division,
       count(*) AS value
FROM incident AS i
LEFT JOIN iccs_category AS c ON c.code = i.iccs_code
WHERE i.recorded_date IS NOT NULL
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3
""",
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
    disaggregations=("year", "area", "iccs_section"),
    unit="count",
    small_cells="",
    sql="""
SELECT year(i.recorded_date) AS year,
       coalesce(i.area, 'unknown') AS area,
       coalesce(c.level1_code, 'unclassified') AS iccs_section,
       count(*) AS value
FROM incident AS i
LEFT JOIN iccs_category AS c ON c.code = i.iccs_code
WHERE i.recorded_date IS NOT NULL
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3
""",
)

_VICTIM_AGE = f"coalesce(v.age_at_event, {age_at(_INCIDENT_DATE, 'r.date_of_birth')})"

homicide_rate_per_100k = Measure(
    name="homicide_rate_per_100k",
    title="Victims of intentional homicide per 100,000 population (SDG 16.1.1)",
    counting_unit="a victim of intentional homicide (ICCS 0101) recorded by the police",
    period="calendar year in which the homicide occurred (recording date when unknown)",
    inclusions="victims involved in incidents coded to ICCS 0101, attempts excluded",
    exclusions=(
        "attempted homicide; victims whose sex or age is unknown count in the total only; "
        "years without population data"
    ),
    disaggregations=("year", "sex", "age_band"),
    unit="rate per 100,000",
    sdg_series="VC_IHR_PSRC",
    sql=f"""
WITH victims AS (
    SELECT year({_INCIDENT_DATE}) AS year,
           coalesce(r.sex, 'unknown') AS sex,
           {population_band(_VICTIM_AGE)} AS age_band
    FROM involvement AS v
    JOIN incident AS i ON i.incident_id = v.incident_id
    JOIN iccs_category AS c ON c.code = i.iccs_code
    LEFT JOIN person_record AS r ON r.record_id = v.record_id
    WHERE v.role = 'victim' AND c.level2_code = '0101' AND NOT coalesce(i.attempted, FALSE)
),
counted AS (
    SELECT year, coalesce(sex, 'total') AS sex, coalesce(age_band, 'total') AS age_band,
           count(*) AS victims
    FROM victims
    GROUP BY GROUPING SETS ((year), (year, sex), (year, age_band))
),
people AS (
    SELECT year, coalesce(sex, 'total') AS sex, coalesce(age_band, 'total') AS age_band,
           sum(population) AS population
    FROM population
    GROUP BY GROUPING SETS ((year), (year, sex), (year, age_band))
)
SELECT p.year, p.sex, p.age_band,
       coalesce(v.victims, 0) AS numerator,
       p.population AS denominator,
       coalesce(v.victims, 0) * 100000.0 / p.population AS value
FROM people AS p
LEFT JOIN counted AS v ON v.year = p.year AND v.sex = p.sex AND v.age_band = p.age_band
ORDER BY 1, 2, 3
""",
)

# Persons in custody at the end of each census day: a person's latest custody movement on or
# before that day is a reception (on one day, a release comes before a reception).
_HELD = """
custody AS (
    SELECT e.record_id, e.event_date, e.legal_status,
           CASE WHEN e.event_type = 'custody_start' THEN 1 ELSE 0 END AS starts
    FROM case_event AS e
    WHERE e.event_type IN ('custody_start', 'custody_end')
),
latest AS (
    SELECT y.year, y.census_date, c.record_id, c.starts, c.legal_status,
           row_number() OVER (
               PARTITION BY y.year, c.record_id ORDER BY c.event_date DESC, c.starts DESC
           ) AS position
    FROM census_year AS y
    JOIN custody AS c ON c.event_date <= y.census_date
),
held AS (
    SELECT l.year, l.census_date, l.record_id, l.legal_status
    FROM latest AS l
    WHERE l.position = 1 AND l.starts = 1
)"""

_HELD_AGE = age_at("h.census_date", "r.date_of_birth")

persons_held = Measure(
    name="persons_held",
    title="Persons held in prison on 31 December, by legal status, sex and age",
    counting_unit="a person in custody (one prison record) at the end of the census day",
    period="31 December of each year",
    inclusions="remand (unsentenced) and sentenced prisoners, from reception and discharge records",
    exclusions="persons whose last movement before the census date was a discharge",
    disaggregations=("year", "legal_status", "sex", "age_band"),
    unit="count",
    small_cells="value",
    sql=f"""
WITH {_HELD}
SELECT h.year,
       CASE WHEN h.legal_status = 'remand' THEN 'unsentenced'
            WHEN h.legal_status = 'sentenced' THEN 'sentenced' ELSE 'unknown' END AS legal_status,
       coalesce(r.sex, 'unknown') AS sex,
       {population_band(_HELD_AGE)} AS age_band,
       count(*) AS value
FROM held AS h
LEFT JOIN person_record AS r ON r.record_id = h.record_id
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4
""",
)

unsentenced_share = Measure(
    name="unsentenced_share",
    title="Unsentenced detainees as a share of all persons held (SDG 16.3.2)",
    counting_unit="a person in custody at the end of the census day",
    period="31 December of each year",
    inclusions="numerator: persons held on remand; denominator: all persons held",
    exclusions=(
        "the extracts record no appeals, so a person awaiting appeal (who counts as "
        "sentenced) cannot be told apart"
    ),
    disaggregations=("year", "sex"),
    unit="share",
    sdg_series="VC_PRS_UNSNT",
    sql=f"""
WITH {_HELD}
SELECT h.year, coalesce(r.sex, 'total') AS sex,
       sum(CASE WHEN h.legal_status = 'remand' THEN 1 ELSE 0 END) AS numerator,
       count(*) AS denominator,
       sum(CASE WHEN h.legal_status = 'remand' THEN 1 ELSE 0 END) * 1.0 / count(*) AS value
FROM held AS h
LEFT JOIN person_record AS r ON r.record_id = h.record_id
GROUP BY GROUPING SETS ((h.year), (h.year, r.sex))
ORDER BY 1, 2
""",
)

_INDEX_AGE = age_at("o.index_date", "r.date_of_birth")
_PREVIOUS_BAND = (
    "CASE WHEN o.previous = 0 THEN '0' WHEN o.previous <= 2 THEN '1-2' "
    "WHEN o.previous <= 6 THEN '3-6' WHEN o.previous <= 10 THEN '7-10' ELSE '11+' END"
)
_REOFFENDING_AGE_BAND = (
    f"CASE WHEN {_INDEX_AGE} IS NULL THEN 'unknown' WHEN {_INDEX_AGE} < 18 THEN 'under 18' "
    f"WHEN {_INDEX_AGE} < 21 THEN '18-20' WHEN {_INDEX_AGE} < 25 THEN '21-24' "
    f"WHEN {_INDEX_AGE} < 30 THEN '25-29' WHEN {_INDEX_AGE} < 40 THEN '30-39' "
    f"WHEN {_INDEX_AGE} < 50 THEN '40-49' ELSE '50+' END"
)
_NON_CUSTODIAL_SQL = ", ".join(f"'{o}'" for o in NON_CUSTODIAL)

proven_reoffending_rate = Measure(
    name="proven_reoffending_rate",
    title="Proven reoffending: share of a cohort who reoffend within a year",
    counting_unit=(
        "a linked person released from custody, given a non-custodial sentence or cautioned "
        "in the cohort period (their first such event in the period is the index event)"
    ),
    period=(
        "annual and 3-month cohorts, published once the 12-month follow-up and the 6-month "
        "waiting period have ended within the data"
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
    disaggregations=(
        "cohort_type",
        "cohort",
        "sex",
        "age_band",
        "index_offence_section",
        "previous_offences",
    ),
    unit="share",
    notes=(
        "reoffences_per_reoffender = proven reoffences / reoffenders",
        "previous offences: convictions and cautions proven before the index date",
    ),
    sql=f"""
WITH linked AS (
    SELECT e.*, rp.person_id
    FROM case_event AS e
    JOIN record_person AS rp ON rp.record_id = e.record_id
),
index_events AS (
    SELECT person_id, record_id, event_date, iccs_code
    FROM linked
    WHERE (event_type = 'custody_end' AND legal_status = 'sentenced')
       OR (event_type = 'sentence' AND outcome IN ({_NON_CUSTODIAL_SQL}))
       OR event_type = 'caution'
),
proven AS (
    SELECT l.person_id, l.offence_date AS committed, l.event_date AS proved
    FROM linked AS l
    WHERE l.event_type = 'court_disposal' AND l.outcome = 'convicted'
      AND l.offence_date IS NOT NULL
    UNION ALL
    SELECT l.person_id, coalesce(i.occurred_date, i.recorded_date) AS committed,
           l.event_date AS proved
    FROM linked AS l
    JOIN incident AS i ON i.agency_id = l.agency_id AND i.incident_key = l.case_ref
    WHERE l.event_type = 'caution'
),
first_index AS (
    SELECT p.cohort_type, p.cohort, x.person_id, x.record_id, x.event_date AS index_date,
           x.iccs_code,
           row_number() OVER (
               PARTITION BY p.cohort_type, p.cohort, x.person_id
               ORDER BY x.event_date, x.record_id
           ) AS position
    FROM cohort_period AS p
    JOIN index_events AS x ON x.event_date BETWEEN p.start_date AND p.end_date
),
outcomes AS (
    SELECT f.cohort_type, f.cohort, f.person_id, f.record_id, f.index_date, f.iccs_code,
           sum(CASE WHEN date_diff('day', f.index_date, pr.committed)
                         BETWEEN 1 AND {FOLLOW_UP_DAYS}
                     AND date_diff('day', f.index_date, pr.proved)
                         <= {FOLLOW_UP_DAYS + WAITING_DAYS}
                    THEN 1 ELSE 0 END) AS reoffences,
           sum(CASE WHEN pr.proved < f.index_date THEN 1 ELSE 0 END) AS previous
    FROM first_index AS f
    LEFT JOIN proven AS pr ON pr.person_id = f.person_id
    WHERE f.position = 1
    GROUP BY 1, 2, 3, 4, 5, 6
),
described AS (
    SELECT o.cohort_type, o.cohort, o.reoffences,
           coalesce(r.sex, 'unknown') AS sex,
           {_REOFFENDING_AGE_BAND} AS age_band,
           coalesce(c.level1_code, 'unknown') AS index_offence_section,
           {_PREVIOUS_BAND} AS previous_offences
    FROM outcomes AS o
    LEFT JOIN person_record AS r ON r.record_id = o.record_id
    LEFT JOIN iccs_category AS c ON c.code = o.iccs_code
)
SELECT cohort_type, cohort,
       coalesce(sex, 'total') AS sex,
       coalesce(age_band, 'total') AS age_band,
       coalesce(index_offence_section, 'total') AS index_offence_section,
       coalesce(previous_offences, 'total') AS previous_offences,
       sum(CASE WHEN reoffences > 0 THEN 1 ELSE 0 END) AS numerator,
       count(*) AS denominator,
       sum(CASE WHEN reoffences > 0 THEN 1 ELSE 0 END) * 1.0 / count(*) AS value,
       sum(reoffences) AS reoffences,
       sum(reoffences) * 1.0
           / nullif(sum(CASE WHEN reoffences > 0 THEN 1 ELSE 0 END), 0)
           AS reoffences_per_reoffender
FROM described
GROUP BY GROUPING SETS (
    (cohort_type, cohort),
    (cohort_type, cohort, sex),
    (cohort_type, cohort, age_band),
    (cohort_type, cohort, index_offence_section),
    (cohort_type, cohort, previous_offences)
)
ORDER BY 1, 2, 3, 4, 5, 6
""",
)

_HEARING_AGE = age_at("f.first_hearing", "r.date_of_birth")

legal_aid_before_first_hearing = Measure(
    name="legal_aid_before_first_hearing",
    title="Share of defendants with legal aid assigned before their first hearing",
    counting_unit="a defendant's court case that reached a first hearing",
    period="calendar year of the first hearing",
    inclusions="legal aid assigned on or before the day of the first hearing",
    exclusions="cases without a recorded first hearing",
    disaggregations=("year", "sex", "age_group"),
    unit="share",
    sql=f"""
WITH cases AS (
    SELECT e.case_ref, e.record_id,
           min(CASE WHEN e.event_type = 'first_hearing' THEN e.event_date END) AS first_hearing,
           min(CASE WHEN e.event_type = 'legal_aid_assigned' THEN e.event_date END) AS legal_aid
    FROM case_event AS e
    WHERE e.event_type IN ('first_hearing', 'legal_aid_assigned') AND e.case_ref IS NOT NULL
    GROUP BY 1, 2
),
described AS (
    SELECT year(f.first_hearing) AS year,
           coalesce(r.sex, 'unknown') AS sex,
           {adult_or_juvenile(_HEARING_AGE)} AS age_group,
           CASE WHEN f.legal_aid <= f.first_hearing THEN 1 ELSE 0 END AS aided
    FROM cases AS f
    LEFT JOIN person_record AS r ON r.record_id = f.record_id
    WHERE f.first_hearing IS NOT NULL
)
SELECT year, coalesce(sex, 'total') AS sex, coalesce(age_group, 'total') AS age_group,
       sum(aided) AS numerator, count(*) AS denominator, sum(aided) * 1.0 / count(*) AS value
FROM described
GROUP BY GROUPING SETS ((year), (year, sex), (year, age_group))
ORDER BY 1, 2, 3
""",
)

_DISPOSAL_AGE = age_at("d.disposal", "r.date_of_birth")

days_charge_to_disposal = Measure(
    name="days_charge_to_disposal",
    title="Median days from charge to court disposal",
    counting_unit="a case (case reference) charged by the prosecution and disposed of by a court",
    period="calendar year of the court disposal",
    inclusions="the first charge and the first court disposal sharing one case reference",
    exclusions="cases not yet disposed of; cases with no charge on record",
    disaggregations=("year", "sex", "age_group"),
    unit="days",
    small_cells="denominator",
    sql=f"""
WITH charged AS (
    SELECT case_ref, min(event_date) AS charge
    FROM case_event WHERE event_type = 'charge' AND case_ref IS NOT NULL
    GROUP BY 1
),
disposed AS (
    SELECT case_ref, record_id, min(event_date) AS disposal
    FROM case_event WHERE event_type = 'court_disposal' AND case_ref IS NOT NULL
    GROUP BY 1, 2
),
described AS (
    SELECT year(d.disposal) AS year,
           coalesce(r.sex, 'unknown') AS sex,
           {adult_or_juvenile(_DISPOSAL_AGE)} AS age_group,
           date_diff('day', c.charge, d.disposal) AS days
    FROM disposed AS d
    JOIN charged AS c ON c.case_ref = d.case_ref
    LEFT JOIN person_record AS r ON r.record_id = d.record_id
    WHERE c.charge <= d.disposal
)
SELECT year, coalesce(sex, 'total') AS sex, coalesce(age_group, 'total') AS age_group,
       count(*) AS denominator, median(days) AS value
FROM described
GROUP BY GROUPING SETS ((year), (year, sex), (year, age_group))
ORDER BY 1, 2, 3
""",
)

_RELEASE_AGE = age_at("s.ended", "r.date_of_birth")

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
    disaggregations=("year", "sex", "age_group"),
    unit="days",
    small_cells="denominator",
    sql=f"""
WITH spells AS (
    SELECT s.record_id, s.event_date AS started, min(e.event_date) AS ended
    FROM case_event AS s
    JOIN case_event AS e
      ON e.record_id = s.record_id AND e.event_type = 'custody_end'
     AND e.legal_status = 'remand' AND e.event_date >= s.event_date
    WHERE s.event_type = 'custody_start' AND s.legal_status = 'remand'
    GROUP BY 1, 2
),
described AS (
    SELECT year(s.ended) AS year,
           coalesce(r.sex, 'unknown') AS sex,
           {adult_or_juvenile(_RELEASE_AGE)} AS age_group,
           date_diff('day', s.started, s.ended) AS days
    FROM spells AS s
    LEFT JOIN person_record AS r ON r.record_id = s.record_id
)
SELECT year, coalesce(sex, 'total') AS sex, coalesce(age_group, 'total') AS age_group,
       count(*) AS denominator, median(days) AS value
FROM described
GROUP BY GROUPING SETS ((year), (year, sex), (year, age_group))
ORDER BY 1, 2, 3
""",
)

_STAGE_AGE = age_at("s.event_date", "r.date_of_birth")

persons_by_stage = Measure(
    name="persons_by_stage",
    title="Persons brought into formal contact, prosecuted and convicted (UN-CTS)",
    counting_unit=(
        "a linked person, counted once per year, stage and ICCS section (sex as first "
        "recorded, age at the earliest such event in the year)"
    ),
    period="calendar year of the event",
    inclusions=(
        "formal contact: recorded as a suspect, arrested or cautioned; prosecuted: a "
        "prosecution decision to prosecute; convicted: a court verdict of guilty"
    ),
    exclusions="events coded to no ICCS category count under 'unclassified'",
    disaggregations=("year", "stage", "iccs_section", "sex", "age_group"),
    unit="count",
    small_cells="value",
    sql=f"""
WITH stages AS (
    SELECT 'formal contact' AS stage, v.record_id, i.recorded_date AS event_date,
           i.iccs_code
    FROM involvement AS v JOIN incident AS i ON i.incident_id = v.incident_id
    WHERE v.role = 'suspect'
    UNION ALL
    SELECT 'formal contact', record_id, event_date, iccs_code
    FROM case_event WHERE event_type IN ('arrest', 'caution')
    UNION ALL
    SELECT 'prosecuted', record_id, event_date, iccs_code
    FROM case_event WHERE event_type = 'prosecution_decision' AND outcome = 'prosecuted'
    UNION ALL
    SELECT 'convicted', record_id, event_date, iccs_code
    FROM case_event WHERE event_type = 'court_disposal' AND outcome = 'convicted'
),
described AS (
    SELECT year(s.event_date) AS year, s.stage,
           coalesce(c.level1_code, 'unclassified') AS iccs_section,
           rp.person_id,
           min(coalesce(r.sex, 'unknown')) AS sex,
           min({_STAGE_AGE}) AS age
    FROM stages AS s
    JOIN record_person AS rp ON rp.record_id = s.record_id
    LEFT JOIN person_record AS r ON r.record_id = s.record_id
    LEFT JOIN iccs_category AS c ON c.code = s.iccs_code
    WHERE s.event_date IS NOT NULL
    GROUP BY 1, 2, 3, 4
)
SELECT year, stage, iccs_section, sex, {adult_or_juvenile("age")} AS age_group,
       count(*) AS value
FROM described
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 3, 4, 5
""",
)

MEASURES: tuple[Measure, ...] = (
    police_recorded_offences,
    police_recorded_offences_by_area,
    persons_by_stage,
    persons_held,
    homicide_rate_per_100k,
    unsentenced_share,
    proven_reoffending_rate,
    legal_aid_before_first_hearing,
    days_charge_to_disposal,
    pretrial_detention_days,
)
