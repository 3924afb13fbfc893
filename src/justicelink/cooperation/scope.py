"""Which offences each instrument covers, read through ICCS codes.

An ICCS code settles some scope conditions (a bribe is a corruption offence, possession for
personal use is not an art. 3(1) drug offence) and leaves others open (a money-laundering
case is an UNCAC offence only when it launders the proceeds of corruption). Each condition
comes back as ``met``, ``not_met`` or ``to_check``, with the article that states it.
"""

from __future__ import annotations

from dataclasses import dataclass

from justicelink.classification.iccs import IccsClassification, load_iccs
from justicelink.cooperation.instruments import UNTOC_SERIOUS_YEARS
from justicelink.cooperation.vocabulary import RequestType

MET, NOT_MET, TO_CHECK = "met", "not_met", "to_check"

# ICCS classes and what they are under each convention. A code counts when it is the class
# or lies below it.
#: UNCAC chapter III offences: ICCS 0703 "Corruption" follows the Convention's own list.
UNCAC_OFFENCES = ("0703",)
#: Offences UNCAC covers only when they concern corruption: laundering of its proceeds
#: (art. 23), concealment (art. 24), obstruction of justice (art. 25).
UNCAC_IF_CORRUPTION = ("07041", "07049", "08061")
#: 1988 Convention art. 3(1): trafficking, cultivation and production not for personal use,
#: and precursors.
DRUGS_ART3_1 = ("06012",)
#: Art. 3(2) (possession for personal consumption) is outside art. 3(1): no extradition or
#: assistance obligation under arts. 6-7 follows from it.
DRUGS_PERSONAL = ("06011",)
#: Offences that may fall under art. 3(1) depending on the facts: other drug acts, and
#: laundering of drug proceeds (art. 3(1)(b)).
DRUGS_TO_CHECK = ("06019", "0609", "07041")
#: UNTOC offences established by the Convention itself, whatever their penalty: participation
#: in an organized criminal group (art. 5), laundering (art. 6), corruption of public
#: officials (art. 8), obstruction of justice (art. 23).
UNTOC_CONVENTION_OFFENCES = {
    "0905": "art. 5",
    "07041": "art. 6",
    "07031": "art. 8",
    "08061": "art. 23",
}
#: ICCS classes where the requested state may see a political offence.
POLITICAL = ("0904", "0803", "0807", "0906", "08011")
#: ICCS classes of fiscal offences: taxes, customs, smuggling of goods.
FISCAL = ("08041", "08044")


@dataclass(frozen=True)
class Condition:
    """One scope condition and whether the offence meets it."""

    condition: str
    status: str
    text: str

    def to_json(self) -> dict[str, str]:
        return {"condition": self.condition, "status": self.status, "text": self.text}


def within(code: str | None, classes: tuple[str, ...], iccs: IccsClassification) -> bool:
    """Whether an ICCS code is one of ``classes`` or lies below one of them."""
    if not code or code not in iccs:
        return False
    level = iccs.get(code).level
    return any(
        klass in iccs
        and iccs.get(klass).level <= level
        and iccs.ancestor(code, iccs.get(klass).level) == klass
        for klass in classes
    )


def _label(code: str | None, iccs: IccsClassification) -> str:
    if code and code in iccs:
        return f"ICCS {code} ({iccs.get(code).label})"
    return f"ICCS {code}" if code else "the offence (no ICCS code given)"


def untoc_scope(
    code: str | None, max_penalty_years: float | None, kind: RequestType
) -> list[Condition]:
    """UNTOC art. 3: a Convention offence, or a serious crime that is transnational and
    involves an organized criminal group."""
    iccs = load_iccs()
    label = _label(code, iccs)
    own = next(
        (art for klass, art in UNTOC_CONVENTION_OFFENCES.items() if within(code, (klass,), iccs)),
        None,
    )
    if own is not None:
        covered = Condition(
            "offence covered (art. 3(1))",
            MET if own != "art. 8" else TO_CHECK,
            f"{label} is an offence established by the Convention ({own})"
            + ("; art. 8 covers bribery of public officials only" if own == "art. 8" else ""),
        )
    elif max_penalty_years is None:
        covered = Condition(
            "serious crime (art. 2(b))",
            TO_CHECK,
            f"a serious crime is punishable by at least {UNTOC_SERIOUS_YEARS:g} years; "
            "give --max-penalty or a penal code to check",
        )
    else:
        serious = max_penalty_years >= UNTOC_SERIOUS_YEARS
        covered = Condition(
            "serious crime (art. 2(b))",
            MET if serious else NOT_MET,
            f"maximum {max_penalty_years:g} years; a serious crime needs at least "
            f"{UNTOC_SERIOUS_YEARS:g}",
        )
    organised = within(code, ("0905",), iccs)
    conditions = [
        covered,
        Condition(
            "transnational (art. 3(2))",
            TO_CHECK,
            "committed in more than one state, or prepared, directed or felt in another; "
            + (
                "for assistance it is enough to suspect it on reasonable grounds (art. 18(1))"
                if kind is not RequestType.EXTRADITION
                else "for extradition, the person is in the requested state (art. 16(1))"
            ),
        ),
        Condition(
            "organized criminal group (art. 2(a))",
            MET if organised else TO_CHECK,
            "a structured group of three or more persons acting in concert for a material benefit",
        ),
    ]
    if kind is RequestType.EXTRADITION:
        conditions.append(
            Condition(
                "dual criminality (art. 16(1))",
                TO_CHECK,
                "punishable under the law of both states; see the dual-criminality pre-check",
            )
        )
    return conditions


def uncac_scope(code: str | None) -> list[Condition]:
    """UNCAC: offences established in accordance with the Convention (arts. 15-25)."""
    iccs = load_iccs()
    label = _label(code, iccs)
    if within(code, UNCAC_OFFENCES, iccs):
        status, text = MET, f"{label} is a corruption offence (arts. 15-22)"
    elif within(code, UNCAC_IF_CORRUPTION, iccs):
        status = TO_CHECK
        text = f"{label} is covered only where it concerns corruption offences (arts. 23-25)"
    elif code is None:
        status, text = TO_CHECK, "give the offence's ICCS code to check"
    else:
        status, text = NOT_MET, f"{label} is not an offence established under UNCAC"
    return [Condition("corruption offence (arts. 15-25)", status, text)]


def drugs1988_scope(code: str | None) -> list[Condition]:
    """1988 Convention: offences established under art. 3(1)."""
    iccs = load_iccs()
    label = _label(code, iccs)
    if within(code, DRUGS_ART3_1, iccs):
        status, text = MET, f"{label} is an art. 3(1) trafficking offence"
    elif within(code, DRUGS_PERSONAL, iccs):
        status = NOT_MET
        text = f"{label} is an art. 3(2) offence (personal consumption), outside arts. 6-7"
    elif within(code, DRUGS_TO_CHECK, iccs):
        status = TO_CHECK
        text = f"{label} falls under art. 3(1) only for drug trafficking or its proceeds"
    elif code is None:
        status, text = TO_CHECK, "give the offence's ICCS code to check"
    else:
        status, text = NOT_MET, f"{label} is not a drug-trafficking offence"
    return [Condition("art. 3(1) offence", status, text)]


def scope_for(
    instrument_id: str, code: str | None, max_penalty_years: float | None, kind: RequestType
) -> list[Condition]:
    """The scope conditions of one instrument for an offence (none for the ASEAN MLAT:
    it covers criminal matters generally)."""
    if instrument_id == "untoc":
        return untoc_scope(code, max_penalty_years, kind)
    if instrument_id == "uncac":
        return uncac_scope(code)
    if instrument_id == "drugs1988":
        return drugs1988_scope(code)
    return []
