"""The documentation states every canonical field and every coded value the code accepts."""

from __future__ import annotations

from pathlib import Path

import pytest

from justicelink.model.canonical import MAPPABLE_FIELDS, FieldKind

DOC = (Path(__file__).parents[2] / "docs" / "mapping.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("entity", "field"),
    [(entity.value, name) for entity, fields in MAPPABLE_FIELDS.items() for name in fields],
)
def test_every_field_is_documented(entity: str, field: str) -> None:
    section = DOC.split(f"### `{entity}`", 1)[1].split("\n### ", 1)[0]
    assert f"| `{field}` |" in section


def test_every_canonical_code_is_documented() -> None:
    for fields in MAPPABLE_FIELDS.values():
        for spec in fields.values():
            if spec.kind is FieldKind.ENUM and spec.enum is not None:
                for member in spec.enum:
                    assert f"`{member.value}`" in DOC, member


def test_the_data_model_page_lists_every_column() -> None:
    from justicelink.model.canonical import TABLES

    page = (Path(__file__).parents[2] / "docs" / "data-model.md").read_text(encoding="utf-8")
    for table, columns in TABLES.items():
        section = page.split(f"## `{table}`", 1)[1].split("\n## ", 1)[0]
        for column, kind in columns:
            assert f"| `{column}` | {kind} |" in section


def test_every_measure_definition_is_in_docs_measures_md() -> None:
    from justicelink.measures import MEASURES

    text = (Path(__file__).resolve().parents[2] / "docs" / "measures.md").read_text(
        encoding="utf-8"
    )
    for measure in MEASURES:
        assert f"## `{measure.name}`" in text, measure.name
        for key, value in measure.definition().items():
            assert f"- **{key}:** {value}" in text, (measure.name, key)


def test_the_web_page_states_each_roles_permissions() -> None:
    from justicelink.store.users import ROLES
    from justicelink.web.policy import PERMISSIONS

    page = (Path(__file__).parents[2] / "docs" / "web.md").read_text(encoding="utf-8")
    for role in ROLES:
        granted = ", ".join(p for p, roles in PERMISSIONS.items() if role in roles)
        assert f"| `{role}` | {granted} |" in page, role


def test_the_linkage_guide_lists_every_blocking_rule() -> None:
    from justicelink.linkage.model import blocking_rules

    guide = (Path(__file__).parents[2] / "docs" / "linkage.md").read_text(encoding="utf-8")
    table = guide.split("| rule | pairs at 1e6 records |", 1)[1].split("| **all** |", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == len(blocking_rules())


def _readme_commands() -> list[list[str]]:
    """Every `justicelink` command line of README.md's code blocks (continued lines joined)."""
    import shlex

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    blocks = readme.split("```")[1::2]
    commands = []
    for block in blocks:
        text = "\n".join(line.split("  #")[0] for line in block.splitlines())
        lines: list[str] = []
        for line in text.splitlines():
            if line.startswith((" ", "\t")) and lines:
                lines[-1] += " " + line.strip()
            elif line.strip():
                lines.append(line.strip())
        for line in lines:
            if line.split(" ", 1)[0].endswith("bin/justicelink"):
                commands.append(shlex.split(line)[1:])
    return commands


def test_every_readme_command_names_real_commands_and_options() -> None:
    import typer.main

    from justicelink.cli import app

    root = typer.main.get_command(app)
    commands = _readme_commands()
    assert len(commands) >= 10
    for words in commands:
        command = root
        rest = list(words)
        while rest and rest[0] in getattr(command, "commands", {}):
            command = command.commands[rest.pop(0)]  # type: ignore[attr-defined]
        known = {opt for p in command.params for opt in (*p.opts, *p.secondary_opts)} | {"--help"}
        for word in rest:
            if word.startswith("--"):
                assert word.split("=")[0] in known, (words, word)


def test_the_cooperation_page_lists_every_coded_value() -> None:
    from justicelink.cooperation import vocabulary as v

    page = (Path(__file__).parents[2] / "docs" / "cooperation.md").read_text(encoding="utf-8")
    for enum in (
        v.RequestType,
        v.Status,
        v.RefusalGround,
        v.Channel,
        v.Urgency,
        v.Measure,
        v.DocumentKind,
    ):
        for member in enum:
            assert f"`{member.value}`" in page, member


def test_the_cooperation_page_lists_every_coop_command() -> None:
    from justicelink.cli.coop import app

    page = (Path(__file__).parents[2] / "docs" / "cooperation.md").read_text(encoding="utf-8")
    names = [c.name for c in app.registered_commands] + [g.name for g in app.registered_groups]
    for name in names:
        assert f"`coop {name}" in page, name
