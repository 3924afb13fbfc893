"""The audit log: append-only, each entry committing to the one before it.

Every entry carries ``entry_hash = HMAC-SHA256(key, seq, time, user, role, agency, action,
object, purpose, outcome, detail, prev_hash)`` where ``prev_hash`` is the previous entry's
hash. The key is kept outside the database (a file, see :func:`default_audit_key`), so
someone who can rewrite the database cannot recompute a chain that verifies. A witness file
beside the key records the latest entry, so deleting entries from the end is caught too.

The actions follow EU Directive 2016/680 Art. 25 and the CJIS audit events: ``login``,
``logout``, ``consultation``, ``disclosure``, ``alteration``, ``combination``, ``erasure``
and ``denied`` requests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from justicelink.errors import StoreError
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
)
OUTCOMES = ("success", "failure", "denied")
GENESIS = "0" * 64


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
    first_bad: int | None = None
    reason: str = ""


def utc_now() -> dt.datetime:
    """Now in UTC, without a time zone (both SQLite and PostgreSQL keep it as written)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _load_key(path: Path) -> bytes:
    if path.is_file():
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    # Created readable by its owner only; O_EXCL so two processes never write two keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")
    return key


class AuditLog:
    """Appends to, verifies and prunes one store's audit log.

    Args:
        store: The operational store.
        key_path: The chain's key file (created on first use); default beside a SQLite file
            or in the user's config folder, or ``$JUSTICELINK_AUDIT_KEY``.
    """

    def __init__(self, store: Store, *, key_path: Path | None = None) -> None:
        self.store = store
        self.key_path = key_path or default_audit_key(store.url)
        self.witness_path = self.key_path.with_name(self.key_path.name + ".head")
        self._key = _load_key(self.key_path)

    def _hash(self, entry: AuditEntry) -> str:
        fields = [
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
        ]
        message = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

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
        """Append one entry in its own transaction; returns its sequence number."""
        with self.store.session() as session:
            entry = self._append(session, actor, action, outcome, object, purpose, detail)
        self._write_witness(entry.seq, entry.entry_hash)
        return entry.seq

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
        # The UPDATE comes first so it takes the head's write lock before anything is read:
        # concurrent appends (threads, processes, PostgreSQL sessions) queue here.
        session.execute(
            update(AuditHead).where(AuditHead.head_id == 1).values(seq=AuditHead.seq + 1)
        )
        head = session.execute(select(AuditHead).where(AuditHead.head_id == 1)).scalar_one()
        entry = AuditEntry(
            seq=head.seq,
            at=utc_now(),
            user_name=actor.user_name,
            role=actor.role,
            agency_id=actor.agency_id,
            action=action,
            object=object,
            purpose=purpose,
            outcome=outcome,
            detail=json.dumps(detail, sort_keys=True, default=str) if detail else None,
            prev_hash=head.entry_hash,
            entry_hash="",
        )
        entry.entry_hash = self._hash(entry)
        head.entry_hash = entry.entry_hash
        session.add(entry)
        return entry

    def _write_witness(self, seq: int, entry_hash: str) -> None:
        current = self._read_witness()
        if current is not None and current[0] >= seq:
            return  # another writer already recorded a later entry
        temporary = self.witness_path.with_name(f"{self.witness_path.name}.{os.getpid()}.tmp")
        temporary.write_text(f"{seq} {entry_hash}\n", encoding="ascii")
        temporary.replace(self.witness_path)

    def _read_witness(self) -> tuple[int, str] | None:
        try:
            seq, entry_hash = self.witness_path.read_text(encoding="ascii").split()
        except (FileNotFoundError, ValueError):
            return None
        return int(seq), entry_hash

    def entries(
        self, *, limit: int = 100, before: int | None = None, user_name: str | None = None
    ) -> list[AuditEntry]:
        """The latest entries, newest first."""
        query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
        if before is not None:
            query = query.where(AuditEntry.seq < before)
        if user_name:
            query = query.where(AuditEntry.user_name == user_name)
        with self.store.session() as session:
            return list(session.execute(query).scalars())

    def verify(self) -> Verification:
        """Check every entry's hash, link and number, the head row and the witness."""
        with self.store.session() as session:
            head = session.execute(select(AuditHead).where(AuditHead.head_id == 1)).scalar_one()
            rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()
            expected_seq, prev = head.purged_through + 1, None
            if head.purged_through:
                prev = self._purge_anchor(session, head.purged_through)
                if prev is None:
                    return Verification(
                        False,
                        0,
                        head.purged_through + 1,
                        f"entries up to {head.purged_through} are gone with no purge recorded",
                    )
            else:
                prev = GENESIS
            count = 0
            witness = self._read_witness()
            for entry in rows:
                count += 1
                bad = self._check(entry, expected_seq, prev, witness)
                if bad:
                    return Verification(False, count, min(entry.seq, expected_seq), bad)
                expected_seq, prev = entry.seq + 1, entry.entry_hash
            last = expected_seq - 1
            if head.seq != last or (last > head.purged_through and head.entry_hash != prev):
                return Verification(
                    False, count, last + 1, f"the head says entry {head.seq} is the last"
                )
            if witness is not None and witness[0] > last:
                return Verification(
                    False, count, last + 1, f"entries {last + 1} to {witness[0]} were deleted"
                )
            return Verification(True, count)

    def _check(
        self,
        entry: AuditEntry,
        expected_seq: int,
        prev: str,
        witness: tuple[int, str] | None,
    ) -> str:
        if entry.seq > expected_seq:
            return f"entry {expected_seq} is missing"
        if entry.seq < expected_seq:
            return f"entry {entry.seq} is out of order"
        if entry.prev_hash != prev:
            return f"entry {entry.seq} does not follow entry {entry.seq - 1}"
        if not hmac.compare_digest(entry.entry_hash, self._hash(entry)):
            return f"entry {entry.seq} was altered"
        if witness is not None and witness[0] == entry.seq and witness[1] != entry.entry_hash:
            return f"entry {entry.seq} differs from the witness"
        return ""

    def _purge_anchor(self, session: Session, purged_through: int) -> str | None:
        """The hash the first kept entry must follow, from the (verified) purge entry."""
        purges = session.execute(
            select(AuditEntry).where(AuditEntry.action == "erasure", AuditEntry.object == "audit")
        ).scalars()
        for entry in purges:
            detail = json.loads(entry.detail or "{}")
            if detail.get("purged_through") == purged_through:
                return str(detail.get("anchor"))
        return None

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
        self._write_witness(entry.seq, entry.entry_hash)
        return erased
