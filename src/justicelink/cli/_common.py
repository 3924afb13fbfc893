"""What every command shares: consoles, the one-line error rule, JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console

from justicelink.errors import JusticelinkError

# Piped output is not cut to 80 columns: tables of file names stay readable in logs.
out = Console(width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a user's mistake into one line on stderr and exit code 1, never a traceback."""
    try:
        yield
    except JusticelinkError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except OSError as exc:  # permissions, full disk: the system's words, with the path
        where = f"{exc.filename}: " if exc.filename else ""
        err.print(f"[bold red]error:[/] {where}{exc.strerror or exc}", highlight=False)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        err.print("interrupted; nothing was written")
        raise typer.Exit(130) from None


def print_json(payload: dict[str, Any]) -> None:
    """Write a JSON document to stdout (nothing else goes there with --json)."""
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
