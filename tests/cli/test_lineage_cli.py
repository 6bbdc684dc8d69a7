from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.ingest import ingest_snapshot
from graphsc.store.sqlite import SQLiteStore

runner = CliRunner()
R1 = "deepseek-ai/DeepSeek-R1"


@pytest.fixture
def db(tmp_path: Path, family_files: list[Path]) -> Path:
    path = tmp_path / "g.db"
    store = SQLiteStore(path)
    ingest_snapshot(store, [str(p) for p in family_files])
    store.close()
    return path


def lineage_json(db: Path, *args: str) -> dict:
    result = runner.invoke(app, ["lineage", *args, "--format", "json", "--db", str(db)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_document_describes_descendants(db: Path, family_records: list[dict]) -> None:
    doc = lineage_json(db, R1)
    children = {
        r["id"] for r in family_records if any(t.split(":")[-1] == R1 for t in r["tags"] if t.startswith("base_model:"))
    }
    assert doc["schema"] == "graphsc.lineage/1"
    assert doc["model"]["id"] == R1 and doc["model"]["license"] == "mit"
    assert {e["child"] for e in doc["descendants"]["edges"] if e["base"] == R1} == children
    assert doc["descendants"]["by_depth"]["1"] == len(children)
    assert doc["descendants"]["count"] == sum(doc["descendants"]["by_relation"].values())
    assert doc["ancestors"] == {"generation": 0, "roots": [R1], "count": 0, "edges": []}
    assert {u["id"] for u in doc["used_by"]} == set(next(r for r in family_records if r["id"] == R1)["spaces"])
    assert set(doc["models"]) >= children


def test_json_up_from_a_leaf_walks_to_the_root(db: Path) -> None:
    doc = lineage_json(db, "AlSamCur123/DeepHermes-3-Mistral-24ContinuedFine", "--direction", "up")
    assert "descendants" not in doc
    assert doc["ancestors"]["roots"] == ["mistralai/Mistral-Small-24B-Base-2501"]
    assert doc["ancestors"]["generation"] == 3
    assert {(e["child"], e["base"]) for e in doc["ancestors"]["edges"]} == {
        ("AlSamCur123/DeepHermes-3-Mistral-24ContinuedFine", "AlSamCur123/DeepHermes-3-Mistral-24BContinuedFine"),
        ("AlSamCur123/DeepHermes-3-Mistral-24BContinuedFine", "NousResearch/DeepHermes-3-Mistral-24B-Preview"),
        ("NousResearch/DeepHermes-3-Mistral-24B-Preview", "mistralai/Mistral-Small-24B-Base-2501"),
    }


def test_tree_output_shows_tree_summary_and_what_was_hidden(db: Path) -> None:
    result = runner.invoke(app, ["lineage", R1, "--width", "3", "--db", str(db)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Descendants of deepseek-ai/DeepSeek-R1" in result.output
    assert "more children" in result.output and "not shown" in result.output
    assert "generation" in result.output and "descendants" in result.output


def test_unknown_model_is_a_clear_error_with_suggestions(db: Path) -> None:
    result = runner.invoke(app, ["lineage", "deepseek-ai/DeepSeek-R2", "--db", str(db)])
    assert result.exit_code == 1
    assert "Unknown model" in result.output and "Did you mean" in result.output and R1 in result.output
    assert "Traceback" not in result.output
