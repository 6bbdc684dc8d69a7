"""Turning SQLite exceptions into ``StoreError``s that name the file and what to do (as ``neo4j_errors`` does for
Neo4j)."""

from __future__ import annotations

import functools
import sqlite3
import types
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from graphsc.errors import StoreError

F = TypeVar("F", bound=Callable[..., Any])

DAMAGED_HINT = "Restore it from a backup, or re-run ingest into a new --db file."
NOT_OURS_HINT = "Point --db / GRAPHSC_DB at a graphsc database file, or at a new path for a new one."
RERUN_HINT = "Writes are idempotent: re-run the same command once fixed and it resumes where it stopped."


def is_store_fault(exc: BaseException) -> bool:
    """Whether ``exc`` is a fault of the file or its environment (I/O, permissions, corruption, locking) rather
    than a bug in a statement (integrity and programming errors keep their traceback)."""
    return isinstance(exc, sqlite3.OperationalError) or type(exc) is sqlite3.DatabaseError


def store_error(location: str, exc: BaseException, action: str) -> StoreError:
    """The user-facing error for a SQLite exception raised while doing ``action`` (e.g. "writing a batch")
    on the file at ``location``. Takes any exception; returns (never raises) a ``StoreError``."""
    detail = " ".join(str(exc).split()) or type(exc).__name__
    text = detail.lower()
    writing = any(word in action for word in ("writ", "commit"))
    undone = "; the unfinished write was rolled back, earlier ones are kept" if writing else ""
    if "disk is full" in text or "disk full" in text:
        return StoreError(
            location,
            f"write failed: the disk is full while {action} ({detail}){undone}",
            f"Check free disk space (and any file-size limit). {RERUN_HINT}",
        )
    if writing and ("i/o error" in text or "disk i/o" in text):
        # a write refused by the OS (no space left, a file-size limit, a failing disk) is an I/O error to SQLite
        return StoreError(
            location,
            f"write failed: the disk refused the write while {action} ({detail}){undone}",
            f"Check free disk space (and any file-size limit) and the disk itself. {RERUN_HINT}",
        )
    if "readonly" in text or "read-only" in text:
        return StoreError(
            location,
            f"the database is read-only ({detail}) while {action}",
            "Check that you may write the file and its directory (and that the disk is not mounted "
            "read-only), or give --db a writable path.",
        )
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        opening = "cannot open: " if action == "opening" else ""
        return StoreError(
            location,
            f"{opening}the database file is damaged or not a SQLite database ({detail}) while {action}",
            DAMAGED_HINT,
        )
    if "unable to open" in text or "cannot open" in text:
        return StoreError(
            location,
            f"cannot open the database file ({detail}) while {action}",
            "Check that the path exists and that you may read it and its directory (and write the "
            "directory, for a new database).",
        )
    if "locked" in text or "busy" in text:
        return StoreError(
            location,
            f"the database is locked by another process ({detail}) while {action}",
            "Is another graphsc process writing to it? Wait for it to finish, then re-run.",
        )
    if "no such table" in text or "no such column" in text:
        return StoreError(
            location,
            f"a graphsc table or column is missing ({detail}) while {action}; the file is damaged or not graphsc's",
            DAMAGED_HINT,
        )
    if "disk i/o" in text or "i/o error" in text:
        return StoreError(
            location,
            f"I/O error ({detail}) while {action}",
            f"Check the disk and the file system (free space, permissions, a removed disk). {RERUN_HINT}",
        )
    return StoreError(location, f"SQLite error while {action} ({detail})", DAMAGED_HINT)


def guarded(action: str) -> Callable[[F], F]:
    """Decorate a store method so that SQLite faults (``is_store_fault``) raised by it, or by the generator it
    returns while iterated, become ``StoreError`` naming ``self.location`` and ``action``."""

    def decorate(method: F) -> F:
        @functools.wraps(method)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                result = method(self, *args, **kwargs)
            except sqlite3.Error as exc:
                if not is_store_fault(exc):
                    raise
                raise store_error(self.location, exc, action) from None
            if isinstance(result, types.GeneratorType):
                return _guarded_iter(result, self.location, action)
            return result

        return wrapper  # type: ignore[return-value]

    return decorate


def _guarded_iter(items: Iterator[Any], location: str, action: str) -> Iterator[Any]:
    """``items``, with SQLite faults raised while iterating them as ``StoreError``."""
    try:
        yield from items
    except sqlite3.Error as exc:
        if not is_store_fault(exc):
            raise
        raise store_error(location, exc, action) from None
