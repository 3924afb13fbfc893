"""Opening the operational store: SQLite by default, PostgreSQL by URL; always migrated.

The store holds users, web sessions and the audit log. Its schema is owned by the Alembic
migrations shipped in this package; opening a store brings it to the latest revision.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from justicelink.errors import StoreError

DEFAULT_URL = "sqlite:///justicelink-store.sqlite"
# Where the audit chain's key lives when neither --audit-key nor this variable says.
AUDIT_KEY_ENV = "JUSTICELINK_AUDIT_KEY"


def normalise_url(url: str) -> str:
    """The SQLAlchemy URL for ``url``: PostgreSQL URLs are driven by psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def default_audit_key(url: str) -> Path:
    """The audit key file for a store: beside a SQLite file, else in the user's config folder.

    The key must not travel with the database: whoever can rewrite the database but cannot
    read the key cannot forge a chain that verifies.
    """
    if os.environ.get(AUDIT_KEY_ENV):
        return Path(os.environ[AUDIT_KEY_ENV])
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(str(parsed.database) + ".auditkey")
    digest = hashlib.sha256(parsed.render_as_string(hide_password=True).encode()).hexdigest()
    config = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config"))
    return config / "justicelink" / f"audit-{digest[:16]}.key"


def _create_private(database: str | None) -> None:
    """Create a new SQLite file readable by its owner only: it holds password hashes."""
    if database in (None, "", ":memory:") or Path(str(database)).exists():
        return
    path = Path(str(database))
    if not path.parent.is_dir():
        raise StoreError(f"{path.parent}: no such folder for the store")
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    # WAL lets readers go on while the web app appends to the audit log.
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.close()


class Store:
    """A connection pool to the operational store, migrated to the latest schema.

    Args:
        url: SQLAlchemy URL (``sqlite:///FILE`` or ``postgresql://user@host/db``).
        migrate: Bring the schema to the latest revision on opening (the default).
    """

    def __init__(self, url: str = DEFAULT_URL, *, migrate: bool = True) -> None:
        self.url = normalise_url(url)
        try:
            parsed = make_url(self.url)
        except Exception as exc:  # SQLAlchemy's ArgumentError names no URL part
            raise StoreError(f"{url!r} is not a database URL ({exc})") from None
        options: dict[str, Any] = {}
        if parsed.get_backend_name() == "sqlite":
            options["connect_args"] = {"check_same_thread": False}
            _create_private(parsed.database)
        else:
            options["pool_pre_ping"] = True
        try:
            self.engine: Engine = create_engine(self.url, **options)
        except Exception as exc:  # an unknown driver name, a missing module
            raise StoreError(f"cannot use {parsed.render_as_string()}: {exc}") from None
        if parsed.get_backend_name() == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.display_url = parsed.render_as_string(hide_password=True)
        if migrate:
            self.migrate()

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Apply every Alembic migration not yet applied."""
        config = Config()
        config.set_main_option(
            "script_location", str(resources.files("justicelink.store") / "migrations")
        )
        try:
            with self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except SQLAlchemyError as exc:
            reason = " ".join(str(getattr(exc, "orig", None) or exc).split())  # one line
            raise StoreError(f"cannot open the store {self.display_url}: {reason}") from None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back if it raises."""
        with self._sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()
