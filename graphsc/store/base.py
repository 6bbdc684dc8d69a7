"""The one store interface. The embedded (SQLite) and Neo4j backends both implement it, and every reader
(lineage, analytics, licenses, reports) goes through it, so answers are the same on either backend."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Protocol, Self, runtime_checkable

from graphsc.records import (
    Alias,
    Dataset,
    DatasetDerivedFrom,
    DerivedFrom,
    EvalResult,
    GraphBatch,
    IdNote,
    Model,
    ModelDetails,
    Repo,
    Space,
    TrainedOn,
    Uses,
)

Direction = Literal["up", "down"]
EdgeKind = Literal["DERIVED_FROM", "USES", "TRAINED_ON"]


@dataclass(frozen=True, slots=True)
class GraphCounts:
    """Node counts by label and edge counts by type (``DERIVED_FROM``: between models); DERIVED_FROM also by
    relation; ``dataset_derived_from``: the DERIVED_FROM edges between datasets; the unfetched (stub) models,
    datasets and Spaces."""

    nodes: dict[str, int] = field(default_factory=dict)
    edges: dict[str, int] = field(default_factory=dict)
    relations: dict[str, int] = field(default_factory=dict)
    unfetched_models: int = 0
    dataset_derived_from: int = 0
    unfetched_datasets: int = 0
    unfetched_spaces: int = 0


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
    """A graph of models, datasets, repositories and Spaces with DERIVED_FROM, TRAINED_ON and USES edges.

    The contract every backend keeps; ``tests/store/test_contract.py`` runs it on each one.

    Identity: one node per Hub repo. Model (and dataset) ids compare ignoring case (``graphsc.ids.id_key``);
    ``write`` resolves every id of a batch to the stored or fetched casing first (``graphsc.store.identity``).
    Reads that take ids (``models``, ``notes_of``, ``uses_of``, ``trained_on``, ``lineage_edges``) take stored ids
    as they are (exact casing); ``find_model_id`` maps any spelling to the stored id, ``stored_*_ids`` map keys.
    Ids a read is given twice are read once; ids not stored are left out (``lineage_edges``: no edges).

    Order: ``iter_datasets``, ``iter_repos``, ``iter_spaces`` and ``iter_details`` page by id,
    ``iter_eval_results`` by ``(model, position)``, ``iter_derived_from`` by
    ``(child, base)``, ``iter_aliases`` by alias, ``iter_notes`` by ``(model, field, value, kind)``, on every
    backend (analytics number nodes in edge order, so their float sums agree bit for bit). Nothing else has an
    order: ``iter_models``/``iter_model_fields``, ``iter_trained_on``, ``iter_uses``, ``lineage_edges``,
    ``uses_of``, ``trained_on`` and ``notes_of`` come in any order. Every ``iter_*`` yields lists of exactly
    ``batch_size`` items but the last (never an empty list), each stored item once; a ``batch_size`` below 1 (or
    not a whole number) is a ``ValueError`` when the method is called, before any iteration, and so is one given
    to a backend's constructor (``Neo4jStore(batch_size=...)``).

    Errors: a fault of the store itself (a missing, damaged, locked or read-only file, a full disk, a server down,
    refusing or timing out) is a ``StoreError`` naming the store and what to do; opening a read-only embedded
    store that does not exist is a ``MissingStoreError`` (a ``StoreError``). A bad argument is a ``ValueError``
    (``iter_model_fields``'s unknown fields, a ``batch_size`` below 1), and any other exception raised while the
    store works (a bug in graphsc) propagates unchanged: it is never reported as a store fault.

    Lifetime: a store is a context manager: ``with open_store(...) as store:`` closes it on leaving; ``close`` may
    be called more than once.
    """

    kind: str
    location: str

    def write(self, batch: GraphBatch) -> None:
        """Upsert ``batch`` in one transaction: all of it is stored, or (on any error) none of it.

        Idempotent: writing a batch again leaves the graph (and ``counts``) as it was. The rules are
        ``GraphBatch``'s, planned once for every backend by ``graphsc.store.assemble.plan_write``:

        - a fetched model replaces the stored model, its outgoing Hub edges (DERIVED_FROM, TRAINED_ON, USES from
          Spaces of ``hub-spaces``) and its notes; USES from repositories (other sources) are kept;
        - every other model the batch names (edge endpoints, unfetched models) becomes an unfetched stub
          (``author`` the id's owner) unless already stored: a stub never overwrites a fetched model, and fetching
          a stub fills it in, its edges kept; an unfetched model with a ``license`` sets it on a stub only;
        - datasets, repositories and Spaces that edges name are created bare when missing; a repository's fields
          merge (a field the batch leaves ``None`` keeps its stored value);
        - an edge is identified by its endpoints: written twice (in one batch or two) it is one edge with the
          last properties; a record repeated in a batch counts once, its last copy.

        Model ids are resolved first with ``graphsc.store.identity.assemble``: one node per Hub repo, whatever the
        casing."""

    def models(self, ids: Iterable[str]) -> dict[str, Model]:
        """The stored models among ``ids`` (fetched or stubs), keyed by id; records round-trip exactly (every
        ``Model`` field as written, ``None`` included)."""

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
        """The ``IdNote``s of ``model_ids``' records (values not taken as ids as they stand), in any order."""

    def iter_notes(self, batch_size: int = 50_000) -> Iterator[list[IdNote]]:
        """Every note, ordered by ``(model, field, value, kind)``, in lists of ``batch_size``."""

    def details_of(self, model_ids: Iterable[str]) -> dict[str, ModelDetails]:
        """``{id: ModelDetails}`` for the stored models among ``model_ids`` whose record gave details (fetched
        models; stubs have none). A store written before details existed has none until models are re-ingested."""

    def iter_details(self, batch_size: int = 50_000) -> Iterator[list[ModelDetails]]:
        """Every stored ``ModelDetails``, ordered by model id, in lists of ``batch_size``."""

    def eval_results_of(self, model_ids: Iterable[str]) -> list[EvalResult]:
        """The ``EvalResult``s the cards of ``model_ids`` report, ordered by ``(model, position)``."""

    def iter_eval_results(self, batch_size: int = 50_000) -> Iterator[list[EvalResult]]:
        """Every stored ``EvalResult``, ordered by ``(model, position)``, in lists of ``batch_size``."""

    def iter_aliases(self, batch_size: int = 50_000) -> Iterator[list[Alias]]:
        """Every alias (``case`` and ``renamed``), ordered by alias, in lists of ``batch_size``."""

    def similar_model_ids(self, text: str, limit: int = 5) -> list[str]:
        """Up to ``limit`` stored model ids that contain ``text``'s name part (after the last ``/``),
        case-insensitively, closest to ``text`` first; when none does, ids close to ``text`` overall. An empty
        name finds nothing. One search for every backend: ``graphsc.store.common.similar_ids``."""

    def lineage_edges(self, model_id: str, direction: Direction) -> list[DerivedFrom]:
        """Every DERIVED_FROM edge reachable from ``model_id`` going up (to bases) or down (to derivatives), each
        once (a diamond's shared edges too), in no particular order; none for an id not stored.

        Terminates on cycles (self-loops included): each model is visited once."""

    def uses_of(self, model_ids: Iterable[str]) -> list[Uses]:
        """USES edges pointing at any of ``model_ids``, each once, in no particular order."""

    def trained_on(self, model_ids: Iterable[str]) -> list[TrainedOn]:
        """TRAINED_ON edges leaving any of ``model_ids``, each once, in no particular order."""

    def counts(self) -> GraphCounts:
        """Nodes by label (``Model``, ``Dataset``, ``Repo``, ``Space``: every key present, zeros included), edges
        by type (``DERIVED_FROM``, ``TRAINED_ON``, ``USES``), DERIVED_FROM by relation (relations present only),
        and the unfetched (stub) models. Bookkeeping (state, aliases, notes) is not counted."""

    def iter_models(self, batch_size: int = 50_000) -> Iterator[list[Model]]:
        """Every model (fetched or stub) once, in lists of ``batch_size``, in no particular order."""

    def iter_model_fields(self, fields: Sequence[str], batch_size: int = 50_000) -> Iterator[list[tuple[Any, ...]]]:
        """Every model as a tuple ``(id, *fields)`` of ``Model`` field values: a narrow, fast whole-graph read
        (analytics read downloads or licenses of ~2M models this way), in no particular order; ``fetched`` may
        come as 0/1. Unknown field names raise ``ValueError`` when called (before any iteration)."""

    def iter_datasets(self, batch_size: int = 50_000) -> Iterator[list[Dataset]]:
        """Every dataset (fetched or stub), ordered by id, in lists of ``batch_size``."""

    def datasets(self, ids: Iterable[str]) -> dict[str, Dataset]:
        """The stored datasets among ``ids`` (exact stored ids), keyed by id; records round-trip exactly."""

    def spaces(self, ids: Iterable[str]) -> dict[str, Space]:
        """The stored Spaces among ``ids`` (exact stored ids), keyed by id; records round-trip exactly."""

    def find_dataset_id(self, text: str) -> str | None:
        """The stored dataset id ``text`` names (any casing, a ``datasets/`` URL form), or None."""

    def iter_dataset_derived_from(self, batch_size: int = 50_000) -> Iterator[list[DatasetDerivedFrom]]:
        """Every DERIVED_FROM edge between datasets, ordered by ``(child, base)``, in lists of ``batch_size``."""

    def dataset_lineage_edges(self, dataset_id: str, direction: Direction) -> list[DatasetDerivedFrom]:
        """Every dataset DERIVED_FROM edge reachable from ``dataset_id`` going up (to sources) or down (to datasets
        made from it), each once, in no particular order; terminates on cycles; none for an id not stored."""

    def trained_on_datasets(self, dataset_ids: Iterable[str]) -> list[TrainedOn]:
        """TRAINED_ON edges reaching any of ``dataset_ids`` (the models trained on them), each once, any order."""

    def iter_repos(self, batch_size: int = 50_000) -> Iterator[list[Repo]]:
        """Every repository, ordered by id, in lists of ``batch_size``."""

    def iter_spaces(self, batch_size: int = 50_000) -> Iterator[list[Space]]:
        """Every Space, ordered by id, in lists of ``batch_size``."""

    def iter_derived_from(self, batch_size: int = 50_000) -> Iterator[list[DerivedFrom]]:
        """Every DERIVED_FROM edge, ordered by ``(child, base)``, in lists of ``batch_size``."""

    def iter_trained_on(self, batch_size: int = 50_000) -> Iterator[list[TrainedOn]]:
        """Every TRAINED_ON edge, in no particular order, in lists of ``batch_size``."""

    def iter_uses(self, batch_size: int = 50_000) -> Iterator[list[Uses]]:
        """Every USES edge, in no particular order, in lists of ``batch_size``."""

    def iter_edge_endpoints(self, kind: EdgeKind, batch_size: int = 50_000) -> Iterator[list[tuple[str, ...]]]:
        """Every edge of ``kind`` as a plain tuple, in no particular order, in lists of ``batch_size`` (what the
        compact graph is built from, without a record per edge): DERIVED_FROM ``(child, base, relation, source)``,
        USES ``(model, user, user_kind)``, TRAINED_ON ``(model, dataset, source)``."""

    def write_model_metrics(self, rows: Iterable[ModelMetrics]) -> int:
        """Replace every stored model metric with ``rows`` (one transaction); return how many were written.

        Afterwards exactly the models in ``rows`` carry metrics; a model without a row has none (an isolated
        model: generation 0, nothing downstream)."""

    def get_state(self, key: str) -> str | None:
        """The value ``set_state`` stored for ``key`` (crawl bookkeeping, e.g. which models' children were fully
        listed, for resuming), or None."""

    def set_state(self, items: dict[str, str]) -> None:
        """Store each value by key, overwriting; other keys are kept. State is not part of the graph."""

    def generation(self) -> str:
        """A token naming the store's current graph state, ``"<epoch>/<n>"``: ``n`` grows by one in the same
        transaction as every ``write``; ``epoch`` is random, set when the store first counted, so a store deleted
        and created again never repeats a token. The compact graph (``graphsc.compact``) is valid only for the
        token it was built at. A store no graphsc write has counted yet answers ``"-/0"``."""

    def compact_location(self) -> Path | None:
        """The directory where this store's compact graph is kept (beside an embedded file, in the user's cache
        for a server), or None when it is only ever built in memory."""

    def close(self) -> None:
        """Release the store (file, connections); calling it again does nothing."""

    def __enter__(self) -> Self:
        """The store itself: ``with store:`` closes it on leaving."""

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Close the store (exceptions propagate)."""
