"""Descendant reach and downstream exposure.

- *Descendants* of a model: every model with a DERIVED_FROM path to it (through merges, each counted once; a
  model in a cycle is not its own descendant). *Reach* is their number; *download-weighted reach* the sum of
  their downloads (the model's own downloads excluded).
- *Exposure*: the distinct repositories and the distinct Spaces with a USES edge to the model or to any of its
  descendants.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphsc.analytics.depth import cycle_core
from graphsc.analytics.graph import DerivationGraph, Usage
from graphsc.analytics.progress import NO_PROGRESS, Progress

PROGRESS_EVERY = 10_000


@dataclass(slots=True)
class Reach:
    """Per node of the derivation graph: descendant count and their summed downloads."""

    descendants: np.ndarray
    descendant_downloads: np.ndarray


@dataclass(slots=True)
class Exposure:
    """Repositories and Spaces reached, for every model with a nonzero exposure (graph nodes and isolated)."""

    repos: dict[str, int]
    spaces: dict[str, int]

    def of(self, model_id: str) -> tuple[int, int]:
        return self.repos.get(model_id, 0), self.spaces.get(model_id, 0)


def _upward_closure(dg: DerivationGraph, seeds: np.ndarray) -> np.ndarray:
    """``seeds`` (a node mask) and every base reachable from one of them."""
    marked = seeds.copy()
    while True:
        grown = marked.copy()
        grown[dg.edge_base[marked[dg.edge_child]]] = True
        if np.array_equal(grown, marked):
            return marked
        marked = grown


def _needs_search(dg: DerivationGraph) -> np.ndarray:
    """Nodes whose descendants cannot be counted by summing their derivatives' counts: the strict bases (upward
    closure) of every merge, and every node on or above a declared cycle. Below any other node every
    descendant has exactly one path up to it, so its derivatives' descendant sets are disjoint."""
    n = dg.node_count
    base_count = np.bincount(dg.edge_child, minlength=n)
    seeds = np.zeros(n, dtype=bool)
    seeds[dg.edge_base[base_count[dg.edge_child] >= 2]] = True
    seeds[cycle_core(dg)] = True
    return _upward_closure(dg, seeds)


def compute_reach(dg: DerivationGraph, downloads: np.ndarray, progress: Progress = NO_PROGRESS) -> Reach:
    """Reach of every node, exact: summed up the tree-shaped part (vectorised, one pass per generation), and a
    breadth-first search from each node above a merge or a cycle that stops at the tree-shaped part (whose counts
    are already known and cannot overlap: see ``_needs_search``)."""
    n = dg.node_count
    count = np.zeros(n, dtype=np.int64)
    weighted = np.zeros(n, dtype=np.int64)
    search = _needs_search(dg)
    tree_edges = ~search[dg.edge_base]
    child, base = dg.edge_child[tree_edges], dg.edge_base[tree_edges]
    progress.phase("descendant reach")
    for _ in range(n + 1):
        summed = np.bincount(base, weights=1 + count[child], minlength=n).astype(np.int64)
        summed_downloads = np.bincount(base, weights=downloads[child] + weighted[child], minlength=n).astype(np.int64)
        if np.array_equal(summed, count) and np.array_equal(summed_downloads, weighted):
            break
        count, weighted = summed, summed_downloads
    reverse = dg.csr(reverse=True)
    pointer, targets = reverse.indptr.tolist(), reverse.indices.tolist()
    in_tree = (~search).tolist()
    tree_count, tree_weighted, node_downloads = count.tolist(), weighted.tolist(), downloads.tolist()
    for node in np.flatnonzero(search).tolist():
        seen = {node}
        stack = [node]
        found = found_downloads = 0
        while stack:
            current = stack.pop()
            for below in targets[pointer[current] : pointer[current + 1]]:
                if below in seen:
                    continue
                seen.add(below)
                found += 1
                found_downloads += node_downloads[below]
                if in_tree[below]:
                    found += tree_count[below]
                    found_downloads += tree_weighted[below]
                else:
                    stack.append(below)
        count[node], weighted[node] = found, found_downloads  # ``node`` starts seen: never its own descendant
    return Reach(count, weighted)


def compute_exposure(dg: DerivationGraph, usage: Usage, progress: Progress = NO_PROGRESS) -> Exposure:
    """Exposure of every model that is used or has a used descendant: for each such node of ``dg`` a search down
    through the nodes that lead to a use (nothing below any other node is used), then the distinct users of what it
    found; a model outside ``dg`` (no DERIVED_FROM edge) is exposed to its own users only."""
    repos: dict[str, int] = {}
    spaces: dict[str, int] = {}
    ids = dg.compact.model_ids

    def record(model_id: str, users: np.ndarray) -> None:
        n_spaces = int(usage.is_space[users].sum())
        if len(users) - n_spaces:
            repos[model_id] = len(users) - n_spaces
        if n_spaces:
            spaces[model_id] = n_spaces

    used_models = np.flatnonzero(np.diff(usage.pointer))
    in_graph = np.zeros(len(usage.pointer) - 1, dtype=bool)
    in_graph[dg.model_of] = True
    for model in used_models[~in_graph[used_models]].tolist():
        record(ids[model], usage.users[usage.pointer[model] : usage.pointer[model + 1]])
    used = np.diff(usage.pointer)[dg.model_of] > 0
    exposed = _upward_closure(dg, used)
    reverse = dg.csr(reverse=True)
    pointer, targets = reverse.indptr.tolist(), reverse.indices.tolist()
    leads_to_use = exposed.tolist()
    nodes = np.flatnonzero(exposed).tolist()
    progress.phase("downstream exposure", len(nodes))
    for node in nodes:
        seen = {node}
        stack = [node]
        while stack:
            current = stack.pop()
            for below in targets[pointer[current] : pointer[current + 1]]:
                if leads_to_use[below] and below not in seen:
                    seen.add(below)
                    stack.append(below)
        if len(seen) == 1:  # nothing used below: its own users, distinct already
            model = int(dg.model_of[node])
            record(dg.ids[node], usage.users[usage.pointer[model] : usage.pointer[model + 1]])
        else:
            found = np.fromiter(seen, dtype=np.int64, count=len(seen))
            record(dg.ids[node], np.unique(usage.users_of(dg.model_of[found[used[found]]])))
        progress.advance()
    return Exposure(repos, spaces)
