"""Secure exchange between two central authorities, as they would run it: tampering and an
unknown sender end in one line on stderr and a non-zero exit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _cli import run_cli

REQUEST = {
    "type": "mla",
    "reference": "XEX-MLA-2024-0007",
    "requesting_state": "XEX",
    "requested_state": "THA",
    "requesting_authority": "Central Authority of Examplia",
    "subject_matter": "Fraud investigation",
    "facts_summary": "Victims in Examplia paid into accounts opened in Bangkok.",
    "assistance_sought": "Certified bank records of two accounts.",
    "persons": [{"name": "Aran Test", "date_of_birth": "1980-02-03"}],
    "purpose": "Evidence at trial",
    "offences": [{"national_code": "PC-420", "iccs": "0701", "max_penalty_years": 7}],
    "urgency": "normal",
    "language": "en",
    "documents": [{"kind": "request_letter", "file": "letter.txt"}],
}


def _authority(root: Path, name: str) -> list[str]:
    """Options placing an authority's store and folder under ``root/name``."""
    folder = root / name
    folder.mkdir()
    return ["--db", f"sqlite:///{folder / 'store.sqlite'}", "--dir", str(folder / "coop")]


@pytest.fixture(scope="module")
def two_authorities(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    from justicelink.cooperation import keys

    root = tmp_path_factory.mktemp("exchange")
    xex, tha = _authority(root, "xex"), _authority(root, "tha")
    run_cli(
        "coop", "keys", "generate", "--state", "XEX", "--authority", "CA Examplia", *xex, cwd=root
    )
    run_cli("coop", "keys", "export", "--out", "xex.pub.json", *xex, cwd=root)
    # The counterpart's side is set up in-process: the CLI is what is under test here.
    tha_public = keys.generate(Path(tha[3]), state="THA", authority="OAG Thailand")
    (root / "tha.pub.json").write_text(json.dumps(tha_public.to_json()), encoding="utf-8")
    keys.add_counterpart(Path(xex[3]), root / "tha.pub.json")
    (root / "request.json").write_text(json.dumps(REQUEST), encoding="utf-8")
    (root / "letter.txt").write_bytes("Letter of request — signed\n".encode())
    run_cli("coop", "pack", "request.json", "--to", "THA", "--out", "req.jlcoop", *xex, cwd=root)
    return {"root": root, "xex": xex, "tha": tha}


def test_the_recipient_opens_what_a_registered_sender_packed(
    two_authorities: dict[str, object],
) -> None:
    root, xex, tha = (two_authorities[k] for k in ("root", "xex", "tha"))
    assert isinstance(root, Path) and isinstance(tha, list) and isinstance(xex, list)
    # Before THA registers XEX's key: unknown sender, one line, exit 1.
    unknown = run_cli("coop", "open", "req.jlcoop", "--out", "in0", *tha, cwd=root, ok=False)
    assert unknown.returncode != 0
    assert len(unknown.stderr.strip().splitlines()) == 1
    assert "not registered" in unknown.stderr
    from justicelink.cooperation import keys

    keys.add_counterpart(Path(tha[3]), root / "xex.pub.json")
    opened = run_cli(
        "coop", "open", "req.jlcoop", "--out", "in", "--import", "--json", *tha, cwd=root
    )
    result = json.loads(opened.stdout)
    assert result["sender"]["state"] == "XEX"
    assert result["registered"] == [1]
    received = json.loads((root / "in" / "request.json").read_text(encoding="utf-8"))
    assert received["reference"] == REQUEST["reference"]
    assert (root / "in" / "letter.txt").read_bytes() == (root / "letter.txt").read_bytes()
    listed = json.loads(run_cli("coop", "list", "--json", *tha, cwd=root).stdout)
    assert [(r["direction"], r["status"]) for r in listed["requests"]] == [("incoming", "received")]


@pytest.mark.parametrize("where", [0, -40])
def test_a_changed_byte_is_refused_in_one_line(
    two_authorities: dict[str, object], where: int
) -> None:
    root, tha = two_authorities["root"], two_authorities["tha"]
    assert isinstance(root, Path) and isinstance(tha, list)
    data = bytearray((root / "req.jlcoop").read_bytes())
    data[where] ^= 0x01
    tampered = root / f"tampered{where}.jlcoop"
    tampered.write_bytes(bytes(data))
    result = run_cli("coop", "open", tampered.name, "--out", f"t{where}", *tha, cwd=root, ok=False)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / f"t{where}" / "request.json").exists()


def test_a_package_for_someone_else_is_refused(two_authorities: dict[str, object]) -> None:
    root, xex = two_authorities["root"], two_authorities["xex"]
    assert isinstance(root, Path) and isinstance(xex, list)
    # XEX cannot open the package it sealed for THA.
    result = run_cli("coop", "open", "req.jlcoop", "--out", "mine", *xex, cwd=root, ok=False)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_sender_and_recipient_logs_record_the_exchange(
    two_authorities: dict[str, object],
) -> None:
    root, xex = two_authorities["root"], two_authorities["xex"]
    assert isinstance(root, Path) and isinstance(xex, list)
    from justicelink.store import AuditLog, Store

    store = Store(xex[1])
    log = AuditLog(store)
    assert log.verify().ok
    actions = [(e.action, e.object) for e in log.entries(limit=50)]
    store.close()
    assert ("disclosure", "coop request file") in actions
