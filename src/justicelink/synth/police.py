"""The police extracts: persons, incidents, involvements and arrests."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from justicelink.synth import calendar, codes
from justicelink.synth.careers import YEAR
from justicelink.synth.common import (
    World,
    dob_texts,
    finish,
    offence_codes,
    person_table,
    seq_keys,
    source_rows,
)
from justicelink.synth.identity_noise import render
from justicelink.synth.justice import ARREST, CAUTION
from justicelink.synth.tables import BadRowSpec, Table

IntArray = npt.NDArray[np.int64]
ObjArray = npt.NDArray[np.object_]

_DMY = "%d/%m/%Y"
_BAD_DATES: tuple[object, ...] = ("31/13/2019", "n/a", "2019-02-30", "00/00/0000", "32/01/2020")
_SEX = np.array(["M", "F", "U"], dtype=object)
PERSONS, INCIDENTS = "police/persons.csv", "police/incidents.csv"
INVOLVEMENTS, ARRESTS = "police/involvements.csv", "police/arrests.csv"


def write_police(w: World) -> None:
    """Build the four police tables and record their truth (offences, victimisations, arrests).

    Every offence is recorded as one incident with its offender as suspect; recorded victims
    are involved with role V. A repeat contact opens a second record for the same person about
    one time in ten.
    """
    rng, fl = w.rng, w.flow
    n_off = len(w.off_person)
    off_idx = np.arange(n_off, dtype=np.int64)
    # Contacts: suspects first, then victims; role 0 = S, 1 = V.
    c_off = np.concatenate([off_idx, w.victims.offence])
    c_person = np.concatenate([w.off_person, w.victims.person])
    c_role = np.concatenate([np.zeros(n_off, np.int64), np.ones(len(w.victims.offence), np.int64)])
    c_date = fl.recorded[c_off]
    order = np.lexsort((c_role, c_off, c_date, c_person))
    c_off, c_person, c_role, c_date = c_off[order], c_person[order], c_role[order], c_date[order]
    first_of_person = np.ones(len(c_person), bool)
    first_of_person[1:] = c_person[1:] != c_person[:-1]
    new_record = first_of_person | (rng.random(len(c_person)) < 0.10)
    rec_id = np.cumsum(new_record) - 1
    rec_person, rec_date = c_person[new_record], c_date[new_record]
    file_order = np.lexsort((np.arange(len(rec_person)), rec_date))
    row_of_rec = np.empty(len(rec_person), np.int64)
    row_of_rec[file_order] = np.arange(len(rec_person))
    rec_person = rec_person[file_order]
    keys = seq_keys("EP", len(rec_person), 7)
    c_key = keys[row_of_rec[rec_id]]

    r = render(rng, "police", w.pools, w.persons, rec_person, w.noise)
    persons = person_table(
        PERSONS,
        {
            "person_no": keys,
            "surname": r.family,
            "given_names": r.given,
            "sex": _SEX[r.sex],
            "dob": dob_texts(r, _DMY),
            "nic": r.id_number,
            "address": r.address,
        },
        rec_person,
        r,
        frozenset({"surname", "given_names", "address"}),
    )
    finish(
        w,
        persons,
        BadRowSpec(("person_no",), lambda k: f"EP9{k:06d}"),
        dob_col="dob",
        agency="police",
        key_col="person_no",
    )

    # Incidents, one per offence, in order of recording.
    inc_order = np.lexsort((off_idx, fl.recorded))
    inc_no_of_off = np.empty(n_off, dtype=object)
    inc_keys = seq_keys("INC", n_off, 8)
    inc_no_of_off[inc_order] = inc_keys
    occurred = calendar.fmt(w.off_date[inc_order], _DMY)
    occurred[rng.random(n_off) < 0.05] = ""
    attempt = codes.code_array("attempt_share")[w.off_code[inc_order]]
    incidents = Table(
        INCIDENTS,
        {
            "incident_no": inc_keys,
            "date_recorded": calendar.fmt(fl.recorded[inc_order], _DMY),
            "date_occurred": occurred,
            "district": np.array(codes.DISTRICTS, dtype=object)[w.off_district[inc_order]],
            "offence_code": offence_codes(w, inc_order),
            "attempted": np.where(rng.random(n_off) < attempt, "Y", "N").astype(object),
        },
        {"_offence": inc_order},
    )
    finish(
        w,
        incidents,
        BadRowSpec(("incident_no",), lambda k: f"INC9{k:07d}", dates={"date_recorded": _BAD_DATES}),
        code_col="offence_code",
    )
    w.add_events("offence", w.off_person, w.off_date, off_idx)

    # Involvements in incident order, suspect before victims.
    inc_pos = np.empty(n_off, np.int64)
    inc_pos[inc_order] = np.arange(n_off)
    inv = np.lexsort((c_role, inc_pos[c_off]))
    age = ((w.off_date[c_off[inv]] - w.persons.dob[c_person[inv]]) / YEAR).astype(np.int64)
    age_text = np.char.mod("%d", age).astype(object)
    age_text[rng.random(len(inv)) < 0.03] = ""
    inv_table = Table(
        INVOLVEMENTS,
        {
            "incident_no": inc_no_of_off[c_off[inv]],
            "person_no": c_key[inv],
            "role": np.where(c_role[inv] == 0, "S", "V").astype(object),
            "age": age_text,
        },
    )
    inv_final = finish(
        w,
        inv_table,
        BadRowSpec(
            ("incident_no", "person_no", "role"),
            codes={"role": ("Q", "W", "X")},
            refs={"person_no": lambda k: f"EP8{k:06d}", "incident_no": lambda k: f"INC8{k:07d}"},
        ),
    )
    victim_rows = np.flatnonzero(c_role[inv] == 1)
    w.add_events(
        "victimisation",
        c_person[inv][victim_rows],
        w.off_date[c_off[inv][victim_rows]],
        c_off[inv][victim_rows],
        "police",
        INVOLVEMENTS,
        source_rows(inv_final, len(inv))[victim_rows],
    )

    # Arrests and cautions, in date order.
    suspect_key = np.empty(n_off, dtype=object)
    suspect_key[c_off[c_role == 0]] = c_key[c_role == 0]
    acted = np.flatnonzero((fl.police_action > 0) & (fl.police_date <= w.end))
    acted = acted[np.lexsort((acted, fl.police_date[acted]))]
    action = np.where(fl.police_action[acted] == ARREST, "ARREST", "CAUTION").astype(object)
    arrests = Table(
        ARRESTS,
        {
            "arrest_no": seq_keys("AR", len(acted), 7),
            "person_no": suspect_key[acted],
            "action": action,
            "arrest_date": calendar.fmt(fl.police_date[acted], _DMY),
            "offence_code": offence_codes(w, acted),
            "incident_no": inc_no_of_off[acted],
        },
    )
    arr_final = finish(
        w,
        arrests,
        BadRowSpec(
            ("arrest_no",),
            lambda k: f"AR9{k:06d}",
            dates={"arrest_date": _BAD_DATES},
            codes={"action": ("ZZZ", "ARR", "WARN")},
            refs={"person_no": lambda k: f"EP7{k:06d}"},
        ),
        code_col="offence_code",
    )
    kind = np.where(fl.police_action[acted] == CAUTION, "caution", "arrest").astype(object)
    w.add_events(
        kind,
        w.off_person[acted],
        fl.police_date[acted],
        acted,
        "police",
        ARRESTS,
        source_rows(arr_final, len(acted)),
    )
