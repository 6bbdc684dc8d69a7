"""The lineage of one model: its ancestors up to every root and its descendants, read from any store.

Definitions (also in README):
- *generation*: the number of DERIVED_FROM edges on the longest path from the model up to a root (a root has
  generation 0). Edges inside a declared cycle are ignored, so a cycle never inflates it.
- *roots*: ancestors (or the model itself) with no base model; members of a cycle with no way out count too.
- *descendant depth*: the fewest DERIVED_FROM edges from the model down to the descendant.
- *descendants by relation*: each descendant counted once, by the relation of the edge through which it was
  first reached (breadth-first, then by base id).
- *training data*: the datasets the model and its ancestors were trained on (TRAINED_ON), with each dataset's own
  lineage up: the datasets it was made from (dataset DERIVED_FROM, card ``source_datasets``), recursively.

A dataset has a lineage too (``compute_dataset_lineage``): its sources up, the datasets made from it down, and the
models trained on it or on any dataset made from it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from graphsc.compact import CompactGraph
from graphsc.compact.graph import gather
from graphsc.errors import UnknownModelError
from graphsc.graph_algos import bfs_distances, cycles, longest_path_lengths
from graphsc.records import (
    REJECTED_KINDS,
    Dataset,
    DatasetDerivedFrom,
    DerivedFrom,
    IdNote,
    Model,
    TrainedOn,
    Uses,
)
from graphsc.store.base import Direction, GraphStore

LineageDirection = Literal["up", "down", "both"]
UNCONFIRMED_NOTE_KINDS = REJECTED_KINDS | {"unconfirmed"}


@dataclass(frozen=True, slots=True)
class TrainingData:
    """The datasets some models were trained on, and those datasets' lineage up to their first sources.

    ``trained_on``: the TRAINED_ON edges leaving the models, by ``(model, dataset)``; ``edges``: every dataset
    DERIVED_FROM edge reachable up from those datasets, by ``(child, base)``; ``datasets``: the stored records of
    every dataset named (a dataset named but not stored is absent: it reads as not fetched)."""

    trained_on: tuple[TrainedOn, ...] = ()
    edges: tuple[DatasetDerivedFrom, ...] = ()
    datasets: Mapping[str, Dataset] = field(default_factory=dict)

    @property
    def dataset_ids(self) -> list[str]:
        """Every dataset named: trained on, or a source of one (sorted)."""
        return sorted({t.dataset for t in self.trained_on} | {i for e in self.edges for i in (e.child, e.base)})

    def datasets_of(self, model_id: str) -> list[str]:
        """The datasets ``model_id`` was trained on, by id."""
        return [t.dataset for t in self.trained_on if t.model == model_id]

    def sources_of(self, dataset_id: str) -> list[str]:
        """The datasets ``dataset_id`` was made from, by id."""
        return [e.base for e in self.edges if e.child == dataset_id]


def read_training_data(store: GraphStore, model_ids: Iterable[str]) -> TrainingData:
    """The datasets ``model_ids`` were trained on and their lineage up, read from ``store``: only that."""
    trained = sorted(set(store.trained_on(model_ids)), key=lambda t: (t.model, t.dataset))
    edges: set[DatasetDerivedFrom] = set()
    expanded: set[str] = set()
    for dataset_id in sorted({t.dataset for t in trained}):
        if dataset_id in expanded:  # a source of a dataset already read: its lineage is in ``edges``
            continue
        found = store.dataset_lineage_edges(dataset_id, "up")
        edges.update(found)
        expanded.add(dataset_id)
        expanded.update(e.child for e in found)  # every child was reached, so its sources were read too
    ids = {t.dataset for t in trained} | {i for e in edges for i in (e.child, e.base)}
    return TrainingData(
        trained_on=tuple(trained),
        edges=tuple(sorted(edges, key=lambda e: (e.child, e.base))),
        datasets=store.datasets(ids) if ids else {},
    )


@dataclass(frozen=True, slots=True)
class Lineage:
    """A model's lineage; edges are trimmed to ``max_depth`` from the model when one is given."""

    model: Model
    direction: LineageDirection
    max_depth: int | None
    ancestor_edges: tuple[DerivedFrom, ...]
    descendant_edges: tuple[DerivedFrom, ...]
    models: Mapping[str, Model]
    generation: int | None
    roots: tuple[str, ...]
    ancestor_distance: Mapping[str, int]
    descendant_depth: Mapping[str, int]
    descendant_relation: Mapping[str, str]
    cycles: tuple[tuple[str, ...], ...]
    used_by: tuple[Uses, ...]
    notes: tuple[IdNote, ...] = ()
    training: TrainingData | None = None
    downloads: Mapping[str, int] | None = None  # every lineage model's downloads, when read from the compact graph

    def downloads_of(self, model_id: str) -> int:
        """A lineage model's downloads (0 when unknown or not stored), without reading its record when known."""
        if self.downloads is not None:
            return self.downloads.get(model_id, 0)
        model = self.models.get(model_id)
        return model.downloads or 0 if model is not None else 0

    @property
    def trained_models(self) -> list[str]:
        """The models whose training data the lineage shows: the model, then its ancestors (nearest first)."""
        ids = self.ancestor_distance or {self.model.id: 0}
        return sorted(ids, key=lambda m: (ids[m], m))

    @property
    def unconfirmed_bases(self) -> tuple[IdNote, ...]:
        """The model's card ``base_model`` values that are not lineage: unconfirmed by the Hub's tags, or not ids."""
        return tuple(n for n in self.notes if n.kind in UNCONFIRMED_NOTE_KINDS and n.field.startswith("base_model"))

    @property
    def descendants_by_relation(self) -> dict[str, int]:
        return dict(sorted(Counter(self.descendant_relation.values()).items()))

    @property
    def descendants_by_depth(self) -> dict[int, int]:
        return dict(sorted(Counter(d for m, d in self.descendant_depth.items() if m != self.model.id).items()))

    @property
    def descendant_count(self) -> int:
        return len(self.descendant_depth) - 1 if self.descendant_depth else 0

    def bases_of(self, model_id: str) -> list[DerivedFrom]:
        return [e for e in self.ancestor_edges if e.child == model_id]


def _adjacency(edges: Iterable[DerivedFrom | DatasetDerivedFrom], up: bool) -> dict[str, list[str]]:
    """Each node's neighbours along ``edges`` (model or dataset lineage): bases when ``up``, else derivatives."""
    succ: dict[str, list[str]] = defaultdict(list)
    for e in edges:
        if up:
            succ[e.child].append(e.base)
        else:
            succ[e.base].append(e.child)
    return succ


def _first_relations(model_id: str, edges: list[DerivedFrom], depth: Mapping[str, int]) -> dict[str, str]:
    relation: dict[str, str] = {}
    for e in sorted(edges, key=lambda e: (depth.get(e.base, 1 << 30), e.base, e.child)):
        if (
            e.child != model_id
            and e.child in depth
            and e.child not in relation
            and depth.get(e.base) == depth[e.child] - 1
        ):
            relation[e.child] = e.relation
    return relation


def _within(distance: Mapping[str, int], node: str, max_depth: int | None) -> bool:
    """True if edges leaving ``node`` stay within ``max_depth`` of the model."""
    return node in distance and (max_depth is None or distance[node] < max_depth)


class StoreModels(Mapping[str, Model]):
    """The stored records of a lineage's models, read from the store only when asked for (a tree of a 150,000-model
    family draws a few hundred): ``prefetch`` reads many in one query; ``ids`` are the models it covers."""

    def __init__(self, store: GraphStore, ids: set[str]) -> None:
        self.store = store
        self.ids = ids
        self._read: dict[str, Model | None] = {}

    def prefetch(self, ids: Iterable[str]) -> None:
        """Read the records of ``ids`` (those not read yet) in one go."""
        wanted = [i for i in ids if i in self.ids and i not in self._read]
        if wanted:
            found = self.store.models(wanted)
            self._read.update({i: found.get(i) for i in wanted})

    def __getitem__(self, model_id: str) -> Model:
        if model_id not in self._read:
            self.prefetch([model_id])
        found = self._read.get(model_id)
        if found is None:
            raise KeyError(model_id)
        return found

    def __iter__(self) -> Iterator[str]:
        self.prefetch(self.ids)
        return (i for i in self.ids if self._read.get(i) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _compact_lineage_edges(
    compact: CompactGraph, model_id: str, direction: Direction, downloads: dict[str, int]
) -> list[DerivedFrom] | None:
    """``GraphStore.lineage_edges`` answered from the compact graph (None when it does not hold the model); the
    downloads of every model on those edges are added to ``downloads``."""
    model = compact.model_index(model_id)
    if model is None:
        return None
    edges = compact.lineage_edges(model, direction)
    if not len(edges):
        return []
    children, bases = compact.derived_child[edges], compact.derived_base[edges]
    nodes = np.unique(np.concatenate((children, bases)))
    ids = compact.model_ids.take(nodes)
    id_of = dict(zip(nodes.tolist(), ids))
    downloads.update(zip(ids, compact.downloads[nodes].tolist()))
    relations, sources = compact.relations, compact.sources
    return [
        DerivedFrom(id_of[c], id_of[b], relations[r], sources[s])
        for c, b, r, s in zip(
            children.tolist(),
            bases.tolist(),
            compact.derived_relation[edges].tolist(),
            compact.derived_source[edges].tolist(),
        )
    ]


@dataclass(slots=True)
class _Descendants:
    """The down side of a lineage: edges (sorted by base, child), depths, first relations, and the compact graph's
    positions of those edges (for finding cycles)."""

    edges: list[DerivedFrom]
    depth: dict[str, int]
    relation: dict[str, str]
    positions: np.ndarray


def _compact_descendants(
    compact: CompactGraph, model: int, max_depth: int | None, downloads: dict[str, int]
) -> _Descendants:
    """``compute_lineage``'s down side with array operations: a breadth-first search one level per step (depths),
    the edges within ``max_depth``, and each descendant's first relation (by base depth, base id, child id)."""
    derivatives = compact.derived_child[compact.derived_by_base]
    depth = np.full(compact.model_count, -1, dtype=np.int64)
    depth[model] = 0
    frontier = np.array([model], dtype=np.int64)
    level = 0
    while len(frontier) and (max_depth is None or level < max_depth):
        found = derivatives[gather(compact.derived_base_ptr, frontier)]
        frontier = np.unique(found[depth[found] < 0])
        level += 1
        depth[frontier] = level
    reached = np.flatnonzero(depth >= 0)
    expandable = reached if max_depth is None else reached[depth[reached] < max_depth]
    positions = compact.derived_by_base[gather(compact.derived_base_ptr, np.sort(expandable))]
    positions = positions[depth[compact.derived_child[positions]] >= 0]  # sorted by (base, child) already
    children, bases = compact.derived_child[positions], compact.derived_base[positions]
    ids = compact.model_ids.take(reached)
    id_of = dict(zip(reached.tolist(), ids))
    downloads.update(zip(ids, compact.downloads[reached].tolist()))
    relations, sources = compact.relations, compact.sources
    edge_relations = compact.derived_relation[positions]
    edges = [
        DerivedFrom(id_of[c], id_of[b], relations[r], sources[s])
        for c, b, r, s in zip(
            children.tolist(), bases.tolist(), edge_relations.tolist(), compact.derived_source[positions].tolist()
        )
    ]
    first = (children != model) & (depth[bases] == depth[children] - 1)
    order = np.lexsort((children[first], bases[first], depth[bases[first]]))
    firsts, at = np.unique(children[first][order], return_index=True)
    chosen = edge_relations[first][order][at]
    return _Descendants(
        edges=edges,
        depth=dict(zip(ids, depth[reached].tolist())),
        relation={id_of[c]: relations[r] for c, r in zip(firsts.tolist(), chosen.tolist())},
        positions=positions,
    )


def _cycles_of(edges: Iterable[DerivedFrom]) -> list[tuple[str, ...]]:
    """The declared cycles among ``edges`` (strongly connected components of two or more models, and models naming
    themselves), each sorted, in sorted order (so the same lineage always lists them alike).

    A large lineage is first peeled with array operations — a model without a base or without a derivative among the
    edges lies on no cycle — so Tarjan's search runs on what is left (nothing, for a family without cycles)."""
    pairs = {(e.child, e.base) for e in edges}
    if len(pairs) >= 2_000:
        index: dict[str, int] = {}
        child = np.array([index.setdefault(c, len(index)) for c, _ in pairs], dtype=np.int64)
        base = np.array([index.setdefault(b, len(index)) for _, b in pairs], dtype=np.int64)
        alive = np.ones(len(index), dtype=bool)
        live = np.ones(len(child), dtype=bool)
        while True:
            has_base = np.bincount(child[live], minlength=len(index)) > 0
            has_child = np.bincount(base[live], minlength=len(index)) > 0
            peel = alive & ~(has_base & has_child)
            if not peel.any():
                break
            alive &= ~peel
            live &= alive[child] & alive[base]
        names = list(index)
        pairs = {(names[c], names[b]) for c, b in zip(child[live].tolist(), base[live].tolist())}
    succ = _adjacency((DerivedFrom(c, b, "", "") for c, b in pairs), up=True)
    return sorted(tuple(c) for c in cycles(list(succ), succ))


def _lineage_edges(
    store: GraphStore, compact: CompactGraph | None, model_id: str, direction: Direction, downloads: dict[str, int]
) -> tuple[list[DerivedFrom], bool]:
    """The edges, and whether they came from the compact graph (with their models' ``downloads``)."""
    if compact is not None and (edges := _compact_lineage_edges(compact, model_id, direction, downloads)) is not None:
        return edges, True
    return store.lineage_edges(model_id, direction), False


def compute_lineage(
    store: GraphStore,
    model_id: str,
    direction: LineageDirection = "both",
    max_depth: int | None = None,
    datasets: bool = False,
    compact: CompactGraph | None = None,
    lazy_models: bool = False,
) -> Lineage:
    """Read and assemble the lineage of ``model_id`` (any spelling ``GraphStore.find_model_id`` resolves: casing,
    URL, legacy id, a renamed repo's old id); raises ``UnknownModelError`` (with close matches). With
    ``datasets``, also the training data of the model and its ancestors (``Lineage.training``).

    ``compact``: the store's compact graph, when one is at hand: the edges are read from it (the same edges; their
    ``fetched_at`` is left out) instead of walked in the store. ``lazy_models``: ``Lineage.models`` reads a record
    only when asked for (``StoreModels``), for views that show a few models of a large lineage."""
    resolved = store.find_model_id(model_id)
    if resolved is None:
        raise UnknownModelError(model_id, store.similar_model_ids(model_id))
    model_id = resolved
    found = store.models([model_id])
    downloads = {model_id: found[model_id].downloads or 0}
    up_edges, up_compact = (
        _lineage_edges(store, compact, model_id, "up", downloads) if direction != "down" else ([], True)
    )
    start = compact.model_index(model_id) if compact is not None else None
    fast_down = (
        _compact_descendants(compact, start, max_depth, downloads)
        if compact is not None and start is not None and direction != "up"
        else None
    )
    down_edges, down_compact = (
        ([], True)
        if direction == "up" or fast_down is not None
        else _lineage_edges(store, compact, model_id, "down", downloads)
    )

    up = _adjacency(up_edges, up=True)
    generation: int | None = None
    roots: tuple[str, ...] = ()
    ancestor_distance: dict[str, int] = {}
    if direction != "down":
        lengths = longest_path_lengths([*list(up), model_id], up)
        generation = lengths[model_id]
        reachable = bfs_distances(model_id, up)
        roots = tuple(sorted(n for n in reachable if lengths.get(n, 0) == 0))
        ancestor_distance = bfs_distances(model_id, up, max_depth)
        up_edges = [e for e in up_edges if _within(ancestor_distance, e.child, max_depth)]
    descendant_depth: dict[str, int] = {}
    descendant_relation: dict[str, str] = {}
    if fast_down is not None:
        down_edges, descendant_depth, descendant_relation = fast_down.edges, fast_down.depth, fast_down.relation
    elif direction != "up":
        descendant_depth = bfs_distances(model_id, _adjacency(down_edges, up=False), max_depth)
        down_edges = sorted(
            (e for e in down_edges if _within(descendant_depth, e.base, max_depth) and e.child in descendant_depth),
            key=lambda e: (e.base, e.child),
        )
        descendant_relation = _first_relations(model_id, down_edges, descendant_depth)

    all_edges = up_edges + down_edges
    ids = {model_id} | {e.child for e in all_edges} | {e.base for e in all_edges}
    trained_models = ancestor_distance or {model_id: 0}
    return Lineage(
        model=found[model_id],
        direction=direction,
        max_depth=max_depth,
        ancestor_edges=tuple(sorted(up_edges, key=lambda e: (e.child, e.base))),
        descendant_edges=tuple(down_edges),
        models=StoreModels(store, ids) if lazy_models else store.models(ids),
        generation=generation,
        roots=roots,
        ancestor_distance=ancestor_distance,
        descendant_depth=descendant_depth,
        descendant_relation=descendant_relation,
        cycles=tuple(_cycles_of(all_edges)),
        used_by=tuple(sorted(store.uses_of([model_id]), key=lambda u: (u.user_kind, u.user))),
        notes=tuple(sorted(store.notes_of([model_id]), key=lambda n: (n.kind, n.field, n.value))),
        training=read_training_data(store, trained_models) if datasets else None,
        downloads=downloads if compact is not None and up_compact and down_compact else None,
    )


@dataclass(frozen=True, slots=True)
class DatasetLineage:
    """A dataset's lineage: ``source_edges`` up to its first sources, ``derived_edges`` down to every dataset made
    from it (each trimmed to ``max_depth`` from the dataset), and, going down, ``trained_on``: the TRAINED_ON
    edges reaching the dataset or a dataset made from it (the models trained on them, in ``models``)."""

    dataset: Dataset
    direction: LineageDirection
    max_depth: int | None
    source_edges: tuple[DatasetDerivedFrom, ...]
    derived_edges: tuple[DatasetDerivedFrom, ...]
    source_distance: Mapping[str, int]
    derived_depth: Mapping[str, int]
    trained_on: tuple[TrainedOn, ...]
    datasets: Mapping[str, Dataset]
    models: Mapping[str, Model]
    cycles: tuple[tuple[str, ...], ...]

    @property
    def source_count(self) -> int:
        return max(len(self.source_distance) - 1, 0)

    @property
    def derived_count(self) -> int:
        return max(len(self.derived_depth) - 1, 0)

    @property
    def trained_models(self) -> list[str]:
        return sorted({t.model for t in self.trained_on})


def compute_dataset_lineage(
    store: GraphStore,
    dataset_id: str,
    direction: LineageDirection = "both",
    max_depth: int | None = None,
) -> DatasetLineage:
    """Read and assemble the lineage of the stored dataset ``dataset_id`` (an id ``find_dataset_id`` returned)."""
    up_edges = store.dataset_lineage_edges(dataset_id, "up") if direction != "down" else []
    down_edges = store.dataset_lineage_edges(dataset_id, "down") if direction != "up" else []
    up, down = _adjacency(up_edges, up=True), _adjacency(down_edges, up=False)
    source_distance: dict[str, int] = {}
    derived_depth: dict[str, int] = {}
    if direction != "down":
        source_distance = bfs_distances(dataset_id, up, max_depth)
        up_edges = [e for e in up_edges if _within(source_distance, e.child, max_depth)]
    trained: list[TrainedOn] = []
    if direction != "up":
        derived_depth = bfs_distances(dataset_id, down, max_depth)
        down_edges = [e for e in down_edges if _within(derived_depth, e.base, max_depth) and e.child in derived_depth]
        trained = sorted(set(store.trained_on_datasets(derived_depth)), key=lambda t: (t.dataset, t.model))
    all_edges = [*up_edges, *down_edges]
    found_cycles = cycles({*up, *down}, _adjacency(set(all_edges), up=True))
    ids = {dataset_id} | {e.child for e in all_edges} | {e.base for e in all_edges}
    datasets = store.datasets(ids)
    return DatasetLineage(
        dataset=datasets.get(dataset_id, Dataset(dataset_id, fetched=False)),
        direction=direction,
        max_depth=max_depth,
        source_edges=tuple(sorted(up_edges, key=lambda e: (e.child, e.base))),
        derived_edges=tuple(sorted(down_edges, key=lambda e: (e.base, e.child))),
        source_distance=source_distance,
        derived_depth=derived_depth,
        trained_on=tuple(trained),
        datasets=datasets,
        models=store.models({t.model for t in trained}) if trained else {},
        cycles=tuple(tuple(c) for c in found_cycles),
    )
