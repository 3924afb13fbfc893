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
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache
from typing import cast

import jellyfish
import pyarrow as pa
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
        values = (
            record_id,
            cols["agency_id"][i],
            list(tokens) or None,
            " ".join(tokens) or None,
            " ".join(_sounds(tokens)) or None,
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
        )
        for field, value in zip(SCHEMA.names, values, strict=True):
            out[field].append(value)
    _keep_distinctive(out)
    return pa.table(out, schema=SCHEMA), incomparable


# Blocking keys shared by more records than this are dropped from the blocking columns (not
# from the comparisons): a block grows with the square of its size, so a few very common
# names ("nguyen thi", "muhammad") would otherwise make the work grow with the square of the
# number of records. Pairs sharing only such keys still meet through the other rules.
MAX_PAIR_BLOCK = 50
MAX_TOKEN_BLOCK = 3000


def _keep_distinctive(out: dict[str, list[object]]) -> None:
    """Keep in ``name_pairs`` and ``block_tokens`` only keys no more common than the caps."""
    pairs = cast(list[list[str] | None], out["name_pairs"])
    tokens = cast(list[list[str] | None], out["name_tokens"])
    pair_counts = Counter(key for keys in pairs if keys for key in set(keys))
    token_counts = Counter(key for keys in tokens if keys for key in set(keys))
    out["name_pairs"] = [
        [k for k in keys if pair_counts[k] <= MAX_PAIR_BLOCK] or None if keys else None
        for keys in pairs
    ]
    out["block_tokens"] = [
        [k for k in keys if token_counts[k] <= MAX_TOKEN_BLOCK] or None if keys else None
        for keys in tokens
    ]


def read_records(warehouse: Warehouse) -> pa.Table:
    """The person records of the warehouse, in record-id order."""
    query = exp.select(*SOURCE_COLUMNS).from_("person_record").order_by("record_id")
    return warehouse.fetch_arrow(query)


def read_case_refs(warehouse: Warehouse) -> dict[str, list[str]]:
    """record id -> distinct case references of its events."""
    ref = exp.column("case_ref")
    query = (
        exp.select("record_id", exp.func("list", exp.Distinct(expressions=[ref])))
        .from_("case_event")
        .where(ref.is_(exp.null()).not_())
        .group_by("record_id")
    )
    return {str(rid): sorted(refs) for rid, refs in warehouse.fetch(query)}
