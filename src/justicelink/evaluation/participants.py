"""The participant file an organisation sends: who took part and when they started.

A CSV with a header, UTF-8, one row per participant, in one of two shapes:

- ``agency,record_key,start_date``: a record key as an agency of the warehouse holds it
  (the provider's own participant number, or a prison or probation number);
- ``person_id,start_date``: a person of the warehouse's linkage.

``start_date`` is ``YYYY-MM-DD``. Other columns are ignored. Rows that cannot be used (an
empty key, a date that is not one) are kept with the reason, never dropped silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from justicelink.errors import EvaluationError, SourceFileNotFoundError

SHAPES = (("agency", "record_key", "start_date"), ("person_id", "start_date"))


@dataclass(frozen=True)
class Participant:
    """One row of the participant file.

    Attributes:
        row: Line number of the row in the file (the header is line 1).
        agency: Agency id (``agency,record_key`` files), else None.
        record_key: The agency's record key, else None.
        person_id: Person id (``person_id`` files), else None.
        start_date: Programme start, None when missing or not a date.
        problem: Why the row cannot be used, or None.
    """

    row: int
    agency: str | None
    record_key: str | None
    person_id: str | None
    start_date: dt.date | None
    problem: str | None = None

    @property
    def label(self) -> str:
        """How the organisation knows the participant: ``agency:key`` or the person id."""
        if self.person_id is not None:
            return self.person_id
        return f"{self.agency or ''}:{self.record_key or ''}"


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_participants(text: str, *, source: str = "participant file") -> list[Participant]:
    """Read a participant file's text (as uploaded, or read from disk).

    Raises:
        EvaluationError: The header names neither shape, or the file has no row.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    shape = next((s for s in SHAPES if set(s) <= set(header)), None)
    if shape is None:
        raise EvaluationError(
            f"{source}: the header must name agency,record_key,start_date or "
            f"person_id,start_date (it has {','.join(header) or 'nothing'})"
        )
    rows: list[Participant] = []
    for line, raw in enumerate(reader, start=2):
        values = {k: (raw.get(k) or "").strip() for k in shape}
        start_text = values["start_date"]
        start = _date(start_text)
        problem = None
        keys = [values[k] for k in shape if k != "start_date"]
        if not all(keys):
            problem = f"missing {' or '.join(k for k in shape if k != 'start_date')}"
        elif start is None:
            problem = (
                "missing start_date"
                if not start_text
                else f"start_date {start_text!r} is not a date (YYYY-MM-DD)"
            )
        by_person = shape[0] == "person_id"
        rows.append(
            Participant(
                row=line,
                agency=None if by_person else values["agency"] or None,
                record_key=None if by_person else values["record_key"] or None,
                person_id=values["person_id"] or None if by_person else None,
                start_date=start,
                problem=problem,
            )
        )
    if not rows:
        raise EvaluationError(f"{source}: no participant rows below the header")
    return rows


def read_participants(path: Path) -> list[Participant]:
    """Read a participant file from disk (see :func:`parse_participants`).

    Raises:
        SourceFileNotFoundError: The file does not exist.
        EvaluationError: The file is not UTF-8 text of either shape.
    """
    if not path.is_file():
        raise SourceFileNotFoundError(f"{path}: participant file not found")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise EvaluationError(f"{path}: not UTF-8 text") from None
    return parse_participants(text, source=str(path))
