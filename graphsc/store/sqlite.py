"""The embedded store: one SQLite file, created on first use.

Writes go in one transaction per batch with WAL journaling, so a killed process leaves the file at the last
committed batch, never corrupt. Tables are ``WITHOUT ROWID`` keyed by id (and by endpoint pairs for edges) so
upserts are a single B-tree write, and lineage walks use recursive CTEs over indexed endpoints.
"""

from __future__ import annotations

import sqlite3
from operator import itemgetter
from contextlib import suppress
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from graphsc.errors import StoreError
from graphsc.ids import id_key
from graphsc.records import Alias, Dataset, DerivedFrom, GraphBatch, IdNote, Model, Repo, Space, TrainedOn, Uses
from graphsc.store.base import Direction, GraphCounts, ModelMetrics
from graphsc.store.identity import assemble, find_model_id
from graphsc.store.common import (
    METRICS_COLUMNS, SIMILAR_CANDIDATES, SIMILAR_SAMPLE, author_of, chunks, close_matches, metrics_row,
    rank_similar, sample_prefix, similar_name, unique,
)

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

_MODEL_COLUMNS = Model._fields
_UPSERT_MODEL = (
    f"INSERT INTO models ({', '.join(_MODEL_COLUMNS)}) VALUES ({', '.join('?' * len(_MODEL_COLUMNS))}) "
    "ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(f"{c}=excluded.{c}" for c in _MODEL_COLUMNS[1:])
)
# Written by ``graphsc analyze --write``; created on first write, so older files need no migration.
_METRICS_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS model_metrics (model_id TEXT PRIMARY KEY, "
    + ", ".join(f"{c} {'REAL' if c in ('pagerank', 'betweenness') else 'TEXT' if c == 'family' else 'INTEGER'}"
                for c in METRICS_COLUMNS[1:])
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
_MAX_PARAMS = 900
_first = itemgetter(0)  # sort keys: a record's id, an edge's endpoints (other fields may be None)
_first_two = itemgetter(0, 1)


# A card base once unconfirmed is a followed rename when the Hub later redirects it to a base the model is tagged
# with (graphsc.store.identity does the same for notes and aliases written together).
_RECLASSIFY_RENAMED = (
    "UPDATE OR REPLACE id_notes SET kind='renamed', resolved=? WHERE kind='unconfirmed' AND lower(resolved)=? "
    "AND EXISTS (SELECT 1 FROM derived_from d WHERE d.child = id_notes.model AND d.base = ?)"
)
_SELECT_NOTES = "SELECT model, field, value, resolved, kind, fetched_at FROM id_notes"
_MODEL_REFERENCES = (
    ("derived_from", "child"), ("derived_from", "base"), ("trained_on", "model"), ("uses", "model"),
    ("id_notes", "model"),
)


def _model_from_row(row: Sequence[Any]) -> Model:
    values = list(row)
    values[12] = bool(values[12])
    if values[14] is not None:
        values[14] = bool(values[14])
    return Model(*values)


class SQLiteStore:
    """The embedded ``GraphStore`` backend (see ``graphsc.store.base.GraphStore``)."""

    kind = "embedded"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._wrote = False
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA cache_size=-262144")
            self._db.execute("PRAGMA temp_store=MEMORY")
            self._init_schema()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                self.location, f"cannot open as a graphsc database ({exc})",
                "Point --db / GRAPHSC_DB at a graphsc database file or a new path.",
            ) from None
        except OSError as exc:
            raise StoreError(self.location, f"cannot create ({exc.strerror})", "Check the directory is writable.") from None

    def _init_schema(self) -> None:
        has_meta = self._db.execute("SELECT 1 FROM sqlite_master WHERE name='meta'").fetchone()
        if has_meta:
            row = self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            version = int(row[0]) if row else None
            if version == 1:
                self._migrate_from_1()
                return
            if version != SCHEMA_VERSION:
                raise StoreError(
                    self.location, f"schema version {version}, this graphsc needs {SCHEMA_VERSION}",
                    "Re-ingest into a new --db file.",
                )
            return
        with self._transaction():
            self._run_script(_SCHEMA + _SCHEMA_2)
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def _migrate_from_1(self) -> None:
        with self._transaction():
            self._db.execute("ALTER TABLE models ADD COLUMN has_card INTEGER")
            self._run_script(_SCHEMA_2)
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def _run_script(self, script: str) -> None:
        for statement in script.split(";"):
            if statement.strip():
                self._db.execute(statement)

    def _transaction(self) -> "_Transaction":
        return _Transaction(self._db, self.location)

    # writes

    def write(self, batch: GraphBatch) -> None:
        # Records are NamedTuples in table column order, so most go to executemany as they are.
        db = self._db
        self._wrote = True
        with self._transaction():
            assembled = assemble(batch, self)
            batch = assembled.batch
            for old, new in assembled.moves:
                self._move_model(old, new)
            # Rows go in key order: consecutive inserts then land on the same B-tree pages (fewer pages to cache
            # and write back per transaction than in a dump's random order).
            fetched = sorted((m for m in batch.models if m.fetched), key=_first)
            if fetched:
                self._drop_outgoing_hub_edges([m.id for m in fetched])
                db.executemany(_UPSERT_MODEL, fetched)
            fetched_ids = {m.id for m in fetched}
            stubs = {m.id for m in batch.models if not m.fetched}
            stubs.update(e.base for e in batch.derived_from)
            stubs.update(e.child for e in batch.derived_from)
            stubs.update(e.model for e in batch.trained_on)
            stubs.update(e.model for e in batch.uses)
            stubs -= fetched_ids
            db.executemany(_STUB_MODEL, [(i, author_of(i)) for i in sorted(stubs)])
            db.executemany(
                _STUB_LICENSE,
                [(m.id, author_of(m.id), m.license) for m in batch.models if not m.fetched and m.license],
            )
            if batch.datasets:
                db.executemany(
                    "INSERT INTO datasets VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET license=excluded.license",
                    batch.datasets,
                )
            db.executemany("INSERT OR IGNORE INTO datasets (id) VALUES (?)", [(d,) for d in {e.dataset for e in batch.trained_on}])
            if batch.repos:
                db.executemany(_UPSERT_REPO, batch.repos)
            if batch.spaces:
                db.executemany(
                    "INSERT INTO spaces VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET license=excluded.license",
                    batch.spaces,
                )
            for kind, table in (("space", "spaces"), ("repo", "repos")):
                users = {u.user for u in batch.uses if u.user_kind == kind}
                db.executemany(f"INSERT OR IGNORE INTO {table} (id) VALUES (?)", [(u,) for u in users])
            db.executemany("INSERT OR REPLACE INTO derived_from VALUES (?, ?, ?, ?, ?)", sorted(batch.derived_from, key=_first_two))
            db.executemany("INSERT OR REPLACE INTO trained_on VALUES (?, ?, ?, ?)", sorted(batch.trained_on, key=_first_two))
            db.executemany(
                "INSERT OR REPLACE INTO uses (user, user_kind, model, source, evidence, fetched_at) VALUES (?, ?, ?, ?, ?, ?)",
                batch.uses,
            )
            db.executemany("INSERT OR REPLACE INTO id_notes VALUES (?, ?, ?, ?, ?, ?)", batch.notes)
            db.executemany(
                "INSERT OR REPLACE INTO aliases VALUES (?, ?, ?, ?)",
                [(a.alias, id_key(a.alias), a.id, a.kind) for a in batch.aliases],
            )
            db.executemany(_RECLASSIFY_RENAMED, [(a.id, id_key(a.alias), a.id) for a in batch.aliases if a.kind == "renamed"])

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
        db.execute("UPDATE id_notes SET resolved=? WHERE resolved=?", (new, old))
        if db.execute("SELECT 1 FROM sqlite_master WHERE name='model_metrics'").fetchone():
            db.execute("DELETE FROM model_metrics WHERE model_id=?", (old,))

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
        self._db.executemany("DELETE FROM uses WHERE model=? AND source='hub-spaces'", rows)
        self._db.executemany("DELETE FROM id_notes WHERE model=?", rows)

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

    def set_state(self, items: dict[str, str]) -> None:
        with self._transaction():
            self._db.executemany("INSERT OR REPLACE INTO state VALUES (?, ?)", list(items.items()))

    # reads

    def get_state(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM state WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def _rows_where_in(self, select: str, column: str, values: Iterable[str]) -> Iterator[tuple[Any, ...]]:
        """Rows of ``select`` whose ``column`` is one of ``values``, queried in chunks SQLite accepts."""
        for chunk in chunks(unique(values), _MAX_PARAMS):
            yield from self._db.execute(f"{select} WHERE {column} IN ({','.join('?' * len(chunk))})", chunk)

    def models(self, ids: Iterable[str]) -> dict[str, Model]:
        rows = self._rows_where_in(f"SELECT {', '.join(_MODEL_COLUMNS)} FROM models", "id", ids)
        return {row[0]: _model_from_row(row) for row in rows}

    def stored_model_ids(self, keys: Collection[str]) -> dict[str, str]:
        """``{id_key: stored id}`` for stored models whose key is in ``keys`` (an index seek each)."""
        return dict(self._rows_where_in("SELECT lower(id), id FROM models", "lower(id)", keys))

    def stored_dataset_ids(self, keys: Collection[str]) -> dict[str, str]:
        """``{id_key: stored id}`` for stored datasets whose key is in ``keys``."""
        return dict(self._rows_where_in("SELECT lower(id), id FROM datasets", "lower(id)", keys))

    def stored_aliases(self, keys: Collection[str]) -> dict[str, str]:
        """``{alias key: target id}`` for the stored aliases whose key is in ``keys``."""
        return dict(self._rows_where_in("SELECT key, id FROM aliases", "kind != 'case' AND key", keys))

    def find_model_id(self, text: str) -> str | None:
        """The stored id ``text`` names (any casing, URL, legacy or old id; ``graphsc.store.identity``), or None."""
        return find_model_id(self, text)

    def notes_of(self, model_ids: Iterable[str]) -> list[IdNote]:
        """The id notes of ``model_ids``' records."""
        return [IdNote(*row) for row in self._rows_where_in(_SELECT_NOTES, "model", model_ids)]

    def iter_notes(self, batch_size: int = 50_000) -> Iterator[list[IdNote]]:
        return self._iter_as(_SELECT_NOTES, IdNote, batch_size)

    def iter_aliases(self, batch_size: int = 50_000) -> Iterator[list[Alias]]:
        return self._iter_as("SELECT alias, id, kind FROM aliases ORDER BY alias", Alias, batch_size)

    def similar_model_ids(self, text: str, limit: int = 5) -> list[str]:
        name = similar_name(text)
        if not name:
            return []
        pattern = "%" + name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        candidates = [
            r[0] for r in self._db.execute(
                "SELECT id FROM models WHERE id LIKE ? ESCAPE '\\' LIMIT ?", (pattern, SIMILAR_CANDIDATES)
            )
        ]
        if candidates:
            return rank_similar(text, candidates, limit)
        sample = self._db.execute(
            "SELECT id FROM models WHERE id LIKE ? LIMIT ?", (f"%{sample_prefix(name)}%", SIMILAR_SAMPLE)
        )
        return close_matches(text, (r[0] for r in sample), limit)

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

    def uses_of(self, model_ids: Iterable[str]) -> list[Uses]:
        select = "SELECT user, user_kind, model, source, evidence, fetched_at FROM uses"
        return [Uses(*row) for row in self._rows_where_in(select, "model", model_ids)]

    def trained_on(self, model_ids: Iterable[str]) -> list[TrainedOn]:
        select = "SELECT model, dataset, source, fetched_at FROM trained_on"
        return [TrainedOn(*row) for row in self._rows_where_in(select, "model", model_ids)]

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
        return GraphCounts(nodes, edges, relations, count("SELECT count(*) FROM models WHERE fetched=0"))

    def _iter(self, sql: str, batch_size: int) -> Iterator[list[tuple[Any, ...]]]:
        cursor = self._db.execute(sql)
        while rows := cursor.fetchmany(batch_size):
            yield rows

    def _iter_as(self, sql: str, record: Callable[..., T], batch_size: int) -> Iterator[list[T]]:
        """``sql``'s rows, each made a ``record`` from its columns in order, in lists of ``batch_size``."""
        for rows in self._iter(sql, batch_size):
            yield [record(*r) for r in rows]

    def iter_models(self, batch_size: int = 50_000) -> Iterator[list[Model]]:
        for rows in self._iter(f"SELECT {', '.join(_MODEL_COLUMNS)} FROM models", batch_size):
            yield [_model_from_row(r) for r in rows]

    def iter_model_fields(self, fields: Sequence[str], batch_size: int = 50_000) -> Iterator[list[tuple[Any, ...]]]:
        unknown = [f for f in fields if f not in _MODEL_COLUMNS]
        if unknown:
            raise ValueError(f"not Model fields: {', '.join(unknown)}")
        for rows in self._iter(f"SELECT {', '.join(('id', *fields))} FROM models", batch_size):
            yield rows

    def iter_datasets(self, batch_size: int = 50_000) -> Iterator[list[Dataset]]:
        return self._iter_as("SELECT id, license FROM datasets", Dataset, batch_size)

    def iter_repos(self, batch_size: int = 50_000) -> Iterator[list[Repo]]:
        for rows in self._iter("SELECT * FROM repos", batch_size):
            yield [Repo(r[0], r[1], r[2], r[3], None if r[4] is None else bool(r[4]), r[5], r[6]) for r in rows]

    def iter_spaces(self, batch_size: int = 50_000) -> Iterator[list[Space]]:
        return self._iter_as("SELECT id, license FROM spaces", Space, batch_size)

    def iter_derived_from(self, batch_size: int = 50_000) -> Iterator[list[DerivedFrom]]:
        return self._iter_as("SELECT child, base, relation, source, fetched_at FROM derived_from", DerivedFrom, batch_size)

    def iter_trained_on(self, batch_size: int = 50_000) -> Iterator[list[TrainedOn]]:
        return self._iter_as("SELECT model, dataset, source, fetched_at FROM trained_on", TrainedOn, batch_size)

    def iter_uses(self, batch_size: int = 50_000) -> Iterator[list[Uses]]:
        for rows in self._iter("SELECT user_kind, user, model, source, evidence, fetched_at FROM uses", batch_size):
            yield [Uses(r[1], r[0], r[2], r[3], r[4], r[5]) for r in rows]

    def close(self) -> None:
        if self._wrote:
            # Fold the write-ahead log back into the file and truncate it: after a bulk load it can hold hundreds
            # of MiB, which every later reader would otherwise map and scan.
            with suppress(sqlite3.Error):
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.close()


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any exception (including KeyboardInterrupt)."""

    def __init__(self, db: sqlite3.Connection, location: str) -> None:
        self._db = db
        self._location = location

    def __enter__(self) -> None:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(self._location, f"cannot start a write ({exc})", "Is another graphsc process writing to it?") from None

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            try:
                self._db.execute("COMMIT")
            except sqlite3.OperationalError as err:
                self._db.execute("ROLLBACK")
                raise StoreError(self._location, f"write failed ({err})", "Check free disk space.") from None
        else:
            self._db.execute("ROLLBACK")
