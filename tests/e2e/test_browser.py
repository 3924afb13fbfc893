"""In a real browser (headless Chromium driven by Playwright), against `justicelink serve`:
sign in with the second factor, see a chart on the dashboard, review a pair, read the audit
entry the review produced."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest

BROWSER_ENV = "JUSTICELINK_TEST_BROWSER"  # make test sets it: the test must run, not skip
CHROMIUM = os.environ.get(BROWSER_ENV) or shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "correct horse battery staple"  # the admin's; each user then chooses their own
OWN_PASSWORD = "a phrase of my own choosing, 2026"
# As root on a machine with no network: no sandbox, and none of Chromium's background calls.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(*args: str, cwd: Path, stdin: str | None = None) -> str:
    return subprocess.run(
        [sys.executable, "-m", "justicelink", *args],
        cwd=cwd,
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
    ).stdout


@pytest.fixture(scope="module")
def server(
    linked_country: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[str, str]]]:
    if not Path(CHROMIUM).is_file():
        if os.environ.get(BROWSER_ENV):
            pytest.fail(f"{BROWSER_ENV}={CHROMIUM} but there is no Chromium there")
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian package chromium; make test installs it)")
    root = tmp_path_factory.mktemp("browser")
    shutil.copyfile(linked_country / "w.duckdb", root / "w.duckdb")
    db = f"sqlite:///{root / 'store.sqlite'}"
    port = _free_port()
    links = {}
    users = (("ana", "analyst"), ("rev", "linkage_reviewer"), ("aud", "auditor"),
             ("pro", "probation_officer"), ("aud2", "auditor"))  # fmt: skip
    for name, role in users:
        added = _cli("users", "add", name, "--role", role, "--db", db, "--password-stdin",
                     "--json", "--base-url", f"http://127.0.0.1:{port}",
                     cwd=root, stdin=PASSWORD + "\n")  # fmt: skip
        links[name] = json.loads(added)["enrolment_link"]
    process = subprocess.Popen(
        [sys.executable, "-m", "justicelink", "serve", "--warehouse", "w.duckdb",
         "--db", db, "--port", str(port)],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):  # a loaded machine warms the warehouse slowly
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"justicelink serve ended: {process.stdout.read()}")  # type: ignore[union-attr]
            time.sleep(0.2)
    yield base, links
    process.terminate()
    process.wait(timeout=20)
    process.stdout.close()  # type: ignore[union-attr]


def _enrol(page: object, link: str) -> str:
    """The first sign-in, by the enrolment link: the admin's password, the QR code, a code,
    then a password of one's own. Returns the TOTP key (an authenticator app is pyotp)."""
    page.goto(link)  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    page.click("text=Continue")  # type: ignore[attr-defined]
    assert page.locator("figure.qr svg").is_visible()  # type: ignore[attr-defined]
    secret = page.inner_text("#totp-secret")  # type: ignore[attr-defined]
    page.reload()  # type: ignore[attr-defined]
    assert page.locator("#totp-secret").count() == 0  # type: ignore[attr-defined]
    page.fill("input[name=code]", pyotp.TOTP(secret).now())  # type: ignore[attr-defined]
    page.click("button:has-text('Sign in')")  # type: ignore[attr-defined]
    assert page.url.endswith("/account/password")  # type: ignore[attr-defined]
    page.fill("input[name=current]", PASSWORD)  # type: ignore[attr-defined]
    page.fill("input[name=new]", OWN_PASSWORD)  # type: ignore[attr-defined]
    page.fill("input[name=repeat]", OWN_PASSWORD)  # type: ignore[attr-defined]
    page.click("button:has-text('Change password')")  # type: ignore[attr-defined]
    return str(secret)


def _sign_in(page: object, base: str, name: str, secret: str) -> None:
    """A later sign-in: user name and password, then the code."""
    page.goto(base + "/login")  # type: ignore[attr-defined]
    page.fill("input[name=user_name]", name)  # type: ignore[attr-defined]
    page.fill("input[name=password]", OWN_PASSWORD)  # type: ignore[attr-defined]
    page.click("text=Continue")  # type: ignore[attr-defined]
    assert page.locator("#totp-secret").count() == 0  # type: ignore[attr-defined]
    step = int(time.time() // 30) + 1  # the enrolment spent the current step
    page.fill("input[name=code]", pyotp.TOTP(secret).at(step * 30))  # type: ignore[attr-defined]
    page.click("button:has-text('Sign in')")  # type: ignore[attr-defined]


def _sign_out(page: object) -> None:
    page.click("button:has-text('Sign out')")  # type: ignore[attr-defined]


def test_sign_in_dashboard_review_and_its_audit_entry(
    server: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    server, links = server  # type: ignore[assignment]

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        secret = _enrol(page, links["ana"])
        assert page.url == server + "/dashboard"
        _sign_out(page)
        _sign_in(page, server, "ana", secret)
        assert page.url == server + "/dashboard"
        chart = page.locator("figure.wide svg.chart")
        assert chart.is_visible() and chart.bounding_box()["height"] > 100  # type: ignore[index]
        assert page.locator("svg.chart polyline, svg.chart path").count() > 0
        page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
        _sign_out(page)

        _enrol(page, links["rev"])
        assert page.url == server + "/review"
        first = page.locator("section.pair").first
        left = first.locator("input[name=record_id_l]").get_attribute("value")
        right = first.locator("input[name=record_id_r]").get_attribute("value")
        assert first.locator("th").filter(has_text="Examplia").count() == 2  # agency names
        left_count = int(page.inner_text("#remaining").split()[0])
        first.locator("button:has-text('Same person')").click()
        assert page.locator(".notice.ok").inner_text().startswith("Decision stored: same person")
        assert int(page.inner_text("#remaining").split()[0]) == left_count - 1
        page.click("button:has-text('Undo')")  # a slip of the hand, taken back
        assert "taken back" in page.locator(".notice.ok").inner_text()
        assert int(page.inner_text("#remaining").split()[0]) == left_count
        first = page.locator("section.pair").first
        assert first.locator("input[name=record_id_l]").get_attribute("value") == left
        first.locator("input[name=note]").fill("same person: id number on both")
        first.locator("button:has-text('Same person')").click()
        assert page.locator(".notice.ok").inner_text().startswith("Decision stored: same person")
        page.screenshot(path=str(tmp_path / "review.png"), full_page=True)
        _sign_out(page)

        _enrol(page, links["aud"])
        row = page.locator("table.audit tbody tr").filter(has_text="combination").first
        cells = row.locator("td").all_inner_texts()
        assert cells[2:7] == ["rev", "linkage_reviewer", "", "combination", f"{left}|{right}"]
        assert cells[8] == "success" and "same person: id number on both" in cells[9]
        page.fill("input[name=user]", "rev")  # who, what, since when
        page.select_option("select[name=action]", "combination")
        page.fill("input[name=from]", time.strftime("%Y-%m-%d", time.gmtime()))
        page.click("button:has-text('Filter')")
        rows = page.locator("table.audit tbody tr")
        details = [rows.nth(i).locator("td").nth(9).inner_text() for i in range(rows.count())]
        assert len(details) == 3 and '"undo": "same"' in details[1]  # newest first
        with page.expect_download() as download:
            page.click("#export")
        exported = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
        assert len(exported) == 4 and all(",rev," in line for line in exported[1:])
        page.screenshot(path=str(tmp_path / "audit.png"), full_page=True)
        browser.close()
    # The stylesheet and every asset came from the app itself: CSP would report otherwise.
    assert errors == []


def test_an_officer_signs_in_assesses_and_saves_a_plan_and_the_audit_log_shows_each_step(
    server: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    server, links = server  # type: ignore[assignment]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        _enrol(page, links["pro"])
        assert page.url == server + "/caseload"
        page.click("text=Record an assessment")
        page.fill("input[name=person]", "P-BROWSER")
        page.select_option("select[name=sex]", "male")
        page.fill("input[name=date_of_birth]", "1990-05-01")
        page.select_option("select[name=setting]", "community")
        page.select_option("select[name=risk_band]", "high")
        # Hand-worked: attitudes 4/4 and accommodation 2/2 are the highest needs.
        for item, score in (("AT1", "2"), ("AT2", "2"), ("AC1", "2")):
            page.select_option(f"select[name=score_{item}]", score)
        page.fill("input[name=note_AC1]", "sleeping at a friend's")
        page.click("button:has-text('Record the assessment')")
        assert "/caseload/person/P-BROWSER" in page.url
        assert page.locator("h1").inner_text() == "Reintegration record of P-BROWSER"
        page.click("button:has-text('Propose a plan')")
        first = page.locator("form[action*='/caseload/plan/']").first
        first.locator("input[name=reason]").fill("agreed at the first meeting")
        first.locator("button:has-text('Save decision')").click()
        assert page.locator("text=accepted: agreed at the first meeting").count() == 1
        page.screenshot(path=str(tmp_path / "plan.png"), full_page=True)
        _sign_out(page)

        _enrol(page, links["aud2"])
        rows = page.locator("table.audit tbody tr").filter(has_text="P-BROWSER")
        texts = [" ".join(r) for r in (row.locator("td").all_inner_texts()
                                       for row in rows.all())]  # fmt: skip
        assert any("pro" in t and "alteration" in t and "needs assessment" in t for t in texts)
        assert any("alteration" in t and "proposed" in t for t in texts)
        assert any("alteration" in t and "action 1 accepted" in t for t in texts)
        assert any("consultation" in t and "reintegration record" in t for t in texts)
        browser.close()
    assert errors == []
