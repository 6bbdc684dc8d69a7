"""``graphsc bom`` end to end: the README's examples are what the command prints, an application's BOM ingested
back as an SBOM gives the same usage and licenses, and ``--validate`` tells valid from invalid documents."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from graphsc import samples
from graphsc.cli import app
from graphsc.store.sqlite import SQLiteStore

runner = CliRunner()
README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
EXAMPLE_MODEL = "4TO/MC_Farmer"  # a finetune of deepseek-ai/DeepSeek-R1 with one card dataset (bundled data)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled families and PeaTMOSS usage, ingested as `graphsc demo` does."""
    path = tmp_path_factory.mktemp("bom") / "g.db"
    files = [str(f) for f in samples.hf_family_files()]
    assert runner.invoke(app, ["ingest", "snapshot", *files, "--db", str(path)]).exit_code == 0
    assert runner.invoke(app, ["ingest", "peatmoss", "--db", str(path)]).exit_code == 0
    return path


def _readme_json(summary: str) -> Any:
    section = README[README.index("### graphsc bom") :]
    start = section.index(f"<summary>{summary}")
    block = section[section.index("```json", start) + len("```json") : section.index("```\n</details>", start)]
    return json.loads(block)


def test_readme_cyclonedx_example_is_the_commands_output(db: Path) -> None:
    result = runner.invoke(app, ["bom", EXAMPLE_MODEL, "--db", str(db)])
    assert result.exit_code == 0, result.output
    actual = json.loads(result.stdout)
    actual["serialNumber"] = "urn:uuid:…"  # elided in the README: new for every document
    actual["metadata"]["timestamp"] = "…"
    assert _readme_json("CycloneDX") == actual


def test_readme_spdx3_example_is_the_commands_output(db: Path) -> None:
    result = runner.invoke(app, ["bom", EXAMPLE_MODEL, "--format", "spdx3", "--db", str(db)])
    assert result.exit_code == 0, result.output
    text = re.sub(r"https://spdx.org/spdxdocs/graphsc-[0-9a-f-]+", "https://spdx.org/spdxdocs/graphsc-…", result.stdout)
    actual = json.loads(text)
    for element in actual["@graph"]:
        if element.get("type") == "CreationInfo":
            element["created"] = "…"
    assert _readme_json("SPDX 3") == actual


def _a_repo_with_usage(db: Path) -> tuple[str, str | None, set[str]]:
    """A PeaTMOSS repository with a declared license and two or more used models, read from the store."""
    with SQLiteStore(db, readonly=True) as store:
        licenses = {r.id: r.license for page in store.iter_repos() for r in page}
        used: dict[str, set[str]] = {}
        for page in store.iter_uses():
            for u in page:
                used.setdefault(u.user, set()).add(u.model)
    repo = sorted(r for r, models in used.items() if len(models) >= 2 and licenses.get(r))[0]
    return repo, licenses[repo], used[repo]


@pytest.mark.parametrize("bom_format", ["cyclonedx", "spdx3"])
def test_an_application_bom_ingested_as_an_sbom_gives_back_its_usage_and_license(
    db: Path, tmp_path: Path, bom_format: str
) -> None:
    repo, license_, models = _a_repo_with_usage(db)
    out = tmp_path / "app.json"
    result = runner.invoke(app, ["bom", "--repo", repo, "--format", bom_format, "--output", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # the document went to the file
    assert runner.invoke(app, ["bom", "--validate", str(out)]).exit_code == 0
    fresh = tmp_path / "fresh.db"
    result = runner.invoke(app, ["ingest", "sbom", str(out), "--db", str(fresh)])
    assert result.exit_code == 0, result.output
    with SQLiteStore(fresh, readonly=True) as store:
        back = [u for page in store.iter_uses() for u in page]
        repos = {r.id: r.license for page in store.iter_repos() for r in page}
    assert {u.user for u in back} == {repo}
    assert {u.model for u in back} == models
    assert repos[repo] == license_


def _a_user_of_models_with_ancestors(db: Path) -> tuple[str, str, set[str], set[str]]:
    """A repository or Space using two or more models of which at least one has an ancestor in the store: its id,
    kind, used models and their parents (all read from the store)."""
    with SQLiteStore(db, readonly=True) as store:
        used: dict[tuple[str, str], set[str]] = {}
        for page in store.iter_uses():
            for u in page:
                used.setdefault((u.user, u.user_kind), set()).add(u.model)
        parents: dict[str, set[str]] = {}
        for page in store.iter_derived_from():
            for e in page:
                parents.setdefault(e.child.lower(), set()).add(e.base)
    (user, kind), models = min(
        (pair for pair in used.items() if len(pair[1]) >= 2 and any(m.lower() in parents for m in pair[1])),
        key=lambda pair: pair[0],
    )
    return user, kind, models, {p for m in models for p in parents.get(m.lower(), ())} - models


@pytest.mark.parametrize("bom_format", ["cyclonedx", "spdx3"])
def test_an_application_bom_ingested_as_an_sbom_gives_its_models_not_their_ancestors(
    db: Path, tmp_path: Path, bom_format: str
) -> None:
    user, kind, models, ancestors = _a_user_of_models_with_ancestors(db)
    assert ancestors  # the chosen user's models have parents that are not models it uses
    out = tmp_path / "app.json"
    result = runner.invoke(app, ["bom", "--repo", user, "--format", bom_format, "--output", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert any(a in text for a in ancestors)  # the BOM lists the ancestors (as lineage)
    fresh = tmp_path / "fresh.db"
    result = runner.invoke(app, ["ingest", "sbom", str(out), "--db", str(fresh)])
    assert result.exit_code == 0, result.output
    with SQLiteStore(fresh, readonly=True) as store:
        back = [u for page in store.iter_uses() for u in page]
    assert {(u.user, u.user_kind) for u in back} == {(user, kind)}
    assert {u.model for u in back} == models


def test_a_models_own_bom_ingested_as_an_sbom_records_no_usage(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "model.json"
    assert runner.invoke(app, ["bom", EXAMPLE_MODEL, "-o", str(out), "--db", str(db)]).exit_code == 0
    fresh = tmp_path / "fresh.db"
    result = runner.invoke(app, ["ingest", "sbom", str(out), "--db", str(fresh)])
    assert result.exit_code == 0, result.output
    assert f"is the BOM of the model {EXAMPLE_MODEL} itself" in " ".join(result.stderr.split())
    with SQLiteStore(fresh, readonly=True) as store:
        assert [u for page in store.iter_uses() for u in page] == []


def test_validate_reports_a_non_spdx_license_id_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.cdx.json"
    bad.write_text(
        json.dumps(
            {
                "bomFormat": "CycloneDX",
                "specVersion": "1.6",
                "components": [{"type": "library", "name": "x", "licenses": [{"license": {"id": "llama3.2"}}]}],
            }
        )
    )
    result = runner.invoke(app, ["bom", "--validate", str(bad)])
    assert result.exit_code == 1
    assert "not a valid CycloneDX document (1 problem)" in result.stderr
    assert "llama3.2" in result.stderr


@pytest.mark.parametrize(("content", "reason"), [("{trunc", "not JSON"), ('{"a": 1}', "neither a CycloneDX")])
def test_validate_of_a_file_that_is_no_bom_is_a_clear_error(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content)
    result = runner.invoke(app, ["bom", "--validate", str(path)])
    assert result.exit_code == 1
    assert reason in result.stderr and "Traceback" not in result.output


def test_a_model_or_a_repo_must_be_given_once(db: Path) -> None:
    assert runner.invoke(app, ["bom", "--db", str(db)]).exit_code == 2
    assert runner.invoke(app, ["bom", EXAMPLE_MODEL, "--repo", "a/b", "--db", str(db)]).exit_code == 2
    result = runner.invoke(app, ["bom", "--repo", "nobody/nothing", "--db", str(db)])
    assert result.exit_code == 1
    assert "not a repository or Space in the graph" in result.stderr


def test_readme_ingest_sbom_example_is_the_commands_output(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    section = README[README.index("### graphsc ingest sbom") :]
    example = section[
        section.index("```text\n$ graphsc ingest sbom") : section.index("```\n", section.index("```text") + 8)
    ]
    expected = example.split("\n", 2)[2]  # after the fence and the command line
    fixture = Path(__file__).resolve().parents[1] / "sources" / "data" / "sbom" / "chatbot.cdx.json"
    copy = tmp_path / "g.db"
    copy.write_bytes(db.read_bytes())
    monkeypatch.chdir(fixture.parent)
    result = runner.invoke(app, ["ingest", "sbom", fixture.name, "--db", str(copy)], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert result.stderr == expected.replace("~/.local/share/graphsc/graphsc.db", str(copy))
