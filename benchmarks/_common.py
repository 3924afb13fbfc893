"""What the benchmark scripts share: running a stage in its own process, naming the machine."""

from __future__ import annotations

import os
import platform
import subprocess
import tempfile
import time
from pathlib import Path


def run(argv: list[str]) -> tuple[float, float, str]:
    """Run a process; return (seconds, peak RSS in MiB, stdout)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr = process.stderr.read() if process.stderr else ""
        if process.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed:\n{stderr}")
        out.seek(0)
        return seconds, usage.ru_maxrss / 1024, out.read()


def machine() -> str:
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{platform.machine()}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}"
    )
