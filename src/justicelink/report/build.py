"""The HTML report: one self-contained file (no script, no network) for decision makers."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import sqlglot.expressions as exp
from markupsafe import Markup

from justicelink import __version__
from justicelink.errors import SourceFileNotFoundError
from justicelink.linkage.evaluate import Evaluation, evaluate, read_truth, true_persons
from justicelink.measures.engine import Result, compute, headline
from justicelink.measures.publish import DEFAULT_THRESHOLD, suppress
from justicelink.measures.run import linkage_effect
from justicelink.report.svg import bar_chart, line_chart
from justicelink.warehouse.port import Warehouse, open_warehouse

_TOTAL = "total"
# The order in which a breakdown's categories are shown.
_ORDER = {
    "age_band": ("under 18", "18-20", "21-24", "25-29", "30-39", "40-49", "50+", "unknown"),
    "sex": ("female", "male", "unknown"),
    "previous_offences": ("0", "1-2", "3-6", "7-10", "11+"),
}


@dataclass(frozen=True)
class Quality:
    """The data-quality facts the report shows."""

    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    quarantine_reasons: list[tuple[str, int]]
    unmapped_codes: list[tuple[str, int]]
    link_run: dict[str, Any]
    evaluation: Evaluation | None


def data_quality(warehouse: Warehouse, truth_dir: Path | None = None) -> Quality:
    """Rows read, loaded and quarantined (top reasons), unmapped codes, the latest link run."""
    read, loaded, quarantined = warehouse.fetch(
        exp.select(
            "coalesce(sum(rows_read), 0)",
            "coalesce(sum(rows_loaded), 0)",
            "coalesce(sum(rows_quarantined), 0)",
        ).from_("source_file")
    )[0]
    reasons = warehouse.fetch(
        exp.select("reason", "count(DISTINCT (source_file, source_row)) AS n")
        .from_("quarantine")
        .group_by("reason")
        .order_by(exp.column("n").desc())
        .limit(12)
    )
    unmapped = warehouse.fetch(
        exp.select("offence_code_raw", "count(*) AS n")
        .from_("incident")
        .where("iccs_code IS NULL AND offence_code_raw IS NOT NULL")
        .group_by("offence_code_raw")
        .order_by(exp.column("n").desc())
        .limit(12)
    )
    runs = warehouse.fetch(
        exp.select(
            "link_run_id",
            "finished_at",
            "threshold",
            "model_source",
            "records",
            "persons",
            "pairs_scored",
            "incomparable_records",
        )
        .from_("link_run")
        .order_by(exp.column("finished_at").desc())
        .limit(1)
    )
    names = (
        "run",
        "finished",
        "threshold",
        "model",
        "records",
        "persons",
        "pairs",
        "incomparable",
    )
    link_run = dict(zip(names, runs[0], strict=True)) if runs else {}
    evaluation = None
    if truth_dir is not None:
        rows = warehouse.fetch(
            exp.select("p.record_id", "p.person_id", "r.source_file", "r.source_row")
            .from_("record_person AS p")
            .join("person_record AS r", on="r.record_id = p.record_id")
        )
        predicted = {str(rid): str(pid) for rid, pid, _, _ in rows}
        provenance = {str(rid): (str(f), int(n)) for rid, _, f, n in rows}
        evaluation = evaluate(predicted, true_persons(read_truth(truth_dir), provenance))
    return Quality(
        int(read),
        int(loaded),
        int(quarantined),
        [(str(r), int(n)) for r, n in reasons],
        [(str(c), int(n)) for c, n in unmapped],
        link_run,
        evaluation,
    )


def _sections(warehouse: Warehouse) -> dict[str, str]:
    rows = warehouse.fetch(exp.select("code", "label").from_("iccs_category").where("level = 1"))
    return {str(c): f"{c} {label}" for c, label in rows}


def _rows(results: Sequence[Result], name: str, threshold: int) -> list[dict[str, Any]]:
    result = next(r for r in results if r.measure.name == name)
    return suppress(result, threshold)


def _raw(results: Sequence[Result], name: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = next(
        r for r in results if r.measure.name == name
    ).table.to_pylist()
    return rows


def _charts(
    results: Sequence[Result], sections: dict[str, str], threshold: int
) -> dict[str, Markup]:
    charts: dict[str, str] = {}
    homicide: dict[str, dict[str, float]] = defaultdict(dict)
    for r in _rows(results, "homicide_rate_per_100k", threshold):
        if r["age_band"] == _TOTAL and r["value"] is not None:
            homicide[str(r["sex"])][str(r["year"])] = float(r["value"])
    charts["homicide"] = line_chart(
        {k: homicide[k] for k in (_TOTAL, "male", "female") if k in homicide},
        title="Victims of intentional homicide per 100,000 population",
    )
    unsentenced: dict[str, dict[str, float]] = defaultdict(dict)
    for r in _rows(results, "unsentenced_share", threshold):
        if r["value"] is not None:
            unsentenced[str(r["sex"])][str(r["year"])] = float(r["value"])
    charts["unsentenced"] = line_chart(
        {k: unsentenced[k] for k in (_TOTAL, "male", "female") if k in unsentenced},
        title="Unsentenced detainees as a share of persons held",
        percent=True,
    )
    dims = ("sex", "age_band", "index_offence_section", "previous_offences")
    reoffending = [r for r in _rows(results, "proven_reoffending_rate", threshold)]
    cohorts: dict[str, dict[str, float]] = defaultdict(dict)
    for r in reoffending:
        if all(r[d] == _TOTAL for d in dims) and r["value"] is not None:
            key = "annual cohorts" if r["cohort_type"] == "annual" else "3-month cohorts"
            cohorts[key][str(r["cohort"])] = float(r["value"])
    charts["reoffending_quarters"] = line_chart(
        {"3-month cohorts": cohorts.get("3-month cohorts", {})},
        title="Proven reoffending rate by 3-month cohort",
        percent=True,
    )
    annual = [r for r in reoffending if r["cohort_type"] == "annual"]
    latest = max((str(r["cohort"]) for r in annual), default=None)
    for dim, title in (
        ("age_band", "by age at the index date"),
        ("sex", "by sex"),
        ("previous_offences", "by number of previous offences"),
    ):
        bars = [
            (str(r[dim]), float(r["value"]))
            for r in annual
            if str(r["cohort"]) == latest
            and r[dim] != _TOTAL
            and r["value"] is not None
            and all(r[d] == _TOTAL for d in dims if d != dim)
        ]
        order = _ORDER.get(dim, ())
        bars.sort(key=lambda bar: order.index(bar[0]) if bar[0] in order else len(order))
        charts[f"reoffending_{dim}"] = bar_chart(
            bars, title=f"Proven reoffending, {latest} cohort, {title}", percent=True
        )
    offences: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in _raw(results, "police_recorded_offences"):
        offences[str(r["iccs_section"])][str(r["year"])] += float(r["value"])
    biggest = sorted(offences, key=lambda s: -sum(offences[s].values()))[:6]
    charts["offences"] = line_chart(
        {sections.get(s, s): dict(offences[s]) for s in biggest},
        title="Offences recorded by the police, largest ICCS sections",
        width=760,
        height=300,
        legend_columns=2,
    )
    stage_rows = _raw(results, "persons_by_stage")
    last_year = max((r["year"] for r in stage_rows if r["year"] is not None), default=None)
    per_stage: dict[str, float] = defaultdict(float)
    for r in stage_rows:
        if r["year"] == last_year:
            per_stage[str(r["stage"])] += float(r["value"])
    charts["stages"] = bar_chart(
        [
            (s, per_stage[s])
            for s in ("formal contact", "prosecuted", "convicted")
            if s in per_stage
        ],
        title=f"Person-offence sections through the system, {last_year}",
    )
    aid: dict[str, dict[str, float]] = defaultdict(dict)
    for r in _rows(results, "legal_aid_before_first_hearing", threshold):
        if r["value"] is not None and (r["sex"] == _TOTAL and r["age_group"] == _TOTAL):
            aid["legal aid before first hearing"][str(r["year"])] = float(r["value"])
    charts["legal_aid"] = line_chart(
        dict(aid), title="Share of defendants with legal aid before the first hearing", percent=True
    )
    days: dict[str, dict[str, float]] = defaultdict(dict)
    for name, label in (
        ("days_charge_to_disposal", "charge to court disposal"),
        ("pretrial_detention_days", "pre-trial detention"),
    ):
        for r in _rows(results, name, threshold):
            if r["value"] is not None and r["sex"] == _TOTAL and r["age_group"] == _TOTAL:
                days[label][str(r["year"])] = float(r["value"])
    charts["days"] = line_chart(dict(days), title="Median days")
    return {k: Markup(v) for k, v in charts.items()}  # SVG built from escaped text


def _table(rows: list[dict[str, Any]], columns: Sequence[str]) -> dict[str, Any]:
    return {"columns": list(columns), "rows": [[r.get(c) for c in columns] for r in rows]}


def build_report(
    warehouse_path: Path,
    out: Path,
    *,
    truth_dir: Path | None = None,
    threshold: int = DEFAULT_THRESHOLD,
) -> Path:
    """Write the report for a linked warehouse; returns its path."""
    if not warehouse_path.is_file():
        raise SourceFileNotFoundError(
            f"{warehouse_path}: no warehouse here; run `justicelink ingest` and `link` first"
        )
    with open_warehouse(warehouse_path, read_only=True) as warehouse:
        results = compute(warehouse)
        top = headline(results)
        quality = data_quality(warehouse, truth_dir)
        effect = (
            linkage_effect(warehouse, truth_dir, top["proven_reoffending_rate"])
            if truth_dir is not None
            else {}
        )
        sections = _sections(warehouse)
    homicide_rows = [
        r
        for r in _rows(results, "homicide_rate_per_100k", threshold)
        if r["age_band"] != _TOTAL or r["sex"] == _TOTAL
    ]
    latest = {name: (max(values), values[max(values)]) for name, values in top.items() if values}
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("justicelink.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["pct"] = lambda v: "–" if v is None else f"{float(v) * 100:.1f}%"
    env.filters["num"] = lambda v: "–" if v is None else f"{float(v):,.2f}"
    env.filters["int"] = lambda v: "–" if v is None else f"{int(v):,}"
    html = env.get_template("report.html.j2").render(
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        version=__version__,
        warehouse=warehouse_path.name,
        latest=latest,
        headline=top,
        charts=_charts(results, sections, threshold),
        homicide=_table(
            homicide_rows, ("year", "sex", "age_band", "numerator", "denominator", "value")
        ),
        measures=[r.measure for r in results],
        quality=quality,
        effect=effect,
        threshold=threshold,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
