"""Reference files: the population table and the national penal code."""

from __future__ import annotations

import numpy as np

from justicelink.synth import codes
from justicelink.synth.tables import Table

AGE_BANDS: tuple[str, ...] = ("0-14", "15-17", "18-29", "30-44", "45-59", "60+")
_BAND_SHARES = np.array([0.24, 0.05, 0.19, 0.22, 0.18, 0.12])

#: Residents per true person generated: keeps rates (e.g. homicides per 100,000) plausible.
RESIDENTS_PER_PERSON = 100


def population_table(
    rng: np.random.Generator, people: int, first_year: int, last_year: int
) -> Table:
    """Mid-year resident population by year, district, sex and age band (1 % yearly growth)."""
    total = people * RESIDENTS_PER_PERSON
    dw = np.array(codes.DISTRICT_WEIGHTS) / sum(codes.DISTRICT_WEIGHTS)
    rows: list[tuple[str, str, str, str, str]] = []
    jitter = rng.uniform(0.97, 1.03, (len(dw), 2, len(AGE_BANDS)))
    for y in range(first_year, last_year + 1):
        growth = 1.01 ** (y - first_year)
        for d, district in enumerate(codes.DISTRICTS):
            for s, sex in enumerate(("M", "F")):
                for b, band in enumerate(AGE_BANDS):
                    value = total * growth * dw[d] * 0.5 * _BAND_SHARES[b] * jitter[d, s, b]
                    rows.append((str(y), district, sex, band, str(max(1, round(value)))))
    cols = list(zip(*rows, strict=True))
    names = ("year", "area", "sex", "age_band", "population")
    return Table(
        "reference/population.csv",
        {n: np.array(c, dtype=object) for n, c in zip(names, cols, strict=True)},
    )


def penal_code_table() -> Table:
    """The national penal code with its ICCS mapping and maximum penalties (years), unmapped
    codes left out on purpose."""
    rows = codes.penal_code_rows()
    return Table(
        "reference/penal_code.csv",
        {
            "national_code": np.array([r[0] for r in rows], dtype=object),
            "title": np.array([r[1] for r in rows], dtype=object),
            "iccs_code": np.array([r[2] for r in rows], dtype=object),
            "max_penalty_years": np.array([r[3] for r in rows], dtype=object),
        },
        free_text=frozenset({"title"}),
    )
