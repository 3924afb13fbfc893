"""`justicelink demo`: the whole pipeline in one command, and the report it leaves."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from _cli import run_cli as _cli
from markupsafe import escape

from justicelink.measures import MEASURES


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The demo, run twice on the same seed (the second run for the reproducibility test)."""
    root = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1767225600")
        runs = [
            _cli("demo", "--out", out, "--people", "1500", "--seed", "4", "--json", cwd=root)
            for out in ("d", "again")
        ]
    return root / "d", json.loads(runs[0].stdout)


def _digests(folder: Path) -> dict[str, str]:
    files = [*sorted((folder / "measures").iterdir()), folder / "report.html"]
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def test_two_runs_on_the_same_extracts_are_byte_identical(demo: tuple[Path, dict]) -> None:
    folder, _ = demo
    first, second = _digests(folder), _digests(folder.parent / "again")
    assert len(first) >= 15  # every table, the workbook, SDMX-CSV, manifest, report
    assert first == second


def test_the_report_and_the_files_carry_the_run_manifest(demo: tuple[Path, dict]) -> None:
    folder, _ = demo
    manifest = json.loads((folder / "measures" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["linkage_model"]["sha256"] in (folder / "report.html").read_text("utf-8")
    assert manifest["settings"]["ref_area"] == "360"  # the demo writes SDMX-CSV
    assert (folder / "measures" / "sdg_16.sdmx.csv").is_file()
    assert "2026-01-01 00:00 UTC" in (folder / "report.html").read_text("utf-8")


def test_the_data_quality_section_reconciles_with_ingest(demo: tuple[Path, dict]) -> None:
    folder, summary = demo
    html = (folder / "report.html").read_text(encoding="utf-8")
    section = html.split("Quarantined rows by reason", 1)[1].split("</table>", 1)[0]
    counts = [int(n.replace(",", "")) for n in re.findall(r'<td class="n">([\d,]+)</td>', section)]
    total = re.search(r'<th>quarantined rows</th><th class="n">([\d,]+)</th>', section)
    assert total is not None
    assert sum(counts) == int(total.group(1).replace(",", "")) == summary["rows_quarantined"]


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
