"""Person records in the form the linkage model compares.

One row per ``person_record`` with the identity evidence normalised (see
:mod:`justicelink.linkage.normalise`): order-free name tokens, a phonetic key, a variant
form (:mod:`justicelink.linkage.variants`), the name's alias forms, a date of birth split by
how far it can be trusted, a cleaned id number (or the visible part of a masked one), an
address and a district, case references, and the blocking keys
(:mod:`justicelink.linkage.keys`). Records with neither a name nor a year of birth cannot be
compared and are set aside.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, cast

import jellyfish
import pyarrow as pa
import sqlglot.expressions as exp

from justicelink.linkage.keys import (
    MAX_EDIT_BLOCK,
    MAX_KEY_BLOCK,
    MAX_PAIR_BLOCK,
    MAX_TOKEN_BLOCK,
    alias_blocks,
    distinctive,
    name_edits,
    word_pairs,
)
from justicelink.linkage.keys import capped as _capped  # noqa: F401  (tests use it)
from justicelink.linkage.normalise import fold, linkage_dob, name_tokens
from justicelink.linkage.variants import variant_tokens
from justicelink.warehouse.port import Warehouse

__all__ = [
    "MAX_EDIT_BLOCK",
    "MAX_KEY_BLOCK",
    "MAX_PAIR_BLOCK",
    "MAX_TOKEN_BLOCK",
    "SCHEMA",
    "SOURCE_COLUMNS",
    "clean_id",
    "name_edits",
    "prepare_rows",
    "read_case_refs",
    "read_records",
    "visible_id",
]

_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")
_NOT_WORD = re.compile(r"[^a-z0-9]+")

# The columns read from person_record, in order.
SOURCE_COLUMNS = (
    "record_id",
    "agency_id",
    "family_name",
    "given_names",
    "middle_names",
    "full_name",
    "aliases",
    "sex",
    "date_of_birth",
    "dob_precision",
    "birth_year",
    "id_number",
    "id_number_visible",
    "address",
    "area",
    "case_ref",
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
        ("name_variant", pa.string()),
        ("name_forms", pa.list_(pa.string())),
        ("dob_exact", pa.date32()),
        ("dob_swapped", pa.date32()),
        ("dob_text", pa.string()),
        ("dob_year", pa.int32()),
        ("dob_month", pa.int32()),
        ("dob_day", pa.int32()),
        ("dob_default", pa.bool_()),
        ("sex", pa.string()),
        ("id_number", pa.string()),
        ("id_visible", pa.string()),
        ("id_start", pa.string()),
        ("id_end", pa.string()),
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
        ("alias_blocks", pa.list_(pa.string())),
    ]
)
# Columns filled once every record is known (the capped blocking keys).
_LATER = ("block_tokens", "name_years", "dob_sex", "name_edit_years", "name_edits", "alias_blocks")
_ALIAS_SEPARATOR = re.compile(r"[;|]")


@lru_cache(maxsize=1_000_000)
def _names(
    family: str | None, given: str | None, middle: str | None, full: str | None
) -> tuple[str, ...]:
    # The split fields when the agency gave them (in reading order), else the one full-name
    # field.
    if family or given or middle:
        return name_tokens(given, middle, family)
    return name_tokens(full)


@lru_cache(maxsize=1_000_000)
def _sounds(tokens: tuple[str, ...]) -> tuple[str, ...]:
    # Metaphone (jellyfish) per word, sorted: spellings that sound alike meet.
    return tuple(sorted(jellyfish.metaphone(t) for t in tokens))


def _name_fields(
    tokens: tuple[str, ...],
) -> tuple[str | None, str | None, list[str] | None, str | None, list[str] | None]:
    # A name's key, phonetic key, sounds, variant form and word pairs.
    sounds = _sounds(tokens)
    return (
        " ".join(tokens) or None,
        " ".join(sounds) or None,
        list(sounds) or None,
        " ".join(variant_tokens(tokens)) or None,
        list(word_pairs(tokens)) or None,
    )


def clean_id(value: str | None) -> str | None:
    """An identity number as compared: upper-case letters and digits only."""
    cleaned = _NOT_ALNUM.sub("", value.upper()) if value else ""
    return cleaned or None


def visible_id(visible: str | None) -> tuple[str | None, str | None]:
    """The start and the end of a masked or partial number that can be seen.

    ``visible`` is ``person_record.id_number_visible``: letters and digits with ``*`` for
    hidden characters. Returns the characters before the first ``*`` and after the last
    (None where there are none).

    >>> visible_id("****1234"), visible_id("S12***78"), visible_id("*1234")
    ((None, '1234'), ('S12', '78'), (None, '1234'))
    """
    if not visible:
        return None, None
    start, _, rest = visible.partition("*")
    end = rest.rsplit("*", 1)[-1] if rest else ""
    return start or None, end or None


def _address(value: str | None, area: str | None) -> tuple[str | None, str | None]:
    # The district: the mapped area, else the part of the address after its last comma.
    district = fold(area) if area else ""
    if not value:
        return None, district or None
    if not district and "," in value:
        district = fold(value.rsplit(",", 1)[-1])
    # House numbers count in an address: fold the letters, keep the digits.
    plain = unicodedata.normalize("NFKD", value.lower())
    key = " ".join(_NOT_WORD.sub(" ", plain).split())
    return key or None, district or None


def _forms(key: str | None, aliases: str | None, family: str | None) -> list[str] | None:
    """The name's key, then the keys of its alias forms: each alias, and each alias with
    the family name when the alias lacks it (an AKA is often a given name only)."""
    if not key:
        return None
    if not aliases:
        return [key]
    forms = [key]
    family_tokens = name_tokens(family) if family else ()
    for alias in _ALIAS_SEPARATOR.split(aliases):
        tokens = name_tokens(alias)
        if not tokens:
            continue
        candidates = [tokens]
        if family_tokens and not set(family_tokens) <= set(tokens):
            candidates.append(tuple(sorted((*tokens, *family_tokens))))
        for words in candidates:
            form = " ".join(words)
            if form not in forms:
                forms.append(form)
    return forms


def prepare_rows(
    rows: pa.Table, case_refs: Mapping[str, list[str]] | None = None
) -> tuple[pa.Table, list[str]]:
    """Normalise person records for comparison.

    Args:
        rows: person_record columns named in ``SOURCE_COLUMNS``.
        case_refs: record id -> the case references of its events (a case number that two
            agencies share is evidence that their records are one person). A record's own
            ``case_ref`` joins them.

    Returns:
        The comparable records (schema :data:`SCHEMA`) and the record ids of records that
        cannot be compared (no name and no year of birth).
    """
    cols = {name: rows.column(name).to_pylist() for name in SOURCE_COLUMNS}
    rows_out: list[tuple[object, ...]] = []
    named: dict[tuple[str, ...], tuple[Any, ...]] = {}
    incomparable: list[str] = []
    for i, record_id in enumerate(cols["record_id"]):
        family = cols["family_name"][i]
        tokens = _names(
            family, cols["given_names"][i], cols["middle_names"][i], cols["full_name"][i]
        )
        born: dt.date | None = cols["date_of_birth"][i]
        dob = linkage_dob(born, cols["dob_precision"][i])
        year = dob.year if dob.year is not None else cols["birth_year"][i]
        if not tokens and year is None:
            incomparable.append(record_id)
            continue
        address_key, district = _address(cols["address"][i], cols["area"][i])
        sex = cols["sex"][i]
        # Once per distinct name, in a cache that goes with this call (the lists are shared
        # by the records holding the name, and never changed).
        fields = named.get(tokens) or named.setdefault(tokens, _name_fields(tokens))
        key, phonetic, sounds, variant, pairs = fields
        visible = cols["id_number_visible"][i]
        full_id = None if visible else clean_id(cols["id_number"][i])
        id_start, id_end = visible_id(visible) if visible else (full_id, full_id)
        refs = set((case_refs or {}).get(record_id) or ())
        if cols["case_ref"][i]:
            refs.add(cols["case_ref"][i])
        values = {
            "unique_id": record_id,
            "agency_id": cols["agency_id"][i],
            "name_tokens": list(tokens) or None,
            "name_key": key,
            "name_phonetic": phonetic,
            "name_sounds": sounds,
            "name_variant": variant,
            "name_forms": _forms(key, cols["aliases"][i], family),
            "dob_exact": dob.exact,
            "dob_swapped": dob.swapped,
            "dob_text": dob.exact.isoformat() if dob.exact else None,
            "dob_year": year,
            "dob_month": dob.month,
            "dob_day": dob.day,
            "dob_default": dob.defaulted or None,
            "sex": sex if sex in ("male", "female") else None,
            "id_number": full_id,
            "id_visible": visible or None,
            "id_start": id_start,
            "id_end": id_end,
            "address_key": address_key,
            "district": district,
            "case_refs": sorted(refs) or None,
            "name_pairs": pairs,
            # A record without a year of birth meets others by the sound of its name alone.
            "name_phonetic_no_year": phonetic if year is None else None,
        }
        rows_out.append(tuple(None if f in _LATER else values[f] for f in SCHEMA.names))
    by_field = list(zip(*rows_out, strict=True)) or [() for _ in SCHEMA.names]
    out = {f: list(column) for f, column in zip(SCHEMA.names, by_field, strict=True)}
    columns: dict[str, list[object] | pa.Array] = {**out, **distinctive(out)}
    columns["alias_blocks"] = alias_blocks(cast(list[list[str] | None], out["name_forms"]))
    return pa.table(columns, schema=SCHEMA), incomparable


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


# Counts of name holders up to this are smoothed by Turing's estimate (see good_turing).
_GOOD_TURING_MAX = 5


def name_frequencies(records: pa.Table) -> pa.Table:
    """How common each normalised name is among *persons*: Splink's term-frequency table
    for ``name_key`` (columns ``name_key``, ``tf_name_key``).

    Splink's own table counts records, and one person's several records make a rare name
    look common: a name held by one person with five records would count five times, and
    two of those records would get a fifth of the evidence they deserve. Here a name counts
    once per distinct full date of birth it is recorded with, and once per year of birth
    recorded without a full date that none of those dates has; a name recorded with no date
    of birth at all counts once. The shares are of all such identities. Two persons with one
    name and one birthday count once, which understates a very common name only where
    birthdays collide. Counts of a few persons are then smoothed by :func:`good_turing`:
    the value is the chance that *another* person has the name.
    """
    dates: dict[str, set[dt.date]] = {}
    years: dict[str, set[int]] = {}
    for name, date, year in zip(
        records.column("name_key").to_pylist(),
        records.column("dob_exact").to_pylist(),
        records.column("dob_year").to_pylist(),
        strict=True,
    ):
        if name is None:
            continue
        seen = dates.setdefault(name, set())
        if date is not None:
            seen.add(date)
        elif year is not None:
            years.setdefault(name, set()).add(year)
    persons = {
        name: max(1, len(full) + len(years.get(name, set()) - {d.year for d in full}))
        for name, full in dates.items()
    }
    total = float(max(sum(persons.values()), 1))
    expected = good_turing(Counter(persons.values()))
    return pa.table(
        {
            "name_key": pa.array(list(persons), pa.string()),
            "tf_name_key": pa.array(
                [expected.get(n, n) / total for n in persons.values()], pa.float64()
            ),
        }
    )


def good_turing(holders: Mapping[int, int], largest: int = _GOOD_TURING_MAX) -> dict[int, float]:
    """How many persons a name held by ``r`` of the counted persons has in the population.

    A name seen once among the records is, on average, rarer in the population than once:
    among all the names a population could have, those that happened to be seen are the
    commoner ones. Turing's estimate (Good, *Biometrika* 40, 1953) of a count ``r`` is
    ``(r + 1) N(r + 1) / N(r)``, where ``N(r)`` is how many names are held by ``r`` persons.
    It is used up to ``largest`` (Katz, *IEEE Trans. ASSP* 35, 1987: larger counts are
    reliable as they are), only where ``N(r + 1)`` was seen, kept at most ``r`` and never
    below the estimate of a smaller count. The chance that a record of another person has a
    name, the term frequency the model divides by, is this count over all persons.

    >>> good_turing({1: 100, 2: 10, 3: 2})
    {1: 0.2, 2: 0.6}
    """
    found: dict[int, float] = {}
    floor = 0.0
    for r in range(1, largest + 1):
        if not holders.get(r) or not holders.get(r + 1):
            break
        floor = max(floor, min(float(r), (r + 1) * holders[r + 1] / holders[r]))
        found[r] = floor
    return found
