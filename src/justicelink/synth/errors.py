"""Errors raised by the synthetic country generator."""

from __future__ import annotations

from justicelink.errors import JusticelinkError


class SynthError(ValueError, JusticelinkError):
    """The arguments given to the generator cannot describe a country (e.g. ``people < 1``)."""
