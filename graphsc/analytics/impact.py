"""The blast radius of one model, or of one dataset: what is downstream of it.

Built on ``graphsc.lineage`` (the descendants walk, depths and relations are defined there), plus the
repositories and Spaces that use the model or any descendant, and the licenses declared in the subtree. This is
the interactive path: it reads only the subtree, never the whole graph.

A dataset's blast radius (``compute_dataset_impact``): the datasets made from it (dataset DERIVED_FROM, down),
the models trained on it or on any of those (TRAINED_ON), and then what is downstream of those models, as for a
model: ``Downstream`` is the one account of "descendants and users" both reports share.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from graphsc.compact import CompactGraph
from graphsc.lineage import DatasetLineage, Lineage, compute_dataset_lineage, compute_lineage
from graphsc.records import NO_LICENSE, NOT_FETCHED, USER_REPO, USER_SPACE, Dataset, DerivedFrom, Model, Uses
from graphsc.store.base import GraphStore


def _by_count(counts: Counter[str]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def license_counts(records: Iterable[Model | Dataset | None]) -> dict[str, int]:
    """Declared license → how many of ``records`` declare it, most first; ``NO_LICENSE`` for a fetched record
    declaring none, ``NOT_FETCHED`` for a stub (or a record not stored, ``None``), as the lineage tree labels it."""
    counts: Counter[str] = Counter()
    for record in records:
        if record is None or not record.fetched:
            counts[NOT_FETCHED] += 1
        else:
            counts[record.license or NO_LICENSE] += 1
    return _by_count(counts)


@dataclass(frozen=True, slots=True)
class Downstream:
    """What lies below some starting models: every model reached going down DERIVED_FROM edges (``depth``: the
    fewest edges from the nearest start; the starts are 0), the relation of the edge each descendant was first
    reached by, the models' records, and every USES edge into any of them (by kind, user, model)."""

    depth: Mapping[str, int]
    relation: Mapping[str, str]
    models: Mapping[str, Model]
    users: tuple[Uses, ...]

    @property
    def descendant_count(self) -> int:
        return sum(1 for d in self.depth.values() if d > 0)

    @property
    def descendants_by_depth(self) -> dict[int, int]:
        return dict(sorted(Counter(d for d in self.depth.values() if d > 0).items()))

    @property
    def descendants_by_relation(self) -> dict[str, int]:
        return dict(sorted(Counter(self.relation.values()).items()))

    @property
    def descendant_downloads(self) -> int:
        return sum((self.models[m].downloads or 0) for m, d in self.depth.items() if d > 0 and m in self.models)

    @property
    def repos(self) -> list[str]:
        return sorted({u.user for u in self.users if u.user_kind == USER_REPO})

    @property
    def spaces(self) -> list[str]:
        return sorted({u.user for u in self.users if u.user_kind == USER_SPACE})

    @property
    def licenses(self) -> dict[str, int]:
        """Declared license → number of models reached (the starts included), most first."""
        return license_counts(self.models.get(m) for m in self.depth)

    def users_by_model(self) -> dict[str, int]:
        """Model → how many repos and Spaces use it directly, most used first."""
        return _by_count(Counter(u.model for u in self.users))


def _sorted_users(users: Iterable[Uses]) -> tuple[Uses, ...]:
    return tuple(sorted(set(users), key=lambda u: (u.user_kind, u.user, u.model)))


def _first_relations(edges: Iterable[DerivedFrom], depth: Mapping[str, int]) -> dict[str, str]:
    """Each descendant (depth > 0) by the relation of the edge that first reached it (by base depth, then base
    id), as ``graphsc.lineage`` counts a model's descendants."""
    relation: dict[str, str] = {}
    for e in sorted(edges, key=lambda e: (depth.get(e.base, 1 << 30), e.base, e.child)):
        child_depth = depth.get(e.child, 0)
        if child_depth > 0 and e.child not in relation and depth.get(e.base) == child_depth - 1:
            relation[e.child] = e.relation
    return relation


def downstream_of(store: GraphStore, starts: Iterable[str]) -> Downstream:
    """The ``Downstream`` of the stored models ``starts``: reads their subtrees (each edge once) and their users."""
    start_ids = sorted(set(starts))
    edges: set[DerivedFrom] = set()
    reached: set[str] = set()
    for model_id in start_ids:
        if model_id in reached:  # below another start: its subtree is read already
            continue
        found = store.lineage_edges(model_id, "down")
        edges.update(found)
        reached.update(e.child for e in found)
    below: dict[str, list[str]] = {}
    for e in sorted(edges, key=lambda e: (e.base, e.child)):
        below.setdefault(e.base, []).append(e.child)
    depth = dict.fromkeys(start_ids, 0)  # breadth first from every start at once: the nearest start's distance
    frontier = start_ids
    while frontier:
        nxt = []
        for model_id in frontier:
            for child in below.get(model_id, []):
                if child not in depth:
                    depth[child] = depth[model_id] + 1
                    nxt.append(child)
        frontier = nxt
    return Downstream(
        depth=depth,
        relation=_first_relations(edges, depth),
        models=store.models(depth) if depth else {},
        users=_sorted_users(store.uses_of(depth)) if depth else (),
    )


@dataclass(frozen=True, slots=True)
class Impact:
    """``lineage`` is the model's downward lineage; ``users`` every USES edge into the model or its subtree."""

    lineage: Lineage
    users: tuple[Uses, ...]

    @property
    def model_id(self) -> str:
        return self.lineage.model.id

    @property
    def downstream(self) -> Downstream:
        """The subtree as a ``Downstream`` of the one model."""
        lineage = self.lineage
        return Downstream(lineage.descendant_depth, lineage.descendant_relation, lineage.models, self.users)

    @property
    def repos(self) -> list[str]:
        return self.downstream.repos

    @property
    def spaces(self) -> list[str]:
        return self.downstream.spaces

    @property
    def licenses(self) -> dict[str, int]:
        """Declared license → number of models in the subtree (the model itself included), most first."""
        return self.downstream.licenses

    @property
    def descendant_downloads(self) -> int:
        return self.downstream.descendant_downloads

    def users_by_model(self) -> dict[str, int]:
        """Model → how many repos and Spaces use it directly, most used first."""
        return self.downstream.users_by_model()


def compute_impact(store: GraphStore, model_id: str, compact: CompactGraph | None = None) -> Impact:
    """The blast radius of ``model_id``; raises ``UnknownModelError`` (with close matches) like lineage does.
    ``compact``: the store's compact graph, to read the subtree from (``compute_lineage``)."""
    lineage = compute_lineage(store, model_id, "down", compact=compact)
    return Impact(lineage, _sorted_users(store.uses_of(lineage.descendant_depth)))


@dataclass(frozen=True, slots=True)
class DatasetImpact:
    """A dataset's blast radius: ``lineage`` its downward dataset lineage (the datasets made from it, the
    TRAINED_ON edges reaching any of them); ``downstream`` what lies below the models trained on them (the
    trained models are its starts, depth 0)."""

    lineage: DatasetLineage
    downstream: Downstream

    @property
    def dataset_id(self) -> str:
        return self.lineage.dataset.id

    @property
    def derived_datasets(self) -> list[str]:
        """The datasets made from it, at any depth, by id."""
        return sorted(d for d in self.lineage.derived_depth if d != self.dataset_id)

    @property
    def derived_by_depth(self) -> dict[int, int]:
        return dict(sorted(Counter(d for d in self.lineage.derived_depth.values() if d > 0).items()))

    @property
    def trained_models(self) -> list[str]:
        return self.lineage.trained_models

    @property
    def trained_directly(self) -> list[str]:
        """The models trained on the dataset itself (not only on a dataset made from it)."""
        return sorted({t.model for t in self.lineage.trained_on if t.dataset == self.dataset_id})

    def trained_by_dataset(self) -> dict[str, int]:
        """Dataset (it or one made from it) → how many models were trained on it, most first."""
        return _by_count(Counter(t.dataset for t in self.lineage.trained_on))

    @property
    def dataset_licenses(self) -> dict[str, int]:
        """Declared license → number of datasets (the dataset and those made from it), most first."""
        return license_counts(self.lineage.datasets.get(d) for d in self.lineage.derived_depth)


def compute_dataset_impact(store: GraphStore, dataset_id: str) -> DatasetImpact:
    """The blast radius of the stored dataset ``dataset_id`` (an id ``find_dataset_id`` returned)."""
    lineage = compute_dataset_lineage(store, dataset_id, "down")
    return DatasetImpact(lineage, downstream_of(store, lineage.trained_models))
