"""Counts of what a load could not use, in one unit everywhere they are shown.

``ingest``, the report and the web app's data-quality page all read these functions, so their
numbers agree: quarantined *rows*, each counted once under its first blocking reason (by
column, then reason: a row with two problems is not counted twice), and uncoded offence codes
in *rows* of the incident and case-event tables.
"""

from __future__ import annotations

from justicelink.sql import parse as parse_sql
from justicelink.warehouse.port import Warehouse

_BY_REASON = """
SELECT reason, count(*) AS n
FROM (
    SELECT reason,
           row_number() OVER (
               PARTITION BY source_file, source_row ORDER BY column_name NULLS FIRST, reason
           ) AS position
    FROM quarantine
    WHERE blocks_row AND (run_id = ? OR ? IS NULL)
) AS q
WHERE position = 1
GROUP BY reason
ORDER BY n DESC, reason
"""

_UNMAPPED = """
SELECT 'incident' AS kind, upper(offence_code_raw) AS code, count(*) AS n
FROM incident
WHERE offence_code_raw IS NOT NULL AND iccs_code IS NULL AND (run_id = ? OR ? IS NULL)
GROUP BY 1, 2
UNION ALL
SELECT 'case_event' AS kind, upper(offence_code_raw) AS code, count(*) AS n
FROM case_event
WHERE offence_code_raw IS NOT NULL AND iccs_code IS NULL AND (run_id = ? OR ? IS NULL)
GROUP BY 1, 2
"""


def quarantine_by_reason(warehouse: Warehouse, run_id: str | None = None) -> dict[str, int]:
    """Quarantined rows by their first blocking reason (they sum to the rows quarantined).

    Args:
        run_id: One ingest run's rows; None for everything the warehouse holds now.
    """
    rows = warehouse.fetch(parse_sql(_BY_REASON), [run_id, run_id])
    return {str(reason): int(n) for reason, n in rows}


def unmapped_codes(warehouse: Warehouse, run_id: str | None = None) -> dict[str, dict[str, int]]:
    """Offence codes left without an ICCS code: code -> {incident: rows, case_event: rows}.

    Ordered by rows, most first. Codes recovered from another record of the incident or case
    are not listed: they have an ICCS code (see ``iccs_source``).
    """
    found: dict[str, dict[str, int]] = {}
    params = [run_id] * 4
    for kind, code, n in warehouse.fetch(parse_sql(_UNMAPPED), params):
        found.setdefault(str(code), {"incident": 0, "case_event": 0})[str(kind)] = int(n)
    return dict(sorted(found.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])))
