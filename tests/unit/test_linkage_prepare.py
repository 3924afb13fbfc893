"""What the linkage model is given to compare, from hand-made records."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from justicelink.linkage import keys, prepare
from justicelink.linkage.prepare import SOURCE_COLUMNS, clean_id, name_edits, prepare_rows


def _rows(*records: dict[str, object]) -> pa.Table:
    return pa.table({c: [r.get(c) for r in records] for c in SOURCE_COLUMNS})


def test_records_without_name_or_birth_year_are_set_aside() -> None:
    prepared, incomparable = prepare_rows(
        _rows(
            {"record_id": "police:1", "agency_id": "police"},
            {"record_id": "police:2", "agency_id": "police", "birth_year": 1990},
            {"record_id": "courts:3", "agency_id": "courts", "full_name": "Siti Aminah"},
        )
    )
    assert incomparable == ["police:1"]
    assert prepared.column("unique_id").to_pylist() == ["police:2", "courts:3"]


def test_a_defaulted_first_of_january_counts_only_as_a_year() -> None:
    prepared, _ = prepare_rows(
        _rows(
            {
                "record_id": "a:1",
                "family_name": "Nguyễn",
                "given_names": "Văn An",
                "date_of_birth": dt.date(1990, 1, 1),
                "dob_precision": "day",
            },
            {
                "record_id": "b:1",
                "full_name": "Van An NGUYEN",
                "date_of_birth": dt.date(1990, 3, 4),
                "dob_precision": "day",
            },
        )
    )
    first, second = prepared.to_pylist()
    assert (first["dob_exact"], first["dob_year"], first["dob_month"]) == (None, 1990, None)
    assert second["dob_exact"] == dt.date(1990, 3, 4)
    assert second["dob_swapped"] == dt.date(1990, 4, 3)
    # Family-name-first and family-name-last meet after normalisation.
    assert first["name_key"] == second["name_key"] == "an nguyen van"


def test_identity_numbers_and_addresses_keep_what_identifies() -> None:
    assert clean_id(" s-123 456a ") == "S123456A"
    assert clean_id(" - ") is None
    prepared, _ = prepare_rows(
        _rows({"record_id": "p:1", "full_name": "Ali", "address": "12 Jalan Baru, Kota Tinggi"})
    )
    row = prepared.to_pylist()[0]
    assert row["address_key"] == "12 jalan baru kota tinggi"
    assert row["district"] == "kota tinggi"


def test_case_references_travel_with_their_record() -> None:
    prepared, _ = prepare_rows(
        _rows(
            {"record_id": "courts:1", "full_name": "Ali"},
            {"record_id": "courts:2", "full_name": "Abu"},
        ),
        {"courts:1": ["CR-1", "CR-2"]},
    )
    assert prepared.column("case_refs").to_pylist() == [["CR-1", "CR-2"], None]


def test_blocking_keys_join_a_name_to_the_year_and_drop_common_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(keys, "MAX_KEY_BLOCK", 2)
    born = {"date_of_birth": dt.date(1990, 3, 4), "dob_precision": "day", "sex": "male"}
    prepared, _ = prepare_rows(
        _rows(
            {"record_id": "a:1", "full_name": "Le Van Minh", **born},
            {"record_id": "a:2", "full_name": "Le Thi Hoa", **born},
            {"record_id": "a:3", "full_name": "Le Van Nam", **born},
            {"record_id": "a:4", "full_name": "Le Minh"},
        )
    )
    first, second, third, fourth = prepared.to_pylist()
    # Words are sorted ("le minh van"); "le 1990" (three records) and "1990-03-04 male"
    # (three) are over the cap of two, "van 1990" and "le van 1990" (two) are not.
    assert first["name_years"] == [
        "le minh 1990",
        "le van 1990",
        "minh 1990",
        "minh van 1990",
        "van 1990",
    ]
    assert second["name_years"] == [
        "hoa 1990",
        "hoa le 1990",
        "hoa thi 1990",
        "le thi 1990",
        "thi 1990",
    ]
    assert first["dob_sex"] is None
    # A record without a year of birth is blocked on the sound of its name alone.
    assert first["name_phonetic_no_year"] is None
    assert fourth["name_phonetic_no_year"] == fourth["name_phonetic"] is not None
    assert fourth["name_years"] is None
    assert third["name_years"] is not None


def test_a_rare_date_of_birth_and_sex_is_a_blocking_key() -> None:
    prepared, _ = prepare_rows(
        _rows(
            {
                "record_id": "a:1",
                "full_name": "Siti Aminah",
                "date_of_birth": dt.date(1990, 3, 4),
                "dob_precision": "day",
                "sex": "female",
            }
        )
    )
    assert prepared.column("dob_sex").to_pylist() == ["1990-03-04 female"]


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10)


@st.composite
def _name_and_typo(draw: st.DrawFn) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A name (sorted words) and the same name with one typo in one word.

    A name of one letter is left out: it has no shorter form to share.
    """
    words = draw(st.lists(_WORD, min_size=1, max_size=4).filter(lambda w: len("".join(w)) > 1))
    i = draw(st.integers(0, len(words) - 1))
    word = words[i]
    kind = draw(st.sampled_from(["change", "add", "drop", "swap"]))
    j = draw(st.integers(0, len(word) - 1))
    letter = draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz"))
    if kind == "change":
        typo = word[:j] + letter + word[j + 1 :]
    elif kind == "add":
        typo = word[:j] + letter + word[j:]
    elif kind == "drop":
        typo = word[:j] + word[j + 1 :]
    else:
        typo = word[:j] + word[j + 1 : j + 2] + word[j] + word[j + 2 :]
    changed = [*words[:i], typo, *words[i + 1 :]]
    return tuple(sorted(words)), tuple(sorted(w for w in changed if w))


@given(_name_and_typo())
def test_names_one_typo_apart_share_a_one_typo_form(names: tuple[tuple[str, ...], ...]) -> None:
    name, typo = names
    assert set(name_edits(name)) & set(name_edits(typo))


def test_names_two_typos_apart_share_no_one_typo_form() -> None:
    # Worked by hand: "george" drops to eorge, gorge, geoge, geore, georg, george's "e"s;
    # "gorde" drops to orde, grde, gode, gore, gord; "saha" is common to both.
    assert name_edits(("george", "saha"))[:3] == ("aha george", "eorge saha", "geoge saha")
    assert not set(name_edits(("george", "saha"))) & set(name_edits(("gorde", "saha")))
    assert set(name_edits(("george", "saha"))) & set(name_edits(("georde", "saha")))


def test_one_typo_keys_carry_the_year_or_meet_a_record_without_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(keys, "MAX_KEY_BLOCK", 2)
    monkeypatch.setattr(keys, "MAX_EDIT_BLOCK", 2)
    prepared, _ = prepare_rows(
        _rows(
            {"record_id": "a:1", "full_name": "Juli", "birth_year": 1998},
            {"record_id": "a:2", "full_name": "Juli", "birth_year": 1999},
            {"record_id": "a:3", "full_name": "Juli", "birth_year": 1999},
            {"record_id": "a:4", "full_name": "Jul"},
            {"record_id": "a:5", "full_name": "Ana", "birth_year": 1990},
            {"record_id": "a:6", "full_name": "Julie", "birth_year": 1985},
            {"record_id": "a:7", "full_name": "Juli", "birth_year": 1986},
        )
    )
    rows = {r["unique_id"]: r for r in prepared.to_pylist()}
    # One-typo forms of "juli": jli, jui, jul, juli, uli; each with the year and the next.
    # Those with 1999 are held by a:1, a:2 and a:3, over the cap of two.
    forms = ("jli", "jui", "jul", "juli", "uli")
    assert rows["a:1"]["name_edit_years"] == [f"{form} 1998" for form in forms]
    assert rows["a:2"]["name_edit_years"] == [f"{form} 2000" for form in forms]
    # "Julie" (1985) and "Juli" (1986): a letter added, years one apart.
    shared = set(rows["a:6"]["name_edit_years"]) & set(rows["a:7"]["name_edit_years"])
    assert shared == {"juli 1986"}
    assert rows["a:4"]["name_edit_years"] is None
    # The no-year rule keeps the forms that the record without a year holds (jl, ju, jul,
    # ul), while at most two records hold them: "jul" is held by a:1-a:4, a:6 and a:7.
    no_year = {k: r["name_edits"] for k, r in rows.items()}
    assert no_year == {
        "a:1": None, "a:2": None, "a:3": None, "a:4": ["jl", "ju", "ul"],
        "a:5": None, "a:6": None, "a:7": None,
    }  # fmt: skip


@given(
    st.lists(st.none() | st.lists(st.sampled_from("abcdef"), max_size=4), max_size=12),
    st.integers(0, 4),
)
def test_keys_are_capped_by_the_number_of_records_holding_them(
    keys: list[list[str] | None], cap: int
) -> None:
    # The reference: count in plain Python, once per record however often it repeats a key.
    holders = Counter(k for record in keys if record for k in set(record))
    expected = [
        [k for k in record if holders[k] <= cap] or None if record else None for record in keys
    ]
    assert prepare._capped(keys, cap).to_pylist() == expected


def test_aliases_masked_numbers_area_and_case_numbers_are_prepared() -> None:
    prepared, _ = prepare_rows(
        _rows(
            {"record_id": "police:1", "agency_id": "police", "family_name": "Srisuk",
             "given_names": "Somchai", "aliases": "Chai; Lek Srisuk", "area": "Hat Yai",
             "address": "12 Rama Rd, Songkhla", "id_number": "****1234",
             "id_number_visible": "****1234", "case_ref": "CR-9"},
            {"record_id": "courts:1", "agency_id": "courts", "full_name": "Chai Srisuk",
             "id_number": "S1231234", "address": "12 Rama Rd, Songkhla"},
        ),
        {"police:1": ["INC-1"]},
    )  # fmt: skip
    police, court = prepared.to_pylist()
    # The name, then each alias, then the alias with the family name.
    assert police["name_forms"] == ["somchai srisuk", "chai", "chai srisuk", "lek srisuk"]
    assert court["name_forms"] == ["chai srisuk"]
    # The alias form "chai srisuk" is the court record's name: both carry it for blocking.
    assert "chai srisuk" in police["alias_blocks"] and court["alias_blocks"] == ["chai srisuk"]
    # A masked number is compared on what is visible; a full one whole.
    assert (police["id_number"], police["id_start"], police["id_end"]) == (None, None, "1234")
    assert (court["id_number"], court["id_start"], court["id_end"]) == ("S1231234",) * 3
    # The mapped area is the district, whatever the address says.
    assert police["district"] == "hat yai" and court["district"] == "songkhla"
    assert police["case_refs"] == ["CR-9", "INC-1"]


@given(
    st.lists(
        st.tuples(
            st.none() | st.lists(st.sampled_from(["ana", "li", "tan wei", "bo"]), max_size=3),
            st.none() | st.integers(1900, 2020),
        ),
        max_size=12,
    )
)
def test_keys_joined_to_years_match_a_plain_loop(
    rows: list[tuple[list[str] | None, int | None]],
) -> None:
    # The Arrow version against the obvious loop: each key with the year and the next one,
    # sorted per record; no list without keys or without a year.
    lists = pa.array([k for k, _ in rows], pa.list_(pa.string()))
    years = pa.array([y for _, y in rows], pa.int32())
    got = keys.with_years(lists, years, shifts=(0, 1)).to_pylist()
    expected = [
        sorted(f"{k} {y + s}" for k in words for s in (0, 1)) if words and y is not None else None
        for words, y in rows
    ]
    assert got == expected
