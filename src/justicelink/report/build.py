"""The HTML report: one self-contained file (no script, no network) for decision makers.

It is drawn from the protected tables only (what disclosure control let through), shows every
hidden figure as hidden, puts beside each headline what it leaves out, and carries the run
manifest. Equal inputs and settings give an equal file; its generation time follows
``SOURCE_DATE_EPOCH`` when set.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import sqlglot.expressions as exp
from markupsafe import Markup

from justicelink import __version__
from justicelink.disclosure import ProtectedTable
from justicelink.publication import generation_time
from justicelink.report.quality import Quality
from justicelink.report.svg import bar_chart, line_chart
from justicelink.warehouse.port import Warehouse

if TYPE_CHECKING:
    from justicelink.app.measure import MeasuresReport

_TOTAL = "total"
# The order in which a breakdown's categories are shown.
_ORDER = {
    "age_band": ("under 18", "18-20", "21-24", "25-29", "30-39", "40-49", "50+", "unknown"),
    "sex": ("female", "male", "unknown"),
    "previous_offences": ("0", "1-2", "3-6", "7-10", "11+"),
    "age_group": ("adult", "juvenile", "unknown"),
}
_REOFFENDING_DIMS = ("age_group", "sex", "age_band", "index_offence_section", "previous_offences")


def sections(warehouse: Warehouse) -> dict[str, str]:
    """ICCS section code -> "code label"."""
    rows = warehouse.fetch(exp.select("code", "label").from_("iccs_category").where("level = 1"))
    return {str(c): f"{c} {label}" for c, label in rows}


def _rows(tables: Sequence[ProtectedTable], name: str) -> list[dict[str, Any]]:
    return next((t.rows for t in tables if t.measure.name == name), [])


def _totals(row: dict[str, Any], dims: Sequence[str], but: str | None = None) -> bool:
    return all(row.get(d) == _TOTAL for d in dims if d != but)


def _series(
    rows: list[dict[str, Any]], key: str, period: str, keep: Any
) -> dict[str, dict[str, float | None]]:
    out: dict[str, dict[str, float | None]] = defaultdict(dict)
    for r in rows:
        if keep(r):
            out[str(r[key])][str(r[period])] = None if r["value"] is None else float(r["value"])
    return out


def _charts(tables: Sequence[ProtectedTable], labels: dict[str, str]) -> dict[str, Markup]:
    charts: dict[str, str] = {}
    homicide = _series(
        _rows(tables, "homicide_rate_per_100k"), "sex", "year", lambda r: r["age_band"] == _TOTAL
    )
    charts["homicide"] = line_chart(
        {k: homicide[k] for k in (_TOTAL, "male", "female") if k in homicide},
        title="Victims of intentional homicide per 100,000 population",
    )
    unsentenced = _series(_rows(tables, "unsentenced_share"), "sex", "year", lambda r: True)
    charts["unsentenced"] = line_chart(
        {k: unsentenced[k] for k in (_TOTAL, "male", "female") if k in unsentenced},
        title="Unsentenced detainees as a share of persons held",
        percent=True,
    )
    reoffending = _rows(tables, "proven_reoffending_rate")
    quarters: dict[str, float | None] = {}
    for r in reoffending:
        if r["quarter"] != "annual" and _totals(r, _REOFFENDING_DIMS):
            quarters[f"{r['cohort']}-{r['quarter']}"] = r["value"]
    charts["reoffending_quarters"] = line_chart(
        {"3-month cohorts": quarters},
        title="Proven reoffending rate by 3-month cohort",
        percent=True,
    )
    groups = _series(
        reoffending,
        "age_group",
        "cohort",
        lambda r: r["quarter"] == "annual" and _totals(r, _REOFFENDING_DIMS, but="age_group"),
    )
    charts["reoffending_groups"] = line_chart(
        {k: groups[k] for k in (_TOTAL, "adult", "juvenile") if k in groups},
        title="Proven reoffending rate, annual (pooled) cohorts, adults and juveniles",
        percent=True,
    )
    annual = [r for r in reoffending if r["quarter"] == "annual"]
    latest = max((str(r["cohort"]) for r in annual), default="")
    for dim in ("age_band", "sex", "previous_offences", "index_offence_section"):
        bars = [
            (labels.get(str(r[dim]), str(r[dim])), r["value"])
            for r in annual
            if str(r["cohort"]) == latest
            and r[dim] != _TOTAL
            and _totals(r, _REOFFENDING_DIMS, dim)
        ]
        order = _ORDER.get(dim, ())
        bars.sort(key=lambda bar: (order.index(bar[0]) if bar[0] in order else len(order), bar[0]))
        charts[f"reoffending_{dim}"] = bar_chart(
            bars, title=f"Proven reoffending, {latest} cohort", percent=True
        )
    offences: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in _rows(tables, "police_recorded_offences"):
        offences[str(r["iccs_section"])][str(r["year"])] += float(r["value"])
    biggest = sorted(offences, key=lambda s: (-sum(offences[s].values()), s))[:6]
    charts["offences"] = line_chart(
        {labels.get(s, s): dict(offences[s]) for s in biggest},
        title="Offences recorded by the police, largest ICCS sections",
        width=760,
        height=280,
    )
    stage_rows = _rows(tables, "persons_by_stage")
    last_year = max((r["year"] for r in stage_rows if r["year"] is not None), default=None)
    per_stage: dict[str, float] = defaultdict(float)
    hidden: dict[str, int] = defaultdict(int)
    for r in stage_rows:
        if r["year"] == last_year:
            if r["value"] is None:
                hidden[str(r["stage"])] += 1
            else:
                per_stage[str(r["stage"])] += float(r["value"])
    charts["stages"] = bar_chart(
        [
            (s, per_stage[s])
            for s in ("formal contact", "prosecuted", "convicted")
            if s in per_stage
        ],
        title=f"Persons by stage, {last_year} (published cells only)",
    )
    aid = _series(
        _rows(tables, "legal_aid_before_first_hearing"),
        "sex",
        "year",
        lambda r: r["age_group"] == _TOTAL,
    )
    charts["legal_aid"] = line_chart(
        {k: aid[k] for k in (_TOTAL, "male", "female") if k in aid},
        title="Share of defendants with legal aid before the first hearing",
        percent=True,
    )
    days: dict[str, dict[str, float | None]] = {}
    for name, label in (
        ("days_charge_to_disposal", "charge to court disposal"),
        ("pretrial_detention_days", "pre-trial detention"),
    ):
        days[label] = _series(
            _rows(tables, name), "sex", "year", lambda r: r["age_group"] == _TOTAL
        ).get(_TOTAL, {})
    charts["days"] = line_chart(days, title="Median days")
    return {k: Markup(v) for k, v in charts.items()}  # SVG built from escaped text


def _homicide_table(tables: Sequence[ProtectedTable]) -> list[dict[str, Any]]:
    return [
        r
        for r in _rows(tables, "homicide_rate_per_100k")
        if r["age_band"] != _TOTAL or r["sex"] == _TOTAL
    ]


def _bounds(report: MeasuresReport) -> dict[tuple[str, str], float]:
    """Where a note's records could all belong in a rate: the rate they could reach."""
    out: dict[tuple[str, str], float] = {}
    totals = {
        str(r["year"]): r
        for r in _rows(report.protected.tables, "homicide_rate_per_100k")
        if r["sex"] == _TOTAL and r["age_band"] == _TOTAL
    }
    for note in report.notes:
        row = totals.get(note.period)
        if not note.bound or row is None or row["suppressed"] or not row["denominator"]:
            continue
        out[(note.measure, note.period)] = (
            (row["numerator"] + note.count) * 100_000 / row["denominator"]
        )
    return out


def render(
    report: MeasuresReport,
    quality: Quality,
    labels: dict[str, str],
    out: Path,
    *,
    source: str,
    cooperation: dict[str, Any] | None = None,
) -> Path:
    """Write the report of published measures; returns its path.

    Args:
        source: A name for the warehouse the figures come from (shown, never a full path).
        cooperation: The cooperation register's processing statistics
            (:func:`justicelink.app.cooperation.statistics`), for a section of their own.
    """
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("justicelink.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["pct"] = lambda v: "suppressed" if v is None else f"{float(v) * 100:.1f}%"
    env.filters["num"] = lambda v: "suppressed" if v is None else f"{float(v):,.2f}"
    env.filters["int"] = lambda v: "–" if v is None else f"{int(v):,}"
    tables = report.protected.tables
    notes: dict[str, list[Any]] = defaultdict(list)
    for note in report.notes:
        notes[note.measure].append(note)
    html = env.get_template("report.html.j2").render(
        generated=generation_time().strftime("%Y-%m-%d %H:%M UTC"),
        version=__version__,
        source=source,
        latest=report.headline.latest(),
        headline=report.headline,
        uncertainty=report.uncertainty,
        notes=notes,
        bounds=_bounds(report),
        charts=_charts(tables, labels),
        homicide=_homicide_table(tables),
        measures=[t.measure for t in tables],
        protected=report.protected,
        quality=quality,
        effect=report.linkage_effect,
        manifest=json.dumps(report.manifest, indent=2, sort_keys=True, default=str),
        cooperation=cooperation,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
