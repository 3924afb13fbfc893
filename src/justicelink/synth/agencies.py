"""The prosecution, court, prison and probation extracts."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from justicelink.synth import calendar
from justicelink.synth.common import (
    World,
    dob_texts,
    finish,
    nullify,
    offence_codes,
    one_record_each,
    person_table,
    seq_keys,
    source_rows,
    upper,
)
from justicelink.synth.identity_noise import DOB_BAD, DOB_FULL, DOB_TEXT, DOB_YEAR
from justicelink.synth.justice import DECISIONS, MONTH_DAYS, ORDERS, SENTENCES, VERDICTS
from justicelink.synth.tables import BadRowSpec, Table

IntArray = npt.NDArray[np.int64]
ObjArray = npt.NDArray[np.object_]

_ISO = "%Y-%m-%d"
_OUTCOME = {
    "PROSECUTE": "prosecuted",
    "DISCONTINUE": "discontinued",
    "DIVERT": "diverted",
    "GUILTY": "convicted",
    "NOT_GUILTY": "acquitted",
    "DISMISSED": "dismissed",
    "WITHDRAWN": "withdrawn",
    "IMPRISONMENT": "custody",
    "SUSPENDED": "suspended",
    "COMMUNITY": "community",
    "FINE": "fine",
    "DISCHARGE": "other",
    "COMMUNITY_ORDER": "community",
    "LICENCE": "licence",
    "": "",
}


def _outcome(raw: ObjArray) -> ObjArray:
    out = np.empty(len(raw), dtype=object)
    out[:] = [_OUTCOME[x] for x in raw.tolist()]
    return out


def _stack(*parts: tuple[IntArray, IntArray, int]) -> tuple[IntArray, IntArray, IntArray]:
    """Concatenate (offence, date, event kind) parts, keep dates in the window, sort by date."""
    off = np.concatenate([p[0] for p in parts])
    date = np.concatenate([p[1] for p in parts])
    kind = np.concatenate([np.full(len(p[0]), p[2], np.int64) for p in parts])
    return off, date, kind


def _in_window(
    w: World, off: IntArray, date: IntArray, kind: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    keep = date <= w.end
    off, date, kind = off[keep], date[keep], kind[keep]
    order = np.lexsort((kind, off, date))
    return off[order], date[order], kind[order]


def write_prosecution(w: World) -> None:
    """Defendants (family name first, upper case) and their charges and decisions."""
    fl = w.flow
    charged = np.flatnonzero(fl.charge_date <= w.end)
    off, date, kind = _in_window(
        w, *_stack((charged, fl.charge_date[charged], 0), (charged, fl.decision_date[charged], 1))
    )
    rec = one_record_each(w, "prosecution", w.off_person[off], date, "DEF")
    r = rec.rendered
    full_name = np.where(r.given != "", upper(r.family) + " " + r.given, upper(r.family))
    sex = np.where(r.sex == 1, "female", "male").astype(object)
    defendants = person_table(
        "prosecution/defendants.csv",
        {
            "defendant_id": rec.key,
            "full_name": full_name,
            "gender": sex,
            "birth_date": dob_texts(r, _ISO, "%Y-%m"),
            "id_no": r.id_number,
        },
        rec.person,
        r,
        frozenset({"full_name"}),
    )
    finish(
        w,
        defendants,
        BadRowSpec(("defendant_id",), lambda k: f"DEF9{k:06d}"),
        dob_col="birth_date",
        agency="prosecution",
        key_col="defendant_id",
    )
    # Case numbers follow the order in which cases were charged.
    case_of = np.empty(len(fl.charge_date), dtype=object)
    by_charge = charged[np.lexsort((charged, fl.charge_date[charged]))]
    year, _, _ = calendar.ymd(fl.charge_date[by_charge])
    case_of[by_charge] = np.char.add(
        np.char.add("CR-", np.char.add(year.astype(str), "-")),
        np.char.zfill(np.arange(1, len(by_charge) + 1).astype(str), 7),
    ).astype(object)
    w.case_no = case_of
    decision = np.array(DECISIONS, dtype=object)[fl.decision[off]]
    action = np.where(kind == 0, "CHARGE", decision).astype(object)
    actions = Table(
        "prosecution/actions.csv",
        {
            "action_id": seq_keys("A", len(off), 8),
            "defendant_id": rec.key[rec.row_of_person[w.off_person[off]]],
            "case_no": case_of[off],
            "action": action,
            "action_date": calendar.fmt(date, _ISO),
            "statute": offence_codes(w, off),
            # The charge sheet states when the offence was committed.
            "offence_date": calendar.fmt(w.off_date[off], _ISO),
        },
    )
    final = finish(
        w,
        actions,
        BadRowSpec(
            ("action_id",),
            lambda k: f"A9{k:07d}",
            dates={"action_date": ("2019-02-30", "n/a", "31/12/2019", "2020-13-01")},
            codes={"action": ("ZZZ", "NOLLE")},
            refs={"defendant_id": lambda k: f"DEF8{k:06d}"},
        ),
        code_col="statute",
    )
    etype = np.where(kind == 0, "charge", "prosecution_decision").astype(object)
    w.add_events(
        etype,
        w.off_person[off],
        date,
        off,
        "prosecution",
        final.path,
        source_rows(final, len(off)),
        outcome=_outcome(np.where(kind == 0, "", action)),
    )


def write_courts(w: World) -> None:
    """Parties (given names first, as the court wrote them) and their proceedings."""
    fl = w.flow
    pros = np.flatnonzero(fl.hearing_date < 10**9)
    off, date, kind = _in_window(
        w,
        *_stack(
            (pros, fl.legal_aid_date[pros], 1),
            (pros, fl.hearing_date[pros], 0),
            (pros, fl.verdict_date[pros], 2),
            (pros, fl.sentence_date[pros], 3),
        ),
    )
    rec = one_record_each(w, "courts", w.off_person[off], date, "PTY-")
    r = rec.rendered
    dob = dob_texts(r, _ISO)
    parties = person_table(
        "courts/parties.jsonl",
        {
            "party_ref": rec.key,
            "name": np.where(r.given != "", r.given + " " + r.family, r.family),
            "sex": np.where(r.sex == 1, "F", "M").astype(object),
            "dob": nullify(dob),
            "nationality": nullify(r.nationality),
        },
        rec.person,
        r,
        frozenset({"name"}),
    )
    finish(
        w,
        parties,
        BadRowSpec(("party_ref",), lambda k: f"PTY-9{k:06d}"),
        dob_col="dob",
        agency="courts",
        key_col="party_ref",
    )
    types = np.array(["FIRST_HEARING", "LEGAL_AID", "VERDICT", "SENTENCE"], dtype=object)[kind]
    verdict = np.array(VERDICTS, dtype=object)[fl.verdict[off]]
    sentence = np.array(SENTENCES, dtype=object)[fl.sentence[off]]
    raw = np.select([kind == 2, kind == 3], [verdict, sentence], "").astype(object)
    term = fl.term_months[off]
    has_term = (kind == 3) & (term > 0)
    term_col = np.empty(len(off), dtype=object)
    term_col[:] = [
        int(t) if h else None for t, h in zip(term.tolist(), has_term.tolist(), strict=True)
    ]
    proceedings = Table(
        "courts/proceedings.jsonl",
        {
            "event_ref": seq_keys("EV", len(off), 8),
            "party_ref": rec.key[rec.row_of_person[w.off_person[off]]],
            "case_no": w.case_no[off],
            "type": types,
            "date": calendar.fmt(date, _ISO),
            "offence": offence_codes(w, off),
            "offence_date": calendar.fmt(w.off_date[off], _ISO),
            "outcome": nullify(raw),
            "term_months": term_col,
        },
    )
    final = finish(
        w,
        proceedings,
        BadRowSpec(
            ("event_ref",),
            lambda k: f"EV9{k:07d}",
            dates={"date": ("2019-02-30", "TBC", "2021-00-10", "15/03/2020")},
            codes={"type": ("HEARING?", "APPEAL", "ZZZ")},
            refs={"party_ref": lambda k: f"PTY-8{k:06d}"},
        ),
        code_col="offence",
    )
    etype = np.array(
        ["first_hearing", "legal_aid_assigned", "court_disposal", "sentence"], dtype=object
    )[kind]
    length = np.where(has_term, np.round(term * MONTH_DAYS), -1).astype(np.int64)
    w.add_events(
        etype,
        w.off_person[off],
        date,
        off,
        "courts",
        final.path,
        source_rows(final, len(off)),
        outcome=_outcome(raw),
        length_days=length,
    )
    w.numeric_columns[final.path] = frozenset({"term_months"})


def write_prisons(w: World) -> None:
    """Inmates and movements: remand receptions, transfers to sentenced custody, releases."""
    fl = w.flow
    held = np.flatnonzero((fl.remand_start < 10**9) | (fl.custody_start < 10**9))
    off, date, kind = _in_window(
        w,
        *_stack(
            (held, fl.remand_start[held], 0),
            (held, fl.remand_end[held], 1),
            (held, fl.custody_start[held], 2),
            (held, fl.release[held], 3),
        ),
    )
    keep = date < 10**9
    off, date, kind = off[keep], date[keep], kind[keep]
    rec = one_record_each(w, "prisons", w.off_person[off], date, "PR")
    r = rec.rendered
    family = upper(r.family)
    dob = np.empty(len(rec.person), dtype=object)
    dob[:] = [calendar.to_date(int(d)) for d in r.dob.tolist()]
    dob = np.select(
        [
            r.dob_kind == DOB_FULL,
            r.dob_kind == DOB_TEXT,
            r.dob_kind == DOB_YEAR,
            r.dob_kind == DOB_BAD,
        ],
        [dob, calendar.fmt(r.dob, "%d.%m.%Y"), calendar.fmt(r.dob, "%Y"), r.dob_text],
        "",
    ).astype(object)
    inmates = person_table(
        "prisons/prisons.xlsx#Inmates",
        {
            "Prisoner No": rec.key,
            "Name": np.where(r.given != "", family + " " + r.given, family),
            "Sex": np.where(r.sex == 1, "Female", "Male").astype(object),
            "Date of Birth": dob,
            "Nationality": r.nationality,
        },
        rec.person,
        r,
        frozenset(),
    )
    finish(
        w,
        inmates,
        BadRowSpec(("Prisoner No",), lambda k: f"PR9{k:06d}"),
        dob_col="Date of Birth",
        agency="prisons",
        key_col="Prisoner No",
    )
    dates = np.empty(len(off), dtype=object)
    dates[:] = [calendar.to_date(int(d)) for d in date.tolist()]
    movements = Table(
        "prisons/prisons.xlsx#Movements",
        {
            "Movement ID": seq_keys("M", len(off), 8),
            "Prisoner No": rec.key[rec.row_of_person[w.off_person[off]]],
            "Movement": np.where(kind % 2 == 0, "RECEPTION", "DISCHARGE").astype(object),
            "Date": dates,
            "Status": np.where(kind < 2, "REMAND", "SENTENCED").astype(object),
            "Offence": offence_codes(w, off),
        },
    )
    final = finish(
        w,
        movements,
        BadRowSpec(
            ("Movement ID",),
            lambda k: f"M9{k:07d}",
            dates={"Date": ("31.02.2020", "unknown")},
            codes={"Movement": ("TRANSFER", "ZZZ")},
            refs={"Prisoner No": lambda k: f"PR8{k:06d}"},
        ),
        code_col="Offence",
    )
    w.add_events(
        np.where(kind % 2 == 0, "custody_start", "custody_end").astype(object),
        w.off_person[off],
        date,
        off,
        "prisons",
        final.path,
        source_rows(final, len(off)),
        legal_status=np.where(kind < 2, "remand", "sentenced").astype(object),
    )


def write_probation(w: World) -> None:
    """Clients and the start and end of their supervision orders."""
    fl = w.flow
    sup = np.flatnonzero(fl.order_start <= w.end)
    off, date, kind = _in_window(
        w, *_stack((sup, fl.order_start[sup], 0), (sup, fl.order_end[sup], 1))
    )
    rec = one_record_each(w, "probation", w.off_person[off], date, "C")
    r = rec.rendered
    clients = person_table(
        "probation/clients.csv",
        {
            "client_id": rec.key,
            "first_name": r.given,
            "last_name": r.family,
            "gender": np.array(["M", "F", "X"], dtype=object)[r.sex],
            "dob": dob_texts(r, "%d-%m-%Y"),
            "national_id": r.id_number,
            "address": r.address,
        },
        rec.person,
        r,
        frozenset({"first_name", "last_name", "address"}),
    )
    finish(
        w,
        clients,
        BadRowSpec(("client_id",), lambda k: f"C9{k:07d}"),
        dob_col="dob",
        agency="probation",
        key_col="client_id",
    )
    order_no = np.empty(len(fl.order_start), dtype=object)
    by_start = sup[np.lexsort((sup, fl.order_start[sup]))]
    order_no[by_start] = seq_keys("ORD", len(by_start), 7)
    order_type = np.array(ORDERS, dtype=object)[fl.order[off]]
    supervision = Table(
        "probation/supervision.csv",
        {
            "movement_id": seq_keys("S", len(off), 8),
            "client_id": rec.key[rec.row_of_person[w.off_person[off]]],
            "order_no": order_no[off],
            "event": np.where(kind == 0, "START", "END").astype(object),
            "date": calendar.fmt(date, "%d-%m-%Y"),
            "order_type": order_type,
        },
    )
    final = finish(
        w,
        supervision,
        BadRowSpec(
            ("movement_id",),
            lambda k: f"S9{k:07d}",
            dates={"date": ("31-02-2019", "n/a", "2019-13-01")},
            codes={"event": ("PAUSE", "ZZZ")},
            refs={"client_id": lambda k: f"C8{k:07d}"},
        ),
    )
    w.add_events(
        np.where(kind == 0, "supervision_start", "supervision_end").astype(object),
        w.off_person[off],
        date,
        off,
        "probation",
        final.path,
        source_rows(final, len(off)),
        outcome=_outcome(order_type),
    )
