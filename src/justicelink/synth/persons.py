"""True persons: offenders from the careers, victims attached to offences, and identities."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from justicelink.synth import codes
from justicelink.synth.careers import YEAR
from justicelink.synth.names import GROUP_SHARES, NamePools

IntArray = npt.NDArray[np.int64]
ObjArray = npt.NDArray[np.object_]

STREETS: tuple[str, ...] = (
    "Jalan Merdeka",
    "Harbour Road",
    "Temple Street",
    "Coconut Grove",
    "Station Road",
    "Market Lane",
    "Lotus Avenue",
    "Kampong Baru",
    "Banyan Drive",
    "Mission Street",
    "Palm Crescent",
    "Rice Mill Road",
    "Lagoon Parade",
    "Sultan Street",
    "Frangipani Way",
)

# Recording probability of a victim by victim kind (index = kind).
_VICTIM_RECORDED = np.array([0.0, 1.0, 1.0, 0.9, 0.5])


@dataclass(frozen=True)
class Persons:
    """True identities, one entry per person (offenders first, then victims only).

    Names are string-table indices (0 = no name). ``given1`` is empty for mononyms, whose single
    name is ``family``.
    """

    person_id: ObjArray
    sex: IntArray
    dob: IntArray
    group: IntArray
    subgroup: IntArray
    family: IntArray
    given1: IntArray
    given2: IntArray
    id_number: ObjArray
    district: IntArray
    street: IntArray
    house: IntArray
    nationality: ObjArray


@dataclass(frozen=True)
class Victims:
    """Victim involvements: offence index and victim person index, one per recorded victim."""

    offence: IntArray
    person: IntArray


def _victim_profile(rng: np.random.Generator, kind: IntArray) -> tuple[IntArray, IntArray]:
    """Draw sex (0 male, 1 female) and age in days for new victims of each kind."""
    n = len(kind)
    p_female = np.select(
        [kind == codes.HOMICIDE, kind == codes.SEXUAL, kind == codes.VIOLENT],
        [0.22, 0.9, 0.35],
        0.5,
    )
    sex = (rng.random(n) < p_female).astype(np.int64)
    age = np.select(
        [kind == codes.HOMICIDE, kind == codes.SEXUAL, kind == codes.VIOLENT],
        [16 + rng.gamma(2.0, 8.0, n), 12 + rng.gamma(2.0, 6.0, n), 14 + rng.gamma(2.0, 9.0, n)],
        17 + rng.gamma(2.5, 12.0, n),
    )
    return sex, (age * YEAR).astype(np.int64)


def assign_victims(
    rng: np.random.Generator,
    offence_person: IntArray,
    offence_date: IntArray,
    offence_code: IntArray,
    n_offenders: int,
    n_victims: int,
) -> tuple[Victims, IntArray, IntArray]:
    """Attach victims to offences; every victim-only person is the victim of at least one.

    Args:
        rng: Random generator.
        offence_person: Offender of each offence.
        offence_date: Date of each offence.
        offence_code: Code index of each offence.
        n_offenders: Number of offenders (person indices ``0..n_offenders-1``).
        n_victims: Number of victim-only persons (indices after the offenders).

    Returns:
        The victim involvements, and the sex and date of birth of the victim-only persons.
    """
    kind = codes.code_array("victim").astype(np.int64)[offence_code]
    slots = np.flatnonzero(rng.random(len(kind)) < _VICTIM_RECORDED[kind])
    # Homicide slots first, so that the dead are always fresh victim-only persons.
    slots = slots[np.argsort(kind[slots] != codes.HOMICIDE, kind="stable")]
    fresh = min(n_victims, len(slots))
    extra = n_victims - fresh
    # Not enough victim slots (tiny countries): further victims join random offences.
    extra_slots = rng.integers(0, len(kind), extra) if extra else np.zeros(0, np.int64)
    first_slots = np.concatenate([slots[:fresh], extra_slots]).astype(np.int64)
    victim_only = n_offenders + np.arange(n_victims, dtype=np.int64)
    homicide_victim = np.zeros(n_victims, dtype=bool)
    homicide_victim[:fresh] = kind[slots[:fresh]] == codes.HOMICIDE
    repeatable = victim_only[~homicide_victim]
    # Left-over slots: the dead cannot be reused, so surplus homicide slots record no victim.
    rest = slots[fresh:]
    rest = rest[kind[rest] != codes.HOMICIDE]
    other = rng.integers(0, max(n_offenders, 1), len(rest))
    # An offender is not his own victim: shift to the next offender.
    other = np.where(other == offence_person[rest], (other + 1) % max(n_offenders, 1), other)
    other_ok = other != offence_person[rest]
    if len(repeatable):
        repeat = repeatable[rng.integers(0, len(repeatable), len(rest))]
        use_repeat = (rng.random(len(rest)) < 0.4) | ~other_ok
        rest_person = np.where(use_repeat, repeat, other)
    else:
        rest, rest_person = rest[other_ok], other[other_ok]
    offence = np.concatenate([first_slots, rest])
    person = np.concatenate([victim_only, rest_person])
    sex, age_days = _victim_profile(rng, kind[first_slots])
    dob = offence_date[first_slots] - age_days - rng.integers(0, 365, n_victims)
    order = np.lexsort((person, offence))
    return Victims(offence=offence[order], person=person[order]), sex, dob


def build_identities(
    rng: np.random.Generator, pools: NamePools, sex: IntArray, dob: IntArray
) -> Persons:
    """Give every person a name, id number, address and nationality.

    Args:
        rng: Random generator.
        pools: Name pools.
        sex: 0 male, 1 female, per person.
        dob: Day of birth per person.
    """
    n = len(sex)
    subs = pools.subgroups
    p_sub = np.array([GROUP_SHARES[s.group] * s.share for s in subs])
    subgroup = rng.choice(len(subs), size=n, p=p_sub / p_sub.sum()).astype(np.int64)
    family = np.zeros(n, np.int64)
    given1 = np.zeros(n, np.int64)
    given2 = np.zeros(n, np.int64)
    nationality = np.full(n, "Examplian", dtype=object)
    for i, s in enumerate(subs):
        for x in (0, 1):
            m = np.flatnonzero((subgroup == i) & (sex == x))
            k = len(m)
            if not k:
                continue
            family[m] = s.family[rng.integers(0, len(s.family), k)]
            g = s.given[x]
            if len(s.middle[x]):
                # Vietnamese: family, middle, given.
                given1[m] = s.middle[x][rng.integers(0, len(s.middle[x]), k)]
                given2[m] = g[rng.integers(0, len(g), k)]
            else:
                given1[m] = g[rng.integers(0, len(g), k)]
                second = rng.random(k) < s.second_given
                given2[m] = np.where(second, g[rng.integers(0, len(g), k)], 0)
                if s.name == "muslim" and x == 0:
                    # Many Muslim men carry Mohammed as their first given name.
                    moh = rng.random(k) < 0.3
                    given2[m] = np.where(moh, given1[m], given2[m])
                    given1[m] = np.where(moh, pools.mohammed, given1[m])
            mono = rng.random(k) < s.mononym
            family[m] = np.where(mono, given1[m], family[m])
            given1[m] = np.where(mono, 0, given1[m])
            given2[m] = np.where(mono, 0, given2[m])
            foreign = rng.random(k) < 0.12
            nationality[m[foreign]] = s.nationality
    group = np.array([s.group for s in subs], np.int64)[subgroup]
    has_id = rng.random(n) < np.where(nationality == "Examplian", 0.95, 0.4)
    digits = rng.integers(0, 10_000_000, n)
    letters = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ"), dtype=object)
    check = letters[(digits * 7 + 3) % len(letters)]
    year_letter = np.where(dob < 11_000, "S", "T").astype(object)  # born before 2000 or after
    ids = year_letter + np.char.zfill(digits.astype(str), 7).astype(object) + check
    id_number = np.where(has_id, ids, "").astype(object)
    w = np.array(codes.DISTRICT_WEIGHTS)
    district = rng.choice(len(w), size=n, p=w / w.sum()).astype(np.int64)
    street = rng.integers(0, len(STREETS), n)
    house = rng.integers(1, 400, n)
    person_id = np.char.add("P", np.char.zfill(np.arange(1, n + 1).astype(str), 7)).astype(object)
    return Persons(
        person_id=person_id,
        sex=sex,
        dob=dob,
        group=group,
        subgroup=subgroup,
        family=family,
        given1=given1,
        given2=given2,
        id_number=id_number,
        district=district,
        street=street,
        house=house,
        nationality=nationality,
    )
