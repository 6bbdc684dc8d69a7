"""Acceptance: the embedded store and Neo4j give the same answers on the real bundled families.

Every test runs once per backend and checks the store against a reference computed here from the records in
the bundled files (parsed once, then plain NetworkX), so both backends are held to the same data, not to each
other: lineage (ancestors, descendants with relations, depths, generation, roots), nodes and edges by kind,
idempotent re-load, ``uses_of`` and ``trained_on``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import networkx as nx
import pytest

from graphsc.ingest import ingest_snapshot
from graphsc.lineage import compute_lineage
from graphsc.records import DerivedFrom, Model, ModelRecord, TrainedOn, Uses
from graphsc.samples import hf_dataset_files, hf_family_files
from graphsc.sources.hub_records import model_record_from_hub
from graphsc.store.base import GraphStore
from graphsc.store.common import author_of
from graphsc.store.sqlite import SQLiteStore

BACKENDS = ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)]


@dataclass(frozen=True)
class Reference:
    """What the bundled files say, computed without any store. Edges ``child -> base`` in ``graph``."""

    records: tuple[ModelRecord, ...]

    @cached_property
    def edges(self) -> dict[tuple[str, str], DerivedFrom]:
        return {(e.child, e.base): e for r in self.records for e in r.derived_from}

    @cached_property
    def graph(self) -> nx.DiGraph:
        graph = nx.DiGraph()
        graph.add_nodes_from(self.models)
        graph.add_edges_from(self.edges)
        return graph

    @cached_property
    def models(self) -> dict[str, Model]:
        fetched = {r.model.id: r.model for r in self.records}
        endpoints = [i for r in self.records for e in r.derived_from for i in (e.child, e.base)]
        endpoints += [e.model for r in self.records for e in (*r.trained_on, *r.used_by)]
        stubs = {i: Model(i, author=author_of(i), fetched=False) for i in endpoints if i not in fetched}
        return {**stubs, **fetched}

    @cached_property
    def trained(self) -> set[TrainedOn]:
        return {e for r in self.records for e in r.trained_on}

    @cached_property
    def uses(self) -> set[Uses]:
        return {u for r in self.records for u in r.used_by}

    def counts(self) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
        """Nodes by label, edges by type, DERIVED_FROM by relation."""
        nodes = {
            "Model": len(self.models),
            "Dataset": len({e.dataset for e in self.trained}),
            "Repo": 0,
            "Space": len({u.user for u in self.uses if u.user_kind == "space"}),
        }
        edges = {
            "DERIVED_FROM": len(self.edges),
            "TRAINED_ON": len({(e.model, e.dataset) for e in self.trained}),
            "USES": len({(u.user_kind, u.user, u.model) for u in self.uses}),
        }
        return nodes, edges, dict(sorted(Counter(e.relation for e in self.edges.values()).items()))

    @cached_property
    def generations(self) -> dict[str, int]:
        """Edges on the longest path up to a root, per model (the bundled families declare no cycles)."""
        assert nx.is_directed_acyclic_graph(self.graph)
        generation: dict[str, int] = {}
        for node in reversed(list(nx.topological_sort(self.graph))):  # bases before their children
            generation[node] = max((generation[b] + 1 for b in self.graph.successors(node)), default=0)
        return generation


@pytest.fixture(scope="module")
def reference() -> Reference:
    lines = [line for path in hf_family_files() for line in path.read_text().splitlines() if line.strip()]
    return Reference(tuple(model_record_from_hub(json.loads(line)) for line in lines))


@pytest.fixture(params=BACKENDS)
def loaded(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """Each backend, empty, with the bundled families ingested through the normal ingestion path."""
    if request.param == "neo4j":
        store: GraphStore = request.getfixturevalue("neo4j_store")
    else:
        store = SQLiteStore(tmp_path / "graph.db")
    ingest_snapshot(store, [str(p) for p in hf_family_files()])
    yield store
    if request.param == "embedded":
        store.close()


def untimed(items: object) -> set:
    """Records without ``fetched_at`` (the reference is parsed without one)."""
    return {item._replace(fetched_at=None) for item in items}  # type: ignore[attr-defined]


def edge_set(edges: object) -> set[tuple[str, str, str, str]]:
    return {(e.child, e.base, e.relation, e.source) for e in edges}  # type: ignore[attr-defined]


def first_relations(model_id: str, edges: dict[tuple[str, str], DerivedFrom], depth: dict[str, int]) -> dict[str, str]:
    """Each descendant's relation on the edge it is first reached through: breadth first, then by base id."""
    first: dict[str, str] = {}
    for (child, base), edge in sorted(edges.items(), key=lambda kv: (depth.get(kv[0][1], 1 << 30), kv[0][1], kv[0][0])):
        if child != model_id and child in depth and depth.get(base) == depth[child] - 1:
            first.setdefault(child, edge.relation)
    return first


def test_every_lineage_matches_the_records(loaded: GraphStore, reference: Reference) -> None:
    graph, all_edges = reference.graph, reference.edges
    for model_id in reference.models:
        lineage = compute_lineage(loaded, model_id, "both")
        above = nx.descendants(graph, model_id) | {model_id}
        below = nx.single_source_shortest_path_length(graph.reverse(copy=False), model_id)
        assert edge_set(lineage.ancestor_edges) == edge_set(e for (c, _), e in all_edges.items() if c in above)
        assert edge_set(lineage.descendant_edges) == edge_set(e for (_, b), e in all_edges.items() if b in below)
        assert dict(lineage.descendant_depth) == below
        assert lineage.generation == reference.generations[model_id]
        assert set(lineage.roots) == {n for n in above if graph.out_degree(n) == 0}
        assert dict(lineage.descendant_relation) == first_relations(model_id, all_edges, below)


def test_models_and_edges_are_the_records(loaded: GraphStore, reference: Reference) -> None:
    models = [m for page in loaded.iter_models() for m in page]
    assert untimed(models) == untimed(reference.models.values())
    assert untimed(e for page in loaded.iter_derived_from() for e in page) == untimed(reference.edges.values())
    assert untimed(e for page in loaded.iter_trained_on() for e in page) == untimed(reference.trained)
    assert untimed(u for page in loaded.iter_uses() for u in page) == untimed(reference.uses)


def test_counts_by_kind_and_an_idempotent_reload(loaded: GraphStore, reference: Reference) -> None:
    nodes, edges, relations = reference.counts()
    first = loaded.counts()
    assert (first.nodes, first.edges, first.relations) == (nodes, edges, relations)
    assert first.unfetched_models == sum(not m.fetched for m in reference.models.values())
    ingest_snapshot(loaded, [str(p) for p in hf_family_files()])
    assert loaded.counts() == first


def test_uses_of_and_trained_on(loaded: GraphStore, reference: Reference) -> None:
    ids = sorted(reference.models)
    assert untimed(loaded.uses_of(ids)) == untimed(reference.uses)
    assert untimed(loaded.trained_on(ids)) == untimed(reference.trained)
    for model_id in ids[::17]:
        assert untimed(loaded.uses_of([model_id])) == untimed(u for u in reference.uses if u.model == model_id)
        assert untimed(loaded.trained_on([model_id])) == untimed(e for e in reference.trained if e.model == model_id)
    assert loaded.uses_of(["no/such-model"]) == [] and loaded.trained_on([]) == []


def test_details_and_eval_results_are_the_records(loaded: GraphStore, reference: Reference) -> None:
    details = {r.details.model: r.details for r in reference.records if r.details is not None}
    results = [e for r in reference.records for e in r.eval_results]
    assert len(details) == len(reference.records) and len(results) == 10  # 2 cards report results, 10 metrics
    assert {d.model: d for page in loaded.iter_details() for d in page} == details
    assert loaded.details_of(sorted(details)) == details
    assert [e for page in loaded.iter_eval_results() for e in page] == sorted(
        results, key=lambda e: (e.model, e.position)
    )
    assert loaded.eval_results_of(sorted(details)) == sorted(results, key=lambda e: (e.model, e.position))


def test_dataset_records_join_the_model_graph(loaded: GraphStore, reference: Reference) -> None:
    raw = [json.loads(line) for path in hf_dataset_files() for line in path.read_text().splitlines()]
    ingest_snapshot(loaded, [str(p) for p in hf_dataset_files()], kind="datasets")
    licenses = {r["id"]: " AND ".join(t[8:] for t in r["tags"] if t.startswith("license:")) or None for r in raw}
    by_key = {i.lower(): i for i in licenses}
    datasets = {d.id: d for page in loaded.iter_datasets() for d in page}
    assert {i: d.license for i, d in datasets.items() if d.fetched} == licenses
    # A model's training data named in another casing is the fetched record's node.
    trained = [t for page in loaded.iter_trained_on() for t in page]
    assert len(trained) == len({(t.model, t.dataset.lower()) for t in reference.trained})
    expected_known = [t for t in reference.trained if licenses.get(by_key.get(t.dataset.lower(), ""))]
    reached = [t for t in trained if datasets[t.dataset].license is not None]
    assert len(reached) == len(expected_known) == 5
    assert {t.dataset for t in reached} == {by_key[t.dataset.lower()] for t in expected_known}
    sources = {
        (r["id"], t.split("|", 1)[1])
        for r in raw
        for t in r["tags"]
        if t.startswith("source_datasets:extended|") and not t.split("|", 1)[1].startswith("other")
    }
    sources.discard(("legacy-datasets/common_voice", "common_voice"))  # its own old id
    # The Hub moved the old namespace-less datasets under legacy-datasets/, keeping the name: the old id is that node.
    moved = {i.split("/", 1)[1].lower(): i for i in licenses if i.startswith("legacy-datasets/")}
    sources = {(child, moved.get(base.lower(), base)) for child, base in sources}
    assert ("mozilla-foundation/common_voice_11_0", "legacy-datasets/common_voice") in sources
    assert {(e.child, e.base) for page in loaded.iter_dataset_derived_from() for e in page} == sources
    counts = loaded.counts()
    assert (counts.nodes["Dataset"] - counts.unfetched_datasets, counts.dataset_derived_from) == (300, len(sources))
    assert counts.edges["DERIVED_FROM"] == len(reference.edges)  # dataset edges are not model lineage
