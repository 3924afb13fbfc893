"""`justicelink mapping`: check a mapping file, print its JSON Schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from justicelink.cli._common import err, out, print_json, user_errors

app = typer.Typer(
    help="Write and check mapping files (agencies.yaml). Format: docs/mapping.md.",
    no_args_is_help=True,
)


@app.command("check")
def check(
    source: Annotated[
        Path, typer.Argument(help="Mapping file, or the folder holding agencies.yaml.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the files found as JSON.")] = False,
) -> None:
    """Validate a mapping file and read every extract it names, without loading anything.

    Reports the first problem as one line (file, place, what is wrong): a misspelt field,
    a value map that lands outside the canonical codes, a date format without a day, a file
    or column that does not exist, or a format or value map that reads none of a sample of
    the column's values (it would load the whole column as empty). Fields where only some
    sampled values cannot be read are listed as warnings.

    Example:

        justicelink mapping check country/agencies.yaml
    """
    with user_errors():
        from justicelink.ingest.check import check_mapping

        mapping, checked = check_mapping(source)
    files = [
        {
            "path": f.path,
            "entity": f.entity,
            "rows": f.rows,
            "sampled_fields": {
                c.field: {"sampled": c.sampled, "unusable": c.unusable} for c in f.columns
            },
            "warnings": f.warnings(),
        }
        for f in checked
    ]
    if as_json:
        print_json({"mapping": str(mapping.path), "files": files})
        return
    for f in checked:
        out.print(f"  ok  {f.path:<40} {f.entity:<14} {f.rows:>10,} rows")
        for warning in f.warnings():
            err.print(f"  warning: {warning}", highlight=False, soft_wrap=True)
    out.print(f"{mapping.path}: valid; {len(files)} files readable.")


@app.command("schema")
def schema() -> None:
    """Print the JSON Schema of the mapping file (for editors and CI checks).

    Example:

        justicelink mapping schema > mapping.schema.json
    """
    from justicelink.ingest.mapping import json_schema

    print_json(json_schema())
