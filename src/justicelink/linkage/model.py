"""The person-linkage model: Splink settings, training without labels, scoring, clustering.

The comparisons weigh the evidence agencies in the region actually share (see
docs/linkage.md for the reasoning behind each level):

- names, compared order-free on normalised tokens: equal (weighed by how common the name is
  among persons), an alias of one the other's name, nearly equal (typing slips), equal in
  variant form (nicknames, romanisations), one name's words all within the other's
  (missing middle names, mononyms), equal by sound, two words in common, one word in common;
- date of birth, only as far as it can be trusted: missing on one side (a level of its
  own), equal, day and month swapped, one keying slip apart, one year apart, same year and
  month, same year, years one apart;
- sex, identity number (equal, one or two slips apart, or the visible part of a masked
  number agreeing) and address (equal, or same district or area).

Blocking rules decide which pairs are compared at all; on the synthetic country they keep
99.8% of true pairs at 1e5 records and 99.6% at 1e6 (docs/linkage.md, "Blocking"). Before
predicting, each rule's pairs are counted and a rule over the budget is split or left out
(:mod:`justicelink.linkage.guard`).
"""

from __future__ import annotations

import logging
import math
import os
import shutil
import tempfile
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_analysis import count_comparisons_from_blocking_rules, n_largest_blocks
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.splink_dataframe import SplinkDataFrame

from justicelink.linkage.evaluate import BlockingRecall
from justicelink.linkage.guard import (
    DEFAULT_MAX_PAIRS_PER_RECORD,
    Guarded,
    RuleCheck,
    guard_rules,
    sample_proportion,
)
from justicelink.linkage.prepare import name_frequencies

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

# DuckDB may take 80% of the machine's memory by default, but the prepared records and
# Python's own objects live beside it in the same process: at 2.3 million records the kernel
# killed the process before DuckDB spilled anything. Half the memory (or this variable, in
# DuckDB's notation: "8GB") leaves them room; DuckDB spills the rest to its temp folder.
MEMORY_ENV = "JUSTICELINK_LINK_MEMORY"
# Above this many records the pairs are scored in chunks (Splink's num_chunks_left/right):
# n x n passes over 1/n of the records on each side, each holding 1/n^2 of the pairs.
CHUNK_RECORDS = 1_500_000

logging.getLogger("splink").setLevel(logging.WARNING)


def _rule_dicts(model: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The blocking rules of ``model`` (or of a fresh one) as Splink settings dicts."""
    if model is not None:
        return list(model.get("blocking_rules_to_generate_predictions") or [])
    return [_as_dict(rule) for rule in blocking_rules()]


def _as_dict(rule: BlockingRuleCreator) -> dict[str, Any]:
    """A blocking-rule creator as the settings dict a saved model holds."""
    found: dict[str, Any] = rule.get_blocking_rule("duckdb").as_dict()  # type: ignore[no-untyped-call]
    return found


def _guard(
    connection: duckdb.DuckDBPyConnection,
    frame: SplinkDataFrame,
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
        rows = connection.sql(f"select * from {blocks.physical_name}").fetchall()  # Splink's
        # Each row: the key values, then count_l, count_r and their product.
        return [(" ".join(str(v) for v in row[:-3]), int(row[-3])) for row in rows]

    return guard_rules(
        rules,
        records,
        sql_of=lambda rule: str(rule["blocking_rule"]),
        explodes=lambda rule: bool(rule.get("arrays_to_explode")),
        count=count,
        commonest=commonest,
        split_rule=lambda column: _as_dict(block_on(column)),
        max_pairs_per_record=max_pairs_per_record,
    )


def memory_limit() -> str:
    """DuckDB's memory limit for linkage: ``$JUSTICELINK_LINK_MEMORY`` or half the RAM."""
    if os.environ.get(MEMORY_ENV):
        return os.environ[MEMORY_ENV]
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{max(1, int(total / 2 / 2**30))}GB"


def predict_chunks(records: int) -> int:
    """Chunks per side for scoring the pairs of ``records`` records (1: no chunking)."""
    return max(1, math.ceil(records / CHUNK_RECORDS))


# A number on neither side, in full or in part.
_NO_ID = (
    "(id_number_l is null and id_visible_l is null) "
    "or (id_number_r is null and id_visible_r is null)"
)
# A masked or partial number (``id_visible``) agrees with the other side where both can be
# seen: its visible start is a start of the other's, its visible end an end of the other's,
# and at least three characters were compared at one end.
_VISIBLE_AGREE = """(id_visible_l is not null or id_visible_r is not null)
and (id_end_l is null or id_end_r is null
     or ends_with(id_end_l, id_end_r) or ends_with(id_end_r, id_end_l))
and (id_start_l is null or id_start_r is null
     or starts_with(id_start_l, id_start_r) or starts_with(id_start_r, id_start_l))
and ((id_end_l is not null and id_end_r is not null
      and least(length(id_end_l), length(id_end_r)) >= 3)
  or (id_start_l is not null and id_start_r is not null
      and least(length(id_start_l), length(id_start_r)) >= 3))"""


def comparisons() -> list[ComparisonCreator]:
    """The comparisons of the model, strongest level first."""
    names = cl.CustomComparison(
        output_column_name="name",
        comparison_description="Names, normalised and compared order-free",
        comparison_levels=[
            cll.NullLevel("name_key"),
            cll.ExactMatchLevel("name_key", term_frequency_adjustments=True),
            cll.CustomLevel(
                "array_length(list_intersect(name_forms_l, name_forms_r)) >= 1",
                "an alias of one is a name of the other",
            ),
            cll.JaroWinklerLevel("name_key", 0.94),
            # One slip anywhere, the first letter included (Jaro-Winkler forgives it less).
            cll.DamerauLevenshteinLevel("name_key", 1),
            cll.ExactMatchLevel("name_variant"),
            cll.ArraySubsetLevel("name_tokens"),
            cll.ExactMatchLevel("name_phonetic"),
            cll.ArrayIntersectLevel("name_tokens", 2),
            cll.JaroWinklerLevel("name_key", 0.88),
            cll.ArrayIntersectLevel("name_tokens", 1),
            cll.ArrayIntersectLevel("name_sounds", 1),
            cll.ElseLevel(),
        ],
    )
    dob = cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_description="Date of birth, as far as it can be trusted",
        comparison_levels=[
            # A missing date of birth is a level of its own, not "no evidence": the model
            # learns whether records without one are more or less often matches.
            cll.CustomLevel("dob_year_l is null or dob_year_r is null", "missing on one side"),
            cll.ExactMatchLevel("dob_exact"),
            cll.CustomLevel("dob_exact_l = dob_swapped_r", "day and month swapped"),
            cll.DamerauLevenshteinLevel("dob_text", 1),
            cll.CustomLevel(
                "abs(dob_year_l - dob_year_r) = 1 and dob_month_l = dob_month_r "
                "and dob_day_l = dob_day_r",
                "same day and month, one year apart",
            ),
            cll.CustomLevel(
                "dob_year_l = dob_year_r and dob_month_l = dob_month_r", "same year and month"
            ),
            cll.CustomLevel(
                "dob_year_l = dob_year_r and (dob_exact_l is null or dob_exact_r is null)",
                "same year, one date known only to the year",
            ),
            cll.CustomLevel("dob_year_l = dob_year_r", "same year, different days"),
            cll.CustomLevel(
                "abs(dob_year_l - dob_year_r) = 1 and (dob_exact_l is null or dob_exact_r is null)",
                "years one apart, one date known only to the year",
            ),
            cll.ElseLevel(),
        ],
    )
    sex = cl.ExactMatch("sex")
    id_number = cl.CustomComparison(
        output_column_name="id_number",
        comparison_description="Identity number",
        comparison_levels=[
            cll.CustomLevel(_NO_ID, "no number on one side").configure(is_null_level=True),
            cll.ExactMatchLevel("id_number"),
            cll.DamerauLevenshteinLevel("id_number", 1),
            cll.DamerauLevenshteinLevel("id_number", 2),
            cll.CustomLevel(_VISIBLE_AGREE, "the visible part of a masked number agrees"),
            cll.ElseLevel(),
        ],
    )
    address = cl.CustomComparison(
        output_column_name="address",
        comparison_description="Address",
        comparison_levels=[
            cll.NullLevel("district"),
            cll.ExactMatchLevel("address_key"),
            cll.JaroWinklerLevel("address_key", 0.9),
            cll.ExactMatchLevel("district"),
            cll.ElseLevel(),
        ],
    )
    case = cl.CustomComparison(
        output_column_name="case",
        comparison_description="Case references shared between agencies",
        comparison_levels=[
            cll.NullLevel("case_refs"),
            cll.ArrayIntersectLevel("case_refs", 1),
            cll.ElseLevel(),
        ],
    )
    agency = cl.CustomComparison(
        output_column_name="agency",
        comparison_description="Same agency or different agencies",
        comparison_levels=[
            cll.NullLevel("agency_id"),
            cll.CustomLevel("agency_id_l <> agency_id_r", "different agencies"),
            cll.ElseLevel(),
        ],
    )
    return [names, dob, sex, id_number, address, case, agency]


def blocking_rules() -> list[BlockingRuleCreator]:
    """The rules that choose the pairs to compare (a pair is compared once, by the first).

    Every rule on a name also asks for some agreement on the date of birth, except for
    records without a year of birth and for name pairs rare enough to be cheap: a rule on a
    name alone, or on a date of birth and sex alone, makes blocks that grow with the square
    of the number of namesakes. At 1e6 records four such rules made 91 of the 98 million
    pairs that were scored (docs/linkage.md, "Blocking").
    """
    return [
        block_on("id_number"),
        block_on("case_refs", arrays_to_explode=["case_refs"]),
        block_on("name_phonetic", "dob_year"),
        block_on("name_phonetic", "dob_month", "dob_day"),
        # A name word (by sound) and the full date of birth: finds name changes and slips.
        block_on("name_sounds", "dob_exact", arrays_to_explode=["name_sounds"]),
        block_on("name_years", arrays_to_explode=["name_years"]),
        block_on("name_pairs", arrays_to_explode=["name_pairs"]),
        block_on("block_tokens", "dob_month", "dob_day", arrays_to_explode=["block_tokens"]),
        block_on("dob_sex"),
        # A record without a year of birth meets others by the sound of its name alone. Both
        # directions: Splink looks for a pair only with the lower record id on the left.
        CustomRule("l.name_phonetic_no_year = r.name_phonetic"),
        CustomRule("l.name_phonetic = r.name_phonetic_no_year"),
        # Names at most one typo apart, with years of birth at most one apart or with no
        # year on one side.
        block_on("name_edit_years", arrays_to_explode=["name_edit_years"]),
        CustomRule(
            "l.name_edits = r.name_edits and (l.dob_year is null or r.dob_year is null)",
            arrays_to_explode=["name_edits"],
        ),
        # A name that is another record's alias (or an alias with the family name).
        block_on("alias_blocks", arrays_to_explode=["alias_blocks"]),
        block_on("address_key"),
        # Finds no true pair alone on the synthetic country, but on FEBRL3, whose records have
        # no sex, F1 was 0.9958 without it and 0.9969 with it.
        block_on("dob_exact", "district"),
    ]


def settings(rules: list[dict[str, Any]] | None = None) -> SettingsCreator:
    """A fresh, untrained model (with ``rules`` as its blocking rules, when given)."""
    chosen: list[BlockingRuleCreator | dict[str, Any]] = list(
        rules if rules is not None else blocking_rules()
    )
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=list(comparisons()),
        blocking_rules_to_generate_predictions=chosen,
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
        max_iterations=20,
    )


@dataclass
class LinkageEngine:
    """A Splink linker over prepared records, on its own DuckDB connection."""

    connection: duckdb.DuckDBPyConnection
    linker: Linker
    records: SplinkDataFrame
    spill: str
    size: int
    # The blocking rules as given (kept in the saved model), and what the guard did.
    rules: list[dict[str, Any]] = field(default_factory=list)
    checks: list[RuleCheck] = field(default_factory=list)

    @classmethod
    def open(
        cls,
        records: pa.Table,
        model: dict[str, Any] | None = None,
        max_pairs_per_record: float = DEFAULT_MAX_PAIRS_PER_RECORD,
    ) -> LinkageEngine:
        """Load prepared records; use ``model`` (Splink settings JSON) or a fresh one.

        Every blocking rule's pairs are counted first; a rule making more than
        ``max_pairs_per_record`` times the records is split or refused
        (:mod:`justicelink.linkage.guard`).
        """
        # Spill to a private temporary folder: an in-memory DuckDB would otherwise spill
        # large joins into ".tmp" under the user's working directory and leave it there.
        spill = tempfile.mkdtemp(prefix="justicelink-link-")
        connection = duckdb.connect(
            config={"temp_directory": spill, "memory_limit": memory_limit()}
        )
        db_api = DuckDBAPI(connection)
        frame = db_api.register(records, table_name="linkage_input")
        rules = _rule_dicts(model)
        guarded = _guard(connection, frame, records, rules, max_pairs_per_record)
        if guarded.columns:
            for name, column in guarded.columns.items():
                records = records.append_column(name, column)
            frame.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
            frame = db_api.register(records, table_name="linkage_input_guarded")
        chosen: SettingsCreator | dict[str, Any] = (
            settings(guarded.rules)
            if model is None
            else {**model, "blocking_rules_to_generate_predictions": guarded.rules}
        )
        linker = Linker(frame, chosen, log_level=logging.ERROR)
        # Name frequencies among persons, not records (see prepare.name_frequencies).
        frequencies = db_api.register(name_frequencies(records), table_name="name_frequency")
        linker.table_management.register_term_frequency_lookup(frequencies, "name_key")
        return cls(connection, linker, frame, spill, records.num_rows, rules, guarded.checks)

    def train(self, seed: int = 1) -> None:
        """Estimate the model's parameters from the data alone (no labels)."""
        training = self.linker.training
        # Pairs with equal name and full date of birth are nearly all matches, but they are
        # only some of the matches: between _MIN_RECALL and all of them. That bounds the
        # share of matching pairs among all pairs.
        training.estimate_probability_two_random_records_match(
            [block_on("name_key", "dob_exact")], recall=1.0
        )
        settings = self.linker._settings_obj  # Splink offers no public setter for the prior
        floor = settings._probability_two_random_records_match
        ceiling = min(floor / _MIN_RECALL, 0.5)
        settings._probability_two_random_records_match = min(floor / _PRIOR_RECALL, ceiling)
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
        learned = settings._probability_two_random_records_match
        settings._probability_two_random_records_match = min(max(learned, floor), ceiling)

    def predict(self, floor: float) -> SplinkDataFrame:
        """Score every blocked pair; keep those at or above ``floor``."""
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
        self.connection.register("blocking_truth", known)
        try:
            # Table names below are Splink's own or fixed here; no input reaches the SQL.
            counts = self.connection.sql(
                f"""
                with t as (
                    select b.unique_id, b.person from blocking_truth b
                    join {self.records.physical_name} r using (unique_id)
                ), sizes as (select count(*) as n from t group by person)
                select
                    (select count(*) from {pairs.physical_name}),
                    (select coalesce(sum(n * (n - 1) // 2), 0) from sizes),
                    (select count(*) from {pairs.physical_name} p
                        join t a on a.unique_id = p.unique_id_l
                        join t b on b.unique_id = p.unique_id_r
                     where a.person = b.person)
                """
            ).fetchall()[0]
        finally:
            self.connection.unregister("blocking_truth")
            pairs.drop_table_from_database_and_remove_from_cache()
        return BlockingRecall(pairs=counts[0], true_pairs=int(counts[1]), kept=counts[2])

    def model_json(self) -> dict[str, Any]:
        """The trained model as Splink settings JSON, with the blocking rules as given
        (the guard's splits depend on the records and are made again on each run)."""
        result: dict[str, Any] = self.linker.misc.save_model_to_json()
        result["blocking_rules_to_generate_predictions"] = self.rules
        return result

    def close(self) -> None:
        self.connection.close()
        shutil.rmtree(self.spill, ignore_errors=True)
