"""The person-linkage model: Splink settings, training without labels, scoring, clustering.

The comparisons and blocking rules are in :mod:`justicelink.linkage.comparisons`; they weigh
the evidence agencies in the region actually share (see docs/linkage.md for the reasoning
behind each level):

- names, compared order-free on normalised tokens: equal (weighed by how common the name is
  among persons, smoothed by Turing's estimate), an alias of one the other's name, nearly
  equal (typing slips), equal in variant form (nicknames, romanisations), one name's words
  all within the other's (missing middle names, mononyms), equal by sound, two words in
  common, one word in common;
- date of birth, only as far as it can be trusted: missing on one side (a level of its
  own), equal, day and month swapped, one keying slip apart, one year apart, same year and
  month, same year with a 1 January date, same year with a year-only date, same year,
  years one apart;
- sex, identity number (equal, one or two slips apart, or the visible part of a masked
  number agreeing) and address (equal, or same district or area).

Blocking rules decide which pairs are compared at all; on the synthetic country they keep
99.8% of true pairs at 1e5 records and 99.6% at 1e6 (docs/linkage.md, "Blocking"). Before
predicting, each rule's pairs are counted and a rule over the budget is split or left out
(:mod:`justicelink.linkage.guard`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import uuid
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import sqlglot.expressions as exp
from splink import Linker, SettingsCreator, block_on
from splink.blocking_analysis import count_comparisons_from_blocking_rules, n_largest_blocks

from justicelink.errors import LinkageError
from justicelink.linkage.comparisons import blocking_rules, comparisons
from justicelink.linkage.evaluate import BlockingRecall
from justicelink.linkage.guard import (
    DEFAULT_MAX_PAIRS_PER_RECORD,
    Guarded,
    RuleCheck,
    guard_rules,
    sample_proportion,
)
from justicelink.linkage.prepare import name_frequencies
from justicelink.sql import parse as parse_sql
from justicelink.warehouse.port import LinkageBackend

# A pair at or above this probability is the same person unless told otherwise.
DEFAULT_THRESHOLD = 0.9
# Share of all record pairs that are the same person, before training refines it: the
# synthetic country has about 1.3 true pairs per record among 1e5 records.
_PRIOR_RECALL = 0.6
# The least share of matching pairs that equal name and full date of birth are assumed to find.
_MIN_RECALL = 0.3
# EM learns from at most this many blocked pairs per session (a sample at large scale). At
# 1e6 records 2 million gave the m probabilities of 5 million to within 0.006 and trained in
# 71 s instead of 132 s; at 1e5 records no session reaches it.
_EM_MAX_PAIRS = 2e6

# Above this many records the pairs are scored in chunks (Splink's num_chunks_left/right):
# n x n passes over 1/n of the records on each side, each holding 1/n^2 of the pairs.
CHUNK_RECORDS = 1_500_000

logging.getLogger("splink").setLevel(logging.WARNING)


def _rule_dicts(model: dict[str, Any] | None, dialect: str) -> list[dict[str, Any]]:
    """The blocking rules of ``model`` (or of a fresh one) as Splink settings dicts, in the
    engine's SQL (a model from another engine takes this version's rules in this engine's)."""
    if model is not None and model.get("sql_dialect", dialect) == dialect:
        return list(model.get("blocking_rules_to_generate_predictions") or [])
    return [_as_dict(rule, dialect) for rule in blocking_rules()]


def _as_dict(rule: Any, dialect: str) -> dict[str, Any]:
    """A blocking-rule creator as the settings dict a saved model holds."""
    found: dict[str, Any] = rule.get_blocking_rule(dialect).as_dict()
    return found


def _guard(
    backend: LinkageBackend,
    frame: Any,
    records: pa.Table,
    rules: list[dict[str, Any]],
    max_pairs_per_record: float,
) -> Guarded:
    """Count each rule's pairs with Splink's counter and split or refuse the big ones."""
    proportion = sample_proportion(records.num_rows)

    def count(rule: dict[str, Any]) -> int:
        with warnings.catch_warnings():
            # Splink warns when a sample holds few pairs: a small count is all we need then.
            warnings.simplefilter("ignore", UserWarning)
            found = count_comparisons_from_blocking_rules(
                frame,
                blocking_rules=[rule],
                link_type="dedupe_only",
                record_sample_proportion=proportion,
            )
        return int(found[0]["marginal_comparison_count"])

    def commonest(rule: dict[str, Any]) -> list[tuple[str, int]]:
        blocks = n_largest_blocks(frame, blocking_rule=rule, link_type="dedupe_only", n_largest=3)
        rows = [tuple(r.values()) for r in backend.to_arrow(blocks).to_pylist()]
        # Each row: the key values, then count_l, count_r and their product.
        return [(" ".join(str(v) for v in row[:-3]), int(row[-3])) for row in rows]

    return guard_rules(
        rules,
        records,
        sql_of=lambda rule: str(rule["blocking_rule"]),
        explodes=lambda rule: bool(rule.get("arrays_to_explode")),
        count=count,
        commonest=commonest,
        split_rule=lambda column: _as_dict(block_on(column), backend.dialect),
        max_pairs_per_record=max_pairs_per_record,
    )


def predict_chunks(records: int) -> int:
    """Chunks per side for scoring the pairs of ``records`` records (1: no chunking)."""
    return max(1, math.ceil(records / CHUNK_RECORDS))


def settings(rules: list[dict[str, Any]] | None = None) -> SettingsCreator:
    """A fresh, untrained model (with ``rules`` as its blocking rules, when given)."""
    chosen: list[Any] = list(rules if rules is not None else blocking_rules())
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=list(comparisons()),
        blocking_rules_to_generate_predictions=chosen,
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
        max_iterations=20,
    )


def _trained(fresh: dict[str, Any], saved: dict[str, Any]) -> dict[str, Any]:
    """``fresh`` (this engine's SQL) with the parameters ``saved`` learned (another's).

    Raises:
        LinkageError: The saved model's comparisons are not this version's.
    """
    out: dict[str, Any] = json.loads(json.dumps(fresh))
    out["probability_two_random_records_match"] = saved["probability_two_random_records_match"]
    by_name = {c["output_column_name"]: c for c in saved.get("comparisons", [])}
    for comparison in out["comparisons"]:
        learned = by_name.get(comparison["output_column_name"])
        levels = comparison["comparison_levels"]
        if learned is None or len(learned["comparison_levels"]) != len(levels):
            raise LinkageError(
                f"the saved model's comparison {comparison['output_column_name']!r} is not "
                "this version's: train a model on this engine instead"
            )
        for level, old in zip(levels, learned["comparison_levels"], strict=True):
            for key in ("m_probability", "u_probability", "tf_adjustment_weight"):
                if key in old:
                    level[key] = old[key]
    return out


@dataclass
class LinkageEngine:
    """A Splink linker over prepared records, in an engine session the warehouse gave.

    Only Splink's public API is used: the prior is set by passing the model as settings
    JSON, and results come back through the session's own conversion to Arrow.
    """

    backend: LinkageBackend
    linker: Any  # a Splink Linker, set by _use
    records: Any  # the registered input, a Splink data frame
    size: int
    # The blocking rules as given (kept in the saved model), and what the guard did.
    rules: list[dict[str, Any]] = field(default_factory=list)
    checks: list[RuleCheck] = field(default_factory=list)
    frequencies: Any = None  # the registered name-frequency table

    @classmethod
    def open(
        cls,
        backend: LinkageBackend,
        records: pa.Table,
        model: dict[str, Any] | None = None,
        max_pairs_per_record: float = DEFAULT_MAX_PAIRS_PER_RECORD,
    ) -> LinkageEngine:
        """Load prepared records; use ``model`` (Splink settings JSON) or a fresh one.

        Every blocking rule's pairs are counted first; a rule making more than
        ``max_pairs_per_record`` times the records is split or refused
        (:mod:`justicelink.linkage.guard`).
        """
        db_api = backend.db_api
        # A Spark session outlives one run and keeps its views: each run names its own.
        run = uuid.uuid4().hex[:8]
        frame = db_api.register(records, table_name=f"linkage_input_{run}")
        rules = _rule_dicts(model, backend.dialect)
        guarded = _guard(backend, frame, records, rules, max_pairs_per_record)
        if guarded.columns:
            for name, column in guarded.columns.items():
                records = records.append_column(name, column)
            frame.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
            frame = db_api.register(records, table_name=f"linkage_input_guarded_{run}")
        chosen: SettingsCreator | dict[str, Any] = settings(guarded.rules)
        if model is not None:
            if model.get("sql_dialect", backend.dialect) == backend.dialect:
                chosen = {**model, "blocking_rules_to_generate_predictions": guarded.rules}
            else:
                # Splink saves SQL in the dialect that trained the model (DuckDB quotes names
                # "like this", which Spark reads as text, and names functions its own way):
                # take this engine's own SQL of the same comparisons, with the parameters.
                blank = Linker(frame, chosen, log_level=logging.ERROR).misc.save_model_to_json()
                chosen = _trained(blank, model)
        # Name frequencies among persons, not records (see prepare.name_frequencies).
        frequencies = db_api.register(name_frequencies(records), table_name=f"name_frequency_{run}")
        engine = cls(backend, None, frame, records.num_rows, rules, guarded.checks, frequencies)
        engine._use(chosen)
        return engine

    def _use(self, model: SettingsCreator | dict[str, Any]) -> None:
        """A linker with ``model`` over the records, reading the persons' name frequencies."""
        self.linker = Linker(self.records, model, log_level=logging.ERROR)
        self.linker.table_management.register_term_frequency_lookup(self.frequencies, "name_key")

    def _prior(self) -> float:
        return float(self.linker.misc.save_model_to_json()["probability_two_random_records_match"])

    def _set_prior(self, value: float) -> None:
        # Splink has no public setter for the prior: the model goes round through its JSON.
        model = self.linker.misc.save_model_to_json()
        model["probability_two_random_records_match"] = value
        self._use(model)

    def train(self, seed: int = 1) -> None:
        """Estimate the model's parameters from the data alone (no labels)."""
        # Pairs with equal name and full date of birth are nearly all matches, but they are
        # only some of the matches: between _MIN_RECALL and all of them. That bounds the
        # share of matching pairs among all pairs.
        self.linker.training.estimate_probability_two_random_records_match(
            [block_on("name_key", "dob_exact")], recall=1.0
        )
        floor = self._prior()
        ceiling = min(floor / _MIN_RECALL, 0.5)
        self._set_prior(min(floor / _PRIOR_RECALL, ceiling))
        training = self.linker.training
        training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
        # The share is then re-derived from what EM found within the date-of-birth and name
        # blocks (not the identity-number block: nearly all its pairs match, and turning its
        # share back into one for all pairs overstates it), and kept within the bounds.
        sessions = (
            (block_on("dob_exact"), False),
            (block_on("name_key"), True),
            (block_on("id_number"), False),
        )
        for rule, rederive in sessions:
            training.estimate_parameters_using_expectation_maximisation(
                rule,
                populate_probability_two_random_records_match_from_trained_values=rederive,
                max_pairs=_EM_MAX_PAIRS,
            )
        self._set_prior(min(max(self._prior(), floor), ceiling))

    def predict(self, floor: float) -> Any:
        """Score every blocked pair; keep those at or above ``floor`` (a Splink data frame)."""
        chunks = predict_chunks(self.size)
        if chunks == 1:
            return self.linker.inference.predict(threshold_match_probability=floor)
        return self.linker.inference.predict(
            threshold_match_probability=floor, num_chunks_left=chunks, num_chunks_right=chunks
        )

    def blocking_recall(self, truth: Mapping[str, str]) -> BlockingRecall:
        """The pairs the blocking rules choose, and the true pairs among them.

        Args:
            truth: record id -> true person id; records the truth does not know, and true
                persons' records that are not here (set aside as incomparable), do not count.
        """
        # A linker with the model's blocking rules (as guarded) and no comparisons lists the
        # chosen pairs as bare id pairs (the model's own would carry every compared column).
        rules = self.linker.misc.save_model_to_json()["blocking_rules_to_generate_predictions"]
        bare = {
            "link_type": "dedupe_only",
            "unique_id_column_name": "unique_id",
            "comparisons": [],
            "blocking_rules_to_generate_predictions": rules,
            "retain_matching_columns": False,
            "retain_intermediate_calculation_columns": False,
        }
        pairs = Linker(self.records, bare, log_level=logging.ERROR).inference.deterministic_link()
        known = pa.table(
            {"unique_id": list(truth), "person": list(truth.values())},
            schema=pa.schema([("unique_id", pa.string()), ("person", pa.string())]),
        )
        self.backend.register("blocking_truth", known)
        counts = self.backend.query(_recall_query(self.records.physical_name, pairs.physical_name))
        pairs.drop_table_from_database_and_remove_from_cache()
        row = counts.to_pylist()[0]
        return BlockingRecall(
            pairs=int(row["pairs"]), true_pairs=int(row["true_pairs"]), kept=int(row["kept"])
        )

    def model_json(self) -> dict[str, Any]:
        """The trained model as Splink settings JSON, with the blocking rules as given (the
        guard's splits depend on the records and are made again on each run), and without
        Splink's ``linker_uid``, a random name of the linker object: the same records give
        the same model, byte for byte."""
        result: dict[str, Any] = self.linker.misc.save_model_to_json()
        result["blocking_rules_to_generate_predictions"] = self.rules
        result.pop("linker_uid", None)
        return result


def _recall_query(records: str, pairs: str) -> exp.Expr:
    """Pairs chosen, true pairs among the records, and true pairs chosen (one row).

    ``records`` and ``pairs`` are table names Splink generated, placed as identifiers.
    """
    tree = parse_sql(
        """
        WITH t AS (
            SELECT b.unique_id, b.person FROM blocking_truth AS b
            JOIN jl_records AS r ON r.unique_id = b.unique_id
        ), sizes AS (SELECT count(*) AS n FROM t GROUP BY person)
        SELECT
            (SELECT count(*) FROM jl_pairs) AS pairs,
            (SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM sizes) AS true_pairs,
            (SELECT count(*) FROM jl_pairs AS p
                JOIN t AS a ON a.unique_id = p.unique_id_l
                JOIN t AS b ON b.unique_id = p.unique_id_r
             WHERE a.person = b.person) AS kept
        """
    )
    names = {"jl_records": records, "jl_pairs": pairs}

    def rename(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Table) and node.name in names:
            return exp.to_table(names[node.name]).as_(node.alias or node.name)
        return node

    return tree.transform(rename)


def fingerprint(model: dict[str, Any]) -> str:
    """SHA-256 of what a model learned, whatever engine's SQL it is written in.

    The prior, and each comparison's levels by label with their m and u probabilities and
    term-frequency weights, to nine significant digits: the same model scored on DuckDB or on
    Spark has one fingerprint, and so do two trainings on the same records (EM's sums, run in
    parallel, can differ in the last of a double's digits).
    """

    def digits(value: Any) -> Any:
        return float(f"{value:.9g}") if isinstance(value, float) else value

    learned = {
        "prior": digits(model.get("probability_two_random_records_match")),
        "comparisons": [
            [
                comparison.get("output_column_name"),
                [
                    [
                        level.get("label_for_charts"),
                        digits(level.get("m_probability")),
                        digits(level.get("u_probability")),
                        digits(level.get("tf_adjustment_weight")),
                    ]
                    for level in comparison.get("comparison_levels", [])
                ],
            ]
            for comparison in model.get("comparisons", [])
        ],
        "blocking_rules": len(model.get("blocking_rules_to_generate_predictions", [])),
    }
    text = json.dumps(learned, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
