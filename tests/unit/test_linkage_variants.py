"""Variant forms of names (nicknames, romanisations) and the name-frequency table."""

from __future__ import annotations

import datetime as dt
import doctest

import pyarrow as pa
import pytest

from justicelink.linkage import variants
from justicelink.linkage.normalise import name_tokens
from justicelink.linkage.prepare import good_turing, name_frequencies
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
    # persons. "b" and "c" one each; the record without a name does not count. (Turing's
    # estimate of a name seen once, 2 x N(2) / N(1) = 2 x 1 / 2, leaves it at one.)
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


def test_names_seen_once_are_rarer_than_once() -> None:
    # Worked by hand: ten names held by one person each, two by two persons, one by three.
    # Turing: a count of 1 is worth 2 x 2 / 10 = 0.4 persons, a count of 2 is worth
    # 3 x 1 / 2 = 1.5; a count of 3 has no N(4) and stays 3. Out of 10 + 4 + 3 = 17 persons.
    assert good_turing({1: 10, 2: 2, 3: 1}) == {1: pytest.approx(0.4), 2: pytest.approx(1.5)}
    names = [f"n{i}" for i in range(10)] + ["d0", "d0", "d1", "d1", "t", "t", "t"]
    years = list(range(1950, 1967))  # one full date of birth each
    records = pa.table(
        {
            "name_key": names,
            "dob_exact": [dt.date(y, 3, 3) for y in years],
            "dob_year": years,
        }
    )
    table = dict(zip(*(c.to_pylist() for c in name_frequencies(records).columns), strict=True))
    assert table["n0"] == pytest.approx(0.4 / 17)
    assert table["d0"] == pytest.approx(1.5 / 17)
    assert table["t"] == pytest.approx(3 / 17)
    # Never above the count, never below a smaller count's estimate.
    assert good_turing({1: 2, 2: 5, 3: 1}) == {1: 1.0, 2: pytest.approx(1.0)}
