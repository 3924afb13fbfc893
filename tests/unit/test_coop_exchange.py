"""Packages in-process: every changed byte, a wrong recipient and an unknown sender fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from justicelink.cooperation import keys
from justicelink.cooperation.exchange import Attachment, open_package, pack
from justicelink.errors import ExchangeError


@pytest.fixture
def parties(tmp_path: Path) -> dict[str, Path]:
    folders = {name: tmp_path / name for name in ("xex", "tha", "mys")}
    for name, folder in folders.items():
        keys.generate(folder, state=name.upper(), authority=f"CA {name}")
    for name in ("xex", "tha"):
        exported = folders[name] / "pub.json"
        exported.write_text(json.dumps(keys.load_own(folders[name]).public.to_json()), "utf-8")
    keys.add_counterpart(folders["xex"], folders["tha"] / "pub.json")
    keys.add_counterpart(folders["tha"], folders["xex"] / "pub.json")
    return folders


def _package(parties: dict[str, Path]) -> bytes:
    sender = keys.load_own(parties["xex"])
    recipient = keys.find_counterpart(parties["xex"], "THA")
    return pack(
        {"type": "mla", "reference": "R-1"},
        [Attachment("a.pdf", "other", b"%PDF-1")],
        sender,
        recipient,
    )


def test_round_trip(parties: dict[str, Path]) -> None:
    opened = open_package(_package(parties), keys.load_own(parties["tha"]), parties["tha"])
    assert opened.sender.state == "XEX"
    assert opened.request == {"type": "mla", "reference": "R-1"}
    assert [(d.name, d.content) for d in opened.documents] == [("a.pdf", b"%PDF-1")]


def test_every_changed_byte_is_caught(parties: dict[str, Path]) -> None:
    package = _package(parties)
    own = keys.load_own(parties["tha"])
    step = max(1, len(package) // 97)  # about a hundred positions spread over the file
    for where in [*range(0, len(package), step), len(package) - 1]:
        tampered = bytearray(package)
        tampered[where] ^= 0x80
        with pytest.raises(ExchangeError):
            open_package(bytes(tampered), own, parties["tha"])


def test_a_third_party_cannot_open_it(parties: dict[str, Path]) -> None:
    with pytest.raises(ExchangeError, match="not addressed"):
        open_package(_package(parties), keys.load_own(parties["mys"]), parties["mys"])


def test_a_sender_whose_key_is_not_registered_is_refused(parties: dict[str, Path]) -> None:
    keys.remove_counterpart(parties["tha"], "XEX")
    with pytest.raises(ExchangeError, match="not registered"):
        open_package(_package(parties), keys.load_own(parties["tha"]), parties["tha"])


def test_keys_are_private_and_not_replaced_by_accident(parties: dict[str, Path]) -> None:
    assert (parties["xex"] / "keys" / "own.json").stat().st_mode & 0o077 == 0
    with pytest.raises(ExchangeError, match="exists already"):
        keys.generate(parties["xex"], state="XEX", authority="again")
    with pytest.raises(ExchangeError, match="no public key"):
        keys.find_counterpart(parties["xex"], "MYS")
