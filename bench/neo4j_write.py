"""Write throughput and lineage speed of the Neo4j store on synthetic Hub-shaped records.

    PYTHONPATH=. python bench/neo4j_write.py --models 100000 --wipe   # needs scripts/neo4j start
    PYTHONPATH=. python bench/neo4j_write.py --models 100000 --wipe --push   # + graphsc neo4j push, and lineage
                                                                              # on the embedded store vs Neo4j

One family: every model descends from ``o/root`` (preferential attachment, so fan-out is heavy-tailed and the
root has the most children), relations 45% finetune / 30% quantized / 15% adapter / 10% merge (two parents);
20% of models name a training dataset, 5% are used by a GitHub repository. WIPES the database with --wipe.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from neo4j import GraphDatabase

from graphsc.lineage import compute_lineage
from graphsc.neo4j_push import push
from graphsc.records import DerivedFrom, GraphBatch, Model, ModelRecord, TrainedOn, Uses
from graphsc.store.base import GraphStore
from graphsc.store.neo4j import DEFAULT_BATCH_SIZE, Neo4jStore
from graphsc.store.sqlite import SQLiteStore

RELATIONS = ["finetune"] * 45 + ["quantized"] * 30 + ["adapter"] * 15 + ["merge"] * 10


def records(count: int, seed: int = 1) -> list[ModelRecord]:
    """``count`` fetched model records forming one family under ``o/root``."""
    rng = random.Random(seed)
    out = [ModelRecord(Model("o/root", author="o", license="apache-2.0"))]
    for i in range(1, count):
        mid = f"u{i % 5000}/m{i}"
        relation = rng.choice(RELATIONS)
        parents = {
            f"u{p % 5000}/m{p}" if p else "o/root"
            for p in [int(i * rng.random() ** 3) for _ in range(2 if relation == "merge" else 1)]
        }
        out.append(
            ModelRecord(
                Model(mid, author=mid.split("/")[0], license=rng.choice(["mit", "apache-2.0", None]), downloads=i),
                derived_from=tuple(DerivedFrom(mid, p, relation, "card") for p in parents),
                trained_on=(TrainedOn(mid, f"d/set{rng.randrange(5000)}", "card"),) if rng.random() < 0.2 else (),
                used_by=(Uses(f"gh/repo{rng.randrange(20000)}", "repo", mid, "peatmoss", "app.py"),)
                if rng.random() < 0.05
                else (),
            )
        )
    return out


def wipe(uri: str) -> None:
    """Delete everything in the database at ``uri``."""
    with GraphDatabase.driver(uri, auth=None) as driver, driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def write_all(store: GraphStore, data: list[ModelRecord], per_write: int) -> float:
    """Write ``data`` in GraphBatches of ``per_write`` records; return the seconds taken."""
    started = time.perf_counter()
    for start in range(0, len(data), per_write):
        batch = GraphBatch()
        for record in data[start : start + per_write]:
            batch.add(record)
        store.write(batch)
    return time.perf_counter() - started


def best_of(runs: int, work: Callable[[], object]) -> float:
    """The fastest of ``runs`` timings of ``work`` (seconds)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def compare_lineage(stores: list[GraphStore], model: str) -> None:
    """Time ``lineage_edges`` and the whole ``compute_lineage`` (what ``graphsc lineage`` does) per store."""
    for store in stores:
        edges = best_of(3, lambda store=store: store.lineage_edges(model, "down"))
        whole = best_of(3, lambda store=store: compute_lineage(store, model, "down"))
        print(
            f"{store.kind:>8}: lineage_edges({model!r}, 'down') {edges:.2f} s, compute_lineage {whole:.2f} s (best of 3)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=int, default=100_000)
    parser.add_argument("--records-per-write", type=int, default=5_000, help="records per GraphBatch (ingest default)")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="rows per UNWIND statement")
    parser.add_argument("--uri", default="bolt://127.0.0.1:7687")
    parser.add_argument("--wipe", action="store_true", help="delete everything in the database first")
    parser.add_argument(
        "--push",
        action="store_true",
        help="also: write the records to a temporary embedded store, wipe Neo4j, time `graphsc neo4j "
        "push` of it, and compare lineage latency on both stores (implies --wipe)",
    )
    parser.add_argument("--push-batch", type=int, default=20_000, help="rows per push transaction")
    args = parser.parse_args()

    if args.wipe or args.push:
        wipe(args.uri)
    data = records(args.models)
    store = Neo4jStore(uri=args.uri, batch_size=args.batch_size)
    seconds = write_all(store, data, args.records_per_write)
    counts = store.counts()
    items = sum(counts.nodes.values()) + sum(counts.edges.values())
    print(
        f"write: {args.models} records -> {sum(counts.nodes.values())} nodes + {sum(counts.edges.values())} edges "
        f"in {seconds:.1f} s = {items / seconds:,.0f} nodes+edges/s"
    )

    started = time.perf_counter()
    rewrite = GraphBatch()
    for record in data[: args.records_per_write]:
        rewrite.add(record)
    store.write(rewrite)
    print(
        f"re-write of {args.records_per_write} records (replacing their edges): {time.perf_counter() - started:.2f} s"
    )

    for direction in ("down", "up"):
        model = "o/root" if direction == "down" else data[-1].model.id
        started = time.perf_counter()
        edges = store.lineage_edges(model, direction)
        print(
            f"lineage_edges({model!r}, {direction!r}): {len(edges)} edges, "
            f"{len({e.child for e in edges})} models in {time.perf_counter() - started:.2f} s"
        )
    if args.push:
        with tempfile.TemporaryDirectory() as tmp:
            embedded = SQLiteStore(Path(tmp) / "bench.db")
            write_all(embedded, data, args.records_per_write)
            wipe(args.uri)
            pushed = Neo4jStore(uri=args.uri, batch_size=args.push_batch)
            report = push(embedded, pushed, batch_size=args.push_batch)
            print(
                f"push into an empty Neo4j: {report.written:,} nodes+edges in {report.seconds:.1f} s = "
                f"{report.rate:,.0f} nodes+edges/s (batch {args.push_batch:,})"
            )
            compare_lineage([embedded, pushed], "o/root")
            pushed.close()
            embedded.close()
    store.close()


if __name__ == "__main__":
    main()
