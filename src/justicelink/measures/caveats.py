"""What could change a headline figure: records it leaves out and fallbacks it relies on.

Each note counts, per period, the records a measure could not use (an offence the crosswalk
could not code, a date it had to take from elsewhere) so that the report can show them beside
the figure: nothing is lost from a headline without a word. The queries read the same units
and views as the measures.
"""

from __future__ import annotations

from dataclasses import dataclass

from justicelink.measures.compile import compile_query
from justicelink.warehouse.port import Warehouse


@dataclass(frozen=True)
class Caveat:
    """One kind of note: the measure it qualifies, its words, and its count query.

    Attributes:
        text: The sentence, with ``{n}`` for the count.
        bound: Whether the count could all belong in the numerator (the report then gives
            the figure it could reach).
        sql: A query returning ``period`` and ``n``.
    """

    measure: str
    key: str
    text: str
    sql: str
    bound: bool = False


CAVEATS: tuple[Caveat, ...] = (
    Caveat(
        "homicide_rate_per_100k",
        "uncoded_victims",
        "{n} victims of incidents whose offence code could not be coded are excluded",
        """
SELECT year(coalesce(i.occurred_date, i.recorded_date)) AS period, count(*) AS n
FROM involvement AS v
JOIN incident AS i ON i.incident_id = v.incident_id
WHERE v.role = 'victim' AND i.iccs_code IS NULL AND NOT coalesce(i.attempted, FALSE)
GROUP BY 1
""",
        bound=True,
    ),
    Caveat(
        "homicide_rate_per_100k",
        "recovered_code",
        "{n} victims are counted through an offence code recovered from the incident's "
        "arrest or caution record",
        """
SELECT year(coalesce(i.occurred_date, i.recorded_date)) AS period, count(*) AS n
FROM involvement AS v
JOIN incident AS i ON i.incident_id = v.incident_id
JOIN iccs_category AS c ON c.code = i.iccs_code
WHERE v.role = 'victim' AND c.level2_code = '0101' AND i.iccs_source LIKE 'recovered%'
GROUP BY 1
""",
    ),
    Caveat(
        "homicide_rate_per_100k",
        "recording_year",
        "{n} victims are counted in the year of recording (no occurrence date)",
        """
SELECT year(i.recorded_date) AS period, count(*) AS n
FROM involvement AS v
JOIN incident AS i ON i.incident_id = v.incident_id
JOIN iccs_category AS c ON c.code = i.iccs_code
WHERE v.role = 'victim' AND c.level2_code = '0101' AND i.occurred_date IS NULL
GROUP BY 1
""",
    ),
    Caveat(
        "unsentenced_share",
        "unmapped_status",
        "{n} custody movements have a legal status that could not be mapped",
        """
SELECT year(event_date) AS period, count(*) AS n
FROM case_event
WHERE event_type IN ('custody_start', 'custody_end') AND legal_status IS NULL
GROUP BY 1
""",
    ),
    Caveat(
        "proven_reoffending_rate",
        "sentence_date",
        "{n} non-custodial sentences have no conviction on record: the sentence date is "
        "their index date",
        """
SELECT year(index_date) AS period, count(*) AS n
FROM jl_index_event
WHERE fallback = 1
GROUP BY 1
""",
    ),
    Caveat(
        "proven_reoffending_rate",
        "caution_recorded",
        "{n} cautions take their offence date from the recording date (no occurrence date)",
        """
SELECT year(proved) AS period, count(*) AS n
FROM jl_proven
WHERE fallback = 1
GROUP BY 1
""",
    ),
    Caveat(
        "proven_reoffending_rate",
        "no_offence_date",
        "{n} convictions or cautions have no offence date and cannot count as reoffences",
        """
SELECT year(proved) AS period, count(*) AS n
FROM jl_proven
WHERE committed IS NULL
GROUP BY 1
""",
    ),
)


@dataclass(frozen=True)
class Note:
    """A counted note on one period of one measure."""

    measure: str
    key: str
    period: str
    count: int
    text: str
    bound: bool


def notes(warehouse: Warehouse, threshold: int = 0) -> list[Note]:
    """Every note with a count above zero, small counts shown as a range.

    Args:
        threshold: Counts below it are written ``fewer than {threshold}`` (0: exact).
    """
    out: list[Note] = []
    for caveat in CAVEATS:
        for period, n in warehouse.fetch(compile_query(caveat.sql)):
            if period is None or not n:
                continue
            shown = f"fewer than {threshold}" if 0 < n < threshold else f"{int(n):,}"
            out.append(
                Note(
                    caveat.measure,
                    caveat.key,
                    str(period),
                    int(n),
                    caveat.text.replace("{n}", shown),
                    caveat.bound,
                )
            )
    return sorted(out, key=lambda n: (n.measure, n.period, n.key))
