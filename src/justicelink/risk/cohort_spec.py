"""The cohort mapping (cohort.yaml): which columns of a cohort file are the outcome, the
predictors (with their kinds) and the groups of the fairness breakdown.

Its shape is checked by the pydantic models below, from which the published JSON Schema
(docs/risk-cohort.schema.json, :func:`json_schema`) is generated; its meaning (a column used
twice, protected attributes among the predictors) is resolved by :mod:`cohort_file`. Every
problem is one line naming the mapping file and the place in it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from justicelink.errors import MappingError, SourceFileNotFoundError
from justicelink.ingest.mapping import read_yaml_file, validated
from justicelink.risk.table import PredictorKind

#: Column names read as protected attributes: never predictors unless the mapping opts in
#: (``protected_predictors``). Compared after lower-casing and turning anything that is not
#: a letter or digit into "_". Age is deliberately absent: it is the strongest predictor of
#: reoffending in every published instrument, and its use is reported on the model card.
PROTECTED_ATTRIBUTES = frozenset(
    {
        "sex",
        "gender",
        "race",
        "ethnicity",
        "ethnic_group",
        "ethnic_origin",
        "religion",
        "nationality",
        "citizenship",
        "country_of_birth",
        "caste",
        "tribe",
        "indigenous",
        "disability",
        "sexual_orientation",
        "colour",
        "color",
        "skin_colour",
        "skin_color",
    }
)

_KIND_SYNONYMS = {"numeric": "number", "categorical": "category", "datetime": "date"}


def normalised_name(column: str) -> str:
    """A column name as compared with :data:`PROTECTED_ATTRIBUTES` (Ethnic Group: ethnic_group)."""
    return re.sub(r"[^0-9a-z]+", "_", column.lower()).strip("_")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PredictorSpec(_Strict):
    """One predictor: its kind and, when needed, where and how to read it."""

    kind: PredictorKind = Field(description="number | category | date.")
    column: str | None = Field(
        default=None, description="Source column; default: the predictor's name."
    )
    since: str | None = Field(
        default=None,
        description="date only: use the days from this date column to this one "
        "(e.g. c_jail_out since c_jail_in = length of stay).",
    )
    unit: Literal["days", "years"] | None = Field(
        default=None, description="date only, with a reference date: days (default) or years."
    )
    format: str | list[str] | None = Field(
        default=None,
        description="date only: strftime format(s) tried in order; default ISO 8601 "
        "(2014-03-21, 2014-03-21 06:03:42, 2014-03-21T06:03:42).",
    )

    @model_validator(mode="before")
    @classmethod
    def _synonyms(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("kind"), str):
            data = {**data, "kind": _KIND_SYNONYMS.get(data["kind"], data["kind"])}
        return data


class ModelSpec(_Strict):
    """How the points model is built (the defaults suit cohorts of a few thousand and up)."""

    max_bands: int = Field(default=20, ge=2, le=50, description="Bands per number or date.")
    min_band_share: float = Field(
        default=0.01, ge=0, le=0.5, description="A band holds at least this share of rows."
    )
    min_band_rows: int = Field(default=20, ge=1, description="... and at least this many rows.")
    points_to_double_odds: float = Field(
        default=10, gt=0, description="Points that double the odds of the outcome."
    )
    penalty_c: float = Field(
        default=0.03,
        gt=0,
        description="Inverse L2 penalty (scikit-learn C) of the banded regression.",
    )


class CohortSpec(_Strict):
    """The whole cohort mapping."""

    version: Literal[1] = 1
    outcome: str = Field(description="Column holding the outcome: 1 (reoffended) or 0.")
    predictors: dict[str, PredictorKind | PredictorSpec] = Field(
        min_length=1,
        description="Predictor name -> kind (number | category | date), or a specification.",
    )
    groups: list[str] = Field(
        default_factory=list,
        description="Columns for the fairness breakdown only; never predictors.",
    )
    index_date: str | None = Field(
        default=None,
        description="Date column every date predictor without 'since' is measured from.",
    )
    date_format: str | list[str] | None = Field(
        default=None, description="Default strftime format(s) of every date column."
    )
    compare: str | None = Field(
        default=None,
        description="An existing instrument's score column (higher = riskier) to validate "
        "against the model on the same rows (the CLI's --compare overrides it).",
    )
    protected: list[str] = Field(
        default_factory=list,
        description="Further columns to treat as protected attributes (besides sex, race, ...).",
    )
    protected_predictors: list[str] = Field(
        default_factory=list,
        description="Opt-in: protected attributes to use as predictors anyway (reported).",
    )
    equalise_fpr: str | None = Field(
        default=None,
        description="Opt-in: flag with one threshold per value of this group column, chosen "
        "to equalise false-positive rates (reported with its cost; CLI --equalise-fpr).",
    )
    delimiter: str = Field(default=",", min_length=1, max_length=1, description="CSV only.")
    encoding: str = Field(default="utf-8", description="CSV only: the text encoding.")
    model: ModelSpec = Field(default_factory=ModelSpec)

    @model_validator(mode="before")
    @classmethod
    def _friendly_forms(cls, data: Any) -> Any:
        """Accept `group` (a string for one), `equalize_fpr`, and predictors as a list."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if "equalize_fpr" in data and "equalise_fpr" not in data:
            data["equalise_fpr"] = data.pop("equalize_fpr")
        if "group" in data:
            if "groups" in data:
                raise ValueError("give 'groups' or 'group', not both")
            data["groups"] = data.pop("group")
        if isinstance(data.get("groups"), str):
            data["groups"] = [data["groups"]]
        if isinstance(data.get("predictors"), list):
            as_dict: dict[str, Any] = {}
            for item in data["predictors"]:
                if not isinstance(item, dict) or not ({"name", "column"} & set(item)):
                    raise ValueError("a predictor in a list needs 'name' or 'column' and 'kind'")
                item = dict(item)
                name = item.pop("name", None) or item["column"]
                as_dict[str(name)] = item
            data["predictors"] = as_dict
        predictors = data.get("predictors")
        if isinstance(predictors, dict):
            data["predictors"] = {
                k: _KIND_SYNONYMS.get(v, v) if isinstance(v, str) else v
                for k, v in predictors.items()
            }
        return data

    def predictor_specs(self) -> dict[str, PredictorSpec]:
        """Every predictor as a full specification."""
        return {
            name: spec if isinstance(spec, PredictorSpec) else PredictorSpec(kind=spec)
            for name, spec in self.predictors.items()
        }


def load_cohort_spec(path: Path) -> CohortSpec:
    """Read and check the shape of a cohort mapping.

    Raises:
        SourceFileNotFoundError: when the file does not exist.
        MappingError: malformed YAML or a shape error, as one line naming file and place.
    """
    if not path.is_file():
        raise SourceFileNotFoundError(f"{path}: cohort mapping not found")
    raw = read_yaml_file(path, MappingError, "a mapping with 'outcome' and 'predictors'")
    return validated(CohortSpec, raw, path, MappingError)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the cohort mapping, generated from the models above."""
    schema = CohortSpec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "justicelink cohort mapping (cohort.yaml) for `risk fit --data`"
    return schema


def json_schema_text() -> str:
    """The JSON Schema as shipped in docs/risk-cohort.schema.json."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
