"""The central authority's pages: the register with due dates, a request's checklist,
legal-basis panel and timeline, status changes; a prosecutor's read-only view of their own
office's requests. Every view and change is audited."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from _web import PASSWORD, WebApp, csrf_of, make_app, sign_in
from fastapi.testclient import TestClient

from justicelink.app.cooperation import Register, check_one, entry_request, import_requests
from justicelink.store.audit import Actor
from justicelink.store.cooperation import get_entry, list_entries
from justicelink.store.users import add_user, issue_enrolment

OFFICE = "Office of the Public Prosecutor"  # the synthetic country's prosecution agency


@pytest.fixture
def web(linked_country: Path, store_url: str, tmp_path: Path) -> WebApp:
    coop = linked_country / "country" / "cooperation"
    app = make_app(linked_country, store_url, tmp_path, cooperation_dir=coop)
    agencies = set(app.app.state.evidence.agencies())
    for name, role, agency in (
        ("cai", "central_authority", None),
        ("prs", "prosecutor", "prosecution"),
    ):
        add_user(app.store, name, role=role, password=PASSWORD, agency_id=agency, agencies=agencies)
        app.links[name] = issue_enrolment(app.store, name, issued_by="test")
        app.passwords[name] = PASSWORD
    register = Register(app.store, app.audit, Actor("setup", "central_authority"), coop)
    lines = (coop / "requests.jsonl").read_text(encoding="utf-8").splitlines()[:12]
    own = json.loads(lines[0]) | {
        "reference": "XEX-OPP-2024-0001",
        "direction": "outgoing",
        "requesting_state": "XEX",
        "requested_state": "THA",
        "conducting_authority": OFFICE,
        "status_history": [{"date": "2024-01-10", "status": "sent"}],
    }
    source = tmp_path / "requests.jsonl"
    source.write_text("\n".join([*lines, json.dumps(own)]) + "\n", encoding="utf-8")
    import_requests(register, source)
    yield app
    app.app.state.evidence.close()
    app.store.close()


def _rows(html: str) -> list[tuple[int, str]]:
    """(register number, due date) of each row of the request list, in order."""
    found = re.findall(
        r'<td class="n"><a href="/requests/(\d+)">.*?</td>(?:<td[^>]*>.*?</td>){7}'
        r'<td class="nowrap">([^<]*)</td>',
        html,
    )
    return [(int(n), due) for n, due in found]


def test_a_central_authority_works_the_register(web: WebApp) -> None:
    entries = {e.request_id: e for e in list_entries(web.store)}
    with TestClient(web.app) as client:
        sign_in(client, web, "cai")
        listing = client.get("/requests")
        assert listing.status_code == 200
        rows = _rows(listing.text)
        assert sorted(n for n, _ in rows) == sorted(entries)  # every request, once
        for number, due in rows:
            expected = entries[number].due_on
            assert due == (expected.isoformat() if expected else "—")
        overdue = [
            n
            for n, _ in rows
            if f'<tr class="overdue"><td class="n"><a href="/requests/{n}"' in listing.text
        ]
        assert [n for n, _ in rows][: len(overdue)] == overdue  # overdue ones first
        number = next(n for n, e in entries.items() if e.direction == "incoming")
        page = client.get(f"/requests/{number}")
        assert page.status_code == 200
        entry = get_entry(web.store, number)
        expected = check_one(entry_request(entry), web.app.state.cooperation_dir)
        checklist = page.text.split('id="checklist"')[1].split("</section>")[0]
        for item in expected.missing:
            assert f"<b>{item.element}</b>" in checklist
        assert "<h2>Legal basis</h2>" in page.text and "notice error" not in page.text
        timeline = page.text.split('id="timeline"')[1]
        for step in entry.history:
            assert step.status.replace("_", " ") in timeline
        changed = client.post(
            f"/requests/{number}/status",
            data={"csrf_token": csrf_of(page.text), "status": "acknowledged", "on": "2024-02-01"},
            follow_redirects=True,
        )
        assert "acknowledged" in changed.text.split('id="timeline"')[1]
        refused = client.post(
            f"/requests/{number}/status",
            data={"csrf_token": csrf_of(page.text), "status": "refused"},
        )
        assert refused.status_code == 400 and "ground" in refused.text
        assert client.get("/requests/99999").status_code == 404
    mine = [(e.action, e.object) for e in web.audit.entries(limit=50) if e.user_name == "cai"]
    assert ("consultation", "cooperation register") in mine
    assert ("consultation", f"coop request {number}") in mine
    assert ("alteration", f"coop request {number}") in mine


def test_a_prosecutor_reads_only_their_offices_requests(web: WebApp) -> None:
    entries = list_entries(web.store)
    own = [e.request_id for e in entries if e.document.get("conducting_authority") == OFFICE]
    other = next(e.request_id for e in entries if e.request_id not in own)
    with TestClient(web.app) as client:
        sign_in(client, web, "prs")
        listing = client.get("/requests")
        assert [n for n, _ in _rows(listing.text)] == own
        page = client.get(f"/requests/{own[0]}")
        assert page.status_code == 200 and 'id="legal-basis"' in page.text
        assert "Record step" not in page.text  # read-only
        hidden = client.get(f"/requests/{other}")
        assert hidden.status_code == 404 and "No request" in hidden.text  # as if absent
        change = client.post(
            f"/requests/{own[0]}/status",
            data={"csrf_token": csrf_of(page.text), "status": "withdrawn"},
        )
        assert change.status_code == 403
        assert client.get("/dashboard").status_code == 403  # no other page
    mine = [
        (e.action, e.object, e.outcome) for e in web.audit.entries(limit=30) if e.user_name == "prs"
    ]
    assert ("consultation", f"coop request {own[0]}", "success") in mine
    assert ("denied", f"coop request {other}", "denied") in mine
    assert get_entry(web.store, own[0]).status == "sent"  # unchanged


def test_the_central_authority_sees_the_registers_processing_statistics(web: WebApp) -> None:
    closing = {"executed", "executed_in_part", "refused", "withdrawn"}
    entries = list_entries(web.store)
    # By hand from the register: each request's outcome, and the days to execution.
    outcomes = Counter(e.status if e.status in closing else "open" for e in entries)
    with TestClient(web.app) as client:
        sign_in(client, web, "cai")
        page = client.get("/requests").text
    panel = page.split('id="stats"')[1].split("</section>")[0]
    assert f"All {len(entries)} requests" in panel
    header = re.findall(r"<th class=\"n\">([a-z ]+)</th>", panel.split("</thead>")[0])
    row = panel.split("<tr><th>all</th>")[1].split("</tr>")[0]
    totals = re.findall(r"<th class=\"n\">([^<]*)</th>", row)
    shown = dict(zip(header, totals, strict=False))
    assert {k.replace(" ", "_"): int(v) for k, v in shown.items() if k in {
        o.replace("_", " ") for o in outcomes}} == dict(outcomes)  # fmt: skip
    refused = Counter(e.status for e in entries)["refused"]
    grounds = re.findall(r'<td class="n">(\d+)</td>', panel.split("Refusals by ground")[1].split(
        "</table>")[0])  # fmt: skip
    assert sum(int(n) for n in grounds) == refused


def test_a_prosecutor_sees_no_register_statistics(web: WebApp) -> None:
    with TestClient(web.app) as client:
        sign_in(client, web, "prs")
        assert 'id="stats"' not in client.get("/requests").text
