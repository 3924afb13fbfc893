"""A request drafted as a Word document (DOCX) from a template.

Templates are Jinja2 text under ``cooperation/templates``, one per family of request
(``extradition.txt.j2``; ``request.txt.j2`` for every other type), written in a small line
syntax that maps onto Word: ``# `` a title, ``## `` a heading, ``- `` a bullet, and
blank-line separated paragraphs. An element the request lacks is written as
``[missing: ...]`` so the draft shows its gaps where they are. A country changes the wording
by passing its own template folder.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jinja2
from docx import Document

from justicelink.cooperation.model import CooperationRequest
from justicelink.cooperation.vocabulary import RequestType

_PACKAGE_TEMPLATES = Path(__file__).parent / "templates"


def template_name(kind: RequestType) -> str:
    """The template a request type is drafted from."""
    return "extradition.txt.j2" if kind is RequestType.EXTRADITION else "request.txt.j2"


def render_text(
    request: CooperationRequest, *, basis_text: str, templates: Path | None = None
) -> str:
    """The draft in the template's line syntax."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(templates or _PACKAGE_TEMPLATES)]),
        autoescape=False,  # plain text bound for Word, not HTML
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    context: dict[str, Any] = {
        "r": request,
        "kind_title": request.type.description.split(":")[0],
        "basis_text": basis_text,
        "today": dt.date.today().isoformat(),
    }
    return env.get_template(template_name(request.type)).render(**context)


def write_docx(text: str, out: Path) -> Path:
    """Write the rendered draft as a DOCX file (python-docx)."""
    document = Document()
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            document.add_paragraph("\n".join(paragraph))
            paragraph.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            flush()
        elif stripped.startswith("## "):
            flush()
            document.add_heading(stripped[3:], level=2)
        elif stripped.startswith("# "):
            flush()
            document.add_heading(stripped[2:], level=1)
        elif stripped.startswith("- "):
            flush()
            document.add_paragraph(stripped[2:], style="List Bullet")
        else:
            paragraph.append(stripped)
    flush()
    out.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(out))
    return out
