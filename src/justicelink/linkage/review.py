"""Clerical review: uncertain pairs out to a CSV, reviewers' decisions back in.

Decisions are kept in ``link_decision`` (the latest decision on a pair wins) and every later
linkage run applies them: ``same`` makes a link whatever the score, ``different`` removes
one.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import sqlglot.expressions as exp

from justicelink.errors import LinkageError, SourceFileNotFoundError
from justicelink.warehouse.port import Engine, Warehouse, open_warehouse, warehouse_exists

DECISIONS = ("same", "different")
# The source of decisions taken in the web app's review queue.
WEB_SOURCE = "web review"
# Columns shown for each side of a pair.
_SIDE = ("full_name", "sex", "date_of_birth", "dob_precision", "id_number", "address")
HEADER = (
    "record_id_l",
    "record_id_r",
    "match_probability",
    *(f"{c}_l" for c in _SIDE),
    *(f"{c}_r" for c in _SIDE),
    "decision",
    "note",
)


def _latest_run(warehouse: Warehouse) -> float:
    rows = warehouse.fetch(
        exp.select("threshold").from_("link_run").order_by(exp.column("finished_at").desc())
    )
    if not rows:
        raise LinkageError("no linkage run in this warehouse yet; run `justicelink link` first")
    return float(rows[0][0])


def uncertain_pairs(
    warehouse: Warehouse, *, low: float, high: float, limit: int
) -> list[tuple[object, ...]]:
    """Undecided pairs with probability in [low, high], nearest the latest threshold first.

    Each row: ``record_id_l, record_id_r, match_probability`` (4 decimals), then the
    ``_SIDE`` columns of the left record, then those of the right one.
    """
    if low > high:
        raise LinkageError(f"--low {low} is above --high {high}")
    threshold = _latest_run(warehouse)
    p = exp.column("match_probability", table="p")
    side = [exp.column(c, table=alias).as_(f"{c}_{alias}") for alias in ("l", "r") for c in _SIDE]
    decided = (
        exp.select("1")
        .from_(exp.to_table("link_decision").as_("d"))
        .where(
            exp.and_(
                exp.column("record_id_l", table="d").eq(exp.column("record_id_l", table="p")),
                exp.column("record_id_r", table="d").eq(exp.column("record_id_r", table="p")),
            )
        )
    )
    query = (
        exp.select(
            exp.column("record_id_l", table="p"),
            exp.column("record_id_r", table="p"),
            exp.func("round", p, exp.Literal.number(4)),
            *side,
        )
        .from_(exp.to_table("link_pair").as_("p"))
        .join(
            exp.to_table("person_record").as_("l"),
            on=exp.column("record_id", table="l").eq(exp.column("record_id_l", table="p")),
        )
        .join(
            exp.to_table("person_record").as_("r"),
            on=exp.column("record_id", table="r").eq(exp.column("record_id_r", table="p")),
        )
        .where(p.between(exp.Placeholder(), exp.Placeholder()))
        .where(exp.Exists(this=decided).not_())
        .order_by(
            exp.func("abs", exp.Sub(this=p, expression=exp.Placeholder())),
            exp.column("record_id_l", table="p"),
            exp.column("record_id_r", table="p"),
        )
        .limit(limit)
    )
    return warehouse.fetch(query, [low, high, threshold])


def count_uncertain(warehouse: Warehouse, *, low: float, high: float) -> int:
    """How many undecided pairs have probability in [low, high] (what is left to review)."""
    p = exp.column("match_probability", table="p")
    decided = (
        exp.select("1")
        .from_(exp.to_table("link_decision").as_("d"))
        .where(
            exp.and_(
                exp.column("record_id_l", table="d").eq(exp.column("record_id_l", table="p")),
                exp.column("record_id_r", table="d").eq(exp.column("record_id_r", table="p")),
            )
        )
    )
    query = (
        exp.select(exp.func("count", exp.Star()))
        .from_(exp.to_table("link_pair").as_("p"))
        .where(p.between(exp.Placeholder(), exp.Placeholder()))
        .where(exp.Exists(this=decided).not_())
    )
    return int(warehouse.fetch(query, [low, high])[0][0])


def undo_decision(warehouse: Warehouse, record_l: str, record_r: str, *, reviewer: str) -> str:
    """Take back ``reviewer``'s latest decision on a pair (made in the web app); the pair
    returns to the queue unless an earlier decision on it stands.

    Returns:
        The decision taken back.

    Raises:
        LinkageError: the reviewer has no decision on this pair to take back.
    """
    a, b = min(record_l, record_r), max(record_l, record_r)
    pair = exp.and_(
        exp.column("record_id_l").eq(exp.Placeholder()),
        exp.column("record_id_r").eq(exp.Placeholder()),
        exp.column("reviewer").eq(exp.Placeholder()),
        exp.column("source_file").eq(exp.Literal.string(WEB_SOURCE)),
    )
    rows = warehouse.fetch(
        exp.select("decision", "decided_at")
        .from_("link_decision")
        .where(pair)
        .order_by(exp.column("decided_at").desc())
        .limit(1),
        [a, b, reviewer],
    )
    if not rows:
        raise LinkageError(f"you have no decision on {a} and {b} to undo")
    decision, at = rows[0]
    with warehouse.transaction():
        warehouse.execute(
            exp.delete("link_decision").where(
                exp.and_(pair, exp.column("decided_at").eq(exp.Placeholder()))
            ),
            [a, b, reviewer, at],
        )
    return str(decision)


def export_review(
    warehouse_path: Path,
    out: Path,
    *,
    low: float,
    high: float,
    limit: int,
    engine: Engine | None = None,
) -> int:
    """Write the undecided pairs with probability in [low, high], nearest the threshold first.

    Returns:
        The number of pairs written.
    """
    if not warehouse_exists(warehouse_path, engine):
        raise SourceFileNotFoundError(f"{warehouse_path}: no warehouse here")
    with open_warehouse(warehouse_path, read_only=True, engine=engine) as warehouse:
        rows = uncertain_pairs(warehouse, low=low, high=high, limit=limit)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row] + ["", ""])
    return len(rows)


def import_review(
    warehouse_path: Path, path: Path, *, reviewer: str, engine: Engine | None = None
) -> dict[str, int]:
    """Read reviewed decisions; a mistake is reported with file, row and column.

    Returns:
        Counts of ``same``, ``different`` and ``skipped`` (empty decision) rows.
    """
    if not path.is_file():
        raise SourceFileNotFoundError(f"{path}: no such review file")
    if not warehouse_exists(warehouse_path, engine):
        raise SourceFileNotFoundError(f"{warehouse_path}: no warehouse here")
    decided: list[tuple[str, str, str, str]] = []
    counts = {"same": 0, "different": 0, "skipped": 0}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = {"record_id_l", "record_id_r", "decision"} - set(reader.fieldnames or [])
        if missing:
            raise LinkageError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        for row in reader:
            where = f"{path}, row {reader.line_num - 1}"
            decision = (row["decision"] or "").strip().lower()
            if not decision:
                counts["skipped"] += 1
                continue
            if decision not in DECISIONS:
                raise LinkageError(
                    f"{where}, column decision: {row['decision']!r} is not same or different"
                )
            a, b = (row["record_id_l"] or "").strip(), (row["record_id_r"] or "").strip()
            if not a or not b or a == b:
                raise LinkageError(f"{where}, column record_id_r: needs two different records")
            decided.append((min(a, b), max(a, b), decision, (row.get("note") or "").strip()))
            counts[decision] += 1
    with open_warehouse(warehouse_path, engine=engine) as warehouse:
        warehouse.ensure_schema()
        record_decisions(warehouse, decided, reviewer=reviewer, source=str(path))
    return counts


def record_decisions(
    warehouse: Warehouse,
    decided: Sequence[tuple[str, str, str, str]],
    *,
    reviewer: str,
    source: str,
) -> None:
    """Store decisions ``(record_id_l, record_id_r, same|different, note)`` in one transaction.

    Raises:
        LinkageError: a record is not in the warehouse, or a decision is neither same nor
            different. Nothing is stored then.
    """
    ids = sorted({r for a, b, _, _ in decided for r in (a, b)})
    known = _known_records(warehouse, ids)
    for a, b, decision, _ in decided:
        if a == b:
            raise LinkageError(f"{source}: a decision needs two different records, not {a} twice")
        for rid in (a, b):
            if rid not in known:
                raise LinkageError(f"{source}: record {rid} is not in the warehouse")
        if decision not in DECISIONS:
            raise LinkageError(f"{source}: {decision!r} is not same or different")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    table = pa.table(
        {
            "record_id_l": [min(d[0], d[1]) for d in decided],
            "record_id_r": [max(d[0], d[1]) for d in decided],
            "decision": [d[2] for d in decided],
            "reviewer": [reviewer] * len(decided),
            "decided_at": pa.array([now] * len(decided), pa.timestamp("us")),
            "note": [d[3] or None for d in decided],
            "source_file": [source] * len(decided),
        }
    )
    with warehouse.transaction():
        warehouse.append_rows("link_decision", table)


def _known_records(warehouse: Warehouse, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    name = "review_ids"
    warehouse.register(name, pa.table({"record_id": ids}))
    try:
        rows = warehouse.fetch(
            exp.select("record_id")
            .from_("person_record")
            .where(exp.column("record_id").isin(query=exp.select("record_id").from_(name)))
        )
    finally:
        warehouse.unregister(name)
    return {str(r[0]) for r in rows}
