"""Descendant reach and downstream exposure.

- *Descendants* of a model: every model with a DERIVED_FROM path to it (through merges, each counted once; a
  model in a cycle is not its own descendant). *Reach* is their number; *download-weighted reach* the sum of
  their downloads (the model's own downloads excluded).
- *Exposure*: the distinct repositories and the distinct Spaces with a USES edge to the model or to any of its
  descendants.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

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


def _bases_with_derivatives(dg: DerivationGraph) -> list[int]:
    bases: list[int] = np.unique(dg.edge_base).tolist()
    return bases


def compute_reach(dg: DerivationGraph, downloads: np.ndarray, progress: Progress = NO_PROGRESS) -> Reach:
    """Reach of every node: one reverse breadth-first search (``nx.ancestors``) per model with derivatives."""
    count = np.zeros(dg.node_count, dtype=np.int64)
    weighted = np.zeros(dg.node_count, dtype=np.int64)
    bases = _bases_with_derivatives(dg)
    progress.phase("descendant reach", len(bases))
    for done, node in enumerate(bases, start=1):
        below = nx.ancestors(dg.graph, node)
        count[node] = len(below)
        weighted[node] = downloads[np.fromiter(below, dtype=np.int64, count=len(below))].sum()
        if done % PROGRESS_EVERY == 0:
            progress.advance(PROGRESS_EVERY)
    return Reach(count, weighted)


def compute_exposure(dg: DerivationGraph, usage: Usage, progress: Progress = NO_PROGRESS) -> Exposure:
    """Exposure of every model that is used or has a used descendant."""
    repos: dict[str, int] = {}
    spaces: dict[str, int] = {}

    def record(model_id: str, users: set[int]) -> None:
        if users:
            n_spaces = int(usage.is_space[np.fromiter(users, dtype=np.int64, count=len(users))].sum())
            if len(users) - n_spaces:
                repos[model_id] = len(users) - n_spaces
            if n_spaces:
                spaces[model_id] = n_spaces

    used_nodes = {dg.index[m] for m in usage.users if m in dg.index}
    exposed: set[int] = set(used_nodes)
    for node in used_nodes:
        exposed.update(nx.descendants(dg.graph, node))
    progress.phase("downstream exposure", len(exposed))
    for node in exposed:
        reached = set(usage.users.get(dg.ids[node], ()))
        for below in nx.ancestors(dg.graph, node) & used_nodes:
            reached.update(usage.users[dg.ids[below]])
        record(dg.ids[node], reached)
        progress.advance()
    for model_id, users in usage.users.items():
        if model_id not in dg.index:
            record(model_id, users)
    return Exposure(repos, spaces)
