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

import numpy as np
import pyarrow as pa
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

SEED = 20191
FLOOR = 0.5


def draw_persons(
    records: pa.Array | pa.ChunkedArray,
    left: pa.Array | pa.ChunkedArray,
    right: pa.Array | pa.ChunkedArray,
    probability: np.ndarray,
    draws: int,
    seed: int = SEED,
) -> list[pa.Table]:
    """``draws`` record -> person tables, each from one sample of the scored pairs.

    Args:
        records: Every record id (each a node, linked or not).
        left, right: The scored pairs' record ids.
        probability: Each pair's probability of being one person (1 or 0 where decided).
        draws: How many clusterings to draw.
        seed: Seeds the draws.
    """
    ids = pa.chunked_array([records]) if isinstance(records, pa.Array) else records
    ids = ids.combine_chunks()
    index = {rid: i for i, rid in enumerate(ids.to_pylist())}
    a = np.array([index[x] for x in left.to_pylist()], dtype=np.int64)
    b = np.array([index[x] for x in right.to_pylist()], dtype=np.int64)
    n = len(ids)
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(draws):
        keep = (rng.random(len(a)) < probability) & (probability >= FLOOR)
        graph = coo_matrix((np.ones(int(keep.sum())), (a[keep], b[keep])), shape=(n, n))
        _, labels = connected_components(graph, directed=False)
        out.append(
            pa.table(
                {"record_id": ids, "person_id": pa.array(labels.astype(np.int64)).cast(pa.string())}
            )
        )
    return out


def interval(figure: float, draws: list[float]) -> tuple[float, float]:
    """``figure`` plus or minus the 95th percentile of its absolute change over the draws."""
    if not draws:
        return (figure, figure)
    spread = float(np.percentile(np.abs(np.array(draws) - figure), 95))
    return figure - spread, figure + spread
