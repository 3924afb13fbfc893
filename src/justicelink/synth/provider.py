"""The programme provider's extracts: its participants, its programmes and who took part.

The provider (an NGO, agency ``ngo``) knows its participants by name and date of birth, typed
from referral forms; no key of another agency. Linkage finds them among the justice agencies'
records like anyone else.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from justicelink.synth import calendar
from justicelink.synth.common import (
    World,
    dob_texts,
    finish,
    one_record_each,
    person_table,
    seq_keys,
)
from justicelink.synth.effects import ProgrammeState
from justicelink.synth.justice import NEVER
from justicelink.synth.programmes import CATALOGUE
from justicelink.synth.tables import BadRowSpec, Table

IntArray = npt.NDArray[np.int64]
ObjArray = npt.NDArray[np.object_]

PARTICIPANTS = "ngo/participants.csv"
PROGRAMMES = "ngo/programmes.csv"
PARTICIPATIONS = "ngo/participations.csv"
_ISO = "%Y-%m-%d"
_SESSION_DAYS = 3.5  # two sessions a week


def _capacity(state: ProgrammeState, k: int, end: int) -> int:
    """Places a year: the busiest year's starts with a quarter to spare, in fives."""
    parts = state.participations
    starts = parts.start[(parts.programme == k) & (parts.start <= end)]
    years, _, _ = calendar.ymd(starts) if len(starts) else (np.zeros(0, np.int64), None, None)
    busiest = int(np.bincount(years - years.min()).max()) if len(years) else 0
    return max(5, int(np.ceil(busiest * 1.25 / 5) * 5))


def write_provider(w: World) -> None:
    """The provider's three files; nothing when the country has no programmes."""
    state = w.programmes
    if state is None:
        return
    parts = state.participations
    rows = np.flatnonzero(parts.referral <= w.end)
    rows = rows[np.lexsort((rows, parts.referral[rows]))]
    rec = one_record_each(w, "ngo", parts.person[rows], parts.referral[rows], "NG")
    r = rec.rendered
    participants = person_table(
        PARTICIPANTS,
        {
            "participant_no": rec.key,
            "surname": r.family,
            "first_names": r.given,
            "sex": np.array(["M", "F", ""], dtype=object)[r.sex],
            "date_of_birth": dob_texts(r, _ISO, "%Y-%m"),
        },
        rec.person,
        r,
        frozenset({"surname", "first_names"}),
    )
    finish(
        w,
        participants,
        BadRowSpec(("participant_no",), lambda k: f"NG9{k:06d}"),
        dob_col="date_of_birth",
        agency="ngo",
        key_col="participant_no",
    )
    w.tables.append(
        Table(
            PROGRAMMES,
            {
                "programme_code": np.array([p.key for p in CATALOGUE], dtype=object),
                "title": np.array([p.name for p in CATALOGUE], dtype=object),
                "setting": np.array([p.setting.upper() for p in CATALOGUE], dtype=object),
                "needs": np.array(["; ".join(p.needs) for p in CATALOGUE], dtype=object),
                "risk_levels": np.array(
                    ["; ".join(p.risk_levels) for p in CATALOGUE], dtype=object
                ),
                "eligibility": np.array([p.eligibility for p in CATALOGUE], dtype=object),
                "places_per_year": np.array(
                    [str(_capacity(state, k, w.end)) for k in range(len(CATALOGUE))], dtype=object
                ),
                "venue": np.array([p.place for p in CATALOGUE], dtype=object),
                "sessions": np.array([str(p.sessions) for p in CATALOGUE], dtype=object),
            },
            free_text=frozenset({"title", "needs", "risk_levels", "eligibility", "venue"}),
        )
    )
    _write_participations(w, state, rows, rec.key[rec.row_of_person[parts.person[rows]]])


def _write_participations(w: World, state: ProgrammeState, rows: IntArray, keys: ObjArray) -> None:
    parts = state.participations
    start, end = parts.start[rows], parts.end[rows]
    waiting = (start < NEVER) & (start > w.end)
    running = (start <= w.end) & (end > w.end)
    sessions = np.where(
        waiting,
        0,
        np.where(running, ((w.end - start) / _SESSION_DAYS).astype(np.int64), parts.sessions[rows]),
    )
    status = np.select(
        [waiting, running],
        ["REFERRED", "ONGOING"],
        np.char.upper(parts.status[rows].astype(str)).astype(object),
    ).astype(object)
    reason = np.where(waiting | running, "", parts.reason[rows]).astype(object)
    started = np.where((start <= w.end), calendar.fmt(np.minimum(start, w.end), _ISO), "")
    ended = np.where(end <= w.end, calendar.fmt(np.minimum(end, w.end), _ISO), "")
    table = Table(
        PARTICIPATIONS,
        {
            "participation_no": seq_keys("PT", len(rows), 6),
            "participant_no": keys,
            "programme_code": np.array([p.key for p in CATALOGUE], dtype=object)[
                parts.programme[rows]
            ],
            "referred": calendar.fmt(parts.referral[rows], _ISO),
            "started": started.astype(object),
            "ended": ended.astype(object),
            "sessions_attended": np.char.mod("%d", sessions).astype(object),
            "status": status,
            "reason": reason,
        },
        free_text=frozenset({"reason"}),
    )
    finish(
        w,
        table,
        BadRowSpec(
            ("participation_no",),
            lambda k: f"PT9{k:05d}",
            dates={"referred": ("2020-02-30", "unknown", "31/12/2020")},
            codes={"status": ("PAUSED", "ZZ")},
            refs={"participant_no": lambda k: f"NG8{k:06d}"},
        ),
    )
