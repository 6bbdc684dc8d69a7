"""The peer ``bench/run.py`` measures graphsc against: what a speed-minded user would write instead of graphsc.

    python -m bench.peer MODELS.jsonl SAMPLE.json ROOT_ID     # prints one JSON document on stdout

One process, whole: ``orjson.loads`` every line of the dump into a list of ids and a list of integer
``(child, base)`` pairs (ids numbered through a dict, in order of first appearance; a base that has no record
of its own is a node too; one edge child → base for every base the record names, the rule of
``bench.baseline.record_bases``), then, for igraph and for rustworkx separately:

- ``build``: the graph from the integer edge list (``igraph.Graph(n=…, edges=…, directed=True)``;
  ``rustworkx.PyDiGraph`` + ``add_nodes_from`` + ``add_edges_from_no_data``);
- ``pagerank``: damping 0.85 (``Graph.pagerank(damping=0.85)``, PRPACK; ``rustworkx.pagerank(alpha=0.85)``
  iterated to graphsc's accuracy, an L1 change below 1e-10);
- ``wcc``: the weakly connected components (``connected_components(mode="weak")``;
  ``rustworkx.weakly_connected_components``);
- ``descendants``: everything that derives from ROOT_ID, i.e. every node with a path *to* it, since edges point
  child → base (``subcomponent(v, mode="in")`` minus the root itself; ``rustworkx.ancestors``);
- ``lineage``: for each model in SAMPLE.json (a JSON list of ids), both directions: its bases up to the roots
  and everything derived from it (``subcomponent`` out and in; ``rustworkx.descendants`` and ``ancestors``).

Every step is timed with ``time.perf_counter``, and so is each library's import (``import_seconds``: not part of
any task, like the interpreter's start-up; the child process's whole wall time is in ``bench/run.py``'s result). ``tasks`` adds the steps up the way ``bench/run.py`` compares
them with graphsc commands (``load`` = parse + build, ``pagerank`` = build + pagerank, ``components`` = build +
WCC, ``descendants`` = build + descendants, and the lineage query median and p95 with the graph in memory) and
names the faster library for each: the peer's number is the faster of the two. The answers themselves (node,
component and descendant counts, PageRank sum and top entries, lineage sizes) are in the document as well, so
that a test can check them. ``bench/run.py`` runs this module as a child process, so its peak RSS is measured
the same way as graphsc's; ``peak_rss_bytes`` here is the process's own high-water mark after each library.
"""

from __future__ import annotations

import gc
import heapq
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

import orjson

from bench.baseline import record_bases

LIBRARIES = ("igraph", "rustworkx")
PAGERANK_TOP = 10
PAGERANK_L1_TOLERANCE = 1e-10  # graphsc.analytics.centrality's: the whole vector moves by less than this at the end
PAGERANK_MAX_ITER = 500  # graphsc.analytics.centrality's


def parse(path: Path) -> tuple[list[str], list[tuple[int, int]], int]:
    """The dump as ``(ids, edges, records)``: node ``i`` is ``ids[i]``; one ``(child, base)`` pair per base a
    record names (bases without a record of their own become nodes as well)."""
    ids: list[str] = []
    index: dict[str, int] = {}
    edges: list[tuple[int, int]] = []
    records = 0
    with open(path, "rb") as fh:
        for line in fh:
            record = orjson.loads(line)
            records += 1
            model_id = record["id"]
            child = index.get(model_id)
            if child is None:
                child = index[model_id] = len(ids)
                ids.append(model_id)
            for base_id in record_bases(record):
                base = index.get(base_id)
                if base is None:
                    base = index[base_id] = len(ids)
                    ids.append(base_id)
                edges.append((child, base))
    return ids, edges, records


def percentile95(values: Sequence[float]) -> float:
    """The 95th percentile, nearest rank (as ``bench.run.summary``)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, -(-95 * len(ordered) // 100) - 1))]


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """``fn()`` and its wall time in seconds."""
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def peak_rss_bytes() -> int:
    """This process's peak RSS so far (``ru_maxrss`` is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _answers(
    ids: list[str], ranks: Sequence[float], components: list[int], descendants: int, lineage: list[list[int]]
) -> dict[str, Any]:
    """What the library computed, in a form that can be checked: PageRank sum and top entries, component sizes."""
    top = heapq.nlargest(PAGERANK_TOP, range(len(ranks)), key=ranks.__getitem__)
    return {
        "pagerank_sum": float(sum(ranks)),
        "pagerank_top": [[ids[i], float(ranks[i])] for i in top],
        "components": len(components),
        "largest_component": max(components, default=0),
        "descendants": descendants,
        "lineage_counts": lineage,
    }


def run_igraph(ids: list[str], edges: list[tuple[int, int]], root: int, sample: list[int]) -> dict[str, Any]:
    """Build, PageRank, weak components, the root's descendants and the sample's lineage with igraph."""
    started = time.perf_counter()
    import igraph  # type: ignore[import-untyped]  # ships no type information

    imported = time.perf_counter() - started
    graph, build = timed(lambda: igraph.Graph(n=len(ids), edges=edges, directed=True))
    ranks, pagerank = timed(lambda: graph.pagerank(damping=0.85))
    clustering, wcc = timed(lambda: graph.connected_components(mode="weak"))
    found, descendants = timed(lambda: graph.subcomponent(root, mode="in"))
    queries: list[float] = []
    counts: list[list[int]] = []
    for v in sample:
        started = time.perf_counter()
        up = graph.subcomponent(v, mode="out")  # the bases, up to the roots (and v itself)
        down = graph.subcomponent(v, mode="in")  # everything derived from v (and v itself)
        queries.append(time.perf_counter() - started)
        counts.append([len(up) - 1, len(down) - 1])
    timings = (imported, build, pagerank, wcc, descendants, queries)
    return {
        **_timings(igraph.__version__, *timings),
        **_answers(ids, ranks, list(clustering.sizes()), len(found) - 1, counts),
    }


def _timings(
    library_version: str,
    imported: float,
    build: float,
    pagerank: float,
    wcc: float,
    descendants: float,
    queries: list[float],
) -> dict[str, Any]:
    """One library's measured steps, as ``bench/run.py`` reads them."""
    return {
        "version": library_version,
        "import_seconds": imported,
        "build_seconds": build,
        "pagerank_seconds": pagerank,
        "wcc_seconds": wcc,
        "descendants_seconds": descendants,
        "lineage_query_seconds": queries,
    }


def run_rustworkx(ids: list[str], edges: list[tuple[int, int]], root: int, sample: list[int]) -> dict[str, Any]:
    """Build, PageRank, weak components, the root's descendants and the sample's lineage with rustworkx."""
    started = time.perf_counter()
    import rustworkx

    imported = time.perf_counter() - started

    def build_graph() -> rustworkx.PyDiGraph[str, None]:
        graph: rustworkx.PyDiGraph[str, None] = rustworkx.PyDiGraph()
        graph.add_nodes_from(ids)  # node i is ids[i]: indices are assigned in order on a new graph
        graph.add_edges_from_no_data(edges)
        return graph

    graph, build = timed(build_graph)
    # Stops when the L1 change is below len(ids) * tol, as NetworkX does: tol = PAGERANK_L1_TOLERANCE / n asks for
    # the accuracy graphsc's own PageRank has. With the default tol (1e-6) the scores are off by ~1e-3 at 20,000
    # models; igraph's PRPACK solves the system directly.
    tol = PAGERANK_L1_TOLERANCE / max(1, len(ids))
    ranks, pagerank = timed(lambda: rustworkx.pagerank(graph, alpha=0.85, tol=tol, max_iter=PAGERANK_MAX_ITER))
    components, wcc = timed(lambda: rustworkx.weakly_connected_components(graph))
    found, descendants = timed(lambda: rustworkx.ancestors(graph, root))  # edges point child → base
    queries: list[float] = []
    counts: list[list[int]] = []
    for v in sample:
        started = time.perf_counter()
        up = rustworkx.descendants(graph, v)  # the bases, up to the roots
        down = rustworkx.ancestors(graph, v)  # everything derived from v
        queries.append(time.perf_counter() - started)
        counts.append([len(up), len(down)])
    timings = (imported, build, pagerank, wcc, descendants, queries)
    answers = _answers(ids, [ranks[i] for i in range(len(ids))], [len(c) for c in components], len(found), counts)
    return {**_timings(version("rustworkx"), *timings), **answers}


def tasks(parse_seconds: float, libraries: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each task as ``bench/run.py`` compares it with graphsc: the time per library and the faster one."""
    per: dict[str, Callable[[dict[str, Any]], float | None]] = {
        "load": lambda lib: parse_seconds + lib["build_seconds"],
        "pagerank": lambda lib: lib["build_seconds"] + lib["pagerank_seconds"],
        "components": lambda lib: lib["build_seconds"] + lib["wcc_seconds"],
        "descendants": lambda lib: lib["build_seconds"] + lib["descendants_seconds"],
        "lineage_median": lambda lib: lib["lineage_query_median"],  # None without a sample: the task is left out
        "lineage_p95": lambda lib: lib["lineage_query_p95"],
    }
    out: dict[str, dict[str, Any]] = {}
    for task, seconds in per.items():
        found = {name: seconds(lib) for name, lib in libraries.items()}
        times = {name: value for name, value in found.items() if value is not None}
        if not times:  # no lineage sample
            continue
        fastest = min(times, key=lambda name: times[name])
        out[task] = {"seconds": times[fastest], "library": fastest, **times}
    return out


def measure(models_path: Path, sample: list[str], root_id: str) -> dict[str, Any]:
    """Parse once, then every step with each library; see the module docstring."""
    (ids, edges, records), parse_seconds = timed(lambda: parse(models_path))
    index = {model_id: i for i, model_id in enumerate(ids)}
    missing = [m for m in (root_id, *sample) if m not in index]
    if missing:
        raise SystemExit(f"not in {models_path}: {', '.join(missing[:5])}")
    root, picks = index[root_id], [index[m] for m in sample]
    del index
    libraries: dict[str, dict[str, Any]] = {}
    for name, run in (("igraph", run_igraph), ("rustworkx", run_rustworkx)):
        lib = run(ids, edges, root, picks)  # the graph is freed on return, before the next library builds its own
        gc.collect()
        queries = lib["lineage_query_seconds"]
        lib["lineage_query_median"] = statistics.median(queries) if queries else None
        lib["lineage_query_p95"] = percentile95(queries) if queries else None
        lib["peak_rss_bytes"] = peak_rss_bytes()
        libraries[name] = lib
    return {
        "records": records,
        "nodes": len(ids),
        "edges": len(edges),
        "root": root_id,
        "sample": sample,
        "parse_seconds": parse_seconds,
        "libraries": libraries,
        "tasks": tasks(parse_seconds, libraries),
        "peak_rss_bytes": peak_rss_bytes(),
    }


def main(argv: list[str] | None = None) -> int:
    """CLI entry point: ``MODELS.jsonl SAMPLE.json ROOT_ID``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    sample = json.loads(Path(args[1]).read_text())
    print(json.dumps(measure(Path(args[0]), sample, args[2])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
