"""What an outgoing request lacks, by the element it breaches, and what may be held against it.

Missing elements follow the article the request will be read against:

- assistance (mla, confiscation, preservation, joint investigation, transfer of
  proceedings): UNTOC art. 18(15)(a)-(f) and 18(14) (language); UNCAC 46(15) and 46(14), or
  the 1988 Convention 7(10) and 7(9), when the request's ``legal_basis`` names them (the
  elements are the same, the numbering differs); confiscation also art. 13(3)(a)-(b).
- extradition: the documents of the UN Model Treaty on Extradition (GA res. 45/116), cited
  ``MTE``: art. 5(2)(a) person, 5(2)(b) law and penalty, 5(2)(c) warrant and facts, 5(3)
  translation.
- spontaneous information: the authority and the facts.

Warnings name grounds the requested state may invoke: dual criminality for coercive
measures (18(9)), bank secrecy (not a ground: 18(8)), fiscal matters (not a sole ground:
18(22), 16(15)), a political offence (MTE art. 3(a)), the death penalty (MTE art. 4(d)),
the requested state's own nationals (16(10)), an urgency without its reason (18(24)).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from justicelink.classification.iccs import load_iccs
from justicelink.cooperation.country import Declaration, find_declarations
from justicelink.cooperation.model import CooperationRequest
from justicelink.cooperation.scope import FISCAL, POLITICAL, within
from justicelink.cooperation.vocabulary import (
    COERCIVE_MEASURES,
    DocumentKind,
    Measure,
    RequestType,
    Urgency,
)

T = RequestType

#: Numbering of the MLA elements per legal basis: (paragraph of contents, of language, name).
NUMBERING = {
    "untoc": ("18(15)", "18(14)", "UNTOC"),
    "uncac": ("46(15)", "46(14)", "UNCAC"),
    "drugs1988": ("7(10)", "7(9)", "1988 Convention"),
}
ASSISTANCE_TYPES = frozenset(
    {
        T.MLA,
        T.CONFISCATION,
        T.PRESERVATION_OF_ELECTRONIC_EVIDENCE,
        T.JOINT_INVESTIGATION,
        T.TRANSFER_OF_PROCEEDINGS,
    }
)
_FINANCIAL = frozenset({Measure.BANK_RECORDS, Measure.TRACING_PROCEEDS, Measure.FREEZING})


@dataclass(frozen=True)
class Item:
    """One missing element or one warning."""

    element: str
    text: str

    def to_json(self) -> dict[str, str]:
        return {"element": self.element, "text": self.text}


@dataclass
class Completeness:
    """The check's result: ``missing`` must be fixed before sending; ``warnings`` prepared for."""

    missing: list[Item] = field(default_factory=list)
    warnings: list[Item] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing

    def to_json(self) -> dict[str, list[dict[str, str]]]:
        return {
            "missing": [i.to_json() for i in self.missing],
            "warnings": [i.to_json() for i in self.warnings],
        }


def _blank(text: str | None) -> bool:
    return not (text or "").strip()


def _has(request: CooperationRequest, kind: DocumentKind) -> bool:
    return any(d.kind is kind for d in request.documents)


def _numbering(request: CooperationRequest) -> tuple[str, str, str]:
    basis = (request.legal_basis or "").strip().lower()
    return NUMBERING.get(basis, NUMBERING["untoc"])


def _assistance(request: CooperationRequest, result: Completeness) -> None:
    contents, _, name = _numbering(request)

    def need(letter: str, missing: bool, what: str, key: str) -> None:
        if not missing:
            return
        cite = f"{name} art. {contents}({letter})"
        if name == "UNTOC":
            cite += f"; UNCAC 46(15)({letter}); 1988 Convention 7(10)({letter})"
        result.missing.append(Item(f"{contents}({letter})", f"{what} is missing ({key}): {cite}"))

    need(
        "a",
        _blank(request.requesting_authority),
        "the authority making the request",
        "requesting_authority",
    )
    need(
        "b",
        _blank(request.subject_matter),
        "the subject matter and nature of the investigation, prosecution or proceedings",
        "subject_matter",
    )
    service_only = set(request.measures) == {Measure.SERVICE_OF_DOCUMENTS}
    need(
        "c",
        _blank(request.facts_summary) and not service_only,
        "a summary of the relevant facts",
        "facts_summary",
    )
    need(
        "d",
        _blank(request.assistance_sought),
        "a description of the assistance sought and of any procedure to follow",
        "assistance_sought",
    )
    nameless = [n for n, p in enumerate(request.persons, 1) if _blank(p.name or p.family_name)]
    if not request.persons:
        need(
            "e",
            True,
            "the identity, location and nationality of the person(s) concerned",
            "persons",
        )
    elif nameless:
        need("e", True, f"the identity of person {nameless[0]}", "persons[].name")
    for n, p in enumerate(request.persons, 1):
        gaps = [k for k in ("nationality", "location") if _blank(getattr(p, k))]
        if gaps and n not in nameless:
            result.warnings.append(
                Item(f"{contents}(e)", f"person {n}: give the {' and '.join(gaps)} where possible")
            )
    need(
        "f",
        _blank(request.purpose),
        "the purpose for which the evidence, information or action is sought",
        "purpose",
    )
    if request.type is T.CONFISCATION:
        if not request.assets:
            result.missing.append(
                Item(
                    "13(3)(a)",
                    "a description of the property to be "
                    "confiscated is missing (assets); UNTOC art. 13(3)(a)",
                )
            )
        if Measure.CONFISCATION_ORDER in request.measures and not _has(
            request, DocumentKind.COURT_ORDER
        ):
            result.missing.append(
                Item(
                    "13(3)(b)",
                    "a legally admissible copy of the "
                    "confiscation order is missing (documents: court_order)",
                )
            )


def _extradition(request: CooperationRequest, result: Completeness) -> None:
    people = [p for p in request.persons if not _blank(p.name or p.family_name)]
    if not people:
        result.missing.append(
            Item(
                "MTE 5(2)(a)",
                "a description of the person sought, with their name, is missing (persons)",
            )
        )
    elif all(
        _blank(p.date_of_birth) and _blank(p.id_document) and _blank(p.nationality) for p in people
    ):
        result.missing.append(
            Item(
                "MTE 5(2)(a)",
                "information to establish the person's "
                "identity is missing (date_of_birth, id_document or "
                "nationality)",
            )
        )
    if not request.offences or any(_blank(o.national_code) for o in request.offences):
        result.missing.append(
            Item(
                "MTE 5(2)(b)",
                "the provision of law creating each offence is missing (offences[].national_code)",
            )
        )
    unpunished = [
        o
        for o in request.offences
        if o.max_penalty_years is None and not (o.life_imprisonment or o.death_penalty)
    ]
    if request.offences and unpunished:
        result.missing.append(
            Item(
                "MTE 5(2)(b)",
                "a statement of the penalty is missing (offences[].max_penalty_years)",
            )
        )
    if (
        request.offences
        and not _has(request, DocumentKind.LAW_TEXT)
        and all(_blank(o.provision_text) for o in request.offences)
    ):
        result.warnings.append(
            Item(
                "MTE 5(2)(b)",
                "attach the text of the provisions "
                "(documents: law_text, or offences[].provision_text)",
            )
        )
    if not (_has(request, DocumentKind.ARREST_WARRANT) or _has(request, DocumentKind.JUDGMENT)):
        result.missing.append(
            Item(
                "MTE 5(2)(c)",
                "a warrant of arrest (or, for a convicted "
                "person, the judgment: 5(2)(d)) is missing (documents)",
            )
        )
    if _blank(request.facts_summary):
        result.missing.append(
            Item(
                "MTE 5(2)(c)",
                "a description of the acts, with their time and place, is missing (facts_summary)",
            )
        )
    if _blank(request.requesting_authority):
        result.missing.append(
            Item("MTE 5(1)", "the authority making the request is missing (requesting_authority)")
        )


def _language(
    request: CooperationRequest, result: Completeness, accepted: tuple[list[str], str] | None
) -> None:
    element = "MTE 5(3)" if request.type is T.EXTRADITION else _numbering(request)[1]
    if _blank(request.language):
        result.missing.append(
            Item(
                element,
                "the language of the request is not stated "
                "(language); it must be one the requested state accepts",
            )
        )
        return
    if accepted is None:
        return
    codes, source = accepted
    if (request.language or "").strip().lower() not in codes:
        result.missing.append(
            Item(
                element,
                f"{request.language} is not a language {request.requested_state} "
                f"accepts ({', '.join(codes)}; {source}): attach a translation",
            )
        )


def _warnings(
    request: CooperationRequest, result: Completeness, declarations: list[Declaration]
) -> None:
    iccs = load_iccs()
    extradition = request.type is T.EXTRADITION
    coercive = sorted(m.value for m in request.measures if m in COERCIVE_MEASURES)
    if extradition:
        result.warnings.append(
            Item(
                "16(1)",
                "extradition requires dual criminality: the "
                "conduct must be an offence in both states",
            )
        )
    elif coercive:
        result.warnings.append(
            Item(
                "18(9)",
                "the requested state may decline for absence of "
                "dual criminality; coercive measures sought: "
                + ", ".join(coercive)
                + " (UNCAC 46(9)(b) obliges only non-coercive assistance)",
            )
        )
    if _FINANCIAL & set(request.measures):
        result.warnings.append(
            Item(
                "18(8)",
                "bank secrecy is not a ground to refuse "
                "(UNTOC 18(8); UNCAC 46(8); 1988 7(5)): cite it if invoked",
            )
        )
    codes = [o.iccs for o in request.offences if o.iccs]
    for code in codes:
        label = f"ICCS {code} ({iccs.get(code).label})" if code in iccs else f"ICCS {code}"
        if within(code, POLITICAL, iccs):
            result.warnings.append(
                Item(
                    "MTE 3(a)",
                    f"{label} may be held a political offence; "
                    "UNCAC 44(4) excludes that for UNCAC offences",
                )
            )
        if within(code, FISCAL, iccs):
            result.warnings.append(
                Item(
                    "16(15)" if extradition else "18(22)",
                    f"{label} involves fiscal matters: not a sole ground to refuse",
                )
            )
    if any(o.death_penalty for o in request.offences) and not _has(request, DocumentKind.ASSURANCE):
        result.warnings.append(
            Item(
                "MTE 4(d)" if extradition else "18(21)(b)",
                "an offence carries the death penalty: attach an assurance "
                "that it will not be imposed or carried out "
                "(documents: death_penalty_assurance)",
            )
        )
    if extradition and any(
        (p.nationality or "").strip().upper() == request.requested_state for p in request.persons
    ):
        result.warnings.append(
            Item(
                "16(10)",
                f"the person is a national of "
                f"{request.requested_state}, which may refuse to extradite "
                "nationals and must then prosecute",
            )
        )
    if (
        request.urgency is not Urgency.NORMAL
        and _blank(request.urgency_reason)
        and (request.deadline is None)
    ):
        result.warnings.append(
            Item(
                "18(24)",
                "urgent: state the reason and the date by "
                "which the assistance is needed (urgency_reason, deadline)",
            )
        )
    if not _has(request, DocumentKind.REQUEST_LETTER):
        element = "MTE 5(1)" if extradition else _numbering(request)[1]
        result.warnings.append(
            Item(
                element,
                "form: attach the signed letter of request, so "
                "the requested state can establish its authenticity",
            )
        )
    for d in find_declarations(declarations, request.requested_state, kind="note"):
        result.warnings.append(Item(f"declaration {d.instrument.upper()} {d.article}", d.text))


def check_request(
    request: CooperationRequest,
    *,
    accepted_languages: tuple[list[str], str] | None = None,
    declarations: list[Declaration] | None = None,
) -> Completeness:
    """List what ``request`` lacks and what the requested state may hold against it.

    Args:
        request: The request, as it would be sent.
        accepted_languages: Languages the requested state accepts and the source saying so.
        declarations: States' declarations (notes about the requested state become warnings).
    """
    result = Completeness()
    if request.type in ASSISTANCE_TYPES:
        _assistance(request, result)
    elif request.type is T.EXTRADITION:
        _extradition(request, result)
    elif request.type is T.TRANSFER_OF_SENTENCED_PERSONS:
        if not request.persons:
            result.missing.append(Item("person", "the sentenced person is not identified"))
        if not _has(request, DocumentKind.JUDGMENT):
            result.missing.append(
                Item(
                    "judgment",
                    "a copy of the judgment and sentence is missing (documents: judgment)",
                )
            )
    else:  # spontaneous information: no request elements, but say who and what
        if _blank(request.requesting_authority):
            result.missing.append(Item("18(4)", "the transmitting authority is missing"))
        if _blank(request.facts_summary):
            result.missing.append(
                Item("18(4)", "the information itself is missing (facts_summary)")
            )
    if request.type is not T.SPONTANEOUS_INFORMATION:
        _language(request, result, accepted_languages)
    _warnings(request, result, declarations or [])
    return result
