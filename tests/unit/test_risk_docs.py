"""docs/risk.md and its schema say what the code does: keys, kinds, examples."""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema
import yaml

from fixtures.synthetic_cohort import make_cohort
from justicelink.app.risk import fit_cohort
from justicelink.risk.cohort_spec import (
    PROTECTED_ATTRIBUTES,
    CohortSpec,
    ModelSpec,
    json_schema,
    json_schema_text,
    load_cohort_spec,
)
from justicelink.risk.table import PredictorKind

DOCS = Path(__file__).parents[2] / "docs"
PAGE = (DOCS / "risk.md").read_text(encoding="utf-8")


def test_the_published_schema_is_the_generated_one() -> None:
    shipped = (DOCS / "risk-cohort.schema.json").read_text(encoding="utf-8")
    assert shipped == json_schema_text(), (
        "docs/risk-cohort.schema.json is stale: regenerate with "
        "`justicelink risk schema > docs/risk-cohort.schema.json`"
    )


def test_the_example_mapping_is_valid(tmp_path: Path) -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", PAGE, flags=re.S)
    assert blocks
    for block in blocks:
        jsonschema.validate(yaml.safe_load(block), json_schema())  # an independent validator
        path = tmp_path / "cohort.yaml"
        path.write_text(block, encoding="utf-8")
        load_cohort_spec(path)


def test_every_mapping_key_predictor_kind_and_protected_name_is_documented() -> None:
    for key in CohortSpec.model_fields:
        assert f"`{key}`" in PAGE, key
    for key in ModelSpec.model_fields:
        assert f"`{key}`" in PAGE, key
    for kind in PredictorKind:
        assert f"- **`{kind.value}`**" in PAGE, kind
    for name in PROTECTED_ATTRIBUTES:
        assert f"`{name}`" in PAGE, name


def test_every_json_key_is_documented(tmp_path: Path) -> None:
    make_cohort(600, seed=2).write(tmp_path)
    fit = fit_cohort(
        tmp_path / "cohort.csv", tmp_path / "cohort.yaml", folds=3, compare="decile_score"
    )
    doc = fit.result.to_json()
    table = PAGE.split("`--json` prints one document:", 1)[1].split("\n\n`--out DIR`", 1)[0]
    for key in doc:
        assert f"`{key}`" in table, key
    row = next(iter(next(iter(doc["by_group"].values())).values()))
    for key in row:
        assert key in table, key
    model_section = PAGE.split("### The saved model", 1)[1].split("\n## ", 1)[0]
    for key in doc["model"]:
        assert f"`{key}`" in model_section, key
