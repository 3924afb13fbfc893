"""Labelled data to judge a linkage by: what a country can give `link --evaluate`.

Three forms, told apart by their columns (docs/linkage.md, "Judging the quality"):

- a **cluster file** (CSV): ``agency, record_key, person`` and optionally ``tradition``:
  which records are one person, for the records it lists (all of them, or a sample);
- **labelled pairs** (CSV): ``agency_a, key_a, agency_b, key_b, label`` with ``label``
  ``same`` or ``different`` and optionally ``tradition``; a clerical sample exported by
  ``link review --export`` and filled in (``record_id_l, record_id_r, decision``) is read
  as labelled pairs too;
- the ``truth/`` folder of a synthetic country (``justicelink synth``).

Records are named by agency and record key, as the agency wrote the key (a key of several
columns with its parts joined by ``|``); :func:`resolve` turns them into record ids.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from justicelink.errors import SourceFileNotFoundError, TruthFileError

CLUSTER_COLUMNS = ("agency", "record_key", "person")
PAIR_COLUMNS = ("agency_a", "key_a", "agency_b", "key_b", "label")
REVIEW_COLUMNS = ("record_id_l", "record_id_r", "decision")
LABELS = ("same", "different")


@dataclass
class Labels:
    """Labels read from a file, keyed by (agency, record key) until resolved.

    Attributes:
        kind: ``clusters``, ``pairs`` or ``synthetic``.
        persons: (agency, key) -> person label (cluster files).
        pairs: ((agency, key), (agency, key), same) (pair files).
        traditions: (agency, key) or a person label -> naming tradition, where recorded.
        rows: Data rows read.
    """

    kind: str
    source: Path
    persons: dict[tuple[str, str], str] = field(default_factory=dict)
    pairs: list[tuple[tuple[str, str], tuple[str, str], bool]] = field(default_factory=list)
    traditions: dict[tuple[str, str], str] = field(default_factory=dict)
    rows: int = 0


def _split_id(record_id: str, where: str) -> tuple[str, str]:
    agency, sep, key = record_id.strip().partition(":")
    if not sep or not agency or not key:
        raise TruthFileError(f"{where}: {record_id!r} is not a record id (agency:key)")
    return agency, key


def _label(value: str, where: str) -> bool | None:
    text = value.strip().lower()
    if not text:
        return None
    if text not in LABELS:
        raise TruthFileError(f"{where}: {value!r} is not same or different")
    return text == "same"


def read_labels(path: Path) -> Labels:
    """Read a cluster file or a labelled-pairs file (a folder is a synthetic truth folder,
    read by :func:`justicelink.linkage.evaluate.read_truth` instead).

    Raises:
        SourceFileNotFoundError: no such file.
        TruthFileError: the columns are none of the documented sets, or a row is malformed
            (one line naming the file, row and column).
    """
    if not path.is_file():
        raise SourceFileNotFoundError(f"{path}: no such labels file")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = set(reader.fieldnames or [])
        if set(CLUSTER_COLUMNS) <= columns or {"agency", "record_key", "person_id"} <= columns:
            labels = Labels("clusters", path)
            person = "person" if "person" in columns else "person_id"
            for row in reader:
                where = f"{path}, row {reader.line_num - 1}"
                key = (row["agency"].strip(), row["record_key"].strip())
                if not all(key) or not (row[person] or "").strip():
                    raise TruthFileError(f"{where}: agency, record_key and {person} are needed")
                labels.persons[key] = row[person].strip()
                if (row.get("tradition") or "").strip():
                    labels.traditions[key] = row["tradition"].strip()
                labels.rows += 1
            return labels
        if set(PAIR_COLUMNS) <= columns or set(REVIEW_COLUMNS) <= columns:
            labels = Labels("pairs", path)
            review = not set(PAIR_COLUMNS) <= columns
            for row in reader:
                where = f"{path}, row {reader.line_num - 1}"
                same = _label(row["decision" if review else "label"] or "", where)
                labels.rows += 1
                if same is None:
                    continue  # an undecided row of a clerical sample
                if review:
                    a = _split_id(row["record_id_l"] or "", f"{where}, column record_id_l")
                    b = _split_id(row["record_id_r"] or "", f"{where}, column record_id_r")
                else:
                    a = (row["agency_a"].strip(), row["key_a"].strip())
                    b = (row["agency_b"].strip(), row["key_b"].strip())
                if not all(a) or not all(b) or a == b:
                    raise TruthFileError(f"{where}: needs two different records")
                labels.pairs.append((a, b, same))
                tradition = (row.get("tradition") or "").strip()
                if tradition:
                    labels.traditions[a] = labels.traditions[b] = tradition
            return labels
    raise TruthFileError(
        f"{path}: expected the columns {', '.join(CLUSTER_COLUMNS)} (a cluster file) or "
        f"{', '.join(PAIR_COLUMNS)} (labelled pairs), or a `link review` export"
    )


def resolve(
    labels: Labels, record_ids: Mapping[tuple[str, str], str]
) -> tuple[dict[str, str], list[tuple[str, str, bool]], dict[str, str], int]:
    """Labels keyed by record id.

    Args:
        labels: As read.
        record_ids: (agency, record key) -> record id, for the warehouse's records.

    Returns:
        record id -> person (clusters), (record id, record id, same) (pairs), record id ->
        tradition, and how many labelled records the warehouse does not have.
    """

    def find(key: tuple[str, str]) -> str | None:
        # A key of several columns is stored with its parts joined by "\\x1f".
        return record_ids.get(key) or record_ids.get((key[0], key[1].replace("|", "\x1f")))

    unknown = 0
    persons: dict[str, str] = {}
    for key, person in labels.persons.items():
        rid = find(key)
        if rid is None:
            unknown += 1
        else:
            persons[rid] = person
    pairs: list[tuple[str, str, bool]] = []
    for a, b, same in labels.pairs:
        ra, rb = find(a), find(b)
        if ra is None or rb is None:
            unknown += 1
        else:
            pairs.append((ra, rb, same))
    traditions = {rid: t for key, t in labels.traditions.items() if (rid := find(key))}
    return persons, pairs, traditions, unknown
