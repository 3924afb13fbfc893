"""The justicelink command line: a thin layer over the library.

Every command prints a readable summary, takes ``--json`` for scripting, and ends a user's
mistake with one line on stderr and exit code 1.
"""

from __future__ import annotations

import typer

from justicelink.cli import audit as audit_cmd
from justicelink.cli import coop as coop_cmd
from justicelink.cli import demo as demo_cmd
from justicelink.cli import evaluate as evaluate_cmd
from justicelink.cli import ingest as ingest_cmd
from justicelink.cli import link as link_cmd
from justicelink.cli import mapping as mapping_cmd
from justicelink.cli import measures as measures_cmd
from justicelink.cli import plan as plan_cmd
from justicelink.cli import query as query_cmd
from justicelink.cli import report as report_cmd
from justicelink.cli import risk as risk_cmd
from justicelink.cli import synth as synth_cmd
from justicelink.cli import users as users_cmd
from justicelink.cli import web as web_cmd

app = typer.Typer(
    name="justicelink",
    help=(
        "Turn what police, prosecution, courts, prisons and probation record into "
        "validated, ICCS-coded, linkable evidence.\n\n"
        "The whole pipeline on a synthetic country, in one command:\n\n"
        "    justicelink demo --out demo\n\n"
        "Step by step:\n\n"
        "    justicelink synth --out country --people 5000\n\n"
        "    justicelink ingest country\n\n"
        "    justicelink link --evaluate country/truth\n\n"
        "    justicelink measures --out measures\n\n"
        "    justicelink report --out report.html\n\n"
        "Did a programme work? (a matched comparison of its participants)\n\n"
        "    justicelink evaluate --participants list.csv --programme NAME\n\n"
        "Needs assessment and reintegration plans, for probation and prison officers:\n\n"
        "    justicelink plan assess answers.yaml\n\n"
        "The web app (create a user, who enrols by the link printed, then serve):\n\n"
        "    justicelink users add ana --role analyst --password-stdin\n\n"
        "    justicelink serve --warehouse demo/justicelink.duckdb\n\n"
        "Each command explains itself: justicelink COMMAND --help."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
app.command("synth")(synth_cmd.synth)
app.command("ingest")(ingest_cmd.ingest)
app.add_typer(link_cmd.app, name="link")
app.command("measures")(measures_cmd.measures)
app.command("report")(report_cmd.report)
app.command("query")(query_cmd.query)
app.command("evaluate")(evaluate_cmd.evaluate)
app.command("demo")(demo_cmd.demo)
app.add_typer(mapping_cmd.app, name="mapping")
app.command("serve")(web_cmd.serve)
app.add_typer(users_cmd.app, name="users")
app.add_typer(audit_cmd.app, name="audit")
app.add_typer(coop_cmd.app, name="coop")
app.add_typer(risk_cmd.app, name="risk")
app.add_typer(plan_cmd.app, name="plan")


def main() -> None:
    """Entry point of the ``justicelink`` console script."""
    app()
