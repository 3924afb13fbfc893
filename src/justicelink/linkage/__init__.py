"""Linking person records across agencies (the person model and its evaluation).

So far: the normalisation that prepares names and dates of birth for comparison. The Splink
model, clustering and evaluation build on it (see the linkage issue).
"""

from __future__ import annotations

from justicelink.linkage.normalise import (
    LinkageDob,
    fold,
    linkage_dob,
    name_key,
    name_tokens,
)

__all__ = ["LinkageDob", "fold", "linkage_dob", "name_key", "name_tokens"]
