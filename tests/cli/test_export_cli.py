"""``graphsc export`` and ``graphsc lineage --format mermaid|dot`` end to end on the bundled samples (both families
and PeaTMOSS usage): every format read back and compared with the store, files and directories written where asked,
and the usage errors (scope, parquet's directory, unknown ids, a missing pyarrow)."""

from __future__ import annotations

import io
import sys
from collections import Counter
from pathlib import Path

import networkx as nx
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.licenses import check_store
from graphsc.store.sqlite import SQLiteStore
from tests.render.test_exports import MISTRAL, MISTRAL_INSTRUCT, R1, expected, read_dot, read_mermaid

runner = CliRunner()


def export(db: Path, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, ["export", *args, "--db", str(db)])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.stdout if code == 0 else result.output


@pytest.fixture(scope="module")
def store(real_db: Path) -> SQLiteStore:
    graph = SQLiteStore(real_db, readonly=True)
    yield graph
    graph.close()


def graph_of(text: str, fmt: str) -> nx.MultiDiGraph:
    data = io.BytesIO(text.encode("utf-8"))
    graph = nx.read_graphml(data, force_multigraph=True) if fmt == "graphml" else nx.read_gexf(data)
    return nx.MultiDiGraph(graph)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
@pytest.mark.parametrize(("scope", "model"), [("model", R1), ("family", MISTRAL), ("all", None)])
def test_graphml_and_gexf_on_stdout_hold_the_scope(
    real_db: Path, store: SQLiteStore, fmt: str, scope: str, model: str | None
) -> None:
    scope_args = ["--all"] if model is None else [f"--{scope}", model]
    graph = graph_of(export(real_db, "--format", fmt, *scope_args), fmt)
    nodes, edges = expected(store, scope, model)
    assert set(graph.nodes) == nodes
    assert Counter((u, v, d["kind"]) for u, v, d in graph.edges(data=True)) == edges


def test_findings_of_the_whole_graph_mark_edges_and_nodes(real_db: Path, store: SQLiteStore) -> None:
    report = check_store(store)
    assert report.conflicts, "the bundled samples hold license findings"
    graph = graph_of(export(real_db, "--all", "--format", "graphml"), "graphml")
    models = {m.id for b in store.iter_models() for m in b}
    origins: dict[tuple[str, str], set[str]] = {}
    for c in report.conflicts:
        # a repository/Space (or dataset) sharing a model's id is its own node, keyed kind:id
        child = f"{c.child_type}:{c.child}" if c.child_type != "model" and c.child in models else c.child
        for base in c.bases or (c.base,):
            base_key = f"dataset:{base}" if c.edge == "trained_on" and base in models else base
            origins.setdefault((child, base_key), set()).add(c.key)
    marked = {(u, v): set(d["finding"].split(", ")) for u, v, d in graph.edges(data=True) if "finding" in d}
    assert marked == origins
    reached = Counter(m for c in report.conflicts for m in set(c.reached_models))
    assert {n: d["findings"] for n, d in graph.nodes(data=True) if d["findings"]} == +reached


def test_dot_and_mermaid_of_a_family(real_db: Path, store: SQLiteStore) -> None:
    nodes, edges = expected(store, "family", MISTRAL)
    dot_nodes, dot_edges, dot = read_dot(export(real_db, "--family", MISTRAL, "--format", "dot"))
    assert dot.get("rankdir") == "BT"
    assert set(dot_nodes) == nodes
    assert Counter((u, v, d["kind"]) for u, v, d in dot_edges) == edges
    labels, drawn = read_mermaid(export(real_db, "--family", MISTRAL, "--format", "mermaid"))
    assert set(labels) == nodes
    assert Counter((u, v) for u, v, _ in drawn) == Counter((u, v) for u, v, _ in edges)


def test_an_applications_models_with_their_ancestors(real_db: Path, store: SQLiteStore) -> None:
    used: dict[str, set[str]] = {}
    for page in store.iter_uses():
        for u in page:
            used.setdefault(u.user, set()).add(u.model)
    repo = sorted(r for r, models in used.items() if any(store.lineage_edges(m, "up") for m in models))[0]
    lineage = [e for m in used[repo] for e in store.lineage_edges(m, "up")]
    models = used[repo] | {e.child for e in lineage} | {e.base for e in lineage}
    graph = graph_of(export(real_db, "--repo", repo.upper(), "--format", "graphml"), "graphml")
    assert {n for n, d in graph.nodes(data=True) if d["kind"] == "model"} == models
    assert {(u, v) for u, v, d in graph.edges(data=True) if d["kind"] == "uses"} == {(repo, m) for m in used[repo]}
    assert {(u, v) for u, v, d in graph.edges(data=True) if d["kind"] == "derived_from"} == {
        (e.child, e.base) for e in lineage
    }


def test_output_files_and_the_parquet_directory(real_db: Path, store: SQLiteStore, tmp_path: Path) -> None:
    out = tmp_path / "r1.graphml"
    result = runner.invoke(app, ["export", "--model", R1, "-o", str(out), "--db", str(real_db)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "written to" in result.stderr
    nodes, edges = expected(store, "model", R1)
    assert set(nx.read_graphml(out)) == nodes

    directory = tmp_path / "tables"  # created: its parent exists
    export(real_db, "--model", R1, "--format", "parquet", "--output", str(directory))
    node_rows = pq.read_table(directory / "nodes.parquet").to_pylist()
    edge_rows = pq.read_table(directory / "edges.parquet").to_pylist()
    finding_rows = pq.read_table(directory / "findings.parquet").to_pylist()
    assert {r["id"] for r in node_rows} == nodes
    assert Counter((r["source"], r["target"], r["kind"]) for r in edge_rows) == edges
    users = {r["id"]: r["users"] for r in node_rows}
    assert users[R1] == sorted({u.user for u in store.uses_of([R1])})
    report = check_store(store)
    inside = {c.key for c in report.conflicts if c.child in nodes and any(b in nodes for b in c.bases or (c.base,))}
    assert {r["key"] for r in finding_rows} == inside


def test_lineage_pictures_hold_the_models_and_their_derived_from_edges(real_db: Path, store: SQLiteStore) -> None:
    edges = {(e.child, e.base) for d in ("up", "down") for e in store.lineage_edges(MISTRAL_INSTRUCT, d)}
    models = {MISTRAL_INSTRUCT} | {m for e in edges for m in e}
    result = runner.invoke(app, ["lineage", MISTRAL_INSTRUCT, "--format", "mermaid", "--db", str(real_db)])
    assert result.exit_code == 0, result.output
    labels, drawn = read_mermaid(result.stdout)
    assert set(labels) == models
    assert Counter((u, v) for u, v, _ in drawn) == Counter(edges)
    result = runner.invoke(app, ["lineage", MISTRAL_INSTRUCT, "-f", "dot", "-d", "up", "--db", str(real_db)])
    assert result.exit_code == 0, result.output
    dot_nodes, dot_edges, _ = read_dot(result.stdout)
    up = {(e.child, e.base) for e in store.lineage_edges(MISTRAL_INSTRUCT, "up")}
    assert set(dot_nodes) == {MISTRAL_INSTRUCT} | {m for e in up for m in e}
    assert {(u, v) for u, v, _ in dot_edges} == up
    assert {d["kind"] for d in dot_nodes.values()} == {"model"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give exactly one of them (none was given)"),
        (["--model", R1, "--all"], "(--model and --all were given)"),
        (["--family", MISTRAL, "--repo", "a/b"], "(--family and --repo were given)"),
        (["--all", "--format", "parquet"], "give it with --output DIR"),
        (["--all", "--format", "xml"], "'xml' is not one of"),
    ],
)
def test_usage_errors_exit_2(real_db: Path, args: list[str], message: str) -> None:
    output = export(real_db, *args, code=2)
    assert message in " ".join(output.replace("│", " ").split())  # the message as one line, out of its box


def test_unknown_ids_and_unwritable_outputs_exit_1(real_db: Path, tmp_path: Path) -> None:
    output = export(real_db, "--model", "deepseek-ai/DeepSeek-R2", code=1)
    assert "Did you mean" in output and R1 in output
    assert "not a repository or Space" in export(real_db, "--repo", "nobody/nothing", code=1)
    missing = tmp_path / "missing" / "tables"
    output = export(real_db, "--all", "-f", "parquet", "-o", str(missing), code=1)
    assert "parent directory does not exist" in output
    assert not missing.parent.exists()
    assert "Cannot write" in export(real_db, "--family", MISTRAL, "-o", str(missing.parent / "g.graphml"), code=1)


def test_parquet_without_pyarrow_says_how_to_install_it(
    real_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    output = export(real_db, "--all", "-f", "parquet", "-o", str(tmp_path / "t"), code=1)
    assert "needs pyarrow" in output and "pip install 'graphsc[parquet]'" in output
    assert not (tmp_path / "t").exists()
