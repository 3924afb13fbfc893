"""The run manifest every published output carries: what produced it, from what.

It names the input files (with their SHA-256), the mapping file's hash, the linkage model's
hash and threshold, the justicelink version and every publication setting, and holds no
clock time: equal inputs and settings give an equal manifest. A generation time, where an
output shows one, is :func:`generation_time`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import sqlglot.expressions as exp

from justicelink import __version__
from justicelink.linkage.model import fingerprint
from justicelink.warehouse.port import Warehouse

SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"
# The time written where a file format insists on one and SOURCE_DATE_EPOCH is not set.
_FIXED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def generation_time(*, fixed: bool = False) -> dt.datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else now (or a fixed time)."""
    epoch = os.environ.get(SOURCE_DATE_EPOCH)
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return _FIXED if fixed else dt.datetime.now(dt.UTC).replace(microsecond=0)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _inputs(warehouse: Warehouse) -> list[dict[str, Any]]:
    rows = warehouse.fetch(
        exp.select("source_file", "sha256", "rows_read", "rows_loaded", "rows_quarantined")
        .from_("source_file")
        .order_by("source_file")
    )
    return [
        {"file": f, "sha256": h, "rows_read": r, "rows_loaded": ld, "rows_quarantined": q}
        for f, h, r, ld, q in rows
    ]


def _mapping(warehouse: Warehouse) -> dict[str, Any]:
    rows = warehouse.fetch(
        exp.select("mapping_path", "mapping_sha256")
        .from_("ingest_run")
        .order_by(exp.column("finished_at").desc())
        .limit(1)
    )
    if not rows:
        return {}
    return {"file": Path(str(rows[0][0])).name, "sha256": rows[0][1]}


def _model(warehouse: Warehouse) -> dict[str, Any]:
    rows = warehouse.fetch(
        exp.select("model_json", "threshold", "model_source", "records", "persons")
        .from_("link_run")
        .order_by(exp.column("finished_at").desc())
        .limit(1)
    )
    if not rows:
        return {}
    model, threshold, source, records, persons = rows[0]
    return {
        "sha256": fingerprint(json.loads(str(model))),
        "threshold": threshold,
        "source": "trained" if source == "trained" else "given",
        "records": records,
        "persons": persons,
    }


def build_manifest(warehouse: Warehouse, settings: dict[str, Any]) -> dict[str, Any]:
    """The manifest of a publication from ``warehouse`` with ``settings``."""
    return {
        "justicelink_version": __version__,
        "inputs": _inputs(warehouse),
        "mapping": _mapping(warehouse),
        "linkage_model": _model(warehouse),
        "settings": dict(sorted(settings.items())),
    }


def write_manifest(path: Path, manifest: dict[str, Any], outputs: list[Path]) -> Path:
    """manifest.json: the manifest and the SHA-256 of every output beside it."""
    body = {
        **manifest,
        "outputs": {p.name: sha256_file(p) for p in sorted(outputs) if p.is_file()},
    }
    path.write_text(json.dumps(body, indent=2, sort_keys=True, default=str) + "\n", "utf-8")
    return path
