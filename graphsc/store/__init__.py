"""Choosing and opening a store. ``open_store`` is the only place that knows both backends."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from graphsc.errors import ConfigError, GraphscError
from graphsc.store.base import GraphCounts, GraphStore

STORE_KINDS: tuple[str, ...] = ("embedded", "neo4j")

__all__ = ["STORE_KINDS", "GraphCounts", "GraphStore", "StoreConfig", "default_db_path", "open_store"]


def default_db_path() -> Path:
    """``$GRAPHSC_DB``, else ``$XDG_DATA_HOME/graphsc/graphsc.db`` (``~/.local/share/graphsc/graphsc.db``)."""
    if env := os.environ.get("GRAPHSC_DB"):
        return Path(env)
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "graphsc" / "graphsc.db"


@dataclass(frozen=True, slots=True)
class StoreConfig:
    """Which store to open. ``None`` fields fall back to the environment (``GRAPHSC_STORE``, ``GRAPHSC_DB``).

    ``readonly`` opens the embedded store read-only, creating nothing (``SQLiteStore``); ``create`` False opens it
    read-write only if it exists. Neo4j ignores both.
    """

    kind: str | None = None
    db_path: Path | None = None
    readonly: bool = False
    create: bool = True

    def resolved_kind(self) -> str:
        """``kind``, else ``$GRAPHSC_STORE``, else ``embedded``, in lower case. An unknown ``kind`` is a
        ``GraphscError`` (the CLI refuses a bad ``--store`` before: a usage error), an unknown ``GRAPHSC_STORE`` a
        ``ConfigError`` naming the variable."""
        if self.kind:
            kind = self.kind.strip().lower()
            if kind not in STORE_KINDS:
                raise GraphscError(f"Unknown store {self.kind!r}.", f"Use one of: {', '.join(STORE_KINDS)}.")
            return kind
        env = os.environ.get("GRAPHSC_STORE", "")
        kind = env.strip().lower() or "embedded"
        if kind not in STORE_KINDS:
            raise ConfigError("GRAPHSC_STORE", env, " or ".join(STORE_KINDS))
        return kind


def open_store(config: StoreConfig | None = None) -> GraphStore:
    """Open the configured store (embedded SQLite by default; Neo4j over Bolt with ``neo4j``).

    Raises ``StoreError`` when it cannot be opened (``MissingStoreError`` for a missing read-only embedded store).
    """
    config = config or StoreConfig()
    if config.resolved_kind() == "neo4j":
        from graphsc.store.neo4j import Neo4jStore

        return Neo4jStore.from_env()
    from graphsc.store.sqlite import SQLiteStore

    return SQLiteStore(config.db_path or default_db_path(), readonly=config.readonly, create=config.create)
