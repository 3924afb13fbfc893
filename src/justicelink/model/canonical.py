"""The canonical tables of the warehouse and the fields a mapping file may fill.

This module is the single statement of the canonical model: the warehouse builds its schema
from :data:`TABLES`, and the mapping validator accepts exactly the fields in
:data:`MAPPABLE_FIELDS`. Types are logical (``text``, ``date``, ...); each warehouse engine
translates them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from justicelink.model.enums import (
    DobPrecision,
    Entity,
    EventType,
    LegalStatus,
    Outcome,
    ParticipationStatus,
    ProgrammeSetting,
    Role,
    Sex,
)


class FieldKind(StrEnum):
    """How a mapped source column is normalised."""

    TEXT = "text"  # trimmed; empty becomes NULL
    DATE = "date"  # parsed with the mapping's format(s); never invents a missing day
    PARTIAL_DATE = "partial_date"  # like DATE, but year-only or year-month are kept with precision
    ENUM = "enum"  # mapped through the mapping's value map onto a canonical enum
    CODE = "code"  # text or an agency code; an optional value map turns codes into text
    BOOLEAN = "boolean"  # mapped through the value map onto true/false
    INTEGER = "integer"  # whole number
    DURATION = "duration"  # a length, converted to days from the mapping's unit
    OFFENCE = "offence"  # national offence code; coded to ICCS through the crosswalk
    PERSON_KEY = "person_key"  # a record key of the same agency's person_record file
    INCIDENT_KEY = "incident_key"  # a key of the same agency's incident file
    PROGRAMME_KEY = "programme_key"  # a key of the same agency's programme file


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One mappable canonical field."""

    kind: FieldKind
    description: str
    enum: type[StrEnum] | None = None


_T, _D, _C = FieldKind.TEXT, FieldKind.DATE, FieldKind.CODE

MAPPABLE_FIELDS: dict[Entity, dict[str, FieldSpec]] = {
    Entity.PERSON_RECORD: {
        "family_name": FieldSpec(_T, "Family name (surname) as recorded."),
        "given_names": FieldSpec(_T, "Given name(s) as recorded."),
        "full_name": FieldSpec(_T, "Whole name in one column; say its name_order if known."),
        "middle_names": FieldSpec(_T, "Middle name(s), where kept apart from the given names."),
        "aliases": FieldSpec(_T, "Other names the person is known by (AKA), ';'-separated."),
        "sex": FieldSpec(FieldKind.ENUM, "Sex as recorded.", Sex),
        "date_of_birth": FieldSpec(FieldKind.PARTIAL_DATE, "Date of birth; may be partial."),
        "nationality": FieldSpec(_C, "Nationality as recorded, or mapped from agency codes."),
        "id_number": FieldSpec(_T, "National identity or passport number, where recorded."),
        "address": FieldSpec(_T, "Address of residence (street, house number, place)."),
        "area": FieldSpec(
            _C, "District or province of residence (compared, never a blocking key alone)."
        ),
        "case_ref": FieldSpec(_T, "The agency's case or file number the record belongs to."),
    },
    Entity.INCIDENT: {
        "recorded_date": FieldSpec(_D, "Date the police recorded the offence."),
        "occurred_date": FieldSpec(_D, "Date the offence occurred."),
        "area": FieldSpec(_C, "Area (district, province) of the offence."),
        "offence_code": FieldSpec(FieldKind.OFFENCE, "National offence code."),
        "attempted": FieldSpec(FieldKind.BOOLEAN, "True when the offence was attempted only."),
    },
    Entity.INVOLVEMENT: {
        "incident_key": FieldSpec(FieldKind.INCIDENT_KEY, "Key of the incident."),
        "record_key": FieldSpec(FieldKind.PERSON_KEY, "Key of the person record."),
        "role": FieldSpec(FieldKind.ENUM, "Suspect or victim.", Role),
        "age_at_event": FieldSpec(FieldKind.INTEGER, "Age in whole years at the incident."),
    },
    Entity.CASE_EVENT: {
        "record_key": FieldSpec(FieldKind.PERSON_KEY, "Key of the person record."),
        "event_type": FieldSpec(FieldKind.ENUM, "What happened.", EventType),
        "event_date": FieldSpec(_D, "Date of the event."),
        "offence_date": FieldSpec(_D, "Date the offence the event concerns was committed."),
        "offence_code": FieldSpec(FieldKind.OFFENCE, "National offence code."),
        "outcome": FieldSpec(FieldKind.ENUM, "Decision, verdict or sentence type.", Outcome),
        "legal_status": FieldSpec(FieldKind.ENUM, "Remand or sentenced (custody).", LegalStatus),
        "length_days": FieldSpec(FieldKind.DURATION, "Sentence or order length, in days."),
        "case_ref": FieldSpec(_T, "The agency's case or file number."),
        "area": FieldSpec(_C, "Area (district, province) where the event took place."),
    },
    Entity.PROGRAMME: {
        "name": FieldSpec(_T, "Name of the programme as the provider publishes it."),
        "setting": FieldSpec(FieldKind.ENUM, "Where it runs.", ProgrammeSetting),
        "needs_targeted": FieldSpec(_T, "Needs the programme addresses (free text or a list)."),
        "risk_levels": FieldSpec(_T, "Risk levels served (e.g. medium; high)."),
        "eligibility": FieldSpec(_T, "Who may be referred, in words."),
        "capacity": FieldSpec(FieldKind.INTEGER, "Places a year."),
        "place": FieldSpec(_T, "Where it is delivered (prison, district, venue)."),
        "sessions_planned": FieldSpec(FieldKind.INTEGER, "Sessions in the full programme."),
    },
    Entity.PARTICIPATION: {
        "record_key": FieldSpec(FieldKind.PERSON_KEY, "Key of the participant's person record."),
        "programme_key": FieldSpec(FieldKind.PROGRAMME_KEY, "Key of the programme."),
        "referral_date": FieldSpec(_D, "Date of the referral."),
        "start_date": FieldSpec(_D, "Date of the first session (empty if never started)."),
        "end_date": FieldSpec(_D, "Date of completion or drop-out."),
        "sessions_attended": FieldSpec(FieldKind.INTEGER, "Sessions attended."),
        "status": FieldSpec(FieldKind.ENUM, "Where the participation stands.", ParticipationStatus),
        "reason": FieldSpec(_T, "Why the person dropped out or never started."),
    },
    Entity.POPULATION: {
        "year": FieldSpec(FieldKind.INTEGER, "Calendar year."),
        "area": FieldSpec(_C, "Area, or empty for the whole country."),
        "sex": FieldSpec(FieldKind.ENUM, "Sex.", Sex),
        "age_band": FieldSpec(_T, "Age band, e.g. 15-17 or 60+."),
        "population": FieldSpec(FieldKind.INTEGER, "Resident population (persons)."),
    },
}

# Fields without which a row of the entity means nothing; the mapping must map them.
REQUIRED_FIELDS: dict[Entity, tuple[str, ...]] = {
    Entity.PERSON_RECORD: (),
    Entity.INCIDENT: (),
    Entity.INVOLVEMENT: ("incident_key", "record_key", "role"),
    Entity.CASE_EVENT: ("record_key", "event_type", "event_date"),
    Entity.POPULATION: ("year", "sex", "age_band", "population"),
    Entity.PROGRAMME: ("name",),
    Entity.PARTICIPATION: ("record_key", "programme_key"),
}

DURATION_UNITS: dict[str, float] = {
    "days": 1.0,
    "weeks": 7.0,
    # The mean Julian year (365.25 days) and its twelfth, the usual conversion of sentences.
    "months": 365.25 / 12,
    "years": 365.25,
}

# Columns every loaded table carries for provenance.
PROVENANCE = [("source_file", "text"), ("source_row", "bigint"), ("run_id", "text")]

TABLES: dict[str, list[tuple[str, str]]] = {
    "agency": [("agency_id", "text"), ("kind", "text"), ("name", "text")],
    "person_record": [
        ("record_id", "text"),
        ("agency_id", "text"),
        ("record_key", "text"),
        ("family_name", "text"),
        ("given_names", "text"),
        ("full_name", "text"),
        ("middle_names", "text"),
        ("name_order", "text"),
        ("aliases", "text"),
        ("sex", "text"),
        ("sex_raw", "text"),
        ("date_of_birth", "date"),
        ("dob_precision", "text"),
        ("birth_year", "integer"),
        ("date_of_birth_raw", "text"),
        ("nationality", "text"),
        ("nationality_raw", "text"),
        ("id_number", "text"),
        ("id_number_visible", "text"),
        ("address", "text"),
        ("area", "text"),
        ("area_raw", "text"),
        ("case_ref", "text"),
        *PROVENANCE,
    ],
    "incident": [
        ("incident_id", "text"),
        ("agency_id", "text"),
        ("incident_key", "text"),
        ("recorded_date", "date"),
        ("occurred_date", "date"),
        ("area", "text"),
        ("area_raw", "text"),
        ("offence_code_raw", "text"),
        ("iccs_code", "text"),
        ("iccs_source", "text"),
        ("attempted", "boolean"),
        ("attempted_raw", "text"),
        *PROVENANCE,
    ],
    "involvement": [
        ("incident_id", "text"),
        ("record_id", "text"),
        ("role", "text"),
        ("role_raw", "text"),
        ("age_at_event", "integer"),
        *PROVENANCE,
    ],
    "case_event": [
        ("event_id", "text"),
        ("record_id", "text"),
        ("agency_id", "text"),
        ("event_type", "text"),
        ("event_type_raw", "text"),
        ("event_date", "date"),
        ("offence_date", "date"),
        ("offence_code_raw", "text"),
        ("iccs_code", "text"),
        ("iccs_source", "text"),
        ("outcome", "text"),
        ("outcome_raw", "text"),
        ("legal_status", "text"),
        ("legal_status_raw", "text"),
        ("length_days", "integer"),
        ("case_ref", "text"),
        ("area", "text"),
        ("area_raw", "text"),
        *PROVENANCE,
    ],
    "population": [
        ("year", "integer"),
        ("area", "text"),
        ("sex", "text"),
        ("age_band", "text"),
        ("population", "bigint"),
        *PROVENANCE,
    ],
    "programme": [
        ("programme_id", "text"),
        ("agency_id", "text"),
        ("programme_key", "text"),
        ("name", "text"),
        ("setting", "text"),
        ("setting_raw", "text"),
        ("needs_targeted", "text"),
        ("risk_levels", "text"),
        ("eligibility", "text"),
        ("capacity", "integer"),
        ("place", "text"),
        ("sessions_planned", "integer"),
        *PROVENANCE,
    ],
    "participation": [
        ("participation_id", "text"),
        ("agency_id", "text"),
        ("record_id", "text"),
        ("programme_id", "text"),
        ("referral_date", "date"),
        ("start_date", "date"),
        ("end_date", "date"),
        ("sessions_attended", "integer"),
        ("status", "text"),
        ("status_raw", "text"),
        ("reason", "text"),
        *PROVENANCE,
    ],
    "offence_code": [("national_code", "text"), ("iccs_code", "text"), ("label", "text")],
    "iccs_category": [
        ("code", "text"),
        ("level", "integer"),
        ("parent", "text"),
        ("section", "text"),
        ("label", "text"),
        ("level1_code", "text"),
        ("level2_code", "text"),
    ],
    # Linkage results (replaced by each `justicelink link` run).
    "person": [("person_id", "text"), ("records", "integer"), ("link_run_id", "text")],
    "record_person": [
        ("record_id", "text"),
        ("person_id", "text"),
        ("match_probability", "double"),
        ("name_key", "text"),
        ("name_frequency", "double"),
        ("link_run_id", "text"),
    ],
    "link_pair": [
        ("record_id_l", "text"),
        ("record_id_r", "text"),
        ("match_weight", "double"),
        ("match_probability", "double"),
        ("linked", "boolean"),
        ("link_run_id", "text"),
    ],
    # Clerical decisions on pairs, kept across runs and applied by every run.
    "link_decision": [
        ("record_id_l", "text"),
        ("record_id_r", "text"),
        ("decision", "text"),
        ("reviewer", "text"),
        ("decided_at", "timestamp"),
        ("note", "text"),
        ("source_file", "text"),
    ],
    "link_run": [
        ("link_run_id", "text"),
        ("started_at", "timestamp"),
        ("finished_at", "timestamp"),
        ("threshold", "double"),
        ("model_source", "text"),
        ("model_json", "text"),
        ("records", "bigint"),
        ("incomparable_records", "bigint"),
        ("pairs_scored", "bigint"),
        ("persons", "bigint"),
        ("decisions_applied", "integer"),
    ],
    "quarantine": [
        ("run_id", "text"),
        ("source_file", "text"),
        ("source_row", "bigint"),
        ("column_name", "text"),
        ("raw_value", "text"),
        ("reason", "text"),
        ("blocks_row", "boolean"),
    ],
    "value_issue": [
        ("run_id", "text"),
        ("source_file", "text"),
        ("source_row", "bigint"),
        ("column_name", "text"),
        ("raw_value", "text"),
        ("reason", "text"),
    ],
    "ingest_run": [
        ("run_id", "text"),
        ("started_at", "timestamp"),
        ("finished_at", "timestamp"),
        ("mapping_path", "text"),
        ("files", "integer"),
        ("rows_read", "bigint"),
        ("rows_loaded", "bigint"),
        ("rows_quarantined", "bigint"),
        ("mapping_sha256", "text"),
    ],
    "source_file": [
        ("source_file", "text"),
        ("agency_id", "text"),
        ("entity", "text"),
        ("sha256", "text"),
        ("rows_read", "bigint"),
        ("rows_loaded", "bigint"),
        ("rows_quarantined", "bigint"),
        ("run_id", "text"),
    ],
}

# The table each entity loads into, and the column that identifies its rows.
ENTITY_TABLE: dict[Entity, str] = {
    Entity.PERSON_RECORD: "person_record",
    Entity.INCIDENT: "incident",
    Entity.INVOLVEMENT: "involvement",
    Entity.CASE_EVENT: "case_event",
    Entity.POPULATION: "population",
    Entity.PROGRAMME: "programme",
    Entity.PARTICIPATION: "participation",
}

__all__ = [
    "DURATION_UNITS",
    "ENTITY_TABLE",
    "MAPPABLE_FIELDS",
    "REQUIRED_FIELDS",
    "TABLES",
    "DobPrecision",
    "FieldKind",
    "FieldSpec",
]
