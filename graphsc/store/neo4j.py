"""The Neo4j store: the same graph over Bolt, with the official ``neo4j`` driver.

Schema first: uniqueness constraints on every label's ``id`` are created (idempotently) and brought online
before anything is written, so every ``MERGE``/``MATCH`` by id is an index seek. A ``GraphBatch`` is written
in one transaction (``execute_write``, retried by the driver on transient errors) as a fixed sequence of
``UNWIND $rows ... MERGE`` statements of at most ``batch_size`` rows each; because everything is a MERGE, an
interrupted load is finished by running it again. Reads are parameterised Cypher only.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

from neo4j import (
    Driver,
    GraphDatabase,
    ManagedTransaction,
    NotificationMinimumSeverity,
    Query,
    Record,
    unit_of_work,
)

from graphsc.errors import StoreError
from graphsc.records import (
    USER_REPO,
    USER_SPACE,
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
from graphsc.redact import redact_url
from graphsc.store import neo4j_cypher as cy
from graphsc.store.assemble import WritePlan, plan_write
from graphsc.store.base import Direction, EdgeKind, GraphCounts, ModelMetrics
from graphsc.store.common import check_batch_size, chunks, metrics_row, similar_ids, unique
from graphsc.store.identity import find_dataset_id, find_model_id
from graphsc.store.neo4j_errors import translated

DEFAULT_URI = "bolt://127.0.0.1:7687"
_KEYS_STATE = "schema.id_keys"  # value "2": Model, Dataset, Repo and Space nodes have keys
DEFAULT_BATCH_SIZE = 10_000
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
T = TypeVar("T")


def location_of(uri: str, database: str | None = None) -> str:
    """How a Neo4j store names itself in messages and state keys: the URI with credentials redacted, and the
    database when one is named (``neo4j push`` keys its watermark with it)."""
    shown = redact_url(uri)
    return shown if database is None else f"{shown} (database {database})"


class Neo4jStore:
    """The Neo4j ``GraphStore`` backend (see ``graphsc.store.base.GraphStore``).

    ``batch_size`` bounds the rows per UNWIND statement (and per id list in reads); ``query_timeout`` (seconds)
    is sent with every transaction; ``retry_seconds`` is how long the driver retries a write on transient
    errors (lost connection, deadlock) before giving up. ``with Neo4jStore(...) as store:`` closes it.
    """

    kind = "neo4j"

    def __init__(
        self,
        uri: str = DEFAULT_URI,
        user: str = "neo4j",
        password: str | None = None,
        database: str | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        query_timeout: float | None = None,
        retry_seconds: float = 15.0,
    ) -> None:
        self.uri = uri  # given to the driver only; messages and state keys use ``location`` (credentials redacted)
        self.location = location_of(uri, database)
        self.database = database
        self.batch_size = check_batch_size(batch_size)
        self.query_timeout = query_timeout
        if uri.split("://", 1)[0] not in BOLT_SCHEMES or "://" not in uri:
            raise StoreError(
                self.location,
                "not a Bolt URI",
                "Set NEO4J_URI to e.g. bolt://127.0.0.1:7687 (schemes: " + ", ".join(BOLT_SCHEMES) + ").",
            )
        # Only here does the driver parse the URI and its address (a malformed one is a ValueError); anywhere else
        # a ValueError is a bug, and keeps its traceback.
        with translated(self.location, "connecting", uri_errors=True):
            self._driver: Driver = GraphDatabase.driver(
                uri,
                auth=(user, password) if password else None,
                max_transaction_retry_time=retry_seconds,
                notifications_min_severity=NotificationMinimumSeverity.OFF,
            )
        try:
            with translated(self.location, "connecting", uri_errors=True):
                self._driver.verify_connectivity()
            with translated(self.location, "creating constraints"):
                self._ensure_schema()
        except BaseException:
            self._driver.close()
            raise

    @classmethod
    def from_env(cls, **overrides: Any) -> Neo4jStore:
        """Open with ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE`` and
        ``NEO4J_QUERY_TIMEOUT`` (seconds); defaults: bolt://127.0.0.1:7687, no auth, the server's default database."""
        from graphsc.settings import env_number

        timeout = (
            env_number(
                "NEO4J_QUERY_TIMEOUT",
                0.0,
                minimum=0.001,
                maximum=86_400.0,
                allowed="a number of seconds from 0.001 to 86400",
            )
            or None
        )
        settings: dict[str, Any] = {
            "uri": os.environ.get("NEO4J_URI") or DEFAULT_URI,
            "user": os.environ.get("NEO4J_USER") or "neo4j",
            "password": os.environ.get("NEO4J_PASSWORD") or None,
            "database": os.environ.get("NEO4J_DATABASE") or None,
            "query_timeout": timeout,
        }
        settings.update(overrides)
        return cls(**settings)

    def _ensure_schema(self) -> None:
        for statement in cy.schema_statements():
            self._driver.execute_query(statement, database_=self.database)
        self._driver.execute_query(cy.AWAIT_INDEXES, {"seconds": 300}, database_=self.database)
        if self.get_state(_KEYS_STATE) != "2":
            with self._driver.session(database=self.database) as session:
                for label in ("Model", "Dataset", "Repo", "Space"):
                    session.run(cy.BACKFILL_KEYS.format(label=label)).consume()  # auto-commit: IN TRANSACTIONS
            self.set_state({_KEYS_STATE: "2"})

    # writes

    def write(self, batch: GraphBatch) -> None:
        """Upsert ``batch`` in one transaction, with the replacement rules documented on ``GraphBatch``."""
        if not len(batch):
            return
        with translated(self.location, "writing a batch"):
            plan = plan_write(batch, self)  # what to write is planned once for both backends; this persists it
            with self._driver.session(database=self.database) as session:
                session.execute_write(
                    self._timed(self._run_steps), _write_steps(plan), plan.moves, plan.dataset_moves, plan.space_moves
                )

    def _run_steps(
        self,
        tx: ManagedTransaction,
        steps: list[tuple[str, list[Any]]],
        moves: Sequence[tuple[str, str]] = (),
        dataset_moves: Sequence[tuple[str, str]] = (),
        space_moves: Sequence[tuple[str, str]] = (),
    ) -> None:
        for old, new in moves:
            exists = tx.run(cy.MODEL_EXISTS, id=new).single()["n"] > 0  # type: ignore[index]
            tx.run(cy.MERGE_MODEL_INTO if exists else cy.RENAME_MODEL, old=old, new=new).consume()
        for old, new in dataset_moves:
            exists = tx.run(cy.DATASET_EXISTS, id=new).single()["n"] > 0  # type: ignore[index]
            tx.run(cy.MERGE_DATASET_INTO if exists else cy.RENAME_DATASET, old=old, new=new).consume()
        for old, new in space_moves:
            exists = tx.run(cy.SPACE_EXISTS, id=new).single()["n"] > 0  # type: ignore[index]
            tx.run(cy.MERGE_SPACE_INTO if exists else cy.RENAME_SPACE, old=old, new=new).consume()
        for statement, rows in steps:
            for chunk in chunks(rows, self.batch_size):
                tx.run(statement, rows=list(chunk)).consume()

    def generation(self) -> str:
        with translated(self.location, "reading"):
            record = self._driver.execute_query(cy.GET_GENERATION, database_=self.database).records
        return str(record[0]["token"]) if record else "-/0"

    def compact_location(self) -> Path | None:
        """``$XDG_CACHE_HOME/graphsc/compact/<hash of the URI and database>`` (``~/.cache`` by default)."""
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        name = hashlib.sha256(f"{self.uri}\n{self.database or ''}".encode()).hexdigest()[:24]
        return cache / "graphsc" / "compact" / name

    def write_model_metrics(self, rows: Iterable[ModelMetrics]) -> int:
        """Replace every model's metric properties with ``rows`` in one transaction; return how many rows."""
        params = [list(metrics_row(row)) for row in rows]
        with translated(self.location, "writing model metrics"):
            with self._driver.session(database=self.database) as session:
                session.execute_write(self._timed(self._replace_metrics), params)
        return len(params)

    def _replace_metrics(self, tx: ManagedTransaction, params: list[list[Any]]) -> None:
        tx.run(cy.CLEAR_MODEL_METRICS).consume()
        self._run_steps(tx, [(cy.SET_MODEL_METRICS, params)])

    def set_state(self, items: dict[str, str]) -> None:
        """Store crawl bookkeeping values by key (overwriting)."""
        rows = [[k, v] for k, v in items.items()]
        if rows:
            with translated(self.location, "writing state"):
                with self._driver.session(database=self.database) as session:
                    session.execute_write(self._timed(self._run_steps), [(cy.SET_STATE, rows)])

    # reads

    def get_state(self, key: str) -> str | None:
        """The value stored for ``key`` by ``set_state``, or None."""
        rows = self._read(cy.GET_STATE, key=key)
        return rows[0]["value"] if rows else None

    def models(self, ids: Iterable[str]) -> dict[str, Model]:
        """The stored models among ``ids`` (fetched or stubs), keyed by id."""
        found = (cy.model_from_values(row) for row in self._read_by_ids(cy.MODELS_BY_ID, ids))
        return {m.id: m for m in found}

    def stored_model_ids(self, keys: Collection[str]) -> dict[str, str]:
        """``{id_key: stored id}`` for stored models whose key is in ``keys`` (index seeks on ``Model.key``)."""
        return dict(self._read_by_ids(cy.STORED_MODEL_IDS, keys))

    def stored_dataset_ids(self, keys: Collection[str]) -> dict[str, str]:
        """``{id_key: stored id}`` for stored datasets whose key is in ``keys``."""
        return dict(self._read_by_ids(cy.STORED_DATASET_IDS, keys))

    def stored_repo_ids(self, keys: Collection[str]) -> dict[str, str]:
        """``{id_key: stored id}`` for stored repositories whose key is in ``keys``."""
        return dict(self._read_by_ids(cy.STORED_REPO_IDS, keys))

    def stored_space_ids(self, keys: Collection[str]) -> dict[str, str]:
        """``{id_key: stored id}`` for stored Spaces whose key is in ``keys``."""
        return dict(self._read_by_ids(cy.STORED_SPACE_IDS, keys))

    def stored_aliases(self, keys: Collection[str]) -> dict[str, str]:
        """``{alias key: target id}`` for the stored ``renamed`` aliases whose key is in ``keys``."""
        return dict(self._read_by_ids(cy.STORED_ALIASES, keys))

    def find_model_id(self, text: str) -> str | None:
        """The stored id ``text`` names (any casing, URL, legacy or old id; ``graphsc.store.identity``), or None."""
        return find_model_id(self, text)

    def notes_of(self, model_ids: Iterable[str]) -> list[IdNote]:
        """The id notes of ``model_ids``' records."""
        return [IdNote(*row) for row in self._read_by_ids(cy.NOTES_OF, model_ids)]

    def iter_notes(self, batch_size: int = 50_000) -> Iterator[list[IdNote]]:
        """All id notes, ordered, in lists of ``batch_size``."""
        return self._iter(cy.ALL_NOTES, batch_size, lambda record: IdNote(*record[0]))

    def details_of(self, model_ids: Iterable[str]) -> dict[str, ModelDetails]:
        """The stored details of ``model_ids``, keyed by id (models without details left out)."""
        found = (cy.details_from_values(row) for row in self._read_by_ids(cy.DETAILS_OF, model_ids))
        return {d.model: d for d in found}

    def iter_details(self, batch_size: int = 50_000) -> Iterator[list[ModelDetails]]:
        """Every model's details, ordered by model id, in lists of ``batch_size``."""
        return self._iter(cy.ALL_DETAILS, batch_size, lambda record: cy.details_from_values(record[0]))

    def eval_results_of(self, model_ids: Iterable[str]) -> list[EvalResult]:
        """The evaluation results the cards of ``model_ids`` report, ordered by (model, position)."""
        rows = self._read_by_ids(cy.EVAL_RESULTS_OF, model_ids)
        return sorted((EvalResult._make(row) for row in rows), key=lambda e: (e.model, e.position))

    def iter_eval_results(self, batch_size: int = 50_000) -> Iterator[list[EvalResult]]:
        """Every reported evaluation result, ordered by (model, position), in lists of ``batch_size``."""
        return self._iter(cy.ALL_EVAL_RESULTS, batch_size, lambda record: EvalResult._make(record[0]))

    def iter_aliases(self, batch_size: int = 50_000) -> Iterator[list[Alias]]:
        """All model id aliases, ordered by alias, in lists of ``batch_size``."""
        return self._iter(cy.ALL_ALIASES, batch_size, lambda record: Alias(*record[0]))

    def similar_model_ids(self, text: str, limit: int = 5) -> list[str]:
        """Up to ``limit`` stored ids containing ``text``'s name part (case-insensitive), closest first."""
        return similar_ids(text, limit, self._ids_containing)

    def _ids_containing(self, fragment: str, limit: int) -> list[str]:
        """Up to ``limit`` model ids containing ``fragment`` ignoring case, by id."""
        return [r["id"] for r in self._read(cy.MODEL_IDS_CONTAINING, text=fragment, limit=limit)]

    def lineage_edges(self, model_id: str, direction: Direction) -> list[DerivedFrom]:
        """Every DERIVED_FROM edge reachable from ``model_id`` up (to bases) or down (to derivatives), in one
        query: a server-side breadth-first walk that visits each model once, so it terminates on cycles; the
        edges come back as one compact list."""
        query = cy.LINEAGE_UP if direction == "up" else cy.LINEAGE_DOWN
        rows = self._read(query, id=model_id)
        return [DerivedFrom(*edge) for edge in rows[0]["edges"]] if rows else []

    def uses_of(self, model_ids: Iterable[str]) -> list[Uses]:
        """USES edges pointing at any of ``model_ids``."""
        return [Uses(*row) for row in self._read_by_ids(cy.USES_OF, model_ids)]

    def trained_on(self, model_ids: Iterable[str]) -> list[TrainedOn]:
        """TRAINED_ON edges leaving any of ``model_ids``."""
        return [TrainedOn(*row) for row in self._read_by_ids(cy.TRAINED_ON_OF, model_ids)]

    def counts(self) -> GraphCounts:
        """Nodes by label, edges by type (from Neo4j's count store), DERIVED_FROM by relation, unfetched models."""

        def count(query: str) -> int:
            return int(self._read(query)[0]["n"])

        nodes = {label: count(query) for label, query in cy.COUNT_NODES.items()}
        edges = {kind: count(query) for kind, query in cy.COUNT_EDGES.items()}
        relations = {row["relation"]: int(row["n"]) for row in self._read(cy.COUNT_RELATIONS)}
        return GraphCounts(
            nodes,
            edges,
            relations,
            count(cy.COUNT_UNFETCHED),
            count(cy.COUNT_DATASET_DERIVED_FROM),
            count(cy.COUNT_UNFETCHED_DATASETS),
            count(cy.COUNT_UNFETCHED_SPACES),
        )

    def iter_models(self, batch_size: int = 50_000) -> Iterator[list[Model]]:
        """All models, ordered by id, in lists of ``batch_size``."""
        return self._iter(cy.ALL_MODELS, batch_size, lambda row: cy.model_from(row["m"]))

    def iter_model_fields(self, fields: Sequence[str], batch_size: int = 50_000) -> Iterator[list[tuple[Any, ...]]]:
        """Every model as ``(id, *fields)``, ordered by id, in lists of ``batch_size``; unknown fields raise
        ``ValueError``."""
        query = cy.model_fields_query(tuple(fields))
        return self._iter(query, batch_size, lambda record: tuple(record[0]))

    def iter_datasets(self, batch_size: int = 50_000) -> Iterator[list[Dataset]]:
        """All datasets, ordered by id, in lists of ``batch_size``."""
        return self._iter(cy.ALL_DATASETS, batch_size, lambda record: cy.dataset_from_values(record[0]))

    def datasets(self, ids: Iterable[str]) -> dict[str, Dataset]:
        """The stored datasets among ``ids``, keyed by id."""
        found = (cy.dataset_from_values(row) for row in self._read_by_ids(cy.DATASETS_BY_ID, ids))
        return {d.id: d for d in found}

    def spaces(self, ids: Iterable[str]) -> dict[str, Space]:
        """The stored Spaces among ``ids``, keyed by id."""
        found = (cy.space_from_values(row) for row in self._read_by_ids(cy.SPACES_BY_ID, ids))
        return {s.id: s for s in found}

    def find_dataset_id(self, text: str) -> str | None:
        """The stored dataset id ``text`` names (``graphsc.store.identity.find_dataset_id``)."""
        return find_dataset_id(self, text)

    def iter_dataset_derived_from(self, batch_size: int = 50_000) -> Iterator[list[DatasetDerivedFrom]]:
        """Every dataset DERIVED_FROM edge, ordered by ``(child, base)``, in lists of ``batch_size``."""
        return self._iter(cy.ALL_DATASET_DERIVED_FROM, batch_size, lambda record: DatasetDerivedFrom(*record[0]))

    def dataset_lineage_edges(self, dataset_id: str, direction: Direction) -> list[DatasetDerivedFrom]:
        """Every dataset DERIVED_FROM edge reachable from ``dataset_id`` up or down (a breadth-first walk)."""
        query = cy.DATASET_LINEAGE_UP if direction == "up" else cy.DATASET_LINEAGE_DOWN
        rows = self._read(query, id=dataset_id)
        return [DatasetDerivedFrom(*edge) for edge in rows[0]["edges"]] if rows else []

    def trained_on_datasets(self, dataset_ids: Iterable[str]) -> list[TrainedOn]:
        """TRAINED_ON edges reaching any of ``dataset_ids``."""
        return [TrainedOn(*row) for row in self._read_by_ids(cy.TRAINED_ON_DATASETS, dataset_ids)]

    def iter_repos(self, batch_size: int = 50_000) -> Iterator[list[Repo]]:
        """All repositories, ordered by id, in lists of ``batch_size``."""
        return self._iter(cy.ALL_REPOS, batch_size, lambda row: cy.repo_from(row["r"]))

    def iter_spaces(self, batch_size: int = 50_000) -> Iterator[list[Space]]:
        """All Spaces, ordered by id, in lists of ``batch_size``."""
        return self._iter(cy.ALL_SPACES, batch_size, lambda record: cy.space_from_values(record[0]))

    def iter_derived_from(self, batch_size: int = 50_000) -> Iterator[list[DerivedFrom]]:
        """All DERIVED_FROM edges ordered by (child, base), as the embedded store, in lists of ``batch_size``."""
        return self._iter(cy.ALL_DERIVED_FROM, batch_size, cy.derived_from_from)

    def iter_trained_on(self, batch_size: int = 50_000) -> Iterator[list[TrainedOn]]:
        """All TRAINED_ON edges (unordered) in lists of ``batch_size``."""
        return self._iter(cy.ALL_TRAINED_ON, batch_size, cy.trained_on_from)

    def iter_uses(self, batch_size: int = 50_000) -> Iterator[list[Uses]]:
        """All USES edges (unordered) in lists of ``batch_size``."""
        return self._iter(cy.ALL_USES, batch_size, cy.uses_from)

    def iter_edge_endpoints(self, kind: EdgeKind, batch_size: int = 50_000) -> Iterator[list[tuple[str, ...]]]:
        """Every edge of ``kind`` as a plain ``(from, to, attribute)`` tuple (see ``GraphStore``), unordered."""
        return self._iter(cy.EDGE_ENDPOINTS[kind], batch_size, lambda record: tuple(record[0]))

    def run_cypher(self, statements: Sequence[str], params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
        """Run ``statements`` in order (each in its own auto-commit transaction, so schema statements work too)
        with ``params``; return the last one's column names and rows (values as the driver gives them)."""
        keys: list[str] = []
        rows: list[list[Any]] = []
        with translated(self.location, "running a query"):
            with self._driver.session(database=self.database) as session:
                for statement in statements:
                    result = session.run(self._query(statement), params)
                    keys, rows = list(result.keys()), [record.values() for record in result]
        return keys, rows

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the driver and its connections; closing again does nothing."""
        self._driver.close()

    # plumbing

    def _timed(self, work: Callable[..., T]) -> Callable[..., T]:
        return unit_of_work(timeout=self.query_timeout)(work) if self.query_timeout else work

    def _query(self, text: str) -> Query:
        return Query(text, timeout=self.query_timeout)

    def _read(self, query: str, **params: Any) -> list[Record]:
        """``query``'s records, read by key (no ``Record.data()``: it copies every nested list value by value,
        which costs more than the query for a lineage of 100k edges)."""
        with translated(self.location, "reading"):
            with self._driver.session(database=self.database) as session:
                return list(session.run(self._query(query), params))

    def _read_by_ids(self, query: str, ids: Iterable[str]) -> list[list[Any]]:
        """Run an ``UNWIND $ids ... RETURN collect([...]) AS rows`` query over ``ids`` (deduplicated) in chunks of
        ``batch_size``; return the collected field lists."""
        rows: list[list[Any]] = []
        for chunk in chunks(unique(ids), self.batch_size):
            for record in self._read(query, ids=list(chunk)):
                rows.extend(record["rows"])
        return rows

    def _iter(self, query: str, batch_size: int, convert: Callable[[Record], T]) -> Iterator[list[T]]:
        """Stream ``query``'s records from one session, converted, in lists of ``batch_size`` (a ``batch_size``
        below 1 is a ``ValueError`` at once, before any query)."""
        check_batch_size(batch_size)
        return self._stream(query, batch_size, convert)

    def _stream(self, query: str, batch_size: int, convert: Callable[[Record], T]) -> Iterator[list[T]]:
        with translated(self.location, "reading"):
            with self._driver.session(database=self.database, fetch_size=batch_size) as session:
                result = session.run(self._query(query))
                page: list[T] = []
                for record in result:
                    page.append(convert(record))
                    if len(page) >= batch_size:
                        yield page
                        page = []
                if page:
                    yield page


def _write_steps(plan: WritePlan) -> list[tuple[str, list[Any]]]:
    """The statements that persist ``plan``, in order, each with its parameter rows (empty ones left out)."""
    batch = plan.batch
    steps: list[tuple[str, Sequence[Any]]] = [
        (cy.UPSERT_MODELS, [list(m) for m in plan.fetched]),
        (cy.STUB_MODELS, [list(s) for s in plan.stubs]),
        (cy.STUB_LICENSES, [list(s) for s in plan.stub_licenses]),
        (cy.UPSERT_DATASETS, [list(d) for d in plan.fetched_datasets]),
        (cy.STUB_DATASETS, plan.dataset_stubs),
        (cy.STUB_DATASET_LICENSES, [list(d) for d in plan.stub_dataset_licenses]),
        (cy.UPSERT_REPOS, [list(r) for r in batch.repos]),
        (cy.UPSERT_SPACES, [list(s) for s in plan.fetched_spaces]),
        (cy.STUB_REPOS, plan.repo_stubs),
        (cy.STUB_SPACES, plan.space_stubs),
        (cy.STUB_SPACE_LICENSES, [list(s) for s in plan.stub_space_licenses]),
        (cy.MERGE_DERIVED_FROM, [list(e) for e in batch.derived_from]),
        (cy.MERGE_TRAINED_ON, [list(e) for e in batch.trained_on]),
        (cy.MERGE_DATASET_DERIVED_FROM, [list(e) for e in batch.dataset_derived_from]),
        (cy.MERGE_USES_FROM_REPOS, [list(u) for u in batch.uses if u.user_kind == USER_REPO]),
        (cy.MERGE_USES_FROM_SPACES, [list(u) for u in batch.uses if u.user_kind == USER_SPACE]),
        (cy.MERGE_NOTES, [list(n) for n in batch.notes]),
        (cy.MERGE_ALIASES, [list(a) for a in batch.aliases]),
        (cy.RECLASSIFY_RENAMED, [list(r) for r in plan.renamed]),
        (cy.SET_DETAILS, [list(d) for d in batch.details]),
        (cy.CREATE_EVAL_RESULTS, [list(e) for e in batch.eval_results]),
    ]
    steps.append((cy.BUMP_GENERATION, [None]))
    return [(statement, list(rows)) for statement, rows in steps if rows]
