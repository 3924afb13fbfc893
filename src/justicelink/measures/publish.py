"""Measures as files: one CSV per measure, one workbook, SDMX-CSV for the SDG series.

Small cells are suppressed before anything is written: a cell counting 1 to threshold - 1
people has its value (and counts) blanked and is marked ``suppressed``. Zero is published:
it discloses no one.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import xlsxwriter

from justicelink.errors import MeasureError
from justicelink.measures.engine import Result

DEFAULT_THRESHOLD = 5
# Columns blanked in a suppressed cell (whichever the measure has).
_DISCLOSIVE = ("value", "numerator", "denominator", "reoffences", "reoffences_per_reoffender")


def suppress(result: Result, threshold: int = DEFAULT_THRESHOLD) -> list[dict[str, Any]]:
    """The measure's rows with small cells blanked and a ``suppressed`` column added."""
    column = result.measure.small_cells
    rows = result.table.to_pylist()
    out = []
    for row in rows:
        count = row.get(column) if column else None
        small = count is not None and 0 < int(count) < threshold
        if small:
            row = {k: (None if k in _DISCLOSIVE else v) for k, v in row.items()}
        out.append({**row, "suppressed": small})
    return out


def write_csv(path: Path, rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(row.get(k)) for k in columns})


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return round(value, 6)
    return value


def write_workbook(path: Path, published: Iterable[tuple[Result, list[dict[str, Any]]]]) -> None:
    """measures.xlsx: a definitions sheet, then one sheet per measure."""
    book = xlsxwriter.Workbook(str(path))
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    about = book.add_worksheet("definitions")
    about.set_column(0, 0, 28)
    about.set_column(1, 1, 110)
    line = 0
    items = list(published)
    for result, _ in items:
        m = result.measure
        about.write(line, 0, m.name, bold)
        about.write(line, 1, m.title, bold)
        line += 1
        for key, text in m.definition().items():
            about.write(line, 0, key)
            about.write(line, 1, text, wrap)
            line += 1
        line += 1
    for result, rows in items:
        sheet = book.add_worksheet(result.measure.name[:31])
        columns = [*result.table.column_names, "suppressed"]
        for j, name in enumerate(columns):
            sheet.write(0, j, name, bold)
            sheet.set_column(j, j, max(12, len(name) + 2))
        for i, row in enumerate(rows, start=1):
            for j, name in enumerate(columns):
                value = _cell(row.get(name))
                if value != "":
                    sheet.write(i, j, value)
        sheet.freeze_panes(1, 0)
    book.close()


# SDMX-CSV (SDMX 2.1 CSV format): the dimensions of the SDG data structure (IAEG-SDGs:SDG
# 1.4, ../shared/data/sdmx/SDG_DSD.xml), then the observation and its attributes.
SDMX_COLUMNS = (
    "DATAFLOW",
    "FREQ",
    "REPORTING_TYPE",
    "SERIES",
    "REF_AREA",
    "SEX",
    "AGE",
    "URBANISATION",
    "INCOME_WEALTH_QUANTILE",
    "EDUCATION_LEV",
    "OCCUPATION",
    "CUST_BREAKDOWN",
    "COMPOSITE_BREAKDOWN",
    "DISABILITY_STATUS",
    "ACTIVITY",
    "PRODUCT",
    "TIME_PERIOD",
    "OBS_VALUE",
    "UNIT_MEASURE",
    "UNIT_MULT",
    "OBS_STATUS",
    "NATURE",
)
_SEX = {"total": "_T", "male": "M", "female": "F"}
# CL_AGE 1.1 has no code for 30-44: that band is published in the CSV files only.
_AGE = {
    "total": "_T",
    "0-14": "Y0T14",
    "15-17": "Y15T17",
    "18-29": "Y18T29",
    "45-59": "Y45T59",
    "60+": "Y_GE60",
}
_UNIT = {"VC_IHR_PSRC": "PER_100000_POP", "VC_PRS_UNSNT": "PT"}
# The structure file defines the data structure but no dataflow: observations name it.
DATAFLOW = "IAEG-SDGs:SDG(1.4)"


# The code list behind each coded column (data/sdg_codes.csv, from the SDG DSD 1.4).
SDMX_CODELISTS = {
    "FREQ": "CL_FREQ",
    "REPORTING_TYPE": "CL_REPORTING_TYPE",
    "SERIES": "CL_SERIES",
    "REF_AREA": "CL_AREA",
    "SEX": "CL_SEX",
    "AGE": "CL_AGE",
    "UNIT_MEASURE": "CL_UNIT_MEASURE",
    "UNIT_MULT": "CL_UNIT_MULT",
    "OBS_STATUS": "CL_OBS_STATUS",
    "NATURE": "CL_NATURE",
}


@cache
def sdg_codes() -> dict[str, frozenset[str]]:
    """Code list -> its codes (the subset of the SDG DSD shipped with justicelink)."""
    found: dict[str, set[str]] = {}
    text = resources.files("justicelink.measures").joinpath("data/sdg_codes.csv")
    with text.open("r", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            found.setdefault(row["codelist"], set()).add(row["code"])
    return {k: frozenset(v) for k, v in found.items()}


def sdmx_rows(results: Iterable[Result], ref_area: str, threshold: int) -> list[dict[str, str]]:
    """SDG series observations (suppressed cells are left out).

    Raises:
        MeasureError: ``ref_area`` is not an area code of the SDG code lists.
    """
    if ref_area not in sdg_codes()["CL_AREA"]:
        raise MeasureError(
            f"--ref-area {ref_area!r} is not an M49 area code of the SDG code list CL_AREA"
        )
    out = []
    for result in results:
        series = result.measure.sdg_series
        if series is None:
            continue
        for row in suppress(result, threshold):
            sex = _SEX.get(str(row.get("sex", "total")))
            age = _AGE.get(str(row.get("age_band", "total")))
            if sex is None or age is None or row["suppressed"] or row["value"] is None:
                continue
            value = float(row["value"]) * (100 if _UNIT[series] == "PT" else 1)
            out.append(
                {
                    **dict.fromkeys(SDMX_COLUMNS, "_T"),
                    "DATAFLOW": DATAFLOW,
                    "FREQ": "A",
                    "REPORTING_TYPE": "N",
                    "SERIES": series,
                    "REF_AREA": ref_area,
                    "SEX": sex,
                    "AGE": age,
                    "TIME_PERIOD": str(row["year"]),
                    "OBS_VALUE": f"{value:.6g}",
                    "UNIT_MEASURE": _UNIT[series],
                    "UNIT_MULT": "0",
                    "OBS_STATUS": "A",
                    "NATURE": "C",
                }
            )
    return out


def publish(
    results: Sequence[Result],
    out: Path,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    ref_area: str | None = None,
) -> list[Path]:
    """Write every output file; returns their paths.

    The SDMX-CSV file needs the country's M49 code (``ref_area``, a code of CL_AREA) and is
    written only when one is given.
    """
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    published = [(r, suppress(r, threshold)) for r in results]
    for result, rows in published:
        path = out / f"{result.measure.name}.csv"
        write_csv(path, rows, [*result.table.column_names, "suppressed"])
        written.append(path)
    workbook = out / "measures.xlsx"
    write_workbook(workbook, published)
    written.append(workbook)
    if ref_area:
        sdmx = out / "sdg_16.sdmx.csv"
        write_csv(sdmx, sdmx_rows(results, ref_area, threshold), SDMX_COLUMNS)
        written.append(sdmx)
    return written
