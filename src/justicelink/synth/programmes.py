"""Rehabilitation programmes: who is referred, who takes part, and what taking part truly does.

The synthetic country's programme provider runs the programmes of :data:`CATALOGUE`. Each has
a true effect: for :data:`EFFECT_DAYS` after the start, a participant's offending rate is
multiplied by ``1 + (rate_ratio - 1) * dose``, where the dose is the share of the sessions
attended. The effect acts on the generated offences (offences are removed, or added and taken
through the justice system like any other), so that the reoffending the pipeline measures for
participants reflects it.

Referral follows the person's record, as an officer sees it at the index date (previous
proven offences, earlier custody, youth), and a motivation that no agency records. Motivation
drives referral and completion but not offending itself, so a comparison that adjusts for the
record is unbiased while a naive one (participants against everyone else) is not. The truth
written beside the extracts holds each programme's effect on its participants: their one-year
proven reoffending with the programme, and as it would have been without it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from justicelink.synth import justice
from justicelink.synth.careers import YEAR, Careers
from justicelink.synth.justice import CAUTION, GUILTY, IMPRISONMENT, NEVER, Flow

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]

#: How long a programme changes its participants' offending, in days after the start.
EFFECT_DAYS = 730
#: The proven-reoffending window (docs/measures.md): offences committed within 365 days of the
#: index date and proven within a further 183 days.
FOLLOW_UP_DAYS, WAITING_DAYS = 365, 183
# Sentences that make a community programme's index event (a conviction, not custody).
_COMMUNITY_SENTENCES = (justice.SUSPENDED, justice.COMMUNITY)
# Custodial terms shorter than this leave no time for a programme inside.
_MIN_CUSTODY_DAYS = 90


@dataclass(frozen=True)
class Programme:
    """One programme of the catalogue and its true effect.

    Attributes:
        key: The provider's programme code.
        name: Name as published.
        setting: ``custody`` (starts during a custodial sentence; index event: the release) or
            ``community`` (starts on the day of a conviction with a community or suspended
            sentence; index event: that conviction).
        needs: Needs the programme targets.
        risk_levels: Risk levels it serves.
        eligibility: Who may be referred, in words.
        place: Where it runs.
        sessions: Sessions in the full programme.
        min_age: Youngest age referred, in years.
        max_age: Oldest age referred, in years.
        referral_base: Log-odds of referral for a first offender aged 25 or more of average
            motivation, before the record's terms (see :func:`_referral_logit`).
        rate_ratio: The true effect: the factor applied to a completer's offending rate.
    """

    key: str
    name: str
    setting: str
    needs: tuple[str, ...]
    risk_levels: tuple[str, ...]
    eligibility: str
    place: str
    sessions: int
    min_age: float
    max_age: float
    referral_base: float
    rate_ratio: float


CATALOGUE: tuple[Programme, ...] = (
    Programme(
        "WR-01",
        "Work Ready",
        "custody",
        ("employment", "education"),
        ("medium", "high"),
        "Adults serving a custodial sentence of three months or more",
        "Central Prison",
        20,
        18.0,
        99.0,
        -1.2,
        0.45,
    ),
    Programme(
        "TF-02",
        "Thinking First",
        "community",
        ("antisocial_attitudes", "substance_misuse"),
        ("medium", "high"),
        "Adults aged 21 or more on a community or suspended sentence",
        "Community centres in every district",
        16,
        21.0,
        99.0,
        -1.5,
        0.5,
    ),
    Programme(
        "CM-03",
        "Community Mentoring",
        "community",
        ("family", "accommodation"),
        ("low", "medium", "high"),
        "Anyone on a community or suspended sentence",
        "Community centres in every district",
        12,
        0.0,
        99.0,
        -2.5,
        1.0,
    ),
    Programme(
        "PA-04",
        "Prison Awareness Days",
        "community",
        ("antisocial_attitudes",),
        ("low", "medium"),
        "Young people under 21 on a community or suspended sentence",
        "Central Prison (visits)",
        4,
        0.0,
        21.0,
        -2.0,
        1.8,
    ),
)

#: The referral rule a placebo list copies (participants chosen as for this programme, with no
#: programme at all).
PLACEBO_RULE = 1

_DROP_REASONS = np.array(
    ["lost contact", "moved away", "ill health", "withdrew", "returned to custody"], dtype=object
)
_DECLINE_REASONS = np.array(["declined the place", "no place available"], dtype=object)


@dataclass(frozen=True)
class Candidates:
    """Index moments at which a person could be referred (one per eligible offence)."""

    person: IntArray
    setting: ObjArray
    index_date: IntArray
    anchor: IntArray  # the day the index offence was proven (conviction)
    earliest_start: IntArray
    latest_start: IntArray
    age: FloatArray
    previous: IntArray
    custody_before: BoolArray


@dataclass(frozen=True)
class Participations:
    """Referrals to the catalogue's programmes (at most one per person).

    ``start`` and ``end`` are :data:`NEVER` for a referral that was declined (and ``end`` for a
    participation still running at the end of the window). ``dose`` is the share of sessions
    attended (0 when declined).
    """

    person: IntArray
    programme: IntArray
    referral: IntArray
    start: IntArray
    end: IntArray
    sessions: IntArray
    status: ObjArray
    reason: ObjArray
    index_date: IntArray
    dose: FloatArray

    @property
    def started(self) -> BoolArray:
        """Referrals that led to a start."""
        out: BoolArray = self.start < NEVER
        return out


@dataclass(frozen=True)
class Placebo:
    """Persons chosen by a programme's referral rule who took part in nothing."""

    person: IntArray
    start: IntArray
    index_date: IntArray


def proven_dates(flow: Flow) -> IntArray:
    """Day each offence was proven (caution or conviction), :data:`NEVER` if it never was."""
    out: IntArray = np.where(
        flow.police_action == CAUTION,
        flow.police_date,
        np.where(flow.verdict == GUILTY, flow.verdict_date, NEVER),
    )
    return out


def _count_before(
    person: IntArray, day: IntArray, at_person: IntArray, at_day: IntArray
) -> IntArray:
    """For each (at_person, at_day): events of that person dated strictly before at_day."""
    big = np.int64(1 << 32)
    key = np.sort(person * big + np.minimum(day, big - 1))
    hi = np.searchsorted(key, at_person * big + at_day, side="left")
    lo = np.searchsorted(key, at_person * big, side="left")
    out: IntArray = (hi - lo).astype(np.int64)
    return out


def candidates(car: Careers, off_person: IntArray, flow: Flow, start: int, end: int) -> Candidates:
    """Custodial sentences long enough for a prison programme, and community sentences."""
    custody = np.flatnonzero(
        (flow.sentence == IMPRISONMENT)
        & (flow.release <= end)
        & (flow.custody_start >= start)
        & (flow.release - flow.custody_start >= _MIN_CUSTODY_DAYS)
    )
    community = np.flatnonzero(
        np.isin(flow.sentence, _COMMUNITY_SENTENCES) & (flow.verdict_date <= end)
    )
    off = np.concatenate([custody, community])
    setting = np.array(["custody"] * len(custody) + ["community"] * len(community), dtype=object)
    index_date = np.concatenate([flow.release[custody], flow.verdict_date[community]])
    # A prison programme starts after the first month inside and ends before release.
    earliest = np.concatenate([flow.custody_start[custody] + 30, flow.verdict_date[community]])
    latest = np.concatenate([flow.release[custody] - 45, flow.verdict_date[community]])
    anchor = flow.verdict_date[off]
    person = off_person[off]
    proven = proven_dates(flow)
    sentenced = flow.sentence == IMPRISONMENT
    prisons = _count_before(off_person[sentenced], flow.sentence_date[sentenced], person, anchor)
    return Candidates(
        person=person,
        setting=setting,
        index_date=index_date,
        anchor=anchor,
        earliest_start=earliest,
        latest_start=latest,
        age=(index_date - car.dob[person]) / YEAR,
        previous=_count_before(off_person, proven, person, anchor),
        custody_before=prisons > 0,
    )


def _referral_logit(base: float, c: Candidates, motivation: FloatArray) -> FloatArray:
    """Officers refer people with longer records, earlier custody, the young and the willing."""
    out: FloatArray = (
        base
        + 0.8 * np.log1p(c.previous)
        + 0.6 * c.custody_before
        + 0.5 * (c.age < 25)
        + 0.7 * motivation[c.person]
    )
    return out


def _eligible(p: Programme, c: Candidates) -> BoolArray:
    out: BoolArray = (c.setting == p.setting) & (c.age >= p.min_age) & (c.age < p.max_age)
    return out


def _first_per_person(person: IntArray, day: IntArray, chosen: BoolArray) -> IntArray:
    """Rows of ``chosen`` that are each person's earliest (ties: the lower row)."""
    rows = np.flatnonzero(chosen)
    rows = rows[np.lexsort((rows, day[rows], person[rows]))]
    first = np.ones(len(rows), bool)
    first[1:] = person[rows][1:] != person[rows][:-1]
    out: IntArray = rows[first]
    return out


def refer(
    rng: np.random.Generator, c: Candidates, motivation: FloatArray
) -> tuple[Participations, Placebo]:
    """Draw referrals, starts, attendance and completion; and a placebo list.

    Each candidate moment is referred to at most one programme; a person takes part at most
    once (the earliest referral). The placebo list draws with the referral rule of
    ``CATALOGUE[PLACEBO_RULE]``, among the candidate moments of people who had not started a
    programme by then, each person's first drawn moment.
    """
    n = len(c.person)
    logits = np.stack([_referral_logit(p.referral_base, c, motivation) for p in CATALOGUE])
    prob = np.where(np.stack([_eligible(p, c) for p in CATALOGUE]), 1 / (1 + np.exp(-logits)), 0.0)
    u = rng.random(n)
    cum = np.cumsum(prob, axis=0)
    referred = u < cum[-1]
    programme = np.where(referred, (u[None, :] >= cum).sum(axis=0), -1)
    rows = _first_per_person(c.person, c.index_date, referred)
    person, prog = c.person[rows], programme[rows].astype(np.int64)
    k = len(rows)
    start = c.earliest_start[rows] + (
        rng.random(k) * (c.latest_start[rows] - c.earliest_start[rows] + 1)
    ).astype(np.int64)
    referral = start - rng.integers(7, 60, k)
    declined = rng.random(k) < 0.12
    planned = np.array([p.sessions for p in CATALOGUE], np.int64)[prog]
    completes = rng.random(k) < 1 / (1 + np.exp(-(0.8 + 1.2 * motivation[person])))
    dropped_at = 1 + (rng.random(k) * np.maximum(planned - 1, 1)).astype(np.int64)
    sessions = np.where(declined, 0, np.where(completes, planned, np.minimum(dropped_at, planned)))
    # Sessions run twice a week.
    end = np.where(declined, NEVER, start + (sessions * 3.5).astype(np.int64))
    status = np.where(declined, "declined", np.where(completes, "completed", "dropped_out")).astype(
        object
    )
    reason = np.where(
        declined,
        _DECLINE_REASONS[rng.integers(0, len(_DECLINE_REASONS), k)],
        np.where(completes, "", _DROP_REASONS[rng.integers(0, len(_DROP_REASONS), k)]),
    ).astype(object)
    parts = Participations(
        person=person,
        programme=prog,
        referral=referral,
        start=np.where(declined, NEVER, start),
        end=end,
        sessions=sessions.astype(np.int64),
        status=status,
        reason=reason,
        index_date=c.index_date[rows],
        dose=np.where(declined, 0.0, sessions / planned),
    )
    # The placebo: chosen by the rule among candidate moments of people who had not started
    # a programme by then (whether they take part later must not decide it: later
    # participation follows later offending).
    rule = CATALOGUE[PLACEBO_RULE]
    began = np.full(len(motivation), NEVER, np.int64)
    began[person] = np.where(declined, NEVER, start)
    p_placebo = np.where(
        _eligible(rule, c) & (began[c.person] > c.index_date),
        1 / (1 + np.exp(-_referral_logit(rule.referral_base, c, motivation))),
        0.0,
    )
    chosen = _first_per_person(c.person, c.index_date, rng.random(n) < p_placebo)
    placebo = Placebo(c.person[chosen], c.earliest_start[chosen], c.index_date[chosen])
    return parts, placebo
