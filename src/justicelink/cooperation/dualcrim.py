"""Double-criminality pre-check: is the foreign conduct an offence here, and serious enough?

The foreign offence's ICCS code is set against the national penal code's offences in the
same ICCS class (the same code, a broader class that contains it, a narrower one inside it,
or a sibling under the same level-2 category), and their maximum penalties against the
threshold of the instrument: usually one year for extradition, four years for a UNTOC
"serious crime" (art. 2(b)).

This is a flag for a lawyer, never a decision: dual criminality turns on the conduct, not on
the name or category of the offence (UNCAC art. 43(2)), and a national code filed under
another ICCS class may still cover the conduct.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from justicelink.classification.iccs import IccsClassification, load_iccs
from justicelink.cooperation.instruments import EXTRADITION_THRESHOLD_YEARS, UNTOC_SERIOUS_YEARS
from justicelink.cooperation.vocabulary import RequestType
from justicelink.errors import CooperationError, SourceFileNotFoundError

NOTICE = (
    "pre-check only: dual criminality turns on the conduct, not the offence's name or "
    "category (UNCAC art. 43(2)); a lawyer decides"
)
# Closer relations first: the order in which matches are listed.
RELATIONS = ("same", "broader", "narrower", "related")


@dataclass(frozen=True)
class PenalOffence:
    """One offence of the national penal code."""

    national_code: str
    title: str
    iccs: str
    max_penalty_years: float | None


@dataclass(frozen=True)
class Threshold:
    """A minimum maximum-penalty an instrument sets."""

    name: str
    years: float


@dataclass(frozen=True)
class Match:
    offence: PenalOffence
    relation: str
    meets: dict[str, bool | None]

    def to_json(self) -> dict[str, object]:
        return {
            "national_code": self.offence.national_code,
            "title": self.offence.title,
            "iccs": self.offence.iccs,
            "max_penalty_years": _json_years(self.offence.max_penalty_years),
            "relation": self.relation,
            "meets": self.meets,
        }


@dataclass(frozen=True)
class DualCriminality:
    """The pre-check's result for one foreign offence.

    Attributes:
        verdicts: Per threshold: ``likely_met`` (an offence of the same or a broader class
            reaches it), ``to_check`` (only a narrower or sibling class does, or a penalty is
            missing), ``below_threshold`` or ``no_offence_found``.
    """

    iccs: str
    label: str
    thresholds: list[Threshold]
    matches: list[Match]
    verdicts: dict[str, str]
    notice: str = NOTICE
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "iccs": self.iccs,
            "label": self.label,
            "thresholds": [{"name": t.name, "years": t.years} for t in self.thresholds],
            "matches": [m.to_json() for m in self.matches],
            "verdicts": self.verdicts,
            "notes": self.notes,
            "notice": self.notice,
        }


def _json_years(years: float | None) -> float | str | None:
    """Years as JSON can hold them: life or death maxima (kept as infinity) as ``life``."""
    return "life" if years == float("inf") else years


def _years(text: str | None, where: str) -> float | None:
    text = (text or "").strip().lower()
    if not text:
        return None
    if text in ("life", "death"):
        return float("inf")
    try:
        value = float(text)
    except ValueError:
        raise CooperationError(f"{where}: max_penalty_years {text!r} is not a number") from None
    if value < 0:
        raise CooperationError(f"{where}: max_penalty_years is negative")
    return value


def load_penal_code(path: Path) -> list[PenalOffence]:
    """Read the national penal code CSV: ``national_code``, ``iccs_code``, ``title`` and
    ``max_penalty_years`` (years; ``life`` or ``death`` for those maxima; empty if unknown).

    Raises:
        SourceFileNotFoundError: when the file is missing.
        CooperationError: when a column is missing or a value is unreadable.
    """
    if not path.is_file():
        raise SourceFileNotFoundError(f"{path}: penal code not found")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        for column in ("national_code", "iccs_code"):
            if column not in header:
                raise CooperationError(f"{path}: column {column!r} not found")
        if "max_penalty_years" not in header:
            raise CooperationError(
                f"{path}: no max_penalty_years column: the pre-check needs maximum penalties"
            )
        return [
            PenalOffence(
                (row["national_code"] or "").strip(),
                (row.get("title") or "").strip(),
                (row["iccs_code"] or "").strip(),
                _years(row["max_penalty_years"], f"{path}: line {number}"),
            )
            for number, row in enumerate(reader, start=2)
        ]


def thresholds_for(kind: RequestType, override: float | None = None) -> list[Threshold]:
    """The thresholds that matter for a request type (``override``: a treaty's own)."""
    if override is not None:
        return [Threshold("given threshold", override)]
    serious = Threshold("UNTOC serious crime (art. 2(b))", UNTOC_SERIOUS_YEARS)
    if kind is RequestType.EXTRADITION:
        return [Threshold("extradition (usual minimum)", EXTRADITION_THRESHOLD_YEARS), serious]
    return [serious]


def _relation(foreign: str, national: str, iccs: IccsClassification) -> str | None:
    if national == foreign:
        return "same"
    f_level, n_level = iccs.get(foreign).level, iccs.get(national).level
    if n_level < f_level and iccs.ancestor(foreign, n_level) == national:
        return "broader"
    if n_level > f_level and iccs.ancestor(national, f_level) == foreign:
        return "narrower"
    if f_level >= 2 and n_level >= 2 and iccs.ancestor(foreign, 2) == iccs.ancestor(national, 2):
        return "related"
    return None


def _verdict(matches: list[Match], threshold: Threshold) -> str:
    if not matches:
        return "no_offence_found"
    close = [m for m in matches if m.relation in ("same", "broader")]
    if any(m.meets[threshold.name] for m in close):
        return "likely_met"
    if any(m.meets[threshold.name] is not False for m in matches):
        return "to_check"
    return "below_threshold"


def precheck(
    foreign_iccs: str,
    penal_code: list[PenalOffence],
    kind: RequestType,
    *,
    threshold: float | None = None,
) -> DualCriminality:
    """Set a foreign offence's ICCS code against the national penal code.

    Raises:
        CooperationError: when the code is not an ICCS v1.0 code.
    """
    iccs = load_iccs()
    if foreign_iccs not in iccs:
        raise CooperationError(f"{foreign_iccs!r} is not an ICCS v1.0 code")
    limits = thresholds_for(kind, threshold)
    matches: list[Match] = []
    for offence in penal_code:
        if offence.iccs not in iccs:
            continue
        relation = _relation(foreign_iccs, offence.iccs, iccs)
        if relation is None:
            continue
        meets = {
            t.name: None
            if offence.max_penalty_years is None
            else offence.max_penalty_years >= t.years
            for t in limits
        }
        matches.append(Match(offence, relation, meets))
    matches.sort(key=lambda m: (RELATIONS.index(m.relation), m.offence.national_code))
    notes = []
    if kind is not RequestType.EXTRADITION:
        notes.append(
            "mutual legal assistance seldom has a penalty threshold; dual criminality may be "
            "asked for coercive measures (UNTOC 18(9); UNCAC 46(9)(b)-(c))"
        )
    return DualCriminality(
        foreign_iccs,
        iccs.get(foreign_iccs).label,
        limits,
        matches,
        {t.name: _verdict(matches, t) for t in limits},
        notes=notes,
    )
