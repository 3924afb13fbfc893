"""ICCS v1.0 as shipped: its published size and the roll-up along declared parents."""

from __future__ import annotations

from collections import Counter

import pytest

from justicelink.classification import load_iccs


def test_category_counts_match_the_published_classification() -> None:
    # ICCS v1.0 (UNODC 2015): 11 sections, 63 level-2, 148 level-3 and 98 level-4 categories.
    levels = Counter(c.level for c in load_iccs().categories())
    assert levels == {1: 11, 2: 63, 3: 148, 4: 98}


@pytest.mark.parametrize(
    ("code", "level", "expected"),
    [
        ("010322", 1, "01"),  # a level-4 category of non-intentional homicide
        ("010322", 2, "0103"),
        ("010322", 3, "01032"),
        ("0101", 2, "0101"),  # a category is its own ancestor at its level
        ("02011", 1, "02"),
        ("0501", 1, "05"),
    ],
)
def test_ancestor_follows_the_hierarchy(code: str, level: int, expected: str) -> None:
    assert load_iccs().ancestor(code, level) == expected


def test_a_section_has_no_lower_level_ancestor() -> None:
    assert load_iccs().ancestor("01", 2) is None


def test_every_parent_exists_and_sits_one_level_up() -> None:
    iccs = load_iccs()
    for category in iccs.categories():
        if category.parent is None:
            assert category.level == 1
            continue
        parent = iccs.get(category.parent)
        assert parent.level == category.level - 1
        assert parent.section == category.section
