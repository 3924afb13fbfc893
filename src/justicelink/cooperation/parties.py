"""Party lists: who is bound by each instrument, and since when, as dated reference data.

The lists ship with the package (``cooperation/data/*_parties.csv``, with their README and
provenance); a central authority refreshes one from a CSV of the same columns, which is kept
in its cooperation folder (``DIR/parties/``) with the as-of date and source it was given,
and is read instead of the shipped list from then on.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from justicelink.cooperation.dates import PartialDate, parse_partial
from justicelink.cooperation.instruments import Instrument
from justicelink.errors import CooperationError, SourceFileNotFoundError

COLUMNS = ("iso3", "country", "signature", "ratification_or_accession", "action")
ACTIONS = ("ratification", "accession", "acceptance", "approval", "succession", "")
IN_FORCE, NOT_IN_FORCE, UNKNOWN, NOT_PARTY = "in_force", "not_in_force", "unknown", "not_party"
_ISO3 = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class PartyRow:
    """One state's row: its deposit as precise as the source gives it."""

    iso3: str
    country: str
    signature: str
    deposit: PartialDate
    action: str


@dataclass(frozen=True)
class PartyList:
    """An instrument's parties, with the date the list is known to be complete to."""

    instrument: Instrument
    rows: dict[str, PartyRow]
    as_of: dt.date
    source: str
    origin: str  # "package" or the refreshed file's path

    def to_json(self) -> dict[str, object]:
        return {
            "instrument": self.instrument.id,
            "title": self.instrument.title,
            "parties": len(self.rows),
            "as_of": self.as_of.isoformat(),
            "source": self.source,
            "origin": self.origin,
        }


@dataclass(frozen=True)
class StateStatus:
    """Whether an instrument binds a state on a date, and how sure that is.

    Attributes:
        status: ``in_force``, ``not_in_force`` (deposited later, or not yet in force),
            ``unknown`` (the date the data give allows both) or ``not_party``.
        in_force_from: The first day it binds the state, when known to the day.
        earliest: The earliest day it can have started binding the state.
        latest: The latest day by which it binds the state.
        text: The reasoning, in one sentence.
    """

    iso3: str
    status: str
    deposit: str
    action: str
    in_force_from: dt.date | None
    earliest: dt.date | None
    latest: dt.date | None
    text: str

    def to_json(self) -> dict[str, object]:
        return {
            "iso3": self.iso3,
            "status": self.status,
            "deposit": self.deposit or None,
            "action": self.action or None,
            "in_force_from": _iso(self.in_force_from),
            "in_force_between": [_iso(self.earliest), _iso(self.latest)]
            if self.in_force_from is None and self.latest is not None
            else None,
            "text": self.text,
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def parse_party_csv(text: str, origin: str) -> dict[str, PartyRow]:
    """Validate and read a party list in the shipped columns.

    Raises:
        CooperationError: naming the file, row and column of the first problem.
    """
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise CooperationError(f"{origin}: missing column(s) {', '.join(missing)}")
    rows: dict[str, PartyRow] = {}
    for number, row in enumerate(reader, start=2):
        iso3 = (row["iso3"] or "").strip().upper()
        if not _ISO3.match(iso3):
            raise CooperationError(f"{origin}: line {number}: iso3 {iso3!r} is not 3 letters")
        if iso3 in rows:
            raise CooperationError(f"{origin}: line {number}: {iso3} appears twice")
        try:
            deposit = parse_partial(row["ratification_or_accession"])
            parse_partial(row["signature"])
        except ValueError as exc:
            raise CooperationError(f"{origin}: line {number}: {exc}") from None
        action = (row["action"] or "").strip().lower()
        if action not in ACTIONS:
            raise CooperationError(
                f"{origin}: line {number}: action {action!r} is not one of "
                f"{', '.join(a for a in ACTIONS if a)}"
            )
        rows[iso3] = PartyRow(
            iso3, (row["country"] or "").strip(), (row["signature"] or "").strip(), deposit, action
        )
    return rows


def _refreshed(instrument: Instrument, directory: Path | None) -> tuple[Path, Path] | None:
    if directory is None:
        return None
    data = directory / "parties" / instrument.parties_file
    meta = data.with_suffix(".meta.json")
    return (data, meta) if data.is_file() and meta.is_file() else None


def load_party_list(instrument: Instrument, directory: Path | None = None) -> PartyList:
    """The instrument's party list: the one refreshed in ``directory`` if any, else the shipped."""
    refreshed = _refreshed(instrument, directory)
    if refreshed is not None:
        data, meta_path = refreshed
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        return PartyList(
            instrument,
            parse_party_csv(data.read_text(encoding="utf-8"), str(data)),
            dt.date.fromisoformat(meta["as_of"]),
            str(meta["source"]),
            str(data),
        )
    text = (
        resources.files("justicelink.cooperation")
        .joinpath("data", instrument.parties_file)
        .read_text(encoding="utf-8")
    )
    return PartyList(
        instrument,
        parse_party_csv(text, instrument.parties_file),
        instrument.as_of,
        instrument.source,
        "package",
    )


def refresh_party_list(
    instrument: Instrument, source_csv: Path, directory: Path, *, as_of: dt.date, source: str
) -> PartyList:
    """Replace an instrument's party list with a validated CSV; the shipped list is untouched.

    Raises:
        SourceFileNotFoundError: when the CSV is missing.
        CooperationError: when it is not a valid party list (nothing is written then).
    """
    if not source_csv.is_file():
        raise SourceFileNotFoundError(f"{source_csv}: no such file")
    text = source_csv.read_text(encoding="utf-8-sig")
    rows = parse_party_csv(text, str(source_csv))
    target = directory / "parties" / instrument.parties_file
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    meta = {
        "instrument": instrument.id,
        "as_of": as_of.isoformat(),
        "source": source,
        "refreshed_from": str(source_csv),
        "refreshed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "rows": len(rows),
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }
    target.with_suffix(".meta.json").write_text(json.dumps(meta, indent=2) + "\n", "utf-8")
    return PartyList(instrument, rows, as_of, source, str(target))


def state_status(parties: PartyList, iso3: str, on: dt.date) -> StateStatus:
    """Whether the instrument binds ``iso3`` on ``on``, from its deposit and the article's rule.

    A deposit known only to the year or month gives a window of possible dates; inside the
    window the answer is ``unknown``. A party with no deposit date in the data binds the state
    at the latest from the list's as-of date plus the article's delay; before that, unknown.
    """
    instrument = parties.instrument
    check = f"date unknown, check {instrument.check_with}"
    row = parties.rows.get(iso3)
    if row is None:
        later = f"; check {instrument.check_with} for later deposits" if on > parties.as_of else ""
        return StateStatus(
            iso3,
            NOT_PARTY,
            "",
            "",
            None,
            None,
            None,
            f"{iso3} is not a party in the list as of {parties.as_of}{later}",
        )
    deposit = row.deposit
    if deposit.earliest is None or deposit.latest is None:
        latest = instrument.entry_into_force(parties.as_of)
        if on >= latest:
            text = (
                f"a party with no deposit date in the data; listed as a party on "
                f"{parties.as_of}, so in force by {latest} at the latest"
            )
            return StateStatus(iso3, IN_FORCE, "", row.action, None, None, latest, text)
        text = f"a party with no deposit date in the data: {check}"
        return StateStatus(iso3, UNKNOWN, "", row.action, None, None, latest, text)
    earliest = instrument.entry_into_force(deposit.earliest)
    latest = instrument.entry_into_force(deposit.latest)
    exact = earliest if earliest == latest else None
    if exact is not None:
        how = f"deposit {deposit.text} ({row.action}); {instrument.rule.split(':')[0]}"
        if on >= exact:
            status, text = IN_FORCE, f"{how}: in force from {exact}"
        else:
            status, text = NOT_IN_FORCE, f"{how}: not in force before {exact}"
        return StateStatus(iso3, status, deposit.text, row.action, exact, exact, exact, text)
    known = f"deposit known to the {deposit.precision} only ({deposit.text})"
    if on >= latest:
        status, text = IN_FORCE, f"{known}: in force by {latest} at the latest"
    elif on < earliest:
        status, text = NOT_IN_FORCE, f"{known}: not in force before {earliest}"
    else:
        status = UNKNOWN
        text = f"{known}: in force from a day between {earliest} and {latest}; {check}"
    return StateStatus(iso3, status, deposit.text, row.action, None, earliest, latest, text)
