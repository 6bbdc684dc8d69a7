"""Fixtures CLI tests share."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphsc import samples
from graphsc.ingest import ingest_snapshot
from graphsc.ingest.peatmoss import ingest_peatmoss
from graphsc.store.sqlite import SQLiteStore
from tests.store.conftest import any_store, neo4j_store, neo4j_uri  # noqa: F401 - both backends for CLI tests


@pytest.fixture(scope="module")
def real_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled samples (both Hub families and PeaTMOSS usage), ingested the way ``graphsc demo`` does; one
    store per test module, which its tests only read."""
    path = tmp_path_factory.mktemp("real") / "g.db"
    store = SQLiteStore(path)
    ingest_snapshot(store, [str(p) for p in samples.hf_family_files()])
    ingest_peatmoss(store, samples.peatmoss_mapping_file(), samples.peatmoss_licenses_file())
    store.close()
    return path
