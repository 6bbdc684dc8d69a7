"""Small graphs whose answers are known by construction, built into a real SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graphsc.records import DerivedFrom, GraphBatch, Model, Uses
from graphsc.store.sqlite import SQLiteStore
from tests.analytics.known_graphs import Edge, MakeStore


@pytest.fixture
def make_store(tmp_path: Path) -> Iterator[MakeStore]:
    opened: list[SQLiteStore] = []

    def make(
        edges: list[Edge],
        downloads: dict[str, int] | None = None,
        uses: list[tuple[str, str, str]] | None = None,
        isolated: list[str] | None = None,
    ) -> SQLiteStore:
        store = SQLiteStore(tmp_path / f"g{len(opened)}.db")
        opened.append(store)
        ids = {m for c, b, _ in edges for m in (c, b)} | set(isolated or []) | {m for _, _, m in uses or []}
        store.write(
            GraphBatch(
                models=[Model(i, license="mit", downloads=(downloads or {}).get(i, 0)) for i in sorted(ids)],
                derived_from=[DerivedFrom(c, b, r, "test") for c, b, r in edges],
                uses=[Uses(user, kind, model, "test") for user, kind, model in uses or []],  # type: ignore[arg-type]
            )
        )
        return store

    yield make
    for store in opened:
        store.close()
