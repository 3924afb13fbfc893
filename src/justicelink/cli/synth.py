"""`justicelink synth`: write a synthetic country's extracts and its truth."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from justicelink.cli._common import err, out, print_json, user_errors
from justicelink.errors import JusticelinkError


class YearsError(ValueError, JusticelinkError):
    """--years is not FIRST-LAST."""


def _years(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d{4})\s*-\s*(\d{4})\s*", text)
    if match is None:
        raise YearsError(f"--years {text!r}: expected FIRST-LAST, e.g. 2018-2023")
    first, last = int(match.group(1)), int(match.group(2))
    if last < first:
        raise YearsError(f"--years {text!r}: the last year is before the first")
    return first, last


def synth(
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder to write the country into (created if needed).")
    ],
    people: Annotated[
        int, typer.Option(help="True persons who appear in the extracts.", min=1)
    ] = 5000,
    years: Annotated[str, typer.Option(help="Period covered, FIRST-LAST.")] = "2018-2023",
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed writes the same files.")
    ] = 1,
    noise_profile: Annotated[
        str,
        typer.Option(
            help="The agencies' error mix: default, or harsh (more missing and defaulted "
            "dates of birth, typing slips, aliases, nicknames), to check linkage on noise "
            "it was not tuned on."
        ),
    ] = "default",
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
) -> None:
    """Generate a synthetic country: agency extracts, a mapping file and the truth.

    Writes, under --out: one extract per agency in its own layout (police CSV, prosecution
    CSV, courts JSON lines, prisons XLSX, probation CSV) with realistic identity noise and a
    few bad rows; agencies.yaml, the mapping file that ingest reads; reference/ (population
    and the national penal code with ICCS codes); and truth/ (which true person is behind
    each record, the true events and the deliberate defects), read only by evaluation.

    Example:

        justicelink synth --out country --people 5000 --years 2018-2023 --seed 7

        justicelink synth --out harsh --people 5000 --noise-profile harsh
    """
    with user_errors():
        from justicelink.synth import generate_country

        first, last = _years(years)
        with Progress(
            TextColumn("[bold]synth[/] {task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task("starting", total=1.0)

            def progress(stage: str, fraction: float) -> None:
                bar.update(task, description=stage, completed=fraction)

            summary = generate_country(
                out_dir,
                people=people,
                first_year=first,
                last_year=last,
                seed=seed,
                noise_profile=noise_profile,
                progress=progress,
            )
    if as_json:
        print_json(
            {
                "out": str(summary.out),
                "people": summary.people,
                "person_records": summary.person_records,
                "files": summary.files,
                "seconds": round(summary.seconds, 3),
            }
        )
        return
    table = Table(title=f"Synthetic country in {summary.out}", title_justify="left")
    table.add_column("file")
    table.add_column("rows", justify="right")
    for name, rows in summary.files.items():
        table.add_row(name, f"{rows:,}")
    out.print(table)
    out.print(
        f"{summary.people:,} true persons, {summary.person_records:,} person records, "
        f"{summary.seconds:.1f} s. Next: [bold]justicelink ingest {summary.out}[/]"
    )
