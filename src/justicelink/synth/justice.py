"""What the justice system does with each offence, vectorised over all offences.

Every date is a day number; :data:`NEVER` marks a step that does not happen. Steps dated after
the window's last day are later dropped by the writers, exactly as an extract taken on
31 December would miss them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from justicelink.synth import codes

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

NEVER = 10**9
MONTH_DAYS = 30.4375

# Police actions.
NO_ACTION, ARREST, CAUTION = 0, 1, 2
# Prosecution decisions.
PROSECUTE, DISCONTINUE, DIVERT = 1, 2, 3
DECISIONS = ("", "PROSECUTE", "DISCONTINUE", "DIVERT")
# Verdicts.
GUILTY, NOT_GUILTY, DISMISSED, WITHDRAWN = 1, 2, 3, 4
VERDICTS = ("", "GUILTY", "NOT_GUILTY", "DISMISSED", "WITHDRAWN")
# Sentences.
IMPRISONMENT, SUSPENDED, COMMUNITY, FINE, DISCHARGE = 1, 2, 3, 4, 5
SENTENCES = ("", "IMPRISONMENT", "SUSPENDED", "COMMUNITY", "FINE", "DISCHARGE")
# Supervision orders.
SUP_COMMUNITY, SUP_LICENCE, SUP_SUSPENDED = 1, 2, 3
ORDERS = ("", "COMMUNITY", "LICENCE", "SUSPENDED")

# Sentence mix by seriousness (rows MINOR, SERIOUS, GRAVE): IMP, SUSP, COMM, FINE, DISCHARGE.
_SENTENCE_MIX = np.array(
    [
        [0.08, 0.10, 0.25, 0.42, 0.15],
        [0.35, 0.20, 0.25, 0.15, 0.05],
        [0.85, 0.08, 0.05, 0.01, 0.01],
    ]
)


@dataclass(frozen=True)
class Flow:
    """The processing of every offence (arrays aligned with the offences)."""

    recorded: IntArray
    police_action: IntArray
    police_date: IntArray
    charge_date: IntArray
    decision: IntArray
    decision_date: IntArray
    hearing_date: IntArray
    legal_aid_date: IntArray
    verdict: IntArray
    verdict_date: IntArray
    sentence: IntArray
    sentence_date: IntArray
    term_months: IntArray
    remand_start: IntArray
    remand_end: IntArray
    custody_start: IntArray
    release: IntArray
    order: IntArray
    order_start: IntArray
    order_end: IntArray

    def subset(self, keep: BoolArray) -> Flow:
        """Return the flow of the offences where ``keep`` is true."""
        return Flow(**{k: v[keep] for k, v in self.__dict__.items()})


def _delay(rng: np.random.Generator, n: int, mean: float, zero_share: float = 0.0) -> IntArray:
    d = rng.exponential(mean, n).astype(np.int64)
    out: IntArray = np.where(rng.random(n) < zero_share, 0, d)
    return out


def _pick(rng: np.random.Generator, probs: npt.NDArray[np.float64]) -> IntArray:
    """Draw one category (1-based) per row from a row-wise probability matrix."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs))[:, None] * cum[:, -1:]
    out: IntArray = (u >= cum).sum(axis=1).astype(np.int64) + 1
    return out


def process(
    rng: np.random.Generator, date: IntArray, code: IntArray, age: npt.NDArray[np.float64], end: int
) -> Flow:
    """Take every offence through police, prosecution, courts, prisons and probation.

    Args:
        rng: Random generator.
        date: Day each offence occurred.
        code: Offence code index of each offence.
        age: Offender's age in years at the offence.
        end: Last day of the window; offences are recorded by then at the latest, so that every
            offender appears in the police extract.

    Returns:
        The flow of every offence; steps that do not happen are dated :data:`NEVER`.
    """
    n = len(date)
    sev = codes.code_array("seriousness").astype(np.int64)[code]
    juvenile = age < 18
    murder = code == [c.code for c in codes.CODES].index("PC-302")
    recorded = np.minimum(date + _delay(rng, n, 6.0, zero_share=0.5), end)

    # Police: a few cases end without action; cautions for minor offences and juveniles.
    p_caution = np.select([sev == codes.MINOR, sev == codes.SERIOUS], [0.25, 0.05], 0.0)
    p_caution = np.where(
        juvenile, np.minimum(p_caution * 2.2 + 0.05 * (sev < codes.GRAVE), 0.6), p_caution
    )
    u = rng.random(n)
    action = np.where(u < 0.07, NO_ACTION, np.where(u < 0.07 + 0.93 * p_caution, CAUTION, ARREST))
    police_date = np.where(action > 0, recorded + _delay(rng, n, 12.0, zero_share=0.4), NEVER)

    arrested = action == ARREST
    charged = arrested & (
        rng.random(n) < np.select([sev == codes.MINOR, sev == codes.SERIOUS], [0.75, 0.85], 0.95)
    )
    charge_date = np.where(charged, police_date + _delay(rng, n, 5.0, 0.3), NEVER)
    p_divert = np.where(juvenile, 0.20, 0.06)
    u = rng.random(n)
    decision = np.where(u < 0.11, DISCONTINUE, np.where(u < 0.11 + p_divert, DIVERT, PROSECUTE))
    decision = np.where(charged, decision, 0)
    decision_date = np.where(charged, charge_date + 1 + _delay(rng, n, 20.0), NEVER)

    prosecuted = decision == PROSECUTE
    hearing = np.where(prosecuted, decision_date + 7 + _delay(rng, n, 14.0), NEVER)
    aid = prosecuted & (rng.random(n) < np.where(sev == codes.GRAVE, 0.8, 0.58))
    aid_before = rng.random(n) < 0.8
    span = np.maximum(hearing - charge_date, 1)
    aid_date_before = charge_date + (rng.random(n) * span).astype(np.int64)
    aid_date_after = hearing + 1 + _delay(rng, n, 15.0)
    legal_aid = np.where(aid, np.where(aid_before, aid_date_before, aid_date_after), NEVER)

    court_days = rng.gamma(2.0, 45.0, n) * np.where(sev == codes.GRAVE, 2.0, 1.0)
    verdict_date = np.where(
        prosecuted,
        np.maximum(hearing + court_days.astype(np.int64), np.where(aid, legal_aid, 0)) + 1,
        NEVER,
    )
    u = rng.random(n)
    verdict = np.select([u < 0.82, u < 0.89, u < 0.94], [GUILTY, NOT_GUILTY, DISMISSED], WITHDRAWN)
    verdict = np.where(prosecuted, verdict, 0)

    guilty = verdict == GUILTY
    mix = _SENTENCE_MIX[sev - 1].copy()
    # Juvenile custody is a last resort: half of it becomes community orders.
    mix[juvenile, 2] += mix[juvenile, 0] * 0.5
    mix[juvenile, 0] *= 0.5
    sentence = np.where(murder, IMPRISONMENT, _pick(rng, mix))
    sentence = np.where(guilty, sentence, 0)
    sentence_date = np.where(guilty, verdict_date + _delay(rng, n, 21.0, 0.6), NEVER)
    imp_months = np.select(
        [sev == codes.MINOR, sev == codes.SERIOUS],
        [1 + rng.gamma(2.0, 2.0, n), 3 + rng.gamma(2.0, 6.0, n)],
        12 + rng.gamma(2.0, 24.0, n),
    )
    imp_months = np.where(murder, 120 + rng.gamma(2.0, 60.0, n), imp_months)
    order_months = 6 + rng.integers(0, 19, n)
    term = np.select(
        [sentence == IMPRISONMENT, (sentence == SUSPENDED) | (sentence == COMMUNITY)],
        [imp_months.astype(np.int64), order_months],
        0,
    )

    # Pre-trial detention for a share of prosecuted cases, mostly serious ones.
    p_remand = np.select([sev == codes.GRAVE, sev == codes.SERIOUS], [0.7, 0.25], 0.04)
    remand = prosecuted & (rng.random(n) < np.where(murder, 0.98, p_remand))
    remand_start = np.where(remand, police_date + _delay(rng, n, 1.0, 0.6), NEVER)
    disposal = np.where(guilty, sentence_date, verdict_date)
    bail = rng.random(n) < 0.25
    bail_date = (
        remand_start
        + 1
        + (rng.random(n) * np.maximum(disposal - remand_start - 1, 1)).astype(np.int64)
    )
    remand_end = np.where(
        remand, np.where(bail & (sentence != IMPRISONMENT), bail_date, disposal), NEVER
    )
    remand_days = np.where(remand, remand_end - remand_start, 0)

    imprisoned = sentence == IMPRISONMENT
    term_days = (term * MONTH_DAYS).astype(np.int64)
    served = np.maximum((term_days * rng.uniform(0.5, 0.67, n)).astype(np.int64) - remand_days, 1)
    custody_start = np.where(imprisoned, sentence_date, NEVER)
    release = np.where(imprisoned, sentence_date + served, NEVER)

    community = (sentence == COMMUNITY) | (sentence == SUSPENDED)
    order = np.select(
        [sentence == COMMUNITY, sentence == SUSPENDED, imprisoned],
        [SUP_COMMUNITY, SUP_SUSPENDED, SUP_LICENCE],
        0,
    )
    order_start = np.select(
        [community, imprisoned], [sentence_date + _delay(rng, n, 5.0, 0.5), release], NEVER
    )
    licence_end = np.maximum(sentence_date + term_days - remand_days, release + 30)
    order_end = np.select([community, imprisoned], [order_start + term_days, licence_end], NEVER)

    return Flow(
        recorded=recorded,
        police_action=action,
        police_date=police_date,
        charge_date=charge_date,
        decision=decision,
        decision_date=decision_date,
        hearing_date=hearing,
        legal_aid_date=legal_aid,
        verdict=verdict,
        verdict_date=verdict_date,
        sentence=sentence,
        sentence_date=sentence_date,
        term_months=term,
        remand_start=remand_start,
        remand_end=remand_end,
        custody_start=custody_start,
        release=release,
        order=order,
        order_start=order_start,
        order_end=order_end,
    )


def in_custody(person: IntArray, date: IntArray, flow: Flow) -> BoolArray:
    """Flag offences committed while their offender was held for an earlier offence.

    ``person`` and ``date`` must be sorted by person then date.
    """
    key = person * 200_000 + date
    starts = np.concatenate([flow.remand_start, flow.custody_start])
    ends = np.concatenate([flow.remand_end, flow.release])
    who = np.concatenate([person, person])
    valid = starts < NEVER
    starts, ends, who = starts[valid], np.minimum(ends[valid], 150_000), who[valid]
    lo = np.searchsorted(key, who * 200_000 + starts, side="right")
    hi = np.searchsorted(key, who * 200_000 + ends, side="left")
    diff = np.zeros(len(key) + 1, dtype=np.int64)
    np.add.at(diff, lo, 1)
    np.add.at(diff, hi, -1)
    return np.cumsum(diff[:-1]) > 0
