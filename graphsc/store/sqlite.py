"""The embedded store: one SQLite file, created on first use.

Writes go in one transaction per batch with WAL journaling, so a killed process leaves the file at the last
committed batch, never corrupt. Tables are ``WITHOUT ROWID`` keyed by id (and by endpoint pairs for edges) so
upserts are a single B-tree write, and lineage walks use recursive CTEs over indexed endpoints.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import suppress
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import quote

from graphsc.errors import MissingStoreError, StoreError
from graphsc.ids import id_key
from graphsc.records import (
    HUB_SPACE_SOURCES,
    SOURCE_HUB_SPACES,
    SOURCE_HUB_SPACES_AND_CARD,
    SOURCE_SPACE_CARD,
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
from graphsc.store.assemble import plan_write
from graphsc.store.base import Direction, EdgeKind, GraphCounts, ModelMetrics
from graphsc.store.common import METRICS_COLUMNS, check_batch_size, chunks, metrics_row, similar_ids, unique
from graphsc.store.identity import find_dataset_id, find_model_id
from graphsc.store.sqlite_errors import DAMAGED_HINT, NOT_OURS_HINT, guarded, is_store_fault, store_error

SCHEMA_VERSION = 2
T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS models (
    id TEXT PRIMARY KEY, author TEXT, license TEXT, license_name TEXT, license_link TEXT,
    pipeline_tag TEXT, library_name TEXT, downloads INTEGER, likes INTEGER, created_at TEXT,
    last_modified TEXT, gated TEXT, fetched INTEGER NOT NULL, fetched_at TEXT, has_card INTEGER
);
CREATE TABLE IF NOT EXISTS datasets (id TEXT PRIMARY KEY, license TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS repos (
    id TEXT PRIMARY KEY, license TEXT, license_raw TEXT, stars INTEGER, archived INTEGER, pushed_at TEXT,
    fetched_at TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS spaces (id TEXT PRIMARY KEY, license TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS derived_from (
    child TEXT NOT NULL, base TEXT NOT NULL, relation TEXT NOT NULL, source TEXT NOT NULL, fetched_at TEXT,
    PRIMARY KEY (child, base)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS derived_from_base ON derived_from (base, child);
CREATE TABLE IF NOT EXISTS trained_on (
    model TEXT NOT NULL, dataset TEXT NOT NULL, source TEXT NOT NULL, fetched_at TEXT,
    PRIMARY KEY (model, dataset)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS trained_on_dataset ON trained_on (dataset);
CREATE TABLE IF NOT EXISTS uses (
    user_kind TEXT NOT NULL, user TEXT NOT NULL, model TEXT NOT NULL, source TEXT NOT NULL, evidence TEXT,
    fetched_at TEXT, PRIMARY KEY (user_kind, user, model)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS uses_model ON uses (model);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
"""
# What version 2 added (besides ``models.has_card``): id keys for case-insensitive identity, notes, aliases.
# A version 1 file gains them in place on open; nothing is lost.
_SCHEMA_2 = """
CREATE INDEX IF NOT EXISTS models_key ON models (lower(id));
CREATE INDEX IF NOT EXISTS datasets_key ON datasets (lower(id));
CREATE TABLE IF NOT EXISTS id_notes (
    model TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, resolved TEXT, kind TEXT NOT NULL, fetched_at TEXT,
    PRIMARY KEY (model, field, value, kind)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS aliases (alias TEXT PRIMARY KEY, key TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL)
    WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS aliases_key ON aliases (key, kind);
CREATE INDEX IF NOT EXISTS aliases_id ON aliases (id);
CREATE INDEX IF NOT EXISTS id_notes_resolved ON id_notes (resolved);
"""

# What a record says beyond its edges (``ModelDetails``, ``EvalResult``): created whenever a file is opened for
# writing, so an older file gains them on its next write and needs no migration; readers treat them as empty until.
_DETAILS_SCHEMA = """
CREATE TABLE IF NOT EXISTS model_details (
    model TEXT PRIMARY KEY, files INTEGER, weight_formats TEXT NOT NULL, pickle_files INTEGER NOT NULL,
    custom_code INTEGER NOT NULL, architectures TEXT NOT NULL, model_type TEXT, quant_method TEXT,
    parameters INTEGER, dtypes TEXT NOT NULL, card_fields TEXT NOT NULL, disabled INTEGER NOT NULL, scan_status TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS eval_results (
    model TEXT NOT NULL, position INTEGER NOT NULL, task TEXT, dataset TEXT, dataset_name TEXT, metric TEXT,
    metric_name TEXT, value REAL, value_text TEXT, verified INTEGER, source_name TEXT, source_url TEXT,
    PRIMARY KEY (model, position)
) WITHOUT ROWID;
"""
_DETAILS_TABLES = ("model_details", "eval_results")

# What dataset and Space records add (their fields beyond id and license, and dataset lineage): columns and a table
# created whenever a file is opened for writing, so older files gain them in place; a reader of an older file reads
# the missing columns as NULL (``fetched`` as 0: such datasets and Spaces were only ever stubs).
_ADDED_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "datasets": (
        ("license_name", "TEXT"),
        ("license_link", "TEXT"),
        ("author", "TEXT"),
        ("downloads", "INTEGER"),
        ("likes", "INTEGER"),
        ("created_at", "TEXT"),
        ("last_modified", "TEXT"),
        ("gated", "TEXT"),
        ("fetched", "INTEGER NOT NULL DEFAULT 0"),
        ("fetched_at", "TEXT"),
    ),
    "spaces": (
        ("sdk", "TEXT"),
        ("author", "TEXT"),
        ("likes", "INTEGER"),
        ("created_at", "TEXT"),
        ("last_modified", "TEXT"),
        ("fetched", "INTEGER NOT NULL DEFAULT 0"),
        ("fetched_at", "TEXT"),
    ),
}
_DATASET_LINEAGE_SCHEMA = """
CREATE TABLE IF NOT EXISTS dataset_derived_from (
    child TEXT NOT NULL, base TEXT NOT NULL, source TEXT NOT NULL, fetched_at TEXT, PRIMARY KEY (child, base)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dataset_derived_from_base ON dataset_derived_from (base, child);
CREATE INDEX IF NOT EXISTS repos_key ON repos (lower(id));
CREATE INDEX IF NOT EXISTS spaces_key ON spaces (lower(id));
"""
# A use both the model's record and the Space's card declare keeps both (``SOURCE_HUB_SPACES_AND_CARD``).
_UPSERT_USES = (
    "INSERT INTO uses (user, user_kind, model, source, evidence, fetched_at) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT(user_kind, user, model) DO UPDATE SET source = CASE "
    f"WHEN uses.source IN ({', '.join(repr(x) for x in sorted(HUB_SPACE_SOURCES))}) "
    f"AND excluded.source IN ('{SOURCE_HUB_SPACES}', '{SOURCE_SPACE_CARD}') AND uses.source != excluded.source "
    f"THEN '{SOURCE_HUB_SPACES_AND_CARD}' ELSE excluded.source END, "
    "evidence = excluded.evidence, fetched_at = excluded.fetched_at"
)
_UPSERT_DATASET = (
    f"INSERT INTO datasets ({', '.join(Dataset._fields)}) VALUES ({', '.join('?' * len(Dataset._fields))}) "
    "ON CONFLICT(id) DO UPDATE SET " + ", ".join(f"{c}=excluded.{c}" for c in Dataset._fields[1:])
)
_UPSERT_SPACE = (
    f"INSERT INTO spaces ({', '.join(Space._fields)}) VALUES ({', '.join('?' * len(Space._fields))}) "
    "ON CONFLICT(id) DO UPDATE SET " + ", ".join(f"{c}=excluded.{c}" for c in Space._fields[1:])
)

# The tables a graphsc file of each schema version has (version 1 lacks what _SCHEMA_2 adds).
_TABLES_1 = frozenset({"meta", "models", "datasets", "repos", "spaces", "derived_from", "trained_on", "uses", "state"})
_TABLES = _TABLES_1 | {"id_notes", "aliases"}

_MODEL_COLUMNS = Model._fields
_UPSERT_MODEL = (
    f"INSERT INTO models ({', '.join(_MODEL_COLUMNS)}) VALUES ({', '.join('?' * len(_MODEL_COLUMNS))}) "
    "ON CONFLICT(id) DO UPDATE SET " + ", ".join(f"{c}=excluded.{c}" for c in _MODEL_COLUMNS[1:])
)
# Written by ``graphsc analyze --write``; created on first write, so older files need no migration.
_METRICS_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS model_metrics (model_id TEXT PRIMARY KEY, "
    + ", ".join(
        f"{c} {'REAL' if c in ('pagerank', 'betweenness') else 'TEXT' if c == 'family' else 'INTEGER'}"
        for c in METRICS_COLUMNS[1:]
    )
    + ") WITHOUT ROWID"
)
_STUB_MODEL = "INSERT OR IGNORE INTO models (id, author, fetched) VALUES (?, ?, 0)"
# An unfetched model that carries a license (e.g. the one a usage dataset recorded) fills it in on a stub,
# never on a fetched model.
_STUB_LICENSE = (
    "INSERT INTO models (id, author, license, fetched) VALUES (?, ?, ?, 0) "
    "ON CONFLICT(id) DO UPDATE SET license=excluded.license WHERE models.fetched=0"
)
_REPO_COLUMNS = ("id", "license", "license_raw", "stars", "archived", "pushed_at", "fetched_at")
# Sources know different things about a repository (PeaTMOSS its license, GitHub also stars): merge, don't erase.
_UPSERT_REPO = (
    f"INSERT INTO repos VALUES ({', '.join('?' * len(_REPO_COLUMNS))}) ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(f"{c}=coalesce(excluded.{c}, {c})" for c in _REPO_COLUMNS[1:])
)
# The store's generation (``GraphStore.generation``): counted in ``meta`` in the transaction of each write.
_EPOCH, _GENERATION = "epoch", "generation"
_BUMP_GENERATION = "INSERT INTO meta VALUES (?, '1') ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
_EDGE_ENDPOINTS: dict[str, str] = {
    "DERIVED_FROM": "SELECT child, base, relation, source FROM derived_from",
    "USES": "SELECT model, user, user_kind FROM uses",
    "TRAINED_ON": "SELECT model, dataset, source FROM trained_on",
}
_MAX_PARAMS = 900
_first_two = itemgetter(0, 1)  # sort key: an edge's endpoints (other fields may be None)


# A card base once unconfirmed is a followed rename when the Hub later redirects it to a base the model is tagged
# with (graphsc.store.identity does the same for notes and aliases written together).
_RECLASSIFY_RENAMED = (
    "UPDATE OR REPLACE id_notes SET kind='renamed', resolved=? WHERE kind='unconfirmed' AND lower(resolved)=? "
    "AND EXISTS (SELECT 1 FROM derived_from d WHERE d.child = id_notes.model AND d.base = ?)"
)
_SELECT_NOTES = "SELECT model, field, value, resolved, kind, fetched_at FROM id_notes"
_MODEL_REFERENCES = (
    ("derived_from", "child"),
    ("derived_from", "base"),
    ("trained_on", "model"),
    ("uses", "model"),
    ("id_notes", "model"),
)


@lru_cache(maxsize=1 << 14)
def _json_array(values: tuple[str, ...]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def _details_row(d: ModelDetails) -> tuple[Any, ...]:
    # Tuples of strings are stored as JSON arrays (the table's column order is ``ModelDetails``'s field order).
    return (
        d.model,
        d.files,
        _json_array(d.weight_formats),
        d.pickle_files,
        d.custom_code,
        _json_array(d.architectures),
        d.model_type,
        d.quant_method,
        d.parameters,
        _json_array(d.dtypes),
        _json_array(d.card_fields),
        d.disabled,
        d.scan_status,
    )


@lru_cache(maxsize=1 << 14)
def _text_tuple(value: str) -> tuple[str, ...]:
    """A stored JSON array of strings as a tuple; the few distinct values (format sets, card fields) decode once."""
    return tuple(json.loads(value))


def _details_from_row(r: Sequence[Any]) -> ModelDetails:
    # By position, in ``ModelDetails`` field order (the table's column order): whole-graph reads decode millions.
    return ModelDetails(
        r[0],
        r[1],
        _text_tuple(r[2]),
        r[3],
        bool(r[4]),
        _text_tuple(r[5]),
        r[6],
        r[7],
        r[8],
        _text_tuple(r[9]),
        _text_tuple(r[10]),
        bool(r[11]),
        r[12],
    )


def _eval_result_from_row(row: Sequence[Any]) -> EvalResult:
    result = EvalResult._make(row)
    return result if result.verified is None else result._replace(verified=bool(result.verified))


def _dataset_from_row(row: Sequence[Any]) -> Dataset:
    return Dataset._make((*row[:10], bool(row[10]), row[11]))


def _space_from_row(row: Sequence[Any]) -> Space:
    return Space._make((*row[:7], bool(row[7]), row[8]))


def _model_from_row(row: Sequence[Any]) -> Model:
    values = list(row)
    values[12] = bool(values[12])
    if values[14] is not None:
        values[14] = bool(values[14])
    return Model(*values)


class SQLiteStore:
    """The embedded ``GraphStore`` backend (see ``graphsc.store.base.GraphStore``).

    ``SQLiteStore(path)`` opens for writing: it creates the directories and the file when missing and migrates an
    older schema. ``SQLiteStore(path, readonly=True)`` (what read commands use) never creates anything: a missing
    file is a ``MissingStoreError``, and the file is opened with SQLite's ``mode=ro`` (plus ``immutable=1`` when
    its directory is read-only and no write-ahead log exists, so a read-only database in a read-only directory is
    still readable). A read-only store that is asked to write (``set_state`` of ``neo4j push``) reopens the
    existing file for writing first. Either way a non-empty SQLite file without graphsc's ``meta`` table is refused
    untouched, and every fault of the file (permissions, full disk, corruption, wrong or newer schema, missing
    tables) is a ``StoreError`` naming the file and what to do. ``with SQLiteStore(path) as store:`` closes it.
    """

    kind = "embedded"

    def __init__(self, path: str | Path, *, readonly: bool = False, create: bool = True) -> None:
        """``readonly``: open for reading only, never create; ``create`` False: open read-write an existing store
        only (a command that reads before it writes, ``analyze --write``). Raises ``StoreError``."""
        self.path = Path(path)
        self.location = str(self.path)
        self.readonly = readonly
        self._wrote = False
        self._column_cache: dict[str, frozenset[str]] = {}
        try:
            is_dir, exists = self.path.is_dir(), self.path.exists()
        except OSError as exc:  # a directory on the way that may not be searched
            raise StoreError(
                self.location,
                f"cannot be reached ({exc.strerror})",
                "Check the permissions of the directories on the path, or give --db another path.",
            ) from None
        if is_dir:
            raise StoreError(
                self.location,
                "is a directory, not a database file",
                "Give --db / GRAPHSC_DB the path of a file (e.g. .../graphsc.db).",
            )
        if (readonly or not create) and not exists:
            raise MissingStoreError(self.location)
        if not readonly:
            self._check_writable()
        self._db = self._connect(readonly)
        try:
            self._init_schema()
        except BaseException:
            self._db.close()
            raise

    def _check_writable(self) -> None:
        """Create the file's directories; raise ``StoreError`` if the file or its directory cannot be written."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                self.location,
                f"cannot create its directory ({exc.strerror})",
                "Check that you may write the directory, or give --db a writable path.",
            ) from None
        directory = self.path.parent
        if (self.path.exists() and not os.access(self.path, os.W_OK)) or not os.access(directory, os.W_OK):
            what = (
                "the file" if self.path.exists() and not os.access(self.path, os.W_OK) else f"its directory {directory}"
            )
            raise StoreError(
                self.location,
                f"the database is read-only ({what} is not writable)",
                "Check the permissions of the file and its directory (graphsc writes the file and a "
                "-wal/-shm journal beside it), or give --db a writable path.",
            )

    def _uri(self, readonly: bool) -> str:
        """The SQLite URI that opens the file: ``mode=ro`` (+ ``immutable=1``, see the class docstring) or
        ``mode=rw``/``rwc`` (``rwc`` creates the file)."""
        path = quote(str(self.path.absolute()), safe="/")
        if not readonly:
            return f"file:{path}?mode={'rw' if self.path.exists() else 'rwc'}"
        wal = Path(f"{self.path}-wal")
        immutable = not os.access(self.path.parent, os.W_OK) and not wal.exists()
        return f"file:{path}?mode=ro" + ("&immutable=1" if immutable else "")

    def _connect(self, readonly: bool) -> sqlite3.Connection:
        """A connection to the file in the given mode, with graphsc's pragmas (the journal mode is set later, once
        the file is known to be graphsc's). Raises ``StoreError``."""
        try:
            db = sqlite3.connect(self._uri(readonly), uri=True, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise store_error(self.location, exc, "opening") from None
        try:
            db.execute("PRAGMA cache_size=-262144")
            db.execute("PRAGMA temp_store=MEMORY")
        except sqlite3.Error as exc:
            db.close()
            raise store_error(self.location, exc, "opening") from None
        return db

    def _use_wal(self) -> None:
        """Switch a writable connection to WAL journaling (idempotent; recorded in the file)."""
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")

    def _ensure_writable(self) -> None:
        """Reopen a read-only store for writing (the file exists and is graphsc's). Raises ``StoreError``."""
        if not self.readonly:
            return
        self._check_writable()
        writable = self._connect(readonly=False)
        self._db.close()
        self._db = writable
        self.readonly = False
        try:
            self._use_wal()
            self._ensure_added_schema()
        except sqlite3.Error as exc:
            raise store_error(self.location, exc, "opening for writing") from None

    @guarded("opening")
    def _init_schema(self) -> None:
        """Check the file is a graphsc database this version can use; create the schema in a new (empty) file and
        migrate version 1. Raises ``StoreError`` (``MissingStoreError`` for an empty file opened read-only)."""
        tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "meta" not in tables:
            if tables:
                shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
                raise StoreError(
                    self.location,
                    f"is a SQLite database of another program (tables: {shown}), not graphsc's; "
                    "graphsc leaves it unchanged",
                    NOT_OURS_HINT,
                )
            if self.readonly:
                raise MissingStoreError(self.location)
            self._use_wal()
            with self._transaction():
                self._run_script(_SCHEMA + _SCHEMA_2)
                self._db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            self._ensure_added_schema()
            return
        version = self._schema_version()
        needed = _TABLES_1 if version == 1 else _TABLES
        missing = sorted(needed - tables)
        if missing:
            raise StoreError(
                self.location, f"graphsc tables are missing ({', '.join(missing)}); the file is damaged", DAMAGED_HINT
            )
        if not self.readonly:
            self._use_wal()
        if version == 1:
            self._migrate_from_1()
        if not self.readonly:
            self._ensure_added_schema()

    def _ensure_added_schema(self) -> None:
        """Create what later versions added without a schema version (details, dataset and Space fields, dataset
        lineage) in a file opened for writing."""
        missing = {
            table: [(name, kind) for name, kind in added if name not in self._columns(table)]
            for table, added in _ADDED_COLUMNS.items()
        }
        if self._has_details_tables() and self._has_index("spaces_key") and not any(missing.values()):
            return
        with self._transaction():
            self._run_script(_DETAILS_SCHEMA + _DATASET_LINEAGE_SCHEMA)
            for table, columns in missing.items():
                for name, kind in columns:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")
        self._column_cache.clear()

    def _columns(self, table: str) -> frozenset[str]:
        found = self._column_cache.get(table)
        if found is None:
            found = self._column_cache[table] = frozenset(
                row[1] for row in self._db.execute(f"PRAGMA table_info({table})")
            )
        return found

    def _has_index(self, name: str) -> bool:
        return (
            self._db.execute("SELECT 1 FROM sqlite_master WHERE type='index' AND name=?", (name,)).fetchone()
            is not None
        )

    def _has_table(self, name: str) -> bool:
        return (
            self._db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone()
            is not None
        )

    def _select_columns(self, table: str, fields: tuple[str, ...]) -> str:
        """``fields`` as a select list; columns an older file lacks read as NULL (``fetched`` as 0)."""
        present = self._columns(table)
        return ", ".join(f if f in present else ("0" if f == "fetched" else "NULL") for f in fields)

    def _has_details_tables(self) -> bool:
        found = self._db.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name IN (?, ?)", _DETAILS_TABLES
        ).fetchone()[0]
        return bool(found == len(_DETAILS_TABLES))

    def _schema_version(self) -> int:
        """The file's schema version if this graphsc can use it (``SCHEMA_VERSION`` or 1, which is migrated);
        raises ``StoreError`` for a missing, non-integer, older or newer one."""
        row = self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is None:
            raise StoreError(
                self.location, "has no graphsc schema version; the file is damaged or not graphsc's", DAMAGED_HINT
            )
        try:
            version = int(str(row[0]).strip())
        except ValueError:
            raise StoreError(
                self.location,
                f"schema version {row[0]!r} is not a number; the file is damaged or not graphsc's",
                DAMAGED_HINT,
            ) from None
        if version > SCHEMA_VERSION:
            raise StoreError(
                self.location,
                f"schema version {version} is newer than this graphsc supports ({SCHEMA_VERSION})",
                "Upgrade graphsc (the file was written by a newer version), or use another --db file.",
            )
        if version not in (1, SCHEMA_VERSION):
            raise StoreError(
                self.location,
                f"schema version {version}, this graphsc needs {SCHEMA_VERSION}",
                "Re-ingest into a new --db file.",
            )
        return version

    def _migrate_from_1(self) -> None:
        with self._transaction():
            self._db.execute("ALTER TABLE models ADD COLUMN has_card INTEGER")
            self._run_script(_SCHEMA_2)
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def _run_script(self, script: str) -> None:
        for statement in script.split(";"):
            if statement.strip():
                self._db.execute(statement)

    def _transaction(self) -> _Transaction:
        """One write transaction (reopening a read-only store for writing first)."""
        self._ensure_writable()
        return _Transaction(self._db, self.location)

    # writes

    @guarded("writing a batch")
    def write(self, batch: GraphBatch) -> None:
        # What to write is planned once for both backends (``graphsc.store.assemble``); this only persists it.
        # Records are NamedTuples in table column order, so most go to executemany as they are.
        db = self._db
        self._wrote = True
        with self._transaction():
            db.execute("INSERT OR IGNORE INTO meta VALUES (?, lower(hex(randomblob(8))))", (_EPOCH,))
            db.execute(_BUMP_GENERATION, (_GENERATION,))
            plan = plan_write(batch, self)
            batch = plan.batch
            for old, new in plan.moves:
                self._move_model(old, new)
            for old, new in plan.dataset_moves:
                self._move_dataset(old, new)
            for old, new in plan.space_moves:
                self._move_space(old, new)
            if plan.fetched:
                self._drop_outgoing_hub_edges([m.id for m in plan.fetched])
                db.executemany(_UPSERT_MODEL, plan.fetched)
            db.executemany(_STUB_MODEL, plan.stubs)
            db.executemany(_STUB_LICENSE, plan.stub_licenses)
            if plan.fetched_datasets:
                db.executemany(
                    "DELETE FROM dataset_derived_from WHERE child=?", [(d.id,) for d in plan.fetched_datasets]
                )
                db.executemany(_UPSERT_DATASET, plan.fetched_datasets)
            db.executemany("INSERT OR IGNORE INTO datasets (id) VALUES (?)", [(d,) for d in plan.dataset_stubs])
            db.executemany(
                "UPDATE datasets SET license=? WHERE id=? AND fetched=0",
                [(license_id, d) for d, license_id in plan.stub_dataset_licenses],
            )
            if batch.repos:
                db.executemany(_UPSERT_REPO, batch.repos)
            if plan.fetched_spaces:
                spaces = [(u.id,) for u in plan.fetched_spaces]
                db.executemany(
                    f"DELETE FROM uses WHERE user_kind='{USER_SPACE}' AND user=? AND source='{SOURCE_SPACE_CARD}'",
                    spaces,
                )
                db.executemany(
                    f"UPDATE uses SET source='{SOURCE_HUB_SPACES}' WHERE user_kind='{USER_SPACE}' AND user=? "
                    f"AND source='{SOURCE_HUB_SPACES_AND_CARD}'",
                    spaces,
                )
                db.executemany(_UPSERT_SPACE, plan.fetched_spaces)
            db.executemany("INSERT OR IGNORE INTO spaces (id) VALUES (?)", [(u,) for u in plan.space_stubs])
            db.executemany(
                "UPDATE spaces SET license=? WHERE id=? AND fetched=0",
                [(license_id, u) for u, license_id in plan.stub_space_licenses],
            )
            db.executemany("INSERT OR IGNORE INTO repos (id) VALUES (?)", [(u,) for u in plan.repo_stubs])
            db.executemany(
                "INSERT OR REPLACE INTO derived_from VALUES (?, ?, ?, ?, ?)", sorted(batch.derived_from, key=_first_two)
            )
            db.executemany(
                "INSERT OR REPLACE INTO trained_on VALUES (?, ?, ?, ?)", sorted(batch.trained_on, key=_first_two)
            )
            db.executemany(
                "INSERT OR REPLACE INTO dataset_derived_from VALUES (?, ?, ?, ?)",
                sorted(batch.dataset_derived_from, key=_first_two),
            )
            db.executemany(_UPSERT_USES, batch.uses)
            db.executemany("INSERT OR REPLACE INTO id_notes VALUES (?, ?, ?, ?, ?, ?)", batch.notes)
            db.executemany(
                "INSERT OR REPLACE INTO aliases VALUES (?, ?, ?, ?)",
                [(a.alias, id_key(a.alias), a.id, a.kind) for a in batch.aliases],
            )
            db.executemany(_RECLASSIFY_RENAMED, [(new, old_key, new) for new, old_key in plan.renamed])
            db.executemany(
                f"INSERT OR REPLACE INTO model_details VALUES ({', '.join('?' * len(ModelDetails._fields))})",
                [_details_row(d) for d in batch.details],
            )
            db.executemany(
                f"INSERT OR REPLACE INTO eval_results VALUES ({', '.join('?' * len(EvalResult._fields))})",
                batch.eval_results,
            )

    def _move_model(self, old: str, new: str) -> None:
        """Rename model ``old`` to ``new``, or merge it into ``new`` if that is stored; its edges follow."""
        db = self._db
        if db.execute("SELECT 1 FROM models WHERE id=?", (new,)).fetchone():
            db.execute("DELETE FROM models WHERE id=?", (old,))
        else:
            db.execute("UPDATE models SET id=? WHERE id=?", (new, old))
        for table, column in _MODEL_REFERENCES:
            db.execute(f"UPDATE OR REPLACE {table} SET {column}=? WHERE {column}=?", (new, old))
        db.execute("DELETE FROM derived_from WHERE child=base AND child=?", (new,))
        db.execute("UPDATE aliases SET id=? WHERE id=?", (new, old))
        db.execute("DELETE FROM aliases WHERE alias=?", (new,))  # the new id is no longer an alias of anything
        db.execute("UPDATE id_notes SET resolved=? WHERE resolved=?", (new, old))
        for table in _DETAILS_TABLES:  # the node moved into keeps its own details when it has any
            if db.execute(f"SELECT 1 FROM {table} WHERE model=?", (new,)).fetchone():
                db.execute(f"DELETE FROM {table} WHERE model=?", (old,))
            else:
                db.execute(f"UPDATE {table} SET model=? WHERE model=?", (new, old))
        if db.execute("SELECT 1 FROM sqlite_master WHERE name='model_metrics'").fetchone():
            db.execute("DELETE FROM model_metrics WHERE model_id=?", (old,))

    def _move_space(self, old: str, new: str) -> None:
        """Rename Space ``old`` to ``new`` (another casing), or merge it into ``new`` if that is stored."""
        db = self._db
        if db.execute("SELECT 1 FROM spaces WHERE id=?", (new,)).fetchone():
            db.execute("DELETE FROM spaces WHERE id=?", (old,))
        else:
            db.execute("UPDATE spaces SET id=? WHERE id=?", (new, old))
        db.execute(f"UPDATE OR REPLACE uses SET user=? WHERE user_kind='{USER_SPACE}' AND user=?", (new, old))

    def _move_dataset(self, old: str, new: str) -> None:
        """Rename dataset ``old`` to ``new`` (another casing), or merge it into ``new`` if that is stored."""
        db = self._db
        if db.execute("SELECT 1 FROM datasets WHERE id=?", (new,)).fetchone():
            db.execute("DELETE FROM datasets WHERE id=?", (old,))
        else:
            db.execute("UPDATE datasets SET id=? WHERE id=?", (new, old))
        db.execute("UPDATE OR REPLACE trained_on SET dataset=? WHERE dataset=?", (new, old))
        for column in ("child", "base"):
            db.execute(f"UPDATE OR REPLACE dataset_derived_from SET {column}=? WHERE {column}=?", (new, old))
        db.execute("DELETE FROM dataset_derived_from WHERE child=base")

    def _drop_outgoing_hub_edges(self, model_ids: list[str]) -> None:
        """Delete the Hub edges of models that were fetched before (only those can have stale edges)."""
        known: list[str] = []
        for chunk in chunks(model_ids, _MAX_PARAMS):
            marks = ",".join("?" * len(chunk))
            known.extend(
                r[0] for r in self._db.execute(f"SELECT id FROM models WHERE fetched=1 AND id IN ({marks})", chunk)
            )
        if not known:
            return
        rows = [(i,) for i in known]
        self._db.executemany("DELETE FROM derived_from WHERE child=?", rows)
        self._db.executemany("DELETE FROM trained_on WHERE model=?", rows)
        self._db.executemany(f"DELETE FROM uses WHERE model=? AND source='{SOURCE_HUB_SPACES}'", rows)
        self._db.executemany(
            f"UPDATE uses SET source='{SOURCE_SPACE_CARD}' WHERE model=? AND source='{SOURCE_HUB_SPACES_AND_CARD}'",
            rows,
        )
        self._db.executemany("DELETE FROM id_notes WHERE model=?", rows)
        for table in _DETAILS_TABLES:
            self._db.executemany(f"DELETE FROM {table} WHERE model=?", rows)

    @guarded("writing model metrics")
    def write_model_metrics(self, rows: Iterable[ModelMetrics]) -> int:
        """Replace the ``model_metrics`` table's contents with ``rows`` in one transaction."""
        insert = f"INSERT INTO model_metrics VALUES ({', '.join('?' * len(METRICS_COLUMNS))})"
        written = 0
        with self._transaction():
            self._db.execute(_METRICS_SCHEMA)
            self._db.execute("DELETE FROM model_metrics")
            batch: list[tuple[Any, ...]] = []
            for row in rows:
                batch.append(metrics_row(row))
                if len(batch) >= 50_000:
                    self._db.executemany(insert, batch)
                    written += len(batch)
                    batch.clear()
            self._db.executemany(insert, batch)
            written += len(batch)
        return written

    @guarded("writing state")
    def set_state(self, items: dict[str, str]) -> None:
        with self._transaction():
            self._db.executemany("INSERT OR REPLACE INTO state VALUES (?, ?)", list(items.items()))

    # reads

    @guarded("reading")
    def generation(self) -> str:
        rows = dict(self._db.execute("SELECT key, value FROM meta WHERE key IN (?, ?)", (_EPOCH, _GENERATION)))
        return f"{rows.get(_EPOCH, '-')}/{rows.get(_GENERATION, '0')}"

    def compact_location(self) -> Path | None:
        return self.path.with_name(self.path.name + ".compact")

    @guarded("reading")
    def get_state(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM state WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def _rows_where_in(self, select: str, column: str, values: Iterable[str]) -> Iterator[tuple[Any, ...]]:
        """Rows of ``select`` whose ``column`` is one of ``values``, queried in chunks SQLite accepts."""
        for chunk in chunks(unique(values), _MAX_PARAMS):
            yield from self._db.execute(f"{select} WHERE {column} IN ({','.join('?' * len(chunk))})", chunk)

    @guarded("reading")
    def models(self, ids: Iterable[str]) -> dict[str, Model]:
        rows = self._rows_where_in(f"SELECT {', '.join(_MODEL_COLUMNS)} FROM models", "id", ids)
        return {row[0]: _model_from_row(row) for row in rows}

    @guarded("reading")
    def stored_model_ids(self, keys: Collection[str]) -> dict[str, str]:
        """``{id_key: stored id}`` for stored models whose key is in ``keys`` (an index seek each)."""
        return dict(self._rows_where_in("SELECT lower(id), id FROM models", "lower(id)", keys))

    @guarded("reading")
    def stored_dataset_ids(self, keys: Collection[str]) -> dict[str, str]:
        """``{id_key: stored id}`` for stored datasets whose key is in ``keys``."""
        return dict(self._rows_where_in("SELECT lower(id), id FROM datasets", "lower(id)", keys))

    @guarded("reading")
    def stored_repo_ids(self, keys: Collection[str]) -> dict[str, str]:
        """``{id_key: stored id}`` for stored repositories whose key is in ``keys``."""
        return dict(self._rows_where_in("SELECT lower(id), id FROM repos", "lower(id)", keys))

    @guarded("reading")
    def stored_space_ids(self, keys: Collection[str]) -> dict[str, str]:
        """``{id_key: stored id}`` for stored Spaces whose key is in ``keys``."""
        return dict(self._rows_where_in("SELECT lower(id), id FROM spaces", "lower(id)", keys))

    @guarded("reading")
    def stored_aliases(self, keys: Collection[str]) -> dict[str, str]:
        """``{alias key: target id}`` for the stored aliases whose key is in ``keys``."""
        return dict(self._rows_where_in("SELECT key, id FROM aliases", "kind != 'case' AND key", keys))

    @guarded("reading")
    def find_model_id(self, text: str) -> str | None:
        """The stored id ``text`` names (any casing, URL, legacy or old id; ``graphsc.store.identity``), or None."""
        return find_model_id(self, text)

    @guarded("reading")
    def notes_of(self, model_ids: Iterable[str]) -> list[IdNote]:
        """The id notes of ``model_ids``' records."""
        return [IdNote(*row) for row in self._rows_where_in(_SELECT_NOTES, "model", model_ids)]

    @guarded("reading")
    def iter_notes(self, batch_size: int = 50_000) -> Iterator[list[IdNote]]:
        return self._iter_as(f"{_SELECT_NOTES} ORDER BY model, field, value, kind", IdNote, batch_size)

    @guarded("reading")
    def details_of(self, model_ids: Iterable[str]) -> dict[str, ModelDetails]:
        if not self._has_details_tables():
            return {}
        found = (_details_from_row(r) for r in self._rows_where_in("SELECT * FROM model_details", "model", model_ids))
        return {d.model: d for d in found}

    @guarded("reading")
    def iter_details(self, batch_size: int = 50_000) -> Iterator[list[ModelDetails]]:
        check_batch_size(batch_size)
        if not self._has_details_tables():
            return iter(())
        return self._iter_rows("SELECT * FROM model_details ORDER BY model", _details_from_row, batch_size)

    @guarded("reading")
    def eval_results_of(self, model_ids: Iterable[str]) -> list[EvalResult]:
        if not self._has_details_tables():
            return []
        rows = self._rows_where_in("SELECT * FROM eval_results", "model", model_ids)
        return sorted((_eval_result_from_row(r) for r in rows), key=_first_two)

    @guarded("reading")
    def iter_eval_results(self, batch_size: int = 50_000) -> Iterator[list[EvalResult]]:
        check_batch_size(batch_size)
        if not self._has_details_tables():
            return iter(())
        return self._iter_rows("SELECT * FROM eval_results ORDER BY model, position", _eval_result_from_row, batch_size)

    @guarded("reading")
    def iter_aliases(self, batch_size: int = 50_000) -> Iterator[list[Alias]]:
        return self._iter_as("SELECT alias, id, kind FROM aliases ORDER BY alias", Alias, batch_size)

    @guarded("reading")
    def similar_model_ids(self, text: str, limit: int = 5) -> list[str]:
        return similar_ids(text, limit, self._ids_containing)

    def _ids_containing(self, fragment: str, limit: int) -> list[str]:
        """Up to ``limit`` model ids containing ``fragment`` (LIKE: ASCII letters in any case)."""
        pattern = "%" + fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return [
            r[0]
            for r in self._db.execute("SELECT id FROM models WHERE id LIKE ? ESCAPE '\\' LIMIT ?", (pattern, limit))
        ]

    @guarded("reading")
    def lineage_edges(self, model_id: str, direction: Direction) -> list[DerivedFrom]:
        if direction == "up":
            walk = "SELECT d.base FROM derived_from d JOIN reach r ON d.child = r.id"
            select = "JOIN reach r ON d.child = r.id"
        else:
            walk = "SELECT d.child FROM derived_from d JOIN reach r ON d.base = r.id"
            select = "JOIN reach r ON d.base = r.id"
        query = (
            f"WITH RECURSIVE reach(id) AS (SELECT ? UNION {walk}) "
            f"SELECT d.child, d.base, d.relation, d.source, d.fetched_at FROM derived_from d {select}"
        )
        return [DerivedFrom(*row) for row in self._db.execute(query, (model_id,))]

    @guarded("reading")
    def uses_of(self, model_ids: Iterable[str]) -> list[Uses]:
        select = "SELECT user, user_kind, model, source, evidence, fetched_at FROM uses"
        return [Uses(*row) for row in self._rows_where_in(select, "model", model_ids)]

    @guarded("reading")
    def trained_on(self, model_ids: Iterable[str]) -> list[TrainedOn]:
        select = "SELECT model, dataset, source, fetched_at FROM trained_on"
        return [TrainedOn(*row) for row in self._rows_where_in(select, "model", model_ids)]

    @guarded("reading")
    def counts(self) -> GraphCounts:
        db = self._db

        def count(sql: str) -> int:
            return int(db.execute(sql).fetchone()[0])

        nodes = {
            "Model": count("SELECT count(*) FROM models"),
            "Dataset": count("SELECT count(*) FROM datasets"),
            "Repo": count("SELECT count(*) FROM repos"),
            "Space": count("SELECT count(*) FROM spaces"),
        }
        edges = {
            "DERIVED_FROM": count("SELECT count(*) FROM derived_from"),
            "TRAINED_ON": count("SELECT count(*) FROM trained_on"),
            "USES": count("SELECT count(*) FROM uses"),
        }
        relations = dict(db.execute("SELECT relation, count(*) FROM derived_from GROUP BY relation ORDER BY relation"))
        fetched = "fetched" in self._columns("datasets")
        return GraphCounts(
            nodes,
            edges,
            relations,
            count("SELECT count(*) FROM models WHERE fetched=0"),
            count("SELECT count(*) FROM dataset_derived_from") if self._has_table("dataset_derived_from") else 0,
            count("SELECT count(*) FROM datasets WHERE fetched=0") if fetched else nodes["Dataset"],
            count("SELECT count(*) FROM spaces WHERE fetched=0")
            if "fetched" in self._columns("spaces")
            else nodes["Space"],
        )

    def _iter(self, sql: str, batch_size: int) -> Iterator[list[tuple[Any, ...]]]:
        """``sql``'s rows in lists of ``batch_size``; a ``batch_size`` below 1 is a ``ValueError`` at once."""
        check_batch_size(batch_size)
        return self._pages(sql, batch_size)

    def _pages(self, sql: str, batch_size: int) -> Iterator[list[tuple[Any, ...]]]:
        cursor = self._db.execute(sql)
        while rows := cursor.fetchmany(batch_size):
            yield rows

    def _iter_as(self, sql: str, record: Callable[..., T], batch_size: int) -> Iterator[list[T]]:
        """``sql``'s rows, each made a ``record`` from its columns in order, in lists of ``batch_size``."""
        return self._iter_rows(sql, lambda row: record(*row), batch_size)

    def _iter_rows(self, sql: str, convert: Callable[[tuple[Any, ...]], T], batch_size: int) -> Iterator[list[T]]:
        """``sql``'s rows, each converted by ``convert``, in lists of ``batch_size`` (checked at once)."""
        pages = self._iter(sql, batch_size)
        return ([convert(row) for row in rows] for rows in pages)

    @guarded("reading")
    def iter_models(self, batch_size: int = 50_000) -> Iterator[list[Model]]:
        return self._iter_rows(f"SELECT {', '.join(_MODEL_COLUMNS)} FROM models", _model_from_row, batch_size)

    @guarded("reading")
    def iter_model_fields(self, fields: Sequence[str], batch_size: int = 50_000) -> Iterator[list[tuple[Any, ...]]]:
        unknown = [f for f in fields if f not in _MODEL_COLUMNS]
        if unknown:
            raise ValueError(f"not Model fields: {', '.join(unknown)}")
        return self._iter(f"SELECT {', '.join(('id', *fields))} FROM models", batch_size)

    @guarded("reading")
    def iter_datasets(self, batch_size: int = 50_000) -> Iterator[list[Dataset]]:
        select = self._select_columns("datasets", Dataset._fields)
        return self._iter_rows(f"SELECT {select} FROM datasets ORDER BY id", _dataset_from_row, batch_size)

    @guarded("reading")
    def datasets(self, ids: Iterable[str]) -> dict[str, Dataset]:
        select = f"SELECT {self._select_columns('datasets', Dataset._fields)} FROM datasets"
        return {r[0]: _dataset_from_row(r) for r in self._rows_where_in(select, "id", ids)}

    @guarded("reading")
    def spaces(self, ids: Iterable[str]) -> dict[str, Space]:
        select = f"SELECT {self._select_columns('spaces', Space._fields)} FROM spaces"
        return {r[0]: _space_from_row(r) for r in self._rows_where_in(select, "id", ids)}

    @guarded("reading")
    def iter_dataset_derived_from(self, batch_size: int = 50_000) -> Iterator[list[DatasetDerivedFrom]]:
        check_batch_size(batch_size)
        if not self._has_table("dataset_derived_from"):
            return iter(())
        return self._iter_as(
            "SELECT child, base, source, fetched_at FROM dataset_derived_from ORDER BY child, base",
            DatasetDerivedFrom,
            batch_size,
        )

    @guarded("reading")
    def dataset_lineage_edges(self, dataset_id: str, direction: Direction) -> list[DatasetDerivedFrom]:
        if not self._has_table("dataset_derived_from"):
            return []
        near, far = ("child", "base") if direction == "up" else ("base", "child")
        query = (
            f"WITH RECURSIVE reach(id) AS (SELECT ? UNION SELECT d.{far} FROM dataset_derived_from d "
            f"JOIN reach r ON d.{near} = r.id) SELECT d.child, d.base, d.source, d.fetched_at "
            f"FROM dataset_derived_from d JOIN reach r ON d.{near} = r.id"
        )
        return [DatasetDerivedFrom(*row) for row in self._db.execute(query, (dataset_id,))]

    @guarded("reading")
    def trained_on_datasets(self, dataset_ids: Iterable[str]) -> list[TrainedOn]:
        select = "SELECT model, dataset, source, fetched_at FROM trained_on"
        return [TrainedOn(*row) for row in self._rows_where_in(select, "dataset", dataset_ids)]

    @guarded("reading")
    def find_dataset_id(self, text: str) -> str | None:
        return find_dataset_id(self, text)

    @guarded("reading")
    def iter_repos(self, batch_size: int = 50_000) -> Iterator[list[Repo]]:
        return self._iter_rows(
            "SELECT * FROM repos ORDER BY id",
            lambda r: Repo(r[0], r[1], r[2], r[3], None if r[4] is None else bool(r[4]), r[5], r[6]),
            batch_size,
        )

    @guarded("reading")
    def iter_spaces(self, batch_size: int = 50_000) -> Iterator[list[Space]]:
        select = self._select_columns("spaces", Space._fields)
        return self._iter_rows(f"SELECT {select} FROM spaces ORDER BY id", _space_from_row, batch_size)

    @guarded("reading")
    def iter_derived_from(self, batch_size: int = 50_000) -> Iterator[list[DerivedFrom]]:
        return self._iter_as(
            "SELECT child, base, relation, source, fetched_at FROM derived_from ORDER BY child, base",
            DerivedFrom,
            batch_size,
        )

    @guarded("reading")
    def iter_trained_on(self, batch_size: int = 50_000) -> Iterator[list[TrainedOn]]:
        return self._iter_as("SELECT model, dataset, source, fetched_at FROM trained_on", TrainedOn, batch_size)

    @guarded("reading")
    def iter_uses(self, batch_size: int = 50_000) -> Iterator[list[Uses]]:
        return self._iter_rows(
            "SELECT user_kind, user, model, source, evidence, fetched_at FROM uses",
            lambda r: Uses(r[1], r[0], r[2], r[3], r[4], r[5]),
            batch_size,
        )

    @guarded("reading")
    def iter_edge_endpoints(self, kind: EdgeKind, batch_size: int = 50_000) -> Iterator[list[tuple[str, ...]]]:
        return self._iter(_EDGE_ENDPOINTS[kind], batch_size)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the file (checkpointing the write-ahead log after writes); closing again does nothing."""
        if self._wrote:
            # Fold the write-ahead log back into the file and truncate it: after a bulk load it can hold hundreds
            # of MiB, which every later reader would otherwise map and scan.
            with suppress(sqlite3.Error):
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._wrote = False
        self._db.close()


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any exception (including KeyboardInterrupt), so a failed
    write leaves the file at the last committed batch. SQLite faults come out as ``StoreError``."""

    def __init__(self, db: sqlite3.Connection, location: str) -> None:
        self._db = db
        self._location = location

    def __enter__(self) -> None:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            if not is_store_fault(exc):
                raise
            raise store_error(self._location, exc, "starting a write") from None

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        if exc_type is None:
            try:
                self._db.execute("COMMIT")
                return
            except sqlite3.Error as err:
                self._rollback()
                if not is_store_fault(err):
                    raise
                raise store_error(self._location, err, "committing a write") from None
        self._rollback()
        if isinstance(exc, sqlite3.Error) and is_store_fault(exc):
            raise store_error(self._location, exc, "writing") from None

    def _rollback(self) -> None:
        """Roll back the open transaction, if SQLite has not already (it does itself after some errors, e.g. a
        full disk); a failing rollback is left to SQLite's journal recovery on the next open."""
        if self._db.in_transaction:
            with suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
