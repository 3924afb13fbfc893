"""The comparisons and blocking rules of the person-linkage model.

The comparisons weigh the evidence agencies in the region actually share (see
docs/linkage.md, "The model", for the reasoning behind each level and its sources). Every
level is written with Splink's comparison-level library or as a ``CustomLevel`` in plain SQL
that DuckDB and Spark both read (or written in :data:`justicelink.sql.WRITTEN_IN` and
transpiled), so that one model runs on either engine.
"""

from __future__ import annotations

from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import block_on
from splink.blocking_rule_library import CustomRule

from justicelink import sql

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


def comparisons() -> list[Any]:
    """The comparisons of the model, strongest level first."""
    names = cl.CustomComparison(
        output_column_name="name",
        comparison_description="Names, normalised and compared order-free",
        comparison_levels=[
            cll.NullLevel("name_key"),
            cll.ExactMatchLevel("name_key", term_frequency_adjustments=True),
            cll.ArrayIntersectLevel("name_forms", 1).configure(
                label_for_charts="an alias of one is a name of the other"
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
            # A recorded 1 January is weighed apart from a year-only date: in some
            # registers it is the default for an unknown day, in others a true birthday.
            # (One level for one or both sides: two defaulted dates are rare enough among
            # random pairs that a level of their own is learned from too few of them.)
            cll.CustomLevel(
                "dob_year_l = dob_year_r and (dob_default_l or dob_default_r)",
                "same year, 1 January recorded on one side or both",
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
            cll.CustomLevel(
                _VISIBLE_AGREE,
                "the visible part of a masked number agrees",
                base_dialect_str=sql.WRITTEN_IN,
            ),
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


def blocking_rules() -> list[Any]:
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
