"""The multilateral instruments the legal-basis finder knows, as their texts state them.

For each: when it enters into force for a state (the article that says so), which article
to cite for each kind of request, and the scope conditions an offence must meet. Scope is
read through ICCS codes; what a code cannot settle (is the crime transnational? is an
organized criminal group involved?) is reported as a condition to check, never assumed.

Entry-into-force rules, from the final clauses:

- UNTOC art. 38(1): the Convention entered into force on the 90th day after the 40th
  instrument, 29 September 2003; art. 38(2): for a later state, on the 30th day after its
  deposit.
- UNCAC art. 68(1): in force on 14 December 2005; art. 68(2): for a later state, the 30th day
  after its deposit or the Convention's own entry into force, whichever is later.
- 1988 Convention art. 29(1): in force on 11 November 1990; art. 29(2): for a later state,
  the 90th day after its deposit.
- ASEAN MLAT art. 31(1): in force for each party on the date of its deposit; art. 31(2): it
  applies to requests presented after it is in force for both parties.

A state that deposited before a convention's own entry into force is bound from that date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from justicelink.cooperation.vocabulary import RequestType

T = RequestType


@dataclass(frozen=True)
class Instrument:
    """One multilateral instrument.

    Attributes:
        id: Short identifier (``untoc``, ``uncac``, ``drugs1988``, ``asean_mlat``).
        short: Name as cited.
        title: Full title.
        parties_file: The bundled party list (under ``cooperation/data``).
        in_force: The instrument's own entry into force (None when the parties' dates say it).
        days_after_deposit: Days from a state's deposit to its entry into force.
        rule: The entry-into-force rule, with its article.
        as_of: The date the bundled party list is known to be complete to.
        source: Where the party list comes from.
        articles: Article to cite, per request type it covers.
        notes: What to know about a request type under this instrument.
        extradition_article: The article on taking the instrument as a basis for extradition.
        check_with: Where to confirm a date the data do not give.
        invites_only: Types for which the instrument only invites agreements (not a basis).
    """

    id: str
    short: str
    title: str
    parties_file: str
    in_force: dt.date | None
    days_after_deposit: int
    rule: str
    as_of: dt.date
    source: str
    articles: dict[RequestType, str]
    notes: dict[RequestType, str] = field(default_factory=dict)
    extradition_article: str = ""
    check_with: str = "UNTC"
    invites_only: frozenset[RequestType] = frozenset()

    def entry_into_force(self, deposit: dt.date) -> dt.date:
        """The day the instrument binds a state that deposited on ``deposit``."""
        day = deposit + dt.timedelta(days=self.days_after_deposit)
        return max(day, self.in_force) if self.in_force else day


_AGREEMENTS_ONLY = "only invites states to conclude agreements: not itself a legal basis"

UNTOC = Instrument(
    id="untoc",
    short="UNTOC",
    title="United Nations Convention against Transnational Organized Crime (2000)",
    parties_file="untoc_parties.csv",
    in_force=dt.date(2003, 9, 29),
    days_after_deposit=30,
    rule="art. 38(2): the 30th day after the state's deposit; not before the Convention's "
    "entry into force on 29 September 2003 (art. 38(1))",
    as_of=dt.date(2024, 5, 4),
    source="UN Treaty Collection XVIII-12 (scrape to 2014-07-10, later deposits from named "
    "sources; total checked against UNTC 'as at 04-05-2024')",
    articles={
        T.MLA: "art. 18",
        T.EXTRADITION: "art. 16",
        T.CONFISCATION: "arts. 13-14 (with art. 18)",
        T.SPONTANEOUS_INFORMATION: "art. 18(4)-(5)",
        T.JOINT_INVESTIGATION: "art. 19",
        T.TRANSFER_OF_PROCEEDINGS: "art. 21",
        T.TRANSFER_OF_SENTENCED_PERSONS: "art. 17",
        T.PRESERVATION_OF_ELECTRONIC_EVIDENCE: "art. 18(3)",
    },
    notes={
        T.TRANSFER_OF_SENTENCED_PERSONS: f"art. 17 {_AGREEMENTS_ONLY}",
        T.TRANSFER_OF_PROCEEDINGS: "art. 21: states 'shall consider the possibility' of "
        "transferring proceedings; the requested state's law decides",
        T.JOINT_INVESTIGATION: "art. 19: by agreement, or case by case where none exists",
        T.PRESERVATION_OF_ELECTRONIC_EVIDENCE: "UNTOC has no expedited-preservation article; "
        "ask under art. 18(3)",
        T.MLA: "art. 18(7): between parties without an MLA treaty, paragraphs 9-29 apply",
    },
    extradition_article="art. 16(4)-(5)",
    invites_only=frozenset({T.TRANSFER_OF_SENTENCED_PERSONS}),
)

UNCAC = Instrument(
    id="uncac",
    short="UNCAC",
    title="United Nations Convention against Corruption (2003)",
    parties_file="uncac_parties.csv",
    in_force=dt.date(2005, 12, 14),
    days_after_deposit=30,
    rule="art. 68(2): the 30th day after the state's deposit, or the Convention's entry into "
    "force on 14 December 2005 (art. 68(1)), whichever is later",
    as_of=dt.date(2025, 12, 1),
    source="UN Treaty Collection XVIII-14 (scrape to 2014-07-10, later deposits from named "
    "sources; latest event San Marino, 25 Sep 2025)",
    articles={
        T.MLA: "art. 46",
        T.EXTRADITION: "art. 44",
        T.CONFISCATION: "arts. 54-55 (return: art. 57)",
        T.SPONTANEOUS_INFORMATION: "arts. 46(4)-(5) and 56",
        T.JOINT_INVESTIGATION: "art. 49",
        T.TRANSFER_OF_PROCEEDINGS: "art. 47",
        T.TRANSFER_OF_SENTENCED_PERSONS: "art. 45",
        T.PRESERVATION_OF_ELECTRONIC_EVIDENCE: "art. 46(3)",
    },
    notes={
        T.TRANSFER_OF_SENTENCED_PERSONS: f"art. 45 {_AGREEMENTS_ONLY}",
        T.TRANSFER_OF_PROCEEDINGS: "art. 47: states 'shall consider the possibility'",
        T.MLA: "art. 46(9)(b): non-coercive assistance is due even without dual criminality",
    },
    extradition_article="art. 44(5)-(6)",
    invites_only=frozenset({T.TRANSFER_OF_SENTENCED_PERSONS}),
)

DRUGS1988 = Instrument(
    id="drugs1988",
    short="1988 Convention",
    title="United Nations Convention against Illicit Traffic in Narcotic Drugs and "
    "Psychotropic Substances (1988)",
    parties_file="drugs1988_parties.csv",
    in_force=dt.date(1990, 11, 11),
    days_after_deposit=90,
    rule="art. 29(2): the 90th day after the state's deposit; not before the Convention's "
    "entry into force on 11 November 1990 (art. 29(1))",
    as_of=dt.date(2020, 12, 31),
    source="UN Treaty Collection VI-19 (scrape to 2014-07-10; Palau from INCB, Aug 2019)",
    articles={
        T.MLA: "art. 7",
        T.EXTRADITION: "art. 6",
        T.CONFISCATION: "art. 5",
        T.TRANSFER_OF_PROCEEDINGS: "art. 8",
        T.JOINT_INVESTIGATION: "art. 9(1)(c)",
        T.TRANSFER_OF_SENTENCED_PERSONS: "art. 6(12)",
        T.PRESERVATION_OF_ELECTRONIC_EVIDENCE: "art. 7(2)",
    },
    notes={T.TRANSFER_OF_SENTENCED_PERSONS: f"art. 6(12) {_AGREEMENTS_ONLY}"},
    extradition_article="art. 6(3)",
    invites_only=frozenset({T.TRANSFER_OF_SENTENCED_PERSONS}),
)

ASEAN_MLAT = Instrument(
    id="asean_mlat",
    short="ASEAN MLAT",
    title="Treaty on Mutual Legal Assistance in Criminal Matters (Kuala Lumpur, 29 Nov 2004)",
    parties_file="asean_mlat_parties.csv",
    in_force=None,
    days_after_deposit=0,
    rule="art. 31(1): in force for each party on the date of its deposit; art. 31(2): applies "
    "to requests presented after it is in force for both parties",
    as_of=dt.date(2019, 4, 19),
    source="ASEAN MLAT Secretariat statistics (updated 19 Apr 2019): all ten members "
    "'Treaty Party'; no deposit dates published in the sources",
    articles={
        T.MLA: "arts. 1 and 6",
        T.CONFISCATION: "art. 22",
        T.PRESERVATION_OF_ELECTRONIC_EVIDENCE: "arts. 1 and 18",
    },
    notes={
        T.EXTRADITION: "art. 2 (non-application): the Treaty does not cover extradition",
        T.MLA: "art. 3 lists the grounds on which assistance may be refused",
    },
    check_with="the Treaty's depositary (art. 32)",
)

INSTRUMENTS: tuple[Instrument, ...] = (UNTOC, UNCAC, DRUGS1988, ASEAN_MLAT)
BY_ID = {i.id: i for i in INSTRUMENTS}

#: UNTOC art. 2(b): a serious crime is punishable by at least four years' deprivation of liberty.
UNTOC_SERIOUS_YEARS = 4.0
#: The common threshold of extradition treaties and laws: the UN Model Treaty on Extradition,
#: art. 2(1), leaves "one/two" years to the parties; one year is the usual choice.
EXTRADITION_THRESHOLD_YEARS = 1.0
