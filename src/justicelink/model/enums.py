"""Enumerations of the canonical model, every value with its description.

A canonical column that holds one of these values always sits beside the raw source value
(``sex`` beside ``sex_raw``). A NULL normalised value next to a non-empty raw value means
"the source said something we could not map"; the enum value ``unknown`` means "the source
said it did not know". The two are never conflated.
"""

from __future__ import annotations

from enum import StrEnum


class _Described(StrEnum):
    """A string enum whose members carry a human description."""

    description: str

    def __new__(cls, value: str, description: str = "") -> _Described:
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member


class AgencyKind(_Described):
    POLICE = "police", "Police or other law-enforcement agency recording offences and suspects."
    PROSECUTION = "prosecution", "Public prosecution service deciding on charges."
    COURT = "court", "Criminal courts: hearings, disposals and sentences."
    PRISON = "prison", "Prison administration: receptions and discharges, remand or sentenced."
    PROBATION = "probation", "Probation or community corrections: supervision periods."
    LEGAL_AID = "legal_aid", "Legal-aid provider or commission."
    CENTRAL_AUTHORITY = "central_authority", "Central authority for international cooperation."
    PROGRAMME_PROVIDER = (
        "programme_provider",
        "NGO or public service running rehabilitation programmes (e.g. employment, thinking "
        "skills, mentoring).",
    )


class Entity(_Described):
    PERSON_RECORD = "person_record", "One person as recorded by one agency (no shared identifier)."
    INCIDENT = "incident", "One police-recorded offence (counting unit: offence)."
    INVOLVEMENT = "involvement", "A person record's part in an incident: suspect or victim."
    CASE_EVENT = "case_event", "One dated step of a person's passage through the system."
    POPULATION = "population", "Resident population by year, area, sex and age band."
    PROGRAMME = "programme", "A rehabilitation programme in a provider's catalogue."
    PARTICIPATION = "participation", "A person record's referral to a programme and what followed."


class Sex(_Described):
    MALE = "male", "Male."
    FEMALE = "female", "Female."
    OTHER = "other", "Recorded as another sex or gender."
    UNKNOWN = "unknown", "The source recorded that the sex is not known."


class Role(_Described):
    SUSPECT = "suspect", "Suspected of committing the recorded offence."
    VICTIM = "victim", "Victim of the recorded offence."


class DobPrecision(_Described):
    DAY = "day", "Full date of birth recorded."
    MONTH = "month", "Year and month recorded; the day is unknown."
    YEAR = "year", "Only the year of birth recorded."


class EventType(_Described):
    ARREST = "arrest", "Arrested by the police."
    CAUTION = "caution", "Formally cautioned by the police (out-of-court disposal)."
    CHARGE = "charge", "Charged with an offence."
    PROSECUTION_DECISION = "prosecution_decision", "Decision to prosecute, discontinue or divert."
    FIRST_HEARING = "first_hearing", "First appearance before a court in the case."
    LEGAL_AID_ASSIGNED = "legal_aid_assigned", "Legal aid (counsel) assigned."
    COURT_DISPOSAL = "court_disposal", "Verdict: convicted, acquitted, dismissed or withdrawn."
    SENTENCE = "sentence", "Sentence passed after conviction."
    CUSTODY_START = "custody_start", "Received into custody (remand or sentenced)."
    CUSTODY_END = "custody_end", "Discharged from custody, or end of a legal-status period."
    SUPERVISION_START = "supervision_start", "Start of a supervision order or licence."
    SUPERVISION_END = "supervision_end", "End of a supervision order or licence."


class Outcome(_Described):
    PROSECUTED = "prosecuted", "Prosecution decided to bring the case to court."
    DISCONTINUED = "discontinued", "Prosecution discontinued the case."
    DIVERTED = "diverted", "Case diverted from prosecution."
    CONVICTED = "convicted", "Found guilty."
    ACQUITTED = "acquitted", "Found not guilty."
    DISMISSED = "dismissed", "Case dismissed by the court."
    WITHDRAWN = "withdrawn", "Case withdrawn before verdict."
    CUSTODY = "custody", "Sentenced to immediate custody."
    SUSPENDED = "suspended", "Suspended custodial sentence."
    COMMUNITY = "community", "Community sentence."
    FINE = "fine", "Fine."
    LICENCE = "licence", "Supervision on licence after release from custody."
    OTHER = "other", "Any other sentence (discharge, etc.)."


class LegalStatus(_Described):
    REMAND = "remand", "Held before or during trial, not yet sentenced (unsentenced)."
    SENTENCED = "sentenced", "Held under sentence, including while awaiting appeal."


class ProgrammeSetting(_Described):
    CUSTODY = "custody", "Runs inside prison, during a custodial sentence."
    COMMUNITY = "community", "Runs in the community (on a community or suspended sentence)."


class ParticipationStatus(_Described):
    REFERRED = "referred", "Referred; not yet started."
    ONGOING = "ongoing", "Started and still attending."
    COMPLETED = "completed", "Completed the programme."
    DROPPED_OUT = "dropped_out", "Started but left before completing (reason recorded)."
    DECLINED = "declined", "Referred but never started (declined, or no place)."
