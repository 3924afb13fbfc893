"""Benchmark: the whole demo pipeline, stage by stage, on either engine.

Stage mode (default): each stage of `justicelink demo` runs as its own CLI process (synth,
ingest, link, measures, report), so that its seconds and its peak memory (max RSS) are its
own; the report stage computes the measures again (without the linkage draws), as
`justicelink report` does on its own. Whole mode: `justicelink demo` itself, one process, with
the seconds per stage it reports and its peak memory: the 10-minute target is measured so.
The run also records what the pipeline measured against the synthetic truth: linkage F1 and
proven reoffending, measured and with perfect linkage.

    .venv/bin/python benchmarks/demo.py --sizes 1e5 3e5 1e6 --engines duckdb spark
    .venv/bin/python benchmarks/demo.py --sizes 1e6 --whole
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, run


def whole(people: int, engine: str, workdir: Path) -> dict[str, Any]:
    """`justicelink demo` as a user runs it: one process."""
    cli = str(Path(sys.executable).parent / "justicelink")
    out = workdir / f"demo-{engine}-{people}"
    seconds, peak, stdout = run(
        [cli, "demo", "--out", str(out), "--people", str(people), "--engine", engine, "--json"]
    )
    payload = json.loads(stdout)
    print(f"  {people:,} demo ({engine}): {seconds:.1f} s, {peak:.0f} MiB", file=sys.stderr)
    shutil.rmtree(out, ignore_errors=True)
    return {
        "people": people,
        "engine": engine,
        "mode": "whole",
        "total_seconds": round(seconds, 2),
        "peak_mib": round(peak),
        "stages": payload["seconds"],
        "linkage": payload["linkage"]["pairwise"] if payload["linkage"] else None,
        "headline": payload["headline"],
        "linkage_effect": payload["linkage_effect"],
    }


def bench(people: int, engine: str, workdir: Path) -> dict[str, Any]:
    cli = [str(Path(sys.executable).parent / "justicelink")]
    country = workdir / f"c{people}"
    warehouse = workdir / (f"w{people}.duckdb" if engine == "duckdb" else f"w{people}-parquet")
    truth = str(country / "truth")
    on = ["--engine", engine]
    stages = {
        "synth": ["synth", "--out", str(country), "--people", str(people), "--json"],
        "ingest": ["ingest", str(country), "--warehouse", str(warehouse), *on, "--json"],
        "link": ["link", "--warehouse", str(warehouse), "--evaluate", truth, *on, "--json"],
        "measures": [
            "measures",
            "--warehouse",
            str(warehouse),
            "--out",
            str(workdir / f"m{people}"),
            "--truth",
            truth,
            *on,
            "--json",
        ],
        "report": [
            "report",
            "--warehouse",
            str(warehouse),
            "--out",
            str(workdir / f"r{people}.html"),
            "--truth",
            truth,
            "--uncertainty-draws",
            "0",
            *on,
            "--json",
        ],
    }
    if country.exists():
        del stages["synth"]  # the other engine made it already
    result: dict[str, Any] = {"people": people, "engine": engine, "mode": "stages", "stages": {}}
    for name, args in stages.items():
        seconds, peak, stdout = run([*cli, *args])
        result["stages"][name] = {"seconds": round(seconds, 2), "peak_mib": round(peak)}
        payload = json.loads(stdout)
        if name == "link":
            result["records"] = payload["records"]
            result["linkage"] = payload["evaluation"]["pairwise"]
        if name == "measures":
            result["linkage_effect"] = payload["linkage_effect"]
            result["headline"] = payload["headline"]
        print(f"  {people:,} {name}: {seconds:.1f} s, {peak:.0f} MiB", file=sys.stderr)
    truth_file = json.loads((country / "truth" / "measures.json").read_text(encoding="utf-8"))
    result["truth"] = truth_file["headline"]
    result["total_seconds"] = round(sum(s["seconds"] for s in result["stages"].values()), 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="*", type=float, default=[1e5, 1e6])
    parser.add_argument("--engines", nargs="*", default=["duckdb"], choices=["duckdb", "spark"])
    parser.add_argument("--whole", action="store_true", help="time `justicelink demo` itself")
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    results: dict[str, Any] = {"machine": machine(), "commit": commit, "runs": []}
    workdir = Path(tempfile.mkdtemp(prefix="jl-bench-demo-"))
    try:
        for size in args.sizes:
            for engine in args.engines:
                if args.whole:
                    results["runs"].append(whole(int(size), engine, workdir))
                else:
                    results["runs"].append(bench(int(size), engine, workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    text = json.dumps(results, indent=2)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
