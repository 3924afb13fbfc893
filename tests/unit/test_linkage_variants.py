"""Variant forms of names (nicknames, romanisations) and the name-frequency table."""

from __future__ import annotations

import datetime as dt
import doctest

import pyarrow as pa
import pytest

from justicelink.linkage import variants
from justicelink.linkage.normalise import name_tokens
from justicelink.linkage.prepare import name_frequencies
from justicelink.linkage.variants import chinese_fold, roman_fold, variant_tokens


def _variant(name: str) -> tuple[str, ...]:
    return variant_tokens(name_tokens(name))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Bobby Santos", "Robert Santos"),  # nickname
        ("Muh. Rizki", "Muhammad Rizki"),  # abbreviation
        ("Osman Ghani", "Usman Ghani"),  # Arabic transliteration
        ("Yi Min-ho", "Lee Min-ho"),  # Korean romanisation
        ("Chang Wei", "Zhang Wei"),  # Wade-Giles / pinyin
        ("Hsu Ming", "Xu Ming"),
        ("Tsai Ling", "Cai Ling"),
        ("Chan Tai Man", "Chen Tai Man"),  # Cantonese / pinyin surname
        ("Somchai Srisook", "Somchai Srisuk"),  # Thai romanisation
        ("Suvit Thongchai", "Suwit Tongchai"),
        ("Fatimah Rasheed", "Fatima Rashid"),
    ],
)
def test_variant_spellings_of_one_name_meet(a: str, b: str) -> None:
    assert _variant(a) == _variant(b)
    assert name_tokens(a) != name_tokens(b)  # ... only at the variant level


def test_different_names_stay_apart_in_variant_form() -> None:
    assert _variant("Robert Santos") != _variant("Roberta Santos")
    assert _variant("Zhang Wei") != _variant("Zhang Hui")
    assert _variant("Nguyen Van An") != _variant("Nguyen Van Anh")


def test_the_chinese_folding_applies_to_chinese_names_only() -> None:
    # "Sina" is a Pacific given name, not a Chinese syllable: it keeps its spelling.
    assert _variant("Sina Tupou") == ("sina", "tupu")
    assert chinese_fold("shih") == chinese_fold("shi")
    assert roman_fold("khalid") == "kalid"


def test_the_docstring_examples_hold() -> None:
    assert doctest.testmod(variants).failed == 0


def test_name_frequencies_count_persons_not_records() -> None:
    # Worked by hand: "a" is held by one person with three records (one full date twice,
    # a year-only record of the same year) and by another born in 1970 (year only): two
    # persons. "b" and "c" one each; the record without a name does not count.
    records = pa.table(
        {
            "name_key": ["a", "a", "a", "a", "b", None, "c"],
            "dob_exact": [dt.date(1990, 1, 2), dt.date(1990, 1, 2), None, None,
                          dt.date(1980, 2, 2), None, None],
            "dob_year": [1990, 1990, 1990, 1970, 1980, None, None],
        }
    )  # fmt: skip
    table = dict(zip(*(c.to_pylist() for c in name_frequencies(records).columns), strict=True))
    assert table == {
        "a": pytest.approx(2 / 4),
        "b": pytest.approx(1 / 4),
        "c": pytest.approx(1 / 4),
    }
