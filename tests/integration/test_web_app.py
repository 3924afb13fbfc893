"""The web app as its users meet it: signing in, sessions, CSRF, person look-ups with a
purpose, linkage review feeding the next run, and figures that agree with the truth."""

from __future__ import annotations

import csv
import json
import re
import time
from pathlib import Path

import duckdb
import pyotp
import pytest
from _web import PASSWORD, WebApp, csrf_of, make_app, sign_in
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from justicelink.linkage.run import link
from justicelink.store.schema import WebSession
from justicelink.web.security import COOKIE, FORM_COOKIE


@pytest.fixture
def web(linked_country: Path, store_url: str, tmp_path: Path) -> WebApp:
    app = make_app(linked_country, store_url, tmp_path)
    yield app
    app.app.state.evidence.close()
    app.store.close()


def _last(web: WebApp, n: int = 1) -> list[tuple[object, ...]]:
    return [
        (e.user_name, e.action, e.object, e.purpose, e.outcome) for e in web.audit.entries(limit=n)
    ]


def test_sign_in_with_both_factors_sets_a_strict_cookie(web: WebApp) -> None:
    with TestClient(web.app, base_url="https://testserver") as client:
        first = client.get("/login")
        assert COOKIE not in client.cookies  # the form alone opens no session
        cookie = first.headers["set-cookie"]
        assert cookie.startswith(FORM_COOKIE)
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" in cookie
        sign_in(client, web, "ana")  # enrols
        client.post("/logout", data={"csrf_token": csrf_of(client.get("/dashboard").text)})
        sign_in(client, web, "ana")  # and signs in again
        page = client.get("/dashboard")
        assert page.status_code == 200 and "<svg" in page.text
        assert page.headers["cache-control"] == "no-store"
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert page.headers["strict-transport-security"] == "max-age=31536000"
    assert _last(web) == [("ana", "login", None, None, "success")]
    assert '"client": "testclient"' in (web.audit.entries(limit=1)[0].detail or "")
    with web.store.session() as session:  # one session: the signed-in one
        assert session.execute(select(func.count()).select_from(WebSession)).scalar_one() == 1
    assert web.audit.verify().ok


def test_plain_http_cookie_is_not_marked_secure(web: WebApp) -> None:
    with TestClient(web.app) as client:
        page = client.get("/login")
        assert "Secure" not in page.headers["set-cookie"]
        assert "strict-transport-security" not in page.headers


def test_wrong_code_fails_and_five_failures_lock_the_account(web: WebApp) -> None:
    with TestClient(web.app) as client:
        sign_in(client, web, "kim")  # enrols the second factor
        client.post("/logout", data={"csrf_token": csrf_of(client.get("/persons").text)})
        for _ in range(5):
            page = client.get("/login")
            wrong = client.post(
                "/login",
                data={
                    "user_name": "kim",
                    "password": "not it at all",
                    "csrf_token": csrf_of(page.text),
                },
            )
            assert wrong.status_code == 401 and "wrong user name or password" in wrong.text
        page = client.get("/login")
        locked = client.post(
            "/login",
            data={
                "user_name": "kim",
                "password": web.passwords["kim"],
                "csrf_token": csrf_of(page.text),
            },
        )
        assert locked.status_code == 401 and "locked" in locked.text
    failures = [e for e in web.audit.entries(limit=10) if e.outcome == "failure"]
    assert len(failures) == 6 and {e.user_name for e in failures} == {"kim"}


def test_a_wrong_second_factor_is_refused_and_audited(web: WebApp) -> None:
    with TestClient(web.app) as client:
        sign_in(client, web, "aud")  # enrols
        client.post("/logout", data={"csrf_token": csrf_of(client.get("/audit").text)})
        page = client.get("/login")
        client.post(
            "/login",
            data={
                "user_name": "aud",
                "password": web.passwords["aud"],
                "csrf_token": csrf_of(page.text),
            },
        )
        page = client.get("/login/code")
        assert "totp-secret" not in page.text  # the key is never shown again
        right = {pyotp.TOTP(web.secrets["aud"]).at(time.time() + 30 * k) for k in (-1, 0, 1)}
        wrong = next(c for c in ("000000", "111111", "222222", "333333") if c not in right)
        response = client.post(
            "/login/code", data={"code": wrong, "csrf_token": csrf_of(page.text)}
        )
        assert "Wrong or already used code" in response.text
        assert client.get("/audit", follow_redirects=False).headers["location"] == "/login"
    assert _last(web) == [("aud", "login", None, None, "failure")]


def test_forms_without_the_session_token_are_refused(web: WebApp) -> None:
    with TestClient(web.app) as client:
        client.get("/login")
        response = client.post("/login", data={"user_name": "ana", "password": PASSWORD})
        assert response.status_code == 403 and "expired" in response.text
        sign_in(client, web, "rev")
        pair = web.app.state.evidence.uncertain_pairs(low=0.5, high=0.99, limit=1)[0]
        forged = client.post(
            "/review",
            data={
                "csrf_token": "from another site",
                "record_id_l": pair["record_id_l"],
                "record_id_r": pair["record_id_r"],
                "decision": "same",
            },
        )
        assert forged.status_code == 403
    web.app.state.evidence.close()  # the server stops; the warehouse is read directly
    with duckdb.connect(str(web.warehouse), read_only=True) as con:
        assert con.execute("select count(*) from link_decision").fetchone() == (0,)


def _truth_person_of(country: Path, record_key: str) -> str:
    with (country / "country" / "truth" / "records.csv").open(encoding="utf-8") as handle:
        return next(
            r["person_id"]
            for r in csv.DictReader(handle)
            if (r["agency"], r["record_key"]) == ("police", record_key)
        )


def _police_record_seen_elsewhere(warehouse: Path) -> str:
    """The first police record key whose linked person also has a record at another agency."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute(
            "SELECT min(split_part(r.record_id, ':', 2)) FROM record_person r"
            " JOIN record_person o USING (person_id)"
            " WHERE r.record_id LIKE 'police:%' AND o.record_id NOT LIKE 'police:%'"
        ).fetchone()
    assert row is not None and row[0]
    return str(row[0])


def test_a_person_look_up_needs_a_purpose_and_shows_own_agency_first(
    web: WebApp, linked_country: Path
) -> None:
    key = _police_record_seen_elsewhere(linked_country / "w.duckdb")
    with TestClient(web.app) as client:
        sign_in(client, web, "kim")
        refused = client.get("/persons", params={"record_key": key, "purpose": "x"})
        assert refused.status_code == 400 and "purpose" in refused.text
        api = client.get("/api/persons/PN1")
        assert api.status_code == 422  # the API refuses a look-up without a purpose
        found = client.get(
            "/persons",
            params={"record_key": key, "purpose": "pre-sentence report 2023/114"},
            follow_redirects=False,
        )
        assert found.status_code == 303
        person_id = found.headers["location"].split("/")[2].split("?")[0]
        own = client.get(
            f"/api/persons/{person_id}", params={"purpose": "pre-sentence report 2023/114"}
        ).json()
        every = client.get(
            f"/api/persons/{person_id}",
            params={"purpose": "pre-sentence report 2023/114", "other_agencies": "true"},
        ).json()
    assert {r["agency_id"] for r in own["records"]} == {"police"}
    assert {e["agency_id"] for e in own["events"]} <= {"police"}
    # Nothing in the own-agency answer tells what other agencies hold (no count either).
    assert "records_not_shown" not in own and len(every["records"]) > len(own["records"])
    # Every event shown happened to the true person behind the police record, in date order.
    true_person = _truth_person_of(linked_country, key)
    with (linked_country / "country" / "truth" / "events.csv").open(encoding="utf-8") as handle:
        true_dates = {
            d
            for r in csv.DictReader(handle)
            if r["person_id"] == true_person
            for d in (r["event_date"], r["offence_date"])
        }
    dates = [e["date"] for e in every["events"]]
    assert dates == sorted(dates) and set(dates) <= true_dates and dates
    entries = _last(web, 3)
    assert entries[0] == (
        "kim",
        "disclosure",
        f"person {person_id}",
        "pre-sentence report 2023/114",
        "success",
    )
    assert entries[1][1:] == ("consultation", f"person {person_id}", entries[0][3], "success")


def test_a_review_decision_is_stored_audited_and_applied_by_the_next_run(
    web: WebApp, linked_country: Path
) -> None:
    # An uncertain link that alone makes a two-record person: "different" must split it.
    with duckdb.connect(str(linked_country / "w.duckdb"), read_only=True) as con:
        left, right, probability = con.execute(
            "select p.record_id_l, p.record_id_r, p.match_probability from link_pair p "
            "join record_person a on a.record_id = p.record_id_l "
            "join person s on s.person_id = a.person_id "
            "where p.linked and s.records = 2 and p.match_probability < 0.99 "
            "order by p.record_id_l limit 1"
        ).fetchone()
    linked = {"record_id_l": left, "record_id_r": right}
    with TestClient(web.app) as client:
        sign_in(client, web, "rev")
        near = {"low": round(probability, 4) - 1e-4, "high": round(probability, 4) + 1e-4}
        queue = client.get("/api/review", params=near)
        assert linked in [{k: p[k] for k in linked} for p in queue.json()]
        page = client.get("/review")
        done = client.post(
            "/review",
            data={
                "csrf_token": csrf_of(page.text),
                "record_id_l": linked["record_id_l"],
                "record_id_r": linked["record_id_r"],
                "decision": "different",
                "note": "different fathers' names on the court file",
            },
            follow_redirects=False,
        )
        assert done.status_code == 303
        assert done.headers["location"].startswith("/review?done=different&")
        # Taken at once: the app's person no longer holds both records, before any re-link.
        evidence = web.app.state.evidence
        apart = {evidence.find_person(*r.split(":", 1)) for r in linked.values()}
        assert len(apart) == 2
    pair = f"{linked['record_id_l']}|{linked['record_id_r']}"
    assert _last(web)[0][:3] == ("rev", "combination", pair)
    web.app.state.evidence.close()  # the server stops; the linkage stage runs
    link(web.warehouse)
    with duckdb.connect(str(web.warehouse), read_only=True) as con:
        persons = con.execute(
            "select person_id from record_person where record_id in (?, ?)",
            [linked["record_id_l"], linked["record_id_r"]],
        ).fetchall()
    assert len(set(persons)) == 2


def test_dashboard_figures_agree_with_the_truth_and_hide_small_cells(
    web: WebApp, linked_country: Path
) -> None:
    truth_file = linked_country / "country" / "truth" / "measures.json"
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    with TestClient(web.app) as client:
        sign_in(client, web, "ana")
        table = client.get("/api/measures/unsentenced_share").json()
        offences = client.get("/api/measures/police_recorded_offences").json()
        page = client.get("/dashboard", params={"measure": "unsentenced_share", "sex": "male"})
    assert page.status_code == 200 and "Definition" in page.text
    measured = {r["year"]: r for r in table["rows"] if r["sex"] == "total"}
    compared = 0
    for year, share in truth["headline"]["unsentenced_share"].items():
        if not measured[int(year)]["suppressed"]:  # a small country: some years are small
            assert measured[int(year)]["value"] == pytest.approx(share, abs=0.02)
            compared += 1
    assert compared >= 2
    for row in table["rows"]:  # a published cell never counts 1 to 4 people
        if row["suppressed"]:
            assert row["value"] is None and row["numerator"] is None
        else:
            assert row["numerator"] == 0 or row["numerator"] >= 5
    recorded = {}
    for row in offences["rows"]:
        recorded[str(row["year"])] = recorded.get(str(row["year"]), 0) + row["value"]
    for year, count in truth["measures"]["police_recorded_offences"].items():
        assert recorded[year] == pytest.approx(count, rel=0.01), year  # quarantined rows


def test_an_idle_session_is_sent_back_to_sign_in(web: WebApp) -> None:
    import datetime as dt

    from sqlalchemy import select

    from justicelink.store.schema import WebSession

    with TestClient(web.app) as client:
        sign_in(client, web, "ana")
        assert client.get("/dashboard").status_code == 200
        with web.store.session() as session:
            for row in session.execute(select(WebSession)).scalars():
                row.last_seen_at -= dt.timedelta(minutes=31)
        response = client.get("/dashboard", follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, "/login")


def test_a_warehouse_not_linked_yet_is_served_without_errors(tmp_path: Path) -> None:
    import subprocess
    import sys

    for args in (
        ["synth", "--out", "c", "--people", "150", "--seed", "2"],
        ["ingest", "c", "--warehouse", "w.duckdb"],
    ):
        subprocess.run([sys.executable, "-m", "justicelink", *args], cwd=tmp_path, check=True,
                       capture_output=True)  # fmt: skip
    web = make_app(tmp_path, f"sqlite:///{tmp_path / 's.sqlite'}", tmp_path)
    with TestClient(web.app) as client:
        sign_in(client, web, "rev")
        assert "No published data" in client.get("/dashboard").text
        assert "run `justicelink link` first" in client.get("/review").text
        assert client.get("/api/review").status_code == 409
        assert client.get("/quality").status_code == 200
    with TestClient(web.app) as client:
        sign_in(client, web, "kim")
        missing = client.get("/api/persons/PN1", params={"purpose": "checking an empty store"})
        assert missing.status_code == 404
    web.app.state.evidence.close()
    web.store.close()


def _table_of(page: str) -> list[list[str]]:
    """The dashboard table's rows, each cell's text (tags dropped)."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body)
    ]


def test_the_dashboard_shows_the_published_tables_suppressed_cells_as_suppressed(
    web: WebApp,
) -> None:
    with TestClient(web.app) as client:
        sign_in(client, web, "ana")
        for name in ("persons_held", "persons_by_stage", "homicide_rate_per_100k"):
            published = client.get(f"/api/measures/{name}").json()
            dimensions = published["measure"]["disaggregations"]
            by_key = {tuple(str(r[d]) for d in dimensions): r for r in published["rows"]}
            hidden_years = sorted({str(r["year"]) for r in published["rows"] if r["suppressed"]})
            assert hidden_years, name  # the small country has suppressed cells here
            for params in ({}, {"year": hidden_years[0]}):
                page = client.get("/dashboard", params={"measure": name, **params})
                assert page.status_code == 200, page.text
                rows = _table_of(page.text)
                assert rows
                for cells in rows:
                    row = by_key[tuple(cells[: len(dimensions)])]
                    value = cells[-1]
                    if row["suppressed"]:
                        assert value == "suppressed"
                    elif isinstance(row["value"], int):
                        assert value == f"{row['value']:,}"
                    else:
                        assert float(value) == pytest.approx(row["value"], rel=1e-3)
                svg = page.text.split("<figure", 1)[1].split("</figure>", 1)[0]
                marked = re.findall(r"<title>([^<:]+): suppressed</title>", svg)
                if marked:  # each suppressed point is marked in the chart and named below
                    note = page.text.split('id="suppressed-note">', 1)[1].split("</p>")[0]
                    assert all(m.split(", ")[-1] in note for m in marked)
                    assert "1 to 4 persons" in note
                if published["measure"]["unit"] == "count":
                    assert not re.search(r">\d[\d,]*\.0<", page.text)  # 40, never 40.0
        refused = {
            "measure=persons_hold": "o measure &#39;persons_hold&#39;",
            "measure=persons_held&mesure=x": "nknown parameter &#39;mesure&#39;",
            "measure=persons_held&year=1899": "has no year &#39;1899&#39;",
            "measure=persons_held&quarter=Q1": "has no cohort period",
        }
        for query, message in refused.items():
            page = client.get(f"/dashboard?{query}")
            assert page.status_code == 400 and message in page.text, query
