"""The README is checked against the code: every command is documented, and documented JSON matches output."""

from __future__ import annotations

import json
import re
from pathlib import Path

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
