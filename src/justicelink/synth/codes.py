"""The national offence codes of Examplia and their true ICCS classification.

Each code carries a share of recorded offences, a seriousness class that drives arrest,
remand and sentencing, and the kind of victim a police involvement records. A few codes occur
in the extracts but are deliberately left out of ``reference/penal_code.csv`` (unmapped), so that
the classification step always meets codes it cannot map.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# Seriousness classes.
MINOR, SERIOUS, GRAVE = 1, 2, 3

# Victim kinds recorded as a police involvement with role V.
NO_VICTIM, HOMICIDE, SEXUAL, VIOLENT, PROPERTY = 0, 1, 2, 3, 4


@dataclass(frozen=True)
class OffenceCode:
    """One national offence code.

    Attributes:
        code: National code as written in the extracts (e.g. ``PC-302``).
        title: Statutory title.
        iccs: True ICCS code (levels 2-4).
        weight: Relative share among offences committed.
        seriousness: MINOR, SERIOUS or GRAVE.
        victim: Victim kind recorded by the police.
        mapped: Whether the code appears in ``reference/penal_code.csv``.
        attempt_share: Share of offences recorded as attempts (flag ``attempted=Y``).
        max_penalty_years: The statutory maximum, in years of imprisonment (30 stands for the
            murder and trafficking maxima that real codes write as life or death).
    """

    code: str
    title: str
    iccs: str
    weight: float
    seriousness: int
    victim: int
    mapped: bool = True
    attempt_share: float = 0.0
    max_penalty_years: float = 0.0


CODES: tuple[OffenceCode, ...] = (
    OffenceCode("PC-302", "Murder", "0101", 0.010, GRAVE, HOMICIDE, max_penalty_years=30),
    OffenceCode(
        "PC-304A",
        "Causing death by negligence",
        "01032",
        0.002,
        SERIOUS,
        HOMICIDE,
        max_penalty_years=2,
    ),
    OffenceCode(
        "PC-307",
        "Attempt to murder",
        "0102",
        0.004,
        GRAVE,
        VIOLENT,
        attempt_share=1.0,
        max_penalty_years=10,
    ),
    OffenceCode(
        "PC-325",
        "Voluntarily causing grievous hurt",
        "020111",
        0.045,
        SERIOUS,
        VIOLENT,
        max_penalty_years=7,
    ),
    OffenceCode(
        "PC-323", "Voluntarily causing hurt", "020112", 0.110, MINOR, VIOLENT, max_penalty_years=1
    ),
    OffenceCode(
        "PC-506", "Criminal intimidation", "02012", 0.035, MINOR, VIOLENT, max_penalty_years=2
    ),
    OffenceCode("PC-363", "Kidnapping", "020221", 0.003, GRAVE, VIOLENT, max_penalty_years=7),
    OffenceCode(
        "PC-376", "Rape", "03011", 0.010, GRAVE, SEXUAL, attempt_share=0.1, max_penalty_years=20
    ),
    OffenceCode(
        "PC-354",
        "Outrage of modesty (sexual assault)",
        "03012",
        0.015,
        SERIOUS,
        SEXUAL,
        max_penalty_years=2,
    ),
    OffenceCode(
        "PC-392", "Robbery", "0401", 0.040, GRAVE, PROPERTY, attempt_share=0.1, max_penalty_years=10
    ),
    OffenceCode("PC-384", "Extortion", "02051", 0.005, SERIOUS, PROPERTY, max_penalty_years=3),
    OffenceCode(
        "PC-457",
        "House-breaking of a dwelling",
        "05012",
        0.050,
        SERIOUS,
        PROPERTY,
        attempt_share=0.15,
        max_penalty_years=5,
    ),
    OffenceCode(
        "PC-454",
        "House-breaking of business premises",
        "05011",
        0.020,
        SERIOUS,
        NO_VICTIM,
        attempt_share=0.15,
        max_penalty_years=3,
    ),
    OffenceCode(
        "PC-379", "Theft", "05022", 0.140, MINOR, PROPERTY, attempt_share=0.05, max_penalty_years=3
    ),
    OffenceCode(
        "PC-379A",
        "Theft of a motor vehicle",
        "05021",
        0.030,
        SERIOUS,
        PROPERTY,
        max_penalty_years=7,
    ),
    OffenceCode(
        "PC-380", "Theft from a shop", "050231", 0.080, MINOR, NO_VICTIM, max_penalty_years=3
    ),
    OffenceCode(
        "PC-411", "Receiving stolen property", "0704", 0.020, MINOR, NO_VICTIM, max_penalty_years=3
    ),
    OffenceCode("PC-420", "Cheating", "0701", 0.050, MINOR, PROPERTY, max_penalty_years=7),
    OffenceCode("PC-465", "Forgery", "07023", 0.010, SERIOUS, NO_VICTIM, max_penalty_years=2),
    OffenceCode(
        "PC-161",
        "Bribery of a public servant",
        "07031",
        0.003,
        SERIOUS,
        NO_VICTIM,
        max_penalty_years=5,
    ),
    OffenceCode(
        "PC-427", "Mischief causing damage", "0504", 0.050, MINOR, NO_VICTIM, max_penalty_years=2
    ),
    OffenceCode("PC-160", "Affray", "08011", 0.030, MINOR, NO_VICTIM, max_penalty_years=0.5),
    OffenceCode(
        "PC-294", "Obscene acts in public", "0802", 0.005, MINOR, NO_VICTIM, max_penalty_years=0.25
    ),
    OffenceCode(
        "PC-174", "Breach of a court order", "08062", 0.020, MINOR, NO_VICTIM, max_penalty_years=0.5
    ),
    OffenceCode(
        "PC-186",
        "Obstructing a public servant",
        "08061",
        0.010,
        MINOR,
        NO_VICTIM,
        max_penalty_years=0.25,
    ),
    OffenceCode(
        "DDA-8",
        "Possession of a dangerous drug",
        "060111",
        0.100,
        MINOR,
        NO_VICTIM,
        max_penalty_years=10,
    ),
    OffenceCode(
        "DDA-15",
        "Trafficking in a dangerous drug",
        "06012",
        0.030,
        GRAVE,
        NO_VICTIM,
        max_penalty_years=30,
    ),
    OffenceCode(
        "AEA-19",
        "Unlawful possession of a firearm",
        "090111",
        0.010,
        SERIOUS,
        NO_VICTIM,
        max_penalty_years=10,
    ),
    OffenceCode(
        "RTA-44",
        "Driving under the influence of alcohol",
        "020721",
        0.040,
        MINOR,
        NO_VICTIM,
        max_penalty_years=0.5,
    ),
    OffenceCode(
        "RTA-41",
        "Causing death by dangerous driving",
        "010321",
        0.002,
        SERIOUS,
        HOMICIDE,
        max_penalty_years=10,
    ),
    OffenceCode(
        "IMA-6",
        "Unlawful entry into Examplia",
        "0805",
        0.010,
        MINOR,
        NO_VICTIM,
        max_penalty_years=0.5,
    ),
    OffenceCode(
        "LQA-14",
        "Unlicensed sale of liquor",
        "060212",
        0.008,
        MINOR,
        NO_VICTIM,
        max_penalty_years=0.5,
    ),
    OffenceCode(
        "GMA-4", "Unlawful gaming", "08043", 0.010, MINOR, NO_VICTIM, max_penalty_years=0.5
    ),
    # Recorded in the extracts but missing from reference/penal_code.csv on purpose.
    OffenceCode(
        "PC-186A",
        "Assaulting a public servant",
        "020112",
        0.006,
        MINOR,
        NO_VICTIM,
        mapped=False,
        max_penalty_years=2,
    ),
    OffenceCode(
        "DDA-9A",
        "Possession of drug utensils",
        "06019",
        0.008,
        MINOR,
        NO_VICTIM,
        mapped=False,
        max_penalty_years=1,
    ),
    OffenceCode(
        "MVA-12",
        "Careless driving",
        "02079",
        0.006,
        MINOR,
        NO_VICTIM,
        mapped=False,
        max_penalty_years=0.25,
    ),
)

#: Codes written in a few rows that exist nowhere (keying errors). A lower-case form of a real
#: code is not among them: ingest compares codes case-blind, so it would map.
TYPO_CODES: tuple[str, ...] = ("PC-3790", "PC 323", "DAA-8", "PC-42O", "PC-37 9", "PC-3255")

DISTRICTS: tuple[str, ...] = (
    "Port Examplia",
    "Northern Heights",
    "Riverside",
    "Eastbay",
    "Highlands",
    "Southport",
    "Lakeside",
    "Westfield",
    "Coral Coast",
    "Mangrove Bay",
)
#: Relative population of each district (the capital is the largest).
DISTRICT_WEIGHTS: tuple[float, ...] = (0.28, 0.12, 0.11, 0.10, 0.08, 0.09, 0.07, 0.06, 0.05, 0.04)


def code_array(attr: str) -> npt.NDArray[np.float64]:
    """Return one numeric attribute of every code, in ``CODES`` order."""
    return np.array([float(getattr(c, attr)) for c in CODES], dtype=np.float64)


def penal_code_rows() -> list[tuple[str, str, str, str]]:
    """Rows of ``reference/penal_code.csv``: ``(national_code, title, iccs_code,
    max_penalty_years)``, mapped codes only."""
    return [(c.code, c.title, c.iccs, f"{c.max_penalty_years:g}") for c in CODES if c.mapped]
