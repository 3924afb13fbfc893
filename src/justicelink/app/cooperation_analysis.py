"""Use cases of the central authority that read requests and reference data, not the register:
the completeness check, the dual-criminality pre-check, the legal-basis finder and the party
lists. (The register's own use cases are in :mod:`justicelink.app.cooperation`.)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from justicelink.cooperation.basis import Basis, find_basis
from justicelink.cooperation.completeness import Completeness, check_request
from justicelink.cooperation.country import accepted_languages, load_declarations, load_practice
from justicelink.cooperation.dualcrim import DualCriminality, load_penal_code, precheck
from justicelink.cooperation.instruments import BY_ID, INSTRUMENTS
from justicelink.cooperation.model import CooperationRequest, read_requests
from justicelink.cooperation.parties import PartyList, load_party_list, refresh_party_list
from justicelink.cooperation.vocabulary import RequestType
from justicelink.errors import CooperationError


def load_one(path: Path) -> tuple[CooperationRequest, Path]:
    """The single request in a file, and the folder its documents are relative to."""
    requests = read_requests(path)
    if len(requests) != 1:
        raise CooperationError(f"{path}: holds {len(requests)} requests; give a file with one")
    return requests[0], path.parent


def check_one(request: CooperationRequest, directory: Path | None) -> Completeness:
    """What a request lacks, with the requested state's languages and declarations."""
    declarations = load_declarations(directory)
    languages = accepted_languages(request.requested_state, load_practice(directory), declarations)
    return check_request(request, accepted_languages=languages, declarations=declarations)


def check_file(path: Path, directory: Path | None) -> Completeness:
    """The completeness check of the request in a JSON file (nothing is stored)."""
    request, _ = load_one(path)
    return check_one(request, directory)


def dual_criminality(
    iccs: str, kind: RequestType, penal_code: Path, *, threshold: float | None = None
) -> DualCriminality:
    """The double-criminality pre-check of a foreign offence against the national penal code."""
    return precheck(iccs, load_penal_code(penal_code), kind, threshold=threshold)


def legal_basis(
    requesting: str,
    requested: str,
    kind: RequestType,
    *,
    iccs: str | None,
    on: dt.date | None,
    max_penalty_years: float | None,
    directory: Path | None,
    penal_code: Path | None = None,
) -> Basis:
    """The legal-basis finder, with the dual-criminality pre-check when a penal code is given."""
    dual = dual_criminality(iccs, kind, penal_code) if penal_code is not None and iccs else None
    return find_basis(
        requesting,
        requested,
        kind,
        iccs=iccs,
        on=on,
        max_penalty_years=max_penalty_years,
        directory=directory,
        dual_criminality=dual,
    )


def party_lists(directory: Path | None) -> list[PartyList]:
    """Each instrument's party list in use, with its as-of date and source."""
    return [load_party_list(i, directory) for i in INSTRUMENTS]


def refresh_parties(
    directory: Path, instrument: str, csv_path: Path, *, as_of: dt.date, source: str
) -> PartyList:
    """Replace one instrument's party list with a validated CSV.

    Raises:
        CooperationError: unknown instrument or invalid CSV.
    """
    if instrument not in BY_ID:
        raise CooperationError(
            f"unknown instrument {instrument!r}; instruments: {', '.join(BY_ID)}"
        )
    return refresh_party_list(BY_ID[instrument], csv_path, directory, as_of=as_of, source=source)
