"""Write throughput and lineage speed of the Neo4j store on synthetic Hub-shaped records.

    PYTHONPATH=. python bench/neo4j_write.py --models 100000 --wipe   # needs scripts/neo4j start

One family: every model descends from ``o/root`` (preferential attachment, so fan-out is heavy-tailed and the
root has the most children), relations 45% finetune / 30% quantized / 15% adapter / 10% merge (two parents);
20% of models name a training dataset, 5% are used by a GitHub repository. WIPES the database with --wipe.
"""

from __future__ import annotations

import argparse
import random
import time

from neo4j import GraphDatabase

from graphsc.records import DerivedFrom, GraphBatch, Model, ModelRecord, TrainedOn, Uses
from graphsc.store.neo4j import DEFAULT_BATCH_SIZE, Neo4jStore

RELATIONS = ["finetune"] * 45 + ["quantized"] * 30 + ["adapter"] * 15 + ["merge"] * 10


def records(count: int, seed: int = 1) -> list[ModelRecord]:
    """``count`` fetched model records forming one family under ``o/root``."""
    rng = random.Random(seed)
    out = [ModelRecord(Model("o/root", author="o", license="apache-2.0"))]
    for i in range(1, count):
        mid = f"u{i % 5000}/m{i}"
        relation = rng.choice(RELATIONS)
        parents = {f"u{p % 5000}/m{p}" if p else "o/root" for p in
                   [int(i * rng.random() ** 3) for _ in range(2 if relation == "merge" else 1)]}
        out.append(ModelRecord(
            Model(mid, author=mid.split("/")[0], license=rng.choice(["mit", "apache-2.0", None]), downloads=i),
            derived_from=tuple(DerivedFrom(mid, p, relation, "card") for p in parents),
            trained_on=(TrainedOn(mid, f"d/set{rng.randrange(5000)}", "card"),) if rng.random() < 0.2 else (),
            used_by=(Uses(f"gh/repo{rng.randrange(20000)}", "repo", mid, "peatmoss", "app.py"),) if rng.random() < 0.05 else (),
        ))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=int, default=100_000)
    parser.add_argument("--records-per-write", type=int, default=5_000, help="records per GraphBatch (ingest default)")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="rows per UNWIND statement")
    parser.add_argument("--uri", default="bolt://127.0.0.1:7687")
    parser.add_argument("--wipe", action="store_true", help="delete everything in the database first")
    args = parser.parse_args()

    if args.wipe:
        with GraphDatabase.driver(args.uri, auth=None) as driver, driver.session() as session:
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    data = records(args.models)
    store = Neo4jStore(uri=args.uri, batch_size=args.batch_size)
    started = time.perf_counter()
    for start in range(0, len(data), args.records_per_write):
        batch = GraphBatch()
        for record in data[start:start + args.records_per_write]:
            batch.add(record)
        store.write(batch)
    seconds = time.perf_counter() - started
    counts = store.counts()
    items = sum(counts.nodes.values()) + sum(counts.edges.values())
    print(f"write: {args.models} records -> {sum(counts.nodes.values())} nodes + {sum(counts.edges.values())} edges "
          f"in {seconds:.1f} s = {items / seconds:,.0f} nodes+edges/s")

    started = time.perf_counter()
    rewrite = GraphBatch()
    for record in data[:args.records_per_write]:
        rewrite.add(record)
    store.write(rewrite)
    print(f"re-write of {args.records_per_write} records (replacing their edges): {time.perf_counter() - started:.2f} s")

    for direction in ("down", "up"):
        model = "o/root" if direction == "down" else data[-1].model.id
        started = time.perf_counter()
        edges = store.lineage_edges(model, direction)
        print(f"lineage_edges({model!r}, {direction!r}): {len(edges)} edges, "
              f"{len({e.child for e in edges})} models in {time.perf_counter() - started:.2f} s")
    store.close()


if __name__ == "__main__":
    main()
