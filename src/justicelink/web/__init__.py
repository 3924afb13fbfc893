"""The web application (FastAPI + Jinja2, server-rendered, every asset served locally)."""

from __future__ import annotations

from justicelink.web.app import create_app

__all__ = ["create_app"]
