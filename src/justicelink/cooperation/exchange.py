"""Signed and encrypted packages of a request and its documents, for one counterpart.

The construction is libsodium's, through PyNaCl; nothing here is new cryptography:

1. The payload is the request (the JSON format) with its documents, as canonical JSON
   (documents base64-encoded, each with its SHA-256).
2. The sender signs, with Ed25519, ``DOMAIN || recipient fingerprint || sender fingerprint
   || payload``. Naming the recipient inside the signature stops a recipient from passing
   the signed request on to a third party as if it had been sent to them.
3. ``sender fingerprint (16 bytes) || signature (64 bytes) || payload`` is sealed for the
   recipient's X25519 key with a sealed box (``crypto_box_seal``: an ephemeral X25519 key
   and XSalsa20-Poly1305), so only the recipient can open it and any change of a byte makes
   opening fail.

The package file is ``MAGIC`` followed by the sealed box. Opening checks, in order: the
magic, the sealed box (altered or not for this key), that the sender's key is registered,
the signature, and each document's hash.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nacl.exceptions import BadSignatureError, CryptoError
from nacl.public import PublicKey as BoxKey
from nacl.public import SealedBox
from nacl.signing import VerifyKey

from justicelink.cooperation.keys import OwnKeys, PublicKey, counterparts
from justicelink.errors import ExchangeError, SourceFileNotFoundError

MAGIC = b"JLCOOP1\n"
DOMAIN = b"justicelink-coop-pack/1"
_FP = 16  # bytes of a fingerprint
_SIG = 64  # bytes of an Ed25519 signature


@dataclass(frozen=True)
class Attachment:
    """A document inside a package."""

    name: str
    kind: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class Opened:
    """What a package held, once verified."""

    sender: PublicKey
    request: dict[str, Any]
    documents: list[Attachment]
    packed_at: str


def _signed_message(recipient: PublicKey, sender: PublicKey, payload: bytes) -> bytes:
    return (
        DOMAIN + bytes.fromhex(recipient.fingerprint) + bytes.fromhex(sender.fingerprint) + payload
    )


def pack(
    request: dict[str, Any], documents: list[Attachment], own: OwnKeys, recipient: PublicKey
) -> bytes:
    """Sign and seal a request with its documents for ``recipient``; returns the package."""
    payload = json.dumps(
        {
            "request": request,
            "documents": [
                {
                    "name": d.name,
                    "kind": d.kind,
                    "sha256": d.sha256,
                    "content": base64.b64encode(d.content).decode("ascii"),
                }
                for d in documents
            ],
            "from": {"state": own.public.state, "authority": own.public.authority},
            "to": {"state": recipient.state, "authority": recipient.authority},
            "packed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    ).encode("utf-8")
    signature = own.signing.sign(_signed_message(recipient, own.public, payload)).signature
    inner = bytes.fromhex(own.public.fingerprint) + signature + payload
    return MAGIC + SealedBox(BoxKey(recipient.encrypt)).encrypt(inner)


def open_package(package: bytes, own: OwnKeys, directory: Path) -> Opened:
    """Verify and decrypt a package addressed to this authority.

    Raises:
        ExchangeError: when it is not a package, was altered, is not for this key, was
            signed by a key not registered in ``directory``, or a document's hash differs.
    """
    if not package.startswith(MAGIC):
        raise ExchangeError("not a justicelink cooperation package (or its header was altered)")
    try:
        inner = SealedBox(own.decrypting).decrypt(package[len(MAGIC) :])
    except CryptoError:
        raise ExchangeError(
            "the package was altered, or it is not addressed to this authority's key"
        ) from None
    sender_fp = inner[:_FP].hex()
    signature, payload = inner[_FP : _FP + _SIG], inner[_FP + _SIG :]
    sender = next((k for k in counterparts(directory) if k.fingerprint == sender_fp), None)
    if sender is None:
        raise ExchangeError(
            f"the sender's key (fingerprint {sender_fp}) is not registered: check it with the "
            "sender, then `justicelink coop keys add`"
        )
    try:
        VerifyKey(sender.sign).verify(_signed_message(own.public, sender, payload), signature)
    except BadSignatureError:
        raise ExchangeError("the signature does not verify: the package was altered") from None
    data = json.loads(payload.decode("utf-8"))
    documents = []
    for item in data["documents"]:
        attachment = Attachment(item["name"], item["kind"], base64.b64decode(item["content"]))
        if attachment.sha256 != item["sha256"]:
            raise ExchangeError(f"document {item['name']!r} does not match its hash")
        documents.append(attachment)
    return Opened(sender, data["request"], documents, data["packed_at"])


def read_documents(request: dict[str, Any], folder: Path) -> list[Attachment]:
    """Read the files a request's ``documents`` name, relative to ``folder``.

    Raises:
        SourceFileNotFoundError: naming a document file that is missing.
        ExchangeError: when a file's SHA-256 differs from the one the request gives.
    """
    attachments = []
    for doc in request.get("documents", []):
        name = doc.get("file")
        if not name:
            continue
        path = folder / name
        if not path.is_file():
            raise SourceFileNotFoundError(f"{path}: document named in the request is missing")
        attachment = Attachment(Path(name).name, doc.get("kind", "other"), path.read_bytes())
        if doc.get("sha256") and doc["sha256"] != attachment.sha256:
            raise ExchangeError(f"{path}: its SHA-256 differs from the request's")
        attachments.append(attachment)
    return attachments


def write_opened(opened: Opened, out: Path) -> list[Path]:
    """Write the request (``request.json``) and its documents into ``out``; returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "request.json"]
    request = dict(opened.request)
    names = {d.name for d in opened.documents}
    request["documents"] = [
        {**d, "file": Path(d["file"]).name}
        if d.get("file") and Path(d["file"]).name in names
        else d
        for d in request.get("documents", [])
    ]
    written[0].write_text(json.dumps(request, indent=2, ensure_ascii=False) + "\n", "utf-8")
    for number, doc in enumerate(opened.documents, start=1):
        name = Path(doc.name).name  # a bare file name: never a path outside ``out``
        path = out / (name if name not in ("", ".", "..", "request.json") else f"document-{number}")
        path.write_bytes(doc.content)
        written.append(path)
    return written


def read_package(path: Path) -> bytes:
    if not path.is_file():
        raise SourceFileNotFoundError(f"{path}: no such file")
    return path.read_bytes()
