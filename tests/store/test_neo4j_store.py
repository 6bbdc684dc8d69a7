"""Neo4jStore against a real Neo4j (scripts/neo4j): the GraphBatch rules, reads, and faults."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from neo4j import GraphDatabase

from graphsc.errors import StoreError
from graphsc.ingest import ingest_snapshot
from graphsc.records import Dataset, DerivedFrom, GraphBatch, Model, Repo, Space, TrainedOn, Uses
from graphsc.store import neo4j_cypher as cy
from graphsc.store.base import GraphStore
from graphsc.store.neo4j import Neo4jStore

pytestmark = pytest.mark.neo4j


def batch(
    models: list[Model], edges: list[DerivedFrom] = (), trained: list[TrainedOn] = (), uses: list[Uses] = ()
) -> GraphBatch:
    return GraphBatch(models=list(models), derived_from=list(edges), trained_on=list(trained), uses=list(uses))


def flat(pages: object) -> list:
    return [item for page in pages for item in page]  # type: ignore[attr-defined]


FULL = Model(
    "org/full",
    author="org",
    license="llama2",
    license_name="llama2",
    license_link="https://x/LICENSE",
    pipeline_tag="text-generation",
    library_name="transformers",
    downloads=12_345_678_901,
    likes=0,
    created_at="2024-01-02T03:04:05.000Z",
    last_modified="2025-01-01T00:00:00.000Z",
    gated="manual",
    fetched=True,
    fetched_at="2026-01-01T00:00:00Z",
)
SPARSE = Model("bare-name", gated=None, downloads=None)


def test_store_satisfies_the_protocol(neo4j_store: Neo4jStore) -> None:
    assert isinstance(neo4j_store, GraphStore)
    assert neo4j_store.kind == "neo4j" and neo4j_store.location.startswith("bolt://")


def test_records_round_trip_exactly(neo4j_store: Neo4jStore) -> None:
    repos = [
        Repo("gh/a", "mit", "MIT License", 10, True, "2025-01-01", "t"),
        Repo("gh/b", archived=False),
        Repo("gh/c"),
    ]
    edges = [DerivedFrom("org/full", "bare-name", "quantized", "hub-tag", "t1")]
    trained = [TrainedOn("org/full", "d/set", "card", "t2")]
    uses = [
        Uses("gh/a", "repo", "org/full", "peatmoss", "src/app.py", "t3"),
        Uses("s/x", "space", "org/full", "hub-spaces"),
    ]
    neo4j_store.write(
        GraphBatch(
            models=[FULL, SPARSE],
            datasets=[Dataset("d/set", "cc-by-4.0")],
            repos=repos,
            spaces=[Space("s/x", "mit")],
            derived_from=edges,
            trained_on=trained,
            uses=uses,
        )
    )
    assert neo4j_store.models(["org/full", "bare-name", "missing"]) == {"org/full": FULL, "bare-name": SPARSE}
    assert flat(neo4j_store.iter_models()) == [SPARSE, FULL]
    assert flat(neo4j_store.iter_repos()) == repos
    assert flat(neo4j_store.iter_datasets()) == [Dataset("d/set", "cc-by-4.0")]
    assert flat(neo4j_store.iter_spaces()) == [Space("s/x", "mit")]
    assert flat(neo4j_store.iter_derived_from()) == edges
    assert flat(neo4j_store.iter_trained_on()) == trained
    assert sorted(flat(neo4j_store.iter_uses()), key=lambda u: u.user) == uses
    assert neo4j_store.trained_on(["org/full"]) == trained
    assert sorted(neo4j_store.uses_of(["org/full", "org/full"]), key=lambda u: u.user) == uses
    assert neo4j_store.lineage_edges("bare-name", "down") == edges


def test_iterators_page_by_batch_size(neo4j_store: Neo4jStore) -> None:
    models = [Model(f"o/m{i:02d}") for i in range(25)]
    neo4j_store.write(batch(models, [DerivedFrom(f"o/m{i:02d}", "o/m00", "finetune", "card") for i in range(1, 25)]))
    assert [len(p) for p in neo4j_store.iter_models(batch_size=10)] == [10, 10, 5]
    assert [len(p) for p in neo4j_store.iter_derived_from(batch_size=10)] == [10, 10, 4]
    assert flat(neo4j_store.iter_models(batch_size=10)) == models


def test_small_statement_batches_give_the_same_graph(neo4j_uri: str, neo4j_store: Neo4jStore) -> None:
    chunked = Neo4jStore(uri=neo4j_uri, batch_size=3)
    models = [Model(f"o/m{i}") for i in range(10)]
    chunked.write(batch(models, [DerivedFrom(f"o/m{i}", f"x/b{i % 4}", "finetune", "card") for i in range(10)]))
    assert chunked.counts().nodes["Model"] == 14 and chunked.counts().edges["DERIVED_FROM"] == 10
    assert len(chunked.lineage_edges("x/b0", "down")) == 3
    chunked.close()


def test_stub_never_overwrites_fetched_model(neo4j_store: Neo4jStore) -> None:
    neo4j_store.write(batch([Model("o/base", license="mit", downloads=5)]))
    neo4j_store.write(batch([Model("o/child")], [DerivedFrom("o/child", "o/base", "finetune", "inferred")]))
    neo4j_store.write(batch([Model("o/base", fetched=False)]))
    base = neo4j_store.models(["o/base"])["o/base"]
    assert base.fetched and base.license == "mit" and base.downloads == 5


def test_edge_endpoints_become_stubs(neo4j_store: Neo4jStore) -> None:
    neo4j_store.write(
        batch(
            [Model("o/child")],
            [DerivedFrom("o/child", "x/base", "finetune", "inferred")],
            [TrainedOn("o/child", "d/x", "card")],
            [Uses("gh/r", "repo", "y/used", "peatmoss")],
        )
    )
    assert neo4j_store.models(["x/base"])["x/base"] == Model("x/base", author="x", fetched=False)
    counts = neo4j_store.counts()
    assert counts.unfetched_models == 2
    assert counts.nodes == {"Model": 3, "Dataset": 1, "Repo": 1, "Space": 0}


def test_fetching_a_stub_fills_it_in(neo4j_store: Neo4jStore) -> None:
    neo4j_store.write(batch([Model("o/child")], [DerivedFrom("o/child", "o/base", "merge", "card")]))
    neo4j_store.write(batch([Model("o/base", license="apache-2.0")]))
    assert neo4j_store.models(["o/base"])["o/base"] == Model("o/base", license="apache-2.0")
    assert len(neo4j_store.lineage_edges("o/base", "down")) == 1


def test_refetched_model_replaces_its_outgoing_hub_edges(neo4j_store: Neo4jStore) -> None:
    neo4j_store.write(
        batch(
            [Model("o/c")],
            [DerivedFrom("o/c", "o/old", "finetune", "inferred")],
            [TrainedOn("o/c", "d/old", "card")],
            [Uses("s/old", "space", "o/c", "hub-spaces"), Uses("gh/repo", "repo", "o/c", "peatmoss")],
        )
    )
    neo4j_store.write(
        batch(
            [Model("o/c")],
            [DerivedFrom("o/c", "o/new", "adapter", "hub-tag")],
            [],
            [Uses("s/new", "space", "o/c", "hub-spaces")],
        )
    )
    assert [(e.base, e.relation) for e in neo4j_store.lineage_edges("o/c", "up")] == [("o/new", "adapter")]
    assert neo4j_store.trained_on(["o/c"]) == []
    assert sorted(u.user for u in neo4j_store.uses_of(["o/c"])) == ["gh/repo", "s/new"]
    assert neo4j_store.counts().edges == {"DERIVED_FROM": 1, "TRAINED_ON": 0, "USES": 2}


def test_an_edge_written_twice_is_one_edge_with_the_last_properties(neo4j_store: Neo4jStore) -> None:
    neo4j_store.write(batch([], [DerivedFrom("a", "b", "finetune", "card"), DerivedFrom("a", "b", "merge", "hub-tag")]))
    assert flat(neo4j_store.iter_derived_from()) == [DerivedFrom("a", "b", "merge", "hub-tag")]


def test_lineage_edges_terminate_on_cycles(neo4j_store: Neo4jStore) -> None:
    neo4j_store.write(
        batch(
            [Model("a"), Model("b"), Model("c"), Model("s")],
            [
                DerivedFrom("a", "b", "finetune", "inferred"),
                DerivedFrom("b", "a", "finetune", "inferred"),
                DerivedFrom("c", "a", "adapter", "card"),
                DerivedFrom("s", "s", "finetune", "inferred"),
            ],
        )
    )
    up = {(e.child, e.base) for e in neo4j_store.lineage_edges("a", "up")}
    down = {(e.child, e.base) for e in neo4j_store.lineage_edges("a", "down")}
    assert up == {("a", "b"), ("b", "a")}
    assert down == {("b", "a"), ("a", "b"), ("c", "a")}
    assert {(e.child, e.base) for e in neo4j_store.lineage_edges("s", "down")} == {("s", "s")}
    assert neo4j_store.lineage_edges("missing", "up") == []


def test_lineage_of_a_diamond_lists_each_edge_once(neo4j_store: Neo4jStore) -> None:
    edges = [
        DerivedFrom("l", "r", "finetune", "card"),
        DerivedFrom("m1", "l", "merge", "card"),
        DerivedFrom("m2", "l", "merge", "card"),
        DerivedFrom("x", "m1", "merge", "card"),
        DerivedFrom("x", "m2", "merge", "card"),
    ]
    neo4j_store.write(batch([], edges))
    assert sorted(neo4j_store.lineage_edges("r", "down"), key=lambda e: (e.child, e.base)) == sorted(
        edges, key=lambda e: (e.child, e.base)
    )
    assert len(neo4j_store.lineage_edges("x", "up")) == 5


def test_counts_by_label_type_and_relation(neo4j_store: Neo4jStore) -> None:
    neo4j_store.write(
        GraphBatch(
            models=[Model("a"), Model("b")],
            spaces=[Space("s/1")],
            derived_from=[
                DerivedFrom("a", "b", "finetune", "c"),
                DerivedFrom("b", "z", "quantized", "c"),
                DerivedFrom("a", "z", "quantized", "c"),
            ],
            trained_on=[TrainedOn("a", "d", "card")],
            uses=[Uses("s/1", "space", "a", "hub-spaces")],
        )
    )
    counts = neo4j_store.counts()
    assert counts.nodes == {"Model": 3, "Dataset": 1, "Repo": 0, "Space": 1}
    assert counts.edges == {"DERIVED_FROM": 3, "TRAINED_ON": 1, "USES": 1}
    assert counts.relations == {"finetune": 1, "quantized": 2}
    assert counts.unfetched_models == 1


def test_state_round_trips(neo4j_store: Neo4jStore) -> None:
    assert neo4j_store.get_state("hf:down:x") is None
    neo4j_store.set_state({"hf:down:x": "2026-01-01", "hf:down:y": "done"})
    neo4j_store.set_state({"hf:down:x": "2026-02-02"})
    assert neo4j_store.get_state("hf:down:x") == "2026-02-02"
    assert neo4j_store.get_state("hf:down:y") == "done"
    assert neo4j_store.counts().nodes["Model"] == 0


def test_similar_ids_suggest_close_matches(neo4j_store: Neo4jStore, family_files: list[Path]) -> None:
    ingest_snapshot(neo4j_store, [str(p) for p in family_files])
    assert "deepseek-ai/DeepSeek-R1" in neo4j_store.similar_model_ids("deepseek-ai/DeepSeek-R")
    assert "deepseek-ai/DeepSeek-R1" in neo4j_store.similar_model_ids("deepseek-ai/deepseek-r1")
    assert neo4j_store.similar_model_ids("") == []


def test_schema_setup_is_idempotent(neo4j_uri: str, neo4j_store: Neo4jStore) -> None:
    Neo4jStore(uri=neo4j_uri).close()
    Neo4jStore(uri=neo4j_uri).close()


def test_server_down_is_a_store_error_naming_the_uri(tcp_proxy: Callable) -> None:
    proxy = tcp_proxy()
    proxy.cut()
    with pytest.raises(StoreError) as caught:
        Neo4jStore(uri=proxy.uri)
    assert proxy.uri in caught.value.message and "scripts/neo4j start" in (caught.value.hint or "")


def test_unknown_database_and_bad_uri_are_store_errors(neo4j_uri: str) -> None:
    with pytest.raises(StoreError, match="database not found") as caught:
        Neo4jStore(uri=neo4j_uri, database="nosuchdb")
    assert "NEO4J_DATABASE" in (caught.value.hint or "")
    with pytest.raises(StoreError, match="not a Bolt URI"):
        Neo4jStore(uri="http://127.0.0.1:7474")


def test_query_timeout_is_a_store_error(neo4j_uri: str, neo4j_store: Neo4jStore) -> None:
    """A write blocked by another client's lock outlives ``query_timeout`` and is reported, not hung."""
    neo4j_store.write(batch([Model("o/locked")]))
    slow = Neo4jStore(uri=neo4j_uri, query_timeout=0.5)
    with GraphDatabase.driver(neo4j_uri, auth=None) as other, other.session() as session:
        holder = session.begin_transaction()
        holder.run("MATCH (m:Model {id: 'o/locked'}) SET m.likes = 1").consume()
        with pytest.raises(StoreError, match="timed out") as caught:
            slow.write(batch([Model("o/locked", likes=2)]))
        holder.rollback()
    assert neo4j_uri in caught.value.message and "NEO4J_QUERY_TIMEOUT" in (caught.value.hint or "")
    slow.write(batch([Model("o/locked", likes=2)]))
    assert neo4j_store.models(["o/locked"])["o/locked"].likes == 2
    slow.close()


def synthetic_batches(count: int, size: int) -> list[GraphBatch]:
    """``count`` batches of ``size`` fetched models, each derived from a model of the previous batch."""
    batches = []
    for b in range(count):
        models = [Model(f"o/m{b}-{i}", license="mit", downloads=i) for i in range(size)]
        edges = [
            DerivedFrom(f"o/m{b}-{i}", f"o/m{b - 1}-{i}" if b else "o/root", "finetune", "card") for i in range(size)
        ]
        trained = [TrainedOn(f"o/m{b}-{i}", f"d/{i % 7}", "card") for i in range(size)]
        batches.append(batch(models, edges, trained))
    return batches


def test_cut_connection_mid_load_is_a_store_error_and_a_rerun_completes(
    neo4j_uri: str,
    neo4j_store: Neo4jStore,
    tcp_proxy: Callable,
) -> None:
    proxy = tcp_proxy()
    batches = synthetic_batches(12, 400)
    store = Neo4jStore(uri=proxy.uri, retry_seconds=1.0)
    store.write(batches[0])
    per_batch = proxy.sent_upstream
    proxy.cut_after = per_batch * 5 + per_batch // 2  # in the middle of about the fifth batch
    with pytest.raises(StoreError) as caught:
        for b in batches[1:]:
            store.write(b)
    store.close()
    assert proxy.uri in caught.value.message and "Re-run" in (caught.value.hint or "")
    partial = neo4j_store.counts().nodes["Model"]
    assert 400 < partial < 12 * 400 + 1

    proxy.restore()
    rerun = Neo4jStore(uri=proxy.uri)
    for b in batches:
        rerun.write(b)
    rerun.close()
    counts = neo4j_store.counts()
    assert counts.nodes == {"Model": 12 * 400 + 1, "Dataset": 7, "Repo": 0, "Space": 0}
    assert counts.edges == {"DERIVED_FROM": 12 * 400, "TRAINED_ON": 12 * 400, "USES": 0}
    assert len(neo4j_store.lineage_edges("o/m0-3", "down")) == 11


@pytest.mark.parametrize("direction", ["up", "down"])
def test_lineage_query_walks_each_model_once(neo4j_store: Neo4jStore, direction: str) -> None:
    """The lineage query must plan as a pruning BFS (linear, cycle-safe), not as path enumeration."""
    query = cy.LINEAGE_UP if direction == "up" else cy.LINEAGE_DOWN
    with GraphDatabase.driver(neo4j_store.uri, auth=None) as driver:
        plan = driver.execute_query("EXPLAIN " + query, id="x").summary.plan
    operators = []
    stack = [plan]
    while stack:
        node = stack.pop()
        operators.append(node["operatorType"])
        stack.extend(node.get("children", []))
    assert any(op.startswith("VarLengthExpand(Pruning") for op in operators), operators


def test_repository_fields_merge_as_in_the_embedded_store(neo4j_store: Neo4jStore) -> None:
    neo4j_store.write(GraphBatch(repos=[Repo("gh/a", "mit", "MIT License", 10, False, "2025-01-01", "t1")]))
    neo4j_store.write(GraphBatch(repos=[Repo("gh/a", stars=20, fetched_at="t2")]))
    assert flat(neo4j_store.iter_repos()) == [Repo("gh/a", "mit", "MIT License", 20, False, "2025-01-01", "t2")]
