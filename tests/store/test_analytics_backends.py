"""The analytics commands give the same answers on Neo4j as on the embedded store (bundled real families)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from graphsc.analytics.analysis import Analysis
from graphsc.analytics.metrics import model_metrics
from graphsc.cli import app
from graphsc.records import RELATIONS
from graphsc.store.neo4j import Neo4jStore
from graphsc.store.sqlite import SQLiteStore

pytestmark = pytest.mark.neo4j
runner = CliRunner()
R1 = "deepseek-ai/DeepSeek-R1"
COMMANDS = [
    ["stats"],
    ["families", "--top", "5"],
    ["impact", R1],
    *(["rank", "--by", by, "--top", "15"] for by in ("reach", "pagerank", "betweenness", "downloads", "exposure")),
]


def run_json(args: list[str], store_args: list[str]) -> dict[str, Any]:
    result = runner.invoke(app, [*args, *store_args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:3]))
def test_analytics_commands_agree(
    args: list[str],
    families_store: SQLiteStore,
    neo4j_families: Neo4jStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEO4J_URI", neo4j_families.uri)
    embedded = run_json(args, ["--store", "embedded", "--db", str(families_store.path)])
    assert run_json(args, ["--store", "neo4j"]) == embedded


def test_metrics_rows_agree_and_are_written(families_store: SQLiteStore, neo4j_families: Neo4jStore) -> None:
    rows = list(model_metrics(Analysis(neo4j_families)))
    assert rows == list(model_metrics(Analysis(families_store)))
    assert neo4j_families.write_model_metrics(rows) == len(rows)
    assert neo4j_families.write_model_metrics(rows[:3]) == 3
    with neo4j_families._driver.session() as session:
        carried = session.run("MATCH (m:Model) WHERE m.generation IS NOT NULL RETURN m.id AS id, m {.*} AS p").data()
    assert {r["id"] for r in carried} == {r.model_id for r in rows[:3]}
    stored = {r["id"]: r["p"] for r in carried}
    for row in rows[:3]:
        props = stored[row.model_id]
        assert props["generation"] == row.generation and props["in_cycle"] is row.in_cycle
        assert props.get("pagerank") == row.pagerank and props["family"] == row.family
        assert [props[f"derivatives_{r}"] for r in RELATIONS] == [
            row.derivatives_by_relation.get(r, 0) for r in RELATIONS
        ]


def test_model_fields_agree(families_store: SQLiteStore, neo4j_families: Neo4jStore) -> None:
    fields = ["downloads", "license", "fetched", "pipeline_tag"]

    def read(store: Any) -> list[tuple[Any, ...]]:
        pages = list(store.iter_model_fields(fields, batch_size=100))
        assert all(len(page) <= 100 for page in pages)
        return sorted((*row[:3], bool(row[3]), *row[4:]) for page in pages for row in page)

    assert read(neo4j_families) == read(families_store)
    with pytest.raises(ValueError, match="not Model fields: nope"):
        next(neo4j_families.iter_model_fields(["nope"]))
