"""Benchmark: figures a statistics office can sign, on countries the tests never used.

For each size and seed: `justicelink demo` twice on the same seed (with SOURCE_DATE_EPOCH
set), then

- **reproducible**: every published file, the manifest and the report byte-identical;
- **against the truth**: each headline (proven reoffending and unsentenced share within 1
  percentage point, homicide within 2%) from the unprotected tables, with the notes on what
  each leaves out;
- **disclosure**: rows and persons suppressed (information loss), and the attack of
  tests/integration/_attack.py on the published tables: no small count narrower than the
  threshold.

    .venv/bin/python benchmarks/trust.py --sizes 2e4 --seeds 101 102 103
    .venv/bin/python benchmarks/trust.py --sizes 1e5 --seeds 201
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "tests" / "integration"))
from _attack import Table, attack

from _common import machine, run

K = 5
TOLERANCE = {
    "proven_reoffending_rate": ("pp", 0.01),
    "proven_reoffending_rate_adult": ("pp", 0.01),
    "proven_reoffending_rate_juvenile": ("pp", 0.01),
    "unsentenced_share": ("pp", 0.01),
    "homicide_rate_per_100k": ("relative", 0.02),
}


def _hashes(folder: Path) -> dict[str, str]:
    files = sorted([*(folder / "measures").iterdir(), folder / "report.html"])
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def _against_truth(warehouse: Path, truth: dict[str, Any]) -> dict[str, Any]:
    from justicelink.disclosure import protect
    from justicelink.measures import compute
    from justicelink.measures.caveats import notes
    from justicelink.publication import headline
    from justicelink.warehouse.port import open_warehouse

    with open_warehouse(warehouse, read_only=True) as w:
        figures = headline(protect(compute(w), method="none").tables).figures
        found = notes(w)
    out: dict[str, Any] = {}
    for name, (kind, tolerance) in TOLERANCE.items():
        for period, true in truth["headline"][name].items():
            value = figures.get(name, {}).get(period)
            if value is None:
                continue
            off = abs(value - true) if kind == "pp" else abs(value - true) / max(true, 1e-9)
            out[f"{name} {period}"] = {
                "measured": round(value, 6),
                "true": true,
                "within": off <= tolerance,
                "notes": [n.text for n in found if n.measure == name and n.period == period],
            }
    return out


def _attacked(warehouse: Path) -> dict[str, Any]:
    from justicelink.disclosure import protect
    from justicelink.measures import compute
    from justicelink.measures.definition import Count, Median, Rate, Share
    from justicelink.warehouse.port import open_warehouse

    with open_warehouse(warehouse, read_only=True) as w:
        results = compute(w)
    published = protect(results, threshold=K)
    tables, truth = [], {}
    for result, table in zip(results, published.tables, strict=True):
        m, stat = result.measure, result.measure.statistic
        if isinstance(stat, Count) and not stat.persons:
            continue
        counts = (
            ("numerator", "denominator")
            if isinstance(stat, Share)
            else ("numerator",)
            if isinstance(stat, Rate)
            else ("denominator",)
            if isinstance(stat, Median)
            else ("value",)
        )
        tables.append(
            Table(m.name, m.dimensions, {d: m.total_label(d) for d in m.dimensions}, counts,
                  table.rows)
        )  # fmt: skip
        for i, row in enumerate(result.table.to_pylist()):
            truth[(m.name, i)] = row

    def true(table: str, row: int, quantity: str) -> int:
        r = truth[(table, row)]
        if quantity == "complement":
            return int(r["denominator"]) - int(r["numerator"])
        return int(r[quantity])

    bounds = attack(tables, lambda t, r, q: true(t, r, q) < K)
    narrow = [b for b in bounds if b.high - b.low < K - 1e-6]
    return {
        "small_counts_attacked": len(bounds),
        "narrower_than_threshold": len(narrow),
        "loss": published.loss,
    }


def bench(people: int, seed: int, workdir: Path) -> dict[str, Any]:
    cli = str(Path(sys.executable).parent / "justicelink")
    os.environ["SOURCE_DATE_EPOCH"] = "1767225600"
    outputs = []
    seconds = []
    for attempt in ("a", "b"):
        folder = workdir / f"d{people}-{seed}-{attempt}"
        took, peak, _ = run(
            [cli, "demo", "--out", str(folder), "--people", str(people), "--seed", str(seed),
             "--json"]
        )  # fmt: skip
        outputs.append(folder)
        seconds.append(round(took, 1))
        print(f"  {people:,} seed {seed} run {attempt}: {took:.0f} s, {peak:.0f} MiB",
              file=sys.stderr)  # fmt: skip
    first, second = (_hashes(o) for o in outputs)
    differing = sorted(k for k in first if first[k] != second.get(k))
    truth = json.loads((outputs[0] / "country" / "truth" / "measures.json").read_text("utf-8"))
    checked = _against_truth(outputs[0] / "justicelink.duckdb", truth)
    return {
        "people": people,
        "seed": seed,
        "seconds": seconds,
        "identical_files": len(first) - len(differing),
        "differing_files": differing,
        "headlines_within_tolerance": sum(v["within"] for v in checked.values()),
        "headlines_checked": len(checked),
        "headlines": checked,
        "disclosure": _attacked(outputs[0] / "justicelink.duckdb"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="*", type=float, default=[2e4])
    parser.add_argument("--seeds", nargs="*", type=int, default=[101, 102, 103])
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    results: dict[str, Any] = {"machine": machine(), "commit": commit, "runs": []}
    workdir = Path(tempfile.mkdtemp(prefix="jl-bench-trust-"))
    try:
        for size in args.sizes:
            for seed in args.seeds:
                results["runs"].append(bench(int(size), seed, workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    text = json.dumps(results, indent=2)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
