"""`justicelink serve`: the web app over a warehouse and an operational store."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer

from justicelink.cli._common import err, user_errors
from justicelink.cli._store import AGENCIES, AUDIT_KEY, DB
from justicelink.store.db import DEFAULT_URL


def _band(text: str) -> tuple[float, float]:
    from justicelink.errors import InputError

    try:
        low, high = (float(part) for part in text.split(":"))
    except ValueError:
        raise InputError(f"--review-band {text!r}: give LOW:HIGH, e.g. 0.5:0.99") from None
    if not 0 <= low < high <= 1:
        raise InputError(f"--review-band {text!r}: need 0 <= LOW < HIGH <= 1")
    return low, high


def _proxies(given: list[str]) -> list[str]:
    from justicelink.errors import InputError

    for proxy in given:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise InputError(
                f"--trusted-proxy {proxy!r}: give an IP address or network (e.g. 10.0.0.5 or "
                "10.0.0.0/24)"
            ) from None
    return given


def serve(
    warehouse: Annotated[
        Path, typer.Option(help="DuckDB warehouse file, after `ingest` and `link`.")
    ] = Path("justicelink.duckdb"),
    db: DB = DEFAULT_URL,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    secure_cookies: Annotated[
        bool,
        typer.Option(
            help="Mark the session cookie Secure (behind a proxy that terminates HTTPS).",
        ),
    ] = False,
    trusted_proxy: Annotated[
        list[str] | None,
        typer.Option(
            help="Address or network of a reverse proxy whose X-Forwarded-For and "
            "X-Forwarded-Proto are believed (repeat for several). Without it these headers "
            "are ignored from everyone.",
        ),
    ] = None,
    review_band: Annotated[
        str,
        typer.Option(help="Match probabilities LOW:HIGH a linkage reviewer may be shown."),
    ] = "0.5:0.99",
    agencies: AGENCIES = None,
    audit_key: AUDIT_KEY = None,
    checkpoint_file: Annotated[
        Path | None,
        typer.Option(
            help="Append a signed checkpoint of the audit log to this file every hour while "
            "serving (JSON lines; also `justicelink audit checkpoint --export`)."
        ),
    ] = None,
    keep_evaluations: Annotated[
        int,
        typer.Option(
            min=0,
            help="Minutes an evaluation's report and its list of participants left out are "
            "kept in memory for download by the analyst who ran it (0: not kept). The "
            "uploaded participant list itself is never stored.",
        ),
    ] = 60,
    coop_dir: Annotated[
        Path,
        typer.Option(
            "--coop-dir",
            envvar="JUSTICELINK_COOP_DIR",
            help="The cooperation folder the request pages read (as `coop --dir`).",
        ),
    ] = Path("cooperation"),
) -> None:
    """Serve the dashboard, data quality, programme evaluation, linkage review, person
    timelines and audit log.

    Create a user first; the command prints a one-time enrolment link:

        echo 'a long first passphrase' | justicelink users add ana --role analyst
        --password-stdin

        justicelink serve --warehouse demo/justicelink.duckdb

    then open the link. The store is created or migrated on start.
    """
    with user_errors():
        import uvicorn

        from justicelink.store.audit import AuditLog
        from justicelink.store.db import Store
        from justicelink.web.app import create_app
        from justicelink.web.data import Evidence

        band = _band(review_band)
        proxies = _proxies(trusted_proxy or [])
        evidence = Evidence(warehouse)
        store = Store(db)
        app = create_app(
            evidence=evidence,
            store=store,
            audit=AuditLog(store, key_path=audit_key, checkpoint_file=checkpoint_file),
            secure_cookies=secure_cookies,
            trusted_proxies=proxies,
            review_band=band,
            agencies=(
                frozenset(a.strip() for a in agencies.split(",") if a.strip()) if agencies else None
            ),
            cooperation_dir=coop_dir,
        )
        from justicelink.web.evaluation import Shelf

        app.state.evaluations = Shelf(minutes=keep_evaluations)
        err.print(f"serving {warehouse} with store {store.display_url} on http://{host}:{port}")
    # The app applies X-Forwarded-* itself, from --trusted-proxy only; uvicorn must not.
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)
