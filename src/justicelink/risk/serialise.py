"""Saved models: a points score as a versioned JSON document with its data manifest.

The document is the model card too: the points per band of every predictor, the
probability for each score, who is flagged, what was left out (protected attributes) and
the manifest of what it was trained on (input and mapping SHA-256, row counts, justicelink
version, every setting). :func:`load_model` refuses a document of another format or a
newer version rather than guessing. Keys are written in a fixed order and nothing
depends on the clock, so the same inputs and settings give byte-identical files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from justicelink import __version__
from justicelink.errors import RiskModelError, SourceFileNotFoundError
from justicelink.risk.bands import Banding, BandSettings
from justicelink.risk.points import ModelSettings, PointsModel

FORMAT = "justicelink-risk-points"
FORMAT_VERSION = 1
_CARD_STEP = 5  # the probability table lists every fifth score


@dataclass(frozen=True, slots=True)
class FlagCutoff:
    """Who the saved model flags high risk, in points.

    Attributes:
        rule: The rule in words.
        min_score: Flag a score at or above this (single threshold).
        by_group: Opt-in: the group column, and its value -> minimum score.
        share_flagged: Share of the training cohort the cut-off flags.
    """

    rule: str
    min_score: int | None
    share_flagged: float
    by_group: tuple[str, dict[str, int]] | None = None

    def to_json(self) -> dict[str, Any]:
        """The cut-off as stored."""
        doc: dict[str, Any] = {
            "rule": self.rule,
            "min_score": self.min_score,
            "share_flagged": round(self.share_flagged, 6),
        }
        if self.by_group is not None:
            doc["by_group"] = {"column": self.by_group[0], "min_score": self.by_group[1]}
        return doc


@dataclass(frozen=True, slots=True)
class SavedModel:
    """A points model with everything needed to read, apply and audit it."""

    points: PointsModel
    outcome: str
    sources: dict[str, str]
    flag: FlagCutoff
    excluded_predictors: list[dict[str, str]] = field(default_factory=list)
    protected_used: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The model card and model, as one JSON document."""
        m = self.points
        low, high = m.score_range()
        scores = sorted({low, high, *range(low - low % _CARD_STEP + _CARD_STEP, high, _CARD_STEP)})
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "justicelink_version": __version__,
            "kind": "points",
            "outcome": self.outcome,
            "points_to_double_odds": m.settings.points_to_double_odds,
            "score_to_probability": {
                "intercept": m.intercept,
                "slope": m.slope,
                "formula": "probability = 1 / (1 + exp(-(intercept + slope * score)))",
            },
            "score_range": [low, high],
            "predictors": [
                {
                    "name": b.name,
                    "source": self.sources.get(b.name, b.name),
                    "bands": [
                        {"band": label, "points": pts, "training_rows": rows}
                        for label, pts, rows in zip(
                            b.labels(), m.points[k], m.band_rows[k], strict=True
                        )
                    ],
                    "banding": b.to_json(),
                }
                for k, b in enumerate(m.bandings)
            ],
            "probability_by_score": [
                {"score": s, "probability": round(float(m.probability_of_score(s)), 4)}
                for s in scores
            ],
            "flag": self.flag.to_json(),
            "excluded_predictors": self.excluded_predictors,
            "protected_predictors_used": self.protected_used,
            "settings": m.settings.to_json(),
            "manifest": self.manifest,
        }


def model_from_json(doc: dict[str, Any], source: str = "model") -> SavedModel:
    """Rebuild a saved model.

    Raises:
        RiskModelError: another format, a version this justicelink does not know, or a
            malformed document.
    """
    if doc.get("format") != FORMAT:
        raise RiskModelError(f"{source}: not a justicelink risk model (format {FORMAT!r})")
    version = doc.get("format_version")
    if version != FORMAT_VERSION:
        raise RiskModelError(
            f"{source}: risk model format version {version!r}; this justicelink reads "
            f"version {FORMAT_VERSION}"
        )
    try:
        s = doc["settings"]
        settings = ModelSettings(
            bands=BandSettings(s["max_bands"], s["min_band_share"], s["min_band_rows"]),
            points_to_double_odds=float(s["points_to_double_odds"]),
            penalty_c=float(s["penalty_c"]),
        )
        predictors = doc["predictors"]
        bandings = tuple(Banding.from_json(p["name"], p["banding"]) for p in predictors)
        points = PointsModel(
            bandings=bandings,
            points=tuple(tuple(int(b["points"]) for b in p["bands"]) for p in predictors),
            band_rows=tuple(tuple(int(b["training_rows"]) for b in p["bands"]) for p in predictors),
            intercept=float(doc["score_to_probability"]["intercept"]),
            slope=float(doc["score_to_probability"]["slope"]),
            settings=settings,
        )
        f = doc["flag"]
        by_group = f.get("by_group")
        flag = FlagCutoff(
            rule=str(f["rule"]),
            min_score=f["min_score"],
            share_flagged=float(f["share_flagged"]),
            by_group=None if by_group is None else (by_group["column"], by_group["min_score"]),
        )
        return SavedModel(
            points=points,
            outcome=str(doc["outcome"]),
            sources={p["name"]: p["source"] for p in predictors},
            flag=flag,
            excluded_predictors=list(doc.get("excluded_predictors", [])),
            protected_used=list(doc.get("protected_predictors_used", [])),
            manifest=dict(doc.get("manifest", {})),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RiskModelError(f"{source}: malformed risk model ({exc})") from None


def save_model(model: SavedModel, path: Path) -> None:
    """Write the model as indented JSON (UTF-8)."""
    text = json.dumps(model.to_json(), indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")


def load_model(path: Path) -> SavedModel:
    """Read a model written by :func:`save_model`.

    Raises:
        SourceFileNotFoundError: no such file.
        RiskModelError: not JSON, or not a model this version reads.
    """
    if not path.is_file():
        raise SourceFileNotFoundError(f"{path}: risk model not found")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RiskModelError(f"{path}: not a JSON risk model ({exc})") from None
    if not isinstance(doc, dict):
        raise RiskModelError(f"{path}: not a JSON risk model")
    return model_from_json(doc, str(path))
