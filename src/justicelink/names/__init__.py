"""Personal names of the region: folding, splitting, and the tables that know them.

Used by ingest (splitting one-column names) and by linkage (the forms names are compared
in). The tables are data files in ``names/data`` (sources in ``names/data/SOURCES.md``).
"""

from __future__ import annotations

from justicelink.names.fold import fold, raw_words, word_key
from justicelink.names.knowledge import NameKnowledge, knowledge
from justicelink.names.split import ORDERS, SplitName, split_name

__all__ = [
    "ORDERS",
    "NameKnowledge",
    "SplitName",
    "fold",
    "knowledge",
    "raw_words",
    "split_name",
    "word_key",
]
