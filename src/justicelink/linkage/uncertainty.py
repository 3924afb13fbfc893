"""Linkage error as uncertainty: clusterings drawn from the model's match probabilities.

On real data there is no truth to measure a figure's linkage error against. The model says how
likely each scored pair is to be one person; a draw keeps each pair with that probability
(pairs reviewers decided keep their decision) and groups records by the kept pairs, giving one
plausible set of persons. A figure computed on many draws varies as much as linkage allows.

Two choices, both because Splink's probabilities are not calibrated far from the threshold
(its comparisons are assumed independent, which names and dates of birth are not): on the
synthetic country, pairs scored 0.1 to 0.2 were one person 3% of the time, not 15%.

- Pairs the model scores below :data:`FLOOR` (more likely two people than one) are never
  drawn as links: drawn independently, thousands of them would chain unrelated persons
  together in every draw.
- The interval is symmetric around the published figure: the figure plus or minus the 95th
  percentile of its absolute change over the draws. The draws measure how much linkage
  decisions move the figure; without calibrated probabilities they cannot tell in which
  direction the truth lies.

The draws are seeded: the same run gives the same interval.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

SEED = 20191
FLOOR = 0.5


def draw_labels(
    records: Sequence[str],
    left: Sequence[str],
    right: Sequence[str],
    probability: np.ndarray,
    draws: int,
    seed: int = SEED,
) -> Iterator[np.ndarray]:
    """``draws`` clusterings of ``records`` (a person label per record, in their order).

    Args:
        records: Every record id (each a node, linked or not).
        left, right: The scored pairs' record ids.
        probability: Each pair's probability of being one person (1 or 0 where decided).
        draws: How many clusterings to draw.
        seed: Seeds the draws.
    """
    index = {rid: i for i, rid in enumerate(records)}
    a = np.fromiter((index[x] for x in left), dtype=np.int64, count=len(left))
    b = np.fromiter((index[x] for x in right), dtype=np.int64, count=len(right))
    n = len(records)
    rng = np.random.default_rng(seed)
    for _ in range(draws):
        keep = (rng.random(len(a)) < probability) & (probability >= FLOOR)
        graph = coo_matrix((np.ones(int(keep.sum())), (a[keep], b[keep])), shape=(n, n))
        yield connected_components(graph, directed=False)[1]


def changed(base: np.ndarray, drawn: np.ndarray) -> np.ndarray:
    """The records whose person a draw changed: every record of a base person that the draw
    split, or merged with another (a mask over the records).

    Args:
        base: Each record's person in the published linkage (integer codes).
        drawn: Each record's person in the draw.
    """
    pairs = np.unique(np.stack([base, drawn], axis=1), axis=0)
    split = np.unique(pairs[:, 0], return_counts=True)
    merged = np.unique(pairs[:, 1], return_counts=True)
    touched = set(split[0][split[1] > 1].tolist())
    merged_labels = merged[0][merged[1] > 1]
    touched |= set(pairs[np.isin(pairs[:, 1], merged_labels), 0].tolist())
    return np.isin(base, np.fromiter(touched, dtype=base.dtype, count=len(touched)))


def interval(figure: float, draws: list[float]) -> tuple[float, float]:
    """``figure`` plus or minus the 95th percentile of its absolute change over the draws."""
    if not draws:
        return (figure, figure)
    spread = float(np.percentile(np.abs(np.array(draws) - figure), 95))
    return figure - spread, figure + spread
