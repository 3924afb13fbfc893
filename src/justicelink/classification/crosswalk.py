"""National offence codes mapped to ICCS: the crosswalk a country maintains."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from justicelink.classification.iccs import IccsClassification, load_iccs
from justicelink.errors import MappingError, SourceFileNotFoundError


def normalise_code(raw: str) -> str:
    """The form in which national codes are compared: trimmed and upper-case."""
    return raw.strip().upper()


@dataclass(frozen=True, slots=True)
class CrosswalkEntry:
    """One national offence code and the ICCS category it is counted under."""

    national_code: str
    iccs_code: str
    label: str


class Crosswalk:
    """National code -> ICCS code, validated against the ICCS hierarchy."""

    def __init__(self, entries: list[CrosswalkEntry]) -> None:
        self.entries = tuple(entries)
        self._index = {entry.national_code: entry.iccs_code for entry in entries}

    def __len__(self) -> int:
        return len(self.entries)

    def iccs_for(self, national_code: str) -> str | None:
        """The ICCS code of a national code, or None when the crosswalk lacks it."""
        return self._index.get(normalise_code(national_code))


def load_crosswalk(
    path: Path,
    *,
    code_column: str,
    iccs_column: str,
    label_column: str | None = None,
    iccs: IccsClassification | None = None,
) -> Crosswalk:
    """Read a crosswalk CSV and check every ICCS code against the classification.

    Raises:
        SourceFileNotFoundError: when the file does not exist.
        MappingError: when a column is missing, a national code repeats, or an ICCS code does
            not exist in ICCS v1.0; the message names the file and row.
    """
    iccs = iccs or load_iccs()
    if not path.is_file():
        raise SourceFileNotFoundError(f"{path}: offence-code crosswalk not found")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        for column in (code_column, iccs_column, label_column):
            if column is not None and column not in header:
                raise MappingError(
                    f"{path}: column {column!r} not found (columns: {', '.join(header)})"
                )
        entries: dict[str, CrosswalkEntry] = {}
        for row_number, row in enumerate(reader, start=1):
            code = normalise_code(row[code_column] or "")
            iccs_code = (row[iccs_column] or "").strip()
            if not code:
                raise MappingError(f"{path}: row {row_number}: empty national code")
            if iccs_code not in iccs:
                raise MappingError(
                    f"{path}: row {row_number}: column {iccs_column!r}: "
                    f"{iccs_code!r} is not an ICCS v1.0 code"
                )
            if code in entries:
                raise MappingError(f"{path}: row {row_number}: national code {code!r} repeats")
            label = (row[label_column] or "") if label_column else ""
            entries[code] = CrosswalkEntry(code, iccs_code, label)
    return Crosswalk(list(entries.values()))
