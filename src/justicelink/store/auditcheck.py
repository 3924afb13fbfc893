"""Verifying an audit chain: every entry, the head row, the witness, exported checkpoints.

Caught, each with the first bad entry where there is one:

- an entry altered (its HMAC no longer matches), inserted or reordered (numbers and links no
  longer follow), deleted in the middle (a gap) or at the start (no purge entry explains it);
- entries deleted from the end: the witness file remembers a later entry, an exported
  checkpoint names one, or the head row's MAC does not match the head a rewriter left;
- the key, the witness or the head row missing, the witness or head rewritten without the
  key, an exported checkpoint that the chain no longer contains (a rollback).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from justicelink.errors import StoreError
from justicelink.store.auditkey import GENESIS, Witness, WitnessError, read_checkpoints
from justicelink.store.schema import AuditEntry, AuditHead

if TYPE_CHECKING:
    from justicelink.store.audit import AuditLog, Verification


def verify(log: AuditLog, *, checkpoints: Path | None = None) -> Verification:
    """Check a log; the first fault found is reported (see the module's docstring)."""
    from justicelink.store.audit import Verification

    try:
        key = log.key
        wanted = read_checkpoints(checkpoints, key.public_key) if checkpoints else []
        witness = key.read_witness()
    except StoreError as exc:  # WitnessError included
        return Verification(False, 0, None, str(exc))
    with log.store.session() as session:
        head = session.execute(select(AuditHead).where(AuditHead.head_id == 1)).scalar_one_or_none()
        if head is None:
            return Verification(False, 0, None, "the chain's head row is missing")
        if head.purged_through:
            prev = _purge_anchor(session, head.purged_through)
            if prev is None:
                return Verification(
                    False,
                    0,
                    head.purged_through + 1,
                    f"entries up to {head.purged_through} are gone with no purge recorded",
                )
        else:
            prev = GENESIS
        rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()
        result = _walk(log, rows, head.purged_through + 1, prev, witness, wanted)
        if isinstance(result, Verification):
            return result
        count, last, last_hash, seen = result
        if witness.seq > last:
            return Verification(
                False, count, last + 1, f"entries {last + 1} to {witness.seq} were deleted"
            )
        if head.seq != last or (last > head.purged_through and head.entry_hash != last_hash):
            reason = f"the head says entry {head.seq} is the last"
            return Verification(False, count, last + 1, reason)
        expected_mac = key.head_mac(head.seq, head.entry_hash, head.purged_through)
        if head.seq and not hmac.compare_digest(head.mac or "", expected_mac):
            return Verification(
                False, count, None, "the head row was rewritten (its MAC does not match the key)"
            )
    for checkpoint in wanted:
        bad = _against_checkpoint(checkpoint, head.purged_through, last, seen)
        if bad:
            return Verification(False, count, None, bad)
    return Verification(True, count, checkpoints=len(wanted))


def _walk(
    log: AuditLog,
    rows: Iterable[AuditEntry],
    expected_seq: int,
    prev: str,
    witness: Witness,
    wanted: list[dict[str, Any]],
) -> Verification | tuple[int, int, str, dict[int, str]]:
    """Every entry in order: (count, last number, last hash, hashes of checkpointed entries)."""
    from justicelink.store.audit import Verification

    remembered = {int(c["seq"]) for c in wanted}
    seen: dict[int, str] = {}
    count = 0
    for entry in rows:
        count += 1
        bad = _check(log, entry, expected_seq, prev, witness)
        if bad:
            return Verification(False, count, min(entry.seq, expected_seq), bad)
        if entry.seq in remembered:
            seen[entry.seq] = entry.entry_hash
        expected_seq, prev = entry.seq + 1, entry.entry_hash
    return count, expected_seq - 1, prev, seen


def _check(log: AuditLog, entry: AuditEntry, expected_seq: int, prev: str, witness: Witness) -> str:
    if entry.seq > expected_seq:
        return f"entry {expected_seq} is missing"
    if entry.seq < expected_seq:
        return f"entry {entry.seq} is out of order"
    if entry.prev_hash != prev:
        return f"entry {entry.seq} does not follow entry {entry.seq - 1}"
    if not hmac.compare_digest(entry.entry_hash, log._hash(entry)):
        return f"entry {entry.seq} was altered"
    if witness.seq == entry.seq and witness.entry_hash != entry.entry_hash:
        return f"entry {entry.seq} differs from the witness"
    return ""


def _against_checkpoint(
    checkpoint: dict[str, Any], purged_through: int, last: int, seen: dict[int, str]
) -> str:
    seq, at = int(checkpoint["seq"]), checkpoint.get("at", "?")
    if seq <= purged_through:
        return ""  # erased by retention, and the erasure entry verified
    if seq > last:
        return f"the checkpoint of {at} names entry {seq}, but the chain ends at {last}"
    if seen.get(seq) != checkpoint["entry_hash"]:
        return f"entry {seq} differs from the checkpoint of {at}"
    return ""


def _purge_anchor(session: Session, purged_through: int) -> str | None:
    """The hash the first kept entry must follow, from the (verified) purge entry."""
    purges = session.execute(
        select(AuditEntry).where(AuditEntry.action == "erasure", AuditEntry.object == "audit")
    ).scalars()
    for entry in purges:
        detail = json.loads(entry.detail or "{}")
        if detail.get("purged_through") == purged_through:
            return str(detail.get("anchor"))
    return None


__all__ = ["WitnessError", "verify"]
