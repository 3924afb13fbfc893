"""justicelink: from criminal-justice agency extracts to validated, linked evidence."""

from __future__ import annotations

from justicelink.errors import JusticelinkError

__all__ = ["JusticelinkError", "__version__"]
__version__ = "0.1.0"
