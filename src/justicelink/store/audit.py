"""The audit log: append-only, each entry committing to the one before it.

Every entry carries ``entry_hash = HMAC-SHA256(key, seq, time, user, role, agency, action,
object, purpose, outcome, detail, prev_hash)`` where ``prev_hash`` is the previous entry's
hash. The key is kept outside the database (a file, see :func:`default_audit_key`), so
someone who can rewrite the database cannot recompute a chain that verifies. The head row
carries a MAC under the same key, a witness file beside the key (MAC'd) records the latest
entry, and signed checkpoints can be exported elsewhere (see :mod:`.auditkey`), so deleting
entries from the end is caught too.

The actions follow EU Directive 2016/680 Art. 25 and the CJIS audit events: ``login``,
``logout``, ``consultation``, ``disclosure``, ``alteration``, ``combination``, ``erasure``,
``denied`` requests and server ``error``s.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from justicelink.errors import StoreError
from justicelink.policy.inputs import visible
from justicelink.store.auditkey import GENESIS, AuditKey
from justicelink.store.db import Store, default_audit_key
from justicelink.store.schema import AuditEntry, AuditHead

ACTIONS = (
    "login",
    "logout",
    "consultation",
    "disclosure",
    "alteration",
    "combination",
    "erasure",
    "denied",
    "error",
)
OUTCOMES = ("success", "failure", "denied")
__all__ = ["ACTIONS", "GENESIS", "OUTCOMES", "Actor", "AuditLog", "Verification", "utc_now"]


@dataclass(frozen=True)
class Actor:
    """Who did something: a signed-in user, or a name typed at the sign-in form."""

    user_name: str | None
    role: str | None = None
    agency_id: str | None = None


@dataclass(frozen=True)
class Verification:
    """The outcome of checking the chain."""

    ok: bool
    entries: int
    first_bad: int | None = None  # None when the fault is not one entry's (key, witness)
    reason: str = ""
    checkpoints: int = 0  # exported checkpoints the chain was checked against


def _text(value: str | None, limit: int | None = None) -> str | None:
    """Text as the log keeps it: control characters escaped, cut to the column's width."""
    if value is None:
        return None
    shown = visible(value)
    return shown[:limit] if limit else shown


def utc_now() -> dt.datetime:
    """Now in UTC, without a time zone (both SQLite and PostgreSQL keep it as written)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class AuditLog:
    """Appends to, verifies and prunes one store's audit log.

    Args:
        store: The operational store.
        key_path: The chain's key file; default beside a SQLite file or in the user's config
            folder, or ``$JUSTICELINK_AUDIT_KEY``. Its witness lives beside it.
        create_key: Make the key (and its witness) if the file is missing. Verification
            passes False: a missing key is then reported, never replaced.
        checkpoint_file: Append a signed checkpoint to this file (JSON lines) after an
            append when the last one is older than ``checkpoint_every``.
        checkpoint_every: How often the app writes a checkpoint of its own.
    """

    def __init__(
        self,
        store: Store,
        *,
        key_path: Path | None = None,
        create_key: bool = True,
        checkpoint_file: Path | None = None,
        checkpoint_every: dt.timedelta = dt.timedelta(hours=1),
    ) -> None:
        self.store = store
        self.key_path = key_path or default_audit_key(store.url)
        self.witness_path = self.key_path.with_name(self.key_path.name + ".head")
        self.checkpoint_file = checkpoint_file
        self.checkpoint_every = checkpoint_every
        self._last_checkpoint: dt.datetime | None = None
        self._checkpoint_lock = threading.Lock()
        self._key: AuditKey | None
        try:
            self._key = AuditKey(self.key_path, create=create_key)
        except StoreError:
            if create_key:
                raise
            self._key = None  # verify() reports it

    @property
    def key(self) -> AuditKey:
        """The chain's key.

        Raises:
            StoreError: the key file is missing (and was not to be created).
        """
        if self._key is None:
            raise StoreError(f"the audit key {self.key_path} is missing")
        return self._key

    def _hash(self, entry: AuditEntry) -> str:
        return self.key.mac(
            entry.seq,
            entry.at.isoformat(timespec="microseconds"),
            entry.user_name,
            entry.role,
            entry.agency_id,
            entry.action,
            entry.object,
            entry.purpose,
            entry.outcome,
            entry.detail,
            entry.prev_hash,
        )

    def record(
        self,
        actor: Actor,
        action: str,
        *,
        outcome: str = "success",
        object: str | None = None,
        purpose: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> int:
        """Append one entry in its own transaction; returns its sequence number.

        Text is stored through :func:`justicelink.policy.visible`: a control character a
        client sent is kept as an escape, never verbatim.
        """
        with self.store.session() as session:
            entry = self._append(session, actor, action, outcome, object, purpose, detail)
        self._after_append(entry)
        return entry.seq

    def _after_append(self, entry: AuditEntry) -> None:
        self.key.advance_witness(entry.seq, entry.entry_hash)
        if self.checkpoint_file is None:
            return
        now = utc_now()
        with self._checkpoint_lock:
            last = self._last_checkpoint
            due = last is None or now - last >= self.checkpoint_every
            if due:
                self._last_checkpoint = now
        if due:
            self.export_checkpoint(self.checkpoint_file)

    def _append(
        self,
        session: Session,
        actor: Actor,
        action: str,
        outcome: str,
        object: str | None,
        purpose: str | None,
        detail: dict[str, Any] | None,
    ) -> AuditEntry:
        if action not in ACTIONS or outcome not in OUTCOMES:
            raise ValueError(f"unknown audit action/outcome {action!r}/{outcome!r}")
        key = self.key
        # The UPDATE comes first so it takes the head's write lock before anything is read:
        # concurrent appends (threads, processes, PostgreSQL sessions) queue here.
        session.execute(
            update(AuditHead).where(AuditHead.head_id == 1).values(seq=AuditHead.seq + 1)
        )
        head = session.execute(select(AuditHead).where(AuditHead.head_id == 1)).scalar_one()
        entry = AuditEntry(
            seq=head.seq,
            at=utc_now(),
            user_name=_text(actor.user_name, 100),
            role=_text(actor.role, 30),
            agency_id=_text(actor.agency_id, 100),
            action=action,
            object=_text(object),
            purpose=_text(purpose),
            outcome=outcome,
            detail=_text(
                json.dumps(detail, sort_keys=True, default=str, ensure_ascii=False)
                if detail
                else None
            ),
            prev_hash=head.entry_hash,
            entry_hash="",
        )
        entry.entry_hash = self._hash(entry)
        head.entry_hash = entry.entry_hash
        head.mac = key.head_mac(head.seq, head.entry_hash, head.purged_through)
        session.add(entry)
        return entry

    def head(self) -> tuple[int, str, int]:
        """The chain's head: (last entry number, its hash, entries erased through)."""
        with self.store.session() as session:
            head = session.execute(select(AuditHead).where(AuditHead.head_id == 1)).scalar_one()
            return head.seq, head.entry_hash, head.purged_through

    def reset_witness(self, actor: Actor, *, reason: str) -> Verification:
        """Make a new witness at a new entry that records the reset and its reason.

        For an operator who has looked into a missing or altered witness (or one written
        by an older version): the reset is itself in the chain, so it cannot pass unseen.
        Returns the verification that follows.
        """
        with self.store.session() as session:
            entry = self._append(
                session,
                actor,
                "alteration",
                "success",
                "audit witness",
                reason,
                {"witness": str(self.witness_path)},
            )
        self.key.replace_witness(entry.seq, entry.entry_hash)
        return self.verify()

    def export_checkpoint(self, path: Path | None) -> dict[str, Any]:
        """Sign the current head and append it to ``path`` (JSON lines; None: only return it).

        The file is opened for appending only, so it can live on append-only or write-once
        storage (``chattr +a``, an object-lock bucket mounted as a file system).
        """
        seq, entry_hash, purged_through = self.head()
        checkpoint = self.key.checkpoint(seq, entry_hash, purged_through)
        if path is not None:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(checkpoint, sort_keys=True) + "\n")
        return checkpoint

    def entries(
        self,
        *,
        limit: int = 100,
        before: int | None = None,
        user_name: str | None = None,
        object_contains: str | None = None,
        purpose_contains: str | None = None,
        action: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
    ) -> list[AuditEntry]:
        """The latest entries, newest first, that match every filter given.

        Args:
            before: Only entries numbered lower (the next page).
            user_name: The user, exactly.
            object_contains: Text in the object (``person PN1…``), any case.
            purpose_contains: Text in the stated purpose, any case.
            action: One of :data:`ACTIONS`.
            since: At or after this time (UTC).
            until: Before this time (UTC).
        """
        query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
        if before is not None:
            query = query.where(AuditEntry.seq < before)
        if user_name:
            query = query.where(AuditEntry.user_name == user_name)
        if object_contains:
            query = query.where(
                func.lower(AuditEntry.object).contains(object_contains.lower(), autoescape=True)
            )
        if purpose_contains:
            query = query.where(
                func.lower(AuditEntry.purpose).contains(purpose_contains.lower(), autoescape=True)
            )
        if action:
            query = query.where(AuditEntry.action == action)
        if since is not None:
            query = query.where(AuditEntry.at >= since)
        if until is not None:
            query = query.where(AuditEntry.at < until)
        with self.store.session() as session:
            return list(session.execute(query).scalars())

    def verify(self, *, checkpoints: Path | None = None) -> Verification:
        """Check the chain, its head, its witness and (if given) exported checkpoints.

        See :func:`justicelink.store.auditcheck.verify` for what is caught.
        """
        from justicelink.store.auditcheck import verify

        return verify(self, checkpoints=checkpoints)

    def purge(self, actor: Actor, *, keep_days: int) -> int:
        """Erase entries older than ``keep_days`` (the retention period); returns how many.

        The erasure is itself an audit entry naming the last erased entry's hash, so the
        kept part of the chain still verifies.
        """
        if keep_days < 1:
            raise StoreError("the retention period must be at least one day")
        cutoff = utc_now() - dt.timedelta(days=keep_days)
        with self.store.session() as session:
            head = session.execute(select(AuditHead).where(AuditHead.head_id == 1)).scalar_one()
            last_old = session.execute(
                select(func.max(AuditEntry.seq)).where(AuditEntry.at < cutoff)
            ).scalar_one()
            if last_old is None or last_old <= head.purged_through:
                return 0
            anchor = session.execute(
                select(AuditEntry.entry_hash).where(AuditEntry.seq == last_old)
            ).scalar_one()
            erased = last_old - head.purged_through
            session.execute(
                update(AuditHead).where(AuditHead.head_id == 1).values(purged_through=last_old)
            )
            session.execute(delete(AuditEntry).where(AuditEntry.seq <= last_old))
            entry = self._append(
                session,
                actor,
                "erasure",
                "success",
                "audit",
                f"retention: {keep_days} days",
                {"purged_through": last_old, "anchor": anchor, "entries": erased},
            )
        self._after_append(entry)
        return erased
