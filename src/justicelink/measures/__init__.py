"""Measures: declarative definitions computed on the linked warehouse."""

from __future__ import annotations

from justicelink.measures.catalogue import MEASURES
from justicelink.measures.definition import Measure
from justicelink.measures.engine import Result, compute

__all__ = ["MEASURES", "Measure", "Result", "compute"]
