#!/usr/bin/env python3
"""Time and peak memory of each analytics metric on a large synthetic Hub-shaped graph.

    scripts/bench_analytics.py generate DB [--models 2000000] [--edges 600000]
    scripts/bench_analytics.py run DB            # every metric, each in a fresh process
    scripts/bench_analytics.py metric DB NAME    # one metric (used by run); prints JSON

Each line: wall seconds of the metric (graph build included), the process's CPU seconds (the whole process,
imports and store opening included: on a busy shared machine wall time exceeds it), peak RSS and the steps.

The generator is a quick stand-in for the bench branch's: preferential attachment (heavy-tailed fan-out),
relation mix finetune 45% / quantized 30% / adapter 15% / merge 8% (2-3 bases) / distillation 2%, quantized
models stay leaves, ~70% of models isolated, a few declared cycles and self-loops, Zipf downloads and USES.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graphsc.records import DerivedFrom, GraphBatch, Model, Uses  # noqa: E402

RELATIONS = (("finetune", 0.45), ("quantized", 0.30), ("adapter", 0.15), ("merge", 0.08), ("distillation", 0.02))
METRICS = ("graph", "depth", "families", "reach", "pagerank", "betweenness", "exposure", "stats", "rank-downloads",
           "analyze-write")


def model_id(i: int) -> str:
    return f"org{i % 40_000}/model-{i}"


def generate(db: str, models: int, edges: int, seed: int = 1) -> None:
    from graphsc.store.sqlite import SQLiteStore

    rng = random.Random(seed)
    store = SQLiteStore(db)
    derived = int(edges / 1.1)  # merges add extra edges
    roots = max(1000, derived // 6)
    pool: list[int] = []
    for r in range(roots):
        pool.extend([r] * max(1, int(rng.paretovariate(1.2))))
    names, weights = zip(*RELATIONS)
    edge_list: list[DerivedFrom] = []
    for child in range(roots, roots + derived):
        relation = rng.choices(names, weights)[0]
        bases = {rng.choice(pool) for _ in range(rng.choice((2, 2, 3)) if relation == "merge" else 1)}
        edge_list.extend(DerivedFrom(model_id(child), model_id(b), relation, "bench") for b in bases)
        if relation in ("finetune", "merge") and rng.random() < 0.5:
            pool.append(child)
    for i in range(50):  # declared cycles: a base that names one of its derivatives as its own base
        child = edge_list[rng.randrange(len(edge_list))]
        edge_list.append(DerivedFrom(child.base, child.child, "finetune", "bench"))
    edge_list.extend(DerivedFrom(model_id(i), model_id(i), "finetune", "bench") for i in range(roots, roots + 20))
    uses = [Uses(f"user{int(rng.paretovariate(1.0)) % 200_000}/app{u}", "repo" if u % 2 else "space",
                 model_id(int(rng.paretovariate(0.7)) % (roots + derived)), "bench") for u in range(300_000)]
    batch_size = 100_000
    started = time.perf_counter()
    for start in range(0, models, batch_size):
        store.write(GraphBatch(models=[
            Model(model_id(i), license=rng.choice(("apache-2.0", "mit", "llama3.1", "cc-by-nc-4.0", None)),
                  downloads=int(rng.paretovariate(0.8)) - 1)
            for i in range(start, min(models, start + batch_size))
        ]))
    for start in range(0, len(edge_list), batch_size):
        store.write(GraphBatch(derived_from=edge_list[start:start + batch_size]))
    for start in range(0, len(uses), batch_size):
        store.write(GraphBatch(uses=uses[start:start + batch_size]))
    print(f"generated {store.counts()} in {time.perf_counter() - started:.0f} s")
    store.close()


def metric(db: str, name: str) -> None:
    from graphsc.analytics.analysis import Analysis, peak_rss_mib
    from graphsc.analytics.metrics import model_metrics
    from graphsc.analytics.ranking import rank_models
    from graphsc.analytics.stats import graph_stats
    from graphsc.store.sqlite import SQLiteStore

    store = SQLiteStore(db)
    analysis = Analysis(store)
    started = time.perf_counter()
    if name == "stats":
        graph_stats(analysis)
    elif name == "rank-downloads":
        rank_models(analysis, "downloads", 20)
    elif name == "analyze-write":
        analysis.compute_all()
        rows = analysis.timed("metrics", lambda: list(model_metrics(analysis)))
        analysis.timed("write", lambda: store.write_model_metrics(rows))
    else:
        getattr(analysis, name)
    total = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    steps = {k: round(v.seconds, 2) for k, v in analysis.timings.items()}
    print(json.dumps({"metric": name, "seconds": round(total, 2), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
                      "peak_rss_mib": round(peak_rss_mib()), "steps": steps}))


def run(db: str) -> None:
    for name in METRICS:
        out = subprocess.run([sys.executable, __file__, "metric", db, name], capture_output=True, text=True, check=True)
        print(out.stdout.strip(), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("generate", "run", "metric"))
    parser.add_argument("db")
    parser.add_argument("name", nargs="?")
    parser.add_argument("--models", type=int, default=2_000_000)
    parser.add_argument("--edges", type=int, default=600_000)
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.db, args.models, args.edges)
    elif args.command == "run":
        run(args.db)
    else:
        metric(args.db, args.name)


if __name__ == "__main__":
    main()
