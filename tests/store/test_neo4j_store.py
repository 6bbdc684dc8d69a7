"""What only the Neo4j store does, against a real Neo4j (scripts/neo4j): statement batches, its schema, the lineage
query's plan, and faults (server down, bad URI, timeouts, a cut connection). The ``GraphStore`` contract both
backends keep is ``test_contract.py``."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from neo4j import GraphDatabase

from graphsc.errors import StoreError
from graphsc.records import DerivedFrom, GraphBatch, Model, TrainedOn
from graphsc.store import neo4j_cypher as cy
from graphsc.store.neo4j import Neo4jStore
from tests.store.conftest import TcpProxy
from tests.store.records import batch, flat

pytestmark = pytest.mark.neo4j


def test_iter_models_comes_ordered_by_id(neo4j_store: Neo4jStore) -> None:
    """Neo4j pages models by id (the contract leaves the order open: the embedded store keeps insertion order)."""
    neo4j_store.write(batch([Model("o/c"), Model("o/a")], [DerivedFrom("o/a", "b-stub", "finetune", "card")]))
    neo4j_store.write(batch([Model("a/0")]))
    assert [m.id for m in flat(neo4j_store.iter_models(batch_size=2))] == ["a/0", "b-stub", "o/a", "o/c"]
    assert [row[0] for row in flat(neo4j_store.iter_model_fields(["license"]))] == ["a/0", "b-stub", "o/a", "o/c"]


def test_the_schema_is_the_shipped_schema_file() -> None:
    """The store reads graphsc/cypher/schema.cypher itself (the store layer imports nothing above it); it runs
    the same statements as ``graphsc query schema``."""
    from graphsc.querylib import find_query

    assert cy.schema_statements() == find_query("schema").statements


def test_small_statement_batches_give_the_same_graph(neo4j_uri: str, neo4j_store: Neo4jStore) -> None:
    chunked = Neo4jStore(uri=neo4j_uri, batch_size=3)
    models = [Model(f"o/m{i}") for i in range(10)]
    chunked.write(batch(models, [DerivedFrom(f"o/m{i}", f"x/b{i % 4}", "finetune", "card") for i in range(10)]))
    assert chunked.counts().nodes["Model"] == 14 and chunked.counts().edges["DERIVED_FROM"] == 10
    assert len(chunked.lineage_edges("x/b0", "down")) == 3
    chunked.close()


def test_schema_setup_is_idempotent(neo4j_uri: str, neo4j_store: Neo4jStore) -> None:
    Neo4jStore(uri=neo4j_uri).close()
    Neo4jStore(uri=neo4j_uri).close()


def test_server_down_is_a_store_error_naming_the_uri(tcp_proxy: Callable[[], TcpProxy]) -> None:
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


@pytest.mark.parametrize("uri", ["bolt://[::1", "bolt://127.0.0.1:notaport"])
def test_a_uri_the_driver_cannot_parse_is_a_store_error(uri: str) -> None:
    """The driver raises ``ValueError`` for these, on creation or on first connecting: a bad NEO4J_URI."""
    with pytest.raises(StoreError) as caught:
        Neo4jStore(uri=uri)
    assert "NEO4J_URI" in (caught.value.hint or "")


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
    tcp_proxy: Callable[[], TcpProxy],
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
    assert plan is not None
    operators: list[str] = []
    stack = [plan]
    while stack:
        node = stack.pop()
        operators.append(node["operatorType"])
        stack.extend(node.get("children", []))
    assert any(op.startswith("VarLengthExpand(Pruning") for op in operators), operators


@pytest.mark.parametrize("size", [0, -1])
def test_a_batch_size_below_1_is_refused_before_connecting(size: int) -> None:
    with pytest.raises(ValueError, match="batch_size"):
        Neo4jStore(uri="bolt://127.0.0.1:9", batch_size=size)  # nothing listens there: no connection is tried
