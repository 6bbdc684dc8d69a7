"""``graphsc ingest hf`` with datasets and Spaces, end to end: the CLI, the real ``huggingface_hub`` client, the local
fake Hub (HF_ENDPOINT) serving real dataset records and made-up models and Spaces; the report lines exactly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from graphsc.store.sqlite import SQLiteStore
from tests.cli.test_ingest_hf import ingest_hf
from tests.fake_hub import FakeHub, hub_model_record, load_records, space_record

DATASETS_FILE = Path(__file__).parents[1] / "data" / "hub" / "datasets.jsonl"
MODEL = "lab/model"
MISSING = "nobody/no-such-dataset"
TRAINED_ON = ("Anthropic/hh-rlhf", "rajpurkar/squad", "bigcode/the-stack", MISSING)
SPACES = ("lab/demo", "someone/chat", "lab/gone-space")  # the last one is not on the Hub
runner = CliRunner()


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    models = [hub_model_record(MODEL, datasets=TRAINED_ON, spaces=SPACES)]
    spaces = [
        space_record("lab/demo", "gradio", "apache-2.0", models=[MODEL]),
        space_record("someone/chat", "streamlit", "mit", models=[MODEL]),
        space_record("lab/tools", "docker", None),
    ]
    with FakeHub(models, page_size=3, datasets=load_records([DATASETS_FILE]), spaces=spaces) as server:
        yield server


def run(hub: FakeHub, db: Path, *args: str) -> Result:
    result = ingest_hf(hub, db, *args)
    assert result.exit_code == 0, result.output
    return result


def lines(result: Result, start: str) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith(start)]


def test_datasets_of_the_crawled_models_are_fetched_and_reported(tmp_path: Path, hub: FakeHub) -> None:
    db = tmp_path / "g.db"
    on_hub = [d for d in TRAINED_ON if d in hub.datasets]
    assert len(on_hub) == len(TRAINED_ON) - 1
    result = run(hub, db, MODEL)
    assert lines(result, "skipped ") == [
        f"skipped datasets/{MISSING}: not found on the Hub (deleted, renamed or mistyped)"
    ]
    assert lines(result, "Fetched ") == [
        f"Fetched {len(on_hub)} datasets ({len(on_hub)} by id, 0 from listings); 1 failed (left as stubs); "
        "0 skipped, fetched by an earlier run."
    ]
    assert not [r for r in hub.requests if r.startswith("/api/spaces")], "Spaces are opt-in"
    with SQLiteStore(db) as store:
        stored = {d.id: d for batch in store.iter_datasets() for d in batch}
    assert {d for d, v in stored.items() if v.fetched} == set(on_hub)
    assert stored[MISSING].license is None and not stored[MISSING].fetched

    again = run(hub, db, MODEL)
    assert lines(again, "Fetched ") == [
        f"Fetched 0 datasets (0 by id, 0 from listings); 1 failed (left as stubs); {len(on_hub)} skipped, fetched by "
        "an earlier run."
    ]
    refreshed = run(hub, db, MODEL, "--refresh")
    assert lines(refreshed, "Fetched ")[0].startswith(f"Fetched {len(on_hub)} datasets ({len(on_hub)} by id,")


def test_no_datasets_skips_them_and_says_nothing_of_them(tmp_path: Path, hub: FakeHub) -> None:
    result = run(hub, tmp_path / "g.db", MODEL, "--no-datasets")
    assert not lines(result, "Fetched ") and not lines(result, "skipped ")
    assert not [r for r in hub.requests if r.startswith("/api/datasets")]


def test_spaces_are_fetched_with_spaces(tmp_path: Path, hub: FakeHub) -> None:
    result = run(hub, tmp_path / "g.db", MODEL, "--no-datasets", "--spaces")
    on_hub = [s for s in SPACES if s in hub.spaces]
    assert lines(result, "skipped ") == [
        "skipped spaces/lab/gone-space: not found on the Hub (deleted, renamed or mistyped)"
    ]
    assert lines(result, "Fetched ") == [
        f"Fetched {len(on_hub)} Spaces ({len(on_hub)} by id, 0 from listings); 1 failed (left as stubs); 0 skipped, "
        "fetched by an earlier run."
    ]
    with SQLiteStore(tmp_path / "g.db") as store:
        stored = {s.id: s for batch in store.iter_spaces() for s in batch}
        uses = {(u.user, u.model, u.source) for batch in store.iter_uses() for u in batch}
    assert (stored["lab/demo"].license, stored["lab/demo"].sdk) == ("apache-2.0", "gradio")
    # the model's record lists them and their cards declare it: one edge keeps both facts
    assert {(s, MODEL, "hub-spaces+space-card") for s in on_hub} <= uses


def test_listing_datasets_and_spaces_needs_no_model(tmp_path: Path, hub: FakeHub) -> None:
    google = [r for r in load_records([DATASETS_FILE]) if r["author"] == "google-research-datasets"]
    lab = [s for s in hub.spaces if s.startswith("lab/")]
    result = run(
        hub,
        tmp_path / "g.db",
        "--datasets-author",
        "google-research-datasets",
        "--spaces-author",
        "lab",
        "--limit",
        "5",
    )
    assert len(google) > 5
    assert lines(result, "Fetched ") == [
        "Fetched 5 datasets (0 by id, 5 from listings); 0 failed (left as stubs); 0 skipped, fetched by an earlier run.",
        f"Fetched {len(lab)} Spaces (0 by id, {len(lab)} from listings); 0 failed (left as stubs); 0 skipped, fetched "
        "by an earlier run.",
    ]
    assert "Crawled 0 models (0 fetched, 0 from listings) and 0 listings" in result.output
    voices = [r for r in load_records([DATASETS_FILE]) if "common_voice" in r["id"].lower()]
    searched = run(hub, tmp_path / "g.db", "--datasets-search", "Common_Voice")
    assert lines(searched, "Fetched ")[0].startswith(f"Fetched {len(voices)} datasets (0 by id, {len(voices)} from")


def test_a_dataset_failing_past_retries_is_reported_and_the_crawl_finishes(tmp_path: Path, hub: FakeHub) -> None:
    hub.add_fault("status", status=500, times=None, match="/api/datasets/rajpurkar/squad")
    result = run(hub, tmp_path / "g.db", MODEL)
    assert "skipped datasets/rajpurkar/squad: HTTP 500 after 3 attempts" in result.output.splitlines()
    assert lines(result, "Fetched ")[0].startswith("Fetched 2 datasets (2 by id, 0 from listings); 2 failed")


def test_the_help_names_the_options() -> None:
    from graphsc.cli import app

    result = runner.invoke(app, ["ingest", "hf", "--help"], env={"COLUMNS": "200"})
    for option in ("--no-datasets", "--datasets-author", "--datasets-search", "--spaces", "--spaces-author"):
        assert option in result.output
