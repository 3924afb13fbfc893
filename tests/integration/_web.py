"""Helpers of the web tests: an app over a copy of a linked country, users, signing in."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyotp
from fastapi import FastAPI
from fastapi.testclient import TestClient

from justicelink.store import AuditLog, Store
from justicelink.store.users import add_user
from justicelink.web.app import create_app
from justicelink.web.data import Evidence

PASSWORD = "correct horse battery staple"
# role -> (user name, agency)
USERS = {
    "analyst": ("ana", None),
    "agency_officer": ("kim", "police"),
    "linkage_reviewer": ("rev", None),
    "auditor": ("aud", None),
    "admin": ("adm", None),
}


@dataclass
class WebApp:
    """An app, its store and audit log, and the warehouse copy it serves."""

    app: FastAPI
    store: Store
    audit: AuditLog
    warehouse: Path
    secrets: dict[str, str]  # user name -> TOTP secret, learnt at enrolment as a user would


def make_app(country: Path, store_url: str, tmp: Path) -> WebApp:
    warehouse = tmp / "served.duckdb"
    shutil.copyfile(country / "w.duckdb", warehouse)
    store = Store(store_url)
    audit = AuditLog(store, key_path=tmp / "audit.key")
    for role, (name, agency) in USERS.items():
        add_user(store, name, role=role, password=PASSWORD, agency_id=agency)
    app = create_app(evidence=Evidence(warehouse), store=store, audit=audit)
    return WebApp(app, store, audit, warehouse, {})


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def sign_in(client: TestClient, web: WebApp, name: str, *, password: str = PASSWORD) -> None:
    """Password, then the TOTP code: enrolling (reading the key off the page) the first time."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"user_name": name, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get("/login/code")
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text)
    if secret:
        web.secrets[name] = secret.group(1)
    code = pyotp.TOTP(web.secrets[name]).now()
    response = client.post(
        "/login/code",
        data={"code": code, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] != "/login", response.text
