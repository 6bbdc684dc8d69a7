"""Shared fixtures: a fresh embedded store, one with the bundled real families ingested, a running fake GitHub."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from graphsc.ingest import ingest_snapshot
from graphsc.samples import hf_family_files
from graphsc.store.sqlite import SQLiteStore
from tests.fake_github import FakeGitHub


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Compact graphs of Neo4j stores are kept in the user's cache: the tests use their own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    graph = SQLiteStore(tmp_path / "graph.db")
    yield graph
    graph.close()


@pytest.fixture
def family_files() -> list[Path]:
    return hf_family_files()


@pytest.fixture
def family_records(family_files: list[Path]) -> list[dict]:
    """The raw Hub records of both bundled families, as the files hold them."""
    return [json.loads(line) for path in family_files for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture
def families_store(store: SQLiteStore, family_files: list[Path]) -> SQLiteStore:
    ingest_snapshot(store, [str(p) for p in family_files])
    return store


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    """The local fake GitHub API, started on 127.0.0.1 (see tests/fake_github.py)."""
    fake = FakeGitHub().start()
    yield fake
    fake.stop()
