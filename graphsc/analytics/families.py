"""Families: the weakly connected components of the DERIVED_FROM edges (``scipy.sparse.csgraph``; the tests hold
them to ``nx.weakly_connected_components``).

A family's *roots* are its members of generation 0 (no base, or a cycle with no way out); it is *named* after
its most downloaded root (ties: smallest id). Its *size* counts models, its *depth* is the largest generation
in it. Families are numbered by size, largest first (ties by name).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy.sparse.csgraph import connected_components

from graphsc.analytics.depth import Depth
from graphsc.analytics.graph import DerivationGraph
from graphsc.analytics.progress import NO_PROGRESS, Progress


@dataclass(frozen=True, slots=True)
class FamilySummary:
    """One family as reports show it; ``by_generation`` counts members per generation."""

    rank: int
    name: str
    size: int
    edges: int
    depth: int
    roots: list[str]
    relations: dict[str, int]
    by_generation: dict[int, int]


@dataclass(slots=True)
class Families:
    """Every family of a ``DerivationGraph``: ``label[node]`` is the node's family number."""

    label: np.ndarray
    names: list[str]
    sizes: np.ndarray
    depths: np.ndarray
    edge_counts: np.ndarray
    roots: list[list[int]]

    def __len__(self) -> int:
        return len(self.names)

    def summary(self, dg: DerivationGraph, depth: Depth, family: int) -> FamilySummary:
        """The full description of family number ``family``."""
        members = np.flatnonzero(self.label == family)
        edge_mask = self.label[dg.edge_child] == family
        relation_counts = np.bincount(dg.edge_relation[edge_mask], minlength=len(dg.relations)).tolist()
        generations = np.bincount(depth.generation[members]).tolist()
        return FamilySummary(
            rank=family + 1,
            name=self.names[family],
            size=int(self.sizes[family]),
            edges=int(self.edge_counts[family]),
            depth=int(self.depths[family]),
            roots=[dg.ids[r] for r in self.roots[family]],
            relations={dg.relations[i]: n for i, n in enumerate(relation_counts) if n},
            by_generation={g: n for g, n in enumerate(generations) if n},
        )

    def top(self, dg: DerivationGraph, depth: Depth, n: int) -> list[FamilySummary]:
        """The ``n`` largest families."""
        return [self.summary(dg, depth, f) for f in range(min(n, len(self)))]


def root_nodes(depth: Depth) -> list[int]:
    """Nodes of generation 0."""
    return np.flatnonzero(depth.generation == 0).tolist()


def compute_families(
    dg: DerivationGraph, depth: Depth, root_downloads: Mapping[int, int], progress: Progress = NO_PROGRESS
) -> Families:
    """Partition ``dg`` into families; ``root_downloads`` (root node → downloads) decides each family's name."""
    progress.phase("finding families (weakly connected components)")
    n = dg.node_count
    count, components = connected_components(dg.csr(), directed=True, connection="weak") if n else (0, np.zeros(0))
    label: np.ndarray = np.asarray(components, dtype=np.int64)
    sizes = np.bincount(label, minlength=count)
    roots_of: list[list[int]] = [[] for _ in range(count)]
    for root in root_nodes(depth):
        roots_of[label[root]].append(root)
    for roots in roots_of:
        roots.sort(key=lambda r: (-root_downloads.get(r, 0), dg.ids[r]))
    names = [dg.ids[roots[0]] for roots in roots_of]
    order = sorted(range(count), key=lambda f: (-int(sizes[f]), names[f]))
    rank = np.empty(count, dtype=np.int64)
    rank[order] = np.arange(count)
    label = rank[label] if n else label
    depths = np.zeros(count, dtype=np.int64)
    np.maximum.at(depths, label, depth.generation)
    return Families(
        label=label,
        names=[names[f] for f in order],
        sizes=sizes[order],
        depths=depths,
        edge_counts=np.bincount(label[dg.edge_child], minlength=count),
        roots=[roots_of[f] for f in order],
    )
