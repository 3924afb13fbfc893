"""Running the justicelink command line as a user does, for the end-to-end tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run_cli(*args: str, cwd: Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``python -m justicelink ARGS`` in ``cwd``; with ``ok``, fail the test on exit != 0."""
    result = subprocess.run(
        [sys.executable, "-m", "justicelink", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if ok:
        assert result.returncode == 0, result.stderr
    return result
