"""Person records in the form the linkage model compares.

One row per ``person_record`` with the identity evidence normalised (see
:mod:`justicelink.linkage.normalise`): order-free name tokens, a phonetic key, a date of
birth split by how far it can be trusted, a cleaned id number and an address. Records with
neither a name nor a year of birth cannot be compared and are set aside.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import cast

import jellyfish
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import sqlglot.expressions as exp

from justicelink.linkage.normalise import fold, linkage_dob, name_tokens
from justicelink.warehouse.port import Warehouse

_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")
_NOT_WORD = re.compile(r"[^a-z0-9]+")

# The columns read from person_record, in order.
SOURCE_COLUMNS = (
    "record_id",
    "agency_id",
    "family_name",
    "given_names",
    "full_name",
    "sex",
    "date_of_birth",
    "dob_precision",
    "birth_year",
    "id_number",
    "address",
    "source_file",
    "source_row",
)

SCHEMA = pa.schema(
    [
        ("unique_id", pa.string()),
        ("agency_id", pa.string()),
        ("name_tokens", pa.list_(pa.string())),
        ("name_key", pa.string()),
        ("name_phonetic", pa.string()),
        ("name_sounds", pa.list_(pa.string())),
        ("dob_exact", pa.date32()),
        ("dob_swapped", pa.date32()),
        ("dob_text", pa.string()),
        ("dob_year", pa.int32()),
        ("dob_month", pa.int32()),
        ("dob_day", pa.int32()),
        ("sex", pa.string()),
        ("id_number", pa.string()),
        ("address_key", pa.string()),
        ("district", pa.string()),
        ("case_refs", pa.list_(pa.string())),
        ("name_pairs", pa.list_(pa.string())),
        ("block_tokens", pa.list_(pa.string())),
        ("name_phonetic_no_year", pa.string()),
        ("name_years", pa.list_(pa.string())),
        ("dob_sex", pa.string()),
        ("name_edit_years", pa.list_(pa.string())),
        ("name_edits", pa.list_(pa.string())),
    ]
)


@lru_cache(maxsize=1_000_000)
def _names(family: str | None, given: str | None, full: str | None) -> tuple[str, ...]:
    # The split fields when the agency gave them, else the one full-name field.
    if family or given:
        return name_tokens(family, given)
    return name_tokens(full)


@lru_cache(maxsize=1_000_000)
def _sounds(tokens: tuple[str, ...]) -> tuple[str, ...]:
    # Metaphone (jellyfish) per word, sorted: spellings that sound alike meet.
    return tuple(sorted(jellyfish.metaphone(t) for t in tokens))


def clean_id(value: str | None) -> str | None:
    """An identity number as compared: upper-case letters and digits only."""
    cleaned = _NOT_ALNUM.sub("", value.upper()) if value else ""
    return cleaned or None


def _address(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    district = fold(value.rsplit(",", 1)[-1]) if "," in value else ""
    # House numbers count in an address: fold the letters, keep the digits.
    plain = unicodedata.normalize("NFKD", value.lower())
    key = " ".join(_NOT_WORD.sub(" ", plain).split())
    return key or None, district or None


@lru_cache(maxsize=1_000_000)
def _pairs(tokens: tuple[str, ...]) -> tuple[str, ...]:
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


def prepare_rows(
    rows: pa.Table, case_refs: Mapping[str, list[str]] | None = None
) -> tuple[pa.Table, list[str]]:
    """Normalise person records for comparison.

    Args:
        rows: person_record columns named in ``SOURCE_COLUMNS``.
        case_refs: record id -> the case references of its events (a case number that two
            agencies share is evidence that their records are one person).

    Returns:
        The comparable records (schema :data:`SCHEMA`) and the record ids of records that
        cannot be compared (no name and no year of birth).
    """
    cols = {name: rows.column(name).to_pylist() for name in SOURCE_COLUMNS}
    out: dict[str, list[object]] = {field.name: [] for field in SCHEMA}
    incomparable: list[str] = []
    for i, record_id in enumerate(cols["record_id"]):
        tokens = _names(cols["family_name"][i], cols["given_names"][i], cols["full_name"][i])
        born: dt.date | None = cols["date_of_birth"][i]
        dob = linkage_dob(born, cols["dob_precision"][i])
        year = dob.year if dob.year is not None else cols["birth_year"][i]
        if not tokens and year is None:
            incomparable.append(record_id)
            continue
        address_key, district = _address(cols["address"][i])
        sex = cols["sex"][i]
        phonetic = " ".join(_sounds(tokens)) or None
        values = (
            record_id,
            cols["agency_id"][i],
            list(tokens) or None,
            " ".join(tokens) or None,
            phonetic,
            list(_sounds(tokens)) or None,
            dob.exact,
            dob.swapped,
            dob.exact.isoformat() if dob.exact else None,
            year,
            dob.month,
            dob.day,
            sex if sex in ("male", "female") else None,
            clean_id(cols["id_number"][i]),
            address_key,
            district,
            (case_refs or {}).get(record_id) or None,
            list(_pairs(tokens)) or None,
            None,  # block_tokens: filled once all records are known
            # A record without a year of birth meets others by the sound of its name alone.
            phonetic if year is None else None,
            None,  # name_years, dob_sex, name_edit_years and name_edits: filled once all
            None,  # records are known
            None,
            None,
        )
        for field, value in zip(SCHEMA.names, values, strict=True):
            out[field].append(value)
    columns: dict[str, list[object] | pa.Array] = {**out, **_distinctive(out)}
    return pa.table(columns, schema=SCHEMA), incomparable


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


def _capped(keys: list[list[str] | None], cap: int) -> pa.ListArray:
    """Each record's keys, keeping only those held by at most ``cap`` records.

    Counted on the keys' dictionary codes with NumPy: at 1e6 records the columns hold tens
    of millions of keys, which Python's Counter took a minute over.
    """
    lists = pa.array(keys, pa.list_(pa.string()))
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


def _distinctive(out: dict[str, list[object]]) -> dict[str, pa.Array]:
    """The capped blocking columns, from the uncapped keys of every record.

    ``name_pairs`` and ``block_tokens`` keep the name keys no more common than their caps;
    ``name_years`` (a name word or two, with the year of birth), ``dob_sex`` (the full
    date of birth and sex) and ``name_edit_years`` (a one-typo form of the name, with the
    year of birth or the next) those held by at most :data:`MAX_KEY_BLOCK` records;
    ``name_edits`` the one-typo forms that a record without a year of birth holds, held by
    at most :data:`MAX_EDIT_BLOCK` records.
    """
    capped: dict[str, pa.Array] = {}
    pairs = cast(list[list[str] | None], out["name_pairs"])
    tokens = cast(list[list[str] | None], out["name_tokens"])
    years = cast(list[int | None], out["dob_year"])
    capped["name_pairs"] = _capped(pairs, MAX_PAIR_BLOCK)
    capped["block_tokens"] = _capped(tokens, MAX_TOKEN_BLOCK)
    name_years = [
        [f"{key} {year}" for key in sorted({*words, *(word_pairs or ())})]
        if words and year is not None
        else None
        for words, word_pairs, year in zip(tokens, pairs, years, strict=True)
    ]
    capped["name_years"] = _capped(name_years, MAX_KEY_BLOCK)

    dobs = cast(list[dt.date | None], out["dob_exact"])
    sexes = cast(list[str | None], out["sex"])
    dob_sex = [
        [f"{d.isoformat()} {s}"] if d is not None and s is not None else None
        for d, s in zip(dobs, sexes, strict=True)
    ]
    capped["dob_sex"] = pc.list_element(_capped(dob_sex, MAX_KEY_BLOCK), 0)

    # Computed once per distinct name, in a cache that goes when the columns are built (a
    # module-level cache would hold millions of forms through the scoring that follows).
    forms: dict[tuple[str, ...], tuple[str, ...]] = {}
    edits = [
        forms.get(name) or forms.setdefault(name, name_edits(name))
        for name in (tuple(words) if words else () for words in tokens)
    ]
    # A one-typo form with the year of birth or the next one: years one apart meet too.
    edit_years = [
        [f"{key} {y}" for key in keys for y in (year, year + 1)]
        if keys and year is not None
        else None
        for keys, year in zip(edits, years, strict=True)
    ]
    capped["name_edit_years"] = _capped(edit_years, MAX_KEY_BLOCK)
    without_year = {
        key for keys, year in zip(edits, years, strict=True) if year is None for key in keys
    }
    edit_keys = [[k for k in keys if k in without_year] or None for keys in edits]
    capped["name_edits"] = _capped(edit_keys, MAX_EDIT_BLOCK)
    return capped


def read_records(warehouse: Warehouse) -> pa.Table:
    """The person records of the warehouse, in record-id order."""
    query = exp.select(*SOURCE_COLUMNS).from_("person_record").order_by("record_id")
    return warehouse.fetch_arrow(query)


def read_case_refs(warehouse: Warehouse) -> dict[str, list[str]]:
    """record id -> distinct case references of its events."""
    ref = exp.column("case_ref")
    query = (
        exp.select("record_id", ref)
        .distinct()
        .from_("case_event")
        .where(ref.is_(exp.null()).not_())
    )
    rows = warehouse.fetch_arrow(query)
    found: dict[str, list[str]] = {}
    for rid, case in zip(
        rows.column("record_id").to_pylist(), rows.column("case_ref").to_pylist(), strict=True
    ):
        found.setdefault(str(rid), []).append(str(case))
    return {rid: sorted(refs) for rid, refs in found.items()}
