"""Centrality over DERIVED_FROM edges: PageRank, sampled betweenness and direct derivatives by relation.

- *PageRank*: ``nx.pagerank`` (scipy power iteration) on the child → base graph, damping 0.85, uniform
  teleport; a root's rank is spread uniformly (NetworkX's dangling-node rule). NetworkX stops when the L1
  change is below ``N * tol``, so ``tol`` is scaled to ``PAGERANK_L1_TOLERANCE / N``: the whole vector moves by
  less than 1e-10 at convergence, whatever the graph's size.
- *Betweenness*: Brandes' shortest-path betweenness on the directed graph (paths from derivatives up to their
  bases), normalised by ``(N-1)(N-2)``, estimated from ``k`` source models sampled uniformly with a fixed seed
  (exact when ``k >= N``). A shortest path from a source only climbs to its bases, so each sampled source runs
  Brandes on the subgraph of its ancestors (a handful of models) rather than on the whole graph; the estimate
  equals NetworkX's own ``k``-sampled ``betweenness_centrality`` (same sample, same scaling) at a fraction of
  the cost.
- *Direct derivatives*: the DERIVED_FROM edges pointing at a model, counted per relation.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import networkx as nx
import numpy as np

from graphsc.analytics.graph import DerivationGraph
from graphsc.analytics.progress import NO_PROGRESS, Progress

PAGERANK_ALPHA = 0.85
PAGERANK_L1_TOLERANCE = 1e-10
PAGERANK_MAX_ITER = 500
BETWEENNESS_SAMPLE = 50_000
BETWEENNESS_SEED = 42
PROGRESS_EVERY = 1_000


def pagerank(dg: DerivationGraph, progress: Progress = NO_PROGRESS) -> np.ndarray:
    """PageRank of every node (sums to 1), importance flowing from derivative to base."""
    n = dg.node_count
    if n == 0:
        return np.zeros(0)
    progress.phase("PageRank (scipy)")
    scores = nx.pagerank(dg.graph, alpha=PAGERANK_ALPHA, tol=PAGERANK_L1_TOLERANCE / n, max_iter=PAGERANK_MAX_ITER)
    result = np.zeros(n)
    result[np.fromiter(scores.keys(), dtype=np.int64, count=n)] = np.fromiter(scores.values(), dtype=float, count=n)
    return result


@dataclass(slots=True)
class Betweenness:
    """Normalised betweenness per node, and how it was computed: ``sample`` sources (``exact`` when all)."""

    values: np.ndarray
    sample: int
    nodes: int
    seed: int

    @property
    def exact(self) -> bool:
        return self.sample >= self.nodes


def betweenness(
    dg: DerivationGraph,
    k: int = BETWEENNESS_SAMPLE,
    seed: int = BETWEENNESS_SEED,
    progress: Progress = NO_PROGRESS,
) -> Betweenness:
    """Betweenness estimated from ``k`` sampled sources (see the module docstring for the exact estimator)."""
    n = dg.node_count
    values = np.zeros(n)
    k = min(k, n)
    if n < 3 or k == 0:
        return Betweenness(values, k, n, seed)
    sources = random.Random(seed).sample(range(n), k)
    progress.phase(f"betweenness ({k:,} sampled sources)", k)
    for done, source in enumerate(sources, start=1):
        # every shortest path from a source runs up through its bases: run Brandes on that small subgraph only
        upward = nx.descendants(dg.graph, source)
        if len(upward) >= 2:
            upward.add(source)
            raw = nx.betweenness_centrality_subset(dg.graph.subgraph(upward), [source], upward, normalized=False)
            for node, value in raw.items():
                if value:
                    values[node] += value
        if done % PROGRESS_EVERY == 0:
            progress.advance(PROGRESS_EVERY)
    # Brandes-Pich scaling as NetworkX does it: a node's own sample excludes itself as a source.
    in_sample = np.zeros(n, dtype=bool)
    in_sample[sources] = True
    per_node_sources = np.where(in_sample, k - 1, k).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = np.where(per_node_sources > 0, values / (per_node_sources * (n - 2)), 0.0)
    return Betweenness(scaled, k, n, seed)


def direct_derivatives(dg: DerivationGraph) -> np.ndarray:
    """``counts[node, r]``: DERIVED_FROM edges into ``node`` with relation ``dg.relations[r]``."""
    counts = np.zeros((dg.node_count, len(dg.relations)), dtype=np.int64)
    np.add.at(counts, (dg.edge_base, dg.edge_relation), 1)
    return counts
