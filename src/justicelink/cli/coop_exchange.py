"""`justicelink coop keys|pack|open`: keys and signed, encrypted packages for counterparts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from justicelink.cli._common import out, print_json, user_errors
from justicelink.cli.coop_options import AUDIT_KEY, DB, DIR, JSON, open_register
from justicelink.store.db import DEFAULT_URL

keys_app = typer.Typer(
    help="Keys for the exchange: your own key pair, and counterparts' public keys by state "
    "and authority (Ed25519 signing, X25519 encryption; PyNaCl).",
    no_args_is_help=True,
)


@keys_app.command("generate")
def keys_generate(
    state: Annotated[str, typer.Option(help="Your state (ISO3).")],
    authority: Annotated[str, typer.Option(help="Your authority's name.")],
    force: Annotated[bool, typer.Option(help="Replace an existing key pair.")] = False,
    db: DB = DEFAULT_URL,
    directory: DIR = Path("cooperation"),
    audit_key: AUDIT_KEY = None,
    as_json: JSON = False,
) -> None:
    """Make your key pair (private keys in DIR/keys/own.json, readable by you only).

    Example:

        justicelink coop keys generate --state XEX --authority "Central Authority of Examplia"
    """
    with user_errors():
        from justicelink.app.cooperation_exchange import generate_keys

        key = generate_keys(
            open_register(db, audit_key, directory),
            state=state,
            authority=authority,
            force=force,
        )
    if as_json:
        print_json(key.to_json())
    else:
        out.print(
            f"Key pair made for {key.state} ({key.authority}); fingerprint "
            f"{key.fingerprint}. Send `coop keys export` to your counterparts."
        )


@keys_app.command("export")
def keys_export(
    out_file: Annotated[
        Path | None, typer.Option("--out", help="File to write; default stdout.")
    ] = None,
    db: DB = DEFAULT_URL,
    directory: DIR = Path("cooperation"),
    audit_key: AUDIT_KEY = None,
) -> None:
    """Write your public key (JSON) for counterparts to register.

    Example:

        justicelink coop keys export --out xex.pub.json
    """
    with user_errors():
        from justicelink.app.cooperation_exchange import own_public_key

        text = (
            json.dumps(own_public_key(open_register(db, audit_key, directory)).to_json(), indent=2)
            + "\n"
        )
        if out_file is None:
            typer.echo(text, nl=False)
        else:
            out_file.write_text(text, encoding="utf-8")
            out.print(f"Public key written to {out_file}.")


@keys_app.command("add")
def keys_add(
    key_file: Annotated[Path, typer.Argument(help="A counterpart's public key file.")],
    db: DB = DEFAULT_URL,
    directory: DIR = Path("cooperation"),
    audit_key: AUDIT_KEY = None,
    as_json: JSON = False,
) -> None:
    """Register a counterpart's public key (compare its fingerprint with them first).

    Example:

        justicelink coop keys add tha.pub.json
    """
    with user_errors():
        from justicelink.app.cooperation_exchange import add_key

        key = add_key(open_register(db, audit_key, directory), key_file)
    if as_json:
        print_json(key.to_json())
    else:
        out.print(f"Registered {key.state} ({key.authority}), fingerprint {key.fingerprint}.")


@keys_app.command("list")
def keys_list(
    db: DB = DEFAULT_URL,
    directory: DIR = Path("cooperation"),
    audit_key: AUDIT_KEY = None,
    as_json: JSON = False,
) -> None:
    """The counterparts' registered keys.

    Example:

        justicelink coop keys list
    """
    with user_errors():
        from justicelink.app.cooperation_exchange import list_keys

        keys = list_keys(open_register(db, audit_key, directory))
    if as_json:
        print_json({"keys": [k.to_json() for k in keys]})
        return
    table = Table("state", "authority", "fingerprint")
    for k in keys:
        table.add_row(k.state, k.authority, k.fingerprint)
    out.print(table)


@keys_app.command("remove")
def keys_remove(
    state: Annotated[str, typer.Argument(help="The counterpart state (ISO3).")],
    authority: Annotated[str | None, typer.Option(help="Only this authority's key.")] = None,
    db: DB = DEFAULT_URL,
    directory: DIR = Path("cooperation"),
    audit_key: AUDIT_KEY = None,
    as_json: JSON = False,
) -> None:
    """Forget a counterpart's key(s).

    Example:

        justicelink coop keys remove THA
    """
    with user_errors():
        from justicelink.app.cooperation_exchange import remove_key

        removed = remove_key(open_register(db, audit_key, directory), state, authority)
    if as_json:
        print_json({"removed": removed})
    else:
        out.print(f"Removed {removed} key(s) of {state.upper()}.")


def pack_command(
    source: Annotated[str, typer.Argument(help="A request JSON file, or a register number.")],
    out_file: Annotated[Path, typer.Option("--out", help="The package file to write.")],
    to: Annotated[
        str | None, typer.Option(help="Recipient state (ISO3); default: the requested state.")
    ] = None,
    authority: Annotated[
        str | None, typer.Option(help="Recipient authority, when the state has several keys.")
    ] = None,
    db: DB = DEFAULT_URL,
    directory: DIR = Path("cooperation"),
    audit_key: AUDIT_KEY = None,
    as_json: JSON = False,
) -> None:
    """Sign (Ed25519) and encrypt a request with its documents for a counterpart's key.

    Documents named in the request (`documents[].file`) are read relative to its file.

    Example:

        justicelink coop pack request.json --to THA --out request.jlcoop
    """
    with user_errors():
        from justicelink.app.cooperation_exchange import pack_request

        packed = pack_request(
            open_register(db, audit_key, directory),
            source,
            to=to,
            authority=authority,
            out=out_file,
        )
    if as_json:
        print_json(
            {
                "package": str(packed.out),
                "bytes": packed.size,
                "documents": packed.documents,
                "recipient": packed.recipient.to_json(),
            }
        )
    else:
        out.print(
            f"Package for {packed.recipient.state} ({packed.recipient.authority}) "
            f"written to {packed.out}: {packed.documents} document(s), "
            f"{packed.size:,} bytes."
        )


def open_command(
    package: Annotated[Path, typer.Argument(help="A package received from a counterpart.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the request into.")],
    register_it: Annotated[
        bool, typer.Option("--import", help="Also add it to the register as incoming.")
    ] = False,
    db: DB = DEFAULT_URL,
    directory: DIR = Path("cooperation"),
    audit_key: AUDIT_KEY = None,
    as_json: JSON = False,
) -> None:
    """Verify and decrypt a package from a counterpart.

    Exits 1 with one line if a byte was changed or the sender's key is not registered.

    Example:

        justicelink coop open request.jlcoop --out received/ --import
    """
    with user_errors():
        from justicelink.app.cooperation_exchange import open_request

        result = open_request(
            open_register(db, audit_key, directory),
            package,
            out=out_dir,
            register_it=register_it,
        )
    sender = result.opened.sender
    if as_json:
        print_json(
            {
                "sender": sender.to_json(),
                "packed_at": result.opened.packed_at,
                "written": [str(p) for p in result.written],
                "registered": result.registered,
            }
        )
        return
    out.print(
        f"Verified: signed by {sender.state} ({sender.authority}), fingerprint "
        f"{sender.fingerprint}, packed {result.opened.packed_at}. Written to {out_dir}"
        + (f"; registered as no. {result.registered[0]}" if result.registered else "")
        + "."
    )
