"""NetworkX is the contract: every metric graphsc computes on the compact graph (scipy, numpy, its own searches)
equals what NetworkX's own functions give on the same edges, on random graphs with merges, cycles, self-loops,
isolated and used models, and on the real families."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphsc.analytics.analysis import Analysis
from graphsc.records import DerivedFrom, GraphBatch, Model, Uses
from graphsc.store.sqlite import SQLiteStore

NAMES = [f"org/m{i}" for i in range(14)]
USERS = [("gh/r1", "repo"), ("gh/r2", "repo"), ("gh/r3", "repo"), ("s/one", "space"), ("gh/r1", "space")]
RELATIONS = ["finetune", "adapter", "quantized", "merge"]

edges_strategy = st.lists(
    st.tuples(st.sampled_from(NAMES), st.sampled_from(NAMES), st.sampled_from(RELATIONS)),
    max_size=30,
    unique_by=lambda e: (e[0], e[1]),
)
uses_strategy = st.lists(st.tuples(st.sampled_from(USERS), st.sampled_from(NAMES)), max_size=12, unique=True)
downloads_strategy = st.dictionaries(st.sampled_from(NAMES), st.integers(0, 10_000))


def _store(directory: Path, edges: list[tuple[str, str, str]], uses: list, downloads: dict[str, int]) -> SQLiteStore:
    store = SQLiteStore(directory / "g.db")
    store.write(
        GraphBatch(
            models=[Model(m, license="mit", downloads=downloads.get(m, 0)) for m in NAMES],
            derived_from=[DerivedFrom(c, b, r, "test") for c, b, r in edges],
            uses=[Uses(user, kind, model, "test") for (user, kind), model in uses],
        )
    )
    return store


def _reference_graph(edges: list[tuple[str, str, str]]) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_edges_from((c, b) for c, b, _ in edges)
    return graph


def _generations(graph: nx.DiGraph) -> dict[str, int]:
    """Longest path (edges) up to a root, a cycle's edges ignored: on NetworkX's condensation."""
    core = graph.copy()
    core.remove_edges_from(nx.selfloop_edges(core))
    condensed = nx.condensation(core)
    length: dict[int, int] = {}
    for node in reversed(list(nx.topological_sort(condensed))):
        length[node] = max((length[b] + 1 for b in condensed.successors(node)), default=0)
    return {m: length[condensed.graph["mapping"][m]] for m in core}


def check_against_networkx(analysis: Analysis, edges: list[tuple[str, str, str]], uses: list, downloads: dict) -> None:
    graph = _reference_graph(edges)
    dg = analysis.graph
    ids = dg.ids
    assert set(ids) == set(graph.nodes)
    assert sorted(zip(dg.edge_child.tolist(), dg.edge_base.tolist())) == sorted(
        (dg.index[c], dg.index[b]) for c, b in graph.edges if c != b
    )
    # families: the weakly connected components
    families = analysis.families
    by_label: dict[int, set[str]] = defaultdict(set)
    for node, label in enumerate(families.label.tolist()):
        by_label[label].add(ids[node])
    assert sorted(map(sorted, by_label.values())) == sorted(map(sorted, nx.weakly_connected_components(graph)))
    # generations and declared cycles
    assert dict(zip(ids, analysis.depth.generation.tolist())) == _generations(graph)
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    loops = [[m] for m in graph if graph.has_edge(m, m) and not any(m in c for c in cycles)]
    assert sorted(sorted(ids[n] for n in c) for c in analysis.depth.cycles) == sorted(cycles + loops)
    # reach: NetworkX's ancestors (edges point child → base), each counted once
    reach = analysis.reach
    for node, model in enumerate(ids):
        below = nx.ancestors(graph, model) - {model}
        assert reach.descendants[node] == len(below), model
        assert reach.descendant_downloads[node] == sum(downloads.get(m, 0) for m in below), model
    # PageRank: nx.pagerank itself, self-loops left out as graphsc documents
    if ids:
        plain = graph.copy()
        plain.remove_edges_from(nx.selfloop_edges(plain))
        expected = nx.pagerank(plain, alpha=0.85, tol=1e-10 / len(ids), max_iter=500)
        got = dict(zip(ids, analysis.pagerank.tolist()))
        assert got == pytest.approx(expected, abs=1e-9)
        # betweenness, exact (sample >= nodes): nx.betweenness_centrality, normalised for a directed graph
        exact = nx.betweenness_centrality(plain, normalized=True)
        assert dict(zip(ids, analysis.betweenness.values.tolist())) == pytest.approx(exact, abs=1e-12)
    # exposure: distinct users of the model and of every NetworkX ancestor
    users: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for user, model in uses:
        users[model].add(user)
    for model in NAMES:
        below = (nx.ancestors(graph, model) | {model}) if model in graph else {model}
        reached = set().union(*(users[m] for m in below))
        repos = sum(1 for _, kind in reached if kind == "repo")
        assert analysis.exposure.of(model) == (repos, len(reached) - repos), model


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edges=edges_strategy, uses=uses_strategy, downloads=downloads_strategy)
def test_every_metric_equals_networkx_on_random_graphs(edges: list, uses: list, downloads: dict) -> None:
    with tempfile.TemporaryDirectory() as directory:
        store = _store(Path(directory), edges, uses, downloads)
        try:
            check_against_networkx(Analysis(store, betweenness_sample=len(NAMES)), edges, uses, downloads)
        finally:
            store.close()


def test_every_metric_equals_networkx_on_the_real_families(families_store: SQLiteStore) -> None:
    edges = [(e.child, e.base, e.relation) for batch in families_store.iter_derived_from() for e in batch]
    uses = [((u.user, u.user_kind), u.model) for batch in families_store.iter_uses() for u in batch]
    downloads = {m: d or 0 for batch in families_store.iter_model_fields(["downloads"]) for m, d in batch}
    analysis = Analysis(families_store, betweenness_sample=10**9)
    graph = _reference_graph(edges)
    # the real families have no used models in this fixture's graph beyond what iter_uses says; compare all
    dg = analysis.graph
    assert dg.node_count == graph.number_of_nodes() > 300
    families = analysis.families
    sizes = sorted(np.bincount(families.label).tolist(), reverse=True)
    assert sizes == sorted((len(c) for c in nx.weakly_connected_components(graph)), reverse=True)
    expected = nx.pagerank(graph, alpha=0.85, tol=1e-10 / dg.node_count, max_iter=500)
    assert dict(zip(dg.ids, analysis.pagerank.tolist())) == pytest.approx(expected, abs=1e-9)
    exact = nx.betweenness_centrality(graph, normalized=True)
    assert dict(zip(dg.ids, analysis.betweenness.values.tolist())) == pytest.approx(exact, abs=1e-12)
    for node, model in enumerate(dg.ids):
        below = nx.ancestors(graph, model)
        assert analysis.reach.descendants[node] == len(below)
        assert analysis.reach.descendant_downloads[node] == sum(downloads.get(m, 0) for m in below)
    by_model: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for user, model in uses:
        by_model[model].add(user)
    for model in dg.ids:
        reached = set().union(*(by_model[m] for m in nx.ancestors(graph, model) | {model}))
        repos = sum(1 for _, kind in reached if kind == "repo")
        assert analysis.exposure.of(model) == (repos, len(reached) - repos)


def test_the_networkx_graph_handed_to_users_is_the_derivation_graph(families_store: SQLiteStore) -> None:
    graph = Analysis(families_store).graph.to_networkx()
    edges = {(e.child, e.base): e.relation for batch in families_store.iter_derived_from() for e in batch}
    assert {(c, b): d["relation"] for c, b, d in graph.edges(data=True)} == edges
    downloads = {m: d or 0 for batch in families_store.iter_model_fields(["downloads"]) for m, d in batch}
    assert {m: d["downloads"] for m, d in graph.nodes(data=True)} == {m: downloads[m] for m in graph}
    assert set(graph) == {m for edge in edges for m in edge}
