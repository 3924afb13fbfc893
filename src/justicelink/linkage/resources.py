"""Running out of memory or disk during linkage, as one line that says what to change."""

from __future__ import annotations

import errno

from justicelink.errors import ResourceLimitError

# What DuckDB, Splink and Python raise when a job does not fit.
_MEMORY_NAMES = ("OutOfMemoryException", "OutOfMemoryError")
_MEMORY_TEXT = ("out of memory", "could not allocate", "failed to allocate")


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def resource_problem(exc: BaseException) -> str | None:
    """``memory`` or ``disk`` when ``exc`` (or what caused it) is a resource error."""
    for link in _chain(exc):
        if isinstance(link, MemoryError) or type(link).__name__ in _MEMORY_NAMES:
            return "memory"
        if isinstance(link, OSError) and link.errno == errno.ENOSPC:
            return "disk"
        text = str(link).lower()
        if any(t in text for t in _MEMORY_TEXT):
            return "memory"
        if "no space left on device" in text:
            return "disk"
    return None


def raise_if_resource_error(exc: BaseException, stage: str, memory: str) -> None:
    """Raise :class:`ResourceLimitError` (one line) when ``exc`` is a resource error.

    Args:
        exc: What the stage raised.
        stage: The stage that was running, as the progress line named it.
        memory: DuckDB's memory limit for linkage.
    """
    problem = resource_problem(exc)
    if problem == "memory":
        raise ResourceLimitError(
            f"link ran out of memory while {stage} (the engine was allowed {memory}): set "
            "JUSTICELINK_LINK_MEMORY higher (e.g. 16GB) if the machine has it, lower "
            "--max-pairs-per-record, or map a field thousands of records share (a district) "
            "to `area` rather than `address` or `id_number`"
        ) from None
    if problem == "disk":
        raise ResourceLimitError(
            f"link ran out of disk space while {stage}: DuckDB spills to the temporary "
            "folder (TMPDIR); free space there or point TMPDIR at a larger disk"
        ) from None
