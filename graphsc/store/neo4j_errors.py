"""Turning Neo4j driver exceptions into ``StoreError``s that name the server and what to check."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from neo4j.exceptions import (
    AuthError,
    ConfigurationError,
    DriverError,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from graphsc.errors import StoreError
from graphsc.redact import has_credentials, redact_text

START_HINT = (
    "Is Neo4j running and is NEO4J_URI right? Start one with `scripts/neo4j start` (no Docker) or "
    "`docker compose up -d`."
)
# A transaction past its timeout is reported by what it was doing when stopped: running, or waiting for a lock.
TIMEOUT_CODES = ("TransactionTimedOut", "Transaction.Terminated", "Transaction.LockClientStopped")
RERUN_HINT = "Re-run the same command when Neo4j is back: writes are idempotent, so the load resumes where it stopped."


def store_error(uri: str, exc: BaseException, action: str) -> StoreError:
    """The user-facing error for a driver exception raised while doing ``action`` (e.g. "writing a batch").

    ``uri`` names the server; credentials in it, and in any URL the driver's message quotes, are redacted.
    """
    credentials_in_uri = has_credentials(uri)
    uri = redact_text(uri)
    detail = redact_text(_first_line(exc))
    if isinstance(exc, AuthError):
        return StoreError(
            uri,
            f"authentication failed while {action} ({detail})",
            "Check NEO4J_USER and NEO4J_PASSWORD (leave NEO4J_PASSWORD unset if auth is off).",
        )
    if isinstance(exc, IncompleteCommit):
        return StoreError(
            uri, f"connection lost while committing ({action}); the last batch may or may not be stored", RERUN_HINT
        )
    if isinstance(exc, (ServiceUnavailable, SessionExpired)):
        hint = START_HINT if action == "connecting" else f"The connection was lost. {RERUN_HINT}"
        return StoreError(uri, f"cannot reach Neo4j while {action} ({detail})", hint)
    if isinstance(exc, Neo4jError):
        code = exc.code or ""
        if any(mark in code for mark in TIMEOUT_CODES):
            return StoreError(
                uri,
                f"query timed out or was terminated while {action} ({detail})",
                "Raise NEO4J_QUERY_TIMEOUT (seconds) or the server's db.transaction.timeout.",
            )
        if code.endswith("DatabaseNotFound"):
            return StoreError(uri, f"database not found ({detail})", "Check NEO4J_DATABASE (unset it for the default).")
        return StoreError(
            uri,
            f"Neo4j refused {action}: {code} {detail}".rstrip(),
            "Check the server log; for a schema conflict, use an empty database for graphsc.",
        )
    if isinstance(exc, (ConfigurationError, ValueError)):
        hint = "Check NEO4J_URI (e.g. bolt://127.0.0.1:7687)."
        if credentials_in_uri:
            hint = (
                "Put the user and password in NEO4J_USER and NEO4J_PASSWORD, not in NEO4J_URI "
                "(e.g. bolt://127.0.0.1:7687)."
            )
        return StoreError(uri, f"bad driver configuration ({detail})", hint)
    return StoreError(uri, f"driver error while {action} ({type(exc).__name__}: {detail})", START_HINT)


_DRIVER_ERRORS: tuple[type[BaseException], ...] = (DriverError, Neo4jError, OSError)


@contextmanager
def translated(uri: str, action: str, *, uri_errors: bool = False) -> Iterator[None]:
    """Raise driver errors (and socket errors the driver lets through) inside as ``StoreError``.

    ``uri_errors``: also a ``ValueError``, which the driver raises for a malformed URI or address; only where it
    parses them (creating the driver, first connecting). Anywhere else a ``ValueError`` is a bug in graphsc and
    propagates unchanged."""
    caught: tuple[type[BaseException], ...] = (*_DRIVER_ERRORS, ValueError) if uri_errors else _DRIVER_ERRORS
    try:
        yield
    except caught as exc:
        raise store_error(uri, exc, action) from None


def _first_line(exc: BaseException) -> str:
    """The exception's message on one line (the server's message for server errors), at most 300 characters."""
    text = (exc.message if isinstance(exc, Neo4jError) and exc.message else str(exc)) or type(exc).__name__
    flat = " ".join(text.split())
    return flat if len(flat) <= 300 else flat[:297] + "..."
