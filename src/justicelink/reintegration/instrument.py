"""The needs instrument as data: a versioned YAML of domains, items, guidance and plan rules.

The shipped instrument (``data/needs-instrument.yaml``) is read with :func:`load_instrument`;
a country passes its own adaptation the same way. Its shape is checked by the pydantic models
below and its meaning (unique ids, guidance for every score, a handover task's ``if_need``
naming a domain) by their validators. Every problem is one line naming the file and the
place in it (docs/reintegration.md).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from justicelink.errors import ReintegrationError, SourceFileNotFoundError
from justicelink.ingest.mapping import read_yaml_file, validated

#: Scores of every item: no need, some need, serious need.
SCORES = (0, 1, 2)
Sex = Literal["female", "male", "other", "unknown"]
SEXES: tuple[Sex, ...] = get_args(Sex)
Band = Literal["low", "medium", "high"]
RISK_BANDS: tuple[Band, ...] = get_args(Band)
AGENCIES = ("prison", "probation", "ngo", "employment", "health")
SHIPPED = "needs-instrument.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AppliesTo(_Strict):
    """Who an item is asked of."""

    sex: tuple[Sex, ...] = Field(default=SEXES, description="The sexes asked (default: everyone).")
    age: Literal["all", "adult", "juvenile"] = Field(
        default="all", description="adult, juvenile (under `juvenile_under`) or all."
    )

    def covers(self, *, sex: str, juvenile: bool) -> bool:
        """Whether a person of this sex and age group is asked the item."""
        if sex not in self.sex:
            return False
        return self.age == "all" or (self.age == "juvenile") == juvenile

    def describe(self) -> str:
        """Who, in words (e.g. ``female, juvenile``)."""
        parts = [] if set(self.sex) == set(SEXES) else [" or ".join(self.sex)]
        if self.age != "all":
            parts.append(self.age)
        return ", ".join(parts) or "everyone"


class Item(_Strict):
    """One question, scored 0-2, with the guidance for each score."""

    id: str = Field(min_length=1, max_length=40)
    text: str = Field(min_length=1)
    applies_to: AppliesTo = Field(default_factory=AppliesTo)
    guidance: dict[int, str]

    @model_validator(mode="after")
    def _every_score_guided(self) -> Item:
        if set(self.guidance) != set(SCORES):
            raise ValueError("guidance must give the meaning of scores 0, 1 and 2 (and no other)")
        return self


class Domain(_Strict):
    """A domain of need: its items, the programme needs it matches, who acts by default."""

    id: str = Field(min_length=1, max_length=40)
    title: str
    central_eight: bool = False
    gender_responsive: bool = False
    targets: tuple[str, ...] = Field(min_length=1)
    responsible: Literal["prison", "probation", "ngo", "employment", "health"]
    items: tuple[Item, ...] = Field(min_length=1)


class HandoverTask(_Strict):
    """A task of the prison-to-probation handover, due some days before release."""

    days_before: int = Field(ge=0)
    responsible: Literal["prison", "probation", "ngo", "employment", "health"]
    task: str = Field(min_length=1)
    if_need: str | None = None


class PlanRules(_Strict):
    """How plans are proposed (docs/reintegration.md, "Plan rules")."""

    need_threshold: float = Field(default=0.5, gt=0, le=1)
    max_targets: dict[Band, int]
    medium_risk_from: float = Field(default=0.25, gt=0, lt=1)
    review_days: dict[Band, int]
    handover: tuple[HandoverTask, ...] = ()

    @model_validator(mode="after")
    def _every_band(self) -> PlanRules:
        for name in ("max_targets", "review_days"):
            values = getattr(self, name)
            if set(values) != set(RISK_BANDS):
                raise ValueError(f"{name} must give low, medium and high")
            if any(v < 1 for v in values.values()):
                raise ValueError(f"{name} must be 1 or more for every band")
        if not self.max_targets["low"] <= self.max_targets["medium"] <= self.max_targets["high"]:
            raise ValueError("max_targets must not fall as risk rises (low <= medium <= high)")
        return self


class Instrument(_Strict):
    """A needs instrument: domains of items and the rules plans are proposed by."""

    instrument: str = Field(min_length=1, max_length=100)
    version: str = Field(min_length=1, max_length=20)
    title: str
    juvenile_under: int = Field(default=18, ge=10, le=21)
    domains: tuple[Domain, ...] = Field(min_length=1)
    plan_rules: PlanRules

    @model_validator(mode="after")
    def _unique_ids(self) -> Instrument:
        seen: set[str] = set()
        for domain in self.domains:
            for item in domain.items:
                if item.id in seen:
                    raise ValueError(f"item id {item.id!r} is used twice")
                seen.add(item.id)
        domains = [d.id for d in self.domains]
        if len(set(domains)) != len(domains):
            raise ValueError("two domains have the same id")
        for task in self.plan_rules.handover:
            if task.if_need is not None and task.if_need not in domains:
                raise ValueError(
                    f"plan_rules.handover: if_need {task.if_need!r} is not a domain id"
                )
        return self

    @property
    def label(self) -> str:
        """``name version``, as stored with every assessment."""
        return f"{self.instrument} {self.version}"

    def item(self, item_id: str) -> tuple[Domain, Item] | None:
        """The item with this id and its domain, or None."""
        for domain in self.domains:
            for item in domain.items:
                if item.id == item_id:
                    return domain, item
        return None

    def domain(self, domain_id: str) -> Domain | None:
        """The domain with this id, or None."""
        return next((d for d in self.domains if d.id == domain_id), None)


def shipped_path() -> Path:
    """The instrument shipped with justicelink."""
    return Path(str(resources.files("justicelink.reintegration") / "data" / SHIPPED))


def load_instrument(path: Path | None = None) -> Instrument:
    """Read and check an instrument (default: the shipped one).

    Raises:
        SourceFileNotFoundError: the file does not exist.
        ReintegrationError: malformed YAML or a rule broken, as one line naming file and place.
    """
    path = path or shipped_path()
    if not path.is_file():
        raise SourceFileNotFoundError(f"{path}: needs instrument not found")
    raw = read_yaml_file(path, ReintegrationError, "a mapping with 'instrument' and 'domains'")
    return validated(Instrument, raw, path, ReintegrationError)
