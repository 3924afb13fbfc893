"""The officer's pages: an assessment through the form, a plan proposed and decided, the
caseload with what is due, need to know between officers, and the audit log of each step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from _web import PASSWORD, WebApp, csrf_of, make_app, sign_in
from fastapi.testclient import TestClient

from justicelink.store.users import add_user, issue_enrolment
from justicelink.synth.programmes import CATALOGUE


@pytest.fixture
def web(linked_country: Path, store_url: str, tmp_path: Path) -> WebApp:
    app = make_app(linked_country, store_url, tmp_path)
    for name, role in (("pat", "probation_officer"), ("pia", "prison_officer")):
        add_user(app.store, name, role=role, password=PASSWORD, agency_id=None)
        app.links[name] = issue_enrolment(app.store, name, issued_by="test")
        app.passwords[name] = PASSWORD
    yield app
    app.app.state.evidence.close()
    app.store.close()


FORM = {
    "person": "P-WEB-1",
    "sex": "female",
    "date_of_birth": "1994-02-10",
    "setting": "custody",
    "release_date": "2027-03-01",
    "assessed_on": "2026-12-01",
    "risk_band": "medium",
    # Hand-worked: education and employment 4/4, accommodation 2/2 -> the two targets of a
    # medium-risk plan; substance misuse 1/4 is below the need threshold.
    "score_EE1": "2",
    "note_EE1": "no work since 2024",
    "score_EE2": "2",
    "score_AC1": "2",
    "note_AC1": "tenancy lost on remand",
    "score_SU1": "1",
    "score_SU2": "0",
}


def test_an_officer_assesses_proposes_decides_and_the_log_shows_each_step(web: WebApp) -> None:
    with TestClient(web.app, base_url="https://testserver") as client:
        sign_in(client, web, "pat")
        page = client.get("/caseload")
        assert page.status_code == 200 and "No one yet" in page.text
        form = client.get("/caseload/assess")
        assert "CA2" in form.text and "(asked of: female)" in form.text
        bad = client.post(
            "/caseload/assess",
            data={**FORM, "score_EE1": "3", "csrf_token": csrf_of(form.text)},
        )
        assert bad.status_code == 400
        assert "the form: scores.EE1: score 3 is not on the scale 0, 1, 2" in bad.text
        done = client.post("/caseload/assess", data={**FORM, "csrf_token": csrf_of(form.text)})
        assert done.status_code == 200 and "Reintegration record of P-WEB-1" in done.text
        assert "no work since 2024" in done.text
        proposed = client.post(
            "/caseload/person/P-WEB-1/propose", data={"csrf_token": csrf_of(done.text)}
        )
        by_need = {n: p for p in CATALOGUE for n in p.needs}
        assert proposed.status_code == 200
        assert by_need["employment"].key in proposed.text
        assert by_need["accommodation"].key in proposed.text
        assert "Handover from prison to probation" in proposed.text
        found = re.search(r"<p>Plan (\d+): medium risk; review on 2027-03-01\.</p>", proposed.text)
        assert found, "no plan on the page"
        plan_id = found.group(1)
        token = csrf_of(proposed.text)
        short = client.post(
            f"/caseload/plan/{plan_id}/1",
            data={"decision": "accepted", "reason": "ok", "csrf_token": token},
        )
        assert short.status_code == 400 and "give the reason" in short.text
        accepted = client.post(
            f"/caseload/plan/{plan_id}/1",
            data={"decision": "accepted", "reason": "agreed with her", "csrf_token": token},
        )
        assert "accepted: agreed with her" in accepted.text
        unreadable = client.post(
            f"/caseload/plan/{plan_id}/2",
            data={"decision": "edited", "reason": "a week at home first", "start": "2027-13-08",
                  "csrf_token": token},
        )  # fmt: skip
        assert unreadable.status_code == 400 and "start: '2027-13-08' is not a date" in (
            unreadable.text.replace("&#39;", "'")
        )
        edited = client.post(
            f"/caseload/plan/{plan_id}/2",
            data={"decision": "edited", "reason": "a week at home first", "start": "2027-03-08",
                  "csrf_token": token},
        )  # fmt: skip
        assert "start_after: 2027-03-01 → 2027-03-08" in edited.text
        caseload = client.get("/caseload")
        assert "P-WEB-1" in caseload.text and "<strong>due</strong>" not in caseload.text
        no_purpose = client.get("/caseload/person/P-WEB-1?purpose=x")
        assert no_purpose.status_code == 400

    # Another officer does not see this person, and the refusal is recorded.
    with TestClient(web.app, base_url="https://testserver") as other:
        sign_in(other, web, "pia")
        page = other.get("/caseload")
        assert "P-WEB-1" not in page.text
        refused = other.get("/caseload/person/P-WEB-1?purpose=curious about this person")
        assert refused.status_code == 403
        assert other.get("/dashboard").status_code == 403  # no aggregates for this role
    web.app.state.denials.flush()

    entries = [e for e in reversed(web.audit.entries(limit=200))]
    steps = [
        (e.user_name, e.action, e.object)
        for e in entries
        if e.object and "P-WEB-1" in e.object and e.user_name == "pat"
    ]
    assert steps == [
        ("pat", "alteration", "person P-WEB-1: needs assessment 1"),
        ("pat", "consultation", "person P-WEB-1: reintegration record"),
        ("pat", "alteration", f"person P-WEB-1: plan {plan_id} proposed"),
        ("pat", "consultation", "person P-WEB-1: reintegration record"),
        ("pat", "alteration", f"person P-WEB-1: plan {plan_id} action 1 accepted"),
        ("pat", "consultation", "person P-WEB-1: reintegration record"),
        ("pat", "alteration", f"person P-WEB-1: plan {plan_id} action 2 edited"),
        ("pat", "consultation", "person P-WEB-1: reintegration record"),
    ]
    mine = [e for e in entries if e.user_name == "pat" and e.object and "P-WEB-1" in e.object]
    assert all(e.purpose for e in mine)
    assert "own caseload" in [e.object for e in entries if e.user_name == "pat"]
    denied = [e for e in entries if e.user_name == "pia" and e.action == "denied"]
    assert [e.object for e in denied] == ["GET /caseload/person/P-WEB-1", "GET /dashboard"]
    assert "not on the officer's caseload" in (denied[0].detail or "")
    assert web.audit.verify().ok
