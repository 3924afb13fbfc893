"""Shared fixtures: paths to the hand-made extracts, and a fresh copy of them per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/tiny (three police persons, a worked example)."""
    target = tmp_path / "tiny"
    shutil.copytree(FIXTURES / "tiny", target)
    return target


# --- The operational store on both backends, and a linked synthetic country --------------

# In CI (make test sets this) PostgreSQL must be there: its tests run, never skip. Without
# the variable, a machine with no PostgreSQL skips them and says why.
POSTGRES_ENV = "JUSTICELINK_TEST_POSTGRES"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def _postgres_admin_url() -> str:
    import os

    return os.environ.get(POSTGRES_ENV) or DEFAULT_POSTGRES


def _fresh_postgres_database() -> str:
    """A new, empty database on the test server; its URL."""
    import os
    import uuid

    import psycopg

    admin = _postgres_admin_url()
    name = f"jl_test_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as con:
            con.execute(f'CREATE DATABASE "{name}"')  # a generated name, not user input
    except psycopg.OperationalError as exc:
        if os.environ.get(POSTGRES_ENV):
            pytest.fail(f"{POSTGRES_ENV} is set but PostgreSQL is not reachable: {exc}")
        pytest.skip(f"no PostgreSQL at {admin} (set {POSTGRES_ENV} to require it): {exc}")
    return admin.rsplit("/", 1)[0] + "/" + name


def _drop_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(_postgres_admin_url(), autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty operational store: a SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
        return
    url = _fresh_postgres_database()
    try:
        yield url
    finally:
        _drop_postgres_database(url)


@pytest.fixture(scope="session")
def linked_country(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic country (600 persons), ingested and linked: ``country/`` and ``w.duckdb``."""
    import subprocess
    import sys

    root = tmp_path_factory.mktemp("linked")
    for args in (
        ["synth", "--out", "country", "--people", "600", "--seed", "11"],
        ["ingest", "country", "--warehouse", "w.duckdb"],
        ["link", "--warehouse", "w.duckdb"],
    ):
        subprocess.run(
            [sys.executable, "-m", "justicelink", *args],
            cwd=root,
            check=True,
            capture_output=True,
        )
    return root


@pytest.fixture
def store(store_url: str) -> Iterator[object]:
    """The store at ``store_url``, migrated; its connections closed after the test."""
    from justicelink.store import Store

    opened = Store(store_url)
    yield opened
    opened.close()
