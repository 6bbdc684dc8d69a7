"""The analytics, audit, risks and trends commands give the same answers on Neo4j as on the embedded store (bundled
real families; a synthetic risk graph with adapters, a cycle and stubs)."""

from __future__ import annotations

import json
from pathlib import Path
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
    # issue 19's commands read details and reported results: the same documents from either store
    ["audit"],
    ["audit", "yentinglin/Mistral-Small-24B-Instruct-2501-reasoning"],
    ["risks"],
    ["risks", "perplexity-ai/r1-1776"],
    ["trends"],
    ["trends", "--family", "mistralai/Mistral-Small-24B-Base-2501", "--by", "quarter"],
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


def test_risks_of_a_graph_with_adapters_cycles_and_stubs_agree(
    store: SQLiteStore, neo4j_store: Neo4jStore, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tests.reuse.test_risks import EDGES, write_risk_graph

    write_risk_graph(store)
    write_risk_graph(neo4j_store)
    monkeypatch.setenv("NEO4J_URI", neo4j_store.uri)
    embedded_args = ["--store", "embedded", "--db", str(store.path)]
    whole = run_json(["risks"], embedded_args)
    assert whole["top"] and run_json(["risks"], ["--store", "neo4j"]) == whole
    kinds = set()
    for model in sorted({m for edge in EDGES for m in edge[:2]}):
        document = run_json(["risks", model], embedded_args)
        assert run_json(["risks", model], ["--store", "neo4j"]) == document, model
        kinds.update(k for k in ("own", "inherited", "upstream") if document[k])
    assert kinds == {"own", "inherited", "upstream"}  # the graph exercises every kind on both stores
    policy = tmp_path / "p.toml"
    policy.write_text(
        'version = 1\n[[rules]]\nid = "no-pickle"\naction = "deny"\nrisk = ["pickle-only", "unsafe-scan"]\n'
    )
    check = ["check", "--policy", str(policy)]
    embedded = runner.invoke(app, [*check, *embedded_args, "--format", "json"])
    on_neo4j = runner.invoke(app, [*check, "--store", "neo4j", "--format", "json"])
    assert embedded.exit_code == on_neo4j.exit_code == 1  # denied on both
    checked = json.loads(embedded.stdout)
    assert checked["violations"] and json.loads(on_neo4j.stdout) == checked


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
