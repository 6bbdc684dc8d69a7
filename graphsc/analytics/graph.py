"""The derivation graph of a store's compact graph (``graphsc.compact``), and the usage the metrics weigh it with.

Only models with at least one DERIVED_FROM edge become nodes (an isolated model has generation 0, no family
and nothing downstream). Nodes are integers ``0..n-1`` (``ids[i]`` is the model id), numbered as the edges sorted
by (child, base) first name them, so a metric's tie-breaks and betweenness's sample are the same on either store.
Edges point child → base, so importance flows from derivatives to their bases, and are numpy arrays (and CSR
matrices for scipy); the ``nx.DiGraph`` is made only when asked for. A model that names itself as its base is a
declared cycle: it is listed in ``self_loops`` and the edge is left out of every metric.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import networkx as nx
import numpy as np
from scipy import sparse

from graphsc.analytics.progress import NO_PROGRESS, Progress
from graphsc.compact import CompactGraph
from graphsc.compact.graph import csr_pointer, gather
from graphsc.records import RELATIONS


class DerivationGraph:
    """DERIVED_FROM edges as integer nodes (child → base) with parallel edge arrays, over a ``CompactGraph``.

    ``model_of[node]`` is the node's model in the compact graph; ``ids`` its id. ``graph`` (an ``nx.DiGraph``)
    and ``index`` (id → node) are made on first use only: the metrics run on the arrays."""

    def __init__(self, compact: CompactGraph, model_of: np.ndarray, self_loops: list[int]) -> None:
        self.compact = compact
        self.model_of = model_of
        self.self_loops = self_loops
        local = np.full(compact.model_count, -1, dtype=np.int64)
        local[model_of] = np.arange(len(model_of))
        keep = compact.derived_child != compact.derived_base
        self.edge_child = local[compact.derived_child[keep]]
        self.edge_base = local[compact.derived_base[keep]]
        known = list(RELATIONS)
        known += [r for r in compact.relations if r not in known]
        recode = np.array([known.index(r) for r in compact.relations] or [0], dtype=np.int16)
        self.edge_relation = recode[compact.derived_relation[keep]]
        self.relations = known
        self.ids: list[str] = compact.model_ids.take(model_of) if len(model_of) else []

    @property
    def node_count(self) -> int:
        return len(self.ids)

    @cached_property
    def index(self) -> dict[str, int]:
        """Model id → node."""
        return {model_id: i for i, model_id in enumerate(self.ids)}

    @cached_property
    def graph(self) -> nx.DiGraph:
        """The same graph as an ``nx.DiGraph`` on nodes ``0..n-1`` (self-loops left out), for NetworkX's own
        algorithms and for users: ``Analysis(store).graph.graph``."""
        graph = nx.DiGraph()
        graph.add_nodes_from(range(self.node_count))
        graph.add_edges_from(zip(self.edge_child.tolist(), self.edge_base.tolist()))
        return graph

    def to_networkx(self) -> nx.DiGraph:
        """The derivation graph for NetworkX's own algorithms: nodes are model ids (attribute ``downloads``),
        edges child → base with attribute ``relation``; self-loops (declared one-model cycles) included. Build cost
        is NetworkX's (about 2 s per million edges); graphsc's metrics never need it."""
        graph = nx.DiGraph()
        downloads = self.compact.downloads[self.model_of].tolist()
        graph.add_nodes_from((model_id, {"downloads": d}) for model_id, d in zip(self.ids, downloads))
        compact = self.compact
        ids = compact.model_ids.all()
        graph.add_edges_from(
            (ids[c], ids[b], {"relation": compact.relations[r]})
            for c, b, r in zip(
                compact.derived_child.tolist(), compact.derived_base.tolist(), compact.derived_relation.tolist()
            )
        )
        return graph

    def csr(self, reverse: bool = False) -> sparse.csr_array:
        """The adjacency matrix (n × n, 1 per edge child → base; ``reverse``: base → child) in CSR form."""
        rows, cols = (self.edge_base, self.edge_child) if reverse else (self.edge_child, self.edge_base)
        data = np.ones(len(rows), dtype=np.float64)
        return sparse.csr_array((data, (rows, cols)), shape=(self.node_count, self.node_count))

    @cached_property
    def _bases(self) -> sparse.csr_array:
        return self.csr()

    def successors(self, node: int) -> np.ndarray:
        """The bases of ``node`` (its DERIVED_FROM targets), ascending."""
        matrix = self._bases
        bases: np.ndarray = matrix.indices[matrix.indptr[node] : matrix.indptr[node + 1]]
        return bases

    def relation_counts(self) -> dict[str, int]:
        """DERIVED_FROM edges by relation, most frequent first."""
        counts = np.bincount(self.edge_relation, minlength=len(self.relations)).tolist()
        return dict(sorted(((self.relations[i], n) for i, n in enumerate(counts) if n), key=lambda kv: (-kv[1], kv[0])))


@dataclass(slots=True)
class Usage:
    """Which repositories and Spaces use which models, by compact-graph model: the users of model ``m`` are
    ``users[pointer[m]:pointer[m + 1]]`` (integer user ids, ascending), and user ``u`` is a Space when
    ``is_space[u]`` (a repo and a Space with the same name are distinct users)."""

    pointer: np.ndarray
    users: np.ndarray
    is_space: np.ndarray

    def users_of(self, models: np.ndarray) -> np.ndarray:
        """The users of every model in ``models`` (with repeats), gathered in one step."""
        users: np.ndarray = self.users[gather(self.pointer, models)]
        return users


def derivation_graph(compact: CompactGraph, progress: Progress = NO_PROGRESS) -> DerivationGraph:
    """The models with at least one DERIVED_FROM edge of ``compact``, numbered in order of first appearance in the
    edge list sorted by (child, base) — each edge's child, then its base."""
    progress.phase("derivation graph from the compact graph")
    child, base = compact.derived_child, compact.derived_base
    interleaved = np.empty(2 * len(child), dtype=np.int64)
    interleaved[0::2], interleaved[1::2] = child, base
    models, first = np.unique(interleaved, return_index=True)
    model_of = models[np.argsort(first, kind="stable")]
    local = np.full(compact.model_count, -1, dtype=np.int64)
    local[model_of] = np.arange(len(model_of))
    loops = child == base
    return DerivationGraph(compact, model_of, sorted(local[child[loops]].tolist()))


def read_usage(compact: CompactGraph, progress: Progress = NO_PROGRESS) -> Usage:
    """Every USES edge of ``compact`` as a ``Usage``."""
    progress.phase("USES edges from the compact graph")
    return Usage(
        pointer=csr_pointer(compact.uses_model, compact.model_count),
        users=np.asarray(compact.uses_user),
        is_space=np.asarray(compact.user_is_space, dtype=bool),
    )
