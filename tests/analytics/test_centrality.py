"""Reach, PageRank, betweenness, direct derivatives and exposure, against answers known by construction and
plain computations written here."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from graphsc.analytics.analysis import Analysis
from graphsc.analytics.centrality import betweenness
from graphsc.store.sqlite import SQLiteStore
from tests.analytics.known_graphs import CHAIN, CYCLE, DIAMOND, MakeStore
from tests.analytics.reference import bfs, children_map, edges_of


def _by_id(analysis: Analysis, values: np.ndarray) -> dict[str, float]:
    return {m: values[i].item() for i, m in enumerate(analysis.graph.ids)}


def test_reach_counts_merge_descendants_once_and_weights_by_downloads(make_store: MakeStore) -> None:
    downloads = {"x": 1, "y": 10, "m": 100, "z": 1000, "r": 5}
    analysis = Analysis(make_store(DIAMOND, downloads=downloads))
    assert _by_id(analysis, analysis.reach.descendants) == {"r": 4, "x": 2, "y": 2, "m": 1, "z": 0}
    assert _by_id(analysis, analysis.reach.descendant_downloads) == {"r": 1111, "x": 1100, "y": 1100, "m": 1000, "z": 0}


def test_reach_in_a_cycle_excludes_the_model_itself(make_store: MakeStore) -> None:
    analysis = Analysis(make_store(CYCLE))
    reach = _by_id(analysis, analysis.reach.descendants)
    assert reach["r"] == 3 and reach["a"] == 2 and reach["b"] == 2 and reach["s"] == 0  # a: b and c


def test_direct_derivatives_by_relation(make_store: MakeStore) -> None:
    analysis = Analysis(make_store([*CHAIN, ("e", "a", "quantized"), ("f", "a", "quantized")]))
    counts = analysis.derivatives[analysis.graph.index["a"]]
    assert {analysis.graph.relations[r]: int(n) for r, n in enumerate(counts) if n} == {"finetune": 1, "quantized": 2}


def test_pagerank_flows_to_bases_and_converges_tightly(make_store: MakeStore) -> None:
    analysis = Analysis(make_store(CHAIN))
    scores = _by_id(analysis, analysis.pagerank)
    assert scores["a"] > scores["b"] > scores["c"] > scores["d"]
    assert sum(scores.values()) == pytest.approx(1.0, abs=1e-12)


def _power_iteration(nodes: list[str], edges: list[tuple[str, str]], alpha: float = 0.85) -> dict[str, float]:
    """Plain PageRank: uniform teleport, dangling mass spread uniformly, iterate to 1e-15."""
    index = {n: i for i, n in enumerate(nodes)}
    n = len(nodes)
    out = np.zeros(n)
    for child, _ in edges:
        out[index[child]] += 1
    x = np.full(n, 1 / n)
    for _ in range(1000):
        new = np.full(n, (1 - alpha) / n + alpha * x[out == 0].sum() / n)
        for child, base in edges:
            new[index[base]] += alpha * x[index[child]] / out[index[child]]
        if np.abs(new - x).sum() < 1e-15:
            break
        x = new
    return dict(zip(nodes, new.tolist()))


def test_pagerank_on_real_families_matches_a_plain_power_iteration(families_store: SQLiteStore) -> None:
    analysis = Analysis(families_store)
    expected = _power_iteration(analysis.graph.ids, edges_of(families_store))
    got = _by_id(analysis, analysis.pagerank)
    assert sum(abs(got[m] - expected[m]) for m in expected) < 1e-9  # L1, as the tolerance is stated


def test_betweenness_exact_on_a_chain_and_a_diamond(make_store: MakeStore) -> None:
    chain = Analysis(make_store(CHAIN))
    # b lies on c→a and d→a, c on d→a and d→b: normalised by (n-1)(n-2) = 6
    assert _by_id(chain, chain.betweenness.values) == pytest.approx({"a": 0, "b": 2 / 6, "c": 2 / 6, "d": 0})
    assert chain.betweenness.exact
    diamond = Analysis(make_store(DIAMOND))
    # m→r has two shortest paths (via x, via y); z→r is direct; z→x, z→y go through m
    values = _by_id(diamond, diamond.betweenness.values)
    assert values["x"] == pytest.approx(0.5 / 12) and values["m"] == pytest.approx(2 / 12) and values["z"] == 0


def test_betweenness_equals_networkx_exact_and_sampled_on_real_families(families_store: SQLiteStore) -> None:
    analysis = Analysis(families_store)
    dg = analysis.graph
    exact = nx.betweenness_centrality(dg.graph, normalized=True)
    assert analysis.betweenness.exact
    assert np.allclose(analysis.betweenness.values, [exact[i] for i in range(dg.node_count)], atol=1e-15)
    sampled = betweenness(dg, k=60, seed=7)
    reference = nx.betweenness_centrality(dg.graph, k=60, seed=7, normalized=True)
    assert sampled.sample == 60 and not sampled.exact
    assert np.allclose(sampled.values, [reference[i] for i in range(dg.node_count)], atol=1e-15)


def test_exposure_unions_users_of_the_model_and_its_descendants(make_store: MakeStore) -> None:
    uses = [
        ("o/r1", "repo", "b"),
        ("o/r1", "repo", "r"),
        ("s1", "space", "a"),
        ("o/r2", "repo", "lonely"),
        ("s1", "space", "c"),
    ]
    analysis = Analysis(make_store(CYCLE, uses=uses))
    exposure = analysis.exposure
    assert exposure.of("r") == (1, 1)  # r1 (direct and via b), s1 (via a and c)
    assert exposure.of("a") == (1, 1) and exposure.of("b") == (1, 1)
    assert exposure.of("c") == (0, 1)
    assert exposure.of("lonely") == (1, 0)  # used, no derivation edges
    assert exposure.of("s") == (0, 0)


def test_reach_and_exposure_on_real_families_match_plain_bfs(families_store: SQLiteStore) -> None:
    analysis = Analysis(families_store)
    edges = edges_of(families_store)
    down = children_map(edges)
    users: dict[str, set[tuple[str, str]]] = {}
    for batch in families_store.iter_uses():
        for u in batch:
            users.setdefault(u.model, set()).add((u.user_kind, u.user))
    downloads = {m.id: m.downloads or 0 for batch in families_store.iter_models() for m in batch}
    reach = _by_id(analysis, analysis.reach.descendants)
    weighted = _by_id(analysis, analysis.reach.descendant_downloads)
    checked = 0
    for model_id in analysis.graph.ids:
        below = bfs(model_id, down) - {model_id}
        assert reach[model_id] == len(below)
        assert weighted[model_id] == sum(downloads[m] for m in below)
        reached = set().union(*(users.get(m, set()) for m in below | {model_id}))
        assert analysis.exposure.of(model_id) == (
            sum(1 for k, _ in reached if k == "repo"),
            sum(1 for k, _ in reached if k == "space"),
        )
        checked += bool(reached)
    assert checked >= 18  # the models with Spaces, or a descendant with one, in the sample
