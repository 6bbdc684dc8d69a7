"""The two states of the bundled families a diff compares: as bundled (``old_state``) and with the deliberate
changes of ``tests.snapshot.families`` (``new_state``). Built once per session: every test only reads them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from graphsc.samples import hf_family_files
from graphsc.snapshot.state import GraphState
from tests.snapshot.families import changed_records, extra_batch, state_of


@pytest.fixture(scope="session")
def original_records() -> list[dict[str, Any]]:
    return [json.loads(line) for path in hf_family_files() for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="session")
def old_state(tmp_path_factory: pytest.TempPathFactory, original_records: list[dict[str, Any]]) -> GraphState:
    return state_of(tmp_path_factory.mktemp("old"), original_records, "old")


@pytest.fixture(scope="session")
def new_state(tmp_path_factory: pytest.TempPathFactory, original_records: list[dict[str, Any]]) -> GraphState:
    return state_of(tmp_path_factory.mktemp("new"), changed_records(original_records), "new", extra_batch())
