"""Centrality over DERIVED_FROM edges: PageRank, sampled betweenness and direct derivatives by relation.

- *PageRank*: NetworkX's scipy power iteration (run on the CSR arrays, see ``pagerank``) on the child → base graph, damping 0.85, uniform
  teleport; a root's rank is spread uniformly (NetworkX's dangling-node rule). NetworkX stops when the L1
  change is below ``N * tol``, so ``tol`` is scaled to ``PAGERANK_L1_TOLERANCE / N``: the whole vector moves by
  less than 1e-10 at convergence, whatever the graph's size.
- *Betweenness*: Brandes' shortest-path betweenness on the directed graph (paths from derivatives up to their
  bases), normalised by ``(N-1)(N-2)``, estimated from ``k`` source models sampled uniformly with a fixed seed
  (exact when ``k >= N``). A shortest path from a source only climbs to its bases, so each sampled source runs
  Brandes on the models above it (a handful) rather than on the whole graph, over the compact graph's lists; the
  estimate equals NetworkX's own ``k``-sampled ``betweenness_centrality`` (same sample, same scaling; the tests
  hold it to that) at a fraction of the cost.
- *Direct derivatives*: the DERIVED_FROM edges pointing at a model, counted per relation.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy import sparse

from graphsc.analytics.graph import DerivationGraph
from graphsc.analytics.progress import NO_PROGRESS, Progress

PAGERANK_ALPHA = 0.85
PAGERANK_L1_TOLERANCE = 1e-10
PAGERANK_MAX_ITER = 500
BETWEENNESS_SAMPLE = 50_000
BETWEENNESS_SEED = 42
PROGRESS_EVERY = 1_000


def pagerank(dg: DerivationGraph, progress: Progress = NO_PROGRESS) -> np.ndarray:
    """PageRank of every node (sums to 1), importance flowing from derivative to base.

    The power iteration of NetworkX's ``pagerank`` (``_pagerank_scipy``, NetworkX 3.x) step for step on the CSR
    adjacency of the compact graph — row-normalised transitions, a dangling node's rank spread uniformly, uniform
    teleport, stop when the L1 change is below ``N * tol`` — without building an ``nx.DiGraph``; the tests hold it
    to ``nx.pagerank``. Raises ``nx.PowerIterationFailedConvergence`` after ``PAGERANK_MAX_ITER`` iterations."""
    n = dg.node_count
    if n == 0:
        return np.zeros(0)
    progress.phase("PageRank (scipy)")
    adjacency = dg.csr()
    out_degree = np.asarray(adjacency.sum(axis=1)).ravel()
    scale = np.zeros(n)
    scale[out_degree != 0] = 1.0 / out_degree[out_degree != 0]
    transition = (sparse.dia_array((scale, 0), shape=(n, n)).tocsr() @ adjacency).T.tocsr()
    dangling = np.flatnonzero(out_degree == 0)
    teleport = np.repeat(1.0 / n, n)
    x = teleport.copy()
    tol = PAGERANK_L1_TOLERANCE / n
    for _ in range(PAGERANK_MAX_ITER):
        last = x
        # NetworkX adds the dangling mass with Python's ``sum`` (left to right); a cumulative sum adds in the same
        # order, so the scores equal NetworkX's to the last bit.
        dangling_mass = np.cumsum(x[dangling])[-1] if len(dangling) else 0.0
        x = PAGERANK_ALPHA * (transition @ x + dangling_mass * teleport) + (1 - PAGERANK_ALPHA) * teleport
        if np.absolute(x - last).sum() < n * tol:
            scores: np.ndarray = x
            return scores
    raise nx.PowerIterationFailedConvergence(PAGERANK_MAX_ITER)


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
    order = np.argsort(dg.edge_child, kind="stable")  # each model's bases in id order, as NetworkX held them
    pointer = np.concatenate(([0], np.cumsum(np.bincount(dg.edge_child, minlength=n)))).tolist()
    bases = dg.edge_base[order].tolist()
    for done, source in enumerate(sources, start=1):
        _add_upward_dependencies(values, source, pointer, bases)
        if done % PROGRESS_EVERY == 0:
            progress.advance(PROGRESS_EVERY)
    # Brandes-Pich scaling as NetworkX does it: a node's own sample excludes itself as a source.
    in_sample = np.zeros(n, dtype=bool)
    in_sample[sources] = True
    per_node_sources = np.where(in_sample, k - 1, k).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = np.where(per_node_sources > 0, values / (per_node_sources * (n - 2)), 0.0)
    return Betweenness(scaled, k, n, seed)


def _add_upward_dependencies(values: np.ndarray, source: int, pointer: list[int], bases: list[int]) -> None:
    """Brandes' single-source step from ``source`` over the bases above it, added to ``values``: NetworkX's
    ``_single_source_shortest_path_basic`` and ``_accumulate_subset`` (every node reached is a target) in the same
    order of operations, so the sums equal ``betweenness_centrality_subset`` on the upward subgraph."""
    if pointer[source] == pointer[source + 1]:
        return
    stack: list[int] = []
    predecessors: dict[int, list[int]] = {source: []}
    sigma = {source: 1.0}
    distance = {source: 0}
    queue = deque([source])
    while queue:
        v = queue.popleft()
        stack.append(v)
        dv, sigma_v = distance[v], sigma[v]
        for w in bases[pointer[v] : pointer[v + 1]]:
            if w not in distance:
                queue.append(w)
                distance[w] = dv + 1
                sigma[w] = 0.0
                predecessors[w] = []
            if distance[w] == dv + 1:
                sigma[w] += sigma_v
                predecessors[w].append(v)
    if len(stack) < 3:  # a source and one base: no node lies between two others
        return
    delta = dict.fromkeys(stack, 0.0)
    while stack:
        w = stack.pop()
        coeff = (delta[w] + 1.0) / sigma[w] if w != source else delta[w] / sigma[w]
        for v in predecessors[w]:
            delta[v] += sigma[v] * coeff
        if w != source and delta[w]:
            values[w] += delta[w]


def direct_derivatives(dg: DerivationGraph) -> np.ndarray:
    """``counts[node, r]``: DERIVED_FROM edges into ``node`` with relation ``dg.relations[r]``."""
    counts = np.zeros((dg.node_count, len(dg.relations)), dtype=np.int64)
    np.add.at(counts, (dg.edge_base, dg.edge_relation), 1)
    return counts
