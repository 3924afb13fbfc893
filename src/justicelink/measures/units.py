"""The units the measures count: one query per kind of unit, one row per unit.

Each query is plain SQL (DuckDB dialect, parsed once by sqlglot and rendered by each engine)
over the canonical tables and two tables the engine supplies at run time:

- ``census_year(year, census_date)``: 31 December of every year with custody data;
- ``cohort_period(cohort, quarter, start_date, end_date, complete, follow_up_days,
  waiting_days)``: the proven-reoffending cohorts (``quarter`` is ``Q1``..``Q4``, or ``year``
  for a calendar-year cohort) whose follow-up and waiting period end within the data.

``jl_*`` calls are the shared fragments of :mod:`justicelink.measures.macros`. Views named in
:data:`VIEWS` may be read by any unit query; the compiler adds the ones a query reads.

Every tie is broken by a stated rule, never by row order: the index event of a cohort is the
earliest, then the one whose offence comes first in the ICCS order (sections are ordered from
acts leading to death downwards), then the lowest event id.
"""

from __future__ import annotations

# Person attributes for measures that count linked persons once: the sex most of the
# person's records give (a tie, or none known, is 'unknown'); the date of birth recorded to
# the finest precision, the most frequent among those, then the earliest.
_PERSON = """
SELECT s.person_id,
       CASE WHEN s.male > s.female THEN 'male' WHEN s.female > s.male THEN 'female'
            ELSE 'unknown' END AS sex,
       b.date_of_birth
FROM (
    SELECT rp.person_id,
           sum(CASE WHEN r.sex = 'male' THEN 1 ELSE 0 END) AS male,
           sum(CASE WHEN r.sex = 'female' THEN 1 ELSE 0 END) AS female
    FROM record_person AS rp
    JOIN person_record AS r ON r.record_id = rp.record_id
    GROUP BY rp.person_id
) AS s
LEFT JOIN (
    SELECT rp.person_id, r.date_of_birth,
           row_number() OVER (
               PARTITION BY rp.person_id
               ORDER BY min(CASE r.dob_precision WHEN 'day' THEN 0 WHEN 'month' THEN 1
                                                 ELSE 2 END),
                        count(*) DESC, r.date_of_birth
           ) AS position
    FROM record_person AS rp
    JOIN person_record AS r ON r.record_id = rp.record_id
    WHERE r.date_of_birth IS NOT NULL
    GROUP BY rp.person_id, r.date_of_birth
) AS b ON b.person_id = s.person_id AND b.position = 1
"""

# Case events with the linked person they belong to.
_LINKED_EVENT = """
SELECT e.event_id, e.record_id, e.agency_id, e.event_type, e.event_date, e.offence_date,
       e.iccs_code, e.outcome, e.legal_status, e.case_ref, rp.person_id
FROM case_event AS e
JOIN record_person AS rp ON rp.record_id = e.record_id
"""

# Proven offences (England and Wales: an offence proven by a court conviction or a police
# caution). The offence date of a caution is the incident's occurrence date, or its
# recording date when the occurrence date is unknown (a counted fallback, ``fallback`` 1).
_PROVEN = """
SELECT person_id, offence_date AS committed, event_date AS proved, 0 AS fallback
FROM jl_linked_event
WHERE event_type = 'court_disposal' AND outcome = 'convicted'
UNION ALL
SELECT l.person_id, coalesce(i.occurred_date, i.recorded_date) AS committed,
       l.event_date AS proved,
       CASE WHEN i.occurred_date IS NULL AND i.recorded_date IS NOT NULL THEN 1 ELSE 0 END
FROM jl_linked_event AS l
LEFT JOIN incident AS i ON i.agency_id = l.agency_id AND i.incident_key = l.case_ref
WHERE l.event_type = 'caution'
"""

# Events that put a person in a proven-reoffending cohort, with their index date and the
# date the index offence was proven (``anchor``: previous offences are those proven before
# it). MoJ: a caution, a conviction with a non-custodial sentence (index date: the date of
# conviction), or a release from a custodial sentence (index date: the release).
_INDEX_EVENT = """
SELECT l.person_id, l.event_id, l.event_date AS index_date, l.event_date AS anchor,
       l.iccs_code, 'caution' AS disposal, 0 AS fallback
FROM jl_linked_event AS l
WHERE l.event_type = 'caution'
UNION ALL
SELECT s.person_id, s.event_id, coalesce(max(c.event_date), s.event_date) AS index_date,
       coalesce(max(c.event_date), s.event_date) AS anchor, s.iccs_code,
       'non-custodial' AS disposal,
       CASE WHEN max(c.event_date) IS NULL THEN 1 ELSE 0 END AS fallback
FROM jl_linked_event AS s
LEFT JOIN jl_linked_event AS c
  ON c.record_id = s.record_id AND c.case_ref = s.case_ref
 AND c.event_type = 'court_disposal' AND c.outcome = 'convicted' AND c.event_date <= s.event_date
WHERE s.event_type = 'sentence' AND s.outcome IN ('suspended', 'community', 'fine', 'other')
GROUP BY s.person_id, s.event_id, s.event_date, s.iccs_code
UNION ALL
SELECT r.person_id, r.event_id, r.event_date AS index_date,
       coalesce(max(c.event_date), max(v.received), r.event_date) AS anchor, r.iccs_code,
       'custody' AS disposal, 0 AS fallback
FROM jl_linked_event AS r
LEFT JOIN (
    SELECT d.event_id, max(s.event_date) AS received
    FROM jl_linked_event AS d
    JOIN jl_linked_event AS s
      ON s.record_id = d.record_id AND s.event_type = 'custody_start'
     AND s.legal_status = 'sentenced' AND s.event_date <= d.event_date
    WHERE d.event_type = 'custody_end' AND d.legal_status = 'sentenced'
    GROUP BY d.event_id
) AS v ON v.event_id = r.event_id
LEFT JOIN jl_linked_event AS c
  ON c.person_id = r.person_id AND c.event_type = 'court_disposal'
 AND c.outcome = 'convicted' AND c.event_date <= v.received
WHERE r.event_type = 'custody_end' AND r.legal_status = 'sentenced'
GROUP BY r.person_id, r.event_id, r.event_date, r.iccs_code
"""

# One row per person and cohort: the person's first index event in the cohort period, what
# followed within the follow-up year (proven by the end of the waiting period) and what was
# proven before the index offence.
_COHORT_MEMBER = """
SELECT f.cohort, f.quarter, f.complete, f.person_id, f.index_date, f.iccs_code, f.disposal,
       sum(CASE WHEN jl_days(f.index_date, pr.committed) BETWEEN 1 AND f.follow_up_days
                 AND jl_days(f.index_date, pr.proved) <= f.follow_up_days + f.waiting_days
                THEN 1 ELSE 0 END) AS reoffences,
       sum(CASE WHEN pr.proved < f.anchor THEN 1 ELSE 0 END) AS previous
FROM (
    SELECT p.cohort, p.quarter, p.complete, p.follow_up_days, p.waiting_days, x.*,
           row_number() OVER (
               PARTITION BY p.cohort, p.quarter, x.person_id
               ORDER BY x.index_date, x.iccs_code NULLS LAST, x.event_id
           ) AS position
    FROM cohort_period AS p
    JOIN jl_index_event AS x ON x.index_date BETWEEN p.start_date AND p.end_date
) AS f
LEFT JOIN jl_proven AS pr ON pr.person_id = f.person_id
WHERE f.position = 1
GROUP BY f.cohort, f.quarter, f.complete, f.person_id, f.index_date, f.iccs_code, f.disposal
"""

VIEWS: dict[str, str] = {
    "jl_person": _PERSON,
    "jl_linked_event": _LINKED_EVENT,
    "jl_proven": _PROVEN,
    "jl_index_event": _INDEX_EVENT,
    "jl_cohort_member": _COHORT_MEMBER,
}

_OFFENCE = """
SELECT year(i.recorded_date) AS year,
       coalesce(i.area, 'unknown') AS area,
       coalesce(c.level1_code, 'unclassified') AS iccs_section,
       coalesce(c.level2_code, c.level1_code, 'unclassified') AS iccs_division
FROM incident AS i
LEFT JOIN iccs_category AS c ON c.code = i.iccs_code
WHERE i.recorded_date IS NOT NULL
"""

# Victims of intentional homicide (ICCS 0101, attempts excluded) by year of occurrence; the
# recording year where the occurrence date is unknown (counted in the data-quality notes).
_HOMICIDE_VICTIM = """
SELECT year(v.day) AS year, v.sex, jl_homicide_band(v.age) AS age_band
FROM (
    SELECT coalesce(i.occurred_date, i.recorded_date) AS day,
           coalesce(r.sex, 'unknown') AS sex,
           coalesce(x.age_at_event,
                    jl_age(coalesce(i.occurred_date, i.recorded_date), r.date_of_birth)) AS age
    FROM involvement AS x
    JOIN incident AS i ON i.incident_id = x.incident_id
    JOIN iccs_category AS c ON c.code = i.iccs_code
    LEFT JOIN person_record AS r ON r.record_id = x.record_id
    WHERE x.role = 'victim' AND c.level2_code = '0101' AND NOT coalesce(i.attempted, FALSE)
) AS v
WHERE v.day IS NOT NULL
"""

_HOMICIDE_POPULATION = """
SELECT year, coalesce(sex, 'unknown') AS sex, jl_label_homicide_band(age_band) AS age_band,
       population
FROM population
"""

# Persons held at the end of each census day (SDG 16.3.2). Receptions add one and discharges
# take one away, per legal status, over all the person's records up to the census day: a
# person is held while any balance is positive, and unsentenced only while no sentence is
# being served (a remand ending during a sentence leaves the person sentenced). Movements
# whose legal status could not be mapped hold a person with an unknown status.
_HELD_PERSON = """
SELECT b.year, b.person_id,
       CASE WHEN b.sentenced > 0 THEN 'sentenced' WHEN b.remand > 0 THEN 'unsentenced'
            ELSE 'unknown' END AS legal_status,
       CASE WHEN b.sentenced <= 0 AND b.remand > 0 THEN 1 ELSE 0 END AS unsentenced,
       p.sex,
       jl_population_band(jl_age(b.census_date, p.date_of_birth)) AS age_band
FROM (
    SELECT y.year, y.census_date, m.person_id,
           sum(CASE WHEN m.legal_status = 'sentenced' THEN m.step ELSE 0 END) AS sentenced,
           sum(CASE WHEN m.legal_status = 'remand' THEN m.step ELSE 0 END) AS remand,
           sum(CASE WHEN m.legal_status IS NULL THEN m.step ELSE 0 END) AS other
    FROM census_year AS y
    JOIN (
        SELECT person_id, event_date, legal_status,
               CASE WHEN event_type = 'custody_start' THEN 1 ELSE -1 END AS step
        FROM jl_linked_event
        WHERE event_type IN ('custody_start', 'custody_end')
    ) AS m ON m.event_date <= y.census_date
    GROUP BY y.year, y.census_date, m.person_id
) AS b
JOIN jl_person AS p ON p.person_id = b.person_id
WHERE b.sentenced > 0 OR b.remand > 0 OR b.other > 0
"""

# One row per person and cohort: ``quarter`` is Q1..Q4 for the 3-month cohorts that MoJ pools
# into its annual figure (a person can be in more than one), or ``year`` for the named
# alternative, a calendar-year cohort counting each person once.
_REOFFENDING = """
SELECT m.cohort, m.quarter, m.complete, m.sex,
       jl_adult_or_juvenile(m.age) AS age_group,
       jl_reoffending_band(m.age) AS age_band,
       coalesce(c.level1_code, 'unknown') AS index_offence_section,
       jl_previous_band(m.previous) AS previous_offences,
       CASE WHEN m.reoffences > 0 THEN 1 ELSE 0 END AS reoffended,
       m.reoffences
FROM (
    SELECT x.*, p.sex, jl_age(x.index_date, p.date_of_birth) AS age
    FROM jl_cohort_member AS x
    JOIN jl_person AS p ON p.person_id = x.person_id
) AS m
LEFT JOIN iccs_category AS c ON c.code = m.iccs_code
"""

_HEARING_CASE = """
SELECT year(f.first_hearing) AS year,
       coalesce(r.sex, 'unknown') AS sex,
       jl_adult_or_juvenile(jl_age(f.first_hearing, r.date_of_birth)) AS age_group,
       CASE WHEN f.legal_aid <= f.first_hearing THEN 1 ELSE 0 END AS aided
FROM (
    SELECT e.case_ref, e.record_id,
           min(CASE WHEN e.event_type = 'first_hearing' THEN e.event_date END) AS first_hearing,
           min(CASE WHEN e.event_type = 'legal_aid_assigned' THEN e.event_date END) AS legal_aid
    FROM case_event AS e
    WHERE e.event_type IN ('first_hearing', 'legal_aid_assigned') AND e.case_ref IS NOT NULL
    GROUP BY e.case_ref, e.record_id
) AS f
LEFT JOIN person_record AS r ON r.record_id = f.record_id
WHERE f.first_hearing IS NOT NULL
"""

_DISPOSED_CASE = """
SELECT year(d.disposal) AS year,
       coalesce(r.sex, 'unknown') AS sex,
       jl_adult_or_juvenile(jl_age(d.disposal, r.date_of_birth)) AS age_group,
       jl_days(c.charge, d.disposal) AS days
FROM (
    SELECT case_ref, record_id, min(event_date) AS disposal
    FROM case_event
    WHERE event_type = 'court_disposal' AND case_ref IS NOT NULL
    GROUP BY case_ref, record_id
) AS d
JOIN (
    SELECT case_ref, min(event_date) AS charge
    FROM case_event
    WHERE event_type = 'charge' AND case_ref IS NOT NULL
    GROUP BY case_ref
) AS c ON c.case_ref = d.case_ref
LEFT JOIN person_record AS r ON r.record_id = d.record_id
WHERE c.charge <= d.disposal
"""

_REMAND_SPELL = """
SELECT year(s.ended) AS year,
       coalesce(r.sex, 'unknown') AS sex,
       jl_adult_or_juvenile(jl_age(s.ended, r.date_of_birth)) AS age_group,
       jl_days(s.started, s.ended) AS days
FROM (
    SELECT b.record_id, b.event_date AS started, min(e.event_date) AS ended
    FROM case_event AS b
    JOIN case_event AS e
      ON e.record_id = b.record_id AND e.event_type = 'custody_end'
     AND e.legal_status = 'remand' AND e.event_date >= b.event_date
    WHERE b.event_type = 'custody_start' AND b.legal_status = 'remand'
    GROUP BY b.record_id, b.event_date
) AS s
LEFT JOIN person_record AS r ON r.record_id = s.record_id
"""

# A linked person once per year, stage and ICCS section; age at the earliest such event.
_STAGE_PERSON = """
SELECT d.year, d.stage, d.iccs_section, p.sex,
       jl_adult_or_juvenile(jl_age(d.first_day, p.date_of_birth)) AS age_group
FROM (
    SELECT year(s.event_date) AS year, s.stage,
           coalesce(c.level1_code, 'unclassified') AS iccs_section,
           rp.person_id, min(s.event_date) AS first_day
    FROM (
        SELECT 'formal contact' AS stage, v.record_id, i.recorded_date AS event_date,
               i.iccs_code
        FROM involvement AS v
        JOIN incident AS i ON i.incident_id = v.incident_id
        WHERE v.role = 'suspect'
        UNION ALL
        SELECT 'formal contact', record_id, event_date, iccs_code
        FROM case_event
        WHERE event_type IN ('arrest', 'caution')
        UNION ALL
        SELECT 'prosecuted', record_id, event_date, iccs_code
        FROM case_event
        WHERE event_type = 'prosecution_decision' AND outcome = 'prosecuted'
        UNION ALL
        SELECT 'convicted', record_id, event_date, iccs_code
        FROM case_event
        WHERE event_type = 'court_disposal' AND outcome = 'convicted'
    ) AS s
    JOIN record_person AS rp ON rp.record_id = s.record_id
    LEFT JOIN iccs_category AS c ON c.code = s.iccs_code
    WHERE s.event_date IS NOT NULL
    GROUP BY year(s.event_date), s.stage, coalesce(c.level1_code, 'unclassified'),
             rp.person_id
) AS d
JOIN jl_person AS p ON p.person_id = d.person_id
"""

# Sentences passed (one row per sentence event of a person record), with age at sentence.
# Licence is supervision after custody, not a sentence; an unmapped outcome is left out.
_SENTENCE = """
SELECT year(e.event_date) AS year,
       coalesce(r.sex, 'unknown') AS sex,
       jl_adult_or_juvenile(jl_age(e.event_date, r.date_of_birth)) AS age_group,
       CASE WHEN e.outcome = 'custody' THEN 0 ELSE 1 END AS non_custodial
FROM case_event AS e
LEFT JOIN person_record AS r ON r.record_id = e.record_id
WHERE e.event_type = 'sentence' AND e.event_date IS NOT NULL
  AND e.outcome IN ('custody', 'suspended', 'community', 'fine', 'other')
"""

# Cases at the decision to take them to court or not: a police caution, or a prosecution
# decision to prosecute or to divert (a discontinued case goes nowhere and is neither).
_DIVERSION_CASE = """
SELECT year(e.event_date) AS year,
       coalesce(r.sex, 'unknown') AS sex,
       jl_adult_or_juvenile(jl_age(e.event_date, r.date_of_birth)) AS age_group,
       CASE WHEN e.event_type = 'caution' OR e.outcome = 'diverted' THEN 1 ELSE 0 END
           AS diverted
FROM case_event AS e
LEFT JOIN person_record AS r ON r.record_id = e.record_id
WHERE e.event_date IS NOT NULL
  AND (e.event_type = 'caution'
       OR (e.event_type = 'prosecution_decision' AND e.outcome IN ('diverted', 'prosecuted')))
"""

UNITS: dict[str, str] = {
    "offence": _OFFENCE,
    "homicide_victim": _HOMICIDE_VICTIM,
    "homicide_population": _HOMICIDE_POPULATION,
    "held_person": _HELD_PERSON,
    "reoffending": _REOFFENDING,
    "hearing_case": _HEARING_CASE,
    "disposed_case": _DISPOSED_CASE,
    "remand_spell": _REMAND_SPELL,
    "stage_person": _STAGE_PERSON,
    "sentence": _SENTENCE,
    "diversion_case": _DIVERSION_CASE,
}
