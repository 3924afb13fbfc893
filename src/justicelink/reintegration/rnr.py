"""Proposing a plan by the risk-need-responsivity principles (docs/reintegration.md).

- **Risk**: intensity follows risk. The band sets how many needs the plan targets
  (``plan_rules.max_targets``) and how soon it is reviewed (``review_days``); a programme is
  proposed only to a person whose band it serves (its ``risk_levels``), so a low-risk person
  is never placed in a programme for high-risk people.
- **Need**: targets follow the highest needs. A domain is a need when its score is at least
  ``need_threshold`` of its maximum; needs are ranked by that share (then by score, then in
  the instrument's order) and the first ``max_targets`` are targeted. The rest are listed
  as not targeted, with the reason.
- **Responsivity and eligibility**: a programme fits a need when the needs it targets meet the
  domain's ``targets``; it must serve the band, the person's setting (custody programmes in
  custody; community programmes in the community, or after release for a person in custody),
  the age and sex limits when the catalogue gives them, and have a free place (capacity less
  places in use). Among the programmes that fit, the one covering most of the targeted needs
  wins, then one in the person's own setting, then the most free places, then the lowest key.
  A need no programme fits becomes casework for the domain's responsible agency.

Every proposal carries its reason in words; nothing here reads a store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from justicelink.errors import ReintegrationError
from justicelink.reintegration.assessment import Assessment, DomainScore, domain_scores
from justicelink.reintegration.instrument import RISK_BANDS, Domain, Instrument


@dataclass(frozen=True)
class Programme:
    """A programme of the catalogue as the rules read it.

    Attributes:
        key: The provider's programme code.
        name: Its name.
        setting: ``custody`` or ``community``.
        needs: Needs it targets (lower case).
        risk_levels: Risk bands it serves.
        capacity: Places a year; None when not recorded (then not checked).
        in_use: Places taken now (referred or ongoing, and accepted in plans).
        min_age, max_age: Age limits in years, when known.
        sexes: Sexes it takes, when limited.
        eligibility: Who may be referred, in the provider's words.
    """

    key: str
    name: str
    setting: str
    needs: tuple[str, ...]
    risk_levels: tuple[str, ...]
    capacity: int | None = None
    in_use: int = 0
    min_age: float | None = None
    max_age: float | None = None
    sexes: tuple[str, ...] = ()
    eligibility: str = ""

    @property
    def free(self) -> int | None:
        """Free places (None when the capacity is not recorded)."""
        return None if self.capacity is None else max(0, self.capacity - self.in_use)


@dataclass(frozen=True)
class Proposal:
    """One proposed action."""

    ordinal: int
    kind: str  # programme | casework
    needs: tuple[str, ...]
    responsible: str
    reason: str
    programme_key: str | None = None
    programme_name: str | None = None
    start_after: dt.date | None = None


@dataclass(frozen=True)
class Task:
    """A handover task with its due date."""

    task: str
    responsible: str
    due_on: dt.date


@dataclass(frozen=True)
class ProposedPlan:
    """Proposals, needs not targeted (with why), handover tasks and the review date."""

    band: str
    needs: list[DomainScore]
    proposals: list[Proposal]
    not_targeted: list[tuple[str, str]] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    review_on: dt.date | None = None


def ranked_needs(assessment: Assessment, instrument: Instrument) -> list[DomainScore]:
    """Domains at or above the need threshold, highest need first."""
    order = {d.id: n for n, d in enumerate(instrument.domains)}
    threshold = instrument.plan_rules.need_threshold
    needs = [d for d in domain_scores(assessment, instrument) if (d.share or 0) >= threshold - 1e-9]
    return sorted(needs, key=lambda d: (-(d.share or 0), -d.score, order[d.domain]))


def _why_not(p: Programme, band: str, assessment: Assessment) -> str | None:
    """Why a programme cannot take this person, or None when it can."""
    if band not in p.risk_levels:
        return f"{p.key} serves {'/'.join(p.risk_levels)} risk, not {band}"
    if p.setting != assessment.setting and not (
        assessment.setting == "custody" and p.setting == "community"
    ):
        return f"{p.key} runs in {p.setting}, the person is in {assessment.setting}"
    if p.min_age is not None and assessment.age < p.min_age:
        return f"{p.key} takes people aged {p.min_age:g} or more"
    if p.max_age is not None and assessment.age >= p.max_age:
        return f"{p.key} takes people under {p.max_age:g}"
    if p.sexes and assessment.sex not in p.sexes:
        return f"{p.key} takes {'/'.join(p.sexes)} only"
    if p.free == 0:
        return f"{p.key} has no free place ({p.in_use} of {p.capacity} taken)"
    return None


def _fits(p: Programme, domain: Domain) -> bool:
    return bool(set(p.needs) & set(domain.targets))


def propose(
    assessment: Assessment, instrument: Instrument, catalogue: list[Programme]
) -> ProposedPlan:
    """Propose a plan for an assessment (the module's rules).

    Raises:
        ReintegrationError: the assessment has no risk band.
    """
    band = next((b for b in RISK_BANDS if b == assessment.risk_band), None)
    if band is None:
        raise ReintegrationError(
            f"assessment of {assessment.person} has no risk band: assess with --risk-model "
            "and the model's risk_predictors, or give the officer's risk_band"
        )
    rules = instrument.plan_rules
    limit = rules.max_targets[band]
    needs = ranked_needs(assessment, instrument)
    targets, rest = needs[:limit], needs[limit:]
    not_targeted = [
        (
            d.domain,
            f"{d.title}: need {d.score}/{d.maximum}, beyond the {limit} highest need(s) a "
            f"{band}-risk plan targets",
        )
        for d in rest
    ]
    domains = {d.id: d for d in instrument.domains}
    chosen: dict[str, list[str]] = {}  # programme key -> needs it covers, in order
    casework: list[str] = []
    excluded: dict[str, list[str]] = {}
    for need in targets:
        domain = domains[need.domain]
        if any(_fits(p, domain) for p in catalogue if p.key in chosen):
            key = next(p.key for p in catalogue if p.key in chosen and _fits(p, domain))
            chosen[key].append(need.domain)
            continue
        candidates = []
        for p in catalogue:
            if not _fits(p, domain):
                continue
            reason = _why_not(p, band, assessment)
            if reason is not None:
                excluded.setdefault(need.domain, []).append(reason)
                continue
            covers = sum(1 for t in targets if _fits(p, domains[t.domain]))
            free = p.free if p.free is not None else 10**9
            candidates.append((-covers, p.setting != assessment.setting, -free, p.key, p))
        if not candidates:
            casework.append(need.domain)
            continue
        best = min(candidates)[-1]
        chosen[best.key] = [need.domain]
    by_key = {p.key: p for p in catalogue}
    shares = {d.domain: d for d in targets}
    proposals: list[Proposal] = []
    for key, covered in chosen.items():
        p = by_key[key]
        need_text = "; ".join(
            f"{shares[c].title} ({shares[c].score}/{shares[c].maximum})" for c in covered
        )
        places = (
            "capacity not recorded" if p.free is None else f"{p.free} of {p.capacity} places free"
        )
        after = (
            assessment.release_date
            if assessment.setting == "custody" and p.setting == "community"
            else None
        )
        when = f"; starts after release on {after.isoformat()}" if after else ""
        reason = f"targets {need_text}; serves {band} risk; runs in {p.setting}{when}; {places}"
        proposals.append(
            Proposal(
                0,
                "programme",
                tuple(covered),
                "prison" if p.setting == "custody" and after is None else "probation",
                reason,
                p.key,
                p.name,
                after,
            )
        )
    for need_id in casework:
        d = shares[need_id]
        why = excluded.get(need_id)
        because = (
            "no programme of the catalogue targets it"
            if not why
            else "no programme can take the person (" + "; ".join(why) + ")"
        )
        proposals.append(
            Proposal(
                0,
                "casework",
                (need_id,),
                domains[need_id].responsible,
                f"targets {d.title} ({d.score}/{d.maximum}); {because}: individual work by "
                f"{domains[need_id].responsible}",
            )
        )
    rank = {d.domain: n for n, d in enumerate(targets)}
    proposals.sort(key=lambda p: rank[p.needs[0]])
    proposals = [
        Proposal(
            n,
            p.kind,
            p.needs,
            p.responsible,
            p.reason,
            p.programme_key,
            p.programme_name,
            p.start_after,
        )
        for n, p in enumerate(proposals, start=1)
    ]
    review_on = assessment.assessed_on + dt.timedelta(days=rules.review_days[band])
    return ProposedPlan(
        band, needs, proposals, not_targeted, handover(assessment, instrument, needs), review_on
    )


def handover(
    assessment: Assessment, instrument: Instrument, needs: list[DomainScore]
) -> list[Task]:
    """The prison-to-probation handover tasks for a person in custody, by due date.

    A task with ``if_need`` is kept only when that domain is a need (targeted or not).
    """
    release = assessment.release_date
    if assessment.setting != "custody" or release is None:
        return []
    ids = {d.domain for d in needs}
    tasks = [
        Task(t.task, t.responsible, release - dt.timedelta(days=t.days_before))
        for t in instrument.plan_rules.handover
        if t.if_need is None or t.if_need in ids
    ]
    return sorted(tasks, key=lambda t: t.due_on)
