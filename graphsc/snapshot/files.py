"""Snapshot files: a ``GraphState`` saved as one SQLite file, and where named snapshots live.

A snapshot is a SQLite database (the standard library reads it, one file, written whole then renamed into place
so a killed save never leaves half a snapshot) with one table per kind of fact — ``models``, ``nodes``,
``lineage``, ``training``, ``usage``, ``aliases``, ``findings`` — whose columns are the fields of the
``graphsc.snapshot.state`` records, and ``snapshot_meta`` (format, label, time). Tuple fields are JSON arrays.
Keys are not stored: they are the ids' keys, recomputed on load.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from graphsc.bulk import frozen_gc
from graphsc.errors import GraphscError
from graphsc.ids import id_key
from graphsc.snapshot.state import (
    EdgeFacts,
    FindingFacts,
    GraphState,
    ModelFacts,
    NodeFacts,
    TrainingFacts,
    UsageFacts,
)

FORMAT = "graphsc.snapshot/1"
SUFFIX = ".snapshot"
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_BATCH = 50_000  # rows per executemany / fetchmany


class SnapshotError(GraphscError):
    """A snapshot that cannot be saved, found or read: ``path`` says which file."""

    def __init__(self, message: str, hint: str | None = None, path: Path | None = None) -> None:
        super().__init__(message, hint)
        self.path = path


class _Table(NamedTuple):
    """How one ``GraphState`` dict is stored: its record type, the fields holding tuples (JSON arrays in the
    file) and booleans, and the dict key of a record: the record fields at ``key_fields``, those in
    ``id_fields`` as id keys (a single field is the key itself, several a tuple)."""

    name: str
    record: type[Any]
    tuple_fields: frozenset[str]
    key_fields: tuple[int, ...]
    id_fields: frozenset[int]
    bool_fields: frozenset[str] = frozenset()


_TABLES: tuple[_Table, ...] = (
    _Table("models", ModelFacts, frozenset({"license_ids"}), (0,), frozenset({0}), frozenset({"fetched"})),
    _Table("nodes", NodeFacts, frozenset({"license_ids"}), (1, 0), frozenset({0})),
    _Table("lineage", EdgeFacts, frozenset(), (0, 1), frozenset({0, 1})),
    _Table("training", TrainingFacts, frozenset(), (0, 1), frozenset({0, 1})),
    _Table("usage", UsageFacts, frozenset(), (1, 0, 2), frozenset({0, 2})),
    _Table(
        "findings",
        FindingFacts,
        frozenset({"bases", "origin_licenses", "clauses", "dropped", "reached_repos"}),
        (0,),
        frozenset(),
    ),
)
# Declared column types whose values sqlite3 converts on read (``detect_types``), in C-driven calls per cell.
_TUPLE_TYPE = "GRAPHSC_TUPLE"
_BOOL_TYPE = "GRAPHSC_BOOL"


@lru_cache(maxsize=1 << 16)
def _tuple_cell(raw: bytes) -> tuple[Any, ...]:
    """A stored JSON array as a tuple (cached: license id lists repeat millions of times)."""
    return tuple(orjson.loads(raw))


sqlite3.register_converter(_TUPLE_TYPE, _tuple_cell)
sqlite3.register_converter(_BOOL_TYPE, lambda raw: raw != b"0")


def _column(table: _Table, name: str) -> str:
    if name in table.tuple_fields:
        return f"{name} {_TUPLE_TYPE}"
    return f"{name} {_BOOL_TYPE}" if name in table.bool_fields else name


def snapshot_dir(db_path: Path | None, store_kind: str) -> Path:
    """Where named snapshots of a store live: beside the embedded store file (``graphsc.db`` →
    ``graphsc.db.snapshots/``); for Neo4j, ``neo4j.snapshots/`` beside the default embedded store."""
    from graphsc.store import default_db_path

    if store_kind == "neo4j":
        return default_db_path().with_name("neo4j.snapshots")
    path = db_path or default_db_path()
    return path.with_name(path.name + ".snapshots")


def check_name(name: str) -> str:
    """``name`` if it can name a snapshot (letters, digits, ``.``, ``_``, ``-``; 128 at most), else a
    ``SnapshotError``."""
    if not NAME_PATTERN.fullmatch(name):
        raise SnapshotError(
            f"{name!r} cannot name a snapshot.",
            "Use letters, digits, '.', '_' and '-' (e.g. before-refresh or 2026-11-30), starting with a letter or digit.",
        )
    return name


def named_path(directory: Path, name: str) -> Path:
    """The file of snapshot ``name`` in ``directory``."""
    return directory / (check_name(name) + SUFFIX)


def list_snapshots(directory: Path) -> list[tuple[str, Path]]:
    """The saved snapshots in ``directory`` as (name, file), by name; none when the directory does not exist."""
    if not directory.is_dir():
        return []
    return sorted((p.name[: -len(SUFFIX)], p) for p in directory.glob("*" + SUFFIX) if p.is_file())


def _cell(value: Any, as_json: bool) -> Any:
    return orjson.dumps(value).decode() if as_json else value


def save_state(state: GraphState, path: Path) -> None:
    """Write ``state`` to the snapshot file ``path`` (replacing it; written to ``path.partial`` then renamed, so
    ``path`` is always a whole snapshot; a symlink is followed). The directory must exist. Raises
    ``SnapshotError`` when the file cannot be written or ``path`` is not a regular file."""
    if path.is_symlink():
        path = path.resolve()
    if path.exists() and not path.is_file():
        raise SnapshotError(
            f"Cannot write the snapshot to {path}: not a regular file.",
            "Give a file path (a snapshot is a SQLite file).",
        )
    partial = path.with_name(path.name + ".partial")
    try:
        partial.unlink(missing_ok=True)
        with closing(sqlite3.connect(partial)) as db, db:
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("CREATE TABLE snapshot_meta (key TEXT PRIMARY KEY, value TEXT)")
            meta = {
                "format": FORMAT,
                "label": state.label,
                "taken_at": state.taken_at,
                "findings_checked": "1" if state.findings_checked else "0",
            }
            db.executemany("INSERT INTO snapshot_meta VALUES (?, ?)", meta.items())
            db.execute("CREATE TABLE aliases (alias_key TEXT, id TEXT)")
            db.executemany("INSERT INTO aliases VALUES (?, ?)", state.aliases.items())
            for table in _TABLES:
                fields: Sequence[str] = table.record._fields
                db.execute(f"CREATE TABLE {table.name} ({', '.join(_column(table, f) for f in fields)})")
                insert = f"INSERT INTO {table.name} VALUES ({', '.join('?' * len(fields))})"
                flags = [f in table.tuple_fields for f in fields]
                records: Iterable[tuple[Any, ...]] = getattr(state, table.name).values()
                rows = (tuple(_cell(v, j) for v, j in zip(r, flags)) if table.tuple_fields else r for r in records)
                db.executemany(insert, rows)
        partial.replace(path)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        raise SnapshotError(
            f"Cannot write the snapshot {path}: {exc}", "Check the directory exists and is writable.", path
        ) from None


def is_snapshot(path: Path) -> bool:
    """Whether ``path`` is a snapshot file (a SQLite file with a ``snapshot_meta`` table)."""
    try:
        with closing(_open(path)) as db:
            found = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'snapshot_meta'").fetchone()
        return found is not None
    except sqlite3.Error:
        return False


def _open(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, detect_types=sqlite3.PARSE_DECLTYPES)


def _batches(db: sqlite3.Connection, sql: str) -> Iterator[list[Any]]:
    cursor = db.execute(sql)
    while batch := cursor.fetchmany(_BATCH):
        yield batch


def load_state(path: Path) -> GraphState:
    """Read the snapshot file ``path``. Raises ``SnapshotError`` when it is missing, not a graphsc snapshot, of
    another format version, or damaged (what was wrong, and which file)."""
    if not path.is_file():
        raise SnapshotError(f"No snapshot file {path}.", "Give a saved snapshot's name or a file path.", path)
    try:
        with closing(_open(path)) as db, frozen_gc():  # millions of records: no collection rescanning them
            return _read(db, path)
    except sqlite3.Error as exc:
        raise SnapshotError(
            f"{path} is not a readable graphsc snapshot: {exc}.",
            "Save it again with `graphsc snapshot save` (a snapshot is written whole; this file was changed or cut).",
            path,
        ) from None


def load_meta(path: Path) -> dict[str, str]:
    """The ``snapshot_meta`` of the snapshot file ``path`` (format, label, taken_at, findings_checked); empty
    when the file is not a readable snapshot."""
    try:
        with closing(_open(path)) as db:
            return dict(db.execute("SELECT key, value FROM snapshot_meta").fetchall())
    except sqlite3.Error:
        return {}


def _read(db: sqlite3.Connection, path: Path) -> GraphState:
    try:
        meta = dict(db.execute("SELECT key, value FROM snapshot_meta").fetchall())
    except sqlite3.OperationalError:
        raise SnapshotError(
            f"{path} is not a graphsc snapshot (it has no snapshot_meta table).",
            "Give a file written by `graphsc snapshot save`, or a graphsc database file.",
            path,
        ) from None
    if meta.get("format") != FORMAT:
        raise SnapshotError(
            f"{path} is a snapshot in format {meta.get('format')!r}; this graphsc reads {FORMAT!r}.",
            "Save the snapshot again with this version of graphsc.",
            path,
        )
    state = GraphState(str(meta.get("label") or path.stem), str(meta.get("taken_at") or ""))
    state.findings_checked = meta.get("findings_checked") == "1"
    for aliases in _batches(db, "SELECT alias_key, id FROM aliases"):
        state.aliases.update(aliases)
    for table in _TABLES:
        fields: Sequence[str] = table.record._fields
        target: dict[Any, Any] = getattr(state, table.name)
        for rows in _batches(db, f"SELECT {', '.join(fields)} FROM {table.name}"):
            records = list(map(table.record._make, rows))  # cells already converted by sqlite3 (detect_types)
            target.update(zip(_keys(table, records), records))
    return state


def _keys(table: _Table, records: list[Any]) -> Iterator[Any]:
    """The dict keys of ``records`` (see ``_Table``), computed column by column."""
    columns = [
        map(id_key, map(itemgetter(i), records)) if i in table.id_fields else map(itemgetter(i), records)
        for i in table.key_fields
    ]
    return columns[0] if len(columns) == 1 else zip(*columns)


def state_from_file(path: Path) -> GraphState:
    """The state in ``path``: a snapshot file (``load_state``) or a graphsc database file (read whole, findings
    from a license check of it, labelled with the path). Raises ``SnapshotError`` for a missing file or one that
    is neither, ``StoreError`` for a damaged database."""
    if not path.is_file():
        raise SnapshotError(f"No such file: {path}.", "Give a saved snapshot's name or a file path.", path)
    try:
        with closing(_open(path)) as db:
            tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        with path.open("rb") as head:
            is_sqlite = head.read(16) == b"SQLite format 3\x00"
        if is_sqlite:
            raise SnapshotError(
                f"{path} is a damaged SQLite file ({exc}): cut or changed since it was written.",
                "If it is a snapshot, save it again (`graphsc snapshot save`); if a graphsc database, use a copy.",
                path,
            ) from None
        tables = set()
    if "snapshot_meta" in tables:
        return load_state(path)
    from graphsc.errors import StoreError
    from graphsc.snapshot.state import state_from_store
    from graphsc.store import StoreConfig, open_store

    try:
        with open_store(StoreConfig(kind="embedded", db_path=path, readonly=True, create=False)) as store:
            return state_from_store(store, str(path))
    except StoreError as exc:
        raise SnapshotError(
            f"{path} is neither a graphsc snapshot nor a graphsc database: {exc.message}",
            "Give a file written by `graphsc snapshot save` or a graphsc database (--db) file.",
            path,
        ) from None
