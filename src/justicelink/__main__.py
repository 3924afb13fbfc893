"""`python -m justicelink` runs the command line."""

from __future__ import annotations

from justicelink.cli import main

main()
