"""The breakdown by group, and the trade-off between calibration and equal error rates.

For every value of every group column: rows, base rate, mean predicted risk, calibration in
the large (observed rate minus mean predicted: positive means the model under-predicts for
that group), AUC within the group, and the flag's selection rate, FPR, FNR, PPV and NPV.

When base rates differ between groups, no flag with one threshold can be calibrated within
each group and give every group the same false-positive and false-negative rates
(Kleinberg, Mullainathan and Raghavan 2016; Chouldechova 2017). The report does not hide
which way it leans: :func:`tradeoff` puts the gaps under one threshold beside the gaps under
per-group thresholds that equalise false-positive rates, and what those cost: the same
predicted risk leads to different decisions by group (the thresholds), a flag then means a
different observed rate by group (the PPV gap), and more errors in total.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from justicelink.risk.flags import MIN_GROUP_ROWS
from justicelink.risk.metrics import ErrorRates, auc, error_rates
from justicelink.risk.table import FloatArray, ObjArray

BoolArray = npt.NDArray[np.bool_]


def _round(value: float | None) -> float | None:
    """Six decimals; ``None`` for a missing or infinite value (JSON has no Infinity)."""
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), 6)


@dataclass(frozen=True, slots=True)
class GroupRow:
    """The breakdown for one value of one group column."""

    rates: ErrorRates
    base_rate: float
    mean_predicted: float
    auc: float | None

    @property
    def calibration_in_the_large(self) -> float:
        """Observed rate minus mean predicted probability."""
        return self.base_rate - self.mean_predicted

    def to_json(self) -> dict[str, Any]:
        """The row as ``by_group[COLUMN][VALUE]`` of the JSON output."""
        r = self.rates
        return {
            "n": r.n,
            "selection_rate": _round(r.selection_rate),
            "fpr": _round(r.fpr),
            "fnr": _round(r.fnr),
            "ppv": _round(r.ppv),
            "npv": _round(r.npv),
            "base_rate": _round(self.base_rate),
            "mean_predicted": _round(self.mean_predicted),
            "calibration_in_the_large": _round(self.calibration_in_the_large),
            "auc": _round(self.auc),
        }


def breakdown(
    y: npt.NDArray[np.int8], probability: FloatArray, flagged: BoolArray, group: ObjArray
) -> dict[str, GroupRow]:
    """One :class:`GroupRow` per value of ``group``, largest first."""
    values, counts = np.unique(group.astype(str), return_counts=True)
    order = sorted(zip(values, counts, strict=True), key=lambda vc: (-vc[1], vc[0]))
    out: dict[str, GroupRow] = {}
    labels = group.astype(str)
    for value, _ in order:
        m = labels == value
        out[str(value)] = GroupRow(
            rates=error_rates(y[m], flagged[m]),
            base_rate=float(y[m].mean()),
            mean_predicted=float(probability[m].mean()),
            auc=auc(y[m], probability[m]),
        )
    return out


def gaps(rows: dict[str, GroupRow], min_rows: int = MIN_GROUP_ROWS) -> dict[str, float | None]:
    """Largest minus smallest rate across values with at least ``min_rows`` rows."""
    big = [r for r in rows.values() if r.rates.n >= min_rows]

    def spread(values: list[float | None]) -> float | None:
        present = [v for v in values if v is not None]
        return _round(max(present) - min(present)) if len(present) >= 2 else None

    return {
        "fpr_gap": spread([r.rates.fpr for r in big]),
        "fnr_gap": spread([r.rates.fnr for r in big]),
        "ppv_gap": spread([r.rates.ppv for r in big]),
        "npv_gap": spread([r.rates.npv for r in big]),
        "selection_rate_gap": spread([r.rates.selection_rate for r in big]),
        "calibration_in_the_large_gap": spread([r.calibration_in_the_large for r in big]),
    }


def tradeoff(
    column: str,
    y: npt.NDArray[np.int8],
    probability: FloatArray,
    group: ObjArray,
    single: BoolArray,
    equalised: BoolArray,
    thresholds: dict[str, float],
    *,
    in_use: bool,
) -> dict[str, Any]:
    """One threshold against per-group thresholds equalising FPR, for one group column.

    Args:
        column: The group column.
        y, probability: Outcomes and out-of-fold probabilities.
        group: The column's value per row.
        single: Flags under the single threshold (or share).
        equalised: Flags under per-group thresholds learnt fold by fold.
        thresholds: The thresholds the final model would use, per value.
        in_use: Whether the flags reported in ``by_group`` are the equalised ones (opt-in).
    """
    one = breakdown(y, probability, single, group)
    per_group = breakdown(y, probability, equalised, group)
    s_rates, e_rates = error_rates(y, single), error_rates(y, equalised)
    big = [v for v, r in one.items() if r.rates.n >= MIN_GROUP_ROWS]
    return {
        "column": column,
        "flags_reported": "equal_fpr_thresholds" if in_use else "single_threshold",
        "groups_compared": big,
        "base_rates": {v: _round(r.base_rate) for v, r in one.items()},
        "single_threshold": {
            **gaps(one),
            "selection_rate": _round(s_rates.selection_rate),
            "false_positives": s_rates.false_positives,
            "false_negatives": s_rates.false_negatives,
        },
        "equal_fpr_thresholds": {
            **gaps(per_group),
            "selection_rate": _round(e_rates.selection_rate),
            "false_positives": e_rates.false_positives,
            "false_negatives": e_rates.false_negatives,
            "thresholds": {v: _round(t) for v, t in thresholds.items()},
            "by_value": {
                v: {
                    "fpr": _round(r.rates.fpr),
                    "fnr": _round(r.rates.fnr),
                    "ppv": _round(r.rates.ppv),
                    "selection_rate": _round(r.rates.selection_rate),
                }
                for v, r in per_group.items()
            },
        },
    }
