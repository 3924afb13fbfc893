"""Who may do what: each role's permissions (least privilege, need to know).

Roles are described in :data:`justicelink.store.users.ROLES`. A permission is checked on
every request; a denial answers 403 and is written to the audit log.
"""

from __future__ import annotations

PERMISSIONS: dict[str, frozenset[str]] = {
    # Aggregate figures, small cells suppressed; no personal data.
    "aggregates": frozenset({"analyst", "agency_officer", "linkage_reviewer"}),
    # Ingest and linkage quality: counts, reasons, codes; no personal data.
    "quality": frozenset({"analyst", "linkage_reviewer"}),
    # Programme evaluation: upload a participant list, read the matched comparison's result.
    "evaluate": frozenset({"analyst"}),
    # Uncertain pairs of records (names, dates of birth) and the decisions on them.
    "review": frozenset({"linkage_reviewer"}),
    # One person's records and events, with a stated purpose.
    "persons": frozenset({"agency_officer"}),
    # The audit log.
    "audit": frozenset({"auditor"}),
    # User accounts.
    "users": frozenset({"admin"}),
    # The cooperation register: requests with due dates, checklist, legal basis, timeline
    # (a prosecutor: only the requests their office makes, conducts or executes).
    "requests": frozenset({"central_authority", "prosecutor"}),
    # Changing a request's status.
    "requests_change": frozenset({"central_authority"}),
    # The officer's own caseload: assessments and plans (web/reintegration.py).
    "caseload": frozenset({"probation_officer", "prison_officer"}),
}

# Where each role lands after signing in.
HOME: dict[str, str] = {
    "analyst": "/dashboard",
    "agency_officer": "/persons",
    "linkage_reviewer": "/review",
    "auditor": "/audit",
    "admin": "/admin/users",
    "central_authority": "/requests",
    "prosecutor": "/requests",
    "probation_officer": "/caseload",
    "prison_officer": "/caseload",
}

# The navigation: (path, label, permission).
NAVIGATION = (
    ("/dashboard", "Dashboard", "aggregates"),
    ("/quality", "Data quality", "quality"),
    ("/evaluate", "Evaluate a programme", "evaluate"),
    ("/review", "Linkage review", "review"),
    ("/persons", "Persons", "persons"),
    ("/requests", "Requests", "requests"),
    ("/audit", "Audit log", "audit"),
    ("/admin/users", "Users", "users"),
    ("/caseload", "Caseload", "caseload"),
)


def allowed(role: str, permission: str) -> bool:
    return role in PERMISSIONS[permission]


# Need to know for linkage reviewers: the match probabilities of the clerical-review band,
# the pairs the linkage settings leave uncertain (the default link threshold, 0.9, lies
# inside). Below it pairs are near-certain non-matches, above it near-certain matches: a
# reviewer has no need to read their names, dates of birth and addresses. `justicelink
# serve --review-band LOW:HIGH` sets it; a request outside it is refused and audited.
REVIEW_BAND = (0.5, 0.99)
# Pairs a reviewer is shown per page (page and API), and per hour.
REVIEW_PAGE = 25
REVIEW_PAIRS_PER_HOUR = 300
