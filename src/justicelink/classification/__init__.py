"""Offence classification: ICCS v1.0 and national crosswalks to it.

The ICCS files under ``classification/data`` are the International Classification of Crime
for Statistical Purposes, version 1.0 (UNODC, 2015), reproduced with acknowledgement of UNODC
as the source; see ``data/SOURCE_ICCS.md``.
"""

from __future__ import annotations

from justicelink.classification.crosswalk import Crosswalk, load_crosswalk
from justicelink.classification.iccs import IccsCategory, IccsClassification, load_iccs

__all__ = [
    "Crosswalk",
    "IccsCategory",
    "IccsClassification",
    "load_crosswalk",
    "load_iccs",
]
