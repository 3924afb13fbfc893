"""The programmes' true effects, acted out on the offences, and measured for the truth.

For :data:`EFFECT_DAYS` after the start, a participant's offending rate is multiplied by
``1 + (rate_ratio - 1) * dose`` (the dose: the share of sessions attended). Below 1, offences
are removed; above 1, offences are added and taken through the justice system like any other.
:func:`true_effects` then measures, by the proven-reoffending definition, each programme's
participants with the programme and as they would have been without it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from justicelink.synth import justice
from justicelink.synth.careers import MONTH, YEAR, Careers, draw_codes, yearly_rate
from justicelink.synth.justice import NEVER, Flow
from justicelink.synth.programmes import (
    CATALOGUE,
    EFFECT_DAYS,
    FOLLOW_UP_DAYS,
    PLACEBO_RULE,
    WAITING_DAYS,
    Participations,
    Placebo,
    proven_dates,
)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Offences:
    """Offences (sorted by person, then date) and what the justice system did with them."""

    person: IntArray
    date: IntArray
    code: IntArray
    flow: Flow

    def take(self, keep: BoolArray | IntArray) -> Offences:
        """The offences selected by a mask or an index array, in that order."""
        return Offences(self.person[keep], self.date[keep], self.code[keep], _take(self.flow, keep))


def _take(flow: Flow, keep: BoolArray | IntArray) -> Flow:
    return Flow(**{k: v[keep] for k, v in flow.__dict__.items()})


def _concat(a: Flow, b: Flow) -> Flow:
    return Flow(**{k: np.concatenate([v, b.__dict__[k]]) for k, v in a.__dict__.items()})


def apply_effects(
    rng: np.random.Generator, car: Careers, parts: Participations, offences: Offences, end: int
) -> Offences:
    """The offences as they are with the programmes: the true effects acted out.

    A participant's rate ratio is ``1 + (rate_ratio - 1) * dose``. Below 1, each of their
    offences in the :data:`EFFECT_DAYS` after the start is kept with that probability; above
    1, extra offences are drawn month by month at ``ratio - 1`` times their own offending rate
    and taken through the justice system. Offences committed while held are then removed
    again, as for the careers themselves.
    """
    n_persons = len(car.sex)
    started = parts.started
    ratio = np.ones(n_persons)
    began = np.full(n_persons, NEVER, np.int64)
    effect = np.array([p.rate_ratio for p in CATALOGUE])[parts.programme]
    ratio[parts.person[started]] = 1 + (effect[started] - 1) * parts.dose[started]
    began[parts.person[started]] = parts.start[started]
    who = offences.person
    during = (offences.date > began[who]) & (offences.date <= began[who] + EFFECT_DAYS)
    keep = ~during | (rng.random(len(who)) < np.minimum(ratio[who], 1.0))
    kept = offences.take(keep)

    harmed = np.flatnonzero(ratio > 1)
    months = int(np.ceil(EFFECT_DAYS / MONTH))
    grid_person = np.repeat(harmed, months)
    grid_day = (began[grid_person] + np.tile(np.arange(months), len(harmed)) * MONTH).astype(
        np.int64
    )
    rate = yearly_rate(
        car.propensity[grid_person],
        car.dob[grid_person],
        car.first[grid_person],
        car.career_end[grid_person],
        grid_day,
    )
    extra_n = rng.poisson((ratio[grid_person] - 1) * rate * MONTH / YEAR)
    extra_person = np.repeat(grid_person, extra_n)
    extra_day = np.repeat(grid_day, extra_n) + (rng.random(len(extra_person)) * MONTH).astype(
        np.int64
    )
    inside = (extra_day <= end) & (extra_day <= began[extra_person] + EFFECT_DAYS)
    extra_person, extra_day = extra_person[inside], extra_day[inside]
    extra_code = draw_codes(rng, car.sex[extra_person] == 1)
    age = (extra_day - car.dob[extra_person]) / YEAR
    extra_flow = justice.process(rng, extra_day, extra_code, age, end)
    merged = Offences(
        np.concatenate([kept.person, extra_person]),
        np.concatenate([kept.date, extra_day]),
        np.concatenate([kept.code, extra_code]),
        _concat(kept.flow, extra_flow),
    )
    merged = merged.take(np.lexsort((merged.date, merged.person)))
    held = justice.in_custody(merged.person, merged.date, merged.flow)
    return merged.take(~held)


def one_year_outcomes(
    person: IntArray, index_date: IntArray, offences: Offences
) -> tuple[IntArray, IntArray]:
    """Proven reoffences of each (person, index date), as the MoJ measure counts them.

    An offence counts when committed 1 to 365 days after the index date and proven (caution
    or conviction) within 365 + 183 days of it. Returns (reoffended 0/1, reoffences).
    """
    proven = proven_dates(offences.flow)
    lo = np.searchsorted(offences.person, person, side="left")
    hi = np.searchsorted(offences.person, person, side="right")
    counts = np.zeros(len(person), np.int64)
    for i, (a, b) in enumerate(zip(lo.tolist(), hi.tolist(), strict=True)):
        days = offences.date[a:b] - index_date[i]
        proof = proven[a:b] - index_date[i]
        counts[i] = int(
            np.sum(
                (days >= 1) & (days <= FOLLOW_UP_DAYS) & (proof <= FOLLOW_UP_DAYS + WAITING_DAYS)
            )
        )
    return (counts > 0).astype(np.int64), counts


def _outcome_summary(
    person: IntArray, index_date: IntArray, treated: Offences, untreated: Offences
) -> dict[str, dict[str, float]]:
    y1, n1 = one_year_outcomes(person, index_date, treated)
    y0, n0 = one_year_outcomes(person, index_date, untreated)
    if not len(person):
        return {}

    def pair(a: IntArray, b: IntArray) -> dict[str, float]:
        return {
            "with_programme": round(float(a.mean()), 6),
            "without_programme": round(float(b.mean()), 6),
            "effect": round(float((a - b).mean()), 6),
        }

    return {"proven_reoffending_rate": pair(y1, y0), "reoffences_per_person": pair(n1, n0)}


@dataclass(frozen=True)
class ProgrammeState:
    """The programmes of one generated country, for the provider's extract and the truth."""

    participations: Participations
    placebo: Placebo
    motivation: FloatArray
    effects: dict[str, object]
    needs: IntArray


def true_effects(
    parts: Participations, placebo: Placebo, baseline: Offences, offences: Offences, end: int
) -> dict[str, object]:
    """Each programme's true effect on its participants (those who started).

    Computed on participants whose follow-up and waiting period end by ``end``, as the
    evaluation sees them: one-year proven reoffending with the programme (the offences as
    generated) and without it (the offences before :func:`apply_effects`), and the difference.
    """
    horizon = FOLLOW_UP_DAYS + WAITING_DAYS
    evaluable = parts.started & (parts.index_date + horizon <= end)
    programmes = []
    for k, p in enumerate(CATALOGUE):
        rows = evaluable & (parts.programme == k)
        programmes.append(
            {
                "key": p.key,
                "name": p.name,
                "setting": p.setting,
                "rate_ratio": p.rate_ratio,
                "referred": int(np.sum(parts.programme == k)),
                "started": int(np.sum(parts.started & (parts.programme == k))),
                "evaluable": int(rows.sum()),
                **_outcome_summary(parts.person[rows], parts.index_date[rows], offences, baseline),
            }
        )
    fit = placebo.index_date + horizon <= end
    return {
        "effect_days": EFFECT_DAYS,
        "dose": "rate ratio 1 + (rate_ratio - 1) * share of sessions attended",
        "programmes": programmes,
        "placebo": {
            "rule": CATALOGUE[PLACEBO_RULE].key,
            "persons": len(placebo.person),
            "evaluable": int(fit.sum()),
            **_outcome_summary(placebo.person[fit], placebo.index_date[fit], offences, offences),
        },
    }
