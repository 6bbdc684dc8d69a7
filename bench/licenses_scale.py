"""Time and memory of the license engine on a synthetic Hub-sized graph.

    PYTHONPATH=.:tests python bench/licenses_scale.py [n_models] [n_edges] [n_uses]
"""

from __future__ import annotations

import gc
import sys
import time

import psutil

from graphsc.licenses.engine import analyze, no_gc
from graphsc.licenses.graph import build_graph
from licenses.synthetic import synthetic


def main() -> None:
    n_models, n_edges, n_uses = (int(a) for a in (sys.argv[1:] + ["2000000", "600000", "100000"][len(sys.argv) - 1:]))
    proc = psutil.Process()
    t0 = time.perf_counter()
    models, edges, uses, repos = synthetic(n_models, n_edges, n_uses)
    t1 = time.perf_counter()
    rss0 = proc.memory_info().rss
    print(f"generated {len(models):,} models, {len(edges):,} edges, {len(uses):,} uses in {t1 - t0:.1f}s; rss {rss0 / 2**20:.0f} MiB")
    gc.freeze()
    t2, c2 = time.perf_counter(), time.process_time()
    with no_gc():
        graph = build_graph(models, edges, (), uses, (), repos)
    t3, c3 = time.perf_counter(), time.process_time()
    del models, edges
    report = analyze(graph)
    t4, c4 = time.perf_counter(), time.process_time()
    rss1 = proc.memory_info().rss
    print(f"wall: build_graph {t3 - t2:.1f}s, analyze {t4 - t3:.1f}s, total {t4 - t2:.1f}s")
    print(f"cpu:  build_graph {c3 - c2:.1f}s, analyze {c4 - c3:.1f}s, total {c4 - c2:.1f}s; load {psutil.getloadavg()[0]:.1f}")
    print(f"rss {rss1 / 2**20:.0f} MiB (+{(rss1 - rss0) / 2**20:.0f})")
    print(f"{len(report.conflicts):,} conflicts: {dict(report.counts_by_kind())}")
    print(f"uses: {report.uses.total:,} total, {report.uses.in_conflict:,} in conflict; cycles ignored {len(report.cycle_edges_ignored)}")


if __name__ == "__main__":
    main()
