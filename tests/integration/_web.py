"""Helpers of the web tests: an app over a copy of a linked country, users, signing in."""

from __future__ import annotations

import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyotp
from fastapi import FastAPI
from fastapi.testclient import TestClient

from justicelink.store import AuditLog, Store
from justicelink.store.users import add_user, issue_enrolment
from justicelink.web.app import create_app
from justicelink.web.data import Evidence

# The first password an admin gives (every user replaces it at the first sign-in) and the
# one each user then chooses.
PASSWORD = "correct horse battery staple"
OWN_PASSWORD = "a phrase of my own choosing, 2026"
# role -> (user name, agency)
USERS = {
    "analyst": ("ana", None),
    "agency_officer": ("kim", "police"),
    "linkage_reviewer": ("rev", None),
    "auditor": ("aud", None),
    "admin": ("adm", None),
    "probation_officer": ("pro", None),
    "prison_officer": ("pri", None),
}


@dataclass
class WebApp:
    """An app, its store and audit log, and the warehouse copy it serves."""

    app: FastAPI
    store: Store
    audit: AuditLog
    warehouse: Path
    secrets: dict[str, str]  # user name -> TOTP secret, learnt at enrolment as a user would
    links: dict[str, str] = field(default_factory=dict)  # user name -> enrolment token
    passwords: dict[str, str] = field(default_factory=dict)  # user name -> current password
    steps: dict[str, int] = field(default_factory=dict)  # user name -> last TOTP step used


def make_app(country: Path, store_url: str, tmp: Path, **options: object) -> WebApp:
    warehouse = tmp / "served.duckdb"
    shutil.copyfile(country / "w.duckdb", warehouse)
    store = Store(store_url)
    audit = AuditLog(store, key_path=tmp / "audit.key")
    evidence = Evidence(warehouse)
    agencies = set(evidence.agencies())
    web = WebApp(create_app(evidence=evidence, store=store, audit=audit, **options),  # type: ignore[arg-type]
                 store, audit, warehouse, {})  # fmt: skip
    for role, (name, agency) in USERS.items():
        add_user(store, name, role=role, password=PASSWORD, agency_id=agency, agencies=agencies)
        web.links[name] = issue_enrolment(store, name, issued_by="test")
        web.passwords[name] = PASSWORD
    return web


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def code_for(web: WebApp, name: str) -> str:
    """A TOTP code of a step not used yet (the current one, or the next within the drift)."""
    now = int(time.time() // 30)
    step = max(now - 1, web.steps.get(name, now - 2) + 1)
    if step > now + 1:
        time.sleep((step - 1) * 30 - time.time() + 0.1)
    web.steps[name] = step
    return str(pyotp.TOTP(web.secrets[name]).at(step * 30))


def enrol(client: TestClient, web: WebApp, name: str) -> None:
    """The enrolment link, the first password, the key off the page, a code, a new password."""
    token = web.links.pop(name)
    page = client.get(f"/enrol/{token}")
    assert page.status_code == 200, page.text
    response = client.post(
        f"/enrol/{token}",
        data={"password": web.passwords[name], "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert (response.status_code, response.headers["location"]) == (303, "/login/code")
    page = client.get("/login/code")
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text)
    assert secret, "the enrolment page shows no key"
    web.secrets[name] = secret.group(1)
    response = client.post(
        "/login/code",
        data={"code": code_for(web, name), "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] != "/login"
    if response.headers["location"] != "/account/password":
        return  # a second enrolment (after a reset) keeps the user's own password
    page = client.get("/account/password")
    response = client.post(
        "/account/password",
        data={
            "current": web.passwords[name],
            "new": OWN_PASSWORD,
            "repeat": OWN_PASSWORD,
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    web.passwords[name] = OWN_PASSWORD


def sign_in(client: TestClient, web: WebApp, name: str, *, password: str | None = None) -> None:
    """Enrol by the link the first time; afterwards the password, then a TOTP code."""
    if name in web.links:
        enrol(client, web, name)
        return
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "user_name": name,
            "password": password or web.passwords[name],
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get("/login/code")
    response = client.post(
        "/login/code",
        data={"code": code_for(web, name), "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] != "/login", response.text
