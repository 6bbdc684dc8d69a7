"""Lineage depth: every model's generation, declared cycles, the depth distribution and the longest chains.

*Generation* is the number of DERIVED_FROM edges on the longest path from the model up to a root (a model with
no base has generation 0). Declared cycles are condensed first: the members of a strongly connected component
share one generation and the edges inside the cycle (and a model naming itself as base) are ignored, so the
answer always exists and matches ``graphsc lineage``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from graphsc.analytics.graph import DerivationGraph
from graphsc.analytics.progress import NO_PROGRESS, Progress


@dataclass(slots=True)
class Depth:
    """``generation[i]`` of node ``i``; ``cycles`` lists the node groups that lie on a declared cycle."""

    generation: np.ndarray
    cycles: list[list[int]]

    def cycle_members(self) -> dict[int, int]:
        """Node → index of its cycle in ``cycles``."""
        return {n: i for i, cycle in enumerate(self.cycles) for n in cycle}


def cycle_core(dg: DerivationGraph) -> np.ndarray:
    """Nodes that may lie on a cycle: what is left after repeatedly peeling nodes without a base or without a
    derivative (vectorised; one pass per generation). Empty for a DAG."""
    alive = np.ones(dg.node_count, dtype=bool)
    live_edges = np.ones(len(dg.edge_child), dtype=bool)
    while True:
        has_base = np.bincount(dg.edge_child[live_edges], minlength=dg.node_count) > 0
        has_child = np.bincount(dg.edge_base[live_edges], minlength=dg.node_count) > 0
        peel = alive & ~(has_base & has_child)
        if not peel.any():
            return np.flatnonzero(alive)
        alive &= ~peel
        live_edges &= alive[dg.edge_child] & alive[dg.edge_base]


def strong_components(dg: DerivationGraph, nodes: np.ndarray) -> list[list[int]]:
    """The strongly connected components of two or more nodes of the subgraph ``nodes`` induces (each sorted)."""
    if not len(nodes):
        return []
    inside = np.zeros(dg.node_count, dtype=bool)
    inside[nodes] = True
    keep = inside[dg.edge_child] & inside[dg.edge_base]
    local = np.full(dg.node_count, -1, dtype=np.int64)
    local[nodes] = np.arange(len(nodes))
    matrix = sparse.csr_array(
        (np.ones(int(keep.sum())), (local[dg.edge_child[keep]], local[dg.edge_base[keep]])),
        shape=(len(nodes), len(nodes)),
    )
    count, label = connected_components(matrix, directed=True, connection="strong")
    groups = np.bincount(label, minlength=count)
    order = np.argsort(label, kind="stable")
    split = np.split(np.asarray(nodes)[order], np.cumsum(groups)[:-1])
    return [sorted(g.tolist()) for g in split if len(g) > 1]


def compute_depth(dg: DerivationGraph, progress: Progress = NO_PROGRESS) -> Depth:
    """Generations of every node of ``dg``.

    Cycles: the strongly connected components (``scipy.sparse.csgraph``) of the cycle core (usually a few nodes, so the whole graph
    is never condensed). Generations: each cycle is contracted to one representative and the longest path from
    a root is found by relaxing every edge at once (``gen[child] = max(gen[base] + 1)``) until nothing changes,
    which takes one pass per generation on the contracted DAG."""
    progress.phase("finding declared cycles")
    core = cycle_core(dg)
    components = strong_components(dg, core)
    in_cycle = {n for c in components for n in c}
    cycles = sorted(components + [[n] for n in dg.self_loops if n not in in_cycle])
    representative = np.arange(dg.node_count)
    for component in components:
        representative[component] = component[0]
    child, base = representative[dg.edge_child], representative[dg.edge_base]
    keep = child != base
    child, base = child[keep], base[keep]
    progress.phase("layering generations")
    generation = np.zeros(dg.node_count, dtype=np.int32)
    for _ in range(dg.node_count + 1):
        relaxed = np.zeros_like(generation)
        np.maximum.at(relaxed, child, generation[base] + 1)
        if np.array_equal(relaxed, generation):
            break
        generation = relaxed
    return Depth(generation[representative], cycles)


def depth_distribution(depth: Depth) -> dict[int, int]:
    """How many models (with derivation edges) have each generation, by generation."""
    counts = np.bincount(depth.generation) if len(depth.generation) else np.zeros(0, dtype=np.int64)
    return {g: int(n) for g, n in enumerate(counts) if n}


def chain_to_root(dg: DerivationGraph, depth: Depth, node: int, members: dict[int, int] | None = None) -> list[int]:
    """One longest derivation path from a root down to ``node`` (root first).

    At each step the base with generation one less is taken (smallest model id on ties); inside a cycle the
    path moves to the member whose base continues it."""
    members = depth.cycle_members() if members is None else members
    gen = depth.generation
    chain = [node]
    current = node
    while gen[current] > 0:
        want = gen[current] - 1
        candidates = (
            [current] + [m for m in depth.cycles[members[current]] if m != current] if current in members else [current]
        )
        step = min(
            ((dg.ids[b], m, b) for m in candidates for b in dg.successors(m).tolist() if gen[b] == want),
            default=None,
        )
        if step is None:  # cannot happen in a consistent layering; stop rather than loop
            break
        _, via, base = step
        if via != current:
            chain.append(via)
        chain.append(base)
        current = base
    chain.reverse()
    return chain


def longest_chains(dg: DerivationGraph, depth: Depth, top: int = 5) -> list[list[str]]:
    """Chains (root first) ending at the ``top`` deepest models, deepest first, ties by model id."""
    if not dg.node_count or top <= 0:
        return []
    gen = depth.generation
    threshold = np.partition(gen, -min(top, len(gen)))[-min(top, len(gen))]
    picked = sorted(np.flatnonzero(gen >= threshold).tolist(), key=lambda i: (-int(gen[i]), dg.ids[i]))[:top]
    members = depth.cycle_members()
    return [[dg.ids[n] for n in chain_to_root(dg, depth, int(i), members)] for i in picked]


def generation_of(dg: DerivationGraph, depth: Depth) -> dict[str, int]:
    """Model id → generation, for every node of ``dg``."""
    return dict(zip(dg.ids, depth.generation.tolist()))
