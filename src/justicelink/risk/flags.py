"""Who is flagged high risk: a share, a probability threshold, or (opt-in) one threshold
per group chosen to equalise false-positive rates.

Rules (docs/risk.md):

- ``share P``: the ``round(P x n)`` people with the highest predicted risk. People tied at
  the boundary are taken in a fixed pseudo-random order (seeded), so two scores compared
  "at the same share" flag exactly as many people, even a coarse score such as a decile.
- ``threshold T``: everyone whose predicted probability is at least T.
- equal false-positive rates (opt-in, naming a group column): each value of the column gets
  its own threshold, all giving the same false-positive rate on the training rows, the rate
  being chosen so that the overall share flagged is P (or so that it equals the single
  threshold T's false-positive rate). Values with fewer than ``min_rows`` rows share one
  pooled threshold. The thresholds are learnt on training rows only and applied to the
  held-out fold, so the validation does not peek at the outcomes it is scored on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from justicelink.risk.table import FloatArray, ObjArray

BoolArray = npt.NDArray[np.bool_]

#: Share flagged when neither --flag-share nor --threshold is given: about the share a
#: published instrument calls high risk (COMPAS deciles 8-10 are 30 % of its norm group).
DEFAULT_FLAG_SHARE = 0.30

#: Group values with fewer rows share a pooled threshold (and are left out of the gaps).
MIN_GROUP_ROWS = 100

POOLED = "(smaller groups, pooled)"


@dataclass(frozen=True, slots=True)
class FlagRule:
    """How people are flagged: exactly one of ``share`` and ``threshold`` is set.

    Attributes:
        share: Flag this share of people, highest risk first.
        threshold: Flag predicted probability >= threshold.
        equalise_fpr: Opt-in: a group column whose values get their own thresholds.
    """

    share: float | None = DEFAULT_FLAG_SHARE
    threshold: float | None = None
    equalise_fpr: str | None = None

    def describe(self) -> str:
        """One sentence for the report."""
        base = (
            f"the {self.share:.0%} with the highest predicted risk"
            if self.share is not None
            else f"predicted probability >= {self.threshold:g}"
        )
        if self.equalise_fpr:
            return f"{base}, with one threshold per {self.equalise_fpr} equalising FPR (opt-in)"
        return base


def top_share(score: npt.ArrayLike, count: int, seed: int = 0) -> BoolArray:
    """Flag the ``count`` highest scores; ties at the boundary broken by a seeded shuffle."""
    s = np.asarray(score, dtype=np.float64)
    tie_break = np.random.default_rng(seed).permutation(len(s))
    order = np.lexsort((tie_break, -s))
    flagged = np.zeros(len(s), dtype=bool)
    flagged[order[: max(0, min(count, len(s)))]] = True
    return flagged


def flag_count(n: int, share: float) -> int:
    """People flagged when flagging ``share`` of ``n``."""
    return round(share * n)


def _pool_small(group: ObjArray, min_rows: int) -> ObjArray:
    values, counts = np.unique(group.astype(str), return_counts=True)
    small = {str(v) for v, c in zip(values, counts, strict=True) if c < min_rows}
    return np.asarray([POOLED if str(g) in small else str(g) for g in group], dtype=object)


def _threshold_at_fpr(negatives_desc: FloatArray, fpr: float) -> float:
    """The lowest threshold whose false-positive rate (p >= t) is at most ``fpr``."""
    n = len(negatives_desc)
    if n == 0:
        return float("inf")
    allowed = int(np.floor(fpr * n + 1e-9))  # negatives that may be flagged
    if allowed >= n:
        return float(negatives_desc[-1])
    # Flagging p >= t flags every negative tied with t: step above the first one not allowed.
    t = float(negatives_desc[allowed])
    return float(np.nextafter(t, np.inf))


def equal_fpr_thresholds(
    probability: FloatArray,
    y: npt.NDArray[np.int8],
    group: ObjArray,
    *,
    share: float | None = None,
    fpr: float | None = None,
    min_rows: int = MIN_GROUP_ROWS,
) -> dict[str, float]:
    """Per-group thresholds with equal false-positive rates.

    Give ``fpr`` to fix the common rate, or ``share`` to choose the rate that flags that
    share of all rows. Groups under ``min_rows`` rows are pooled under :data:`POOLED`.
    """
    pooled = _pool_small(group, min_rows)
    keys = sorted(set(pooled.tolist()) - {POOLED})
    masks = {k: pooled == k for k in keys}
    masks[POOLED] = pooled == POOLED
    negatives = {k: np.sort(probability[m & (y == 0)])[::-1] for k, m in masks.items()}
    if not masks[POOLED].any():  # no small groups: the pooled threshold serves unseen values
        negatives[POOLED] = np.sort(probability[y == 0])[::-1]

    def thresholds_at(rate: float) -> dict[str, float]:
        return {k: _threshold_at_fpr(negatives[k], rate) for k in masks}

    if fpr is not None:
        return thresholds_at(fpr)
    if share is None:
        raise ValueError("give share or fpr")

    def share_at(rate: float) -> float:
        t = thresholds_at(rate)
        flagged = sum(int((probability[m] >= t[k]).sum()) for k, m in masks.items())
        return flagged / len(probability)

    # share_at is a rising step function of the rate, so a root finder needing a sign change
    # (scipy.optimize.brentq) may find none; forty halvings pin the rate to 1e-12.
    lo, hi = 0.0, 1.0
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if share_at(mid) < share else (lo, mid)
    best = min((lo, hi), key=lambda r: abs(share_at(r) - share))
    return thresholds_at(best)


def apply_thresholds(
    probability: FloatArray, group: ObjArray, thresholds: dict[str, float]
) -> BoolArray:
    """Flag each person against their group's threshold (small or unseen values: pooled)."""
    t = np.asarray([thresholds.get(str(g), thresholds[POOLED]) for g in group], dtype=np.float64)
    return np.asarray(probability >= t, dtype=bool)
