"""The graph exports (GraphML, GEXF, DOT, Mermaid, Parquet) read back with their own readers — NetworkX, pydot,
pyarrow, a regex for Mermaid — and compared with the store itself: the nodes and edges a scope holds are worked
out here from the store's own edges (``lineage_edges``, ``iter_*``), not from graphsc's subgraph. Ids and licenses
written by strangers (quotes, brackets, ``<``, ``&``, ``|``, ``:``, newlines, unicode) round-trip or stay inert."""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import networkx as nx
import pyarrow.parquet as pq
import pydot
import pytest

from graphsc.errors import GraphscError
from graphsc.licenses import check_store
from graphsc.records import DerivedFrom, GraphBatch, Model, TrainedOn, Uses
from graphsc.render.export_dot import dot_text
from graphsc.render.export_gexf import gexf_text
from graphsc.render.export_graphml import graphml_text
from graphsc.render.export_mermaid import mermaid_text
from graphsc.render.export_parquet import write_parquet
from graphsc.store.sqlite import SQLiteStore
from graphsc.subgraph import Subgraph, subgraph_of

R1 = "deepseek-ai/DeepSeek-R1"
MISTRAL = "mistralai/Mistral-Small-24B-Base-2501"
MISTRAL_INSTRUCT = "mistralai/Mistral-Small-24B-Instruct-2501"  # a base above, 34 lineage edges below
EdgeKey = tuple[str, str, str]  # (source, target, kind)


# --- what the store says a scope holds (independently of graphsc.subgraph) -----------------------------------------


def expected(store: SQLiteStore, scope: str, model: str | None = None) -> tuple[set[str], Counter[EdgeKey]]:
    """Node ids and edges (source, target, kind) of ``scope`` (model, family or all), from the store's edges."""
    if scope == "all":
        lineage = [e for b in store.iter_derived_from() for e in b]
        models = {m.id for b in store.iter_models() for m in b} | {e.child for e in lineage} | {e.base for e in lineage}
    else:
        assert model is not None
        lineage = store.lineage_edges(model, "down")
        if scope == "model":
            lineage += store.lineage_edges(model, "up")
        merges = {e.child for e in lineage if e.relation == "merge"}
        lineage += [e for m in merges for e in store.lineage_edges(m, "up") if e.child == m]
        models = {model} | {e.child for e in lineage} | {e.base for e in lineage}
    edges: Counter[EdgeKey] = Counter({(e.child, e.base, "derived_from") for e in lineage})
    trained = store.trained_on(models)
    uses = store.uses_of(models)

    def node(node_id: str, kind: str) -> str:
        """A dataset, repository or Space whose id is also a model's id is its own node, keyed ``kind:id``."""
        return f"{kind}:{node_id}" if node_id in models else node_id

    edges.update((t.model, node(t.dataset, "dataset"), "trained_on") for t in trained)
    edges.update((node(u.user, u.user_kind), u.model, "uses") for u in uses)
    others = {node(t.dataset, "dataset") for t in trained} | {node(u.user, u.user_kind) for u in uses}
    return models | others, edges


SCOPES = [("model", R1), ("family", MISTRAL), ("all", None)]
# pydot's parser reads ~70 edges a second: DOT is read back for smaller scopes (the whole graph: the hostile store's)
DOT_SCOPES = [("model", MISTRAL_INSTRUCT), ("family", MISTRAL)]


def scoped(store: SQLiteStore, scope: str, model: str | None) -> Subgraph:
    args = {} if scope == "all" else {scope: model}
    return subgraph_of(store, check_store(store), **args)


# --- readers -------------------------------------------------------------------------------------------------------


def read_graphml(text: str) -> nx.MultiDiGraph:
    return nx.MultiDiGraph(nx.read_graphml(io.BytesIO(text.encode("utf-8")), force_multigraph=True))


def read_gexf(text: str) -> nx.MultiDiGraph:
    return nx.MultiDiGraph(nx.read_gexf(io.BytesIO(text.encode("utf-8"))))


def dot_unquoted(token: str) -> str:
    """A DOT quoted string's text: the quotes dropped, ``\\"``, ``\\\\`` and ``\\n`` read back."""
    assert token.startswith('"') and token.endswith('"'), token
    return re.sub(r"\\(.)", lambda m: "\n" if m[1] == "n" else m[1], token[1:-1], flags=re.S)


def read_dot(text: str) -> tuple[dict[str, dict[str, str]], list[tuple[str, str, dict[str, str]]], pydot.Dot]:
    """Nodes (id → attributes) and edges (source, target, attributes) of a DOT text, values unquoted."""
    graphs = pydot.graph_from_dot_data(text)
    assert graphs is not None and len(graphs) == 1, "pydot could not parse the DOT text"
    graph = graphs[0]
    nodes = {
        dot_unquoted(n.get_name()): {k: dot_unquoted(v) for k, v in n.get_attributes().items()}
        for n in graph.get_nodes()
        if n.get_name() not in ("node", "edge", "graph")
    }
    edges = [
        (
            dot_unquoted(e.get_source()),
            dot_unquoted(e.get_destination()),
            {k: dot_unquoted(v) for k, v in e.get_attributes().items()},
        )
        for e in graph.get_edges()
    ]
    return nodes, edges, graph


MERMAID_NODE = re.compile(r'^    (n\d+)(\[\(|\[\[|\(\[|\[)"([^"]*)"(\)\]|\]\]|\]\)|\])$')
MERMAID_EDGE = re.compile(r"^    (n\d+) (-->|-\.->|==>)\|([^|\[\]{}()\"<>]*)\| (n\d+)$")
MERMAID_OTHER = re.compile(r"^    (classDef [a-z_]+ [^\"]+|class [n\d,]+ [a-z_]+|linkStyle [\d,]+ [^\"]+)$")


def mermaid_unescaped(text: str) -> str:
    return re.sub(r"#(quot|\d+);", lambda m: '"' if m[1] == "quot" else chr(int(m[1])), text)


def read_mermaid(text: str) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Node labels (model id → the rest of the label) and edges (source id, target id, label) of a Mermaid
    flowchart; every line must be one of the shapes graphsc writes, and labels hold no raw Mermaid syntax."""
    lines = text.splitlines()
    assert lines[0] == "flowchart BT"
    labels: dict[str, str] = {}
    ids: dict[str, str] = {}
    edges = []
    for line in lines[1:]:
        if node := MERMAID_NODE.match(line):
            label = node[3]
            assert not re.search(r"[\[\]{}()|<>`]", label.replace("<br>", "")), line
            assert "\n" not in label
            model_id, _, rest = label.partition("<br>")
            ids[node[1]] = mermaid_unescaped(model_id)
            labels[ids[node[1]]] = mermaid_unescaped(rest)
        elif edge := MERMAID_EDGE.match(line):
            edges.append((ids[edge[1]], ids[edge[4]], mermaid_unescaped(edge[3])))
        else:
            assert MERMAID_OTHER.match(line), f"not a line graphsc writes: {line!r}"
    return labels, edges


# --- the bundled families ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("scope", "model"), SCOPES)
def test_graphml_holds_the_scope_with_typed_fields(families_store: SQLiteStore, scope: str, model: str | None) -> None:
    nodes, edges = expected(families_store, scope, model)
    graph = read_graphml(graphml_text(scoped(families_store, scope, model)))
    assert set(graph.nodes) == nodes
    assert Counter((u, v, d["kind"]) for u, v, d in graph.edges(data=True)) == edges
    stored = families_store.models(sorted(graph.nodes))
    other_kinds = {t.dataset: "dataset" for t in families_store.trained_on(stored)}
    other_kinds |= {u.user: u.user_kind for u in families_store.uses_of(stored)}
    for node_id, attrs in graph.nodes(data=True):
        assert attrs["label"] == node_id
        assert None not in attrs.values()
        if node_id not in stored:
            prefix, _, plain = node_id.partition(":")  # kind:id for a dataset/repo/Space sharing a model's id
            assert attrs["kind"] == (prefix if plain and plain in stored else other_kinds[node_id])
            continue
        m = stored[node_id]
        assert attrs["kind"] == "model"
        assert attrs["fetched"] is bool(m.fetched)
        assert attrs.get("downloads") == m.downloads
        assert attrs.get("author") == m.author
        assert attrs.get("pipeline_tag") == m.pipeline_tag
        assert attrs["url"] == f"https://huggingface.co/{node_id}"
        if m.license in ("apache-2.0", "mit"):
            assert attrs["category"] == "permissive"
        datasets = sorted({t.dataset for t in families_store.trained_on([node_id])})
        assert attrs.get("datasets", "") == ", ".join(datasets)
    relations = {(e.child, e.base): (e.relation, e.source) for b in families_store.iter_derived_from() for e in b}
    for u, v, d in graph.edges(data=True):
        if d["kind"] == "derived_from":
            assert (d["relation"], d["provenance"]) == relations[(u, v)]
        else:
            assert "relation" not in d


@pytest.mark.parametrize(("scope", "model"), SCOPES)
def test_gexf_holds_the_scope(families_store: SQLiteStore, scope: str, model: str | None) -> None:
    nodes, edges = expected(families_store, scope, model)
    text = gexf_text(scoped(families_store, scope, model))
    graph = read_gexf(text)
    assert set(graph.nodes) == nodes
    assert Counter((u, v, d["kind"]) for u, v, d in graph.edges(data=True)) == edges
    downloads = {m.id: m.downloads for m in families_store.models(sorted(nodes)).values()}
    for node_id, attrs in graph.nodes(data=True):
        assert attrs["label"] == node_id
        assert attrs.get("downloads") == downloads.get(node_id)
        assert set(attrs["viz"]["color"]) >= {"r", "g", "b"}
    assert 'version="1.2"' in text


@pytest.mark.parametrize(("scope", "model"), DOT_SCOPES)
def test_dot_holds_the_scope_bases_above(families_store: SQLiteStore, scope: str, model: str | None) -> None:
    nodes, edges = expected(families_store, scope, model)
    dot_nodes, dot_edges, graph = read_dot(dot_text(scoped(families_store, scope, model)))
    assert graph.get_type() == "digraph"
    assert graph.get("rankdir") == "BT"
    assert set(dot_nodes) == nodes
    assert Counter((u, v, d["kind"]) for u, v, d in dot_edges) == edges
    fetched = {m.id: bool(m.fetched) for m in families_store.models(sorted(nodes)).values()}
    for node_id, attrs in dot_nodes.items():
        assert attrs["label"].split("\n")[0] == node_id
        assert ("dashed" in attrs["style"]) is (not fetched.get(node_id, True))
        assert attrs["fillcolor"].startswith("#")
    for _, _, attrs in dot_edges:
        assert attrs["label"] == attrs.get("relation", attrs["kind"].replace("_", " "))


@pytest.mark.parametrize(("scope", "model"), SCOPES[:2])
def test_mermaid_draws_every_edge_once(families_store: SQLiteStore, scope: str, model: str | None) -> None:
    nodes, edges = expected(families_store, scope, model)
    labels, drawn = read_mermaid(mermaid_text(scoped(families_store, scope, model)))
    assert set(labels) == nodes
    assert Counter((u, v) for u, v, _ in drawn) == Counter((u, v) for u, v, _ in edges)
    relation = {(e.child, e.base): e.relation for b in families_store.iter_derived_from() for e in b}
    kind = {(u, v): k for u, v, k in edges}
    for u, v, label in drawn:
        assert label == relation.get((u, v), kind[(u, v)].replace("_", " "))


def test_parquet_tables_hold_the_scope(families_store: SQLiteStore, tmp_path: Path) -> None:
    nodes, edges = expected(families_store, "model", R1)
    out = tmp_path / "r1"
    written = write_parquet(scoped(families_store, "model", R1), out)
    assert sorted(p.name for p in written) == ["edges.parquet", "findings.parquet", "nodes.parquet"]
    node_rows = pq.read_table(out / "nodes.parquet").to_pylist()
    edge_rows = pq.read_table(out / "edges.parquet").to_pylist()
    assert {r["id"] for r in node_rows} == nodes
    assert Counter((r["source"], r["target"], r["kind"]) for r in edge_rows) == edges
    stored = families_store.models(sorted(nodes))
    for r in node_rows:
        if r["id"] in stored:
            m = stored[r["id"]]
            assert (r["downloads"], r["author"], r["fetched"]) == (m.downloads, m.author, bool(m.fetched))
            assert r["datasets"] == sorted({t.dataset for t in families_store.trained_on([r["id"]])})
    assert not any(list(out.glob("*.partial")))


# --- findings ------------------------------------------------------------------------------------------------------


def findings_store(tmp_path: Path) -> SQLiteStore:
    """A non-commercial base with a commercial finetune (a finding on that edge), used by a repository."""
    store = SQLiteStore(tmp_path / "findings.db")
    store.write(
        GraphBatch(
            models=[
                Model("org/base", license="cc-by-nc-4.0", fetched=True),
                Model("org/ft", license="apache-2.0", fetched=True),
                Model("org/ft2", license="cc-by-nc-4.0", fetched=True),
            ],
            derived_from=[
                DerivedFrom("org/ft", "org/base", "finetune", "hub-tag"),
                DerivedFrom("org/ft2", "org/ft", "finetune", "hub-tag"),
            ],
            uses=[Uses("acme/app", "repo", "org/ft2", "peatmoss")],
        )
    )
    return store


def test_findings_mark_their_origin_edge_and_count_at_the_nodes_they_reach(tmp_path: Path) -> None:
    store = findings_store(tmp_path)
    report = check_store(store)
    origins = {(c.child, b) for c in report.conflicts for b in (c.bases or (c.base,))}
    keys = {c.key for c in report.conflicts if c.child == "org/ft"}
    assert ("org/ft", "org/base") in origins and keys
    reached = Counter(m for c in report.conflicts for m in set(c.reached_models))
    subgraph = subgraph_of(store, report)
    graph = read_graphml(graphml_text(subgraph))
    for u, v, d in graph.edges(data=True):
        assert ("finding" in d) is ((u, v) in origins)
    (edge,) = [d for u, v, d in graph.edges(data=True) if (u, v) == ("org/ft", "org/base")]
    assert set(edge["finding"].split(", ")) >= keys
    assert edge["finding_severity"] in {"error", "warning", "info"}
    assert {n: d["findings"] for n, d in graph.nodes(data=True) if d["findings"]} == {
        n: reached[n] for n in graph.nodes if reached[n]
    }
    gexf = read_gexf(gexf_text(subgraph))
    assert {(u, v) for u, v, d in gexf.edges(data=True) if "finding" in d} == origins & set(gexf.edges())
    write_parquet(subgraph, tmp_path / "pq")
    finding_rows = pq.read_table(tmp_path / "pq" / "findings.parquet").to_pylist()
    assert {r["key"] for r in finding_rows} == {c.key for c in report.conflicts}
    edge_rows = pq.read_table(tmp_path / "pq" / "edges.parquet").to_pylist()
    assert {(r["source"], r["target"]) for r in edge_rows if r["findings"]} == origins
    _, dot_edges, _ = read_dot(dot_text(subgraph))
    assert {(u, v) for u, v, d in dot_edges if "finding" in d} == origins
    store.close()


# --- ids and licenses written by strangers -------------------------------------------------------------------------

BASE = 'org/ba"se <&> [x]'
CHILD = "o|rg/ch{i}ld: x"
QUANT = "ünï/cödé:port"
MERGE = "node"  # a DOT keyword
OTHER = "edge\\tail\\"  # backslashes, one at the end
DATASET = 'ds/"d&a|ta]'
HOSTILE_LICENSE = 'apache-2.0\nand "gpl" <x> & [y] | z #quot; %% end'


@pytest.fixture
def hostile(tmp_path: Path) -> SQLiteStore:
    store = SQLiteStore(tmp_path / "hostile.db")
    store.write(
        GraphBatch(
            models=[
                Model(BASE, license="mit", fetched=True, downloads=3_000_000_000),
                Model(CHILD, license=HOSTILE_LICENSE, fetched=True, author='a"<b>'),
                Model(QUANT, license="llama3", fetched=True),
                Model(MERGE, license="cc-by-nc-4.0", fetched=True),
            ],
            derived_from=[
                DerivedFrom(CHILD, BASE, "adapter", "inferred:peft"),
                DerivedFrom(QUANT, CHILD, "quantized", "inferred:gguf"),
                DerivedFrom(MERGE, QUANT, "merge", "inferred:mergekit"),
                DerivedFrom(MERGE, OTHER, "merge", "inferred:mergekit"),
            ],
            trained_on=[TrainedOn(CHILD, DATASET, "card")],
            uses=[Uses("acme/[app]|x", "repo", BASE, "sbom")],
        )
    )
    yield store
    store.close()


HOSTILE_NODES = {BASE, CHILD, QUANT, MERGE, OTHER, DATASET, "acme/[app]|x"}
HOSTILE_EDGES = {
    (CHILD, BASE, "derived_from"),
    (QUANT, CHILD, "derived_from"),
    (MERGE, QUANT, "derived_from"),
    (MERGE, OTHER, "derived_from"),
    (CHILD, DATASET, "trained_on"),
    ("acme/[app]|x", BASE, "uses"),
}


def test_hostile_ids_round_trip_in_graphml_and_gexf(hostile: SQLiteStore) -> None:
    subgraph = subgraph_of(hostile, check_store(hostile))
    for graph in (read_graphml(graphml_text(subgraph)), read_gexf(gexf_text(subgraph))):
        assert set(graph.nodes) == HOSTILE_NODES
        assert {(u, v, d["kind"]) for u, v, d in graph.edges(data=True)} == HOSTILE_EDGES
        assert graph.nodes[CHILD]["license"] == HOSTILE_LICENSE
        assert graph.nodes[CHILD]["author"] == 'a"<b>'
        assert graph.nodes[CHILD]["datasets"] == DATASET
        assert graph.nodes[BASE]["downloads"] == 3_000_000_000
        assert graph.nodes[OTHER]["fetched"] is False


def test_hostile_ids_round_trip_in_dot_with_relation_styles(hostile: SQLiteStore) -> None:
    nodes, edges, _ = read_dot(dot_text(subgraph_of(hostile, check_store(hostile))))
    assert set(nodes) == HOSTILE_NODES
    assert {(u, v, d["kind"]) for u, v, d in edges} == HOSTILE_EDGES
    assert nodes[CHILD]["license"] == HOSTILE_LICENSE
    assert nodes[CHILD]["label"] == f"{CHILD}\n{HOSTILE_LICENSE}"
    assert "dashed" in nodes[OTHER]["style"] and "dashed" not in nodes[BASE]["style"]
    assert nodes[DATASET]["shape"] == "cylinder"
    style = {d.get("relation", d["kind"]): (d["style"], d["color"]) for _, _, d in edges}
    assert style["quantized"][0] == "dashed"
    assert style["merge"][0] == "bold"
    assert len({colour for _, colour in style.values()}) == len(style)  # each relation its own colour
    fills = {nodes[n]["category"]: nodes[n]["fillcolor"] for n in (BASE, MERGE)}
    assert fills["permissive"] != fills["non-commercial"]


def test_hostile_ids_stay_inert_in_mermaid(hostile: SQLiteStore) -> None:
    text = mermaid_text(subgraph_of(hostile, check_store(hostile)))
    labels, drawn = read_mermaid(text)
    assert set(labels) == HOSTILE_NODES
    assert labels[CHILD] == HOSTILE_LICENSE
    assert {(u, v) for u, v, _ in drawn} == {(u, v) for u, v, _ in HOSTILE_EDGES}
    assert "%%" not in text and "#quot;" in text
    arrows = {e[3]: e[2] for e in map(MERMAID_EDGE.match, text.splitlines()) if e and e[3] in ("quantized", "merge")}
    assert arrows == {"quantized": "-.->", "merge": "==>"}


def test_control_characters_are_written_as_text_in_xml(tmp_path: Path) -> None:
    """XML 1.0 cannot hold ESC: GraphML and GEXF write it as the four characters ``\\x1b``; Parquet keeps it."""
    store = SQLiteStore(tmp_path / "ctl.db")
    store.write(GraphBatch(models=[Model("org/m", license="gpl\x1b[2J\x07", fetched=True)]))
    subgraph = subgraph_of(store, check_store(store))
    assert read_graphml(graphml_text(subgraph)).nodes["org/m"]["license"] == "gpl\\x1b[2J\\x07"
    assert read_gexf(gexf_text(subgraph)).nodes["org/m"]["license"] == "gpl\\x1b[2J\\x07"
    write_parquet(subgraph, tmp_path / "pq")
    assert pq.read_table(tmp_path / "pq" / "nodes.parquet").column("license").to_pylist() == ["gpl\x1b[2J\x07"]
    store.close()


def test_parquet_output_must_be_a_directory_whose_parent_exists(families_store: SQLiteStore, tmp_path: Path) -> None:
    subgraph = scoped(families_store, "family", MISTRAL)
    with pytest.raises(GraphscError, match="parent directory does not exist"):
        write_parquet(subgraph, tmp_path / "missing" / "out")
    (tmp_path / "file").write_text("x")
    with pytest.raises(GraphscError, match="not a directory"):
        write_parquet(subgraph, tmp_path / "file")
    write_parquet(subgraph, tmp_path)  # an existing directory is written into
    assert (tmp_path / "nodes.parquet").is_file()
