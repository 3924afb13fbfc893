"""The coded values of a cooperation request, each with what it means.

Every value a request, a status change or a refusal may take is listed here once, with its
description; the JSON format (:mod:`justicelink.cooperation.model`), the register, the CLI
and docs/cooperation.md all take them from here.
"""

from __future__ import annotations

from enum import StrEnum


class Described(StrEnum):
    """A string enumeration whose members carry a description."""

    description: str

    def __new__(cls, value: str, description: str = "") -> Described:
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member


class RequestType(Described):
    """What is asked of the other state."""

    MLA = "mla", "mutual legal assistance: evidence, statements, records, searches, service"
    EXTRADITION = "extradition", "surrender of a person for prosecution or to serve a sentence"
    TRANSFER_OF_SENTENCED_PERSONS = (
        "transfer_of_sentenced_persons",
        "a sentenced person serves the sentence in their own state",
    )
    TRANSFER_OF_PROCEEDINGS = (
        "transfer_of_proceedings",
        "the other state takes over the prosecution",
    )
    CONFISCATION = "confiscation", "freezing, seizure, confiscation and return of assets"
    PRESERVATION_OF_ELECTRONIC_EVIDENCE = (
        "preservation_of_electronic_evidence",
        "expedited preservation of stored computer data pending a request for it",
    )
    SPONTANEOUS_INFORMATION = (
        "spontaneous_information",
        "information sent without a prior request (UNTOC 18(4), UNCAC 46(4))",
    )
    JOINT_INVESTIGATION = "joint_investigation", "a joint investigative body or team"


# Spellings accepted on the command line and in imported files for the values above.
TYPE_ALIASES: dict[str, RequestType] = {
    "mutual_legal_assistance": RequestType.MLA,
    "asset_recovery": RequestType.CONFISCATION,
    "tsp": RequestType.TRANSFER_OF_SENTENCED_PERSONS,
    "transfer_of_prisoners": RequestType.TRANSFER_OF_SENTENCED_PERSONS,
    "e_evidence_preservation": RequestType.PRESERVATION_OF_ELECTRONIC_EVIDENCE,
    "preservation": RequestType.PRESERVATION_OF_ELECTRONIC_EVIDENCE,
    "jit": RequestType.JOINT_INVESTIGATION,
}


def request_type(text: str) -> RequestType:
    """The request type ``text`` names (case, hyphens and spaces are ignored).

    Raises:
        ValueError: when ``text`` names no type.
    """
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    if key in TYPE_ALIASES:
        return TYPE_ALIASES[key]
    try:
        return RequestType(key)
    except ValueError:
        names = ", ".join(t.value for t in RequestType)
        raise ValueError(f"unknown request type {text!r}; types: {names}") from None


class Direction(Described):
    """Seen from the central authority that keeps the register."""

    INCOMING = "incoming", "a foreign state asks this state"
    OUTGOING = "outgoing", "this state asks a foreign state"


class Channel(Described):
    """How the request travels."""

    CENTRAL_AUTHORITY = "central_authority", "between designated central authorities"
    DIPLOMATIC = "diplomatic", "through diplomatic channels"
    INTERPOL = "interpol", "through INTERPOL (urgent cases, provisional arrest)"
    DIRECT = "direct", "directly between the competent judicial or police authorities"


class Urgency(Described):
    """How fast the requesting state needs the assistance (UNTOC 18(24): suggested deadlines)."""

    NORMAL = "normal", "no particular urgency"
    URGENT = "urgent", "a deadline matters (trial date, custody time limit)"
    VERY_URGENT = "very_urgent", "days count (person in custody, evidence about to be lost)"


class Status(Described):
    """One step of a request's history."""

    DRAFT = "draft", "being prepared (outgoing)"
    SENT = "sent", "transmitted to the requested state (outgoing)"
    RECEIVED = "received", "received by the requested state's central authority"
    ACKNOWLEDGED = "acknowledged", "receipt acknowledged to the requesting state"
    MORE_INFORMATION_REQUESTED = (
        "more_information_requested",
        "the requested state asked for more information (UNTOC 18(16))",
    )
    EXECUTED_IN_PART = "executed_in_part", "part of the assistance was given"
    EXECUTED = "executed", "the assistance was given in full"
    REFUSED = "refused", "refused, with the ground"
    WITHDRAWN = "withdrawn", "withdrawn by the requesting state"


#: Statuses that close a request: its outcome.
FINAL_STATUSES = frozenset(
    {Status.EXECUTED, Status.EXECUTED_IN_PART, Status.REFUSED, Status.WITHDRAWN}
)


class RefusalGround(Described):
    """Why a request was refused, after the grounds the conventions name."""

    NOT_IN_ACCORDANCE = (
        "not_in_accordance",
        "request not made in conformity with the article (UNTOC 18(21)(a))",
    )
    ESSENTIAL_INTERESTS = (
        "essential_interests",
        "sovereignty, security, ordre public or other essential interests (UNTOC 18(21)(b))",
    )
    DOMESTIC_LAW_PROHIBITS = (
        "domestic_law_prohibits",
        "domestic law forbids the action for a similar domestic offence (UNTOC 18(21)(c))",
    )
    CONTRARY_TO_LEGAL_SYSTEM = (
        "contrary_to_legal_system",
        "contrary to the legal system of the requested state (UNTOC 18(21)(d))",
    )
    DUAL_CRIMINALITY = "dual_criminality", "absence of dual criminality (UNTOC 18(9), 16(1))"
    POLITICAL_OFFENCE = "political_offence", "the offence is regarded as political"
    DISCRIMINATION = (
        "discrimination",
        "prosecution on account of sex, race, religion, nationality, ethnic origin or political "
        "opinions (UNTOC 16(14))",
    )
    DEATH_PENALTY = "death_penalty", "the offence carries the death penalty and no assurance"
    NATIONALITY = "nationality", "the requested state does not extradite its nationals"
    NE_BIS_IN_IDEM = "ne_bis_in_idem", "the person was already tried for the same conduct"
    LAPSE_OF_TIME = "lapse_of_time", "prosecution or punishment is time-barred"
    INSUFFICIENT_INFORMATION = (
        "insufficient_information",
        "the information given was not enough, even after a request for more",
    )
    BANK_SECRECY = "bank_secrecy", "bank secrecy (not a valid ground under UNTOC 18(8))"
    FISCAL_MATTERS = "fiscal_matters", "fiscal matters (not a sole ground: UNTOC 16(15), 18(22))"
    OTHER = "other", "another ground, named in the note"


class Measure(Described):
    """Assistance sought, after UNTOC art. 18(3) and the other request types."""

    TAKING_EVIDENCE = "taking_evidence", "taking evidence or statements (18(3)(a))"
    SERVICE_OF_DOCUMENTS = "service_of_documents", "effecting service of judicial documents"
    SEARCH_AND_SEIZURE = "search_and_seizure", "searches, seizures and freezing (18(3)(c))"
    EXAMINATION = "examination", "examining objects and sites (18(3)(d))"
    INFORMATION_AND_EXPERT_EVALUATION = (
        "information_and_expert_evaluation",
        "information, evidentiary items and expert evaluations (18(3)(e))",
    )
    BANK_RECORDS = (
        "bank_records",
        "originals or certified copies of bank, financial, corporate or business records "
        "(18(3)(f))",
    )
    TRACING_PROCEEDS = "tracing_proceeds", "identifying or tracing proceeds of crime (18(3)(g))"
    VOLUNTARY_APPEARANCE = "voluntary_appearance", "persons appearing voluntarily (18(3)(h))"
    INTERCEPTION = "interception", "interception of communications"
    ELECTRONIC_DATA = "electronic_data", "preserving or producing stored computer data"
    FREEZING = "freezing", "freezing or seizing assets for confiscation (UNTOC 13)"
    CONFISCATION_ORDER = "confiscation_order", "giving effect to a confiscation order"
    ARREST = "arrest", "arrest, provisional arrest or surrender of a person"
    OTHER = "other", "another kind of assistance, described in the text"


#: Measures that compel someone: where dual criminality is most often required
#: (UNCAC 46(9)(b) obliges assistance without it only for non-coercive action).
COERCIVE_MEASURES = frozenset(
    {
        Measure.SEARCH_AND_SEIZURE,
        Measure.BANK_RECORDS,
        Measure.INTERCEPTION,
        Measure.FREEZING,
        Measure.CONFISCATION_ORDER,
        Measure.ARREST,
        Measure.ELECTRONIC_DATA,
    }
)


class DocumentKind(Described):
    """A document that goes with a request."""

    REQUEST_LETTER = "request_letter", "the signed letter of request"
    ARREST_WARRANT = "arrest_warrant", "a warrant of arrest or equivalent order"
    JUDGMENT = "judgment", "a judgment or conviction, with the sentence"
    LAW_TEXT = "law_text", "the text of the provisions creating the offence and its penalty"
    COURT_ORDER = "court_order", "a court order (freezing, confiscation, production)"
    ASSURANCE = (
        "death_penalty_assurance",
        "an assurance that the death penalty won't be carried out",
    )
    IDENTIFICATION = "identification", "photographs, fingerprints or other identification"
    TRANSLATION = "translation", "a translation of another document"
    OTHER = "other", "another document"
