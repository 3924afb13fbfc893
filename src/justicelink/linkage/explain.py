"""Why two records are, or are not, one person: the model's waterfall for one pair.

The pair is scored by Splink with the model of the warehouse's latest run. Term frequencies
(how common a name is) come from all records in the warehouse, as in the run itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import pyarrow as pa
import sqlglot.expressions as exp

from justicelink.errors import LinkageError, SourceFileNotFoundError
from justicelink.linkage.model import LinkageEngine
from justicelink.linkage.prepare import SOURCE_COLUMNS, prepare_rows, read_case_refs
from justicelink.warehouse.port import Engine, Warehouse, open_warehouse, warehouse_exists

# The prepared columns each comparison looks at, shown beside its level.
_SHOWN = {
    "name": ("name_key", "name_forms"),
    "date_of_birth": ("dob_exact", "dob_year"),
    "sex": ("sex",),
    "id_number": ("id_number", "id_visible"),
    "address": ("address_key", "district"),
    "case": ("case_refs",),
    "agency": ("agency_id",),
}


@dataclass(frozen=True)
class Step:
    """One bar of the waterfall."""

    comparison: str
    left: str
    right: str
    level: str
    weight: float


@dataclass(frozen=True)
class Explanation:
    """The waterfall of one pair: the prior, then one step per comparison."""

    record_a: str
    record_b: str
    steps: list[Step]
    threshold: float
    linked_as: str | None

    @property
    def weight(self) -> float:
        return float(sum(step.weight for step in self.steps))

    @property
    def probability(self) -> float:
        odds: float = 2.0**self.weight
        return odds / (1.0 + odds)

    def to_json(self) -> dict[str, Any]:
        return {
            "records": [self.record_a, self.record_b],
            "steps": [
                {
                    "comparison": s.comparison,
                    "left": s.left,
                    "right": s.right,
                    "level": s.level,
                    "match_weight": round(s.weight, 4),
                }
                for s in self.steps
            ],
            "match_weight": round(self.weight, 4),
            "match_probability": round(self.probability, 6),
            "threshold": self.threshold,
            "linked_as": self.linked_as,
        }


def _show(values: dict[str, Any], comparison: str) -> str:
    shown = [values.get(c) for c in _SHOWN.get(comparison, ())]
    first = next((v for v in shown if v not in (None, [])), None)
    if isinstance(first, list):
        return ", ".join(str(v) for v in first)
    return "" if first is None else str(first)


def _records(warehouse: Warehouse, ids: list[str]) -> pa.Table:
    query = (
        exp.select(*SOURCE_COLUMNS)
        .from_("person_record")
        .where(exp.column("record_id").isin(*[exp.Placeholder() for _ in ids]))
    )
    return warehouse.fetch_arrow(query, ids)


def _name_frequency(warehouse: Warehouse, record_id: str) -> float | None:
    """How common the record's name is among persons: the term frequency the run used."""
    rows = warehouse.fetch(
        exp.select("name_frequency")
        .from_("record_person")
        .where(exp.column("record_id").eq(exp.Placeholder())),
        [record_id],
    )
    return float(rows[0][0]) if rows and rows[0][0] is not None else None


def explain(
    warehouse_path: Path, record_a: str, record_b: str, *, engine: Engine | None = None
) -> Explanation:
    """Score one pair with the latest run's model and return its waterfall."""
    from justicelink.linkage.results import stored_model

    if not warehouse_exists(warehouse_path, engine):
        raise SourceFileNotFoundError(f"{warehouse_path}: no warehouse here")
    if record_a == record_b:
        raise LinkageError(f"{record_a}: give two different records")
    with open_warehouse(warehouse_path, read_only=True, engine=engine) as warehouse:
        run_id, model = stored_model(warehouse)
        rows = _records(warehouse, [record_a, record_b])
        found = set(rows.column("record_id").to_pylist())
        for rid in (record_a, record_b):
            if rid not in found:
                raise LinkageError(f"{rid}: no such person record in {warehouse_path}")
        refs = read_case_refs(warehouse)
        prepared, _ = prepare_rows(rows, {r: refs.get(r, []) for r in found})
        by_id = {r["unique_id"]: r for r in prepared.to_pylist()}
        tf = {rid: _name_frequency(warehouse, rid) for rid in by_id}
        linked_as = _linked_as(warehouse, record_a, record_b)
        threshold = float(
            warehouse.fetch(
                exp.select("threshold")
                .from_("link_run")
                .where(exp.column("link_run_id").eq(exp.Placeholder())),
                [run_id],
            )[0][0]
        )
    if record_a not in by_id or record_b not in by_id:
        raise LinkageError("one of the records has neither name nor year of birth")
    left, right = by_id[record_a], by_id[record_b]
    with (
        open_warehouse(warehouse_path, read_only=True, engine=engine) as warehouse,
        warehouse.linkage() as backend,
    ):
        linkage = LinkageEngine.open(backend, prepared, model)
        scored = linkage.linker.inference.score_pair(
            {**left, "tf_name_key": tf[record_a]}, {**right, "tf_name_key": tf[record_b]}
        )
        result = backend.to_arrow(scored).to_pylist()[0]
    return Explanation(record_a, record_b, _steps(model, result, left, right), threshold, linked_as)


def _steps(
    model: dict[str, Any], scored: dict[str, Any], left: dict[str, Any], right: dict[str, Any]
) -> list[Step]:
    prior = float(model["probability_two_random_records_match"])
    steps = [
        Step(
            "prior",
            "",
            "",
            "two records picked at random",
            math.log2(prior / (1.0 - prior)),
        )
    ]
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        gamma = int(scored[f"gamma_{name}"])
        levels = [lvl for lvl in comparison["comparison_levels"]]
        n_non_null = sum(1 for lvl in levels if not lvl.get("is_null_level"))
        label = "missing on one side (no evidence)"
        for i, lvl in enumerate(x for x in levels if not x.get("is_null_level")):
            if n_non_null - 1 - i == gamma:
                label = str(lvl.get("label_for_charts") or lvl["sql_condition"])
        weight = float(scored.get(f"mw_{name}") or 0.0)
        weight += float(scored.get(f"mw_tf_adj_{name}") or 0.0)  # how common the name is
        steps.append(Step(name, _show(left, name), _show(right, name), label, weight))
    return steps


def _linked_as(warehouse: Warehouse, record_a: str, record_b: str) -> str | None:
    rows = warehouse.fetch(
        exp.select("record_id", "person_id")
        .from_("record_person")
        .where(exp.column("record_id").isin(exp.Placeholder(), exp.Placeholder())),
        [record_a, record_b],
    )
    persons = {str(r): str(p) for r, p in rows}
    if len(persons) < 2:
        return None
    if persons[record_a] == persons[record_b]:
        return f"one person ({persons[record_a]})"
    return f"different persons ({persons[record_a]}, {persons[record_b]})"


def waterfall_svg(result: Explanation) -> str:
    """The waterfall as a standalone SVG (no script, opens offline).

    Drawn here rather than with Splink's Altair chart, which loads Vega from the internet.
    """
    bar_h, gap, left_w, width = 26, 8, 190, 640
    steps = [*result.steps, Step("final", "", "", "match weight", result.weight)]
    running = [0.0]
    for s in result.steps:
        running.append(running[-1] + s.weight)
    extent = max(1.0, *(abs(v) for v in running), abs(result.weight))
    scale = (width - left_w - 60) / (2 * extent)
    zero = left_w + 30 + extent * scale
    height = len(steps) * (bar_h + gap) + 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="12" role="img">',
        f"<title>Why {escape(result.record_a)} and {escape(result.record_b)} "
        f"score {result.probability:.4f}</title>",
        f'<text x="10" y="20" font-size="14" font-weight="bold">'
        f"{escape(result.record_a)} vs {escape(result.record_b)}: probability "
        f"{result.probability:.4f}</text>",
        f'<line x1="{zero:.1f}" y1="32" x2="{zero:.1f}" y2="{height - 20}" stroke="#555"/>',
    ]
    for i, step in enumerate(steps):
        y = 40 + i * (bar_h + gap)
        if step.comparison == "final":
            start, end, colour = 0.0, result.weight, "#3b4cc0"
        else:
            start, end = running[i], running[i + 1]
            colour = "#2a9d5b" if step.weight >= 0 else "#c0392b"
        x0, x1 = sorted((zero + start * scale, zero + end * scale))
        parts.append(
            f'<text x="10" y="{y + bar_h * 0.65:.1f}">{escape(step.comparison)}: '
            f"{escape(step.level[:24])}</text>"
        )
        parts.append(
            f'<rect x="{x0:.1f}" y="{y}" width="{max(x1 - x0, 1.0):.1f}" height="{bar_h}" '
            f'fill="{colour}"><title>{step.weight:+.2f}</title></rect>'
        )
        parts.append(f'<text x="{x1 + 4:.1f}" y="{y + bar_h * 0.65:.1f}">{step.weight:+.2f}</text>')
    parts.append(
        f'<text x="{zero:.1f}" y="{height - 6}" text-anchor="middle">match weight 0 '
        "(even odds)</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
