"""Reading personal data, for the pages and the API alike: each read is checked against need
to know and recorded in the audit log with the record ids it showed.

- A person look-up needs a stated purpose (rules in :mod:`justicelink.policy.inputs`) and
  shows the officer's own agency's records unless other agencies' are asked for (a
  disclosure). Nothing tells the officer what other agencies hold without that disclosure.
- The review queue serves only the review band (:data:`justicelink.web.policy.REVIEW_BAND`,
  or ``serve --review-band``), a small page at a time, at most
  :data:`~justicelink.web.policy.REVIEW_PAIRS_PER_HOUR` distinct pairs per reviewer and
  hour.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from justicelink.store import limits
from justicelink.web.data import Evidence, PersonView
from justicelink.web.policy import REVIEW_PAIRS_PER_HOUR
from justicelink.web.security import ForbiddenError, Principal, audit_of, deny, store_of

REVIEW_PURPOSE = "clerical review of uncertain links"


class RateLimitedError(Exception):
    """The user has been served as much as the limit allows this hour."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def evidence_of(request: Request) -> Evidence:
    evidence: Evidence = request.app.state.evidence
    return evidence


def look_up_person(
    request: Request,
    who: Principal,
    person_id: str,
    purpose: str,
    *,
    other_agencies: bool,
    api: bool = False,
) -> PersonView | None:
    """An officer's look-up of a person (``purpose`` already checked), audited with the ids
    of the records shown.

    The officer's own agency's records and events; with ``other_agencies``, every agency's
    (a disclosure), but only for a person the officer's agency holds a record of.
    """
    evidence = evidence_of(request)
    own = evidence.person(person_id, agency_id=who.account.agency_id)
    shown = evidence.person(person_id, agency_id=None) if own and other_agencies else own
    audit_of(request).record(
        who.actor,
        "disclosure" if other_agencies else "consultation",
        outcome="success" if shown else "failure",
        object=f"person {person_id}",
        purpose=purpose,
        detail={
            "other_agencies": other_agencies,
            "records": [str(r["record_id"]) for r in shown.records] if shown else [],
            "api": api,
        },
    )
    return shown


def review_band(request: Request) -> tuple[float, float]:
    band: tuple[float, float] = request.app.state.review_band
    return band


def consult_review_queue(
    request: Request, who: Principal, *, low: float, high: float, limit: int, api: bool = False
) -> list[dict[str, Any]]:
    """Undecided pairs for clerical review, within the band and the hourly limit; audited
    with the pairs' record ids.

    Raises:
        ForbiddenError: ``low``-``high`` reaches outside the review band (audited).
        RateLimitedError: the reviewer had their pairs for this hour (audited).
        LinkageError: the warehouse has no linkage run yet.
    """
    band_low, band_high = review_band(request)
    if low < band_low or high > band_high:
        deny(request, who.actor, "outside the review band", low=low, high=high)
        raise ForbiddenError(
            f"reviewers see pairs scored {band_low} to {band_high} (the review band) only"
        )
    pairs = evidence_of(request).uncertain_pairs(low=low, high=high, limit=limit)
    ids = [f"{p['record_id_l']}|{p['record_id_r']}" for p in pairs]
    admitted = set(
        limits.admit(
            store_of(request), who.account.name, "review", ids, limit=REVIEW_PAIRS_PER_HOUR
        )
    )
    if ids and not admitted:
        deny(request, who.actor, "review rate limit", limit=REVIEW_PAIRS_PER_HOUR)
        raise RateLimitedError(
            f"at most {REVIEW_PAIRS_PER_HOUR} pairs an hour: decide the ones you have seen, "
            "or come back later"
        )
    pairs = [p for p, i in zip(pairs, ids, strict=True) if i in admitted]
    if pairs:
        audit_of(request).record(
            who.actor,
            "consultation",
            object="review queue",
            purpose=REVIEW_PURPOSE,
            detail={
                "pairs": [i for i in ids if i in admitted],
                "band": [low, high],
                "api": api,
            },
        )
    return pairs
