"""The pages people work in: the person page as an officer's summary, the review queue
(agency names, events, progress, undo, decisions that take effect at once), officers'
reports of a wrong link, and the audit page's filters and export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import duckdb
import pytest
from _web import WebApp, csrf_of, make_app, sign_in
from fastapi.testclient import TestClient

from justicelink.store.reports import open_reports
from justicelink.web.summary import years_and_months

PURPOSE = "pre-sentence report 2023/114"


@pytest.fixture
def web(linked_country: Path, store_url: str, tmp_path: Path) -> WebApp:
    app = make_app(linked_country, store_url, tmp_path)
    yield app
    app.app.state.evidence.close()
    app.store.close()


def _police_person_with_a_sentence(country: Path) -> tuple[str, int, str, str]:
    """A police record key whose person has a sentence with a length, that length, and
    a national offence code with its label (read from the warehouse directly)."""
    with duckdb.connect(str(country / "w.duckdb"), read_only=True) as con:
        row = con.execute(
            "SELECT min(split_part(p.record_id, ':', 2)), any_value(e.length_days), "
            "any_value(e.offence_code_raw), any_value(o.label) "
            "FROM record_person p JOIN record_person q USING (person_id) "
            "JOIN case_event e ON e.record_id = q.record_id "
            "JOIN offence_code o ON o.national_code = e.offence_code_raw "
            "WHERE p.record_id LIKE 'police:%' AND e.length_days >= 365 "
            "GROUP BY p.person_id ORDER BY 1 LIMIT 1"
        ).fetchone()
    assert row is not None
    return str(row[0]), int(row[1]), str(row[2]), str(row[3])


def test_the_person_page_reads_as_an_officers_summary(web: WebApp, linked_country: Path) -> None:
    key, days, code, label = _police_person_with_a_sentence(linked_country)
    with duckdb.connect(str(linked_country / "w.duckdb"), read_only=True) as con:
        names = {
            n
            for (n,) in con.execute(
                "SELECT r.full_name FROM person_record r JOIN record_person p USING (record_id)"
                " WHERE p.person_id = (SELECT person_id FROM record_person"
                " WHERE record_id = ?)",
                [f"police:{key}"],
            ).fetchall()
        }
        agencies = dict(con.execute("SELECT agency_id, name FROM agency").fetchall())
    with TestClient(web.app) as client:
        sign_in(client, web, "kim")
        found = client.get("/persons", params={"record_key": key, "purpose": PURPOSE})
        page = client.get(str(found.url) + "&other_agencies=true")
    assert page.status_code == 200
    title = re.search(r"<h1>([^<]+)", page.text)
    assert title and title.group(1).strip() in names  # a name, not an opaque id
    assert "Names recorded" in page.text and "Date of birth" in page.text
    assert agencies["police"] in page.text and agencies["courts"] in page.text
    assert re.search(
        rf"{re.escape(label)} <span class=\"code\">{re.escape(code)}</span>", page.text
    )
    assert "ICCS " in page.text and 'id="match-note"' in page.text and "Legend" in page.text
    assert years_and_months(days) in page.text and f">{days} days<" not in page.text
    assert not re.search(r">\d+ days<", page.text)  # only short spells are said in days


def test_a_wrong_link_is_reported_stored_audited_and_shown_to_reviewers(
    web: WebApp, linked_country: Path
) -> None:
    key, *_ = _police_person_with_a_sentence(linked_country)
    with TestClient(web.app) as client:
        sign_in(client, web, "kim")
        found = client.get("/persons", params={"record_key": key, "purpose": PURPOSE})
        person_id = str(found.url).split("/persons/")[1].split("?")[0]
        page = client.get(str(found.url) + "&other_agencies=true")
        other = re.findall(r'name="record_id" value="([^"]+)"', page.text)
        record = next(r for r in other if not r.startswith("police:"))
        form = {"csrf_token": csrf_of(page.text), "record_id": record, "purpose": PURPOSE}
        short = client.post(f"/persons/{person_id}/report", data={**form, "reason": "no"})
        assert short.status_code == 400  # a reason as careful as a purpose
        hidden = client.post(  # another agency's record, not shown on the page: refused
            f"/persons/{person_id}/report", data={**form, "reason": "date of birth differs"}
        )
        assert hidden.status_code == 404
        done = client.post(
            f"/persons/{person_id}/report",
            data={**form, "reason": "date of birth differs", "other_agencies": "true"},
            follow_redirects=False,
        )
        assert done.status_code == 303
        assert "is stored" in client.get(done.headers["location"]).text
    (report,) = open_reports(web.store)
    assert (report.person_id, report.record_id, report.reported_by) == (person_id, record, "kim")
    entry = next(
        e
        for e in web.audit.entries(limit=5)
        if '"report": ' + str(report.report_id) in (e.detail or "")
    )
    assert (entry.user_name, entry.action, entry.purpose) == ("kim", "combination", PURPOSE)
    with TestClient(web.app) as client:
        sign_in(client, web, "rev")
        queue = client.get("/review")
        assert "Reported by officers (1)" in queue.text and "date of birth differs" in queue.text
        client.post(f"/review/reports/{report.report_id}", data={"csrf_token": csrf_of(queue.text)})
    assert open_reports(web.store) == []


def _remaining(html: str) -> int:
    found = re.search(r'id="remaining">(\d+) pair', html)
    assert found, "the queue shows no count of pairs left"
    return int(found.group(1))


def test_the_review_queue_shows_context_counts_down_and_undoes(
    web: WebApp, linked_country: Path
) -> None:
    with duckdb.connect(str(linked_country / "w.duckdb"), read_only=True) as con:
        agencies = dict(con.execute("SELECT agency_id, name FROM agency").fetchall())
        in_band = con.execute(
            "SELECT count(*) FROM link_pair WHERE match_probability BETWEEN 0.5 AND 0.99"
        ).fetchone()[0]
    with TestClient(web.app) as client:
        sign_in(client, web, "rev")
        page = client.get("/review")
        assert _remaining(page.text) == in_band
        left = re.search(r'name="record_id_l" value="([^"]+)"', page.text).group(1)
        right = re.search(r'name="record_id_r" value="([^"]+)"', page.text).group(1)
        first = page.text.split('<section class="panel pair">', 2)[1]
        for record in (left, right):
            assert agencies[record.split(":")[0]] in first  # the agency by name
        assert '<ul class="events"><li>' in first  # each record's events
        for row in re.findall(
            r'<tr class="(\w+)"><th>[^<]+</th><td>([^<]*)</td><td>([^<]*)</td>', first
        ):
            how, a, b = row
            if "—" in (a, b):
                assert how == "missing"  # a value one side lacks is not a difference
            else:
                assert how == ("same" if a == b else "differs")
        decided = client.post(
            "/review",
            data={"csrf_token": csrf_of(page.text), "record_id_l": left,
                  "record_id_r": right, "decision": "same"},
        )  # fmt: skip
        assert "Decision stored" in decided.text and _remaining(decided.text) == in_band - 1
        assert f'value="{left}"' in decided.text.split("Undo")[0]
        undone = client.post(
            "/review",
            data={"csrf_token": csrf_of(decided.text), "record_id_l": left,
                  "record_id_r": right, "decision": "undo"},
        )  # fmt: skip
        assert "taken back" in undone.text and _remaining(undone.text) == in_band
        again = client.post(
            "/review",
            data={"csrf_token": csrf_of(undone.text), "record_id_l": left,
                  "record_id_r": right, "decision": "undo"},
        )  # fmt: skip
        assert again.status_code == 400
    actions = [e.detail for e in web.audit.entries(limit=6) if e.action == "combination"]
    assert '"undo": "same"' in actions[1] and '"decision": "same"' in actions[2]
    web.app.state.evidence.close()  # the server stops; the warehouse is read directly
    with duckdb.connect(str(web.warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM link_decision").fetchone() == (0,)


def test_a_decision_shows_on_the_person_at_once(web: WebApp, linked_country: Path) -> None:
    with duckdb.connect(str(linked_country / "w.duckdb"), read_only=True) as con:
        left, right, person = con.execute(
            "SELECT p.record_id_l, p.record_id_r, a.person_id FROM link_pair p "
            "JOIN record_person a ON a.record_id = p.record_id_l "
            "JOIN record_person b ON b.record_id = p.record_id_r AND b.person_id = a.person_id "
            "JOIN person s ON s.person_id = a.person_id "
            "WHERE p.linked AND s.records = 2 AND p.match_probability < 0.99 "
            "ORDER BY p.record_id_l LIMIT 1"
        ).fetchone()
        apart = con.execute(
            "SELECT p.record_id_l, p.record_id_r, a.person_id, b.person_id FROM link_pair p "
            "JOIN record_person a ON a.record_id = p.record_id_l "
            "JOIN record_person b ON b.record_id = p.record_id_r "
            "WHERE NOT p.linked AND a.person_id <> b.person_id "
            "AND p.match_probability BETWEEN 0.5 AND 0.89 ORDER BY p.record_id_l LIMIT 1"
        ).fetchone()
    evidence = web.app.state.evidence
    before = evidence.person(person, agency_id=None)
    assert {r["record_id"] for r in before.records} == {left, right}
    evidence.decide(left, right, "different", note="", reviewer="rev")
    after = evidence.person(person, agency_id=None)
    assert after is not None and len(after.records) == 1  # split, with no re-link
    moved = ({left, right} - {r["record_id"] for r in after.records}).pop()
    agency, key = moved.split(":", 1)
    split_off = evidence.find_person(agency, key)
    assert (
        split_off != person
        and evidence.person(split_off, agency_id=None).records[0]["record_id"] == moved
    )
    a, b, person_a, person_b = apart
    evidence.decide(a, b, "same", note="", reviewer="rev")
    joined = {evidence.find_person(*r.split(":", 1)) for r in (a, b)}
    assert len(joined) == 1
    (kept,) = joined
    ids = {r["record_id"] for r in evidence.person(kept, agency_id=None).records}
    assert {a, b} <= ids
    assert evidence.person(({person_a, person_b} - {kept}).pop(), agency_id=None) is None


def test_the_audit_page_filters_and_exports(web: WebApp, linked_country: Path) -> None:
    key, *_ = _police_person_with_a_sentence(linked_country)
    with TestClient(web.app) as client:
        sign_in(client, web, "kim")
        found = client.get("/persons", params={"record_key": key, "purpose": PURPOSE})
        person_id = str(found.url).split("/persons/")[1].split("?")[0]
        client.get(str(found.url).replace("pre-sentence", "bail+hearing"))
    with TestClient(web.app) as client:
        sign_in(client, web, "aud")
        today = dt.datetime.now(dt.UTC).date()
        query = {"person": person_id.lower(), "purpose": "PRE-SENTENCE", "user": "kim",
                 "action": "consultation", "from": str(today - dt.timedelta(days=1)),
                 "to": str(today)}  # fmt: skip
        page = client.get("/audit", params=query)
        rows = re.findall(r'<tr class="outcome-[^"]+"><td class="n">(\d+)</td>', page.text)
        expected = [
            e.seq
            for e in web.audit.entries(limit=1000)
            if e.user_name == "kim" and e.action == "consultation"
            and person_id in (e.object or "") and "pre-sentence" in (e.purpose or "")
        ]  # fmt: skip
        assert [int(r) for r in rows] == expected and len(expected) == 1
        tomorrow = client.get("/audit", params={**query, "from": str(today + dt.timedelta(1))})
        assert "No entries match" in tomorrow.text
        assert client.get("/audit", params={"from": "2026-13-01"}).status_code == 400
        assert client.get("/audit", params={"action": "nosuch"}).status_code == 400
        export = client.get("/audit/export.csv", params={"user": "kim"})
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    exported = list(csv.DictReader(io.StringIO(export.text)))
    assert exported and {r["user_name"] for r in exported} == {"kim"}
    assert [int(r["seq"]) for r in exported] == [
        e.seq for e in web.audit.entries(limit=1000) if e.user_name == "kim"
    ]
    last = web.audit.entries(limit=1)[0]
    assert (last.user_name, last.action, last.object) == ("aud", "disclosure", "audit log")
    assert f'"rows": {len(exported)}' in (last.detail or "")
