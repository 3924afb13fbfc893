"""Criminal careers: who offends, when, and with which offence.

Each offender has a first offence uniformly placed in the window, an age at that first offence
drawn so that onset peaks in the mid-teens, a gamma-distributed propensity (most offenders
offend once, a few offend often) and a career length after which they desist. Further offences
follow a Poisson process whose monthly rate falls with age (the right-hand side of the
age-crime curve).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from justicelink.synth import codes

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

YEAR = 365.25
MONTH = YEAR / 12


@dataclass(frozen=True)
class Careers:
    """Offenders (indices 0..n-1) and their offences, sorted by offender then date.

    Attributes:
        sex: 0 male, 1 female, per offender.
        dob: True date of birth (day number) per offender.
        person: Offender index of each offence.
        date: Day on which each offence occurred.
        code: Index into :data:`codes.CODES` of each offence.
        propensity: Offending rate per year at ages up to 18, per offender.
        first: Day of each offender's first offence.
        career_end: Day after which each offender offends no more (desistance).
        needs: Criminogenic needs present (0/1), one column per :data:`NEEDS` domain.
    """

    sex: IntArray
    dob: IntArray
    person: IntArray
    date: IntArray
    code: IntArray
    propensity: FloatArray
    first: IntArray
    career_end: IntArray
    needs: IntArray


#: Criminogenic needs (after the "central eight"): domain, prevalence among offenders, and
#: the log of the factor by which the need raises the offending rate. The needs truly drive
#: reoffending: an offender's rate is the gamma draw times ``exp(sum of effects)``, divided by
#: its mean so that the overall level of offending does not depend on the needs.
NEEDS: tuple[tuple[str, float, float], ...] = (
    ("employment", 0.40, 0.40),
    ("substance_misuse", 0.30, 0.50),
    ("antisocial_attitudes", 0.30, 0.60),
    ("family", 0.25, 0.20),
    ("accommodation", 0.20, 0.30),
)


def yearly_rate(
    propensity: FloatArray, dob: IntArray, first: IntArray, career_end: IntArray, day: IntArray
) -> FloatArray:
    """Offences per year of each offender on ``day``: 0 outside the career, falling with age.

    The rate falls off after the late teens (desistance with age, the right-hand side of the
    age-crime curve).
    """
    age = (day - dob) / YEAR
    active = (first <= day) & (career_end > day)
    out: FloatArray = np.where(active, propensity * np.exp(-np.maximum(age - 18.0, 0.0) / 9.0), 0.0)
    return out


def draw_codes(rng: np.random.Generator, female: npt.NDArray[np.bool_]) -> IntArray:
    weights = codes.code_array("weight")
    victim = codes.code_array("victim")
    # Women commit far fewer violent and sexual offences than men.
    female_weights = weights * np.where(
        victim == codes.SEXUAL,
        0.02,
        np.where(np.isin(victim, (codes.HOMICIDE, codes.VIOLENT)), 0.5, 1.0),
    )
    out = rng.choice(len(weights), size=len(female), p=weights / weights.sum())
    n_f = int(female.sum())
    out[female] = rng.choice(len(weights), size=n_f, p=female_weights / female_weights.sum())
    return out.astype(np.int64)


def generate_careers(rng: np.random.Generator, n: int, start: int, end: int) -> Careers:
    """Generate ``n`` offenders, each with at least one offence in ``[start, end]`` (day numbers).

    Args:
        rng: Random generator (consumed in a fixed order, so results depend only on its seed).
        n: Number of offenders.
        start: First day of the window.
        end: Last day of the window.

    Returns:
        The offenders and their offences.
    """
    sex = (rng.random(n) < 0.15).astype(np.int64)
    first = rng.integers(start, end + 1, size=n)
    # Onset mostly in the teens, with a smaller late-onset group.
    late = rng.random(n) < 0.25
    onset_age = np.where(late, 18.0 + rng.gamma(2.0, 9.0, n), 11.0 + rng.gamma(2.2, 3.2, n))
    dob = (first - onset_age * YEAR - rng.random(n) * 30).astype(np.int64)
    propensity = rng.gamma(0.55, 1.1, n)
    career_end = first + (rng.exponential(3.5, n) * YEAR).astype(np.int64)
    prevalence = np.array([p for _, p, _ in NEEDS])
    effect = np.array([b for _, _, b in NEEDS])
    needs = (rng.random((n, len(NEEDS))) < prevalence).astype(np.int64)
    mean_factor = np.prod(1 - prevalence + prevalence * np.exp(effect))
    propensity = propensity * np.exp(needs @ effect) / mean_factor

    persons: list[IntArray] = [np.arange(n, dtype=np.int64)]
    dates: list[IntArray] = [first]
    month_start = float(start)
    while month_start <= end:
        lo = int(month_start)
        hi = min(int(month_start + MONTH), end + 1)
        age = (lo - dob) / YEAR
        # Rate per year: falls off after the late teens (desistance with age).
        rate = propensity * np.exp(-np.maximum(age - 18.0, 0.0) / 9.0)
        active = (first < hi) & (career_end > lo)
        k = rng.poisson(np.where(active, rate * (hi - lo) / YEAR, 0.0))
        who = np.repeat(np.arange(n, dtype=np.int64), k)
        floor = np.maximum(first[who] + 1, lo)
        when = floor + (rng.random(len(who)) * np.maximum(hi - floor, 1)).astype(np.int64)
        keep = when < hi
        persons.append(who[keep])
        dates.append(when[keep])
        month_start += MONTH

    person = np.concatenate(persons)
    date = np.concatenate(dates)
    order = np.lexsort((date, person))
    person, date = person[order], date[order]
    code = draw_codes(rng, sex[person] == 1)
    return Careers(
        sex=sex,
        dob=dob,
        person=person,
        date=date,
        code=code,
        propensity=propensity,
        first=first,
        career_end=career_end,
        needs=needs,
    )
