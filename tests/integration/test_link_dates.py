"""Defaulted and partial dates of birth do not merge two people who share a common name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa

from justicelink.linkage.prepare import SOURCE_COLUMNS, prepare_rows, read_case_refs, read_records
from justicelink.linkage.run import link_records, stored_model
from justicelink.warehouse.port import open_linkage, open_warehouse

# Planted beside a small synthetic country: each pair is two different people (worked out
# by hand), sharing a name the country holds often and a date of birth that says only a
# year: 1 January (the usual default for an unknown day) or a year alone.
PLANTED = [
    {"record_id": "police:X1", "agency_id": "police", "family_name": "Khan",
     "given_names": "Mohammed Ali", "sex": "male", "date_of_birth": dt.date(1990, 1, 1),
     "dob_precision": "day", "birth_year": 1990},
    {"record_id": "courts:X2", "agency_id": "courts", "full_name": "Mohammed Ali Khan",
     "sex": "male", "date_of_birth": dt.date(1990, 1, 1), "dob_precision": "day",
     "birth_year": 1990},
    {"record_id": "police:X3", "agency_id": "police", "family_name": "Nguyen",
     "given_names": "Van An", "sex": "male", "date_of_birth": dt.date(1985, 1, 1),
     "dob_precision": "year", "birth_year": 1985},
    {"record_id": "prisons:X4", "agency_id": "prisons", "full_name": "NGUYEN Van An",
     "sex": "male", "date_of_birth": dt.date(1985, 3, 4), "dob_precision": "day",
     "birth_year": 1985},
]  # fmt: skip


def test_common_names_with_defaulted_or_year_only_dates_stay_apart(linked_country: Path) -> None:
    with open_warehouse(linked_country / "w.duckdb", read_only=True) as warehouse:
        rows = read_records(warehouse)
        refs = read_case_refs(warehouse)
        _, model = stored_model(warehouse)  # trained on the country without the planted
    planted = pa.table({c: [r.get(c) for r in PLANTED] for c in SOURCE_COLUMNS}).cast(rows.schema)
    # Make the names as common as they are in the region: forty more people of each name,
    # born over forty other years (about one a year, so that sharing a year of birth says
    # little).
    years = [y for y in range(1950, 2000) if y not in (1985, 1990)][:40]
    more = [
        {**r, "record_id": f"{r['agency_id']}:M{i}-{y}", "birth_year": y,
         "date_of_birth": dt.date(y, 1 + y % 12, 1 + y % 28 + i), "dob_precision": "day"}
        for i, r in enumerate(PLANTED[::2])
        for y in years
    ]  # fmt: skip
    common = pa.table({c: [r.get(c) for r in more] for c in SOURCE_COLUMNS}).cast(rows.schema)
    everything = pa.concat_tables([rows, planted, common])
    records, _ = prepare_rows(everything, refs)
    with open_linkage() as backend:
        linked = link_records(
            backend, records, everything.column("record_id"), threshold=0.9, model=model
        )
    person = dict(
        zip(
            linked.clusters.column("unique_id").to_pylist(),
            linked.clusters.column("cluster_id").to_pylist(),
            strict=True,
        )
    )
    assert person["police:X1"] != person["courts:X2"]
    assert person["police:X3"] != person["prisons:X4"]
