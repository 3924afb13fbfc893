"""Benchmark: the whole demo pipeline at 1e5 and 1e6 true persons, stage by stage.

Each stage of `justicelink demo` runs as its own CLI process (synth, ingest, link, measures,
report), so that its seconds and its peak memory (max RSS) are its own. The run also records
what the pipeline measured against the synthetic truth: linkage F1 and proven reoffending,
measured and with perfect linkage.

    .venv/bin/python benchmarks/demo.py                     # 1e5 and 1e6 persons
    .venv/bin/python benchmarks/demo.py --sizes 1e5
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


def bench(people: int, workdir: Path) -> dict[str, Any]:
    cli = [str(Path(sys.executable).parent / "justicelink")]
    country, warehouse = workdir / f"c{people}", workdir / f"w{people}.duckdb"
    truth = str(country / "truth")
    stages = {
        "synth": ["synth", "--out", str(country), "--people", str(people), "--json"],
        "ingest": ["ingest", str(country), "--warehouse", str(warehouse), "--json"],
        "link": ["link", "--warehouse", str(warehouse), "--evaluate", truth, "--json"],
        "measures": [
            "measures",
            "--warehouse",
            str(warehouse),
            "--out",
            str(workdir / f"m{people}"),
            "--truth",
            truth,
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
            "--json",
        ],
    }
    result: dict[str, Any] = {"people": people, "stages": {}}
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
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    results: dict[str, Any] = {"machine": machine(), "commit": commit, "runs": []}
    workdir = Path(tempfile.mkdtemp(prefix="jl-bench-demo-"))
    try:
        for size in args.sizes:
            results["runs"].append(bench(int(size), workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    text = json.dumps(results, indent=2)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
