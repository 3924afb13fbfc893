"""Every route, every role: allowed, or 403 and an audit entry. The matrix is the issue's
least-privilege rules written out by hand, not read from the code under test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _web import PASSWORD, USERS, WebApp, csrf_of, make_app, sign_in
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Route

from justicelink.app.cooperation import Register, import_requests
from justicelink.store.audit import Actor
from justicelink.store.reports import report_wrong_link
from justicelink.store.users import add_user, issue_enrolment
from justicelink.web import (
    api,
    auditpage,
    auth,
    evaluation,
    linkpages,
    pages,
    reintegration,
    requestpages,
)

AGGREGATES = {"analyst", "agency_officer", "linkage_reviewer"}
# Roles of the cooperation register (not in _web.USERS, which every web test signs up).
EXTRA = {"central_authority": ("cai", None), "prosecutor": ("prs", "prosecution")}
# Probation and prison officers: their own caseload (the persons they assessed) only.
OFFICERS = {"probation_officer", "prison_officer"}
MATRIX: dict[tuple[str, str], set[str]] = {
    ("GET", "/dashboard"): AGGREGATES,
    ("GET", "/quality"): {"analyst", "linkage_reviewer"},
    ("GET", "/evaluate"): {"analyst"},
    ("POST", "/evaluate"): {"analyst"},
    ("GET", "/evaluate/{token}/{name}"): {"analyst"},
    ("GET", "/review"): {"linkage_reviewer"},
    ("POST", "/review"): {"linkage_reviewer"},
    ("GET", "/persons"): {"agency_officer"},
    ("GET", "/persons/{person_id}"): {"agency_officer"},
    ("GET", "/audit"): {"auditor"},
    ("GET", "/audit/export.csv"): {"auditor"},
    ("POST", "/review/reports/{report_id}"): {"linkage_reviewer"},
    ("POST", "/persons/{person_id}/report"): {"agency_officer"},
    ("GET", "/requests"): {"central_authority", "prosecutor"},
    ("GET", "/requests/{request_id}"): {"central_authority", "prosecutor"},
    ("POST", "/requests/{request_id}/status"): {"central_authority"},
    ("GET", "/admin/users"): {"admin"},
    ("POST", "/admin/users/{name}"): {"admin"},
    ("GET", "/api/measures"): AGGREGATES,
    ("GET", "/api/measures/{name}"): AGGREGATES,
    ("GET", "/api/measures/{name}/csv"): AGGREGATES,
    ("GET", "/api/persons/{person_id}"): {"agency_officer"},
    ("GET", "/api/review"): {"linkage_reviewer"},
    ("GET", "/api/audit"): {"auditor"},
    ("GET", "/caseload"): OFFICERS,
    ("GET", "/caseload/assess"): OFFICERS,
    ("POST", "/caseload/assess"): OFFICERS,
    ("GET", "/caseload/person/{person_id}"): OFFICERS,
    ("POST", "/caseload/person/{person_id}/propose"): OFFICERS,
    ("POST", "/caseload/plan/{plan_id}/{ordinal}"): OFFICERS,
}
# Open to anyone (signing in, enrolling by a link) or to any signed-in role (the start
# page, one's own password, signing out).
OPEN = {
    ("GET", "/enrol/{token}"),
    ("POST", "/enrol/{token}"),
    ("GET", "/account/password"),
    ("POST", "/account/password"),
    ("GET", "/"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/login/code"),
    ("POST", "/login/code"),
    ("POST", "/logout"),
    ("GET", "/healthz"),
    ("GET", "/api/openapi.json"),
}


@pytest.fixture(scope="module")
def web(linked_country: Path, tmp_path_factory: pytest.TempPathFactory) -> WebApp:
    tmp = tmp_path_factory.mktemp("roles")
    coop = linked_country / "country" / "cooperation"
    web = make_app(linked_country, f"sqlite:///{tmp / 'store.sqlite'}", tmp, cooperation_dir=coop)
    agencies = set(web.app.state.evidence.agencies())
    for role, (name, agency) in EXTRA.items():
        add_user(web.store, name, role=role, password=PASSWORD, agency_id=agency, agencies=agencies)
        web.links[name] = issue_enrolment(web.store, name, issued_by="test")
        web.passwords[name] = PASSWORD
    # One request the prosecution office conducts, so a prosecutor has one to open.
    first = json.loads((coop / "requests.jsonl").read_text(encoding="utf-8").splitlines()[0])
    own = first | {"conducting_authority": "Office of the Public Prosecutor"}
    (tmp / "own.json").write_text(json.dumps(own), encoding="utf-8")
    register = Register(web.store, web.audit, Actor("setup", "central_authority"), coop)
    import_requests(register, tmp / "own.json")
    return web


def _routes(web: WebApp) -> set[tuple[str, str]]:
    """(method, path) of the app's own routes and of the routers it includes."""
    found = set()
    routers = (auth, pages, api, linkpages, auditpage, requestpages, evaluation, reintegration)
    routes = [*web.app.routes, *(r for m in routers for r in m.router.routes)]
    for route in routes:
        if isinstance(route, APIRoute | Route):
            found |= {(m, route.path) for m in (route.methods or set()) - {"HEAD"}}
    return found


def test_the_matrix_covers_every_route(web: WebApp) -> None:
    assert _routes(web) == set(MATRIX) | OPEN


ANSWERS = {
    "person": "P-ROLES",
    "sex": "male",
    "date_of_birth": "1990-01-01",
    "setting": "community",
    "assessed_on": "2026-12-01",
    "risk_band": "medium",
    "score_EE1": "2",
    "score_EE2": "2",
}


def _caseload_plan(web: WebApp, name: str, role: str) -> int:
    """A person on ``name``'s caseload with a plan (the officer assessed them): its plan id."""
    from justicelink.app import reintegration as reint
    from justicelink.app.reintegration_catalogue import catalogue_from_rows
    from justicelink.store.audit import Actor

    caseload = reint.Caseload(web.store, web.audit, Actor(name, role))
    if not reint.on_caseload(caseload, "P-ROLES"):
        form = {k: v for k, v in ANSWERS.items() if not k.startswith("score_")}
        form["scores"] = {k.removeprefix("score_"): int(v) for k, v in ANSWERS.items()
                          if k.startswith("score_")}  # fmt: skip
        reint.assess_answers(caseload, form)
        evidence = web.app.state.evidence
        catalogue = catalogue_from_rows(
            caseload, evidence.table_rows("programme"), evidence.table_rows("participation")
        )
        return reint.propose_plan(caseload, "P-ROLES", catalogue=catalogue).plan.plan_id
    return max(p.plan_id for p in reint.plans_of(caseload.store, "P-ROLES"))


def _request(client: TestClient, web: WebApp, method: str, path: str, role: str = "") -> int:
    person = web.app.state.evidence.find_person("police", "EP0000001")
    pair = web.app.state.evidence.uncertain_pairs(low=0.0, high=1.0, limit=1)[0]
    if path.startswith("/caseload/"):
        plan_id = _caseload_plan(web, USERS[role][0], role) if role in USERS else 1
        concrete = path.format(person_id="P-ROLES", plan_id=plan_id, ordinal=1)
        if method == "GET":
            query = {"purpose": "testing the role matrix"} if "person" in path else {}
            return client.get(concrete, params=query, follow_redirects=False).status_code
        data = {"csrf_token": csrf_of(_any_form(client))}
        if path == "/caseload/assess":
            data |= ANSWERS
        elif "plan" in path:
            data |= {"decision": "accepted", "reason": "agreed in the role matrix test"}
        return client.post(concrete, data=data, follow_redirects=False).status_code
    report = report_wrong_link(
        web.store, person_id=str(person), record_id="police:EP0000001", reason="testing roles",
        reported_by="kim", agency_id="police",
    )  # fmt: skip
    concrete = path.format(
        person_id=person, name="unsentenced_share", report_id=report, request_id=1, token="gone"
    )
    if path == "/admin/users/{name}":
        concrete = "/admin/users/ana"
    if method == "GET":
        query = {"purpose": "testing the role matrix"} if "person" in path else {}
        if path == "/persons":
            query["record_key"] = "EP0000001"
        return client.get(concrete, params=query, follow_redirects=False).status_code
    csrf = csrf_of(_any_form(client))
    data = {"csrf_token": csrf}
    if path == "/evaluate":
        data |= {"programme": "Work Ready", "purpose": "testing the role matrix"}
        listed = {"participants": ("p.csv", b"person_id,start_date\nPN1,2021-01-01\n")}
        return client.post(concrete, data=data, files=listed, follow_redirects=False).status_code
    if path == "/review":
        data |= {"record_id_l": pair["record_id_l"], "record_id_r": pair["record_id_r"]}
        data |= {"decision": "different"}
    elif path == "/persons/{person_id}/report":
        data |= {"record_id": "police:EP0000001", "reason": "testing the role matrix"}
        data |= {"purpose": "testing the role matrix"}
    elif path == "/requests/{request_id}/status":
        data |= {"status": "acknowledged"}
    elif path == "/review/reports/{report_id}":
        pass
    else:
        data |= {"change": "enable"}
    return client.post(concrete, data=data, follow_redirects=False).status_code


def _any_form(client: TestClient) -> str:
    """A page of the signed-in session that carries its CSRF token (the sign-out form)."""
    return client.get("/", follow_redirects=True).text


@pytest.mark.parametrize("role", [*USERS, *EXTRA])
def test_every_role_gets_exactly_what_it_may(web: WebApp, role: str) -> None:
    name = {**USERS, **EXTRA}[role][0]
    with TestClient(web.app) as client:
        sign_in(client, web, name)
        for (method, path), roles in sorted(MATRIX.items()):
            before = web.audit.entries(limit=1)[0].seq
            status = _request(client, web, method, path, role)
            if role in roles:
                # A download of an evaluation no longer kept: allowed, and not found.
                gone = path == "/evaluate/{token}/{name}"
                assert status in ((404,) if gone else (200, 303)), (role, method, path, status)
            else:
                assert status == 403, (role, method, path, status)
                denied = [
                    e
                    for e in web.audit.entries(limit=20)
                    if e.seq > before and e.action == "denied"
                ]
                assert [(e.user_name, e.role, e.outcome) for e in denied] == [
                    (name, role, "denied")
                ], (method, path)


def test_without_signing_in_pages_send_to_the_sign_in_and_the_api_says_401(web: WebApp) -> None:
    with TestClient(web.app) as client:
        for method, path in MATRIX:
            if method != "GET":
                continue
            concrete = path.format(
                person_id="PN1", name="unsentenced_share", request_id=1, token="gone"
            )
            response = client.get(concrete, follow_redirects=False)
            if path.startswith("/api/"):
                assert response.status_code == 401, path
            else:
                assert (response.status_code, response.headers["location"]) == (303, "/login")
