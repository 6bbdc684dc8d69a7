"""``graphsc stats | rank | impact | families | analyze`` on the real bundled families, through the CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.store.sqlite import SQLiteStore

runner = CliRunner()
R1 = "deepseek-ai/DeepSeek-R1"


@pytest.fixture
def db(families_store: SQLiteStore) -> Path:
    return families_store.path


def run_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_stats_json(db: Path) -> None:
    doc = run_json("stats", "--db", str(db))
    assert doc["schema"] == "graphsc.stats/1"
    assert doc["edges"]["DERIVED_FROM"] == sum(doc["relations"].values())
    depth = doc["depth"]
    assert (
        sum(depth["by_generation"].values())
        == depth["models_with_edges"]
        == doc["nodes"]["Model"] - depth["isolated_models"]
    )
    assert depth["max_generation"] == len(depth["longest_chains"][0]) - 1
    assert doc["families"]["largest"][0]["size"] <= depth["models_with_edges"]
    assert list(doc["licenses"]["top"].values()) == sorted(doc["licenses"]["top"].values(), reverse=True)


@pytest.mark.parametrize("by", ["reach", "pagerank", "betweenness", "downloads", "exposure"])
def test_rank_json_is_sorted_and_topped(db: Path, by: str) -> None:
    doc = run_json("rank", "--by", by, "--top", "5", "--db", str(db))
    values = [m["value"] for m in doc["models"]]
    assert len(values) == 5 and values == sorted(values, reverse=True)
    if by in ("reach", "pagerank", "exposure", "downloads"):
        assert doc["models"][0]["id"] == R1
    if by == "betweenness":
        assert doc["notes"]["sample"] == doc["notes"]["nodes"] and doc["notes"]["exact"]


def test_rank_betweenness_states_its_sample(db: Path) -> None:
    doc = run_json("rank", "--by", "betweenness", "--sample", "50", "--db", str(db))
    assert doc["notes"]["sample"] == 50 and not doc["notes"]["exact"]
    result = runner.invoke(app, ["rank", "--by", "betweenness", "--sample", "50", "--db", str(db)])
    assert "estimated from 50 of" in result.stdout


def test_impact_json_and_table(db: Path) -> None:
    doc = run_json("impact", R1, "--db", str(db))
    assert doc["descendants"]["count"] == sum(doc["descendants"]["by_depth"].values()) == 301
    assert sum(doc["licenses"].values()) == 302 and len(doc["spaces"]) > 0
    result = runner.invoke(app, ["impact", R1, "--db", str(db)])
    assert result.exit_code == 0 and "Descendants by depth" in result.stdout and "█" in result.stdout


def test_impact_unknown_model_suggests(db: Path) -> None:
    result = runner.invoke(app, ["impact", "DeepSeek-R1", "--db", str(db)])
    assert result.exit_code == 1
    assert "Unknown model" in result.output and "Did you mean" in result.output and R1 in result.output
    assert "Traceback" not in result.output


def test_families_json_and_tree(db: Path) -> None:
    doc = run_json("families", "--top", "3", "--db", str(db))
    assert doc["count"] >= 1 and doc["families"][0]["rank"] == 1
    assert sum(doc["families"][0]["by_generation"].values()) == doc["families"][0]["size"]
    result = runner.invoke(app, ["families", "--db", str(db)])
    assert "members by generation" in result.stdout and "roots" in result.stdout


def test_analyze_write_stores_metrics(db: Path) -> None:
    doc = run_json("analyze", "--write", "--db", str(db))
    assert doc["written"] and {"graph", "depth", "pagerank", "betweenness", "exposure", "write"} <= set(doc["timings"])
    rows = sqlite3.connect(db).execute("SELECT count(*), max(generation), sum(pagerank) FROM model_metrics").fetchone()
    assert rows[0] == doc["models"] and rows[1] == 3 and rows[2] == pytest.approx(1.0)


def test_stats_table(db: Path) -> None:
    result = runner.invoke(app, ["stats", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "Generations" in result.stdout and "Longest chains" in result.stdout and "Largest families" in result.stdout
