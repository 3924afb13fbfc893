"""Alternatives to imprisonment and diversion, measured on the linked synthetic country and
checked against the generator's truth (truth/measures.json, synth/true_measures.py)."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import pytest
from _cli import run_cli

NAMES = ("non_custodial_sentence_share", "diversion_share")


@pytest.fixture(scope="module")
def measured(linked_country: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("alternatives") / "raw"
    run_cli("measures", "--warehouse", str(linked_country / "w.duckdb"), "--out", str(out),
            "--threshold", "0", "--uncertainty-draws", "0", cwd=linked_country)  # fmt: skip
    return out


def _rows(out: Path, name: str) -> list[dict[str, str]]:
    with (out / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("name", NAMES)
def test_shares_by_year_and_by_sex_and_age_group_match_the_truth(
    name: str, measured: Path, linked_country: Path
) -> None:
    truth = json.loads(
        (linked_country / "country" / "truth" / "measures.json").read_text(encoding="utf-8")
    )["measures"][name]
    rows = _rows(measured, name)
    by_year = {
        r["year"]: float(r["value"])
        for r in rows
        if r["sex"] == "total" and r["age_group"] == "total"
    }
    assert set(by_year) == set(truth["by_year"])
    for year, share in truth["by_year"].items():
        # A quarantined row moves one sentence or decision out of ~40-120 a year.
        assert by_year[year] == pytest.approx(share, abs=0.03), year
    cells: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        if "total" not in (r["sex"], r["age_group"]):
            cell = cells[f"{r['sex']}/{r['age_group']}"]
            cell[0] += int(r["numerator"])
            cell[1] += int(r["denominator"])
    assert sum(d for _, d in cells.values()) == pytest.approx(
        sum(d for _, d in truth["cells"].values()), rel=0.03
    )
    for key, (numerator, denominator) in truth["cells"].items():
        got_n, got_d = cells[key]
        # Records without a date of birth or sex move a few units to 'unknown'.
        assert got_d == pytest.approx(denominator, rel=0.15, abs=3), key
        if denominator >= 40:
            assert got_n / got_d == pytest.approx(numerator / denominator, abs=0.06), key


def test_juveniles_are_diverted_more_than_adults_in_truth_and_measure(
    measured: Path, linked_country: Path
) -> None:
    """The generator diverts juveniles more often: the measure must show the same gap."""
    truth = json.loads(
        (linked_country / "country" / "truth" / "measures.json").read_text(encoding="utf-8")
    )["measures"]["diversion_share"]["cells"]

    def share(cells: dict[str, list[int]], group: str) -> float:
        n = sum(v[0] for k, v in cells.items() if k.endswith("/" + group))
        d = sum(v[1] for k, v in cells.items() if k.endswith("/" + group))
        return n / d

    rows = _rows(measured, "diversion_share")
    got = {f"x/{r['age_group']}": [0, 0] for r in rows if r["age_group"] in ("adult", "juvenile")}
    for r in rows:
        if r["sex"] == "total" and r["age_group"] in ("adult", "juvenile"):
            got[f"x/{r['age_group']}"][0] += int(r["numerator"])
            got[f"x/{r['age_group']}"][1] += int(r["denominator"])
    true_gap = share(truth, "juvenile") - share(truth, "adult")
    assert true_gap > 0.15
    assert share(got, "juvenile") - share(got, "adult") == pytest.approx(true_gap, abs=0.05)
