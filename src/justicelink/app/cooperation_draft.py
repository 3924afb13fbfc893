"""Use case: draft a request as a Word document, with the legal basis the finder suggests."""

from __future__ import annotations

from pathlib import Path

from justicelink.app.cooperation import Register, load_one, request_from
from justicelink.cooperation.basis import APPLIES, find_basis
from justicelink.cooperation.draft import render_text, write_docx
from justicelink.cooperation.model import CooperationRequest


def basis_sentence(request: CooperationRequest, directory: Path | None) -> str:
    """The legal-basis paragraph: the request's own, else what the finder finds in force."""
    if request.legal_basis:
        return f"This request is made under {request.legal_basis}."
    first = request.offences[0] if request.offences else None
    found = find_basis(
        request.requesting_state,
        request.requested_state,
        request.type,
        iccs=first.iccs if first else None,
        on=request.date,
        max_penalty_years=first.max_penalty_years if first else None,
        directory=directory,
    )
    cites = [f.cite for f in found.of(APPLIES) if f.cite]
    if cites:
        return "This request is made under " + "; ".join(cites) + "."
    return (
        f"No treaty in force between {request.requesting_state} and {request.requested_state} "
        f"covers this request; {request.requesting_state} asks on the basis of reciprocity and "
        f"undertakes to assist {request.requested_state} in a like case."
    )


def draft_request(
    source: str,
    out: Path,
    *,
    register: Register | None,
    directory: Path | None,
    templates: Path | None = None,
) -> Path:
    """Render a request (a JSON file, or a register number) as a DOCX draft at ``out``."""
    if register is not None:
        request, _ = request_from(source, register)
    else:
        request, _ = load_one(Path(source))
    text = render_text(request, basis_text=basis_sentence(request, directory), templates=templates)
    return write_docx(text, out)
