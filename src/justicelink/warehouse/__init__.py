"""The analytical store: one port, one adapter per engine (DuckDB by default, Spark)."""

from __future__ import annotations

from justicelink.warehouse.port import (
    Engine,
    LinkageBackend,
    Warehouse,
    open_linkage,
    open_warehouse,
    warehouse_exists,
)

__all__ = [
    "Engine",
    "LinkageBackend",
    "Warehouse",
    "open_linkage",
    "open_warehouse",
    "warehouse_exists",
]
