"""What the benchmark scripts share: running a stage in its own process, naming the machine."""

from __future__ import annotations

import os
import platform
import subprocess
import tempfile
import threading
import time
from pathlib import Path


class StageTimeoutError(RuntimeError):
    """A stage ran longer than it was allowed and was stopped."""


def run(argv: list[str], timeout: float | None = None) -> tuple[float, float, str]:
    """Run a process; return (seconds, peak RSS in MiB, stdout).

    Raises:
        StageTimeoutError: The process ran past ``timeout`` seconds and was killed.
    """
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(argv, stdout=out, stderr=err, text=True)
        timer = threading.Timer(timeout, process.kill) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        if timer:
            timer.cancel()
            if timeout is not None and seconds >= timeout:
                raise StageTimeoutError(f"{' '.join(argv[:4])} stopped after {timeout:.0f} s")
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read()
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
