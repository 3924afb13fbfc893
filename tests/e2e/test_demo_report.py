"""`justicelink demo`: the whole pipeline in one command, and the report it leaves."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from _cli import run_cli as _cli
from markupsafe import escape

from justicelink.measures import MEASURES


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("demo")
    summary = json.loads(
        _cli("demo", "--out", "d", "--people", "1500", "--seed", "4", "--json", cwd=root).stdout
    )
    return root / "d", summary


def test_demo_runs_every_stage_and_checks_itself(demo: tuple[Path, dict]) -> None:
    folder, summary = demo
    assert set(summary["seconds"]) == {"synth", "ingest", "link", "measures", "report"}
    assert summary["linkage"]["pairwise"]["f1"] > 0.95
    truth = json.loads((folder / "country" / "truth" / "measures.json").read_text(encoding="utf-8"))
    assert set(summary["headline"]["proven_reoffending_rate"]) == set(
        truth["headline"]["proven_reoffending_rate"]
    )
    for name in ("police_recorded_offences", "proven_reoffending_rate", "homicide_rate_per_100k"):
        assert (folder / "measures" / f"{name}.csv").is_file()


def test_report_is_self_contained(demo: tuple[Path, dict]) -> None:
    folder, _ = demo
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    # The only address in the file is the SVG namespace: nothing is fetched.
    addresses = set(re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html))
    assert addresses == set()
    assert html.count("<svg") >= 8


def test_report_shows_every_definition_and_the_data_quality(demo: tuple[Path, dict]) -> None:
    folder, summary = demo
    html = (folder / "report.html").read_text(encoding="utf-8")
    for measure in MEASURES:
        assert escape(measure.title) in html, measure.name
        for text in measure.definition().values():
            assert escape(text) in html, (measure.name, text)
    assert "Quarantined rows by reason" in html
    assert "Offence codes missing from the ICCS crosswalk" in html
    assert f"{summary['linkage']['pairwise']['f1']:.4f}" in html


def test_report_without_a_warehouse_is_one_line(tmp_path: Path) -> None:
    result = _cli("report", "--warehouse", "none.duckdb", cwd=tmp_path, ok=False)
    assert result.returncode == 1
    assert "none.duckdb: no warehouse here" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
