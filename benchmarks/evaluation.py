"""Benchmark: does `justicelink evaluate` recover the synthetic programmes' true effects?

For each seed: `synth` a country, `ingest` it, `link` it (each its own CLI process), then
`evaluate --json` every programme of the provider's catalogue (its participants read from the
warehouse) and the placebo list of truth/placebo.csv (people chosen by a programme's referral
rule who took part in nothing). Each estimate of the one-year proven reoffending rate is
compared with the true effect on the participants in truth/programmes.json (their rate with
the programme minus their rate without it; 0 for the placebo).

Reported: the share of seeds whose 95% confidence interval covers the true effect (per
programme and over all), the share in which the placebo is called significant, and the mean
error of the matched estimate beside that of the naive (unmatched) difference.

    .venv/bin/python benchmarks/evaluation.py                       # 20 seeds of 20,000
    .venv/bin/python benchmarks/evaluation.py --seeds 3 --people 20000 --out results.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, run


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def one_seed(seed: int, people: int, workdir: Path) -> list[dict[str, Any]]:
    """Every programme's estimate against its truth, for one synthetic country."""
    cli = [str(Path(sys.executable).parent / "justicelink")]
    country, warehouse = workdir / f"c{seed}", workdir / f"w{seed}.duckdb"
    started = time.perf_counter()
    for args in (
        ["synth", "--out", str(country), "--people", str(people), "--seed", str(seed), "--json"],
        ["ingest", str(country), "--warehouse", str(warehouse), "--json"],
        ["link", "--warehouse", str(warehouse), "--json"],
    ):
        run([*cli, *args])
    pipeline = time.perf_counter() - started
    truth = json.loads((country / "truth" / "programmes.json").read_text(encoding="utf-8"))
    cases: list[tuple[str, list[str], float]] = [
        (p["name"], [], p["proven_reoffending_rate"]["effect"]) for p in truth["programmes"]
    ]
    cases.append(("Placebo", ["--participants", str(country / "truth" / "placebo.csv")], 0.0))
    rows = []
    for name, extra, effect in cases:
        seconds, _, stdout = run(
            [
                *cli,
                "evaluate",
                "--programme",
                name,
                *extra,
                "--warehouse",
                str(warehouse),
                "--out",
                str(workdir / f"e{seed}-{name.replace(' ', '-')}"),
                "--json",
            ]
        )
        result = json.loads(stdout)
        rate = result["outcomes"].get("proven_reoffending_rate")
        row: dict[str, Any] = {
            "seed": seed,
            "programme": name,
            "true_effect": effect,
            "participants": result["participants"],
            "matched": result["matched_participants"],
            "can_run": result["can_run"],
            "seconds": round(seconds, 2),
            "pipeline_seconds": round(pipeline, 1),
        }
        if rate is not None:
            low, high = rate["ci"]
            row.update(
                {
                    "estimate": rate["difference"],
                    "ci": rate["ci"],
                    "p_value": rate["p_value"],
                    "naive": rate["naive_difference"],
                    "naive_ci": rate["naive_ci"],
                    "covered": low <= effect <= high,
                    "naive_covered": rate["naive_ci"][0] <= effect <= rate["naive_ci"][1],
                    "significant": rate["p_value"] < 0.05,
                    "balanced": result["balance"]["balanced"],
                }
            )
        rows.append(row)
    return rows


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Coverage, placebo significance and errors, per programme and over all."""
    ran = [r for r in rows if r.get("estimate") is not None]

    def stats(group: list[dict[str, Any]]) -> dict[str, Any]:
        if not group:
            return {"runs": 0}
        n = len(group)
        return {
            "runs": n,
            "coverage": round(sum(r["covered"] for r in group) / n, 3),
            "naive_coverage": round(sum(r["naive_covered"] for r in group) / n, 3),
            "significant": round(sum(r["significant"] for r in group) / n, 3),
            "mean_error": round(sum(r["estimate"] - r["true_effect"] for r in group) / n, 4),
            "mean_naive_error": round(sum(r["naive"] - r["true_effect"] for r in group) / n, 4),
            "mean_abs_error": round(
                sum(abs(r["estimate"] - r["true_effect"]) for r in group) / n, 4
            ),
            "mean_abs_naive_error": round(
                sum(abs(r["naive"] - r["true_effect"]) for r in group) / n, 4
            ),
            "mean_true_effect": round(sum(r["true_effect"] for r in group) / n, 4),
            "mean_matched": round(sum(r["matched"] for r in group) / n, 1),
            "balanced": round(sum(r["balanced"] for r in group) / n, 3),
        }

    names = list(dict.fromkeys(r["programme"] for r in rows))
    return {
        "all": stats(ran),
        "programmes": {name: stats([r for r in ran if r["programme"] == name]) for name in names},
        "cannot_run": sum(1 for r in rows if r.get("estimate") is None),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20, help="countries to generate")
    parser.add_argument("--first-seed", type=int, default=101)
    parser.add_argument("--people", type=int, default=20_000, help="true persons per country")
    parser.add_argument("--out", type=Path, default=Path("evaluation-benchmark.json"))
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="jl-eval-") as tmp:
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            for row in one_seed(seed, args.people, Path(tmp)):
                rows.append(row)
                print(json.dumps(row), flush=True)
            for path in Path(tmp).iterdir():
                if path.is_dir():
                    subprocess.run(["rm", "-rf", str(path)], check=True)
                else:
                    path.unlink()
    payload = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "commit": _commit(),
        "machine": machine(),
        "people": args.people,
        "seeds": [args.first_seed, args.first_seed + args.seeds - 1],
        "summary": summarise(rows),
        "rows": rows,
    }
    args.out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(payload["summary"], indent=2))


if __name__ == "__main__":
    main()
