"""The needs instrument and the answers file: loading, checking, scoring by domain."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from justicelink.errors import ReintegrationError, SourceFileNotFoundError
from justicelink.reintegration.assessment import change, domain_scores, read_answers
from justicelink.reintegration.instrument import load_instrument, shipped_path


def test_shipped_instrument_has_the_domains_the_issue_asks_for() -> None:
    instrument = load_instrument()
    assert instrument.label == "justicelink-needs 1.0"
    ids = {d.id for d in instrument.domains}
    assert {
        "education_employment",
        "family",
        "substance_misuse",
        "associates",
        "attitudes",
        "pattern",
        "leisure",
    } <= ids
    assert {d.id for d in instrument.domains if d.gender_responsive} == {"caring", "trauma"}
    juvenile = {i.id for d in instrument.domains for i in d.items if i.applies_to.age == "juvenile"}
    assert juvenile == {"EE3", "FA2"}
    female = {i.id for d in instrument.domains for i in d.items if i.applies_to.sex == ("female",)}
    assert female == {"CA2", "TR2"}


def _broken(tmp_path: Path, change_doc) -> Path:  # type: ignore[no-untyped-def]
    doc = yaml.safe_load(shipped_path().read_text(encoding="utf-8"))
    change_doc(doc)
    path = tmp_path / "instrument.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d["domains"][0]["items"][0]["guidance"].pop(2),
            "domains[0].items[0]: guidance must give the meaning of scores 0, 1 and 2",
        ),
        (lambda d: d["domains"][1]["items"][0].update(id="EE1"), "item id 'EE1' is used twice"),
        (lambda d: d["domains"][0].update(responsible="police"), "domains[0].responsible"),
        (
            lambda d: d["plan_rules"]["max_targets"].pop("high"),
            "max_targets must give low, medium and high",
        ),
        (
            lambda d: d["plan_rules"]["handover"][2].update(if_need="housing"),
            "if_need 'housing' is not a domain id",
        ),
        (
            lambda d: d["domains"][0]["items"][0]["applies_to"].update(age="elderly"),
            "domains[0].items[0].applies_to.age",
        ),
    ],
)
def test_a_bad_instrument_is_one_line_naming_file_and_place(
    tmp_path: Path,
    edit,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    path = _broken(tmp_path, edit)
    with pytest.raises(ReintegrationError) as caught:
        load_instrument(path)
    text = str(caught.value)
    assert text.startswith(str(path)) and message in text and "\n" not in text


def test_malformed_yaml_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("domains: [\n", encoding="utf-8")
    with pytest.raises(ReintegrationError, match="malformed YAML: line"):
        load_instrument(bad)
    with pytest.raises(SourceFileNotFoundError):
        load_instrument(tmp_path / "none.yaml")


def _answers(tmp_path: Path, **changes: object) -> Path:
    doc: dict[str, object] = {
        "person": "P1",
        "sex": "female",
        "date_of_birth": "1990-06-15",
        "setting": "community",
        "assessed_on": "2026-12-01",
        "scores": {"EE1": {"score": 2, "note": "no work since 2024"}, "EE2": 1, "CA2": 0},
    }
    doc.update(changes)
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def test_answers_scored_by_domain_over_the_items_that_apply(tmp_path: Path) -> None:
    instrument = load_instrument()
    _, assessment = read_answers(_answers(tmp_path), instrument)
    assert assessment.age == 36 and not assessment.juvenile
    scores = {d.domain: d for d in domain_scores(assessment, instrument)}
    # EE1 (2) + EE2 (1) answered, EE3 is for juveniles: 3 of 4.
    assert (scores["education_employment"].score, scores["education_employment"].maximum) == (3, 4)
    assert scores["education_employment"].unanswered == ()
    # CA1 unanswered, CA2 answered 0: 0 of 2, CA1 listed as not answered.
    assert (scores["caring"].score, scores["caring"].maximum) == (0, 2)
    assert scores["caring"].unanswered == ("CA1",)
    assert scores["accommodation"].share is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sex": "male"}, "scores.CA2: the item applies to female, not to this person (male"),
        ({"scores": {"EE3": 1}}, "scores.EE3: the item applies to juvenile"),
        ({"scores": {"XX9": 1}}, "scores.XX9: no such item in justicelink-needs 1.0"),
        ({"scores": {"EE1": 3}}, "scores.EE1: score 3 is not on the scale 0, 1, 2"),
        ({"setting": "custody"}, "needs a release_date"),
        ({"setting": "home"}, "setting"),
    ],
)
def test_bad_answers_are_one_line(tmp_path: Path, changes: dict[str, object], message: str) -> None:
    path = _answers(tmp_path, **changes)
    with pytest.raises(ReintegrationError) as caught:
        read_answers(path, load_instrument())
    assert str(caught.value).startswith(str(path)) and message in str(caught.value)


def test_juvenile_items_apply_under_18(tmp_path: Path) -> None:
    instrument = load_instrument()
    path = _answers(tmp_path, sex="male", date_of_birth="2010-12-02", scores={"EE3": 2, "FA2": 1})
    _, assessment = read_answers(path, instrument)
    assert assessment.juvenile and assessment.age == 15


def test_change_per_domain_between_two_assessments(tmp_path: Path) -> None:
    instrument = load_instrument()
    _, first = read_answers(_answers(tmp_path, scores={"EE1": 2, "EE2": 2, "AC1": 1}), instrument)
    _, second = read_answers(
        _answers(
            tmp_path, assessed_on="2027-03-01", scores={"EE1": 0, "EE2": 1, "AC1": 1, "SU1": 1}
        ),
        instrument,
    )
    moved = {c.domain: c for c in change(first, second, instrument)}
    assert (moved["education_employment"].before, moved["education_employment"].after) == (
        1.0,
        0.25,
    )
    assert moved["education_employment"].direction == "better"
    assert moved["accommodation"].direction == "same"
    assert moved["substance_misuse"].direction == "not comparable"
    assert second.assessed_on == dt.date(2027, 3, 1)
