"""The one store interface. The embedded (SQLite) and Neo4j backends both implement it, and every reader
(lineage, analytics, licenses, reports) goes through it, so answers are the same on either backend."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from graphsc.records import Alias, Dataset, DerivedFrom, GraphBatch, IdNote, Model, Repo, Space, TrainedOn, Uses

Direction = Literal["up", "down"]


@dataclass(frozen=True, slots=True)
class GraphCounts:
    """Node counts by label and edge counts by type; DERIVED_FROM also by relation."""

    nodes: dict[str, int] = field(default_factory=dict)
    edges: dict[str, int] = field(default_factory=dict)
    relations: dict[str, int] = field(default_factory=dict)
    unfetched_models: int = 0


@dataclass(frozen=True, slots=True)
class ModelMetrics:
    """Whole-graph metrics of one model, as ``graphsc analyze --write`` stores them (definitions: docs/analytics.md).

    ``derivatives_by_relation`` holds the direct derivatives per relation; stores keep one property per relation
    in ``graphsc.records.RELATIONS`` (``derivatives_<relation>``). A used model without derivation edges has
    only exposure: ``family``, ``pagerank`` and ``betweenness`` are ``None``, as is ``betweenness`` when it was
    not computed.
    """

    model_id: str
    generation: int
    in_cycle: bool
    family: str | None
    family_size: int
    descendants: int
    descendant_downloads: int
    derivatives: int
    derivatives_by_relation: dict[str, int]
    pagerank: float | None
    betweenness: float | None
    exposure_repos: int
    exposure_spaces: int


@runtime_checkable
class GraphStore(Protocol):
    """A graph of models, datasets, repositories and Spaces with DERIVED_FROM, TRAINED_ON and USES edges."""

    kind: str
    location: str

    def write(self, batch: GraphBatch) -> None:
        """Upsert a batch in one transaction (idempotent; see ``GraphBatch`` for replacement rules). Model ids are
        resolved first with ``graphsc.store.identity.assemble``: one node per Hub repo, whatever the casing."""

    def models(self, ids: Iterable[str]) -> dict[str, Model]:
        """The stored models among ``ids`` (fetched or stubs), keyed by id."""

    def stored_model_ids(self, keys: Collection[str]) -> dict[str, str]:
        """``{id_key: stored id}`` for the stored models whose ``graphsc.ids.id_key`` is in ``keys``."""

    def stored_dataset_ids(self, keys: Collection[str]) -> dict[str, str]:
        """``{id_key: stored id}`` for the stored datasets whose key is in ``keys``."""

    def stored_aliases(self, keys: Collection[str]) -> dict[str, str]:
        """``{alias key: target id}`` for stored ``renamed`` aliases (old ids the Hub redirects) among ``keys``."""

    def find_model_id(self, text: str) -> str | None:
        """The stored id ``text`` names — in any casing, as a URL, a legacy id or a renamed repo's old id — or None
        (``graphsc.store.identity.find_model_id``)."""

    def notes_of(self, model_ids: Iterable[str]) -> list[IdNote]:
        """The ``IdNote``s of ``model_ids``' records (values not taken as ids as they stand)."""

    def iter_notes(self, batch_size: int = 50_000) -> Iterator[list[IdNote]]: ...
    def iter_aliases(self, batch_size: int = 50_000) -> Iterator[list[Alias]]: ...

    def similar_model_ids(self, text: str, limit: int = 5) -> list[str]:
        """Up to ``limit`` stored model ids that contain ``text``'s name part, case-insensitively."""

    def lineage_edges(self, model_id: str, direction: Direction) -> list[DerivedFrom]:
        """Every DERIVED_FROM edge reachable from ``model_id`` going up (to bases) or down (to derivatives).

        Must terminate on cycles."""

    def uses_of(self, model_ids: Iterable[str]) -> list[Uses]:
        """USES edges pointing at any of ``model_ids``."""

    def trained_on(self, model_ids: Iterable[str]) -> list[TrainedOn]:
        """TRAINED_ON edges leaving any of ``model_ids``."""

    def counts(self) -> GraphCounts:
        """Nodes by label, edges by type, DERIVED_FROM by relation."""

    def iter_models(self, batch_size: int = 50_000) -> Iterator[list[Model]]: ...

    def iter_model_fields(self, fields: Sequence[str], batch_size: int = 50_000) -> Iterator[list[tuple[Any, ...]]]:
        """Every model as a tuple ``(id, *fields)`` of ``Model`` field values: a narrow, fast whole-graph read
        (analytics read downloads or licenses of ~2M models this way); ``fetched`` may come as 0/1. Unknown field
        names raise ``ValueError``."""

    def iter_datasets(self, batch_size: int = 50_000) -> Iterator[list[Dataset]]: ...
    def iter_repos(self, batch_size: int = 50_000) -> Iterator[list[Repo]]: ...
    def iter_spaces(self, batch_size: int = 50_000) -> Iterator[list[Space]]: ...
    def iter_derived_from(self, batch_size: int = 50_000) -> Iterator[list[DerivedFrom]]: ...
    def iter_trained_on(self, batch_size: int = 50_000) -> Iterator[list[TrainedOn]]: ...
    def iter_uses(self, batch_size: int = 50_000) -> Iterator[list[Uses]]: ...

    def write_model_metrics(self, rows: Iterable[ModelMetrics]) -> int:
        """Replace every stored model metric with ``rows`` (one transaction); return how many were written.

        Afterwards exactly the models in ``rows`` carry metrics; a model without a row has none (an isolated
        model: generation 0, nothing downstream)."""

    def get_state(self, key: str) -> str | None:
        """Crawl bookkeeping (e.g. which models' children were fully listed), for resuming."""

    def set_state(self, items: dict[str, str]) -> None: ...

    def close(self) -> None: ...
