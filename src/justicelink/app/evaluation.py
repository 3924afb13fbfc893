"""Use case: did a programme work? A matched-comparison evaluation on the linked records.

participants (a file the organisation sends, or the provider's participations in the
warehouse) -> persons through the linkage -> index events by the index-date rule -> a
comparison group matched on propensity scores -> outcomes, balance, sensitivity -> the report
(HTML to publish, JSON for scripts) and the list of participants left out.

The CLI calls :func:`evaluate` with a file's rows; a web handler can call it with the rows of
an uploaded file (:func:`justicelink.evaluation.parse_participants`), and decide itself how
long to keep them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from justicelink.errors import EvaluationError, SourceFileNotFoundError
from justicelink.evaluation import cohort
from justicelink.evaluation.analysis import Settings, analyse
from justicelink.evaluation.design import choose
from justicelink.evaluation.html import render
from justicelink.evaluation.matching import RISK_SCORE
from justicelink.evaluation.participants import Participant
from justicelink.evaluation.report import Evaluation
from justicelink.measures.engine import reoffending_window
from justicelink.warehouse.port import Engine, Warehouse, open_warehouse, warehouse_exists

Progress = Callable[[str], Any]
REPORT, RESULT, LEFT_OUT = "evaluation.html", "evaluation.json", "not_evaluated.csv"


@dataclass
class EvaluationRun:
    """An evaluation and the files written for it."""

    evaluation: Evaluation
    files: list[Path] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The evaluation's JSON, with the files written."""
        return {**self.evaluation.to_json(), "files": [str(f) for f in self.files]}


def _with_risk(events: pd.DataFrame, risk_scores: pa.Table | None) -> pd.DataFrame:
    """The events with a ``risk_score`` column where scores are given for (person, date)."""
    if risk_scores is None:
        return events
    scores = risk_scores.to_pandas()[["person_id", "index_date", RISK_SCORE]]
    scores["index_date"] = pd.to_datetime(scores["index_date"])
    return events.merge(scores, on=["person_id", "index_date"], how="left")


def evaluate(
    warehouse_path: Path,
    programme: str,
    *,
    participants: Sequence[Participant] | None = None,
    out_dir: Path | None = None,
    settings: Settings | None = None,
    risk_scores: pa.Table | None = None,
    progress: Progress | None = None,
    engine: Engine | None = None,
) -> EvaluationRun:
    """Evaluate a programme's effect on one-year proven reoffending.

    Args:
        warehouse_path: The linked warehouse (after ``ingest`` and ``link``).
        programme: The programme's name (as the report shows it). Without ``participants``,
            the name or key of a programme in the warehouse, whose started participations
            are evaluated.
        participants: The participant file's rows.
        out_dir: Where to write the HTML report, the JSON and the rows left out (None: write
            nothing).
        settings: Matching and reporting settings (defaults: caliper 0.2, up to 5 matches,
            at least 60 matched participants, counts below 5 hidden in the report).
        risk_scores: Optional risk scores, columns ``person_id``, ``index_date`` and
            ``risk_score``: used as a feature when every index event has one.
        progress: Called with the name of each step as it starts.
        engine: The warehouse's engine (told from the location by default).

    Raises:
        SourceFileNotFoundError: The warehouse does not exist.
        EvaluationError: The programme is unknown (without participants), or the warehouse
            is not linked.
    """
    if not warehouse_exists(warehouse_path, engine):
        raise SourceFileNotFoundError(f"{warehouse_path}: warehouse not found")
    with open_warehouse(warehouse_path, read_only=True, engine=engine) as warehouse:
        return evaluate_in(
            warehouse,
            programme,
            participants=participants,
            out_dir=out_dir,
            settings=settings,
            risk_scores=risk_scores,
            progress=progress,
        )


def evaluate_in(
    warehouse: Warehouse,
    programme: str,
    *,
    participants: Sequence[Participant] | None = None,
    out_dir: Path | None = None,
    settings: Settings | None = None,
    risk_scores: pa.Table | None = None,
    progress: Progress | None = None,
) -> EvaluationRun:
    """:func:`evaluate` on a warehouse already open (the web app holds its own)."""
    settings = settings or Settings()
    say = progress or (lambda _step: None)
    if not warehouse.count("person"):
        raise EvaluationError("no linked persons in the warehouse: run `justicelink link`")
    say("finding the participants")
    rows = (
        list(participants)
        if participants is not None
        else cohort.programme_participants(warehouse, programme)
    )
    last_complete = cohort.last_complete_index_date(warehouse)
    window = reoffending_window(warehouse)
    found, reasons = cohort.persons_of(warehouse, rows)
    starts = [p.start_date for p in rows if p.start_date is not None]
    say("reading the index events")
    events = cohort.index_events(warehouse, min(starts, default=dt.date.min), dt.date.max)
    treated = cohort.programme_starts(warehouse) if settings.exclude_other_programmes else {}
    design = choose(
        _with_risk(events, risk_scores),
        rows,
        found,
        reasons,
        last_complete=last_complete,
        max_gap_days=settings.max_gap_days,
        treated=treated,
    )
    say("matching")
    analysis = analyse(design.participants, design.pool, settings)
    result = EvaluationRun(
        Evaluation(
            programme=programme,
            submitted=len(rows),
            left_out=design.left_out,
            analysis=analysis,
            settings=settings,
            data_end=None if window is None else window[1],
            last_complete=last_complete,
        )
    )
    if out_dir is not None:
        say("writing the report")
        result.files = write(result.evaluation, out_dir)
    return result


def write(evaluation: Evaluation, out_dir: Path) -> list[Path]:
    """Write the HTML report, the JSON and the participants left out into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for name, text in outputs(evaluation).items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8", newline="")
        files.append(path)
    return files


def outputs(evaluation: Evaluation) -> dict[str, str]:
    """The evaluation's files by name: the HTML report, the JSON and the rows left out.

    ``not_evaluated.csv`` lists every participant whose outcome is not in the result: those
    not placed at an index event, and those placed but not matched.
    """
    left = io.StringIO()
    writer = csv.writer(left)
    writer.writerow(["row", "participant", "reason", "detail"])
    for x in evaluation.left_out:
        writer.writerow([x.row, x.participant, x.reason, x.detail])
    for row, label, reason in evaluation.analysis.unmatched:
        writer.writerow([row, label, reason, "placed at an index event, not matched"])
    return {
        REPORT: render(evaluation),
        RESULT: json.dumps(evaluation.to_json(), indent=2, ensure_ascii=False) + "\n",
        LEFT_OUT: left.getvalue(),
    }
