"""Publication: the protected tables written as files, with their manifest.

Reads only what disclosure control returned (:class:`justicelink.disclosure.Protected`):
one CSV per measure, ``measures.xlsx`` (definitions, manifest, one sheet per measure),
``sdg_16.sdmx.csv`` when a reference area is known, and ``manifest.json`` (the run manifest
and the hash of every file written).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from justicelink.disclosure import Protected
from justicelink.publication.files import write_csv, write_workbook
from justicelink.publication.headline import Headline, headline
from justicelink.publication.manifest import build_manifest, generation_time, write_manifest
from justicelink.publication.sdmx import DEFAULT_DATAFLOW, SDMX_COLUMNS, sdmx_rows

__all__ = [
    "DEFAULT_DATAFLOW",
    "Headline",
    "build_manifest",
    "generation_time",
    "headline",
    "publish",
]


def publish(
    protected: Protected,
    computed_columns: dict[str, list[str]],
    out: Path,
    manifest: dict[str, Any],
    *,
    ref_area: str | None = None,
    dataflow: str = DEFAULT_DATAFLOW,
    created: dt.datetime | None = None,
) -> list[Path]:
    """Write every output file; returns their paths (manifest.json last).

    Args:
        protected: The tables after disclosure control.
        computed_columns: Each measure's computed columns, in order.
        out: The folder (created if needed).
        manifest: The run manifest (:func:`build_manifest`).
        ref_area: The country's M49 code: the SDMX-CSV file is written only with one.
        dataflow: The SDMX dataflow the observations belong to.
        created: The time recorded in the workbook (default: :func:`generation_time`).
    """
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    sheets = []
    for table in protected.tables:
        names = [*computed_columns[table.measure.name], "suppressed", "protection"]
        path = out / f"{table.measure.name}.csv"
        write_csv(path, table.rows, names)
        written.append(path)
        sheets.append((table, names))
    workbook = out / "measures.xlsx"
    write_workbook(workbook, sheets, manifest, created or generation_time(fixed=True))
    written.append(workbook)
    if ref_area:
        sdmx = out / "sdg_16.sdmx.csv"
        write_csv(sdmx, sdmx_rows(protected.tables, ref_area, dataflow), SDMX_COLUMNS)
        written.append(sdmx)
    written.append(write_manifest(out / "manifest.json", manifest, written))
    return written
