"""Ingest: load every extract named by a mapping file into the warehouse, all or nothing.

Each input record ends in exactly one place: a canonical table, or the ``quarantine`` table
with its file, row, column, raw value and reason. Values that are unusable but not essential
(an unparseable date of birth, an offence code missing from the crosswalk) do not reject
their row: the row loads, the raw value is kept beside the NULL normalised one, and the
problem is listed in ``value_issue``. Reloading a file replaces what it loaded before.
"""

from __future__ import annotations

import hashlib
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import sqlglot.expressions as exp

from justicelink.classification import Crosswalk, load_crosswalk, load_iccs
from justicelink.errors import JusticelinkError, SourceFileNotFoundError
from justicelink.ingest.check import count_unusable
from justicelink.ingest.derive import with_derived_columns
from justicelink.ingest.mapping import ExtractFile, Mapping, load_mapping
from justicelink.ingest.quality import quarantine_by_reason, unmapped_codes
from justicelink.ingest.readers import RawExtract, read_extract
from justicelink.ingest.recover import recover_codes
from justicelink.ingest.transform import (
    NORMALISED,
    STAGE,
    normalise_query,
    problem_select,
    problems,
)
from justicelink.model.canonical import ENTITY_TABLE, TABLES
from justicelink.model.enums import Entity
from justicelink.warehouse.port import Engine, Warehouse, open_warehouse, warehouse_exists

PROBLEMS = "_jl_problems"
BLOCKED = "_jl_blocked"
REJECTS = "_jl_rejects"

# Files that others refer to load first, so that references can be checked.
_LOAD_ORDER = {
    Entity.POPULATION: 0,
    Entity.PERSON_RECORD: 0,
    Entity.INCIDENT: 0,
    Entity.INVOLVEMENT: 1,
    Entity.CASE_EVENT: 1,
    Entity.PROGRAMME: 0,
    Entity.PARTICIPATION: 1,
}

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class FileReport:
    """The reconciliation of one file: every record read was loaded or quarantined."""

    path: str
    agency: str | None
    entity: str
    read: int
    loaded: int
    quarantined: int
    value_issues: int
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What one ingest run did."""

    run_id: str
    warehouse: str
    files: list[FileReport]
    unmapped_offence_codes: dict[str, int]
    seconds: float
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    unmapped_by_table: dict[str, dict[str, int]] = field(default_factory=dict)
    recovered_codes: dict[str, int] = field(default_factory=dict)
    ref_area: str | None = None
    created: bool = False

    @property
    def rows_read(self) -> int:
        """Records read over all files."""
        return sum(f.read for f in self.files)

    def to_json(self) -> dict[str, Any]:
        """The report in the shape `justicelink ingest --json` prints."""
        return {
            "run_id": self.run_id,
            "warehouse": self.warehouse,
            "created": self.created,
            "files": [asdict(f) for f in self.files],
            "unmapped_offence_codes": self.unmapped_offence_codes,
            "unmapped_offence_codes_by_table": self.unmapped_by_table,
            "recovered_offence_codes": self.recovered_codes,
            "quarantine_reasons": self.quarantine_reasons,
            "seconds": round(self.seconds, 3),
        }


class ReconciliationError(RuntimeError, JusticelinkError):
    """Rows read did not equal rows loaded plus rows quarantined: a defect, never data."""


def ingest(
    source: Path,
    warehouse_path: Path,
    *,
    progress: Progress | None = None,
    engine: Engine | None = None,
) -> IngestReport:
    """Load the extracts described by ``source`` (a folder with agencies.yaml, or the file).

    Nothing is written unless every file loads: a failure rolls the warehouse back to what it
    was, and a warehouse file created by the failed run is removed.

    Raises:
        MappingError, SourceFileNotFoundError, ExtractError: on a user's mistake, as one line.
        WarehouseError: when the warehouse cannot be opened.
    """
    started = time.perf_counter()
    mapping = load_mapping(source)
    for extract in mapping.files:
        if not extract.path.is_file():
            raise SourceFileNotFoundError(
                f"{extract.path}: extract named in {mapping.path} not found"
            )
    ref = mapping.spec.reference.offence_codes
    crosswalk = None
    if ref is not None:
        crosswalk = load_crosswalk(
            mapping.folder / ref.path,
            code_column=ref.code,
            iccs_column=ref.iccs,
            label_column=ref.label,
        )
    created = not warehouse_exists(warehouse_path, engine)
    started_at = datetime.now(UTC)
    run_id = started_at.strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:8]
    try:
        with open_warehouse(warehouse_path, engine=engine) as warehouse:
            warehouse.ensure_schema()
            with warehouse.staging() as stage, stage.transaction():
                _load_reference(stage, mapping, crosswalk)
                reports = _load_files(stage, mapping, run_id, progress)
                _recode_other_files(stage, [r.path for r in reports])
                recovered = recover_codes(stage)
                unmapped = unmapped_codes(stage, run_id)
                reasons = quarantine_by_reason(stage, run_id)
                _record_run(stage, mapping, run_id, started_at, reports)
    except BaseException:
        if created:
            _remove(warehouse_path)
        raise
    return IngestReport(
        run_id=run_id,
        warehouse=str(warehouse_path),
        files=reports,
        unmapped_offence_codes={code: sum(n.values()) for code, n in unmapped.items()},
        unmapped_by_table=unmapped,
        recovered_codes=recovered,
        ref_area=mapping.spec.ref_area,
        created=created,
        seconds=time.perf_counter() - started,
        quarantine_reasons=reasons,
    )


def _remove(location: Path) -> None:
    """Remove a warehouse the failed run created (a DuckDB file, or a Parquet folder)."""
    if location.is_dir():
        shutil.rmtree(location, ignore_errors=True)
        return
    for leftover in (location, location.with_name(location.name + ".wal")):
        leftover.unlink(missing_ok=True)


def _replace_rows(warehouse: Warehouse, table: str, rows: list[dict[str, Any]]) -> None:
    columns = [name for name, _ in TABLES[table]]
    arrow = pa.Table.from_pylist(rows, schema=None) if rows else None
    warehouse.execute(exp.delete(table))
    if arrow is None:
        return
    warehouse.register("_jl_reference", arrow)
    warehouse.execute(
        exp.insert(exp.select(*columns).from_("_jl_reference"), table, columns=columns)
    )
    warehouse.unregister("_jl_reference")


def _load_reference(warehouse: Warehouse, mapping: Mapping, crosswalk: Crosswalk | None) -> None:
    iccs = load_iccs()
    _replace_rows(
        warehouse,
        "iccs_category",
        [
            {
                "code": c.code,
                "level": c.level,
                "parent": c.parent,
                "section": c.section,
                "label": c.label,
                "level1_code": iccs.ancestor(c.code, 1),
                "level2_code": iccs.ancestor(c.code, 2),
            }
            for c in iccs.categories()
        ],
    )
    if crosswalk is not None:
        _replace_rows(
            warehouse,
            "offence_code",
            [
                {"national_code": e.national_code, "iccs_code": e.iccs_code, "label": e.label}
                for e in crosswalk.entries
            ],
        )
    for agency in mapping.spec.agencies:
        warehouse.execute(exp.delete("agency", where="agency_id = ?"), [agency.id])
        warehouse.execute(
            exp.insert(
                exp.select(exp.Placeholder(), exp.Placeholder(), exp.Placeholder()),
                "agency",
                columns=["agency_id", "kind", "name"],
            ),
            [agency.id, agency.kind.value, agency.name],
        )


def _load_files(
    warehouse: Warehouse, mapping: Mapping, run_id: str, progress: Progress | None
) -> list[FileReport]:
    ordered = sorted(mapping.files, key=lambda f: _LOAD_ORDER[f.entity])
    reports: list[FileReport] = []
    for done, extract in enumerate(ordered):
        if progress is not None:
            progress(extract.label, done, len(ordered))
        raw = read_extract(extract)
        reports.append(_load_file(warehouse, extract, raw, run_id))
    if progress is not None:
        progress("done", len(ordered), len(ordered))
    # Report in the mapping's order, which is the order the user wrote.
    position = {f.label: i for i, f in enumerate(mapping.files)}
    return sorted(reports, key=lambda r: position[r.path])


def _drop(name: str) -> exp.Expr:
    return exp.Drop(tables=[exp.to_table(name)], kind="TABLE", exists=True)


def _temp_table(name: str, query: exp.Expr) -> exp.Expr:
    return exp.Create(
        this=exp.to_table(name),
        kind="TABLE",
        expression=query,
        properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
    )


def _load_file(
    warehouse: Warehouse, extract: ExtractFile, raw: RawExtract, run_id: str
) -> FileReport:
    table = ENTITY_TABLE[extract.entity]
    label = extract.label
    for name in (NORMALISED, PROBLEMS, BLOCKED):
        warehouse.execute(_drop(name))
    warehouse.register(STAGE, with_derived_columns(extract, raw.table))
    try:
        warehouse.execute(_temp_table(NORMALISED, normalise_query(extract, run_id=run_id)))
    finally:
        warehouse.unregister(STAGE)
    checks = [problem_select(p) for p in problems(extract)]
    union: exp.Expr = checks[0]
    for check in checks[1:]:
        union = exp.union(union, check, distinct=False)
    warehouse.execute(_temp_table(PROBLEMS, union))
    warehouse.execute(
        _temp_table(BLOCKED, exp.select("source_row").from_(PROBLEMS).where("blocking").distinct())
    )
    # A format or value map that reads none of a column loads it all as NULL: say so.
    warnings = [
        f"{c.message()}: the whole column loads as NULL; check its format or values"
        for c in count_unusable(extract, warehouse, NORMALISED)
        if c.empties_column
    ]
    for target in ("quarantine", "value_issue", table):
        warehouse.execute(exp.delete(target, where="source_file = ?"), [label])
    blocked_rows = exp.select("source_row").from_(BLOCKED)
    issue_columns = ["run_id", "source_file", "source_row", "column_name", "raw_value", "reason"]
    in_blocked = exp.column("source_row").isin(query=blocked_rows)
    for target, where, extra in (
        ("quarantine", in_blocked, ["blocking"]),
        ("value_issue", exp.Not(this=in_blocked), []),
    ):
        select = (
            exp.select(
                exp.Placeholder(),
                exp.Placeholder(),
                "source_row",
                "column_name",
                "raw_value",
                "reason",
                *extra,
            )
            .from_(PROBLEMS)
            .where(where)
        )
        columns = issue_columns + (["blocks_row"] if extra else [])
        warehouse.execute(exp.insert(select, target, columns=columns), [run_id, label])
    if raw.rejects:
        rejects = pa.table(
            {
                "source_row": [r.row for r in raw.rejects],
                "raw_value": [r.raw for r in raw.rejects],
                "reason": [r.reason for r in raw.rejects],
            }
        )
        warehouse.register(REJECTS, rejects)
        select = exp.select(
            exp.Placeholder(),
            exp.Placeholder(),
            "source_row",
            exp.null(),
            "raw_value",
            "reason",
            exp.true(),
        ).from_(REJECTS)
        columns = [*issue_columns, "blocks_row"]
        warehouse.execute(exp.insert(select, "quarantine", columns=columns), [run_id, label])
        warehouse.unregister(REJECTS)
    columns = [name for name, _ in TABLES[table]]
    accepted = (
        exp.select(*columns)
        .from_(NORMALISED)
        .where(exp.Not(this=exp.column("source_row").isin(query=blocked_rows)))
    )
    warehouse.execute(exp.insert(accepted, table, columns=columns))
    loaded = warehouse.fetch(exp.select("count(*)").from_(table).where("source_file = ?"), [label])[
        0
    ][0]
    blocked = warehouse.count(BLOCKED)
    issues = warehouse.fetch(
        exp.select("count(*)").from_("value_issue").where("source_file = ?"), [label]
    )[0][0]
    for name in (NORMALISED, PROBLEMS, BLOCKED):
        warehouse.execute(_drop(name))
    report = FileReport(
        path=label,
        agency=extract.agency_id,
        entity=extract.entity.value,
        read=raw.rows_read,
        loaded=int(loaded),
        quarantined=blocked + len(raw.rejects),
        value_issues=int(issues),
        warnings=warnings,
    )
    if report.read != report.loaded + report.quarantined:
        raise ReconciliationError(
            f"{label}: read {report.read} rows but loaded {report.loaded} and quarantined "
            f"{report.quarantined}; nothing was written"
        )
    return report


def _recode_other_files(warehouse: Warehouse, labels: list[str]) -> None:
    """Code earlier loads again, so that every row follows the crosswalk now in force."""
    for table in ("incident", "case_event"):
        lookup = (
            exp.select("oc.iccs_code")
            .from_(exp.to_table("offence_code").as_("oc"))
            .where(
                exp.EQ(
                    this=exp.column("national_code", table="oc"),
                    expression=exp.Upper(this=exp.column("offence_code_raw", table=table)),
                )
            )
        )
        others = exp.Not(
            this=exp.column("source_file").isin(*[exp.Literal.string(x) for x in labels])
        )
        warehouse.execute(exp.update(table, {"iccs_code": exp.Subquery(this=lookup)}, where=others))


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _record_run(
    warehouse: Warehouse,
    mapping: Mapping,
    run_id: str,
    started_at: datetime,
    reports: list[FileReport],
) -> None:
    finished = datetime.now(UTC).replace(tzinfo=None)
    by_label = {f.label: f for f in mapping.files}
    for report in reports:
        warehouse.execute(exp.delete("source_file", where="source_file = ?"), [report.path])
        values = [
            report.path,
            report.agency,
            report.entity,
            _file_digest(by_label[report.path].path),
            report.read,
            report.loaded,
            report.quarantined,
            run_id,
        ]
        columns = [name for name, _ in TABLES["source_file"]]
        warehouse.execute(
            exp.insert(
                exp.select(*[exp.Placeholder()] * len(values)), "source_file", columns=columns
            ),
            values,
        )
    totals = [
        run_id,
        started_at.replace(tzinfo=None),
        finished,
        str(mapping.path),
        len(reports),
        sum(r.read for r in reports),
        sum(r.loaded for r in reports),
        sum(r.quarantined for r in reports),
        _file_digest(mapping.path),
    ]
    columns = [name for name, _ in TABLES["ingest_run"]]
    warehouse.execute(
        exp.insert(exp.select(*[exp.Placeholder()] * len(totals)), "ingest_run", columns=columns),
        totals,
    )
