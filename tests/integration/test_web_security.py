"""The web app against an attacker and in daily use: audit coverage (CJIS AU-2, LED art. 25),
need to know for reviewers, one purpose rule for page and API, account life cycle, errors
answered with the security headers, proxies trusted only when named."""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from _web import USERS, WebApp, code_for, csrf_of, make_app, sign_in
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from justicelink.store import AuditLog, Store
from justicelink.store.schema import WebSession
from justicelink.web import casework

PURPOSE = "pre-sentence report 2023/114"


@pytest.fixture(scope="module")
def web(linked_country: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebApp]:
    tmp = tmp_path_factory.mktemp("websec")
    app = make_app(linked_country, f"sqlite:///{tmp / 'store.sqlite'}", tmp)
    yield app
    app.app.state.evidence.close()
    app.store.close()


@pytest.fixture
def fresh(linked_country: Path, tmp_path: Path) -> Iterator[WebApp]:
    app = make_app(linked_country, f"sqlite:///{tmp_path / 'store.sqlite'}", tmp_path)
    yield app
    app.app.state.evidence.close()
    app.store.close()


def _since(web: WebApp, seq: int) -> list[object]:
    return [e for e in web.audit.entries(limit=1000) if e.seq > seq][::-1]


def _head(web: WebApp) -> int:
    return web.audit.entries(limit=1)[0].seq if web.audit.entries(limit=1) else 0


def _client(web: WebApp, role: str) -> TestClient:
    client = TestClient(web.app)
    sign_in(client, web, USERS[role][0])
    return client


@pytest.fixture(scope="module")
def clients(web: WebApp) -> Iterator[dict[str, TestClient]]:
    signed = {role: _client(web, role) for role in USERS}
    yield signed
    for client in signed.values():
        client.close()


def test_the_sign_in_form_alone_stores_no_session(web: WebApp) -> None:
    with TestClient(web.app) as client:
        for _ in range(5):
            assert client.get("/login").status_code == 200
    with web.store.session() as session:
        anonymous = session.execute(
            select(func.count()).select_from(WebSession).where(WebSession.user_id.is_(None))
        ).scalar_one()
    assert anonymous == 0


def test_a_forged_sign_in_form_is_refused_and_audited(web: WebApp) -> None:
    before = _head(web)
    with TestClient(web.app) as client:
        client.get("/login")
        unsigned = client.post(
            "/login", data={"user_name": "ana", "password": "x" * 12, "csrf_token": "abc.def"}
        )
    assert unsigned.status_code == 403
    assert "default-src 'self'" in unsigned.headers["content-security-policy"]
    denied = [e for e in _since(web, before) if e.action == "denied"]
    assert [(e.object, json.loads(e.detail)["reason"]) for e in denied] == [("POST /login", "csrf")]


def test_csrf_refusals_of_a_session_are_audited_once_a_minute(
    web: WebApp, clients: dict[str, TestClient]
) -> None:
    before = _head(web)
    for _ in range(10):
        forged = clients["linkage_reviewer"].post(
            "/review", data={"csrf_token": "forged", "record_id_l": "a", "record_id_r": "b",
                             "decision": "same"},
        )  # fmt: skip
        assert forged.status_code == 403
    denied = [e for e in _since(web, before) if e.action == "denied"]
    assert [(e.user_name, e.object) for e in denied] == [("rev", "POST /review")]


def test_a_huge_number_is_a_clean_refusal_with_the_headers(
    clients: dict[str, TestClient],
) -> None:
    for path in ("/audit", "/api/audit"):
        response = clients["auditor"].get(path, params={"before": "99999999999999999999"})
        assert response.status_code == 422, path
        assert response.headers["x-frame-options"] == "DENY"
        assert "default-src 'self'" in response.headers["content-security-policy"]


def test_a_server_error_is_audited_and_answered_with_the_headers(
    web: WebApp, clients: dict[str, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> object:
        raise RuntimeError("the warehouse went away")

    monkeypatch.setattr(web.app.state.evidence, "quality", broken)
    before = _head(web)
    response = clients["analyst"].get("/quality")
    assert response.status_code == 500 and "went away" not in response.text
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    error = _since(web, before)[-1]
    assert (error.user_name, error.action, error.object, error.outcome) == (
        "ana",
        "error",
        "GET /quality",
        "failure",
    )


def test_the_users_page_says_only_what_the_code_chooses(clients: dict[str, TestClient]) -> None:
    forged = clients["admin"].get("/admin/users", params={"done": "Call 555-0100 now"})
    assert forged.status_code == 200 and "555-0100" not in forged.text
    known = clients["admin"].get("/admin/users", params={"done": "disable"})
    assert "Account disabled; its sessions ended." in known.text


@pytest.mark.parametrize(
    "purpose", ["          ", " short ", "tab\there and more", "escape \x1b[31m sequence"]
)
def test_one_purpose_rule_for_page_and_api(
    web: WebApp, clients: dict[str, TestClient], purpose: str
) -> None:
    officer = clients["agency_officer"]
    person = web.app.state.evidence.find_person("police", "EP0000002")
    before = _head(web)
    api = officer.get(f"/api/persons/{person}", params={"purpose": purpose})
    page = officer.get(f"/persons/{person}", params={"purpose": purpose})
    search = officer.get("/persons", params={"record_key": "EP0000002", "purpose": purpose})
    assert (api.status_code, page.status_code, search.status_code) == (422, 400, 400)
    assert _since(web, before) == []  # nothing was looked up, so nothing was consulted


def test_an_own_agency_look_up_shows_no_trace_of_other_agencies(
    web: WebApp, clients: dict[str, TestClient]
) -> None:
    officer = clients["agency_officer"]
    person = web.app.state.evidence.find_person("police", "EP0000002")
    before = _head(web)
    own = officer.get(f"/api/persons/{person}", params={"purpose": f"  {PURPOSE}  "})
    assert own.status_code == 200 and "records_not_shown" not in own.json()
    page = officer.get(f"/persons/{person}", params={"purpose": PURPOSE})
    assert "not shown" not in page.text
    entry = _since(web, before)[0]
    assert entry.purpose == PURPOSE  # trimmed
    assert json.loads(entry.detail)["records"] == [r["record_id"] for r in own.json()["records"]]


def test_a_reviewer_sees_only_the_review_band_in_small_pages(
    web: WebApp, clients: dict[str, TestClient]
) -> None:
    reviewer = clients["linkage_reviewer"]
    before = _head(web)
    for params in ({"low": 0, "high": 1}, {"low": 0.99, "high": 1}, {"low": 0.1, "high": 0.5}):
        assert reviewer.get("/api/review", params=params).status_code == 403, params
        assert reviewer.get("/review", params=params).status_code == 403, params
    assert reviewer.get("/api/review", params={"limit": 26}).status_code == 422
    denied = [e for e in _since(web, before) if e.action == "denied"]
    assert {json.loads(e.detail)["reason"] for e in denied} == {"outside the review band"}
    before = _head(web)
    pairs = reviewer.get("/api/review").json()
    assert 0 < len(pairs) <= 25
    assert all(0.5 <= p["match_probability"] <= 0.99 for p in pairs)
    entry = _since(web, before)[0]
    assert json.loads(entry.detail)["pairs"] == [
        f"{p['record_id_l']}|{p['record_id_r']}" for p in pairs
    ]


def test_a_reviewer_is_served_a_limited_number_of_pairs_an_hour(
    fresh: WebApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(casework, "REVIEW_PAIRS_PER_HOUR", 10)
    with TestClient(fresh.app) as reviewer:
        sign_in(reviewer, fresh, "rev")
        first = reviewer.get("/api/review", params={"low": 0.9, "high": 0.99, "limit": 10})
        assert len(first.json()) == 10
        again = reviewer.get("/api/review", params={"low": 0.9, "high": 0.99, "limit": 10})
        assert again.json() == first.json()  # pairs seen this hour cost nothing more
        other = reviewer.get("/api/review", params={"low": 0.5, "high": 0.7, "limit": 5})
        assert other.status_code == 429 and other.headers["retry-after"] == "3600"
        page = reviewer.get("/review", params={"low": 0.5, "high": 0.7})
        assert page.status_code == 429 and "default-src" in page.headers["content-security-policy"]
    denied = [e for e in fresh.audit.entries(limit=5) if e.action == "denied"]
    assert json.loads(denied[0].detail)["reason"] == "review rate limit"


def test_a_measure_read_as_json_is_audited_like_its_csv(
    web: WebApp, clients: dict[str, TestClient]
) -> None:
    before = _head(web)
    assert clients["analyst"].get("/api/measures/unsentenced_share").status_code == 200
    assert clients["analyst"].get("/api/measures/unsentenced_share/csv").status_code == 200
    entries = [(e.action, e.object, json.loads(e.detail)["format"]) for e in _since(web, before)]
    assert entries == [
        ("disclosure", "measure unsentenced_share", "json"),
        ("disclosure", "measure unsentenced_share", "csv"),
    ]


def _login_failure_from(web: WebApp, headers: dict[str, str]) -> tuple[str, bool]:
    """(client address the audit names, Secure flag) of a failed sign-in sent with headers."""
    with TestClient(web.app) as client:
        page = client.get("/login", headers=headers)
        client.post(
            "/login",
            data={"user_name": "nobody", "password": "x" * 12, "csrf_token": csrf_of(page.text)},
            headers=headers,
        )
    detail = json.loads(web.audit.entries(limit=1)[0].detail)
    return detail["client"], "secure" in page.headers["set-cookie"].lower()


def test_forwarded_headers_count_only_from_a_named_proxy(
    web: WebApp, linked_country: Path, tmp_path: Path
) -> None:
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    assert _login_failure_from(web, forwarded) == ("testclient", False)
    behind = make_app(linked_country, f"sqlite:///{tmp_path / 's.sqlite'}", tmp_path,
                      trusted_proxies=["testclient"])  # fmt: skip
    try:
        assert _login_failure_from(behind, forwarded) == ("203.0.113.9", True)
    finally:
        behind.app.state.evidence.close()


def test_an_admin_reset_ends_the_sessions_and_gives_a_new_link_once(fresh: WebApp) -> None:
    with TestClient(fresh.app) as admin, TestClient(fresh.app) as officer:
        sign_in(admin, fresh, "adm")
        sign_in(officer, fresh, "kim")
        assert officer.get("/persons").status_code == 200
        page = admin.get("/admin/users")
        answer = admin.post(
            "/admin/users/kim", data={"change": "reset-factor", "csrf_token": csrf_of(page.text)}
        )
        assert answer.status_code == 200 and "/enrol/" in answer.text
        link = answer.text.split('id="enrolment-link">')[1].split("<")[0]
        assert officer.get("/persons", follow_redirects=False).headers["location"] == "/login"
        assert admin.get("/admin/users").text.count("/enrol/") == 0  # shown once
    changes = [
        (e.user_name, e.object, json.loads(e.detail)["change"])
        for e in fresh.audit.entries(limit=3)[::-1]
        if e.action == "alteration"
    ]
    assert changes[-2:] == [
        ("adm", "user kim", "second factor reset"),
        ("adm", "user kim", "enrolment link issued"),
    ]
    fresh.links["kim"] = link.rsplit("/", 1)[1]
    with TestClient(fresh.app) as officer:  # the new link enrols a new key
        sign_in(officer, fresh, "kim")


def test_a_password_set_by_an_admin_must_be_changed_first(fresh: WebApp) -> None:
    with TestClient(fresh.app) as admin:
        sign_in(admin, fresh, "adm")
        with TestClient(fresh.app) as analyst:
            sign_in(analyst, fresh, "ana")
            page = admin.get("/admin/users")
            done = admin.post(
                "/admin/users/ana",
                data={"change": "password", "password": "password1234",
                      "csrf_token": csrf_of(page.text)},
            )  # fmt: skip
            assert done.status_code == 400 and "common or breached" in done.text
            done = admin.post(
                "/admin/users/ana",
                data={"change": "password", "password": "an interim phrase for a return",
                      "csrf_token": csrf_of(page.text)},
                follow_redirects=False,
            )  # fmt: skip
            assert done.status_code == 303
            assert analyst.get("/dashboard", follow_redirects=False).status_code == 303
    fresh.passwords["ana"] = "an interim phrase for a return"
    with TestClient(fresh.app) as analyst:
        sign_in(analyst, fresh, "ana")
        assert analyst.get("/dashboard", follow_redirects=False).headers["location"] == (
            "/account/password"
        )
        assert analyst.get("/api/measures").status_code == 403


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The command line in this process (typer's runner): seven commands in well under a
    second instead of seven interpreters."""
    from typer.testing import CliRunner

    from justicelink.cli import app

    result = CliRunner().invoke(app, list(args), input=stdin)
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def test_account_commands_are_audited_and_agencies_checked(
    linked_country: Path, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'store.sqlite'}"
    key = str(tmp_path / "audit.key")
    common = ["--db", db, "--audit-key", key]
    bad = _cli("users", "add", "kim", "--role", "agency_officer", "--agency", "nosuchagency",
               "--warehouse", str(linked_country / "w.duckdb"), "--password-stdin", *common,
               stdin="first passphrase, spring 2026\n")  # fmt: skip
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1
    assert "unknown agency 'nosuchagency'" in bad.stderr
    nowhere = _cli("users", "add", "kim", "--role", "agency_officer", "--agency", "police",
                   "--warehouse", str(tmp_path / "none.duckdb"), "--password-stdin", *common,
                   stdin="first passphrase, spring 2026\n")  # fmt: skip
    assert nowhere.returncode == 1 and len(nowhere.stderr.strip().splitlines()) == 1
    weak = _cli("users", "add", "ana", "--role", "analyst", "--password-stdin", *common,
                stdin="password1234\n")  # fmt: skip
    assert weak.returncode == 1 and "common or breached" in weak.stderr
    good = _cli("users", "add", "kim", "--role", "agency_officer", "--agency", "police",
                "--agencies", "police,court", "--password-stdin", "--json", *common,
                stdin="first passphrase, spring 2026\n")  # fmt: skip
    assert good.returncode == 0, good.stderr
    assert "/enrol/" in json.loads(good.stdout)["enrolment_link"]
    for args in (["set-role", "kim", "--role", "analyst"], ["disable", "kim"],
                 ["enable", "kim"], ["reset-factor", "kim"]):  # fmt: skip
        done = _cli("users", *args, *common)
        assert done.returncode == 0, (args, done.stderr)
    store = Store(db)
    entries = AuditLog(store, key_path=Path(key)).entries(limit=50)[::-1]
    changes = [json.loads(e.detail)["change"] for e in entries if e.outcome == "success"]
    assert changes == [
        "created", "enrolment link issued", "role changed", "disabled", "enabled",
        "second factor reset", "enrolment link issued",
    ]  # fmt: skip
    refused = [e for e in entries if e.outcome == "failure"]
    errors = [json.loads(e.detail)["error"] for e in refused]
    assert len(errors) == 2 and "police" in errors[0].split("; agencies: ")[1].split(", ")
    assert errors[0].startswith("unknown agency 'nosuchagency'; agencies: ")
    assert errors[1] == "this password is on a list of common or breached passwords"
    assert all(e.user_name.endswith("(command line)") for e in entries)
    assert AuditLog(store, key_path=Path(key)).verify().ok
    store.close()


def test_one_code_sent_from_six_sessions_at_once_signs_in_once(fresh: WebApp) -> None:
    with TestClient(fresh.app) as first:
        sign_in(first, fresh, "ana")  # enrols, spending a step
    clients = [TestClient(fresh.app) for _ in range(6)]
    forms = []
    for client in clients:
        page = client.get("/login")
        client.post(
            "/login",
            data={"user_name": "ana", "password": fresh.passwords["ana"],
                  "csrf_token": csrf_of(page.text)},
        )  # fmt: skip
        forms.append(csrf_of(client.get("/login/code").text))
    code = code_for(fresh, "ana")
    barrier = threading.Barrier(len(clients))

    def send(i: int) -> str:
        barrier.wait()
        answer = clients[i].post(
            "/login/code", data={"code": code, "csrf_token": forms[i]}, follow_redirects=False
        )
        return str(answer.headers["location"])

    with ThreadPoolExecutor(len(clients)) as pool:
        places = list(pool.map(send, range(len(clients))))
    for client in clients:
        client.close()
    assert places.count("/dashboard") == 1, places
    logins = [e for e in fresh.audit.entries(limit=20) if e.action == "login"]
    assert sum(e.outcome == "success" for e in logins) == 2  # the enrolment, and one of six
