"""The operational store of the web app: users, web sessions and the audit log.

SQLAlchemy 2 with Alembic migrations; a SQLite file by default, PostgreSQL by URL.
"""

from __future__ import annotations

from justicelink.store.audit import Actor, AuditLog, Verification
from justicelink.store.db import DEFAULT_URL, Store

__all__ = ["DEFAULT_URL", "Actor", "AuditLog", "Store", "Verification"]
