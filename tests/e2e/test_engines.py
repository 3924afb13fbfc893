"""One pipeline, two engines: DuckDB and Apache Spark publish the same tables.

The same small country goes through both engines, in one process (one Spark session):
ingest, link with one model, measures with disclosure control. The published files must be
byte for byte the same, and every record must sit in the same person. Spark training its own
model gets, against the country's truth, a pairwise F1 within a stated tolerance of DuckDB's
(the engines sample pairs for training differently).

Needs pyspark and Java 17: `make test` installs both and sets JUSTICELINK_TEST_SPARK, so the
test runs in CI; elsewhere it is skipped with the reason.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from pathlib import Path

import pytest
import sqlglot.expressions as exp

from justicelink.app.measure import PublishSettings, measure
from justicelink.app.pipeline import ingest, link
from justicelink.warehouse.port import Engine, open_warehouse

SPARK_ENV = "JUSTICELINK_TEST_SPARK"
# Pairwise F1 of Spark's own training against DuckDB's, on the same records.
F1_TOLERANCE = 0.01


def _spark_available() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install 'justicelink[spark]')"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java runtime (Spark needs Java 17)"
    return None


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory, linked_country: Path) -> dict[str, Path]:
    reason = _spark_available()
    if reason:
        if os.environ.get(SPARK_ENV):
            pytest.fail(f"{SPARK_ENV} is set but {reason}")
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("engines")
    country = linked_country / "country"
    settings = PublishSettings(ref_area="360", draws=2)
    model = root / "model.json"
    out: dict[str, Path] = {"root": root}
    for name in ("duckdb", "spark"):
        engine = Engine(name)
        warehouse = root / ("w.duckdb" if name == "duckdb" else "warehouse")
        ingest(country, warehouse, engine=engine)
        if name == "duckdb":  # train here, then both engines score with the saved model
            trained = link(warehouse, engine=engine).model
            model.write_text(json.dumps(trained), encoding="utf-8")
        link(warehouse, engine=engine, model=trained, model_source=str(model))
        measure(warehouse, root / f"m-{name}", settings, engine=engine)
        out[name] = warehouse
    return out


def _persons(warehouse: Path, engine: str) -> dict[str, str]:
    with open_warehouse(warehouse, read_only=True, engine=Engine(engine)) as w:
        rows = w.fetch(exp.select("record_id", "person_id").from_("record_person"))
    return {str(r): str(p) for r, p in rows}


def test_both_engines_load_the_same_rows(both: dict[str, Path]) -> None:
    for table in ("person_record", "case_event", "incident", "quarantine"):
        counts = []
        for name in ("duckdb", "spark"):
            with open_warehouse(both[name], read_only=True, engine=Engine(name)) as w:
                counts.append(w.count(table))
        assert counts[0] == counts[1] > 0, table


def test_the_same_model_puts_every_record_in_the_same_person(both: dict[str, Path]) -> None:
    duck, spark = _persons(both["duckdb"], "duckdb"), _persons(both["spark"], "spark")
    assert len(duck) > 1000
    assert duck == spark


def test_both_engines_publish_byte_identical_tables(both: dict[str, Path]) -> None:
    root = both["root"]
    duck = sorted(p.name for p in (root / "m-duckdb").iterdir())
    assert duck == sorted(p.name for p in (root / "m-spark").iterdir())
    for name in duck:  # the manifest too: same inputs, mapping, model and settings
        left = (root / "m-duckdb" / name).read_bytes()
        assert left == (root / "m-spark" / name).read_bytes(), name


def test_spark_trains_a_model_as_good_as_duckdbs(
    both: dict[str, Path], linked_country: Path
) -> None:
    truth = linked_country / "country" / "truth"
    duck = link(both["duckdb"], engine=Engine("duckdb"), truth_dir=truth)
    spark = link(both["spark"], engine=Engine("spark"), truth_dir=truth)
    assert duck.evaluation is not None and spark.evaluation is not None
    assert abs(duck.evaluation.pairwise.f1 - spark.evaluation.pairwise.f1) <= F1_TOLERANCE
    assert spark.evaluation.pairwise.f1 >= 0.95
