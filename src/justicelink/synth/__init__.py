"""The synthetic country Examplia: true persons, their criminal careers, and agency extracts.

:func:`generate_country` writes, under one directory, the extracts each agency would hand over
(in the layouts ``agencies.yaml`` describes, with each agency's identity errors and bad rows),
the reference files, a year of international cooperation requests, and the truth the
evaluation compares against.
"""

from __future__ import annotations

import multiprocessing
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from justicelink.synth import calendar, codes, effects, justice, programmes
from justicelink.synth.agencies import (
    write_courts,
    write_prisons,
    write_probation,
    write_prosecution,
)
from justicelink.synth.careers import YEAR, Careers, generate_careers
from justicelink.synth.common import World
from justicelink.synth.cooperation import write_cooperation
from justicelink.synth.errors import SynthError
from justicelink.synth.identity_noise import NOISE_PROFILES
from justicelink.synth.names import build_pools
from justicelink.synth.persons import Victims, assign_victims, build_identities
from justicelink.synth.police import write_police
from justicelink.synth.provider import write_provider
from justicelink.synth.reference import penal_code_table, population_table
from justicelink.synth.tables import Table, write_csv, write_jsonl, write_xlsx
from justicelink.synth.truth import write_truth

__all__ = ["SynthError", "SynthSummary", "generate_country"]

#: Share of true persons who appear only as victims.
VICTIM_ONLY_SHARE = 0.22


@dataclass(frozen=True)
class SynthSummary:
    """What :func:`generate_country` wrote.

    Attributes:
        out: The country directory.
        people: True persons appearing in the extracts.
        person_records: Person records over all persons extracts (bad rows included).
        files: Data rows written per file (relative path; workbook sheets as ``file#Sheet``).
        seconds: Wall-clock time taken.
        seed: Seed used.
    """

    out: Path
    people: int
    person_records: int
    files: dict[str, int]
    seconds: float
    seed: int


def generate_country(
    out: Path,
    *,
    people: int = 5000,
    first_year: int = 2018,
    last_year: int = 2023,
    seed: int = 1,
    noise_profile: str = "default",
    progress: Callable[[str, float], None] | None = None,
) -> SynthSummary:
    """Generate the synthetic country into ``out``.

    Args:
        out: Directory to write (created if needed; existing files are overwritten).
        people: Number of true persons appearing in at least one extract (>= 1).
        first_year: First calendar year of the extracts.
        last_year: Last calendar year (inclusive; events after 31 December are not written).
        seed: Seed; the same seed and arguments give byte-identical files.
        noise_profile: The agencies' error mix: ``default``, or ``harsh`` (more missing,
            year-only and defaulted dates of birth, more typing slips, aliases, nicknames,
            dropped second given names; for checking linkage on noise it was not tuned on).
        progress: Called as ``progress(stage, fraction_done)`` between stages.

    Returns:
        A summary of what was written.

    Raises:
        SynthError: If ``people < 1``, ``last_year < first_year`` or the noise profile
            is unknown.
    """
    if people < 1:
        raise SynthError(f"people must be at least 1, got {people}")
    if last_year < first_year:
        raise SynthError(f"last_year ({last_year}) is before first_year ({first_year})")
    if first_year <= 1900 or last_year >= 2090:
        raise SynthError("years must lie between 1901 and 2089")
    if noise_profile not in NOISE_PROFILES:
        known = ", ".join(NOISE_PROFILES)
        raise SynthError(f"noise profile {noise_profile!r} is not known (profiles: {known})")
    began = time.perf_counter()

    def report(stage: str, done: float) -> None:
        if progress is not None:
            progress(stage, done)

    out = Path(out)
    rng = np.random.default_rng(seed)
    start, end = calendar.day_number(first_year), calendar.day_number(last_year, 12, 31)
    report("careers", 0.0)
    pools = build_pools()
    n_victims = round(people * VICTIM_ONLY_SHARE) if people > 1 else 0
    n_offenders = people - n_victims
    car = generate_careers(rng, n_offenders, start, end)
    age = (car.date - car.dob[car.person]) / YEAR
    flow = justice.process(rng, car.date, car.code, age, end)
    # People do not offend in the community while held for an earlier offence.
    keep = ~justice.in_custody(car.person, car.date, flow)
    baseline = effects.Offences(car.person[keep], car.date[keep], car.code[keep], flow.subset(keep))
    report("programmes", 0.1)
    state, offences = _programmes(seed, car, baseline, start, end)
    off_person, off_date, off_code, flow = (
        offences.person,
        offences.date,
        offences.code,
        offences.flow,
    )
    victims, v_sex, v_dob = assign_victims(
        rng, off_person, off_date, off_code, n_offenders, n_victims
    )
    report("identities", 0.2)
    sex = np.concatenate([car.sex, v_sex])
    dob = np.concatenate([car.dob, v_dob])
    persons = build_identities(rng, pools, sex, dob)
    home = persons.district[off_person]
    off_district = np.where(
        rng.random(len(off_person)) < 0.7,
        home,
        rng.integers(0, len(codes.DISTRICTS), len(off_person)),
    )
    w = World(
        rng=rng,
        pools=pools,
        persons=persons,
        off_person=off_person,
        off_date=off_date,
        off_code=off_code,
        off_district=off_district,
        flow=flow,
        victims=Victims(victims.offence, victims.person),
        start=start,
        end=end,
        noise=noise_profile,
        programmes=state,
    )
    stages: list[tuple[str, Callable[[World], None]]] = [
        ("police", write_police),
        ("prosecution", write_prosecution),
        ("courts", write_courts),
        ("prisons", write_prisons),
        ("probation", write_probation),
        ("programme provider", write_provider),
    ]
    for i, (name, stage) in enumerate(stages):
        report(name, 0.25 + 0.35 * i / len(stages))
        stage(w)
    report("writing", 0.6)
    population = population_table(rng, people, first_year, last_year)
    files, wait_for_workbook = _write_extracts(w, out, population)
    report("truth", 0.85)
    counts = write_truth(
        w,
        out,
        {"seed": seed, "first_year": first_year, "last_year": last_year, "people": people}
        | ({"noise_profile": noise_profile} if noise_profile != "default" else {}),
        population,
    )
    files["cooperation/requests.jsonl"] = write_cooperation(w, out, seed=seed, year=last_year)
    wait_for_workbook()
    report("done", 1.0)
    return SynthSummary(
        out=out,
        people=people,
        person_records=counts["records"],
        files=files,
        seconds=time.perf_counter() - began,
        seed=seed,
    )


def _programmes(
    seed: int, car: Careers, baseline: effects.Offences, start: int, end: int
) -> tuple[effects.ProgrammeState, effects.Offences]:
    """Referrals, participations and the offences as the programmes' true effects leave them.

    A generator of its own (from the seed) keeps the draws of the rest of the country in
    the same order whatever the programmes do.
    """
    rng = np.random.default_rng([seed, 14])
    motivation = rng.normal(size=len(car.sex))
    found = programmes.candidates(car, baseline.person, baseline.flow, start, end)
    parts, placebo = programmes.refer(rng, found, motivation)
    offences = effects.apply_effects(rng, car, parts, baseline, end)
    truth = effects.true_effects(parts, placebo, baseline, offences, end)
    return effects.ProgrammeState(parts, placebo, motivation, truth, car.needs), offences


def _write_extracts(
    w: World, out: Path, population: Table
) -> tuple[dict[str, int], Callable[[], None]]:
    """Write every extract; returns row counts and a function that waits for the workbook.

    The workbook (pure-Python xlsxwriter, the slowest writer) is written in a forked process
    where the platform allows, so that it overlaps with the CSV, JSON-lines and truth writing.
    """
    out.mkdir(parents=True, exist_ok=True)
    mapping = resources.files("justicelink.synth").joinpath("agencies.yaml")
    with resources.as_file(mapping) as src:
        shutil.copyfile(src, out / "agencies.yaml")
    reference = [population, penal_code_table()]
    files = {table.path: len(table) for table in [*reference, *w.tables]}
    sheets = [(t.path.split("#")[1], t) for t in w.tables if "#" in t.path]
    workbook = out / "prisons" / "prisons.xlsx"
    wait = _start_workbook(workbook, sheets)
    for table in [*reference, *w.tables]:
        if "#" in table.path:
            continue
        if table.path.endswith(".jsonl"):
            write_jsonl(out / table.path, table, w.numeric_columns.get(table.path, frozenset()))
        else:
            delimiter = ";" if table.path.startswith("prosecution/") else ","
            write_csv(out / table.path, table, delimiter)
    return files, wait


def _start_workbook(path: Path, sheets: list[tuple[str, Table]]) -> Callable[[], None]:
    if "fork" not in multiprocessing.get_all_start_methods():
        write_xlsx(path, sheets)
        return lambda: None
    proc = multiprocessing.get_context("fork").Process(target=write_xlsx, args=(path, sheets))
    proc.start()

    def wait() -> None:
        proc.join()
        if proc.exitcode != 0:
            raise SynthError(f"writing {path} failed (exit code {proc.exitcode})")

    return wait
