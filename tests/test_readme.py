"""The README is checked against the code: every command is documented, and documented JSON matches output."""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from graphsc.cli import app

README = (Path(__file__).parent.parent / "README.md").read_text()


def command_paths(group: object, prefix: str = "graphsc") -> list[str]:
    paths = []
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            paths.extend(command_paths(command, f"{prefix} {name}"))
        else:
            paths.append(f"{prefix} {name}")
    return paths


def test_every_command_has_a_readme_section() -> None:
    documented = set(re.findall(r"^### (graphsc [a-z0-9 -]+)$", README, flags=re.M))
    missing = set(command_paths(typer.main.get_command(app))) - documented
    assert not missing, f"commands without a '### graphsc ...' section in README: {sorted(missing)}"


def json_example(heading: str) -> dict:
    section = README[README.index(heading) :]
    return json.loads(
        section[section.index("```json") + len("```json") : section.index("```", section.index("```json") + 7)]
    )


def test_lineage_json_example_has_the_fields_the_command_prints(tmp_path: Path, family_files: list[Path]) -> None:
    runner = CliRunner()
    db = str(tmp_path / "g.db")
    assert runner.invoke(app, ["ingest", "snapshot", *map(str, family_files), "--db", db]).exit_code == 0
    result = runner.invoke(app, ["lineage", "unsloth/Mistral-Small-24B-Instruct-2501", "--format", "json", "--db", db])
    actual = json.loads(result.stdout)
    example = json_example("#### lineage JSON")
    assert set(example) == set(actual)
    assert set(example["model"]) == set(actual["model"])
    for part in ("ancestors", "descendants"):
        assert set(example[part]) == set(actual[part])
        assert set(example[part]["edges"][0]) == set(actual[part]["edges"][0])
    assert actual["used_by"], "pick a model with Spaces so used_by is checked"
    assert set(example["used_by"][0]) == set(actual["used_by"][0])


def _commands(group: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command and group under ``group`` with its argument path (``("licenses", "explain")``)."""
    for name, command in group.commands.items():
        yield (*path, name), command
        if hasattr(command, "commands"):
            yield from _commands(command, (*path, name))


def _summary(command: Any) -> str:
    """What a group's help lists for ``command``: typer shows its help's first paragraph, newlines and all."""
    return str(inspect.cleandoc(command.short_help or command.help or "").split("\n\n")[0].strip())


def test_no_command_summary_breaks_mid_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    root = typer.main.get_command(app)
    broken = {" ".join(path): _summary(c) for path, c in _commands(root) if "\n" in _summary(c)}
    assert not broken, f"first paragraph of the help wraps (typer shows the line break): {broken}"
    monkeypatch.setattr("typer.rich_utils.MAX_WIDTH", 400)  # wide enough that nothing is wrapped to fit
    for path, group in [((), root), *((p, c) for p, c in _commands(root) if hasattr(c, "commands"))]:
        shown = CliRunner().invoke(app, [*path, "--help"]).stdout
        for name, command in group.commands.items():
            if not command.hidden:
                assert _summary(command) in shown, f"`graphsc {' '.join(path)} --help` breaks the summary of {name}"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["lineage", "o/m", "--format", "xml", "--db", "g.db"], "Invalid value for '--format' / '-f': 'xml' is not"),
        (["licenses", "explain", "mit", "-f", "xml"], "Invalid value for '--format' / '-f': 'xml' is not one of"),
        (["lineage", "o/m", "--store", "foo", "--db", "g.db"], "Invalid value for '--store': 'foo' is not one of"),
        (["licenses", "--store", "sqlite", "--db", "g.db"], "Invalid value for '--store': 'sqlite' is not one of"),
    ],
)
def test_an_invalid_option_value_is_a_usage_error_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], says: str
) -> None:
    """As the README says (``2 bad options``); the message is typer's without pydantic's "Value error," prefix."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("typer.rich_utils.MAX_WIDTH", 400)  # the error panel on one line
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert says in result.output and "Value error" not in result.output, result.output
    assert not (tmp_path / "g.db").exists()


def test_a_bad_graphsc_store_variable_is_a_setting_error_exit_1(tmp_path: Path) -> None:
    """Not an option typed on this command line, so not a usage error: a ``Setting`` error naming the variable."""
    result = CliRunner().invoke(app, ["lineage", "o/m", "--db", str(tmp_path / "g.db")], env={"GRAPHSC_STORE": "foo"})
    assert result.exit_code == 1
    assert "Setting: GRAPHSC_STORE='foo' is not valid: embedded or neo4j." in result.output
    ok = CliRunner().invoke(app, ["lineage", "o/m", "--store", " Embedded ", "--db", str(tmp_path / "g.db")])
    assert ok.exit_code == 1 and "no graphsc database" in ok.output  # a store kind in any case and spacing


def _yaml_blocks() -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```", README, flags=re.M | re.S)


def test_github_actions_example_is_a_valid_workflow() -> None:
    """The README's GitHub Actions job parses and validates against the GitHub workflow schema (SchemaStore's, as
    vendored by check-jsonschema), and runs graphsc check with SARIF into the upload step's file."""
    from importlib.resources import files

    import jsonschema
    import yaml

    workflows = [yaml.safe_load(block) for block in _yaml_blocks() if "runs-on" in block]
    assert len(workflows) == 1
    workflow = workflows[0]
    # PyYAML reads YAML 1.1, where the key `on` is the boolean true; GitHub reads it as the string "on".
    workflow["on"] = workflow.pop(True)
    schema = json.loads((files("check_jsonschema.builtin_schemas.vendor") / "github-workflows.json").read_text())
    jsonschema.Draft7Validator(schema).validate(workflow)
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    runs = " ".join(step.get("run", "") for step in steps)
    assert "graphsc check" in runs and "--format sarif --output graphsc.sarif" in runs
    upload = [s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif")]
    assert upload and upload[0]["with"]["sarif_file"] == "graphsc.sarif"
    assert upload[0]["if"] == "always()"  # the gate's exit 1 must not skip the upload
