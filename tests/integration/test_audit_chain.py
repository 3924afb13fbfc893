"""The audit log's chain catches alteration, deletion, insertion and reordering, including
by someone with direct database access (who can disable the append-only triggers but does
not hold the key). Run on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from justicelink.store import Actor, AuditLog, Store
from justicelink.store import audit as audit_module

ANA = Actor("ana", "agency_officer", "police")


def _log(store: Store, tmp_path: Path, entries: int = 6) -> AuditLog:
    audit = AuditLog(store, key_path=tmp_path / "audit.key")
    for i in range(1, entries + 1):
        audit.record(ANA, "consultation", object=f"person PN{i}", purpose="pre-sentence report")
    return audit


def _as_intruder(store: Store, change: Callable[[Connection], object]) -> None:
    """Disable the append-only guard, as a database administrator could, and change rows."""
    with store.engine.begin() as con:
        if store.dialect == "postgresql":
            con.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_guard"))
        else:
            con.execute(text("DROP TRIGGER audit_entry_no_update"))
            con.execute(text("DROP TRIGGER audit_entry_no_delete"))
        change(con)


def test_an_untouched_log_verifies(store: Store, tmp_path: Path) -> None:
    result = _log(store, tmp_path).verify()
    assert (result.ok, result.entries) == (True, 6)


def test_the_database_refuses_updates_and_deletes(store: Store, tmp_path: Path) -> None:
    _log(store, tmp_path)
    for statement in (
        "UPDATE audit_entry SET purpose = 'curiosity' WHERE seq = 2",
        "DELETE FROM audit_entry WHERE seq = 2",
    ):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as con:
            con.execute(text(statement))


def _swap_rows(con: Connection) -> None:
    columns = "at, user_name, object, purpose, prev_hash, entry_hash"
    two = con.execute(text(f"SELECT {columns} FROM audit_entry WHERE seq = 2")).one()
    three = con.execute(text(f"SELECT {columns} FROM audit_entry WHERE seq = 3")).one()
    for seq, row in ((2, three), (3, two)):
        con.execute(
            text(
                "UPDATE audit_entry SET at = :at, user_name = :user_name, object = :object, "
                "purpose = :purpose, prev_hash = :prev_hash, entry_hash = :entry_hash "
                "WHERE seq = :seq"
            ),
            {**row._asdict(), "seq": seq},
        )


def _insert_in_the_middle(con: Connection) -> None:
    # Make room at 3 (highest first, so the key stays unique), then forge an entry there.
    for seq in range(6, 2, -1):
        con.execute(
            text("UPDATE audit_entry SET seq = :new WHERE seq = :old"), {"new": seq + 1, "old": seq}
        )
    prev = con.execute(text("SELECT entry_hash FROM audit_entry WHERE seq = 2")).scalar_one()
    con.execute(
        text(
            "INSERT INTO audit_entry (seq, at, user_name, action, outcome, prev_hash, entry_hash)"
            " VALUES (3, :at, 'ana', 'consultation', 'success', :prev, :forged)"
        ),
        {"at": dt.datetime(2026, 1, 1), "prev": prev, "forged": "f" * 64},
    )
    con.execute(text("UPDATE audit_head SET seq = 7"))


def _delete_the_last_and_fix_the_head(con: Connection) -> None:
    five = con.execute(text("SELECT entry_hash FROM audit_entry WHERE seq = 5")).scalar_one()
    con.execute(text("DELETE FROM audit_entry WHERE seq = 6"))
    con.execute(text("UPDATE audit_head SET seq = 5, entry_hash = :h"), {"h": five})


def _delete_the_first(con: Connection) -> None:
    con.execute(text("DELETE FROM audit_entry WHERE seq = 1"))
    con.execute(text("UPDATE audit_head SET purged_through = 1"))


TAMPERING: dict[str, tuple[Callable[[Connection], object], int, str]] = {
    "altered": (
        lambda con: con.execute(text("UPDATE audit_entry SET purpose = 'curiosity' WHERE seq = 4")),
        4,
        "entry 4 was altered",
    ),
    "deleted in the middle": (
        lambda con: con.execute(text("DELETE FROM audit_entry WHERE seq = 3")),
        3,
        "entry 3 is missing",
    ),
    "deleted at the end": (_delete_the_last_and_fix_the_head, 6, "entries 6 to 6 were deleted"),
    "deleted at the start": (_delete_the_first, 2, "no purge recorded"),
    "inserted": (_insert_in_the_middle, 3, "entry 3 was altered"),
    "reordered": (_swap_rows, 2, "entry 2 does not follow entry 1"),
}


@pytest.mark.parametrize("how", list(TAMPERING))
def test_tampering_is_caught_at_the_first_bad_entry(store: Store, tmp_path: Path, how: str) -> None:
    audit = _log(store, tmp_path)
    change, first_bad, reason = TAMPERING[how]
    _as_intruder(store, change)
    result = audit.verify()
    assert not result.ok
    assert result.first_bad == first_bad, result
    assert reason in result.reason


def test_a_chain_rewritten_without_the_key_does_not_verify(store: Store, tmp_path: Path) -> None:
    _log(store, tmp_path)
    # The intruder alters entry 2 and recomputes every later hash, but with a key of their own.
    forger = AuditLog(store, key_path=tmp_path / "intruders.key")
    entries = forger.entries(limit=10)[::-1]
    prev = entries[0].entry_hash

    def rewrite(con: Connection) -> None:
        nonlocal prev
        for entry in entries[1:]:
            if entry.seq == 2:
                entry.purpose = "curiosity"
            entry.prev_hash = prev
            entry.entry_hash = forger._hash(entry)
            prev = entry.entry_hash
            con.execute(
                text(
                    "UPDATE audit_entry SET purpose = :p, prev_hash = :ph, entry_hash = :h "
                    "WHERE seq = :s"
                ),
                {"p": entry.purpose, "ph": entry.prev_hash, "h": entry.entry_hash, "s": entry.seq},
            )
        con.execute(text("UPDATE audit_head SET entry_hash = :h"), {"h": prev})

    _as_intruder(store, rewrite)
    result = AuditLog(store, key_path=tmp_path / "audit.key").verify()
    assert (result.ok, result.first_bad) == (False, 2)


def test_retention_erases_old_entries_and_the_rest_still_verifies(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    audit = AuditLog(store, key_path=tmp_path / "audit.key")
    long_ago = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=400)
    with monkeypatch.context() as patch:  # three entries written 400 days ago
        patch.setattr(audit_module, "utc_now", lambda: long_ago)
        for i in range(3):
            audit.record(ANA, "consultation", object=f"person PN{i}", purpose="old case")
    for i in range(3):
        audit.record(ANA, "consultation", object=f"person PQ{i}", purpose="new case")
    assert audit.verify().ok
    assert audit.purge(Actor("retention job", "admin"), keep_days=365) == 3
    result = audit.verify()
    assert (result.ok, result.entries) == (True, 4)  # 4, 5, 6 and the erasure entry
    erasure = audit.entries(limit=1)[0]
    assert (erasure.action, erasure.object) == ("erasure", "audit")
    assert audit.purge(Actor("retention job", "admin"), keep_days=365) == 0
    # Kept entries are still guarded: the purge did not open the log to deletion.
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as con:
        con.execute(text("DELETE FROM audit_entry WHERE seq = 4"))


def test_audit_verify_command_exit_codes(store: Store, tmp_path: Path) -> None:
    _log(store, tmp_path)
    command = [
        sys.executable, "-m", "justicelink", "audit", "verify",
        "--db", store.url, "--audit-key", str(tmp_path / "audit.key"),
    ]  # fmt: skip
    good = subprocess.run(command, capture_output=True, text=True, check=False)
    assert (good.returncode, good.stdout.strip()) == (0, "audit log intact: 6 entries verified")
    _as_intruder(store, lambda con: con.execute(text("DELETE FROM audit_entry WHERE seq = 5")))
    bad = subprocess.run(command, capture_output=True, text=True, check=False)
    assert bad.returncode == 1
    assert bad.stderr.strip() == "audit log broken at entry 5: entry 5 is missing"


# --- An intruder who holds the database: truncation, the witness, the head, the key --------


def _truncate_last(n: int, *, keep_head_mac: str | None = None) -> Callable[[Connection], None]:
    """Delete the last ``n`` entries and make the head say the chain ends before them."""

    def change(con: Connection) -> None:
        last = con.execute(text("SELECT max(seq) FROM audit_entry")).scalar_one()
        keep = last - n
        kept = con.execute(
            text("SELECT entry_hash FROM audit_entry WHERE seq = :s"), {"s": keep}
        ).scalar_one()
        con.execute(text("DELETE FROM audit_entry WHERE seq > :s"), {"s": keep})
        con.execute(text("UPDATE audit_head SET seq = :s, entry_hash = :h"), {"s": keep, "h": kept})
        if keep_head_mac is not None:
            con.execute(text("UPDATE audit_head SET mac = :m"), {"m": keep_head_mac})

    return change


def _head_mac(store: Store) -> str:
    with store.engine.connect() as con:
        return str(con.execute(text("SELECT mac FROM audit_head")).scalar_one())


def test_the_last_twenty_deleted_with_the_witness_removed_is_caught(
    store: Store, tmp_path: Path
) -> None:
    audit = _log(store, tmp_path, entries=40)
    _as_intruder(store, _truncate_last(20))
    audit.witness_path.unlink()
    result = audit.verify()
    assert not result.ok and "witness file" in result.reason and "missing" in result.reason
    audit.record(ANA, "consultation", object="person PN99", purpose="after the intrusion")
    assert not audit.verify().ok  # an append does not re-create the witness and hide it


def test_the_last_twenty_deleted_with_the_witness_rewritten_is_caught(
    store: Store, tmp_path: Path
) -> None:
    audit = _log(store, tmp_path, entries=40)
    twenty = audit.entries(limit=1, before=21)[0]
    _as_intruder(store, _truncate_last(20))
    forged = {"seq": 20, "entry_hash": twenty.entry_hash, "mac": "0" * 64}
    audit.witness_path.write_text(json.dumps(forged) + "\n", encoding="ascii")
    result = audit.verify()
    assert (result.ok, result.reason) == (
        False,
        f"the witness file {audit.witness_path} was altered",
    )


def test_the_last_twenty_deleted_with_the_witness_left_is_caught(
    store: Store, tmp_path: Path
) -> None:
    audit = _log(store, tmp_path, entries=40)
    _as_intruder(store, _truncate_last(20))
    result = audit.verify()
    assert (result.ok, result.first_bad, result.reason) == (
        False,
        21,
        "entries 21 to 40 were deleted",
    )


def test_a_rollback_to_older_copies_is_caught_by_an_exported_checkpoint(
    store: Store, tmp_path: Path
) -> None:
    """The intruder kept the witness and head MAC of entry 20 (a backup) and restores both
    after deleting entries 21 to 40: only a checkpoint kept elsewhere remembers entry 40."""
    audit = _log(store, tmp_path, entries=20)
    old_witness, old_mac = audit.witness_path.read_bytes(), _head_mac(store)
    checkpoints = tmp_path / "elsewhere" / "audit.jsonl"
    checkpoints.parent.mkdir()
    audit.export_checkpoint(checkpoints)  # at entry 20
    for i in range(20):
        audit.record(ANA, "consultation", object=f"person PQ{i}", purpose="later case")
    audit.export_checkpoint(checkpoints)  # at entry 40
    assert audit.verify(checkpoints=checkpoints).checkpoints == 2
    _as_intruder(store, _truncate_last(20, keep_head_mac=old_mac))
    audit.witness_path.write_bytes(old_witness)
    assert audit.verify().ok  # without the checkpoints the rollback is invisible
    result = audit.verify(checkpoints=checkpoints)
    assert not result.ok and "names entry 40, but the chain ends at 20" in result.reason


def test_a_head_rewritten_without_the_key_is_caught(store: Store, tmp_path: Path) -> None:
    audit = _log(store, tmp_path)
    _as_intruder(store, lambda con: con.execute(text("UPDATE audit_head SET mac = NULL")))
    result = audit.verify()
    assert not result.ok and "head row was rewritten" in result.reason


def test_the_witness_is_private_and_authenticated(store: Store, tmp_path: Path) -> None:
    audit = _log(store, tmp_path, entries=3)
    assert audit.witness_path.stat().st_mode & 0o777 == 0o600
    assert audit.key_path.stat().st_mode & 0o777 == 0o600
    witness = json.loads(audit.witness_path.read_text(encoding="ascii"))
    assert witness["seq"] == 3 and len(witness["mac"]) == 64


def test_a_signed_checkpoint_altered_does_not_verify(store: Store, tmp_path: Path) -> None:
    audit = _log(store, tmp_path, entries=3)
    checkpoints = tmp_path / "audit.jsonl"
    checkpoint = audit.export_checkpoint(checkpoints)
    checkpoint["seq"] = 2
    checkpoints.write_text(json.dumps(checkpoint) + "\n", encoding="utf-8")
    result = audit.verify(checkpoints=checkpoints)
    assert not result.ok and "signature does not match" in result.reason


def test_control_characters_are_never_stored_verbatim(store: Store, tmp_path: Path) -> None:
    audit = AuditLog(store, key_path=tmp_path / "audit.key")
    audit.record(
        Actor("ana\x1b[2J", "analyst"),
        "consultation",
        object="record police:EP1\r\nforged line",
        purpose="tab\there\x1b[31m and \x7f\x85",
        detail={"note": "bell\x07 and \u2028"},
    )
    entry = audit.entries(limit=1)[0]
    stored = "".join(str(v) for v in (entry.user_name, entry.object, entry.purpose, entry.detail))
    assert not any(c in stored for c in "\x1b\t\r\n\x07\x7f\x85\u2028")
    assert entry.purpose == "tab\\x09here\\x1b[31m and \\x7f\\x85"
    assert audit.verify().ok


def _verify_command(store: Store, key: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "justicelink", "audit", "verify",
        "--db", store.url, "--audit-key", str(key), *extra,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_audit_verify_fails_in_one_line_without_key_or_witness(
    store: Store, tmp_path: Path
) -> None:
    audit = _log(store, tmp_path, entries=2)
    missing = _verify_command(store, tmp_path / "no.key")
    assert missing.returncode == 1
    assert (
        missing.stderr.strip()
        == f"audit log broken: the audit key {tmp_path / 'no.key'} is missing"
    )
    assert not (tmp_path / "no.key").exists()  # verification never makes a key
    audit.witness_path.unlink()
    gone = _verify_command(store, audit.key_path)
    assert gone.returncode == 1 and len(gone.stderr.strip().splitlines()) == 1
    assert "witness file" in gone.stderr


def test_audit_checkpoint_command_exports_and_verify_checks_it(
    store: Store, tmp_path: Path
) -> None:
    audit = _log(store, tmp_path, entries=4)
    checkpoints = tmp_path / "worm" / "audit.jsonl"
    checkpoints.parent.mkdir()
    export = subprocess.run(
        [sys.executable, "-m", "justicelink", "audit", "checkpoint", "--export", str(checkpoints),
         "--db", store.url, "--audit-key", str(audit.key_path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert export.returncode == 0, export.stderr
    good = _verify_command(store, audit.key_path, "--checkpoints", str(checkpoints))
    assert (good.returncode, good.stdout.strip()) == (
        0,
        "audit log intact: 4 entries verified against 1 checkpoints",
    )


def test_an_operator_resets_a_lost_witness_in_the_open(store: Store, tmp_path: Path) -> None:
    audit = _log(store, tmp_path, entries=3)
    audit.witness_path.unlink()
    assert not audit.verify().ok
    result = audit.reset_witness(Actor("ops (command line)", "operator"), reason="ticket 812")
    assert (result.ok, result.entries) == (True, 4)
    reset = audit.entries(limit=1)[0]
    assert (reset.action, reset.object, reset.purpose) == (
        "alteration",
        "audit witness",
        "ticket 812",
    )
