"""Shared fixtures: a fresh embedded store, a running fake GitHub."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graphsc.store.sqlite import SQLiteStore
from tests.fake_github import FakeGitHub


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    graph = SQLiteStore(tmp_path / "graph.db")
    yield graph
    graph.close()


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub().start()
    yield fake
    fake.stop()
