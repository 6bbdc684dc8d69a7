"""``graphsc ingest hf`` end to end: the CLI, the real ``huggingface_hub`` client, a local fake Hub (HF_ENDPOINT)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from graphsc.cli import app
from graphsc.store.sqlite import SQLiteStore
from tests.fake_hub import FakeHub, descendants_in_data

ROOT = "deepseek-ai/DeepSeek-R1"
SMALL_ROOT = "mistralai/Mistral-Small-24B-Base-2501"  # 67 models, 3 levels deep
runner = CliRunner()


@pytest.fixture
def hub(family_records: list[dict]) -> Iterator[FakeHub]:
    with FakeHub(family_records, page_size=7) as server:
        yield server


def ingest_hf(hub: FakeHub, db: Path, *args: str) -> Result:
    env = {
        "HF_ENDPOINT": hub.url,
        "HF_TOKEN": "",
        "GRAPHSC_HF_RETRIES": "3",
        "GRAPHSC_HF_BACKOFF": "0.01",
        "GRAPHSC_HF_TIMEOUT": "0.5",
    }
    return runner.invoke(app, ["ingest", "hf", *args, "--db", str(db)], env=env)


def ingest_models(hub: FakeHub, db: Path, *args: str) -> Result:
    """``ingest_hf`` with ``--no-datasets``."""
    return ingest_hf(hub, db, *args, "--no-datasets")


def fetched_ids(db: Path) -> set[str]:
    store = SQLiteStore(db)
    try:
        return {m.id for batch in store.iter_models() for m in batch if m.fetched}
    finally:
        store.close()


def test_crawls_a_family_through_hf_endpoint(tmp_path: Path, hub: FakeHub, family_records: list[dict]) -> None:
    db = tmp_path / "g.db"
    result = ingest_hf(hub, db, ROOT, "nobody/no-such-model", "--max-depth", "3")
    assert result.exit_code == 0, result.output
    family = set(descendants_in_data(family_records, ROOT, 3))
    assert fetched_ids(db) == family
    assert "skipped nobody/no-such-model: not found on the Hub" in result.output
    assert f"Crawled {len(family)} models (1 fetched, {len(family) - 1} from listings)" in result.output
    # huggingface_hub itself fetches /api/agent-harnesses (at most daily, for its user agent): not ours to count.
    # The models' datasets are asked for too; this Hub holds none of them (tests/cli/test_ingest_hf_datasets.py).
    hub_api = [r for r in hub.requests if r.startswith(("/api/models", "/api/datasets"))]
    assert f"with {len(hub_api)} requests" in result.output
    named = {d for r in family_records if r["id"] in family for d in r.get("cardData", {}).get("datasets") or []}
    assert f"Fetched 0 datasets (0 by id, 0 from listings); {len(named)} failed" in result.output


def test_persistent_500s_are_a_clear_error_without_a_traceback(tmp_path: Path, hub: FakeHub) -> None:
    hub.add_fault("status", status=500, times=None)
    result = ingest_hf(hub, tmp_path / "g.db", ROOT)
    assert result.exit_code == 1
    assert f"Source error: Hugging Face Hub {hub.url}/api/models/{ROOT}: HTTP 500 after 3 attempts" in result.output
    assert "hint:" in result.output and "re-run" in result.output
    assert "Traceback" not in result.output


def test_a_failed_crawl_resumes_and_a_rerun_is_idempotent(
    tmp_path: Path, hub: FakeHub, family_records: list[dict]
) -> None:
    """Models only: the datasets the Hub will not give (this one holds none) are asked again on every run."""
    db = tmp_path / "g.db"
    hub.add_fault("status", status=503, times=None, after=30)
    assert ingest_models(hub, db, SMALL_ROOT).exit_code == 1
    partial = fetched_ids(db)
    hub.clear_faults()
    hub.reset_count()
    resumed = ingest_models(hub, db, SMALL_ROOT)
    assert resumed.exit_code == 0, resumed.output
    assert "reused from an earlier run" in resumed.output
    family = set(descendants_in_data(family_records, SMALL_ROOT, 3))
    assert partial < fetched_ids(db) == family
    resumed_requests = hub.count

    hub.reset_count()
    again = ingest_models(hub, db, SMALL_ROOT)
    assert again.exit_code == 0 and hub.count == 0
    assert "Crawled 0 models" in again.output and fetched_ids(db) == family

    refreshed = ingest_models(hub, db, SMALL_ROOT, "--refresh")
    assert refreshed.exit_code == 0 and hub.count > resumed_requests
    assert fetched_ids(db) == family


def test_needs_a_model_or_a_selection(tmp_path: Path, hub: FakeHub) -> None:
    result = ingest_hf(hub, tmp_path / "g.db")
    assert result.exit_code == 2
    assert "give at least one MODEL" in result.output
