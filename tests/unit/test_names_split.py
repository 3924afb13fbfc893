"""Splitting one-column names: worked examples per rule (docs/mapping.md, "One name column")."""

from __future__ import annotations

import doctest

import pytest

from justicelink.names import split, split_name


def _parts(text: str, order: str) -> tuple[str | None, str | None]:
    found = split_name(text, order)
    return found.family, found.given


@pytest.mark.parametrize("order", ["family_first", "given_first", "auto"])
def test_a_comma_separates_family_and_given_names_in_every_order(order: str) -> None:
    assert _parts("NGUYEN, Van An", order) == ("NGUYEN", "Van An")
    assert _parts("Dela Cruz,  Juan  Miguel", order) == ("Dela Cruz", "Juan Miguel")


@pytest.mark.parametrize(
    ("text", "family", "given"),
    [
        ("NGUYEN Van An", "NGUYEN", "Van An"),
        ("Van An NGUYEN", "NGUYEN", "Van An"),
        ("NGUYEN THI Lan", "NGUYEN THI", "Lan"),
        ("Maria DE LOS SANTOS", "DE LOS SANTOS", "Maria"),
    ],
)
def test_auto_takes_a_family_name_written_in_capitals(text: str, family: str, given: str) -> None:
    assert _parts(text, "auto") == (family, given)
    assert split_name(text, "auto").order == "capitals"


@pytest.mark.parametrize(
    ("text", "family", "given"),
    [
        ("Nguyen Van An", "Nguyen", "Van An"),  # a Vietnamese family name first
        ("Van An Nguyen", "Nguyen", "Van An"),  # ... or last
        ("Wang Xiuying", "Wang", "Xiuying"),
        ("Kenji Tanaka", "Tanaka", "Kenji"),
        ("Ravi Sharma", "Sharma", "Ravi"),
        ("Lee Min Ho", "Lee", "Min Ho"),  # both ends family names: the commoner one
        ("Wei Chen", "Chen", "Wei"),
    ],
)
def test_auto_finds_a_known_family_name_at_one_end(text: str, family: str, given: str) -> None:
    assert _parts(text, "auto") == (family, given)


def test_auto_keeps_a_name_it_cannot_place_whole() -> None:
    assert split_name("Siti Aminah", "auto").order is None
    assert _parts("Siti Aminah", "auto") == (None, None)
    assert split_name("Suharto", "auto") == split.SplitName("Suharto", None, "mononym")


@pytest.mark.parametrize(
    ("text", "order", "family", "given"),
    [
        ("Juan Dela Cruz", "given_first", "Dela Cruz", "Juan"),
        ("Juan Dela Cruz", "auto", "Dela Cruz", "Juan"),
        ("Juan de la Cruz", "auto", "de la Cruz", "Juan"),
        ("Maria de los Santos", "auto", "de los Santos", "Maria"),
        ("Jan van der Berg", "given_first", "van der Berg", "Jan"),
        ("Dela Cruz Juan", "family_first", "Dela Cruz", "Juan"),
        ("de los Santos Maria Luz", "family_first", "de los Santos", "Maria Luz"),
    ],
)
def test_family_names_with_particles_stay_whole(
    text: str, order: str, family: str, given: str
) -> None:
    assert _parts(text, order) == (family, given)


@pytest.mark.parametrize("order", ["family_first", "given_first", "auto"])
def test_a_patronymic_starts_the_family_part(order: str) -> None:
    assert _parts("Ahmad bin Ismail", order) == ("bin Ismail", "Ahmad")
    assert _parts("Siti Nur binti Abdullah", order) == ("binti Abdullah", "Siti Nur")
    assert _parts("Kumar a/l Rajan", order) == ("a/l Rajan", "Kumar")
    assert _parts("DEVI A/P MUTHU", order) == ("A/P MUTHU", "DEVI")


def test_bin_after_a_chinese_family_name_is_a_given_name() -> None:
    assert _parts("Chen Bin", "auto") == ("Chen", "Bin")
    assert _parts("Tan Bin Seng", "family_first") == ("Tan", "Bin Seng")


def test_a_vietnamese_name_with_the_given_name_moved_front_keeps_nguyen_thi() -> None:
    assert _parts("Lan Nguyen Thi", "given_first") == ("Nguyen Thi", "Lan")
    assert _parts("Lan Nguyen Thi", "auto") == ("Nguyen Thi", "Lan")
    assert _parts("An Tran Van", "auto") == ("Tran Van", "An")
    # in family-first order the middle particle belongs to the given names
    assert _parts("Nguyen Thi Lan", "family_first") == ("Nguyen", "Thi Lan")


def test_the_docstring_examples_hold() -> None:
    assert doctest.testmod(split).failed == 0
