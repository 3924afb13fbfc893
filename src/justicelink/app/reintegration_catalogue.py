"""The programme catalogue a plan is proposed from: the warehouse's, with places in use."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from justicelink.errors import ReintegrationError, SourceFileNotFoundError
from justicelink.reintegration.rnr import Programme
from justicelink.store.reintegration import places_in_use
from justicelink.warehouse.port import Engine, open_warehouse, warehouse_exists

if TYPE_CHECKING:
    from justicelink.app.reintegration import Caseload

__all__ = ["catalogue_from_rows", "read_catalogue"]


class _Limits(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_age: float | None = None
    max_age: float | None = None
    sexes: tuple[str, ...] = ()


def _words(text: Any) -> tuple[str, ...]:
    """``"Employment; education"`` -> ``("employment", "education")``."""
    if text is None:
        return ()
    parts = re.split(r"[;,|/]", str(text))
    return tuple(
        re.sub(r"[^0-9a-z]+", "_", p.strip().lower()).strip("_") for p in parts if p.strip()
    )


def _read_limits(path: Path | None) -> dict[str, _Limits]:
    if path is None:
        return {}
    if not path.is_file():
        raise SourceFileNotFoundError(f"{path}: programme limits file not found")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(raw, dict):
            raise ReintegrationError(f"{path}: expected programme keys with their limits")
        return {str(k): _Limits.model_validate(v or {}) for k, v in raw.items()}
    except yaml.YAMLError as exc:
        raise ReintegrationError(f"{path}: malformed YAML: {str(exc).splitlines()[0]}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise ReintegrationError(f"{path}: {where}: {first['msg']}") from None


def read_catalogue(
    caseload: Caseload,
    warehouse: Path,
    *,
    limits: Path | None = None,
    engine: Engine | None = None,
) -> list[Programme]:
    """The programme catalogue from the warehouse, with places in use.

    Places in use are the warehouse's participations still referred or ongoing, plus the
    programme actions accepted (or edited) in stored plans. ``limits`` (YAML: programme key
    -> ``min_age``, ``max_age``, ``sexes``) adds the age and sex limits a provider states in
    words only.
    """
    extra = _read_limits(limits)
    if not warehouse_exists(warehouse, engine):
        raise ReintegrationError(f"{warehouse}: no warehouse there (run justicelink ingest)")
    with open_warehouse(warehouse, read_only=True, engine=engine) as wh:
        programmes = wh.read_table("programme").to_pylist()
        participations = wh.read_table("participation").to_pylist()
    return catalogue_from_rows(caseload, programmes, participations, extra, str(warehouse))


def catalogue_from_rows(
    caseload: Caseload,
    programmes: list[dict[str, Any]],
    participations: list[dict[str, Any]],
    extra: dict[str, _Limits] | None = None,
    source: str = "the warehouse",
) -> list[Programme]:
    """The catalogue from the warehouse's ``programme`` and ``participation`` rows."""
    extra = extra or {}
    if not programmes:
        raise ReintegrationError(
            f"{source}: the programme table is empty (ingest a provider's programme file)"
        )
    key_of = {p["programme_id"]: p["programme_key"] for p in programmes}
    in_use: dict[str, int] = {}
    for row in participations:
        if row["status"] in ("referred", "ongoing") and row["programme_id"] in key_of:
            key = str(key_of[row["programme_id"]])
            in_use[key] = in_use.get(key, 0) + 1
    for key, n in places_in_use(caseload.store).items():
        in_use[key] = in_use.get(key, 0) + n
    out = []
    for p in sorted(programmes, key=lambda r: str(r["programme_key"])):
        key = str(p["programme_key"])
        lim = extra.get(key, _Limits())
        out.append(
            Programme(
                key=key,
                name=str(p["name"] or key),
                setting=str(p["setting"] or "community"),
                needs=_words(p["needs_targeted"]),
                risk_levels=_words(p["risk_levels"]),
                capacity=p["capacity"],
                in_use=in_use.get(key, 0),
                min_age=lim.min_age,
                max_age=lim.max_age,
                sexes=lim.sexes,
                eligibility=str(p["eligibility"] or ""),
            )
        )
    return out
