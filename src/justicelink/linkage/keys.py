"""Blocking keys: the columns that decide which pairs of records are compared at all.

Every key is kept only where few enough records share it (a block grows with the square of
its size): see :data:`MAX_PAIR_BLOCK`, :data:`MAX_TOKEN_BLOCK`, :data:`MAX_KEY_BLOCK`,
:data:`MAX_EDIT_BLOCK` and docs/linkage.md ("Blocking").
"""

from __future__ import annotations

from functools import lru_cache
from typing import cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


@lru_cache(maxsize=1_000_000)
def word_pairs(tokens: tuple[str, ...]) -> tuple[str, ...]:
    # Every two words of a name (a blocking key: two shared words survive a typo in a third).
    return tuple(f"{a} {b}" for i, a in enumerate(tokens) for b in tokens[i + 1 :])


def name_edits(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The name and every form of it with one letter dropped, words re-sorted.

    Two names one typo apart (a letter changed, added or dropped, or two neighbours
    swapped) always share one of these keys: drop the changed letter from both, the added
    one from the longer, or either swapped one from each (a name of one letter has no
    shorter form, so it meets only itself). This is the deletion neighbourhood used for
    approximate look-up. Blocking on it finds a name with a typo whose other words are too
    common to block on, where the typo changed the sound of the name.
    """
    if not tokens:
        return ()
    keys = {" ".join(tokens)}
    for i, word in enumerate(tokens):
        rest = tokens[:i] + tokens[i + 1 :]
        for j in range(len(word)):
            shorter = word[:j] + word[j + 1 :]
            words = (*rest, shorter) if shorter else rest
            if words:
                keys.add(" ".join(sorted(words)))
    return tuple(sorted(keys))


# Blocking keys shared by more records than this are dropped from the blocking columns (not
# from the comparisons): a block grows with the square of its size, so a few very common
# names ("nguyen thi", "muhammad") would otherwise make the work grow with the square of the
# number of records. Pairs sharing only such keys still meet through the other rules.
MAX_PAIR_BLOCK = 50
MAX_TOKEN_BLOCK = 3000
# The cap on keys that join a name, or a date of birth, to something else: a name word or
# two name words and the year of birth; a date of birth and sex. At 1e6 records the keys of
# a name word and a year shared by more than 50 records made 190 million pairs for 0.5% of
# the true pairs (docs/linkage.md, "Blocking").
MAX_KEY_BLOCK = 50
# The cap on a name's one-typo forms (``name_edits``) for pairs in which one record has no
# year of birth. These blocks are joined in full before the year is looked at, so only the
# forms that a record without a year holds are kept; at 1e6 records a cap of 200 found 2,138
# more true pairs for 0.8 million more pairs (docs/linkage.md, "Blocking").
MAX_EDIT_BLOCK = 200


def capped(keys: list[list[str] | None] | pa.ListArray, cap: int) -> pa.ListArray:
    """Each record's keys, keeping only those held by at most ``cap`` records.

    Counted on the keys' dictionary codes with NumPy: at 1e6 records the columns hold tens
    of millions of keys, which Python's Counter took a minute over.
    """
    lists = keys if isinstance(keys, pa.ListArray) else pa.array(keys, pa.list_(pa.string()))
    flat = pc.list_flatten(lists)
    owner = pc.list_parent_indices(lists).to_numpy().astype(np.int64)
    encoded = pc.dictionary_encode(flat)
    code = encoded.indices.to_numpy().astype(np.int64)
    distinct = max(len(encoded.dictionary), 1)
    # A key counts once per record that holds it, however often the record repeats it.
    # (Sorted and masked by hand: np.unique took 50 s on 24 million keys, np.sort 0.4 s.)
    pairs = np.sort(owner * distinct + code)
    first = np.ones(len(pairs), dtype=bool)
    first[1:] = pairs[1:] != pairs[:-1]
    held = pairs[first] % distinct
    holders = np.bincount(held, minlength=distinct)
    keep = holders[code] <= cap
    sizes = np.bincount(owner[keep], minlength=len(lists))
    offsets = pa.array(np.concatenate(([0], np.cumsum(sizes))), pa.int32())
    kept = flat.filter(pa.array(keep))
    return pa.ListArray.from_arrays(offsets, kept, mask=pa.array(sizes == 0))


def _regroup(values: pa.Array, owner: np.ndarray, rows: int) -> pa.ListArray:
    """``values`` as lists by ``owner`` (a record index per value), each list sorted; no
    list where none."""
    keep = ~pc.is_null(values).to_numpy(zero_copy_only=False)
    table = pa.table({"owner": owner[keep], "value": values.filter(pa.array(keep))})
    table = table.sort_by([("owner", "ascending"), ("value", "ascending")])
    sizes = np.bincount(table.column("owner").to_numpy(), minlength=rows)
    offsets = pa.array(np.concatenate(([0], np.cumsum(sizes))), pa.int32())
    kept = table.column("value").combine_chunks()
    return pa.ListArray.from_arrays(offsets, kept, mask=pa.array(sizes == 0))


def _concat_lists(left: pa.ListArray, right: pa.ListArray) -> pa.ListArray:
    """Each record's ``left`` values followed by its ``right`` values."""
    values = pa.concat_arrays([pc.list_flatten(left), pc.list_flatten(right)])
    owner = np.concatenate(
        [pc.list_parent_indices(left).to_numpy(), pc.list_parent_indices(right).to_numpy()]
    ).astype(np.int64)
    return _regroup(values, owner, len(left))


def with_years(keys: pa.ListArray, years: pa.Array, shifts: tuple[int, ...] = (0,)) -> pa.ListArray:
    """Each record's keys joined to its year of birth plus each of ``shifts`` (``key 1990``).

    A record without a year, or without keys, has no list. Built on Arrow arrays: at 1e6
    records these columns hold tens of millions of keys.
    """
    flat = pc.list_flatten(keys)
    owner = pc.list_parent_indices(keys)
    year = pc.take(years, owner)
    joined = [
        pc.binary_join_element_wise(flat, pc.cast(pc.add(year, shift), pa.string()), " ")
        for shift in shifts
    ]
    values = pa.concat_arrays(joined) if joined else pa.array([], pa.string())
    owners = np.tile(owner.to_numpy().astype(np.int64), len(shifts))
    return _regroup(values, owners, len(keys))


def distinctive(out: dict[str, list[object]]) -> dict[str, pa.Array]:
    """The capped blocking columns, from the uncapped keys of every record.

    ``name_pairs`` and ``block_tokens`` keep the name keys no more common than their caps;
    ``name_years`` (a name word or two, with the year of birth), ``dob_sex`` (the full
    date of birth and sex) and ``name_edit_years`` (a one-typo form of the name, with the
    year of birth or the next) those held by at most :data:`MAX_KEY_BLOCK` records;
    ``name_edits`` the one-typo forms that a record without a year of birth holds, held by
    at most :data:`MAX_EDIT_BLOCK` records.
    """
    columns: dict[str, pa.Array] = {}
    pairs = cast(list[list[str] | None], out["name_pairs"])
    tokens = cast(list[list[str] | None], out["name_tokens"])
    years = cast(list[int | None], out["dob_year"])
    columns["name_pairs"] = capped(pairs, MAX_PAIR_BLOCK)
    columns["block_tokens"] = capped(tokens, MAX_TOKEN_BLOCK)
    year_array = pa.array(years, pa.int32())
    token_lists = pa.array(tokens, pa.list_(pa.string()))
    pair_lists = pa.array(pairs, pa.list_(pa.string()))
    # A name word or two with the year of birth (words have no spaces, pairs one: no key is
    # both). Records without a word of name have none.
    words_and_pairs = _concat_lists(token_lists, pair_lists)
    columns["name_years"] = capped(with_years(words_and_pairs, year_array), MAX_KEY_BLOCK)

    dob_text = pc.cast(pa.array(out["dob_exact"], pa.date32()), pa.string())
    dob_sex = pc.binary_join_element_wise(dob_text, pa.array(out["sex"], pa.string()), " ")
    rows = len(dob_sex)
    one_each = _regroup(dob_sex, np.arange(rows, dtype=np.int64), rows)
    columns["dob_sex"] = pc.list_element(capped(one_each, MAX_KEY_BLOCK), 0)

    # Computed once per distinct name, in a cache that goes when the columns are built (a
    # module-level cache would hold millions of forms through the scoring that follows).
    forms: dict[tuple[str, ...], tuple[str, ...]] = {}
    edits = [
        forms.get(name) or forms.setdefault(name, name_edits(name))
        for name in (tuple(words) if words else () for words in tokens)
    ]
    # A one-typo form with the year of birth or the next one: years one apart meet too.
    edit_years = with_years(pa.array(edits, pa.list_(pa.string())), year_array, shifts=(0, 1))
    columns["name_edit_years"] = capped(edit_years, MAX_KEY_BLOCK)
    without_year = {
        key for keys, year in zip(edits, years, strict=True) if year is None for key in keys
    }
    edit_keys = [[k for k in keys if k in without_year] or None for keys in edits]
    columns["name_edits"] = capped(edit_keys, MAX_EDIT_BLOCK)
    return columns


def alias_blocks(forms: list[list[str] | None]) -> pa.ListArray:
    """Blocking keys for aliases: every form (name and aliases) of a record with aliases,
    and the name of a record whose name is an alias form of another record; held by at
    most :data:`MAX_EDIT_BLOCK` records.

    Args:
        forms: Per record its name key first, then the keys of its alias forms.
    """
    aliased = {key for f in forms if f and len(f) > 1 for key in f[1:]}
    keys: list[list[str] | None] = []
    for f in forms:
        if f and len(f) > 1:
            keys.append(f)
        else:
            keys.append([f[0]] if f and f[0] in aliased else None)
    return capped(keys, MAX_EDIT_BLOCK)
