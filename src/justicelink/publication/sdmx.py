"""SDG series as SDMX-CSV (SDMX 2.1 CSV format) for the UN's global SDG database.

Columns follow the SDG data structure definition (IAEG-SDGs:SDG 1.4, shipped as
``measures/data/sdg_codes.csv``); observations name the global SDG dataflow
(``IAEG-SDGs:DF_SDG_GLH``) unless the user names another. Only published cells are written:
a suppressed cell has no observation.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import cache
from importlib import resources

from justicelink.disclosure import ProtectedTable
from justicelink.errors import MeasureError

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
# The global SDG dataflow of the UN SDG registry, at the version of the structure shipped.
DEFAULT_DATAFLOW = "IAEG-SDGs:DF_SDG_GLH(1.4)"
_SEX = {"total": "_T", "male": "M", "female": "F"}
# UNODC's 16.1.1 age groups. CL_AGE of the SDG structure 1.4 has no code for 30-44: that
# band is published in the CSV files and the workbook only.
_AGE = {
    "total": "_T",
    "0-14": "Y0T14",
    "15-29": "Y15T29",
    "45-59": "Y45T59",
    "60+": "Y_GE60",
}
# SDG series -> (measure, the column holding the figure, unit of measure, scale)
SERIES: dict[str, tuple[str, str, str, float]] = {
    "VC_IHR_PSRC": ("homicide_rate_per_100k", "value", "PER_100000_POP", 1.0),
    "VC_IHR_PSRCN": ("homicide_rate_per_100k", "numerator", "NUMBER", 1.0),
    "VC_PRS_UNSNT": ("unsentenced_share", "value", "PT", 100.0),
    "VC_PRS_UNSNTN": ("unsentenced_share", "numerator", "NUMBER", 1.0),
}

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


def check_ref_area(ref_area: str) -> None:
    """Raises MeasureError unless ``ref_area`` is an area code of the SDG code list."""
    if ref_area not in sdg_codes()["CL_AREA"]:
        raise MeasureError(
            f"--ref-area {ref_area!r} is not an M49 area code of the SDG code list CL_AREA "
            "(for a country, its three-digit M49 code: 360 is Indonesia, 608 the Philippines)"
        )


def sdmx_rows(
    tables: Iterable[ProtectedTable], ref_area: str, dataflow: str = DEFAULT_DATAFLOW
) -> list[dict[str, str]]:
    """SDG series observations of the published (protected) tables.

    Raises:
        MeasureError: ``ref_area`` is not an area code of the SDG code lists.
    """
    check_ref_area(ref_area)
    by_name = {t.measure.name: t for t in tables}
    out = []
    for series, (measure, column, unit, scale) in SERIES.items():
        table = by_name.get(measure)
        if table is None:
            continue
        for row in table.rows:
            sex = _SEX.get(str(row.get("sex", "total")))
            age = _AGE.get(str(row.get("age_band", "total")))
            value = row.get(column)
            if sex is None or age is None or row["suppressed"] or value is None:
                continue
            if column == "value" and row.get("denominator") is None:
                continue  # no population for this cell: no rate
            figure = float(value) * scale if scale != 1.0 else value
            out.append(
                {
                    **dict.fromkeys(SDMX_COLUMNS, "_T"),
                    "DATAFLOW": dataflow,
                    "FREQ": "A",
                    "REPORTING_TYPE": "N",
                    "SERIES": series,
                    "REF_AREA": ref_area,
                    "SEX": sex,
                    "AGE": age,
                    "TIME_PERIOD": str(row["year"]),
                    "OBS_VALUE": repr(figure) if isinstance(figure, float) else str(figure),
                    "UNIT_MEASURE": unit,
                    "UNIT_MULT": "0",
                    "OBS_STATUS": "A",
                    "NATURE": "C",
                }
            )
    out.sort(key=lambda r: (r["SERIES"], r["TIME_PERIOD"], r["SEX"], r["AGE"]))
    return out
