"""Use cases of the secure exchange: keys, packing a request for a counterpart, opening one.

Sending a request to another state is a disclosure of personal data and receiving one a
collection: both are written to the audit log (``disclosure``; ``alteration`` when an opened
request enters the register), as are changes to the keys.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from justicelink.app.cooperation import Register, import_requests, request_from
from justicelink.cooperation import keys as keyring
from justicelink.cooperation.exchange import (
    Opened,
    open_package,
    pack,
    read_documents,
    read_package,
    write_opened,
)
from justicelink.cooperation.vocabulary import Direction


def generate_keys(
    register: Register, *, state: str, authority: str, force: bool
) -> keyring.PublicKey:
    """Make this authority's key pairs (refuses to replace them without ``force``)."""
    public = keyring.generate(register.directory, state=state, authority=authority, force=force)
    register.audit.record(
        register.actor,
        "alteration",
        object="coop keys",
        detail={"operation": "generate", "fingerprint": public.fingerprint},
    )
    return public


def own_public_key(register: Register) -> keyring.PublicKey:
    """This authority's public key, to send to counterparts."""
    return keyring.load_own(register.directory).public


def add_key(register: Register, key_file: Path) -> keyring.PublicKey:
    """Register a counterpart's public key."""
    key = keyring.add_counterpart(register.directory, key_file)
    register.audit.record(
        register.actor,
        "alteration",
        object="coop keys",
        detail={"operation": "add", "state": key.state, "fingerprint": key.fingerprint},
    )
    return key


def list_keys(register: Register) -> list[keyring.PublicKey]:
    """The registered counterparts' keys."""
    return keyring.counterparts(register.directory)


def remove_key(register: Register, state: str, authority: str | None) -> int:
    """Forget a counterpart's keys; returns how many were removed."""
    removed = keyring.remove_counterpart(register.directory, state, authority)
    register.audit.record(
        register.actor,
        "alteration",
        object="coop keys",
        detail={"operation": "remove", "state": state, "authority": authority, "removed": removed},
    )
    return removed


@dataclass(frozen=True)
class Packed:
    out: Path
    recipient: keyring.PublicKey
    documents: int
    size: int


def pack_request(
    register: Register, source: str, *, to: str | None, authority: str | None, out: Path
) -> Packed:
    """Sign and encrypt a request (a JSON file, or a register number) with its documents.

    The recipient is the key registered for ``to`` (default: the request's requested state,
    or its requesting state for an incoming request being answered).
    """
    request, folder = request_from(source, register)
    own = keyring.load_own(register.directory)
    state = to or (
        request.requested_state
        if request.requested_state != own.public.state
        else request.requesting_state
    )
    recipient = keyring.find_counterpart(register.directory, state, authority)
    document = request.to_json()
    for internal in ("status_history", "direction"):  # the register's own bookkeeping
        document.pop(internal, None)
    for person in document.get("persons", []):
        person.pop("warehouse_person_id", None)  # never disclosed with the request
    attachments = read_documents(document, folder)
    package = pack(document, attachments, own, recipient)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(package)
    register.audit.record(
        register.actor,
        "disclosure",
        object=f"coop request {source}" if source.isdigit() else "coop request file",
        purpose=f"transmission to {recipient.state} ({recipient.authority})",
        detail={
            "reference": request.reference,
            "recipient": recipient.fingerprint,
            "documents": len(attachments),
            "package": str(out),
        },
    )
    return Packed(out, recipient, len(attachments), len(package))


@dataclass(frozen=True)
class OpenedPackage:
    opened: Opened
    written: list[Path]
    registered: list[int]


def open_request(
    register: Register, package: Path, *, out: Path, register_it: bool, on: dt.date | None = None
) -> OpenedPackage:
    """Verify and decrypt a package into ``out``; with ``register_it``, add it as incoming.

    Raises:
        ExchangeError: altered, not for this key, or from a sender whose key is not registered.
    """
    own = keyring.load_own(register.directory)
    opened = open_package(read_package(package), own, register.directory)
    written = write_opened(opened, out)
    register.audit.record(
        register.actor,
        "consultation",
        object="coop package",
        purpose=f"received from {opened.sender.state} ({opened.sender.authority})",
        detail={"package": str(package), "sender": opened.sender.fingerprint},
    )
    registered: list[int] = []
    if register_it:
        registered = import_requests(
            register, written[0], direction=Direction.INCOMING, on=on
        ).added
    return OpenedPackage(opened, written, registered)
