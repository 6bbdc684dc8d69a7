"""Lineage depth: every model's generation, declared cycles, the depth distribution and the longest chains.

*Generation* is the number of DERIVED_FROM edges on the longest path from the model up to a root (a model with
no base has generation 0). Declared cycles are condensed first: the members of a strongly connected component
(and a model that names itself as base) share one generation and the edges inside the cycle are ignored, so
the answer always exists and matches ``graphsc lineage``.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

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


def compute_depth(dg: DerivationGraph, progress: Progress = NO_PROGRESS) -> Depth:
    """Generations of every node of ``dg`` by topological layering of its condensation (roots are layer 0)."""
    graph = dg.graph
    generation = np.zeros(dg.node_count, dtype=np.int32)
    progress.phase("finding declared cycles")
    self_loops = sorted(nx.nodes_with_selfloops(graph))
    if not self_loops and nx.is_directed_acyclic_graph(graph):
        cycles: list[list[int]] = []
        progress.phase("layering generations")
        for layer, nodes in enumerate(nx.topological_generations(graph.reverse(copy=False))):
            generation[nodes] = layer
        return Depth(generation, cycles)
    components = list(nx.strongly_connected_components(graph))
    in_big = {n for c in components if len(c) > 1 for n in c}
    cycles = [sorted(c) for c in components if len(c) > 1] + [[n] for n in self_loops if n not in in_big]
    progress.phase("condensing cycles")
    condensed = nx.condensation(graph, scc=components)
    del components
    mapping: dict[int, int] = condensed.graph["mapping"]
    component_generation = np.zeros(condensed.number_of_nodes(), dtype=np.int32)
    progress.phase("layering generations")
    for layer, nodes in enumerate(nx.topological_generations(condensed.reverse(copy=False))):
        component_generation[nodes] = layer
    node_component = np.fromiter((mapping[i] for i in range(dg.node_count)), dtype=np.int64, count=dg.node_count)
    generation[:] = component_generation[node_component]
    return Depth(generation, sorted(cycles))


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
        candidates = [current] + [m for m in depth.cycles[members[current]] if m != current] if current in members else [current]
        step = min(
            ((dg.ids[b], m, b) for m in candidates for b in dg.graph.successors(m) if gen[b] == want),
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

