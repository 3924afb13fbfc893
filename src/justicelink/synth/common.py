"""Shared state of one generation run and helpers used by every agency's extracts."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from justicelink.synth import calendar, codes
from justicelink.synth.effects import ProgrammeState
from justicelink.synth.identity_noise import DOB_BAD, Rendered, render
from justicelink.synth.justice import Flow
from justicelink.synth.names import NamePools
from justicelink.synth.persons import Persons, Victims
from justicelink.synth.tables import BadRowSpec, Defect, Table, inject_bad_rows

IntArray = npt.NDArray[np.int64]
ObjArray = npt.NDArray[np.object_]

#: Events recorded for truth/events.csv: column name -> array, all aligned.
EventColumns = dict[str, npt.NDArray[np.generic]]

_CODE_STRINGS = np.array([c.code for c in codes.CODES], dtype=object)


@dataclass
class World:
    """Everything the extract writers read, plus what they accumulate for truth."""

    rng: np.random.Generator
    pools: NamePools
    persons: Persons
    off_person: IntArray
    off_date: IntArray
    off_code: IntArray
    off_district: IntArray
    flow: Flow
    victims: Victims
    start: int
    end: int
    tables: list[Table] = field(default_factory=list)
    defects: list[Defect] = field(default_factory=list)
    events: list[EventColumns] = field(default_factory=list)
    person_files: list[tuple[str, str, str]] = field(default_factory=list)
    case_no: ObjArray = field(default_factory=lambda: np.zeros(0, dtype=object))
    numeric_columns: dict[str, frozenset[str]] = field(default_factory=dict)
    noise: str = "default"  # the error mix (identity_noise.NOISE_PROFILES)
    programmes: ProgrammeState | None = None

    def add_events(
        self,
        event_type: str | ObjArray,
        person: IntArray,
        date: IntArray,
        offence: IntArray | None,
        agency: str = "",
        source_file: str = "",
        source_row: IntArray | None = None,
        outcome: ObjArray | str = "",
        legal_status: ObjArray | str = "",
        length_days: IntArray | None = None,
    ) -> None:
        """Record true events (``offence`` = offence index, or None when not offence-bound)."""
        n = len(person)

        def full(v: ObjArray | str) -> ObjArray:
            if isinstance(v, str):
                return np.full(n, v, dtype=object)
            return v

        code = np.full(n, -1, np.int64) if offence is None else self.off_code[offence]
        self.events.append(
            {
                "person": person,
                "event_type": full(event_type),
                "date": date,
                "offence_date": (
                    np.full(n, -1, np.int64) if offence is None else self.off_date[offence]
                ),
                "code": code,
                "outcome": full(outcome),
                "legal_status": full(legal_status),
                "length_days": np.full(n, -1, np.int64) if length_days is None else length_days,
                "agency": full(agency),
                "source_file": full(source_file),
                "source_row": np.zeros(n, np.int64) if source_row is None else source_row,
            }
        )


def offence_codes(w: World, offence: IntArray) -> ObjArray:
    """National codes as an agency writes them: a few rows carry keying errors."""
    out = _CODE_STRINGS[w.off_code[offence]].copy()
    typo = np.flatnonzero(w.rng.random(len(offence)) < 0.002)
    out[typo] = np.array(codes.TYPO_CODES, dtype=object)[
        w.rng.integers(0, len(codes.TYPO_CODES), len(typo))
    ]
    return out


def nullify(values: ObjArray) -> ObjArray:
    """Return a copy with empty strings replaced by None (written as JSON null)."""
    out = values.astype(object)
    out[out == ""] = None
    return out


def upper(names: ObjArray) -> ObjArray:
    """Upper-case every name (vectorised)."""
    if not len(names):
        return names
    return np.char.upper(names.astype(str)).astype(object)


def seq_keys(prefix: str, n: int, width: int) -> ObjArray:
    """Keys ``prefix`` + zero-padded 1..n."""
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width)).astype(object)


@dataclass(frozen=True)
class Records:
    """Person records of one agency in file order."""

    person: IntArray
    key: ObjArray
    rendered: Rendered
    row_of_person: IntArray


def one_record_each(
    w: World, agency: str, person: IntArray, date: IntArray, prefix: str
) -> Records:
    """One record per person who has any event (``person``/``date`` may repeat).

    Records are ordered by the person's first event date, then by person index.
    """
    n_persons = len(w.persons.sex)
    first = np.full(n_persons, np.iinfo(np.int64).max, np.int64)
    np.minimum.at(first, person, date)
    who = np.flatnonzero(first < np.iinfo(np.int64).max)
    who = who[np.lexsort((who, first[who]))]
    row_of_person = np.full(n_persons, -1, np.int64)
    row_of_person[who] = np.arange(len(who))
    return Records(
        who,
        seq_keys(prefix, len(who), 7),
        render(w.rng, agency, w.pools, w.persons, who, w.noise),
        row_of_person,
    )


def dob_texts(r: Rendered, full_fmt: str, month_fmt: str | None = None) -> ObjArray:
    """Dates of birth as text in an agency's formats (year-only when the agency kept only it)."""
    from justicelink.synth.identity_noise import DOB_MISSING, DOB_MONTH, DOB_YEAR

    y, _, _ = calendar.ymd(r.dob)
    years = calendar.fmt(calendar.from_ymd(y, np.ones_like(y), np.ones_like(y)), "%Y")
    month = calendar.fmt(r.dob, month_fmt) if month_fmt else calendar.fmt(r.dob, full_fmt)
    out = np.select(
        [
            r.dob_kind == DOB_MISSING,
            r.dob_kind == DOB_YEAR,
            r.dob_kind == DOB_MONTH,
            r.dob_kind == DOB_BAD,
        ],
        [np.full(len(y), "", object), years, month, r.dob_text],
        calendar.fmt(r.dob, full_fmt),
    )
    return out.astype(object)


def person_table(
    path: str,
    columns: dict[str, ObjArray],
    person: IntArray,
    rendered: Rendered,
    free_text: frozenset[str],
) -> Table:
    """Build a persons table with the hidden columns truth needs."""
    return Table(
        path,
        columns,
        {"_person": person, "_dobbad": (rendered.dob_kind == DOB_BAD).astype(np.int64)},
        free_text,
    )


_MAPPED = frozenset(c.code for c in codes.CODES if c.mapped)


def finish(
    w: World,
    table: Table,
    spec: BadRowSpec,
    *,
    code_col: str | None = None,
    dob_col: str | None = None,
    agency: str = "",
    key_col: str = "",
) -> Table:
    """Insert bad rows, list every defect of the final table, and keep it for writing.

    Args:
        w: The world (receives the table and its defects).
        table: The clean table.
        spec: Corruptions that apply.
        code_col: Offence-code column, scanned for codes missing from penal_code.csv.
        dob_col: Date-of-birth column of a persons file, for unparseable dates of birth.
        agency: Agency id of a persons file (persons files only).
        key_col: Key column of a persons file (persons files only).
    """
    final, defects = inject_bad_rows(w.rng, table, spec)
    if code_col is not None:
        col = final.columns[code_col]
        unmapped = np.flatnonzero(~np.isin(col, list(_MAPPED)) & (col != "") & (col != None))  # noqa: E711
        defects += [
            Defect(final.path, int(i) + 1, code_col, "unmapped_offence_code", "load")
            for i in unmapped.tolist()
        ]
    if dob_col is not None:
        defects += [
            Defect(final.path, int(i) + 1, dob_col, "bad_dob", "load")
            for i in np.flatnonzero(final.hidden["_dobbad"] == 1).tolist()
        ]
    if agency:
        w.person_files.append((agency, final.path, key_col))
    w.tables.append(final)
    w.defects.extend(defects)
    return final


def source_rows(table: Table, n_orig: int) -> IntArray:
    """1-based row of each original (pre-injection) row in the final table."""
    rows = np.zeros(n_orig, np.int64)
    orig = table.hidden["_orig"]
    real = orig >= 0
    rows[orig[real]] = np.flatnonzero(real) + 1
    return rows
