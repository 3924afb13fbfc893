"""Random rounding to a base: the alternative to suppression that ONS and ABS use.

Each person count ``v`` becomes the multiple of ``base`` below it, or the one above it with
probability ``(v mod base) / base``: unbiased, and no published count is exact unless it is a
multiple of the base. The draw for a cell comes from a keyed hash of the cell itself (its unit
and its breakdown), not from a random stream, so the same cell is rounded the same way in
every table and in every run. Totals are rounded on their own (the tables no longer add up
exactly, which is the price of this method); shares and rates are recomputed from the
rounded counts. Medians cannot be rounded into safety: their cells with fewer units than the
threshold are suppressed instead.
"""

from __future__ import annotations

import hashlib

from justicelink.disclosure.cells import Cells


def _draw(key: str, seed: str) -> float:
    digest = hashlib.sha256(f"{seed}\x1f{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def round_value(value: int, base: int, key: str, seed: str) -> int:
    """``value`` randomly rounded to a multiple of ``base`` (keyed, so repeatable)."""
    below = value - value % base
    if value % base == 0:
        return value
    return below + base if _draw(key, seed) < (value % base) / base else below


def rounded(cells: Cells, base: int, seed: str) -> list[int]:
    """Every variable's rounded value."""
    out = []
    for (unit, conjunction), value in zip(cells.keys, cells.values, strict=True):
        key = "|".join([unit[0], unit[1], *sorted(f"{d}={v}" for d, v in conjunction)])
        out.append(round_value(value, base, key, seed))
    return out
