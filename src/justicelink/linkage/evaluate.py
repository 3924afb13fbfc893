"""How good a linkage is, judged against known truth.

Two views: pairwise (every pair of records put in one person is a decision; precision,
recall and F1 over those decisions) and B-cubed (per record: how much of its predicted person
is truly its person, and how much of its true person was found), which weighs every record
equally however large its cluster. Computed here from contingency counts, independently of
Splink's own accuracy tools.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Evaluation:
    """A linkage scored against the truth.

    Attributes:
        records: Records scored (present in both the linkage and the truth).
        missing_from_truth: Linked records the truth does not know.
        true_pairs: Pairs of records that are truly one person.
        predicted_pairs: Pairs the linkage put in one person.
        correct_pairs: Pairs in both.
    """

    records: int
    missing_from_truth: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    pairwise: Scores
    bcubed: Scores

    def as_dict(self) -> dict[str, object]:
        return {
            "records": self.records,
            "missing_from_truth": self.missing_from_truth,
            "true_pairs": self.true_pairs,
            "predicted_pairs": self.predicted_pairs,
            "correct_pairs": self.correct_pairs,
            "pairwise": self.pairwise.as_dict(),
            "bcubed": self.bcubed.as_dict(),
        }


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


def evaluate(predicted: Mapping[str, str], truth: Mapping[str, str]) -> Evaluation:
    """Score predicted persons against true persons.

    Args:
        predicted: record id -> predicted person id.
        truth: record id -> true person id.
    """
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
