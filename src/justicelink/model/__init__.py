"""Canonical entities of the warehouse and the enumerations their columns take."""

from __future__ import annotations

from justicelink.model.enums import (
    AgencyKind,
    DobPrecision,
    Entity,
    EventType,
    LegalStatus,
    Outcome,
    Role,
    Sex,
)

__all__ = [
    "AgencyKind",
    "DobPrecision",
    "Entity",
    "EventType",
    "LegalStatus",
    "Outcome",
    "Role",
    "Sex",
]
