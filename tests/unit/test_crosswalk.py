"""The national crosswalk: codes compared trimmed and upper-case; bad ICCS codes refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from justicelink.classification import load_crosswalk
from justicelink.errors import MappingError, SourceFileNotFoundError


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "codes.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_lookup_is_trimmed_and_case_blind(tmp_path: Path) -> None:
    path = _write(tmp_path, "code,iccs\nPC-302,0101\n pc-379 ,0502\n")
    crosswalk = load_crosswalk(path, code_column="code", iccs_column="iccs")
    assert crosswalk.iccs_for("pc-302") == "0101"
    assert crosswalk.iccs_for("PC-379 ") == "0502"
    assert crosswalk.iccs_for("PC-999") is None


def test_an_iccs_code_that_does_not_exist_names_the_row(tmp_path: Path) -> None:
    path = _write(tmp_path, "code,iccs\nPC-302,0101\nPC-1,0199\n")
    with pytest.raises(MappingError, match=r"row 2: column 'iccs': '0199' is not an ICCS"):
        load_crosswalk(path, code_column="code", iccs_column="iccs")


def test_a_repeated_national_code_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "code,iccs\nPC-302,0101\npc-302,0102\n")
    with pytest.raises(MappingError, match="row 2: national code 'PC-302' repeats"):
        load_crosswalk(path, code_column="code", iccs_column="iccs")


def test_missing_file_and_column(tmp_path: Path) -> None:
    with pytest.raises(SourceFileNotFoundError):
        load_crosswalk(tmp_path / "none.csv", code_column="code", iccs_column="iccs")
    path = _write(tmp_path, "code,iccs\n")
    with pytest.raises(MappingError, match="column 'label' not found"):
        load_crosswalk(path, code_column="code", iccs_column="iccs", label_column="label")
