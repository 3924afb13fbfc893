"""The analytical store: one port, one adapter per engine (DuckDB by default)."""

from __future__ import annotations

from justicelink.warehouse.port import Warehouse, open_warehouse

__all__ = ["Warehouse", "open_warehouse"]
