"""Ingest: mapping file, readers, validation and quarantine, loading into the warehouse."""

from __future__ import annotations

from justicelink.ingest.loader import FileReport, IngestReport, ingest
from justicelink.ingest.mapping import Mapping, json_schema, load_mapping

__all__ = ["FileReport", "IngestReport", "Mapping", "ingest", "json_schema", "load_mapping"]
