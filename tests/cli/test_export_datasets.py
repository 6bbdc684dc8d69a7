"""Exports carry the whole data chain: the datasets a model was trained on and the datasets those were made from
(``source_datasets``), with the finding where a dataset dropped its source's terms marked on that edge."""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx
from typer.testing import CliRunner

from graphsc.cli import app

runner = CliRunner()


def _graph(tmp_path: Path) -> Path:
    # data/nc (CC BY-NC 4.0) ← data/derived (MIT) ← data/top (no license) ; org/m (Apache-2.0) trained on data/top
    datasets = [
        {"id": "data/nc", "tags": ["license:cc-by-nc-4.0"]},
        {"id": "data/derived", "tags": ["license:mit", "source_datasets:extended|data/nc"]},
        {"id": "data/top", "tags": ["source_datasets:extended|data/derived"]},
    ]
    models = [{"id": "org/m", "cardData": {"license": "apache-2.0", "datasets": ["data/top"]}}]
    db = tmp_path / "g.db"
    for kind, records in (("datasets", datasets), ("models", models)):
        path = tmp_path / f"{kind}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
        assert runner.invoke(app, ["ingest", "snapshot", "--kind", kind, str(path), "--db", str(db)]).exit_code == 0
    return db


def test_graphml_holds_the_source_datasets_and_the_finding_on_their_edge(tmp_path: Path) -> None:
    db = _graph(tmp_path)
    result = runner.invoke(app, ["export", "--model", "org/m", "--format", "graphml", "--db", str(db)])
    assert result.exit_code == 0, result.output
    graph = nx.read_graphml(io.BytesIO(result.stdout.encode()))
    kinds = {(a, b): d["kind"] for a, b, d in graph.edges(data=True)}
    assert kinds == {
        ("org/m", "data/top"): "trained_on",
        ("data/top", "data/derived"): "dataset_derived_from",
        ("data/derived", "data/nc"): "dataset_derived_from",
    }
    assert {n: graph.nodes[n]["kind"] for n in graph.nodes} == {
        "org/m": "model",
        "data/top": "dataset",
        "data/derived": "dataset",
        "data/nc": "dataset",
    }
    # data/derived relicensed NC data as MIT: the D-NC finding starts on its edge to data/nc
    assert "D-NC/dataset_derived:data/derived<-data/nc" in graph.edges["data/derived", "data/nc"].get("finding", "")
    assert graph.nodes["data/nc"]["license"] == "CC-BY-NC-4.0"


def test_dot_labels_the_dataset_edges(tmp_path: Path) -> None:
    db = _graph(tmp_path)
    result = runner.invoke(app, ["export", "--all", "--format", "dot", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.stdout.count('label="source_datasets"') == 2
