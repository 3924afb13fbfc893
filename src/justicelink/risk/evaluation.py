"""One score's validation: discrimination, calibration and the breakdown by group."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from justicelink.risk.fairness import GroupRow, breakdown, gaps
from justicelink.risk.metrics import (
    ReliabilityBin,
    auc,
    auc_delong_ci,
    brier,
    expected_calibration_error,
    reliability_table,
)
from justicelink.risk.table import FloatArray, ObjArray


def _round(value: float | None) -> float | None:
    """Six decimals; ``None`` for a missing or infinite value (JSON has no Infinity)."""
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), 6)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Metrics of one score on one set of people.

    Attributes:
        n: People.
        flagged: People flagged high risk.
        auc, auc_ci: AUC and its 95 % DeLong interval (``None`` without both outcomes).
        brier, ece: Brier score and expected calibration error of the probabilities.
        calibration: The reliability table.
        by_group: Group column -> value -> breakdown.
    """

    n: int
    flagged: int
    auc: float | None
    auc_ci: tuple[float, float] | None
    brier: float
    ece: float
    calibration: list[ReliabilityBin]
    by_group: dict[str, dict[str, GroupRow]]

    def metrics_json(self) -> dict[str, Any]:
        """``auc``, ``auc_ci``, ``brier``, ``ece``, ``calibration``, ``by_group``."""
        return {
            "auc": _round(self.auc),
            "auc_ci": None if self.auc_ci is None else [_round(v) for v in self.auc_ci],
            "brier": _round(self.brier),
            "ece": _round(self.ece),
            "calibration": [b.to_json() for b in self.calibration],
            "by_group": {
                column: {value: row.to_json() for value, row in rows.items()}
                for column, rows in self.by_group.items()
            },
        }

    def summary_json(self) -> dict[str, Any]:
        """The metrics plus the gaps between groups, for yardsticks and comparisons."""
        return {
            "n": self.n,
            "flagged": self.flagged,
            **self.metrics_json(),
            "gaps": {column: gaps(rows) for column, rows in self.by_group.items()},
        }


def evaluate(
    y: npt.NDArray[np.int8],
    probability: FloatArray,
    flagged: npt.NDArray[np.bool_],
    groups: dict[str, ObjArray],
) -> Evaluation:
    """Every metric of ``probability`` and ``flagged`` against outcomes ``y``."""
    return Evaluation(
        n=len(y),
        flagged=int(flagged.sum()),
        auc=auc(y, probability),
        auc_ci=auc_delong_ci(y, probability),
        brier=brier(y, probability),
        ece=expected_calibration_error(y, probability),
        calibration=reliability_table(y, probability),
        by_group={c: breakdown(y, probability, flagged, g) for c, g in groups.items()},
    )
