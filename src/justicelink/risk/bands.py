"""Bands: how each predictor is cut into the rows of the points table.

A number or date is cut at quantiles of the training rows (at most ``max_bands`` bands, each
holding at least ``min_rows`` training rows), so the model can learn any shape (the steep
fall of risk with age, the flattening of risk with many previous offences) without a formula.
A category keeps each value seen in at least ``min_rows`` training rows as a band of its
own; rarer values (and values never seen in training) share the band ``other``. Every
predictor also has a band ``missing``, so a row with a missing value is kept and scored.

Written by hand rather than with scikit-learn's ``KBinsDiscretizer``, which neither keeps a
band for missing values nor merges bands that ties leave nearly empty, and labels nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from justicelink.risk.table import FloatArray, IntArray, Predictor, PredictorKind, Unit

MISSING_BAND = "missing"
OTHER_BAND = "other"
_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class BandSettings:
    """How finely predictors are cut.

    Attributes:
        max_bands: At most this many bands per number or date (before 'missing').
        min_share: A band holds at least this share of the training rows ...
        min_rows: ... and at least this many rows.
    """

    max_bands: int = 20
    min_share: float = 0.01
    min_rows: int = 20

    def min_count(self, n_rows: int) -> int:
        """Rows a band needs, for a training set of ``n_rows``."""
        return max(self.min_rows, math.ceil(self.min_share * n_rows))


@dataclass(frozen=True, slots=True)
class Banding:
    """The bands of one predictor, learnt on training rows.

    Numbers and dates: band 0 is below ``edges[0]``, band i holds [edges[i-1], edges[i]),
    the last numeric band is at or above ``edges[-1]``; then 'missing'. Categories: one band
    per level in ``levels``, then 'other', then 'missing'.
    """

    name: str
    kind: PredictorKind
    unit: Unit
    edges: tuple[float, ...] = ()
    levels: tuple[str, ...] = ()
    integer: bool = False
    lowest: float | None = None

    @property
    def n_bands(self) -> int:
        """All bands, 'other' and 'missing' included."""
        if self.kind is PredictorKind.CATEGORY:
            return len(self.levels) + 2
        return len(self.edges) + 2

    @property
    def missing_band(self) -> int:
        """Index of the band 'missing' (always the last)."""
        return self.n_bands - 1

    def assign(self, values: FloatArray | npt.NDArray[np.object_]) -> IntArray:
        """The band of each value."""
        if self.kind is PredictorKind.CATEGORY:
            v = np.asarray(values, dtype=object)
            missing = np.asarray([x is None for x in v], dtype=bool)
            out = np.full(len(v), self.missing_band, dtype=np.int64)
            if (~missing).any():  # look up each distinct value once
                distinct, inverse = np.unique(v[~missing].astype(str), return_inverse=True)
                lookup = {level: i for i, level in enumerate(self.levels)}
                other = len(self.levels)
                codes = np.asarray([lookup.get(str(d), other) for d in distinct], np.int64)
                out[~missing] = codes[inverse]
            return out
        x = np.asarray(values, dtype=np.float64)
        bands = np.searchsorted(np.asarray(self.edges, dtype=np.float64), x, side="right")
        return np.where(np.isnan(x), self.missing_band, bands).astype(np.int64)

    def labels(self) -> list[str]:
        """A short label per band, as the points table prints it."""
        if self.kind is PredictorKind.CATEGORY:
            return [*self.levels, OTHER_BAND, MISSING_BAND]
        if not self.edges:
            return ["any value", MISSING_BAND]
        fmt = self._format
        e = self.edges
        if self.unit is Unit.CALENDAR:
            out = [f"before {fmt(e[0])}"]
        elif self.integer and self.lowest is not None:
            # The lowest value seen in training reads better than "< 21"; lower values
            # met later still fall in this band (docs/risk.md says so).
            out = [self._range(self.lowest, e[0] - 1)]
        else:
            out = [f"< {fmt(e[0])}"]
        for lo, hi in itertools.pairwise(e):
            if self.integer and self.unit is not Unit.CALENDAR:
                out.append(self._range(lo, hi - 1))
            elif self.unit is Unit.CALENDAR:
                out.append(f"{fmt(lo)} to {fmt(hi - 1)}")
            else:
                out.append(f"{fmt(lo)} to < {fmt(hi)}")
        out.append(f"≥ {fmt(e[-1])}" if self.unit is not Unit.CALENDAR else f"from {fmt(e[-1])}")
        suffix = {Unit.DAYS: " days", Unit.YEARS: " years"}.get(self.unit, "")
        return [label + suffix for label in out] + [MISSING_BAND]

    def _range(self, low: float, high: float) -> str:
        """An integer range: "21–23", "5", or "-3 to -1" (a dash after a minus misleads)."""
        if low == high:
            return self._format(low)
        sep = "–" if low >= 0 else " to "
        return f"{self._format(low)}{sep}{self._format(high)}"

    def _format(self, value: float) -> str:
        if self.unit is Unit.CALENDAR:
            return (_EPOCH + dt.timedelta(days=math.floor(value))).isoformat()
        if self.integer or float(value).is_integer():
            return f"{int(value):,}" if abs(value) >= 10_000 else str(int(value))
        return f"{value:g}"

    def to_json(self) -> dict[str, Any]:
        """The banding as stored in a saved model."""
        doc: dict[str, Any] = {"kind": self.kind.value, "unit": self.unit.value}
        if self.kind is PredictorKind.CATEGORY:
            doc["levels"] = list(self.levels)
        else:
            doc["edges"] = list(self.edges)
            doc["integer"] = self.integer
            doc["lowest"] = self.lowest
        return doc

    @classmethod
    def from_json(cls, name: str, doc: dict[str, Any]) -> Banding:
        """The inverse of :meth:`to_json`."""
        return cls(
            name=name,
            kind=PredictorKind(doc["kind"]),
            unit=Unit(doc["unit"]),
            edges=tuple(float(e) for e in doc.get("edges", ())),
            levels=tuple(str(v) for v in doc.get("levels", ())),
            integer=bool(doc.get("integer", False)),
            lowest=None if doc.get("lowest") is None else float(doc["lowest"]),
        )


def fit_banding(predictor: Predictor, rows: IntArray, settings: BandSettings) -> Banding:
    """Learn the bands of ``predictor`` from the training ``rows`` (indices)."""
    min_count = settings.min_count(len(rows))
    values = predictor.values[rows]
    if predictor.kind is PredictorKind.CATEGORY:
        present = [str(v) for v in values if v is not None]
        levels, counts = np.unique(np.asarray(present, dtype=object), return_counts=True)
        order = sorted(
            ((str(level), int(c)) for level, c in zip(levels, counts, strict=True)),
            key=lambda lc: (-lc[1], lc[0]),
        )
        kept = tuple(level for level, c in order if c >= min_count)
        return Banding(predictor.name, predictor.kind, predictor.unit, levels=kept)
    x = np.asarray(values, dtype=np.float64)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return Banding(predictor.name, predictor.kind, predictor.unit)
    integer = bool(np.all(x == np.round(x)))
    edges = _edges(x, settings.max_bands, min_count, integer, predictor.unit)
    return Banding(
        predictor.name,
        predictor.kind,
        predictor.unit,
        tuple(edges),
        integer=integer,
        lowest=float(x.min()),
    )


def _edges(x: FloatArray, max_bands: int, min_count: int, integer: bool, unit: Unit) -> list[float]:
    """Cut points: start fine, then merge until the bands are few and full enough.

    Candidates are every distinct value when there are few (so a count that is 0 for 92 %
    of people still gets a band for 1, another for 2, ...), otherwise quantiles at
    ``4 x max_bands`` levels. Bands under ``min_count`` rows join their smaller neighbour;
    then, while there are more than ``max_bands``, the adjacent pair holding the fewest rows
    is joined (which tends towards equal-frequency bands).
    """
    distinct = np.unique(x)
    if len(distinct) <= 4 * max_bands:
        candidates = distinct
    else:
        levels = np.arange(1, 4 * max_bands) / (4 * max_bands)
        # inverted_cdf returns observed values, so every edge is a value someone has.
        q = np.quantile(x, levels, method="inverted_cdf")
        if unit is Unit.CALENDAR:
            q = np.floor(q)  # a band starts on a whole day
        elif not integer:
            q = np.asarray([_three_figures(v) for v in q])  # 0.9861 days reads as 0.986
        candidates = np.unique(q)
    edges = [float(e) for e in candidates if e > x.min()]
    counts = [
        int(c)
        for c in np.bincount(np.searchsorted(edges, x, side="right"), minlength=len(edges) + 1)
    ]

    def join(band: int) -> None:  # join band and band + 1
        counts[band] += counts.pop(band + 1)
        del edges[band]

    while edges and min(counts) < min_count:
        small = counts.index(min(counts))
        if small == len(counts) - 1 or (small > 0 and counts[small - 1] <= counts[small + 1]):
            join(small - 1)
        else:
            join(small)
    while len(counts) > max_bands:
        pairs = [counts[i] + counts[i + 1] for i in range(len(counts) - 1)]
        join(pairs.index(min(pairs)))
    return edges


def _three_figures(value: float) -> float:
    if value == 0 or not math.isfinite(value):
        return float(value)
    digits = 2 - math.floor(math.log10(abs(value)))
    return float(round(value, digits))
