"""Generations, cycles, chains and families on graphs with known answers, and on the real families."""

from __future__ import annotations

from graphsc.analytics.analysis import Analysis
from graphsc.analytics.depth import depth_distribution, generation_of, longest_chains
from graphsc.lineage import compute_lineage
from graphsc.store.sqlite import SQLiteStore
from tests.analytics.known_graphs import CHAIN, CYCLE, DIAMOND, FOREST, MakeStore
from tests.analytics.reference import edges_of, generations_acyclic, weak_components


def test_chain_generations_distribution_and_longest_chain(make_store: MakeStore) -> None:
    analysis = Analysis(make_store(CHAIN))
    assert generation_of(analysis.graph, analysis.depth) == {"a": 0, "b": 1, "c": 2, "d": 3}
    assert depth_distribution(analysis.depth) == {0: 1, 1: 1, 2: 1, 3: 1}
    assert longest_chains(analysis.graph, analysis.depth, 1) == [["a", "b", "c", "d"]]
    assert analysis.depth.cycles == []


def test_merge_takes_the_longest_path_and_a_shortcut_does_not_shorten_it(make_store: MakeStore) -> None:
    analysis = Analysis(make_store(DIAMOND))
    assert generation_of(analysis.graph, analysis.depth) == {"r": 0, "x": 1, "y": 1, "m": 2, "z": 3}
    assert longest_chains(analysis.graph, analysis.depth, 1) == [["r", "x", "m", "z"]]


def test_declared_cycles_are_condensed_and_reported_not_looped_on(make_store: MakeStore) -> None:
    analysis = Analysis(make_store(CYCLE))
    dg = analysis.graph
    # a and b share a generation: one past r, their only way out; c is one past the cycle
    assert generation_of(dg, analysis.depth) == {"r": 0, "a": 1, "b": 1, "c": 2, "s": 0}
    assert sorted(sorted(dg.ids[n] for n in c) for c in analysis.depth.cycles) == [["a", "b"], ["s"]]
    chain = longest_chains(dg, analysis.depth, 1)[0]
    assert chain[0] == "r" and chain[-1] == "c" and set(chain) <= {"r", "a", "b", "c"}


def test_generations_match_lineage_for_every_model_in_a_cycle_graph(make_store: MakeStore) -> None:
    store = make_store(CYCLE + DIAMOND)
    analysis = Analysis(store)
    for model_id, generation in generation_of(analysis.graph, analysis.depth).items():
        assert compute_lineage(store, model_id, "up").generation == generation, model_id


def test_forest_families_roots_names_sizes_and_depths(make_store: MakeStore) -> None:
    store = make_store(FOREST, downloads={"q2": 50, "q": 10})
    analysis = Analysis(store)
    families = analysis.families.top(analysis.graph, analysis.depth, 10)
    assert [(f.name, f.size, f.edges, f.depth) for f in families] == [
        ("p", 4, 3, 2),
        ("q2", 3, 2, 1),
        ("t", 2, 1, 1),  # q2 names its family: the most downloaded root
    ]
    assert families[1].roots == ["q2", "q"]
    assert families[0].relations == {"finetune": 2, "quantized": 1}
    assert families[0].by_generation == {0: 1, 1: 2, 2: 1}


def test_real_families_generations_match_an_independent_longest_path(families_store: SQLiteStore) -> None:
    analysis = Analysis(families_store)
    edges = edges_of(families_store)
    assert analysis.depth.cycles == []  # the real sample has no declared cycle
    expected = generations_acyclic(edges)
    assert generation_of(analysis.graph, analysis.depth) == expected
    distribution: dict[int, int] = {}
    for g in expected.values():
        distribution[g] = distribution.get(g, 0) + 1
    assert depth_distribution(analysis.depth) == distribution
    for chain in longest_chains(analysis.graph, analysis.depth, 5):
        assert len(chain) - 1 == max(expected.values())
        assert all((chain[i + 1], chain[i]) in set(edges) for i in range(len(chain) - 1))


def test_real_families_match_union_find(families_store: SQLiteStore) -> None:
    analysis = Analysis(families_store)
    expected = sorted((len(c), sorted(c)) for c in weak_components(edges_of(families_store)))
    found = analysis.families
    dg = analysis.graph
    got = sorted(
        (int(found.sizes[f]), sorted(dg.ids[n] for n in range(dg.node_count) if found.label[n] == f))
        for f in range(len(found))
    )
    assert got == expected
