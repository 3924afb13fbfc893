"""The central authority's day through the CLI, checked against the synthetic country's truth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from _cli import run_cli


def _json(*args: str, cwd: Path) -> Any:
    return json.loads(run_cli(*args, "--json", cwd=cwd).stdout)


@pytest.fixture(scope="module")
def register(linked_country: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The synthetic year of requests imported into a fresh register, persons looked up."""
    root = tmp_path_factory.mktemp("register")
    options = [
        "--db",
        f"sqlite:///{root / 'store.sqlite'}",
        "--dir",
        str(linked_country / "country" / "cooperation"),
    ]
    imported = _json(
        "coop",
        "import",
        str(linked_country / "country" / "cooperation" / "requests.jsonl"),
        "--warehouse",
        str(linked_country / "w.duckdb"),
        *options,
        cwd=root,
    )
    truth = json.loads((linked_country / "country" / "truth" / "cooperation.json").read_text())
    return {"root": root, "options": options, "imported": imported, "truth": truth}


def test_statistics_equal_the_synthetic_truth(register: dict[str, Any]) -> None:
    stats = _json("coop", "stats", *register["options"], cwd=register["root"])
    truth = register["truth"]["statistics"]
    for key in (
        "requests",
        "by_type",
        "by_direction",
        "by_counterpart",
        "by_outcome",
        "refusals_by_ground",
    ):
        assert stats[key] == truth[key], key
    days, true_days = stats["days_to_execution"], truth["days_to_execution"]
    assert (days["count"], days["median"], days["p90"]) == (
        true_days["count"],
        true_days["median"],
        true_days["p90"],
    )
    assert days["by_type"] == true_days["by_type"]


def test_requested_persons_are_found_among_the_countrys_own_people(
    register: dict[str, Any], linked_country: Path
) -> None:
    exported = json.loads(
        run_cli("coop", "export", *register["options"], cwd=register["root"]).stdout
    )
    found = {
        r["reference"]: p["warehouse_person_id"]
        for r in exported
        for p in r["persons"]
        if p.get("warehouse_person_id")
    }
    expected = {p["reference"]: p["person_id"] for p in register["truth"]["persons"]}
    assert expected, "the synthetic year has persons of Examplia in it"
    # The warehouse's person ids are its own: map them to true persons through the records.
    import csv

    import duckdb

    with (linked_country / "country" / "truth" / "records.csv").open(encoding="utf-8") as fh:
        true_of = {(r["agency"], r["record_key"]): r["person_id"] for r in csv.DictReader(fh)}
    con = duckdb.connect(str(linked_country / "w.duckdb"), read_only=True)
    rows = con.execute(
        "SELECT rp.person_id, r.agency_id, r.record_key FROM record_person rp "
        "JOIN person_record r USING (record_id)"
    ).fetchall()
    con.close()
    truths: dict[str, set[str]] = {}
    for person_id, agency, key in rows:
        truths.setdefault(str(person_id), set()).add(true_of[(agency, key)])
    assert set(found) <= set(expected)  # no stranger is ever found
    assert len(found) >= 0.8 * len(expected)
    for reference, person_id in found.items():
        assert expected[reference] in truths[person_id]


def test_the_check_reports_exactly_what_each_request_misses(
    register: dict[str, Any], linked_country: Path
) -> None:
    from justicelink.app.cooperation import check_one
    from justicelink.cooperation.model import parse_request

    folder = linked_country / "country" / "cooperation"
    missing = register["truth"]["missing_elements"]
    lines = (folder / "requests.jsonl").read_text(encoding="utf-8").splitlines()
    for line in lines:  # every request, in-process
        request = parse_request(json.loads(line))
        elements = sorted({m.element for m in check_one(request, folder).missing})
        assert elements == missing[request.reference], request.reference
    incomplete = next(line for line in lines if missing[json.loads(line)["reference"]])
    path = register["root"] / "incomplete.json"
    path.write_text(incomplete, encoding="utf-8")  # and one through the command line
    result = _json("coop", "check", str(path), "--dir", str(folder), cwd=register["root"])
    assert set(result) == {"missing", "warnings"}
    assert all(set(item) == {"element", "text"} for item in result["missing"])
    assert [m["element"] for m in result["missing"]] == missing[json.loads(incomplete)["reference"]]


def test_a_day_at_the_register_is_audited(register: dict[str, Any]) -> None:
    root, options = register["root"], register["options"]
    listed = _json("coop", "list", "--open", "--direction", "incoming", *options, cwd=root)
    first = listed["requests"][0]
    status = _json(
        "coop",
        "status",
        str(first["request_id"]),
        "--set",
        "refused",
        "--ground",
        "dual_criminality",
        "--on",
        "2030-01-01",
        *options,
        cwd=root,
    )
    assert (status["status"], status["open"]) == ("refused", False)
    assert status["request"]["status_history"][-1]["ground"] == "dual_criminality"
    due = _json("coop", "due", "--on", "2030-01-01", *options, cwd=root)
    assert first["request_id"] not in {item["request_id"] for item in due["requests"]}
    assert all(item["overdue"] and item["reminder"] for item in due["requests"])
    refused = run_cli(
        "coop", "status", str(first["request_id"]), "--set", "refused", *options, cwd=root, ok=False
    )
    assert refused.returncode == 1 and "ground" in refused.stderr
    from justicelink.store import AuditLog, Store

    store = Store(options[1])
    log = AuditLog(store)
    assert log.verify().ok
    actions = {(e.action, e.object) for e in log.entries(limit=1000)}
    store.close()
    assert ("alteration", f"coop request {first['request_id']}") in actions
    assert any(action == "combination" for action, _ in actions)  # the persons' look-up
    assert ("consultation", "cooperation register") in actions


def test_basis_and_parties_refresh(tmp_path: Path) -> None:
    found = _json(
        "coop",
        "basis",
        "--from",
        "XEX",
        "--to",
        "THA",
        "--type",
        "mla",
        "--iccs",
        "060121",
        "--date",
        "2024-01-15",
        "--dir",
        "coop",
        cwd=tmp_path,
    )
    assert found["instruments"] == []  # XEX is in no party list
    assert found["reciprocity"]["applies"] is True
    shipped = Path(__file__).parents[2] / "src/justicelink/cooperation/data/untoc_parties.csv"
    refreshed = tmp_path / "untoc.csv"
    refreshed.write_text(
        shipped.read_text(encoding="utf-8") + "XEX,Examplia,2000-12-14,2010-03-01,ratification\n",
        encoding="utf-8",
    )
    lists = _json(
        "coop",
        "parties",
        "--refresh",
        str(refreshed),
        "--treaty",
        "untoc",
        "--as-of",
        "2026-01-15",
        "--source",
        "test list",
        "--dir",
        "coop",
        "--state",
        "XEX",
        cwd=tmp_path,
    )
    untoc = next(x for x in lists["lists"] if x["instrument"] == "untoc")
    assert (untoc["as_of"], untoc["source"], untoc["parties"]) == ("2026-01-15", "test list", 192)
    assert untoc["state"]["deposit"] == "2010-03-01"
    found = _json(
        "coop",
        "basis",
        "--from",
        "XEX",
        "--to",
        "THA",
        "--type",
        "mla",
        "--iccs",
        "060121",
        "--date",
        "2024-01-15",
        "--max-penalty",
        "30",
        "--dir",
        "coop",
        cwd=tmp_path,
    )
    assert [i["instrument"] for i in found["instruments"]] == ["untoc"]
    bad = run_cli(
        "coop",
        "basis",
        "--from",
        "XEX",
        "--to",
        "Thailand",
        "--type",
        "mla",
        cwd=tmp_path,
        ok=False,
    )
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1


def test_the_report_carries_the_registers_statistics(
    register: dict[str, Any], linked_country: Path
) -> None:
    import re

    out = register["root"] / "report.html"
    run_cli(
        "report",
        "--warehouse",
        str(linked_country / "w.duckdb"),
        "--out",
        str(out),
        "--cooperation-db",
        register["options"][1],
        cwd=register["root"],
    )
    section = out.read_text(encoding="utf-8").split("<h2>International cooperation</h2>")[1]
    section = section.split("<h2>")[0]
    # The register as the earlier tests of this module left it (they record steps): its
    # statistics by `coop stats`, itself checked against the synthetic truth above.
    truth = _json("coop", "stats", *register["options"], cwd=register["root"])
    assert f"({truth['requests']})" in section
    header = re.findall(r'<th class="n">([^<]*)</th>', section.split("</thead>")[0])
    row = section.split("<tr><th>all</th>")[1].split("</tr>")[0]
    totals = re.findall(r'<th class="n">([^<]*)</th>', row)
    shown = dict(zip(header, totals, strict=True))
    for outcome, n in truth["by_outcome"].items():
        assert shown[outcome.replace("_", " ")] == f"{n:,}", outcome
    median = truth["days_to_execution"]["median"]
    assert shown["days, median"] == f"{median:.0f}"
    refusals = section.split("Refusals by ground")[1]
    for ground, n in truth["refusals_by_ground"].items():
        assert f'<td>{ground.replace("_", " ")}</td><td class="n">{n:,}</td>' in refusals


def test_the_report_refuses_a_store_that_is_not_there(linked_country: Path, tmp_path: Path) -> None:
    result = run_cli(
        "report",
        "--warehouse",
        str(linked_country / "w.duckdb"),
        "--out",
        str(tmp_path / "r.html"),
        "--cooperation-db",
        f"sqlite:///{tmp_path / 'nowhere.sqlite'}",
        cwd=tmp_path,
        ok=False,
    )
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "nowhere.sqlite: no store here" in result.stderr
    assert not (tmp_path / "nowhere.sqlite").exists() and not (tmp_path / "r.html").exists()
