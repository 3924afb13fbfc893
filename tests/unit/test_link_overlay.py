"""Decisions applied to persons before the next run, on hand-drawn link graphs."""

from __future__ import annotations

from justicelink.linkage.overlay import regroup


def test_different_splits_a_chain_and_the_larger_part_keeps_the_id() -> None:
    # P1: a-b-c-d-e linked in a chain; "different" on b-c leaves {a, b} and {c, d, e}.
    run = {"a": "P1", "b": "P1", "c": "P1", "d": "P1", "e": "P1"}
    links = [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")]
    got = regroup(run, links, {("b", "c"): "different"})
    assert got.members["P1"] == ["c", "d", "e"]  # three records keep P1
    (other,) = set(got.members) - {"P1"}
    assert got.members[other] == ["a", "b"] and other.startswith("PN")
    assert got.person_of["a"] == other and got.person_of["e"] == "P1"
    assert got.gone == frozenset()


def test_a_split_that_another_path_bridges_does_not_split() -> None:
    run = {"a": "P1", "b": "P1", "c": "P1"}
    links = [("a", "b"), ("b", "c"), ("a", "c")]
    got = regroup(run, links, {("a", "b"): "different"})
    assert got.members == {"P1": ["a", "b", "c"]}


def test_same_joins_two_persons_under_the_larger_ones_id() -> None:
    run = {"a": "P1", "b": "P1", "c": "P2"}
    got = regroup(run, [("a", "b")], {("b", "c"): "same"})
    assert got.members == {"P1": ["a", "b", "c"]}
    assert got.gone == frozenset({"P2"}) and got.person_of["c"] == "P1"


def test_ties_go_to_the_smaller_id() -> None:
    run = {"a": "P2", "b": "P1"}
    got = regroup(run, [], {("a", "b"): "same"})
    assert got.members == {"P1": ["a", "b"]} and got.gone == frozenset({"P2"})
