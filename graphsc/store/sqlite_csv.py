"""The embedded store's graph tables as CSV lines for Neo4j's batch importer, formatted by SQLite itself.

``graphsc neo4j import`` (``graphsc.neo4j_import``) needs millions of lines fast: building a record per row in
Python and formatting it costs ~10 µs a row, SQLite's own string functions a small fraction of that. Each query
here returns one finished CSV line per row, in the column order of the headers ``graphsc.neo4j_import`` writes,
with the values a ``neo4j push`` would send (the records' conversions, done in SQL):

- strings quoted (``""`` doubled inside; an empty string is ``""``, a string), NULL as an empty field (no
  property); integers as decimal text; booleans (0/1 columns) as ``true``/``false``;
- ``key`` is the lower-cased id: SQLite's ``lower`` for ASCII ids, Python's ``str.lower`` (what Cypher's
  ``toLower`` does to them) for the others;
- a stub (``fetched`` 0) gets only what push's stub statements set: the author from its id (models), ``fetched``
  false, ``key`` and its license when it has a non-empty one;
- the JSON lists of ``model_details`` become ``ARRAY_MARK`` + elements joined by ``ARRAY_SEPARATOR`` (strings the
  launcher's import turns into string arrays, empty ones included).

Floats (evaluation results) are not here: SQLite does not print them round-trip exact, so they go through Python.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import lru_cache

from graphsc.records import Dataset, Model, ModelDetails, Space
from graphsc.store.sqlite import SQLiteStore

ARRAY_MARK = "\x1e"
ARRAY_SEPARATOR = "\x1f"
_NULL = "NULL"


def _s(column: str) -> str:
    return f"""CASE WHEN {column} IS NULL THEN '' ELSE '"' || replace({column}, '"', '""') || '"' END"""


def _i(column: str) -> str:
    return f"coalesce(CAST({column} AS TEXT), '')"


def _b(column: str) -> str:
    return f"CASE WHEN {column} IS NULL THEN '' WHEN {column} THEN 'true' ELSE 'false' END"


def _key(column: str) -> str:
    # GLOB '*[^ -~]*': any character outside printable ASCII; only those ids go to Python.
    return f"""'"' || replace(CASE WHEN {column} GLOB '*[^ -~]*' THEN graphsc_lower({column}) ELSE lower({column}) END,
        '"', '""') || '"'"""


def _author_of(column: str) -> str:
    """``graphsc.store.common.author_of`` in SQL: the part before the first ``/``, else NULL."""
    return f"CASE WHEN instr({column}, '/') > 0 THEN substr({column}, 1, instr({column}, '/') - 1) END"


def _line(parts: list[str]) -> str:
    return " || ',' || ".join(parts)


@lru_cache(maxsize=4096)
def _array(text: str | None) -> str | None:
    """A stored JSON list of strings as the import's array string (the few distinct values convert once)."""
    if text is None:
        return None
    values = json.loads(text)
    for value in values:
        if ARRAY_MARK in value or ARRAY_SEPARATOR in value:
            raise ValueError(f"a list value holds a control character the import uses: {value!r}")
    return ARRAY_MARK + ARRAY_SEPARATOR.join(values)


def _prepare(store: SQLiteStore) -> None:
    store._db.create_function("graphsc_lower", 1, str.lower, deterministic=True)
    store._db.create_function("graphsc_array", 1, _array, deterministic=True)


def _columns(store: SQLiteStore, table: str, fields: tuple[str, ...], alias: str) -> dict[str, str]:
    present = store._columns(table) if store._has_table(table) else frozenset()
    return {f: (f"{alias}.{f}" if f in present else ("0" if f == "fetched" else _NULL)) for f in fields}


# Types of the Model columns (Model._fields order): s string, i integer, b boolean.
_MODEL_TYPES = "sssssssiisssbsb"
_DETAIL_TYPES = "iaibassiaabs"  # ModelDetails._fields[1:]; a: JSON list
assert len(_MODEL_TYPES) == len(Model._fields) and len(_DETAIL_TYPES) == len(ModelDetails._fields) - 1
_DATASET_TYPES = "sssssiisssbs"
_SPACE_TYPES = "ssssissbs"
assert len(_DATASET_TYPES) == len(Dataset._fields) and len(_SPACE_TYPES) == len(Space._fields)


def _a(column: str) -> str:
    return _s(f"graphsc_array({column})")


_FORMAT: dict[str, Callable[[str], str]] = {"s": _s, "i": _i, "b": _b, "a": _a}


def _typed(columns: dict[str, str], fields: tuple[str, ...], types: str) -> list[str]:
    return [_FORMAT[t](columns[f]) for f, t in zip(fields, types, strict=True)]


def _models_sql(store: SQLiteStore) -> str:
    m = _columns(store, "models", Model._fields, "m")
    fetched = [*_typed(m, Model._fields, _MODEL_TYPES), _key("m.id")]
    stub = [_s("m.id"), _s(_author_of("m.id")), _s("nullif(m.license, '')"), *["''"] * 9, "'false'", "''", "''"]
    stub.append(_key("m.id"))
    detail_fields = ModelDetails._fields[1:]
    if store._has_details_tables():
        d = _columns(store, "model_details", ModelDetails._fields, "d")
        details = f"""CASE WHEN d.model IS NULL THEN '{"," * (len(detail_fields) + 1)}'
            ELSE ',true,' || {_line(_typed(d, detail_fields, _DETAIL_TYPES))} END"""
        join = "LEFT JOIN model_details d ON d.model = m.id"
    else:
        details, join = f"'{',' * (len(detail_fields) + 1)}'", ""
    return f"""SELECT CASE WHEN m.fetched THEN {_line(fetched)} ELSE {_line(stub)} END || {details}
        FROM models m {join}"""


def _datasets_sql(store: SQLiteStore) -> str:
    d = _columns(store, "datasets", Dataset._fields, "d")
    fetched = [*_typed(d, Dataset._fields[:10], _DATASET_TYPES[:10]), "'true'", _s(d["fetched_at"]), _key("d.id")]
    stub = [_s("d.id"), _s("nullif(d.license, '')"), *["''"] * 8, "'false'", "''", _key("d.id")]
    return f"SELECT CASE WHEN {d['fetched']} THEN {_line(fetched)} ELSE {_line(stub)} END FROM datasets d"


def _spaces_sql(store: SQLiteStore) -> str:
    s = _columns(store, "spaces", Space._fields, "s")
    fetched = [*_typed(s, Space._fields[:7], _SPACE_TYPES[:7]), "'true'", _s(s["fetched_at"]), _key("s.id")]
    stub = [_s("s.id"), _s("nullif(s.license, '')"), *["''"] * 5, "'false'", "''", _key("s.id")]
    return f"SELECT CASE WHEN {s['fetched']} THEN {_line(fetched)} ELSE {_line(stub)} END FROM spaces s"


_REPOS_SQL = (
    "SELECT "
    + _line([_s("id"), _s("license"), _s("license_raw"), _i("stars"), _b("archived"), _s("pushed_at")])
    + " || ',' || "
    + _line([_s("fetched_at"), _key("id")])
    + " FROM repos"
)
_DERIVED_FROM_SQL = (
    "SELECT " + _line([_s("child"), _s("base"), _s("relation"), _s("source"), _s("fetched_at")]) + " FROM derived_from"
)
_DATASET_DERIVED_FROM_SQL = (
    "SELECT " + _line([_s("child"), _s("base"), _s("source"), _s("fetched_at")]) + " FROM dataset_derived_from"
)
_TRAINED_ON_SQL = "SELECT " + _line([_s("model"), _s("dataset"), _s("source"), _s("fetched_at")]) + " FROM trained_on"
# USES: [user, user_kind, model, source, evidence, fetched_at], one file per user label.
_USES_SQL = (
    "SELECT "
    + _line([_s("user"), _s("user_kind"), _s("model"), _s("source"), _s("evidence"), _s("fetched_at")])
    + " FROM uses WHERE user_kind = ?"
)
# Every table whose rows a push reads with a fetched_at (its watermark is the newest of them).
_STAMPED = (
    "models",
    "datasets",
    "repos",
    "spaces",
    "derived_from",
    "dataset_derived_from",
    "trained_on",
    "uses",
    "id_notes",
)


def lines(store: SQLiteStore, table: str, batch_size: int = 50_000, *params: str) -> Iterator[list[str]]:
    """The CSV lines (without line ends) of ``table`` (``models`` with their details, ``datasets``, ``repos``,
    ``spaces``, ``derived_from``, ``dataset_derived_from``, ``trained_on``, ``uses`` with the user kind as
    ``params``), unordered, in lists of ``batch_size``."""
    _prepare(store)
    if table in ("datasets", "spaces", "dataset_derived_from") and not store._has_table(table):
        return iter(())
    sql = {
        "models": _models_sql,
        "datasets": _datasets_sql,
        "spaces": _spaces_sql,
    }.get(table)
    query = (
        sql(store)
        if sql is not None
        else {
            "repos": _REPOS_SQL,
            "derived_from": _DERIVED_FROM_SQL,
            "dataset_derived_from": _DATASET_DERIVED_FROM_SQL,
            "trained_on": _TRAINED_ON_SQL,
            "uses": _USES_SQL,
        }[table]
    )
    return _fetch(store, query, params, batch_size)


def _fetch(store: SQLiteStore, query: str, params: tuple[str, ...], batch_size: int) -> Iterator[list[str]]:
    cursor = store._db.execute(query, params)
    while rows := cursor.fetchmany(batch_size):
        yield [row[0] for row in rows]


def watermark(store: SQLiteStore) -> str | None:
    """The newest ``fetched_at`` of the rows a push reads (what it records as its watermark), or None."""
    stamps = [
        store._db.execute(f"SELECT max(fetched_at) FROM {table}").fetchone()[0]
        for table in _STAMPED
        if store._has_table(table) and "fetched_at" in store._columns(table)
    ]
    present = [s for s in stamps if s is not None]
    return max(present) if present else None
