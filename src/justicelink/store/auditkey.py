"""The audit log's key, its witness file and its signed checkpoints: what the database lacks.

Threat: someone who can rewrite the database (a database administrator, a stolen backup,
an injected query) but cannot read the app server's key file. Three things stand outside
the database:

- the **key** (32 random bytes, a file readable by its owner only): every entry's HMAC and
  the head row's MAC need it, so a rewritten chain or head does not verify;
- the **witness** (a file beside the key, mode 0600): the latest entry's number and hash,
  MAC'd with the key, so deleting entries from the end is caught, and so is removing or
  rewriting the witness itself;
- **checkpoints**: the head signed with an Ed25519 key derived from the audit key, appended
  as JSON lines to a file an operator ships to write-once storage or another system. Whoever
  holds only the public key can check them; ``audit verify --checkpoints FILE`` checks the
  chain against them, which catches a rollback of database and witness to an older copy.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from justicelink.errors import StoreError

GENESIS = "0" * 64
_SIGNING_LABEL = b"justicelink audit checkpoint signing key v1"


@dataclass(frozen=True)
class Witness:
    """The latest entry as the witness file remembers it."""

    seq: int
    entry_hash: str


class WitnessError(StoreError):
    """The witness file is missing, unreadable or does not authenticate."""


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, the file readable by its owner only."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text)
    temporary.replace(path)


class AuditKey:
    """The key file of one audit chain, with its witness beside it.

    Args:
        path: The key file.
        create: Make a new key (and a witness at the empty chain) when ``path`` does not
            exist; otherwise :class:`StoreError`.
    """

    def __init__(self, path: Path, *, create: bool) -> None:
        self.path = path
        self.witness_path = path.with_name(path.name + ".head")
        self._lock_path = path.with_name(path.name + ".lock")
        if not path.is_file():
            if not create:
                raise StoreError(f"the audit key {path} is missing")
            self._create()
        self._key = bytes.fromhex(path.read_text(encoding="ascii").strip())
        seed = hmac.new(self._key, _SIGNING_LABEL, hashlib.sha256).digest()
        self._signer = Ed25519PrivateKey.from_private_bytes(seed)

    def _create(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        # O_EXCL: two processes starting together never write two keys.
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key.hex() + "\n")
        self._key = key
        # The witness is born with the key and never re-created afterwards: its absence
        # later means someone removed it.
        _write_private(self.witness_path, self._witness_text(Witness(0, GENESIS)))

    # --- MACs -------------------------------------------------------------------------

    def mac(self, *fields: object) -> str:
        """HMAC-SHA256 of the fields (as a compact JSON array), hex."""
        message = json.dumps(list(fields), ensure_ascii=False, separators=(",", ":"))
        return hmac.new(self._key, message.encode(), hashlib.sha256).hexdigest()

    def head_mac(self, seq: int, entry_hash: str, purged_through: int) -> str:
        """The MAC the head row carries."""
        return self.mac("head", seq, entry_hash, purged_through)

    # --- The witness --------------------------------------------------------------------

    def _witness_text(self, witness: Witness) -> str:
        mac = self.mac("witness", witness.seq, witness.entry_hash)
        return json.dumps({"seq": witness.seq, "entry_hash": witness.entry_hash, "mac": mac}) + "\n"

    def read_witness(self) -> Witness:
        """The witness, authenticated.

        Raises:
            WitnessError: the file is missing, malformed or its MAC does not match.
        """
        try:
            raw = json.loads(self.witness_path.read_text(encoding="ascii"))
            witness = Witness(int(raw["seq"]), str(raw["entry_hash"]))
            mac = str(raw["mac"])
        except FileNotFoundError:
            raise WitnessError(f"the witness file {self.witness_path} is missing") from None
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise WitnessError(f"the witness file {self.witness_path} is malformed") from None
        if not hmac.compare_digest(mac, self.mac("witness", witness.seq, witness.entry_hash)):
            raise WitnessError(f"the witness file {self.witness_path} was altered")
        return witness

    @contextmanager
    def _locked(self) -> Iterator[None]:
        fd = os.open(self._lock_path, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # processes and threads of one host queue here
            yield
        finally:
            os.close(fd)

    def advance_witness(self, seq: int, entry_hash: str) -> None:
        """Remember entry ``seq`` as the latest, unless a later one is remembered already.

        A missing or altered witness is left as it is: writing a fresh one would hide the
        tampering that removed it, so the log keeps failing verification until an operator
        looks.
        """
        with self._locked():
            try:
                current = self.read_witness()
            except WitnessError:
                return
            if current.seq < seq:
                _write_private(self.witness_path, self._witness_text(Witness(seq, entry_hash)))

    def replace_witness(self, seq: int, entry_hash: str) -> None:
        """Write a new witness whatever the old one says (an operator's reset, audited)."""
        with self._locked():
            _write_private(self.witness_path, self._witness_text(Witness(seq, entry_hash)))

    # --- Signed checkpoints ---------------------------------------------------------------

    @property
    def public_key(self) -> str:
        """The checkpoint signing key's public half, hex (give it to whoever checks them)."""
        raw = self._signer.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return raw.hex()

    def checkpoint(self, seq: int, entry_hash: str, purged_through: int) -> dict[str, Any]:
        """A signed statement that the chain reached entry ``seq`` with hash ``entry_hash``."""
        body: dict[str, Any] = {
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "entry_hash": entry_hash,
            "public_key": self.public_key,
            "purged_through": purged_through,
            "seq": seq,
        }
        signature = self._signer.sign(_canonical(body))
        return {**body, "signature": signature.hex()}


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def signature_ok(checkpoint: dict[str, Any]) -> bool:
    """Whether a checkpoint's signature matches its own public key and fields."""
    try:
        body = {k: v for k, v in checkpoint.items() if k != "signature"}
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(str(body["public_key"])))
        public.verify(bytes.fromhex(str(checkpoint["signature"])), _canonical(body))
    except (InvalidSignature, ValueError, KeyError, TypeError):
        return False
    return True


def read_checkpoints(path: Path, public_key: str) -> list[dict[str, Any]]:
    """The checkpoints of one chain (by public key) in a JSON-lines file.

    Raises:
        StoreError: the file cannot be read, a line is not JSON, a checkpoint of this chain
            has a bad signature, or none is of this chain.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise StoreError(f"{path}: {exc.strerror or exc}") from None
    found = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            checkpoint = json.loads(line)
        except ValueError:
            raise StoreError(f"{path}, line {number}: not a checkpoint (JSON)") from None
        if not isinstance(checkpoint, dict) or checkpoint.get("public_key") != public_key:
            continue
        if not signature_ok(checkpoint):
            raise StoreError(f"{path}, line {number}: the checkpoint's signature does not match")
        found.append(checkpoint)
    if not found:
        raise StoreError(f"{path}: no checkpoint of this audit log (public key {public_key})")
    return found
