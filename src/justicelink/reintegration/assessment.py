"""An assessment: the officer's answers, checked against the instrument, and scored by domain.

The answers file (YAML or JSON, docs/reintegration.md) names the person, their sex, age and
setting, and a score (0-2) with an evidence note per item. :func:`read_answers` checks every
answer against the instrument (an item that exists and applies to this person, a score on the
scale) and :func:`domain_scores` sums them per domain. :func:`change` compares two
assessments of one person domain by domain.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from justicelink.errors import ReintegrationError, SourceFileNotFoundError
from justicelink.ingest.mapping import _location, _StringKeyLoader
from justicelink.reintegration.instrument import SCORES, Instrument


class Answer(BaseModel):
    """One item's score and the officer's evidence for it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    score: int
    note: str | None = None


class Answers(BaseModel):
    """An answers file as written by the officer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    person: str = Field(min_length=1, max_length=64, description="The person's id.")
    sex: Literal["female", "male", "other", "unknown"]
    age: int | None = Field(default=None, ge=10, le=110)
    date_of_birth: dt.date | None = None
    setting: Literal["custody", "community"]
    release_date: dt.date | None = None
    assessed_on: dt.date
    risk_predictors: dict[str, Any] = Field(default_factory=dict)
    risk_band: Literal["low", "medium", "high"] | None = None
    scores: dict[str, Answer | int]

    @model_validator(mode="after")
    def _age_known(self) -> Answers:
        if self.age is None and self.date_of_birth is None:
            raise ValueError("give the person's age or date_of_birth")
        if self.setting == "custody" and self.release_date is None:
            raise ValueError("a person in custody needs a release_date (for the handover)")
        return self

    def age_on(self, day: dt.date) -> int:
        """The person's age in whole years on a day."""
        if self.date_of_birth is None:
            return int(self.age or 0)
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


@dataclass(frozen=True)
class ItemScore:
    """One answered item."""

    item_id: str
    domain: str
    score: int
    note: str | None = None


@dataclass(frozen=True)
class DomainScore:
    """A domain's score: the sum of its answered items, out of twice their number."""

    domain: str
    title: str
    score: int
    maximum: int
    unanswered: tuple[str, ...] = ()

    @property
    def share(self) -> float | None:
        """Score over maximum (0 to 1); None when no item of the domain was answered."""
        return self.score / self.maximum if self.maximum else None


@dataclass(frozen=True)
class Assessment:
    """An assessment as the plan rules read it.

    Attributes:
        person: The person's id.
        sex, age, juvenile, setting, release_date, assessed_on: As recorded.
        risk_band: low, medium or high (from the model, or the officer's), or None.
        items: The answered items.
    """

    person: str
    sex: str
    age: int
    juvenile: bool
    setting: str
    assessed_on: dt.date
    items: tuple[ItemScore, ...]
    release_date: dt.date | None = None
    risk_band: str | None = None
    risk_score: int | None = None
    risk_probability: float | None = None
    risk_source: str | None = None
    instrument: str = ""
    assessment_id: int | None = None


def read_answers(path: Path, instrument: Instrument) -> tuple[Answers, Assessment]:
    """Read and check an answers file against the instrument.

    Raises:
        SourceFileNotFoundError: the file does not exist.
        ReintegrationError: a malformed file, an unknown item, an item that does not apply
            to this person, or a score off the 0-2 scale, as one line naming the file.
    """
    if not path.is_file():
        raise SourceFileNotFoundError(f"{path}: answers file not found")
    try:
        text = path.read_text(encoding="utf-8")
        raw = (
            json.loads(text)
            if path.suffix.lower() == ".json"
            else yaml.load(text, Loader=_StringKeyLoader)
        )
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        first = str(exc).splitlines()[0]
        raise ReintegrationError(f"{path}: malformed answers file: {first}") from None
    except UnicodeDecodeError:
        raise ReintegrationError(f"{path}: not UTF-8 text") from None
    return answers_from(raw, instrument, str(path))


def answers_from(raw: object, instrument: Instrument, source: str) -> tuple[Answers, Assessment]:
    """Check answers given as a mapping (a file's, or a web form's) against the instrument.

    Raises:
        ReintegrationError: as :func:`read_answers`, naming ``source``.
    """
    if not isinstance(raw, dict):
        raise ReintegrationError(f"{source}: expected a mapping with 'person' and 'scores'")
    try:
        answers = Answers.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        first_error = max(errors, key=lambda e: len(e["loc"]))
        message = str(first_error["msg"]).removeprefix("Value error, ")
        raise ReintegrationError(f"{source}: {_location(first_error['loc'])}: {message}") from None
    try:
        return answers, assessment_of(answers, instrument)
    except ReintegrationError as exc:
        raise ReintegrationError(f"{source}: {exc}") from None


def assessment_of(answers: Answers, instrument: Instrument) -> Assessment:
    """The assessment the answers make, each answer checked against the instrument."""
    age = answers.age_on(answers.assessed_on)
    juvenile = age < instrument.juvenile_under
    items = []
    for item_id, given in answers.scores.items():
        found = instrument.item(item_id)
        if found is None:
            raise ReintegrationError(f"scores.{item_id}: no such item in {instrument.label}")
        domain, item = found
        if not item.applies_to.covers(sex=answers.sex, juvenile=juvenile):
            raise ReintegrationError(
                f"scores.{item_id}: the item applies to {item.applies_to.describe()}, "
                f"not to this person ({answers.sex}, aged {age})"
            )
        answer = given if isinstance(given, Answer) else Answer(score=given)
        if answer.score not in SCORES:
            raise ReintegrationError(
                f"scores.{item_id}: score {answer.score} is not on the scale 0, 1, 2"
            )
        items.append(ItemScore(item_id, domain.id, answer.score, answer.note))
    return Assessment(
        person=answers.person,
        sex=answers.sex,
        age=age,
        juvenile=juvenile,
        setting=answers.setting,
        assessed_on=answers.assessed_on,
        items=tuple(items),
        release_date=answers.release_date,
        risk_band=answers.risk_band,
        risk_source="officer" if answers.risk_band else None,
        instrument=instrument.label,
    )


def domain_scores(assessment: Assessment, instrument: Instrument) -> list[DomainScore]:
    """Each domain's score, in the instrument's order, over the items that apply."""
    by_item = {i.item_id: i for i in assessment.items}
    out = []
    for domain in instrument.domains:
        applicable = [
            item
            for item in domain.items
            if item.applies_to.covers(sex=assessment.sex, juvenile=assessment.juvenile)
        ]
        if not applicable:
            continue
        answered = [by_item[i.id] for i in applicable if i.id in by_item]
        out.append(
            DomainScore(
                domain.id,
                domain.title,
                sum(a.score for a in answered),
                2 * len(answered),
                tuple(i.id for i in applicable if i.id not in by_item),
            )
        )
    return out


@dataclass(frozen=True)
class DomainChange:
    """One domain between two assessments (shares of the maximum; None when not assessed)."""

    domain: str
    title: str
    before: float | None
    after: float | None

    @property
    def direction(self) -> str:
        """``better``, ``worse``, ``same`` or ``not comparable``."""
        if self.before is None or self.after is None:
            return "not comparable"
        if abs(self.after - self.before) < 1e-9:
            return "same"
        return "better" if self.after < self.before else "worse"


def change(before: Assessment, after: Assessment, instrument: Instrument) -> list[DomainChange]:
    """Domain by domain, how need moved from one assessment to the next (lower is better).

    Shares of each domain's maximum are compared, so an item that applies only at one of the
    two dates (a juvenile item after an 18th birthday) does not count as change by itself.
    """
    first = {d.domain: d for d in domain_scores(before, instrument)}
    second = {d.domain: d for d in domain_scores(after, instrument)}
    out = []
    for domain in instrument.domains:
        a, b = first.get(domain.id), second.get(domain.id)
        if a is None and b is None:
            continue
        out.append(
            DomainChange(
                domain.id,
                domain.title,
                a.share if a else None,
                b.share if b else None,
            )
        )
    return out
