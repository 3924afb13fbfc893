"""How each agency writes a person: spelling, order, dates of birth and id numbers with errors.

Rates differ by agency (the police are the noisiest, the prisons the cleanest). All noise is
drawn with numpy; only the rows that receive a typo are edited in a Python loop.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from justicelink.synth import calendar, codes
from justicelink.synth.names import NamePools
from justicelink.synth.persons import STREETS, Persons

IntArray = npt.NDArray[np.int64]
ObjArray = npt.NDArray[np.object_]

# Date-of-birth precision written by the agency.
DOB_FULL, DOB_YEAR, DOB_MONTH, DOB_MISSING, DOB_BAD, DOB_TEXT = 0, 1, 2, 3, 4, 5


@dataclass(frozen=True)
class NoiseProfile:
    """Per-record probabilities of each kind of identity error in one agency."""

    strip: float
    translit: float
    typo: float
    alias: float
    swap_order: float
    dob_missing: float
    dob_year: float
    dob_month: float
    dob_jan1: float
    dob_swap: float
    dob_year_off: float
    dob_bad: float
    dob_text: float
    id_missing: float
    id_typo: float
    sex_unknown: float
    sex_wrong: float
    moved: float
    nationality_missing: float
    # Errors only the "harsh" profile makes (0 in the default one, which draws nothing for
    # them, so that its output stays byte-identical).
    nickname: float = 0.0
    second_typo: float = 0.0
    drop_given: float = 0.0


PROFILES: dict[str, NoiseProfile] = {
    "police": NoiseProfile(
        0.5,
        0.14,
        0.09,
        0.04,
        0.04,
        0.05,
        0.04,
        0.0,
        0.03,
        0.04,
        0.02,
        0.006,
        0.0,
        0.25,
        0.02,
        0.02,
        0.003,
        0.25,
        0.0,
    ),
    "prosecution": NoiseProfile(
        1.0,
        0.09,
        0.05,
        0.02,
        0.0,
        0.02,
        0.02,
        0.02,
        0.02,
        0.03,
        0.01,
        0.004,
        0.0,
        0.10,
        0.01,
        0.0,
        0.002,
        0.0,
        0.0,
    ),
    "courts": NoiseProfile(
        0.0,
        0.07,
        0.04,
        0.02,
        0.0,
        0.03,
        0.02,
        0.0,
        0.02,
        0.02,
        0.01,
        0.004,
        0.0,
        1.0,
        0.0,
        0.0,
        0.002,
        0.0,
        0.03,
    ),
    "prisons": NoiseProfile(
        1.0,
        0.04,
        0.02,
        0.01,
        0.0,
        0.01,
        0.01,
        0.0,
        0.01,
        0.01,
        0.005,
        0.004,
        0.03,
        1.0,
        0.0,
        0.0,
        0.001,
        0.0,
        0.02,
    ),
    "probation": NoiseProfile(
        0.3,
        0.08,
        0.05,
        0.02,
        0.02,
        0.03,
        0.02,
        0.0,
        0.02,
        0.03,
        0.01,
        0.004,
        0.0,
        0.15,
        0.01,
        0.01,
        0.002,
        0.2,
        0.0,
    ),
    # A programme provider types names from referral forms: anglicised spellings, a few
    # typos, dates of birth mostly complete.
    "ngo": NoiseProfile(
        0.6,
        0.12,
        0.06,
        0.03,
        0.03,
        0.04,
        0.03,
        0.0,
        0.02,
        0.03,
        0.01,
        0.004,
        0.0,
        1.0,
        0.0,
        0.0,
        0.002,
        0.15,
        0.0,
    ),
}


def _harsh(p: NoiseProfile) -> NoiseProfile:
    """A second error mix, for checking the model on noise its tuning never saw.

    More of everything that hurt linkage on real extracts: missing, year-only and defaulted
    dates of birth, typing slips (some records two), aliases, nicknames, dropped second given
    names, names in the other order and moves.
    """
    return replace(
        p,
        translit=min(0.5, p.translit * 1.5),
        typo=min(0.4, p.typo * 2),
        alias=p.alias * 2 + 0.01,
        swap_order=p.swap_order + 0.03,
        dob_missing=p.dob_missing * 3 + 0.04,
        dob_year=p.dob_year * 2 + 0.02,
        dob_month=p.dob_month + 0.01,
        dob_jan1=p.dob_jan1 * 2 + 0.02,
        dob_swap=p.dob_swap * 1.5,
        dob_year_off=p.dob_year_off * 2,
        id_missing=min(1.0, p.id_missing + 0.15),
        id_typo=p.id_typo * 2,
        sex_unknown=p.sex_unknown + 0.02,
        moved=min(1.0, p.moved + 0.1),
        nickname=0.08,
        second_typo=p.typo * 0.6,
        drop_given=0.1,
    )


#: The error mixes ``justicelink synth --noise-profile`` offers, per agency.
NOISE_PROFILES: dict[str, dict[str, NoiseProfile]] = {
    "default": PROFILES,
    "harsh": {agency: _harsh(profile) for agency, profile in PROFILES.items()},
}

_BAD_DOB = {
    "police": ("31/02/{y}", "00/00/{y}", "??/06/{y}", "{y}/13/01"),
    "prosecution": ("{y}-02-30", "{y}-13-01", "{y}-00-00", "{y}/07/1"),
    "courts": ("{y}-02-31", "{y}-00-00", "{y}-13-45", "unknown"),
    "prisons": ("31.02.{y}", "unknown", "30.02.{y}", "00.00.{y}"),
    "probation": ("30-02-{y}", "00-00-{y}", "31-13-{y}", "n/a"),
    "ngo": ("{y}-02-30", "{y}-00-00", "{y}-13-01", "not given"),
}


@dataclass(frozen=True)
class Rendered:
    """Person records as one agency wrote them (arrays aligned with the records).

    Attributes:
        family: Family name as written (mononyms: the single name).
        given: Given names as written (empty for mononyms).
        sex: 0 male, 1 female, 2 unknown.
        dob: Recorded date of birth (day number; meaningless when missing or bad).
        dob_kind: One of the ``DOB_*`` precisions.
        dob_text: Text of unparseable dates of birth (empty elsewhere).
        id_number: Id number as written (empty when missing).
        address: Address as written.
        nationality: Nationality as written.
    """

    family: ObjArray
    given: ObjArray
    sex: IntArray
    dob: IntArray
    dob_kind: IntArray
    dob_text: ObjArray
    id_number: ObjArray
    address: ObjArray
    nationality: ObjArray


def _typo(word: str, op: int, u: float, letter: str) -> str:
    if len(word) < 3:
        return word + letter
    i = 1 + int(u * (len(word) - 2))
    if op == 0:  # substitution
        return word[:i] + letter + word[i + 1 :]
    if op == 1:  # deletion
        return word[:i] + word[i + 1 :]
    if op == 2:  # transposition
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]  # doubled letter


def _variant(rng: np.random.Generator, pools: NamePools, idx: IntArray, p: float) -> IntArray:
    count = pools.variant_count[idx]
    hit = (rng.random(len(idx)) < p) & (count > 0)
    pick = pools.variant_start[idx] + (rng.random(len(idx)) * count).astype(np.int64)
    return np.where(hit, pools.variant_flat[np.minimum(pick, len(pools.variant_flat) - 1)], idx)


def _join(a: ObjArray, b: ObjArray) -> ObjArray:
    both = (a != "") & (b != "")
    return np.where(both, a + " " + b, a + b)  # type: ignore[no-any-return]


def render(
    rng: np.random.Generator,
    agency: str,
    pools: NamePools,
    persons: Persons,
    who: IntArray,
    noise: str = "default",
) -> Rendered:
    """Write the persons ``who`` (one record each) the way ``agency`` would.

    Args:
        rng: Random generator.
        agency: One of the keys of :data:`PROFILES`.
        pools: Name pools.
        persons: True persons.
        who: Person index of each record.
        noise: The error mix, a key of :data:`NOISE_PROFILES`.
    """
    pr = NOISE_PROFILES[noise][agency]
    n = len(who)
    fam, g1, g2 = persons.family[who], persons.given1[who], persons.given2[who]
    sex_true = persons.sex[who]
    # Alias: another given name from the person's own tradition.
    alias = np.flatnonzero((rng.random(n) < pr.alias) & (g1 > 0))
    for i in alias.tolist():
        pool = pools.subgroups[int(persons.subgroup[who[i]])].given[int(sex_true[i])]
        g1[i] = pool[int(rng.integers(0, len(pool)))]
    if pr.nickname > 0:
        nick = pools.nickname[g1]
        g1 = np.where((rng.random(n) < pr.nickname) & (nick > 0), nick, g1)
    if pr.drop_given > 0:
        g2 = np.where(rng.random(n) < pr.drop_given, 0, g2)
    fam, g1, g2 = (_variant(rng, pools, x, pr.translit) for x in (fam, g1, g2))
    strip = rng.random(n) < pr.strip
    fam, g1, g2 = (np.where(strip, pools.stripped[x], x) for x in (fam, g1, g2))
    family = pools.strings[fam]
    given = _join(pools.strings[g1], pools.strings[g2])
    typo_rows = np.flatnonzero(rng.random(n) < pr.typo)
    ops = rng.integers(0, 4, len(typo_rows))
    us = rng.random((len(typo_rows), 2))
    letters = rng.integers(0, 26, len(typo_rows))
    for j, i in enumerate(typo_rows.tolist()):
        letter = chr(97 + int(letters[j]))
        if given[i] and us[j, 1] < 0.5:
            given[i] = _typo(given[i], int(ops[j]), float(us[j, 0]), letter)
        else:
            family[i] = _typo(family[i], int(ops[j]), float(us[j, 0]), letter)
    if pr.second_typo > 0:
        for i in np.flatnonzero(rng.random(n) < pr.second_typo).tolist():
            op, u, letter = int(rng.integers(0, 4)), float(rng.random()), chr(97 + rng.integers(26))
            if given[i] and rng.random() < 0.5:
                given[i] = _typo(given[i], op, u, letter)
            else:
                family[i] = _typo(family[i], op, u, letter)
    swap = (rng.random(n) < pr.swap_order) & (given != "")
    family, given = np.where(swap, given, family), np.where(swap, family, given)

    sex = np.where(rng.random(n) < pr.sex_wrong, 1 - sex_true, sex_true)
    sex = np.where(rng.random(n) < pr.sex_unknown, 2, sex)

    dob, kind, text = _dob_noise(rng, agency, pr, persons.dob[who])

    ids = persons.id_number[who].copy()
    ids[rng.random(n) < pr.id_missing] = ""
    for i in np.flatnonzero((rng.random(n) < pr.id_typo) & (ids != "")).tolist():
        s = str(ids[i])
        ids[i] = s[0] + s[2] + s[1] + s[3:]

    moved = rng.random(n) < pr.moved
    district = np.where(moved, rng.integers(0, len(codes.DISTRICTS), n), persons.district[who])
    street = np.where(moved, rng.integers(0, len(STREETS), n), persons.street[who])
    house = np.where(moved, rng.integers(1, 400, n), persons.house[who])
    address = (
        np.char.mod("%d ", house).astype(object)
        + np.array(STREETS, dtype=object)[street]
        + ", "
        + np.array(codes.DISTRICTS, dtype=object)[district]
    )
    nationality = persons.nationality[who].copy()
    nationality[rng.random(n) < pr.nationality_missing] = ""
    return Rendered(
        family=family,
        given=given,
        sex=sex,
        dob=dob,
        dob_kind=kind,
        dob_text=text,
        id_number=ids,
        address=address,
        nationality=nationality,
    )


def _dob_noise(
    rng: np.random.Generator, agency: str, pr: NoiseProfile, dob: IntArray
) -> tuple[IntArray, IntArray, ObjArray]:
    n = len(dob)
    y, m, d = calendar.ymd(dob)
    probs = np.array(
        [
            pr.dob_missing,
            pr.dob_year,
            pr.dob_month,
            pr.dob_jan1,
            pr.dob_swap,
            pr.dob_year_off,
            pr.dob_bad,
            pr.dob_text,
        ]
    )
    cum = np.cumsum(probs)
    u = rng.random(n)
    which = np.searchsorted(cum, u, side="right")  # 8 = no error
    kind = np.select(
        [which == 0, which == 1, which == 2, which == 6, which == 7],
        [DOB_MISSING, DOB_YEAR, DOB_MONTH, DOB_BAD, DOB_TEXT],
        DOB_FULL,
    )
    jan1 = calendar.from_ymd(y, np.ones_like(m), np.ones_like(d))
    swappable = (d <= 12) & (d != m)
    swapped = calendar.from_ymd(y, np.where(swappable, d, m), np.where(swappable, m, d))
    shift = np.where(rng.random(n) < 0.5, -1, 1)
    off = calendar.from_ymd(y + shift, m, np.minimum(d, 28))
    out = np.select([which == 3, which == 4, which == 5], [jan1, swapped, off], dob)
    text = np.full(n, "", dtype=object)
    patterns = _BAD_DOB[agency]
    for i in np.flatnonzero(kind == DOB_BAD).tolist():
        text[i] = patterns[i % len(patterns)].format(y=int(y[i]))
    return out.astype(np.int64), kind.astype(np.int64), text
