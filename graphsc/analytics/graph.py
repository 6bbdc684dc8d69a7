"""The derivation graph read from a store into NetworkX, and the per-model data the metrics weigh it with.

Only models with at least one DERIVED_FROM edge become nodes (an isolated model has generation 0, no family
and nothing downstream). Nodes are integers ``0..n-1`` (``ids[i]`` is the model id), edges point
child → base, so importance flows from derivatives to their bases. Edges are also kept as numpy arrays, which
is how relation counts are taken without an attribute dict per edge. A model that names itself as its base is
a declared cycle: it is listed in ``self_loops`` and the edge is left out of every metric.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

from graphsc.analytics.progress import NO_PROGRESS, Progress
from graphsc.bulk import frozen_gc
from graphsc.records import RELATIONS, USER_SPACE
from graphsc.store.base import GraphStore

MODEL_BATCH = 50_000
SCAN_ABOVE = 20_000  # look up fewer models by id; scan every model's downloads for more


@dataclass(slots=True)
class DerivationGraph:
    """DERIVED_FROM edges as an integer-node ``nx.DiGraph`` (child → base) plus parallel edge arrays."""

    graph: nx.DiGraph
    ids: list[str]
    index: dict[str, int]
    edge_child: np.ndarray
    edge_base: np.ndarray
    edge_relation: np.ndarray
    relations: list[str]
    self_loops: list[int]

    @property
    def node_count(self) -> int:
        return len(self.ids)

    def relation_counts(self) -> dict[str, int]:
        """DERIVED_FROM edges by relation, most frequent first."""
        counts = np.bincount(self.edge_relation, minlength=len(self.relations)).tolist()
        return dict(sorted(((self.relations[i], n) for i, n in enumerate(counts) if n), key=lambda kv: (-kv[1], kv[0])))


@dataclass(slots=True)
class Usage:
    """Which repositories and Spaces use which models: ``users[model_id]`` holds integer user ids, and a user id
    ``u`` is a Space when ``is_space[u]``."""

    users: dict[str, set[int]]
    is_space: np.ndarray


def build_derivation_graph(store: GraphStore, progress: Progress = NO_PROGRESS) -> DerivationGraph:
    """Read every DERIVED_FROM edge from ``store`` into a ``DerivationGraph``."""
    total = store.counts().edges.get("DERIVED_FROM", 0)
    progress.phase("reading derivation edges", total)
    index: dict[str, int] = {}
    relation_code = {r: i for i, r in enumerate(RELATIONS)}
    relations = list(RELATIONS)
    children: list[int] = []
    bases: list[int] = []
    codes: list[int] = []
    self_loops: list[int] = []
    with frozen_gc():
        for batch in store.iter_derived_from():
            for edge in batch:
                child = index.setdefault(edge.child, len(index))
                base = index.setdefault(edge.base, len(index))
                if child == base:
                    self_loops.append(child)
                    continue
                children.append(child)
                bases.append(base)
                code = relation_code.get(edge.relation)
                if code is None:
                    code = relation_code[edge.relation] = len(relations)
                    relations.append(edge.relation)
                codes.append(code)
            progress.advance(len(batch))
        ids = list(index)
        progress.phase("building the NetworkX graph")
        graph = nx.DiGraph()
        graph.add_nodes_from(range(len(ids)))
        graph.add_edges_from(zip(children, bases))
    return DerivationGraph(
        graph=graph,
        ids=ids,
        index=index,
        edge_child=np.asarray(children, dtype=np.int64),
        edge_base=np.asarray(bases, dtype=np.int64),
        edge_relation=np.asarray(codes, dtype=np.int16),
        relations=relations,
        self_loops=sorted(self_loops),
    )


def downloads_of(store: GraphStore, ids: Sequence[str], progress: Progress = NO_PROGRESS) -> np.ndarray:
    """Downloads of each model in ``ids`` (0 when unknown or a stub), aligned with ``ids``."""
    result = np.zeros(len(ids), dtype=np.int64)
    if len(ids) > SCAN_ABOVE:
        position = {model_id: i for i, model_id in enumerate(ids)}
        progress.phase("reading model downloads")
        found: list[int] = []
        values: list[int] = []
        for batch in store.iter_model_fields(["downloads"]):
            for model_id, downloads in batch:
                if downloads and (i := position.get(model_id)) is not None:
                    found.append(i)
                    values.append(downloads)
            progress.advance(len(batch))
        result[found] = values
        return result
    progress.phase("reading model downloads", len(ids))
    for start in range(0, len(ids), MODEL_BATCH):
        chunk = ids[start : start + MODEL_BATCH]
        stored = store.models(chunk)
        for offset, model_id in enumerate(chunk):
            model = stored.get(model_id)
            if model is not None and model.downloads:
                result[start + offset] = model.downloads
        progress.advance(len(chunk))
    return result


def read_usage(store: GraphStore, progress: Progress = NO_PROGRESS) -> Usage:
    """Every USES edge, as integer user ids per model (a repo and a Space with the same name are distinct)."""
    progress.phase("reading USES edges", store.counts().edges.get("USES", 0))
    user_index: dict[tuple[str, str], int] = {}
    spaces: list[bool] = []
    users: dict[str, set[int]] = {}
    with frozen_gc():
        for batch in store.iter_uses():
            for use in batch:
                key = (use.user_kind, use.user)
                user = user_index.get(key)
                if user is None:
                    user = user_index[key] = len(spaces)
                    spaces.append(use.user_kind == USER_SPACE)
                users.setdefault(use.model, set()).add(user)
            progress.advance(len(batch))
    is_space = np.asarray(spaces, dtype=bool)
    return Usage(users=users, is_space=is_space)
