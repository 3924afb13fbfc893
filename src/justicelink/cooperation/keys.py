"""Keys for the secure exchange: one's own key pair and the counterparts' public keys.

Each authority holds two libsodium key pairs (PyNaCl): Ed25519 to sign what it sends and
X25519 to receive what is sealed for it. Its public half travels as a small JSON file::

    {"format": "justicelink-coop-key/1", "state": "THA", "authority": "Office of the
     Attorney General", "sign_ed25519": "<base64>", "encrypt_x25519": "<base64>",
     "fingerprint": "<32 hex digits>"}

The fingerprint (the first 16 bytes of SHA-256 over both public keys, in hex) is what two
authorities compare by telephone before trusting a key. Files under ``DIR/keys/``:
``own.json`` (the private keys, readable by its owner only) and ``counterparts.json``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nacl.public import PrivateKey
from nacl.signing import SigningKey

from justicelink.errors import ExchangeError, SourceFileNotFoundError

KEY_FORMAT = "justicelink-coop-key/1"
_SECRET_FORMAT = "justicelink-coop-secret/1"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    try:
        data = base64.b64decode(text, validate=True)
    except (ValueError, TypeError):
        raise ExchangeError(f"{what} is not base64") from None
    if len(data) != 32:
        raise ExchangeError(f"{what} is not a 32-byte key")
    return data


def fingerprint(sign: bytes, encrypt: bytes) -> str:
    """32 hex digits identifying a pair of public keys."""
    return hashlib.sha256(sign + encrypt).hexdigest()[:32]


@dataclass(frozen=True)
class PublicKey:
    """A party's public keys and who it is."""

    state: str
    authority: str
    sign: bytes
    encrypt: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.sign, self.encrypt)

    def to_json(self) -> dict[str, str]:
        return {
            "format": KEY_FORMAT,
            "state": self.state,
            "authority": self.authority,
            "sign_ed25519": _b64(self.sign),
            "encrypt_x25519": _b64(self.encrypt),
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_json(cls, data: Any, origin: str) -> PublicKey:
        """Read a public key file's content; the fingerprint, if given, must match."""
        if not isinstance(data, dict) or data.get("format") != KEY_FORMAT:
            raise ExchangeError(f"{origin}: not a {KEY_FORMAT} public key")
        state = str(data.get("state", "")).strip().upper()
        if len(state) != 3 or not state.isalpha():
            raise ExchangeError(f"{origin}: state {state!r} is not an ISO3 code")
        key = cls(
            state,
            str(data.get("authority", "")).strip(),
            _unb64(str(data.get("sign_ed25519", "")), f"{origin}: sign_ed25519"),
            _unb64(str(data.get("encrypt_x25519", "")), f"{origin}: encrypt_x25519"),
        )
        given = data.get("fingerprint")
        if given and given != key.fingerprint:
            raise ExchangeError(f"{origin}: the fingerprint does not match the keys")
        return key


@dataclass(frozen=True)
class OwnKeys:
    """One's own private keys."""

    public: PublicKey
    signing: SigningKey
    decrypting: PrivateKey


def _keys_dir(directory: Path) -> Path:
    return directory / "keys"


def generate(directory: Path, *, state: str, authority: str, force: bool = False) -> PublicKey:
    """Make this authority's key pairs; refuses to replace existing ones unless ``force``.

    Raises:
        ExchangeError: when a key pair exists and ``force`` is not set.
    """
    path = _keys_dir(directory) / "own.json"
    if path.exists() and not force:
        raise ExchangeError(
            f"{path}: a key pair exists already (--force replaces it; counterparts must "
            "then register the new public key)"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    signing, decrypting = SigningKey.generate(), PrivateKey.generate()
    public = PublicKey(
        state.strip().upper(),
        authority.strip(),
        bytes(signing.verify_key),
        bytes(decrypting.public_key),
    )
    secret = {
        "format": _SECRET_FORMAT,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "public": public.to_json(),
        "signing_seed": _b64(bytes(signing)),
        "decrypting_key": _b64(bytes(decrypting)),
    }
    temporary = path.with_name("own.json.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(secret, handle, indent=2)
    temporary.replace(path)
    return public


def load_own(directory: Path) -> OwnKeys:
    """This authority's keys.

    Raises:
        ExchangeError: when none were generated in ``directory``.
    """
    path = _keys_dir(directory) / "own.json"
    if not path.is_file():
        raise ExchangeError(f"no key pair in {path.parent}: run `justicelink coop keys generate`")
    data = json.loads(path.read_text(encoding="utf-8"))
    public = PublicKey.from_json(data.get("public"), str(path))
    signing = SigningKey(_unb64(data["signing_seed"], f"{path}: signing_seed"))
    decrypting = PrivateKey(_unb64(data["decrypting_key"], f"{path}: decrypting_key"))
    return OwnKeys(public, signing, decrypting)


def counterparts(directory: Path) -> list[PublicKey]:
    """The registered counterparts' public keys."""
    path = _keys_dir(directory) / "counterparts.json"
    if not path.is_file():
        return []
    return [PublicKey.from_json(x, str(path)) for x in json.loads(path.read_text("utf-8"))]


def _save(directory: Path, keys: list[PublicKey]) -> None:
    path = _keys_dir(directory) / "counterparts.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name("counterparts.json.tmp")
    temporary.write_text(json.dumps([k.to_json() for k in keys], indent=2) + "\n", "utf-8")
    temporary.replace(path)


def add_counterpart(directory: Path, key_file: Path) -> PublicKey:
    """Register a counterpart's public key file (replacing one with the same fingerprint).

    Raises:
        SourceFileNotFoundError: when the file is missing.
        ExchangeError: when it is not a public key.
    """
    if not key_file.is_file():
        raise SourceFileNotFoundError(f"{key_file}: no such file")
    try:
        data = json.loads(key_file.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        raise ExchangeError(f"{key_file}: not a JSON public key") from None
    key = PublicKey.from_json(data, str(key_file))
    keys = [k for k in counterparts(directory) if k.fingerprint != key.fingerprint]
    _save(directory, [*keys, key])
    return key


def remove_counterpart(directory: Path, state: str, authority: str | None = None) -> int:
    """Forget a counterpart's keys (all of the state's, or one authority's); returns how many."""
    state = state.strip().upper()
    keys = counterparts(directory)

    def gone(k: PublicKey) -> bool:
        return k.state == state and (authority is None or k.authority == authority)

    _save(directory, [k for k in keys if not gone(k)])
    return sum(1 for k in keys if gone(k))


def find_counterpart(directory: Path, state: str, authority: str | None = None) -> PublicKey:
    """The one registered key of a counterpart.

    Raises:
        ExchangeError: when none, or several (name the authority then), are registered.
    """
    state = state.strip().upper()
    found = [
        k
        for k in counterparts(directory)
        if k.state == state and (authority is None or k.authority == authority)
    ]
    if not found:
        who = f"{state} ({authority})" if authority else state
        raise ExchangeError(
            f"no public key registered for {who}: add it with `justicelink coop keys add`"
        )
    if len(found) > 1:
        names = "; ".join(k.authority for k in found)
        raise ExchangeError(f"{state} has several keys ({names}): name one with --authority")
    return found[0]
