"""`justicelink plan`: needs assessments and reintegration plans, for officers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from justicelink.cli._common import ENGINE, SPARK_MASTER, engine_of, out, print_json, user_errors
from justicelink.cli._store import AUDIT_KEY, DB
from justicelink.store.db import DEFAULT_URL

if TYPE_CHECKING:
    from justicelink.app.reintegration import Caseload

app = typer.Typer(
    help=(
        "Needs assessment and reintegration plans (guide: docs/reintegration.md). An officer "
        "records an assessment from an answers file, justicelink proposes interventions from "
        "the programme catalogue by risk, need and responsivity, the officer accepts, edits or "
        "rejects each with a reason, and the plan prints with its prison-to-probation handover "
        "tasks. Every command is written to the audit log with its purpose. For example:\n\n"
        "    justicelink plan instrument\n\n"
        "    justicelink plan assess answers.yaml --risk-model risk-model/model.json\n\n"
        "    justicelink plan propose P000123 --warehouse country.duckdb\n\n"
        "    justicelink plan decide 1 1 --accept --reason 'agreed with the person'\n\n"
        "    justicelink plan show P000123 --purpose 'supervision meeting' --html plan.html"
    ),
    no_args_is_help=True,
)

INSTRUMENT = Annotated[
    Path | None,
    typer.Option(help="A country's needs instrument (YAML); default: the one shipped."),
]
ROLE = Annotated[
    str,
    typer.Option("--as", help="Acting as probation_officer or prison_officer (for the audit log)."),
]
AGENCY = Annotated[str | None, typer.Option("--agency", help="Your agency id (audit log).")]
JSON = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def _purpose(default: str) -> object:
    return typer.Option(help=f"Why (written to the audit log). Default: {default!r}.")


def _caseload(db: str, audit_key: Path | None, role: str, agency: str | None) -> Caseload:
    from justicelink.app.reintegration import Caseload, cli_actor
    from justicelink.store.audit import AuditLog
    from justicelink.store.db import Store

    actor = cli_actor(role, agency)
    store = Store(db)
    return Caseload(store, AuditLog(store, key_path=audit_key), actor)


@app.command("instrument")
def instrument_command(
    instrument: Annotated[
        Path | None, typer.Argument(help="An instrument to check (default: the shipped one).")
    ] = None,
    as_json: JSON = False,
) -> None:
    """Check a needs instrument and list its domains and items, with who each applies to.

    Example:

        justicelink plan instrument my-country-needs.yaml
    """
    with user_errors():
        from justicelink.reintegration.instrument import load_instrument

        loaded = load_instrument(instrument)
    if as_json:
        print_json(loaded.model_dump(mode="json"))
        return
    out.print(f"[bold]{loaded.title}[/] ({loaded.label}); items scored 0, 1 or 2.")
    for domain in loaded.domains:
        tags = [
            t
            for t, on in (
                ("central eight", domain.central_eight),
                ("gender-responsive", domain.gender_responsive),
            )
            if on
        ]
        out.print(
            f"\n[bold]{domain.title}[/] ({domain.id}{'; ' + ', '.join(tags) if tags else ''}); "
            f"matches programmes for {', '.join(domain.targets)}; else {domain.responsible}",
            highlight=False,
        )
        for item in domain.items:
            out.print(
                f"  {item.id}  {item.text}  (asked of: {item.applies_to.describe()})",
                highlight=False,
            )


@app.command("assess")
def assess_command(
    answers: Annotated[Path, typer.Argument(help="The answers file (YAML or JSON).")],
    risk_model: Annotated[
        Path | None,
        typer.Option(help="A points model (model.json from `risk fit --out`) for score and band."),
    ] = None,
    instrument: INSTRUMENT = None,
    purpose: Annotated[str, _purpose("record a needs assessment ...")] = "",
    role: ROLE = "probation_officer",
    agency: AGENCY = None,
    db: DB = DEFAULT_URL,
    audit_key: AUDIT_KEY = None,
    as_json: JSON = False,
) -> None:
    """Record a needs assessment from an answers file, and show the change since the last one.

    The answers file names the person, sex, date of birth (or age), setting (custody or
    community), release date (custody), the date of assessment, and a score 0-2 with an
    evidence note for each item (docs/reintegration.md). With --risk-model the risk score and
    band come from the model and the file's `risk_predictors`; otherwise from its `risk_band`.

    Example:

        justicelink plan assess answers.yaml --risk-model risk-model/model.json
    """
    with user_errors():
        from justicelink.app.reintegration import ASSESS_PURPOSE, assess

        result = assess(
            _caseload(db, audit_key, role, agency),
            answers,
            instrument_path=instrument,
            risk_model=risk_model,
            purpose=purpose or ASSESS_PURPOSE,
        )
    doc = result.to_json()
    if as_json:
        print_json(doc)
        return
    risk = doc["risk"]
    out.print(
        f"Assessment {doc['assessment_id']} of {doc['person']} recorded ({doc['instrument']}); "
        f"risk band: {risk['band'] or 'not banded'}"
        + (
            f" (score {risk['score']}, {100 * risk['probability']:.0f}%)"
            if risk["score"] is not None
            else ""
        )
        + ".",
        highlight=False,
    )
    changes = {c["domain"]: c for c in doc["changes"]}
    for d in doc["domains"]:
        c = changes.get(d["domain"])
        moved = f"  ({c['direction']} since assessment {doc['change_since']})" if c else ""
        score = f"{d['score']}/{d['maximum']}" if d["maximum"] else "not assessed"
        out.print(f"  {d['title']}: {score}{moved}", highlight=False)


@app.command("propose")
def propose_command(
    person: Annotated[str, typer.Argument(help="The person's id, as in the assessment.")],
    warehouse: Annotated[
        Path, typer.Option(help="The warehouse holding the programme catalogue.")
    ] = Path("justicelink.duckdb"),
    limits: Annotated[
        Path | None,
        typer.Option(help="Programme age/sex limits (YAML: KEY: {min_age, max_age, sexes})."),
    ] = None,
    instrument: INSTRUMENT = None,
    purpose: Annotated[str, _purpose("propose a reintegration plan ...")] = "",
    role: ROLE = "probation_officer",
    agency: AGENCY = None,
    db: DB = DEFAULT_URL,
    audit_key: AUDIT_KEY = None,
    engine: ENGINE = None,
    spark_master: SPARK_MASTER = None,
    as_json: JSON = False,
) -> None:
    """Propose a plan from the person's latest assessment, each action with its reason.

    Intensity follows risk (how many needs are targeted, how soon the plan is reviewed),
    targets follow the highest needs, and a programme is proposed only if it serves the risk
    band, the setting, the age and sex limits and has a free place. A person in custody gets
    the prison-to-probation handover tasks, dated back from the release date.

    Example:

        justicelink plan propose P000123 --warehouse country.duckdb
    """
    with user_errors():
        from justicelink.app.reintegration import PROPOSE_PURPOSE, propose_plan

        result = propose_plan(
            _caseload(db, audit_key, role, agency),
            person,
            warehouse=warehouse,
            instrument_path=instrument,
            limits=limits,
            engine=engine_of(engine, spark_master),
            purpose=purpose or PROPOSE_PURPOSE,
        )
    doc = result.to_json()
    if as_json:
        print_json(doc)
        return
    out.print(
        f"Plan {doc['plan_id']} proposed for {person} ({doc['risk_band']} risk; review on "
        f"{doc['review_on']}):",
        highlight=False,
    )
    for a in doc["actions"]:
        what = a["programme"] or "individual work"
        out.print(f"  {a['ordinal']}. {what} ({a['responsible']}): {a['reason']}", highlight=False)
    for t in doc["handover"]:
        out.print(f"  handover by {t['due_on']} ({t['responsible']}): {t['task']}", highlight=False)
    out.print(f"Decide on each: justicelink plan decide {doc['plan_id']} N --accept --reason ...")


@app.command("decide")
def decide_command(
    plan: Annotated[int, typer.Argument(help="The plan's number.")],
    action: Annotated[int, typer.Argument(help="The action's number within the plan.")],
    reason: Annotated[str, typer.Option(help="Why (required for every decision).")],
    accept: Annotated[bool, typer.Option("--accept", help="Accept as proposed.")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="Reject.")] = False,
    edit: Annotated[
        bool,
        typer.Option("--edit", help="Accept with changes (--programme, --responsible, --start)."),
    ] = False,
    programme: Annotated[
        str | None, typer.Option(help="With --edit: another programme key.")
    ] = None,
    responsible: Annotated[
        str | None, typer.Option(help="With --edit: prison, probation, ngo, employment or health.")
    ] = None,
    start: Annotated[
        str | None, typer.Option(help="With --edit: start after (YYYY-MM-DD).")
    ] = None,
    purpose: Annotated[str, _purpose("decide on a proposed action ...")] = "",
    role: ROLE = "probation_officer",
    agency: AGENCY = None,
    db: DB = DEFAULT_URL,
    audit_key: AUDIT_KEY = None,
    as_json: JSON = False,
) -> None:
    """Accept, edit or reject one proposed action of a plan, with a reason.

    Example:

        justicelink plan decide 1 2 --edit --programme CM-03 --reason "closer to home"
    """
    with user_errors():
        import datetime as dt

        from justicelink.app.reintegration import DECIDE_PURPOSE, decide_action
        from justicelink.errors import ReintegrationError
        from justicelink.reintegration.instrument import AGENCIES

        chosen = [
            name
            for name, on in (("accepted", accept), ("rejected", reject), ("edited", edit))
            if on
        ]
        if len(chosen) != 1:
            raise ReintegrationError("give one of --accept, --edit or --reject")
        if responsible is not None and responsible not in AGENCIES:
            raise ReintegrationError(f"--responsible: choose one of {', '.join(AGENCIES)}")
        try:
            start_after = dt.date.fromisoformat(start) if start else None
        except ValueError:
            raise ReintegrationError(f"--start {start!r} is not a date (YYYY-MM-DD)") from None
        changes = {
            "programme_key": programme,
            "responsible": responsible,
            "start_after": start_after,
        }
        result = decide_action(
            _caseload(db, audit_key, role, agency),
            plan,
            action,
            chosen[0],
            reason,
            changes=changes,
            purpose=purpose or DECIDE_PURPOSE,
        )
    if as_json:
        print_json(
            {
                "plan": plan,
                "action": action,
                "decision": result.decision,
                "reason": result.decision_reason,
                "edits": result.edits,
            }
        )
        return
    out.print(
        f"Plan {plan}, action {action}: {result.decision} ({result.decision_reason}).",
        highlight=False,
    )


@app.command("done")
def done_command(
    plan: Annotated[int, typer.Argument(help="The plan's number.")],
    task: Annotated[int, typer.Argument(help="The handover task's number within the plan.")],
    on: Annotated[str | None, typer.Option(help="Done on (YYYY-MM-DD; default today).")] = None,
    purpose: Annotated[str, _purpose("record a release handover task as done")] = "",
    role: ROLE = "prison_officer",
    agency: AGENCY = None,
    db: DB = DEFAULT_URL,
    audit_key: AUDIT_KEY = None,
) -> None:
    """Record a prison-to-probation handover task as done.

    Example:

        justicelink plan done 1 3 --on 2027-01-10
    """
    with user_errors():
        import datetime as dt

        from justicelink.app.reintegration import TASK_PURPOSE, task_done
        from justicelink.errors import ReintegrationError

        try:
            day = dt.date.fromisoformat(on) if on else dt.date.today()
        except ValueError:
            raise ReintegrationError(f"--on {on!r} is not a date (YYYY-MM-DD)") from None
        task_done(
            _caseload(db, audit_key, role, agency),
            plan,
            task,
            on=day,
            purpose=purpose or TASK_PURPOSE,
        )
    out.print(f"Plan {plan}, handover task {task}: done on {day.isoformat()}.", highlight=False)


@app.command("show")
def show_command(
    person: Annotated[str, typer.Argument(help="The person's id.")],
    purpose: Annotated[
        str, typer.Option(help="Why you look this person up (written to the audit log).")
    ],
    html: Annotated[
        Path | None, typer.Option(help="Also write the record as a printable HTML page here.")
    ] = None,
    instrument: INSTRUMENT = None,
    role: ROLE = "probation_officer",
    agency: AGENCY = None,
    db: DB = DEFAULT_URL,
    audit_key: AUDIT_KEY = None,
    as_json: JSON = False,
) -> None:
    """Show a person's assessments, the change between the last two, and the latest plan.

    Example:

        justicelink plan show P000123 --purpose "prepare the release meeting" --html plan.html
    """
    with user_errors():
        from justicelink.app.reintegration import show_person
        from justicelink.reintegration.render import as_html, as_text

        record = show_person(
            _caseload(db, audit_key, role, agency),
            person,
            purpose=purpose,
            instrument_path=instrument,
        )
        doc = record.to_json()
        if html is not None:
            html.write_text(as_html(doc), encoding="utf-8")
    if as_json:
        print_json(doc)
        return
    out.print(as_text(doc), highlight=False, markup=False, end="")
    if html is not None:
        out.print(f"Wrote {html}")
