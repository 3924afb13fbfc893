"""Programme evaluation: did taking part reduce proven reoffending? (Justice Data Lab method)

Modules, in the order an evaluation runs:

- :mod:`.participants`: the participant file (``agency,record_key,start_date`` or
  ``person_id,start_date``);
- :mod:`.cohort`: index events from the warehouse, with features and one-year outcomes, by
  the measures' own definition of proven reoffending;
- :mod:`.design`: the index-date rule, who is left out and why, the comparison pool;
- :mod:`.matching`: propensity scores, caliper matching with replacement, odds weights;
- :mod:`.balance`: standardised mean differences before and after;
- :mod:`.outcomes`: differences with robust intervals, Kaplan-Meier, detectable effects,
  E-values, the Maryland scale;
- :mod:`.analysis`: all of the above on one design;
- :mod:`.reading`, :mod:`.report`, :mod:`.charts`, :mod:`.html`: the words, the JSON and the
  self-contained HTML report.
"""

from __future__ import annotations

from justicelink.evaluation.analysis import Analysis, Settings, analyse
from justicelink.evaluation.participants import Participant, parse_participants, read_participants
from justicelink.evaluation.report import Evaluation

__all__ = [
    "Analysis",
    "Evaluation",
    "Participant",
    "Settings",
    "analyse",
    "parse_participants",
    "read_participants",
]
