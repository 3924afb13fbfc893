"""Benchmark: synth + ingest at about 1e5 and 1e6 person records, beside a raw load.

For each size the script generates a synthetic country once, then alternates, REPEATS times:
- the raw load: DuckDB's own readers (read_csv, read_json) copying every extract as text into
  a new DuckDB file, with no validation; the prisons workbook, which DuckDB cannot read
  without a network extension, is read with python-calamine (the reader ingest uses);
- `justicelink ingest` of the same files into a new warehouse.
Each stage runs in its own process so that its peak memory (max RSS) is its own. Medians
are reported; the machine is shared and noisy.

    .venv/bin/python benchmarks/ingest.py                # 1e5 and 1e6 person records
    .venv/bin/python benchmarks/ingest.py --sizes 1e5 --repeats 5
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, run

# Person records per true person in the synthetic country at its default settings
# (measured: 11,428 records for 5,000 persons).
RECORDS_PER_PERSON = 2.29

RAW_LOAD = r"""
import sys, yaml, duckdb
from pathlib import Path
from python_calamine import CalamineWorkbook
folder, target = Path(sys.argv[1]), sys.argv[2]
mapping = yaml.safe_load((folder / "agencies.yaml").read_text())
con = duckdb.connect(target)
files = [f for a in mapping["agencies"] for f in a["files"]] + mapping["reference"]["files"]
rows = 0
for i, f in enumerate(files):
    path = str(folder / f["path"])
    if f["format"] == "csv":
        rel = con.read_csv(path, header=True, all_varchar=True, sep=f.get("delimiter", ","))
    elif f["format"] == "jsonl":
        rel = con.sql("SELECT * FROM read_json(?, format='newline_delimited')", params=[path])
    else:
        sheet = CalamineWorkbook.from_path(path).get_sheet_by_name(f["sheet"]).to_python()
        import pyarrow as pa
        header, body = sheet[0], sheet[1:]
        table = pa.table({str(h): [str(r[j]) for r in body] for j, h in enumerate(header)})
        rel = con.from_arrow(table)
    rel.create(f"t{i}")
    rows += con.execute(f"SELECT count(*) FROM t{i}").fetchall()[0][0]
print(rows)
"""


def bench(size: float, repeats: int, workdir: Path) -> dict[str, object]:
    people = max(1, round(size / RECORDS_PER_PERSON))
    folder = workdir / f"country-{int(size)}"
    shutil.rmtree(folder, ignore_errors=True)
    cli = [sys.executable, "-m", "justicelink"]
    synth_s, synth_mb, out = run(
        [*cli, "synth", "--out", str(folder), "--people", str(people), "--json"]
    )
    summary = json.loads(out)
    raw_runs, ingest_runs = [], []
    report: dict[str, object] = {}
    for _ in range(repeats):
        target = workdir / "raw.duckdb"
        target.unlink(missing_ok=True)
        seconds, mb, out = run([sys.executable, "-c", RAW_LOAD, str(folder), str(target)])
        raw_rows = int(out)
        raw_runs.append((seconds, mb))
        warehouse = workdir / "w.duckdb"
        warehouse.unlink(missing_ok=True)
        seconds, mb, out = run(
            [*cli, "ingest", str(folder), "--warehouse", str(warehouse), "--json"]
        )
        ingest_runs.append((seconds, mb))
        report = json.loads(out)
    rows_read = sum(f["read"] for f in report["files"])  # type: ignore[index, union-attr]
    raw_s = statistics.median(s for s, _ in raw_runs)
    ingest_s = statistics.median(s for s, _ in ingest_runs)
    return {
        "person_records": summary["person_records"],
        "people": people,
        "rows": rows_read,
        "raw_rows": raw_rows,
        "synth_s": round(synth_s, 2),
        "synth_peak_mib": round(synth_mb),
        "raw_s_median": round(raw_s, 2),
        "raw_peak_mib": round(max(m for _, m in raw_runs)),
        "ingest_s_median": round(ingest_s, 2),
        "ingest_s_all": [round(s, 2) for s, _ in ingest_runs],
        "raw_s_all": [round(s, 2) for s, _ in raw_runs],
        "ingest_peak_mib": round(max(m for _, m in ingest_runs)),
        "ingest_rows_per_s": round(rows_read / ingest_s),
        "raw_rows_per_s": round(raw_rows / raw_s),
        "ingest_over_raw": round(ingest_s / raw_s, 2),
        "repeats": repeats,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e5, 1e6])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "jl-bench")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = {"machine": machine(), "command": " ".join(sys.argv), "runs": []}
    for size in args.sizes:
        result = bench(size, args.repeats, args.workdir)
        results["runs"].append(result)  # type: ignore[union-attr]
        print(json.dumps(result), flush=True)
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "ingest.json").write_text(json.dumps(results, indent=2) + "\n")
    print(
        "| person records | rows (all files) | synth s | raw load s (median) | ingest s (median) "
        "| ingest / raw | ingest rows/s | raw rows/s | peak MiB synth / raw / ingest |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results["runs"]:  # type: ignore[union-attr]
        print(
            f"| {r['person_records']:,} | {r['rows']:,} | {r['synth_s']} | {r['raw_s_median']} "
            f"| {r['ingest_s_median']} | {r['ingest_over_raw']}x | {r['ingest_rows_per_s']:,} "
            f"| {r['raw_rows_per_s']:,} | {r['synth_peak_mib']} / {r['raw_peak_mib']} / "
            f"{r['ingest_peak_mib']} |"
        )
    print(f"\nMachine: {results['machine']}")


if __name__ == "__main__":
    main()
