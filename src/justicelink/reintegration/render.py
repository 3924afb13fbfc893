"""A person's reintegration record as printable text and HTML.

Both read the JSON document of the record (``PersonPlan.to_json`` in the application
layer), so the CLI, the web app and a printed copy show the same thing.
"""

from __future__ import annotations

from typing import Any

import jinja2


def _share(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _decision(action: dict[str, Any]) -> str:
    if action["decision"] is None:
        return "awaiting the officer's decision"
    edits = "; ".join(f"{k}: {b} -> {a}" for k, (b, a) in sorted(action["edits"].items()))
    return f"{action['decision']} by {action['decided_by']}: {action['decision_reason']}" + (
        f" ({edits})" if edits else ""
    )


def as_text(doc: dict[str, Any]) -> str:
    """The record as plain text (what ``justicelink plan show`` prints)."""
    lines = [f"Reintegration record of {doc['person']}"]
    for a in doc["assessments"]:
        risk = f"risk {a['risk_band'] or 'not banded'}" + (
            f" (score {a['risk_score']})" if a["risk_score"] is not None else ""
        )
        lines.append(
            f"  assessment {a['assessment_id']} on {a['assessed_on']} by {a['officer']}: "
            f"{risk}; {a['instrument']}"
        )
    lines.append("Needs (latest assessment):")
    changes = {c["domain"]: c for c in doc["changes"]}
    for d in doc["latest"]["domains"]:
        moved = changes.get(d["domain"])
        since = (
            f"  [{_share(moved['before'])} -> {_share(moved['after'])}: {moved['direction']}]"
            if moved
            else ""
        )
        if not d["maximum"]:
            lines.append(f"  {d['title']}: not assessed{since}")
            continue
        missing = f"  (not answered: {', '.join(d['unanswered'])})" if d["unanswered"] else ""
        lines.append(
            f"  {d['title']}: {d['score']}/{d['maximum']} ({_share(d['share'])}){since}{missing}"
        )
    notes = doc["latest"]["notes"]
    if notes:
        lines.append("Evidence notes:")
        lines.extend(f"  {item}: {note}" for item, note in notes.items())
    plan = doc["plan"]
    if plan is None:
        lines.append("No plan yet.")
        return "\n".join(lines) + "\n"
    lines.append(
        f"Plan {plan['plan_id']} ({plan['risk_band']} risk; review on {plan['review_on']}):"
    )
    for a in plan["actions"]:
        what = (
            f"{a['programme']} {a['programme_name']}"
            if a["kind"] == "programme"
            else "individual work"
        )
        start = f", after {a['start_after']}" if a["start_after"] else ""
        lines.append(
            f"  {a['ordinal']}. {what} ({a['responsible']}{start}) for {', '.join(a['needs'])}"
        )
        lines.append(f"     why: {a['reason']}")
        lines.append(f"     decision: {_decision(a)}")
    for n in plan["not_targeted"]:
        lines.append(f"  not targeted: {n['reason']}")
    if plan["handover"]:
        lines.append("Handover from prison to probation:")
        lines.extend(
            f"  {t['ordinal']}. by {t['due_on']}  {t['responsible']:<10} {t['task']}"
            + (f"  (done {t['done_on']})" if t["done_on"] else "")
            for t in plan["handover"]
        )
    return "\n".join(lines) + "\n"


def as_html(doc: dict[str, Any]) -> str:
    """The record as a self-contained printable HTML page."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("justicelink.reintegration", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["share"] = _share
    env.globals["decision"] = _decision
    changes = {c["domain"]: c for c in doc["changes"]}
    return env.get_template("plan.html.j2").render(doc=doc, changes=changes)
