"""The self-contained HTML report."""

from __future__ import annotations

from justicelink.report.build import render

__all__ = ["render"]
