"""The naive baseline ``bench/run.py`` compares graphsc with: the whole dump in a plain NetworkX DiGraph.

    python -m bench.baseline MODELS.jsonl SAMPLE.json     # prints one JSON document on stdout

What a person without graphsc would write: ``json.loads`` every line, ``add_node`` with the record's license
and downloads, ``add_edge(child, base)`` for every base the record names (the card's ``base_model`` and the
``base_model:`` tags), then ``nx.descendants`` (the bases, up to the roots) and ``nx.ancestors`` (the
derivatives) of each model in SAMPLE.json (a JSON list of ids), and ``nx.pagerank`` over the whole graph.
``bench/run.py`` runs it as a child process, so its peak RSS is measured the same way as graphsc's.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import networkx as nx


def record_bases(record: dict[str, Any]) -> set[str]:
    """Every base model a Hub record names: card ``base_model`` (a string or a list) and ``base_model:`` tags."""
    card = record.get("cardData") or {}
    declared = card.get("base_model")
    bases = {declared} if isinstance(declared, str) else set(declared or ())
    for tag in record.get("tags") or ():
        if tag.startswith("base_model:"):
            bases.add(tag.rsplit(":", 1)[1])
    return bases


def build_graph(path: Path) -> nx.DiGraph:
    """The dump as a DiGraph: one node per model (license, downloads), one edge child → base per named base."""
    graph = nx.DiGraph()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            model_id = record["id"]
            card = record.get("cardData") or {}
            graph.add_node(model_id, license=card.get("license"), downloads=record.get("downloads"))
            for base in record_bases(record):
                graph.add_edge(model_id, base)
    return graph


def measure(models_path: Path, sample: list[str]) -> dict[str, Any]:
    """Build time, per-model lineage query times (ancestors + descendants) and PageRank time."""
    started = time.perf_counter()
    graph = build_graph(models_path)
    build = time.perf_counter() - started
    queries: list[float] = []
    for model_id in sample:
        started = time.perf_counter()
        nx.descendants(graph, model_id)  # edges point child → base: descendants are the bases
        nx.ancestors(graph, model_id)
        queries.append(time.perf_counter() - started)
    started = time.perf_counter()
    nx.pagerank(graph)
    pagerank = time.perf_counter() - started
    return {
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "build_seconds": build,
        "lineage_query_seconds": queries,
        "lineage_query_median": statistics.median(queries) if queries else None,
        "pagerank_seconds": pagerank,
    }


def main(argv: list[str] | None = None) -> int:
    """CLI entry point: ``MODELS.jsonl SAMPLE.json``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    sample = json.loads(Path(args[1]).read_text())
    print(json.dumps(measure(Path(args[0]), sample)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
