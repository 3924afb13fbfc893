"""How good a linkage is, judged against known truth.

Two views: pairwise (every pair of records put in one person is a decision; precision,
recall and F1 over those decisions) and B-cubed (per record: how much of its predicted person
is truly its person, and how much of its true person was found), which weighs every record
equally however large its cluster. Computed here from contingency counts, independently of
Splink's own accuracy tools.
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from justicelink.errors import SourceFileNotFoundError, TruthFileError


@dataclass(frozen=True)
class Scores:
    """Precision, recall and their harmonic mean."""

    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 0.0 if total == 0 else 2 * self.precision * self.recall / total

    def as_dict(self) -> dict[str, float]:
        return {
            "precision": round(self.precision, 6),
            "recall": round(self.recall, 6),
            "f1": round(self.f1, 6),
        }


# The confidence level of the intervals given when labels are a sample.
CONFIDENCE = 0.95
_Z = 1.959963984540054  # the standard normal quantile of 0.975


def wilson(successes: int, trials: int, z: float = _Z) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95% by default).

    Unlike the normal approximation it stays within [0, 1] and behaves with few trials or
    a proportion near 0 or 1 (E. B. Wilson, JASA 22, 1927).

    >>> [round(x, 4) for x in wilson(95, 100)]
    [0.8882, 0.9785]
    """
    if trials == 0:
        return 0.0, 1.0
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = (
        z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    )
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Evaluation:
    """A linkage scored against the truth (or against labels).

    Attributes:
        records: Records scored (present in both the linkage and the truth).
        missing_from_truth: Linked records the truth does not know.
        true_pairs: Pairs of records that are truly one person (labelled ``same``).
        predicted_pairs: Pairs the linkage put in one person (of the labelled pairs).
        correct_pairs: Pairs in both.
        bcubed: None when the labels are pairs (B-cubed needs whole clusters).
        labels: ``synthetic`` (a synth truth folder), ``clusters`` or ``pairs``.
        sample: True when the labels cover only part of the records: ``intervals`` then
            holds Wilson 95% intervals of pairwise precision and recall.
        by_agency_pair: Pairwise scores of pairs between two agencies ("courts|police").
        by_tradition: Scores of pairs (and, for clusters, records) of one naming tradition.
        unknown_records: Labelled records the warehouse does not have (not scored).
    """

    records: int
    missing_from_truth: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    pairwise: Scores
    bcubed: Scores | None
    labels: str = "synthetic"
    sample: bool = False
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)
    by_agency_pair: dict[str, Evaluation] = field(default_factory=dict)
    by_tradition: dict[str, Evaluation] = field(default_factory=dict)
    unknown_records: int = 0

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "records": self.records,
            "missing_from_truth": self.missing_from_truth,
            "true_pairs": self.true_pairs,
            "predicted_pairs": self.predicted_pairs,
            "correct_pairs": self.correct_pairs,
            "pairwise": self.pairwise.as_dict(),
        }
        if self.bcubed is not None:
            out["bcubed"] = self.bcubed.as_dict()
        if self.labels != "synthetic":
            out["labels"] = self.labels
            out["sample"] = self.sample
            out["unknown_records"] = self.unknown_records
        if self.intervals:
            out["intervals"] = {
                "method": f"Wilson score, {CONFIDENCE:.0%}",
                **{k: [round(lo, 6), round(hi, 6)] for k, (lo, hi) in self.intervals.items()},
            }
        for name, groups in (
            ("by_agency_pair", self.by_agency_pair),
            ("by_tradition", self.by_tradition),
        ):
            if groups:
                out[name] = {key: group.as_dict() for key, group in sorted(groups.items())}
        return out


@dataclass(frozen=True)
class BlockingRecall:
    """How many true pairs the blocking rules let the model see.

    A pair the rules do not choose is never scored: its records end up in one person only
    through other records linked to both (clustering is transitive).

    Attributes:
        pairs: Pairs the rules choose for scoring.
        true_pairs: Pairs of compared records that are truly one person.
        kept: True pairs among the chosen ones.
    """

    pairs: int
    true_pairs: int
    kept: int

    @property
    def recall(self) -> float:
        return self.kept / self.true_pairs if self.true_pairs else 1.0

    def as_dict(self) -> dict[str, object]:
        return {
            "pairs": self.pairs,
            "true_pairs": self.true_pairs,
            "kept": self.kept,
            "recall": round(self.recall, 6),
        }


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def evaluate(
    predicted: Mapping[str, str],
    truth: Mapping[str, str],
    *,
    agency_of: Mapping[str, str] | None = None,
    traditions: Mapping[str, str] | None = None,
    labels: str = "synthetic",
    sample: bool = False,
    unknown_records: int = 0,
) -> Evaluation:
    """Score predicted persons against true persons.

    Args:
        predicted: record id -> predicted person id.
        truth: record id -> true person id (the labelled records).
        agency_of: record id -> agency; given, scores are also broken down by agency pair.
        traditions: record id -> naming tradition; given, scores are also broken down by
            tradition (pairs of two records of the tradition; records of it for B-cubed).
        labels: What the truth is (``synthetic`` or ``clusters``).
        sample: The truth covers a sample of the records: add Wilson intervals.
        unknown_records: Labelled records the linkage does not have.
    """
    overall = _evaluate(predicted, truth)
    by_agency: dict[str, Evaluation] = {}
    if agency_of:
        by_agency = _by_agency_pair(predicted, truth, agency_of)
    by_tradition: dict[str, Evaluation] = {}
    if traditions:
        for tradition in sorted(set(traditions.values())):
            members = {r: t for r, t in truth.items() if traditions.get(r) == tradition}
            by_tradition[tradition] = _evaluate(predicted, members)
    intervals = _intervals(overall) if sample else {}
    return Evaluation(
        **{k: getattr(overall, k) for k in _COUNT_FIELDS},
        labels=labels,
        sample=sample,
        intervals=intervals,
        by_agency_pair=by_agency,
        by_tradition=by_tradition,
        unknown_records=unknown_records,
    )


_COUNT_FIELDS = (
    "records",
    "missing_from_truth",
    "true_pairs",
    "predicted_pairs",
    "correct_pairs",
    "pairwise",
    "bcubed",
)


def _intervals(result: Evaluation) -> dict[str, tuple[float, float]]:
    return {
        "pairwise_precision": wilson(result.correct_pairs, result.predicted_pairs),
        "pairwise_recall": wilson(result.correct_pairs, result.true_pairs),
    }


def _by_agency_pair(
    predicted: Mapping[str, str], truth: Mapping[str, str], agency_of: Mapping[str, str]
) -> dict[str, Evaluation]:
    """Pairwise scores of the pairs between each two agencies (and within one)."""

    def pairs_by_agency(cells: Counter[tuple[object, str]]) -> Counter[str]:
        per_cell: dict[object, Counter[str]] = {}
        for (cell, agency), n in cells.items():
            per_cell.setdefault(cell, Counter())[agency] = n
        out: Counter[str] = Counter()
        for counts in per_cell.values():
            agencies = sorted(counts)
            for i, a in enumerate(agencies):
                out[f"{a}|{a}"] += _pairs(counts[a])
                for b in agencies[i + 1 :]:
                    out[f"{a}|{b}"] += counts[a] * counts[b]
        return out

    both = [r for r in predicted if r in truth]
    correct = pairs_by_agency(Counter(((predicted[r], truth[r]), agency_of[r]) for r in both))
    made = pairs_by_agency(Counter((predicted[r], agency_of[r]) for r in both))
    true = pairs_by_agency(Counter((truth[r], agency_of[r]) for r in both))
    result = {}
    for key in sorted(set(made) | set(true)):
        if not made[key] and not true[key]:
            continue
        result[key] = Evaluation(
            records=0,
            missing_from_truth=0,
            true_pairs=true[key],
            predicted_pairs=made[key],
            correct_pairs=correct[key],
            pairwise=Scores(
                correct[key] / made[key] if made[key] else 1.0,
                correct[key] / true[key] if true[key] else 1.0,
            ),
            bcubed=None,
        )
    return result


def evaluate_pairs(
    predicted: Mapping[str, str],
    pairs: list[tuple[str, str, bool]],
    *,
    agency_of: Mapping[str, str],
    traditions: Mapping[str, str] | None = None,
    unknown_records: int = 0,
) -> Evaluation:
    """Score a linkage against labelled pairs (a clerical sample, or pairs a country knows).

    Precision is the share of labelled pairs the linkage put in one person that are labelled
    ``same``; recall the share of pairs labelled ``same`` that it put in one person. Both
    come with Wilson 95% intervals, since labelled pairs are a sample. B-cubed needs whole
    clusters and is not given. A pair labelled twice counts by its last label.
    """
    latest = {(min(a, b), max(a, b)): same for a, b, same in pairs}

    def score(items: list[tuple[tuple[str, str], bool]]) -> Evaluation:
        linked = [(same, predicted.get(a) == predicted.get(b)) for (a, b), same in items]
        made = sum(1 for _, together in linked if together)
        true = sum(1 for same, _ in linked if same)
        correct = sum(1 for same, together in linked if same and together)
        return Evaluation(
            records=len({r for (a, b), _ in items for r in (a, b)}),
            missing_from_truth=0,
            true_pairs=true,
            predicted_pairs=made,
            correct_pairs=correct,
            pairwise=Scores(correct / made if made else 1.0, correct / true if true else 1.0),
            bcubed=None,
            labels="pairs",
            sample=True,
            intervals={
                "pairwise_precision": wilson(correct, made),
                "pairwise_recall": wilson(correct, true),
            },
        )

    items = list(latest.items())
    overall = score(items)
    groups: dict[str, list[tuple[tuple[str, str], bool]]] = {}
    by_tradition: dict[str, list[tuple[tuple[str, str], bool]]] = {}
    for (a, b), same in items:
        key = "|".join(sorted((agency_of.get(a, "?"), agency_of.get(b, "?"))))
        groups.setdefault(key, []).append(((a, b), same))
        ta, tb = (traditions or {}).get(a), (traditions or {}).get(b)
        if ta is not None and ta == tb:
            by_tradition.setdefault(ta, []).append(((a, b), same))
    return Evaluation(
        **{k: getattr(overall, k) for k in _COUNT_FIELDS},
        labels="pairs",
        sample=True,
        intervals=overall.intervals,
        by_agency_pair={k: score(v) for k, v in groups.items()},
        by_tradition={k: score(v) for k, v in by_tradition.items()},
        unknown_records=unknown_records,
    )


def _evaluate(predicted: Mapping[str, str], truth: Mapping[str, str]) -> Evaluation:
    """Pairwise and B-cubed scores of the records in both mappings."""
    both = [r for r in predicted if r in truth]
    joint = Counter((predicted[r], truth[r]) for r in both)
    pred_size = Counter(predicted[r] for r in both)
    true_size = Counter(truth[r] for r in both)
    correct = sum(_pairs(n) for n in joint.values())
    predicted_pairs = sum(_pairs(n) for n in pred_size.values())
    true_pairs = sum(_pairs(n) for n in true_size.values())
    n = len(both)
    b_precision = sum(k * k / pred_size[p] for (p, _), k in joint.items()) / n if n else 0.0
    b_recall = sum(k * k / true_size[t] for (_, t), k in joint.items()) / n if n else 0.0
    return Evaluation(
        records=n,
        missing_from_truth=len(predicted) - n,
        true_pairs=true_pairs,
        predicted_pairs=predicted_pairs,
        correct_pairs=correct,
        pairwise=Scores(
            correct / predicted_pairs if predicted_pairs else 1.0,
            correct / true_pairs if true_pairs else 1.0,
        ),
        bcubed=Scores(b_precision, b_recall),
    )


def read_traditions(truth_dir: Path) -> dict[str, str]:
    """person id -> naming tradition, from ``truth/traditions.csv`` when the folder has it."""
    path = truth_dir / "traditions.csv"
    if not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8") as handle:
        return {r["person_id"]: r["naming_tradition"] for r in csv.DictReader(handle)}


def read_truth(truth_dir: Path) -> dict[tuple[str, int], str]:
    """(source file, source row) -> true person id, from ``truth/records.csv``.

    Rows are keyed by where they sit in the extracts, not by record key: a planted duplicate
    key names two different people, and only the row that was loaded is the record's truth.
    """
    path = truth_dir / "records.csv"
    if not path.is_file():
        raise SourceFileNotFoundError(
            f"{path}: no truth file here (expected the truth/ folder of `justicelink synth`)"
        )
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        wanted = {"source_file", "source_row", "person_id"}
        if reader.fieldnames is None or not wanted <= set(reader.fieldnames):
            raise TruthFileError(f"{path}: needs the columns {', '.join(sorted(wanted))}")
        try:
            return {
                (row["source_file"], int(row["source_row"])): row["person_id"] for row in reader
            }
        except ValueError:
            raise TruthFileError(
                f"{path}, row {reader.line_num}, column source_row: not a whole number"
            ) from None


def true_persons(
    truth: Mapping[tuple[str, int], str], provenance: Mapping[str, tuple[str, int]]
) -> dict[str, str]:
    """record id -> true person id, for the records whose source row the truth knows.

    Args:
        truth: From :func:`read_truth`.
        provenance: record id -> (source file, source row) of the loaded records.
    """
    return {rid: truth[where] for rid, where in provenance.items() if where in truth}
