"""The crawler's datasets and Spaces: the real ``huggingface_hub`` client (``dataset_info``, ``space_info``, the
dataset and Space listings) against the local fake Hub, real dataset records (tests/data/hub/datasets.jsonl), made-up
models and Spaces in the Hub API's shape."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from huggingface_hub import HfApi

from graphsc.errors import SourceError
from graphsc.ingest.hub import (
    MAX_FAILURES_IN_A_ROW,
    CrawlPlan,
    CrawlReport,
    crawl_hub,
    dataset_state_key,
    space_state_key,
)
from graphsc.records import Dataset, DatasetRecord, SpaceRecord
from graphsc.sources.hf_hub import HubClient
from graphsc.sources.hub_datasets import dataset_record_from_hub
from graphsc.sources.hub_spaces import space_record_from_hub
from graphsc.sources.retry import RetryPolicy
from graphsc.store.sqlite import SQLiteStore
from tests.fake_hub import FakeHub, hub_model_record, load_records, space_record

DATASETS_FILE = Path(__file__).parents[1] / "data" / "hub" / "datasets.jsonl"
FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05)

BASE = "lab/base-model"
TUNED = "lab/tuned-model"
MISSING_DATASET = "nobody/no-such-dataset"
PRIVATE_DATASET = "lab/private-data"
BASE_DATASETS = ("Anthropic/hh-rlhf", "OpenAssistant/oasst1", MISSING_DATASET)
TUNED_DATASETS = ("rajpurkar/squad", "bigcode/the-stack", "Dr-BERT/NACHOS", "google/xquad", PRIVATE_DATASET)
MISSING_SPACE = "lab/gone-space"
BASE_SPACES = ("lab/demo", MISSING_SPACE)
TUNED_SPACES = ("lab/demo", "someone/chat")


def raw_datasets() -> list[dict[str, Any]]:
    return load_records([DATASETS_FILE])


def models() -> list[dict[str, Any]]:
    return [
        hub_model_record(BASE, datasets=BASE_DATASETS, spaces=BASE_SPACES),
        hub_model_record(TUNED, base=BASE, datasets=TUNED_DATASETS, spaces=TUNED_SPACES),
    ]


def spaces() -> list[dict[str, Any]]:
    return [
        space_record("lab/demo", "gradio", "apache-2.0", models=[BASE, TUNED]),
        space_record("someone/chat", "streamlit", ["mit", "cc-by-4.0"], models=[TUNED], card_models=["openai/gpt-oss"]),
        space_record("lab/other-space", "docker", None, models=["Qwen/Qwen2.5-0.5B"]),
    ]


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    private = {f"datasets/{PRIVATE_DATASET}"}
    with FakeHub(models(), page_size=7, private=private, datasets=raw_datasets(), spaces=spaces()) as server:
        yield server


def client(hub: FakeHub, policy: RetryPolicy = FAST) -> HubClient:
    return HubClient(endpoint=hub.url, timeout=0.5, policy=policy)


def crawl(store: SQLiteStore, hub: FakeHub, **plan: Any) -> CrawlReport:
    plan.setdefault("models", (TUNED,))
    plan.setdefault("down", False)
    return crawl_hub(store, client(hub), CrawlPlan(**plan))


def stored_datasets(store: SQLiteStore) -> dict[str, Dataset]:
    return {d.id: d for batch in store.iter_datasets() for d in batch}


def fetched_datasets(store: SQLiteStore) -> set[str]:
    return {d.id for d in stored_datasets(store).values() if d.fetched}


def dataset_api(hub: FakeHub) -> list[str]:
    return [r for r in hub.requests if r.startswith("/api/datasets")]


# what the raw records say, read here from their fields and tags (not by the converter under test)


def tag_values(raw: dict[str, Any], prefix: str) -> list[str]:
    return [t[len(prefix) :] for t in raw.get("tags") or [] if t.startswith(prefix)]


def expected_license(raw: dict[str, Any]) -> str | None:
    licenses = tag_values(raw, "license:")
    return " AND ".join(licenses) if licenses else None


def expected_sources(raw: dict[str, Any]) -> set[str]:
    """The Hub datasets the record's ``source_datasets:`` tags name (``extended|<id>`` or ``<id>``), but the
    record's own old id (the Hub moved ``common_voice`` to ``legacy-datasets/common_voice``)."""
    found = set()
    owner, name = raw["id"].split("/")
    for value in tag_values(raw, "source_datasets:"):
        value = value.split("|", 1)[1] if value.startswith("extended|") else value
        if value in {"original", "extended"} or value.startswith("other-"):
            continue
        if not (owner == "legacy-datasets" and value == name):
            found.add(value)
    return found


def expected_gated(raw: dict[str, Any]) -> str:
    gated = raw["gated"]
    return str(gated).lower() if isinstance(gated, bool) else gated


def named_in_hub(hub: FakeHub, ids: tuple[str, ...]) -> set[str]:
    return {i for i in ids if i in hub.datasets}


# the client


def test_every_dataset_record_survives_the_real_client_unchanged(hub: FakeHub) -> None:
    hub_client = client(hub)
    for raw in raw_datasets():
        got = hub_client.dataset(raw["id"], "t")
        assert isinstance(got, DatasetRecord)
        assert got == dataset_record_from_hub(raw, "t"), raw["id"]
        assert got.dataset.license == expected_license(raw) and got.dataset.downloads == raw["downloads"]
        assert {e.base for e in got.derived_from} == expected_sources(raw)


def test_a_dataset_card_survives_the_real_client(hub: FakeHub) -> None:
    # made up: the sample records carry no cardData (the list API leaves it out); a dataset's own record has it
    card = {
        "license": ["cc-by-4.0", "other"],
        "license_name": "lab-terms",
        "license_link": "https://example.org/terms",
        "source_datasets": ["extended|rajpurkar/squad", "original", "other-web-crawl"],
        "language": ["en"],
    }
    raw = {"id": "lab/carded", "author": "lab", "downloads": 5, "gated": "manual", "cardData": card, "tags": []}
    hub.datasets[raw["id"]] = raw
    got = client(hub).dataset("LAB/carded", "t")
    assert got == dataset_record_from_hub(raw, "t")
    assert isinstance(got, DatasetRecord)
    assert (got.dataset.license, got.dataset.license_name, got.dataset.gated) == (
        "cc-by-4.0 AND other",
        "lab-terms",
        "manual",
    )
    assert [e.base for e in got.derived_from] == ["rajpurkar/squad"]


def test_every_space_record_survives_the_real_client_unchanged(hub: FakeHub) -> None:
    hub_client = client(hub)
    for raw in spaces():
        got = hub_client.space(raw["id"], "t")
        assert isinstance(got, SpaceRecord)
        assert got == space_record_from_hub(raw, "t"), raw["id"]
        assert got.space.sdk == raw["sdk"]
        assert {u.model for u in got.uses} == {*raw["models"], *raw["cardData"].get("models", [])}


def test_dataset_and_space_listings_page_through_the_link_cursor(hub: FakeHub) -> None:
    google = [r for r in raw_datasets() if r["author"] == "google-research-datasets"]
    assert len(google) > 7, "two pages"
    pages = list(client(hub).repo_pages("dataset", author="google-research-datasets", fetched_at="t"))
    assert [len(p) for p in pages] == [7, len(google) - 7]
    assert [r for p in pages for r in p] == [dataset_record_from_hub(r, "t") for r in google]
    assert any("/api/datasets?" in t and "cursor=7" in t for t in hub.requests)
    assert any("expand=cardData" in t for t in hub.requests if t.startswith("/api/datasets?"))
    voices = [r for r in raw_datasets() if "common_voice" in r["id"].lower()]
    listed = [r for p in client(hub).repo_pages("dataset", search="COMMON_VOICE", limit=1) for r in p]
    assert len(voices) == 2 and [r.dataset.id for r in listed] == [voices[0]["id"]]
    lab = [r for r in spaces() if r["id"].startswith("lab/")]
    listed_spaces = [r for p in client(hub).repo_pages("space", author="lab", fetched_at="t") for r in p]
    assert listed_spaces == [space_record_from_hub(r, "t") for r in lab]


def test_the_fake_answers_the_revision_paths_the_client_uses(hub: FakeHub) -> None:
    api = HfApi(endpoint=hub.url, token=False)
    assert api.dataset_info("rajpurkar/squad", revision="main").id == "rajpurkar/squad"
    assert api.space_info("lab/demo", revision="refs/pr/1").sdk == "gradio"
    assert api.model_info(BASE, revision="main").id == BASE
    assert any(t.startswith("/api/datasets/rajpurkar/squad/revision/main") for t in hub.requests)


def test_unusable_dataset_and_space_records_are_problems(hub: FakeHub) -> None:
    hub.datasets["lab/broken"] = {"id": "lab/broken", "siblings": [5]}
    hub.spaces["lab/broken"] = {"id": "lab/broken", "runtime": 5}
    got = client(hub).dataset("lab/broken")
    assert not isinstance(got, DatasetRecord) and got.model_id == "datasets/lab/broken"
    assert got.reason.startswith("unusable record: huggingface_hub cannot read it")
    space = client(hub).space("lab/broken")
    assert not isinstance(space, SpaceRecord) and space.model_id == "spaces/lab/broken"


# the crawl


def test_a_crawl_fetches_the_datasets_its_models_are_trained_on(store: SQLiteStore, hub: FakeHub) -> None:
    report = crawl(store, hub)
    named = BASE_DATASETS + TUNED_DATASETS
    available = named_in_hub(hub, named)
    assert fetched_datasets(store) == available
    stored = stored_datasets(store)
    for raw in raw_datasets():
        if raw["id"] in available:
            got = stored[raw["id"]]
            assert got.license == expected_license(raw), raw["id"]
            assert (got.author, got.downloads, got.likes) == (raw["author"], raw["downloads"], raw["likes"])
            assert got.gated == expected_gated(raw) and got.created_at == raw["createdAt"]
    assert stored["bigcode/the-stack"].gated == "auto" and stored["Dr-BERT/NACHOS"].gated == "manual"
    edges = {(e.child, e.base) for batch in store.iter_dataset_derived_from() for e in batch}
    assert edges == {(r["id"], base) for r in raw_datasets() if r["id"] in available for base in expected_sources(r)}
    assert ("google/xquad", "squad") in edges and ("rajpurkar/squad", "wikipedia") in edges
    # not on the Hub (404) or private (401): reported, still stubs with no license
    for missing in (MISSING_DATASET, PRIVATE_DATASET):
        assert stored[missing] == Dataset(missing, fetched=False)
    problems = {p.model_id: p for p in report.datasets.problems}
    assert set(problems) == {f"datasets/{MISSING_DATASET}", f"datasets/{PRIVATE_DATASET}"}
    assert problems[f"datasets/{MISSING_DATASET}"].status == 404
    assert problems[f"datasets/{MISSING_DATASET}"].url == f"{hub.url}/api/datasets/{MISSING_DATASET}"
    assert problems[f"datasets/{PRIVATE_DATASET}"].status == 401 and not report.problems
    assert (report.datasets.fetched, report.datasets.listed, report.datasets.reused) == (len(available), 0, 0)
    assert report.fetched == 2 and all(store.get_state(dataset_state_key(d)) for d in available)
    assert not store.get_state(dataset_state_key(MISSING_DATASET))
    assert not report.spaces.asked and not [r for r in hub.requests if r.startswith("/api/spaces")]


def test_no_datasets_fetches_none(store: SQLiteStore, hub: FakeHub) -> None:
    report = crawl(store, hub, datasets=False)
    assert not dataset_api(hub) and not fetched_datasets(store) and not report.datasets.asked
    assert {d.id for d in stored_datasets(store).values()} == set(BASE_DATASETS + TUNED_DATASETS), "stubs"


def test_a_rerun_fetches_no_dataset_again_and_refresh_does(store: SQLiteStore, hub: FakeHub) -> None:
    crawl(store, hub, datasets=False)
    hub.reset_count()
    first = crawl(store, hub)  # the models are reused; their datasets are fetched now
    available = named_in_hub(hub, BASE_DATASETS + TUNED_DATASETS)
    assert first.models == 0 and first.reused == 2 and first.datasets.fetched == len(available)
    hub.reset_count()
    again = crawl(store, hub)
    # only the two the Hub would not give are asked again (no state key for them)
    assert sorted(dataset_api(hub)) == sorted(f"/api/datasets/{d}" for d in (MISSING_DATASET, PRIVATE_DATASET))
    assert again.datasets.reused == len(available) and again.datasets.fetched == 0
    assert len(again.datasets.problems) == 2
    hub.reset_count()
    refreshed = crawl(store, hub, refresh=True)
    assert refreshed.datasets.fetched == len(available) and refreshed.datasets.reused == 0
    assert len(dataset_api(hub)) == len(available) + 2
    assert fetched_datasets(store) == available


def test_429_is_waited_out_and_timeouts_and_truncated_answers_retried(store: SQLiteStore, hub: FakeHub) -> None:
    hub.add_fault("status", status=429, retry_after="1", match="/api/datasets/rajpurkar/squad")
    hub.add_fault("sleep", seconds=1.0, match="/api/datasets/google/xquad")
    hub.add_fault("bad_json", match="/api/datasets/Anthropic/hh-rlhf")
    hub.add_fault("cut", match="/api/spaces/lab/demo")
    started = time.perf_counter()
    report = crawl(store, hub, spaces=True)
    assert time.perf_counter() - started >= 1.0
    assert report.retries == 4
    assert fetched_datasets(store) == named_in_hub(hub, BASE_DATASETS + TUNED_DATASETS)
    assert len(report.datasets.problems) == 2 and len(report.spaces.problems) == 1


def test_a_dataset_failing_past_retries_is_reported_the_crawl_goes_on_and_a_rerun_fetches_it(
    store: SQLiteStore, hub: FakeHub
) -> None:
    hub.add_fault("status", status=500, times=None, match="/api/datasets/rajpurkar/squad")
    report = crawl(store, hub)
    problems = {p.model_id: p for p in report.datasets.problems}
    failed = problems["datasets/rajpurkar/squad"]
    assert (failed.reason, failed.status) == ("HTTP 500 after 4 attempts", 500)
    assert failed.url == f"{hub.url}/api/datasets/rajpurkar/squad"
    assert stored_datasets(store)["rajpurkar/squad"] == Dataset("rajpurkar/squad", fetched=False)
    available = named_in_hub(hub, BASE_DATASETS + TUNED_DATASETS)
    assert fetched_datasets(store) == available - {"rajpurkar/squad"}
    hub.clear_faults()
    hub.reset_count()
    again = crawl(store, hub)
    assert "/api/datasets/rajpurkar/squad" in dataset_api(hub) and again.datasets.fetched == 1
    assert fetched_datasets(store) == available


def test_a_hub_that_is_down_or_rate_limits_ends_the_crawl(tmp_path: Path, hub: FakeHub) -> None:
    hub.add_fault("status", status=503, times=None, match="/api/datasets/")
    store = SQLiteStore(tmp_path / "down.db")
    with pytest.raises(SourceError, match="HTTP 503 after 4 attempts"):
        crawl(store, hub, workers=1)
    assert len(dataset_api(hub)) == MAX_FAILURES_IN_A_ROW * FAST.attempts
    assert store.models([TUNED])[TUNED].fetched, "the models written stay"
    hub.clear_faults()
    hub.add_fault("status", status=429, retry_after="0", times=None, match="/api/datasets/")
    with pytest.raises(SourceError, match="rate limited") as caught:
        crawl(SQLiteStore(tmp_path / "limited.db"), hub, workers=1)
    assert caught.value.status == 429 and "HF_TOKEN" in (caught.value.hint or "")


def test_spaces_are_fetched_with_their_license_sdk_and_declared_models(store: SQLiteStore, hub: FakeHub) -> None:
    report = crawl(store, hub, spaces=True)
    raw = {r["id"]: r for r in spaces()}
    listed = set(BASE_SPACES + TUNED_SPACES)
    stored = {s.id: s for batch in store.iter_spaces() for s in batch}
    assert {s for s, space in stored.items() if space.fetched} == listed & set(raw)
    for space_id in listed & set(raw):
        card = raw[space_id]["cardData"]
        licenses = card["license"] if isinstance(card["license"], list) else [card["license"]]
        assert stored[space_id].license == " AND ".join(licenses)
        assert stored[space_id].sdk == raw[space_id]["sdk"] and stored[space_id].likes == raw[space_id]["likes"]
    assert not stored[MISSING_SPACE].fetched and stored[MISSING_SPACE].license is None
    declared = ("space-card", "hub-spaces+space-card")  # the card's alone, or also the model record's
    uses = {(u.user, u.model) for batch in store.iter_uses() for u in batch if u.source in declared}
    assert uses == {
        (s, m) for s in listed & set(raw) for m in [*raw[s]["models"], *raw[s]["cardData"].get("models", [])]
    }
    assert [p.model_id for p in report.spaces.problems] == [f"spaces/{MISSING_SPACE}"]
    assert (report.spaces.fetched, report.spaces.reused) == (len(listed & set(raw)), 0)
    assert all(store.get_state(space_state_key(s)) for s in listed & set(raw))
    hub.reset_count()
    again = crawl(store, hub, spaces=True)
    assert again.spaces.reused == len(listed & set(raw)) and again.spaces.fetched == 0
    assert [r for r in hub.requests if r.startswith("/api/spaces")] == [f"/api/spaces/{MISSING_SPACE}"]


def test_datasets_and_spaces_listed_by_author_and_search(store: SQLiteStore, hub: FakeHub) -> None:
    google = [r["id"] for r in raw_datasets() if r["id"].startswith("google-research-datasets/")]
    report = crawl(store, hub, models=(), datasets_author="google-research-datasets", spaces_author="lab")
    assert fetched_datasets(store) == set(google)
    assert (report.datasets.listed, report.datasets.fetched, report.seeds) == (len(google), 0, 0)
    lab_spaces = {r["id"] for r in spaces() if r["id"].startswith("lab/")}
    assert {s.id for batch in store.iter_spaces() for s in batch if s.fetched} == lab_spaces
    assert report.spaces.listed == len(lab_spaces) and report.spaces.asked and not report.problems
    assert all(store.get_state(dataset_state_key(d)) for d in google)

    report = crawl(store, hub, models=(), datasets_search="common_voice", limit=1)
    voices = [r["id"] for r in raw_datasets() if "common_voice" in r["id"]]
    assert report.datasets.listed == 1 and voices[0] in fetched_datasets(store)
    assert voices[1] not in fetched_datasets(store)


def test_a_listed_dataset_is_not_fetched_again_in_the_same_crawl(store: SQLiteStore, hub: FakeHub) -> None:
    report = crawl(store, hub, datasets_search="squad")
    assert report.datasets.listed == 1
    assert "/api/datasets/rajpurkar/squad" not in dataset_api(hub)
    available = named_in_hub(hub, BASE_DATASETS + TUNED_DATASETS)
    assert report.datasets.fetched == len(available) - 1 and fetched_datasets(store) == available


def test_a_reused_models_datasets_are_read_from_the_store(store: SQLiteStore, hub: FakeHub) -> None:
    """A crawl's datasets include those of models an earlier run fetched (up from a reused model, too)."""
    crawl(store, hub, models=(BASE,), datasets=False)
    report = crawl(store, hub, models=(TUNED,))
    assert report.reused == 1 and report.fetched == 1
    assert fetched_datasets(store) == named_in_hub(hub, BASE_DATASETS + TUNED_DATASETS)
