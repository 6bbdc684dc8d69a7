"""The Hub crawler, running the real ``huggingface_hub`` client against a local fake Hub built from real records."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from graphsc.errors import BadInput, SourceError
from graphsc.ingest.hub import CrawlPlan, CrawlReport, crawl_hub, down_state_key, model_state_key
from graphsc.records import ModelRecord
from graphsc.sources.hf_hub import HubClient
from graphsc.sources.hub_records import model_record_from_hub
from graphsc.sources.retry import RetryPolicy, parse_retry_after
from graphsc.store.sqlite import SQLiteStore
from tests.fake_hub import FakeHub, descendants_in_data, load_records

ROOT = "deepseek-ai/DeepSeek-R1"
SMALL_ROOT = "mistralai/Mistral-Small-24B-Base-2501"  # a 67-model family, for tests that crawl several times
FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05)


@pytest.fixture
def hub(family_records: list[dict]) -> Iterator[FakeHub]:
    with FakeHub(family_records, page_size=7, private={"someone/private-model"}) as server:
        yield server


def client(hub: FakeHub, policy: RetryPolicy = FAST, timeout: float = 0.5) -> HubClient:
    return HubClient(endpoint=hub.url, timeout=timeout, policy=policy)


def crawl(store: SQLiteStore, hub: FakeHub, **plan: object) -> CrawlReport:
    """A crawl of models only: the datasets their records name (which this fake Hub does not hold, so each would be
    asked again on every run) are tests/sources/test_hf_hub_datasets.py's."""
    plan.setdefault("models", (ROOT,))
    plan.setdefault("datasets", False)
    return crawl_hub(store, client(hub), CrawlPlan(**plan))  # type: ignore[arg-type]


def expected_graph(records: list[dict], root: str = ROOT, depth: int = 3) -> tuple[set[str], set[tuple[str, str, str]]]:
    """The fetched models and DERIVED_FROM edges a crawl of ``root`` to ``depth`` must store, from the data."""
    wanted = set(descendants_in_data(records, root, depth))
    edges = {
        (e.child, e.base, e.relation)
        for r in records
        if r["id"] in wanted
        for e in model_record_from_hub(r).derived_from
    }
    return wanted, edges


def stored_graph(store: SQLiteStore) -> tuple[set[str], set[tuple[str, str, str]]]:
    fetched = {m.id for batch in store.iter_models() for m in batch if m.fetched}
    edges = {(e.child, e.base, e.relation) for batch in store.iter_derived_from() for e in batch}
    return fetched, edges


def test_every_record_survives_the_real_client_unchanged(hub: FakeHub, family_records: list[dict]) -> None:
    hub_client = client(hub)
    for raw in family_records:
        got = hub_client.model(raw["id"], "t")
        assert isinstance(got, ModelRecord)
        assert got == model_record_from_hub(raw, "t"), raw["id"]


def test_down_crawl_to_depth_3_finds_the_family_the_data_describes(
    store: SQLiteStore, hub: FakeHub, family_records: list[dict], family_files: list[Path]
) -> None:
    deepseek_file = next(f for f in family_files if "deepseek" in f.name)
    report = crawl(store, hub, max_depth=3)
    models, edges = expected_graph(family_records)
    assert stored_graph(store) == (models, edges)
    assert models == {r["id"] for r in load_records([deepseek_file])}, "the data is the family to depth 3"
    assert report.models == len(models) and not report.problems
    assert any("cursor=" in target for target in hub.requests), "pagination was not exercised"
    parents = {m for m, d in descendants_in_data(family_records, ROOT, 3).items() if d < 3}
    assert report.listings == len(parents)
    assert all(store.get_state(down_state_key(p)) for p in parents)
    assert all(store.get_state(model_state_key(m)) for m in models)


def test_max_depth_1_lists_only_the_seed(store: SQLiteStore, hub: FakeHub, family_records: list[dict]) -> None:
    report = crawl(store, hub, max_depth=1)
    assert stored_graph(store)[0] == set(descendants_in_data(family_records, ROOT, 1))
    assert report.listings == 1


def test_up_crawl_from_a_leaf_reaches_the_root(store: SQLiteStore, hub: FakeHub, family_records: list[dict]) -> None:
    depths = descendants_in_data(family_records, ROOT, 3)
    leaf = max(depths, key=lambda m: (depths[m], m))
    assert depths[leaf] >= 2
    report = crawl(store, hub, models=(leaf,), down=False)
    assert ROOT in {e.base for e in store.lineage_edges(leaf, "up")}
    assert store.models([ROOT])[ROOT].fetched
    assert report.listings == 0 and report.fetched >= depths[leaf] + 1


def test_429_with_retry_after_is_waited_out(store: SQLiteStore, hub: FakeHub, family_records: list[dict]) -> None:
    hub.add_fault("status", status=429, retry_after="1", match=f"/api/models/{ROOT}")
    date = format_datetime(datetime.now(UTC) + timedelta(seconds=1), usegmt=True)
    hub.add_fault("status", status=429, retry_after=date, match="cursor=7")
    started = time.perf_counter()
    report = crawl(store, hub, max_depth=3)
    assert time.perf_counter() - started >= 1.0
    assert report.retries == 2
    assert stored_graph(store) == expected_graph(family_records)


def test_timeouts_5xx_and_truncated_pages_are_retried(
    store: SQLiteStore, hub: FakeHub, family_records: list[dict]
) -> None:
    hub.add_fault("sleep", seconds=1.0, match="cursor=14")
    hub.add_fault("bad_json", match="cursor=21")
    hub.add_fault("cut", match="cursor=28")
    hub.add_fault("cut", match=f"/api/models/{ROOT}")
    hub.add_fault("status", status=500, times=2, after=50)
    hub.add_fault("status", status=502, match="cursor=35")
    report = crawl(store, hub, max_depth=3)
    assert report.retries == 7
    assert stored_graph(store) == expected_graph(family_records)


def test_persistent_500s_give_a_source_error_naming_the_url(store: SQLiteStore, hub: FakeHub) -> None:
    hub.add_fault("status", status=500, times=None)
    with pytest.raises(SourceError) as caught:
        crawl(store, hub)
    assert f"{hub.url}/api/models/{ROOT}" in caught.value.message
    assert "HTTP 500 after 4 attempts" in caught.value.message
    assert "HF_ENDPOINT" in (caught.value.hint or "")
    assert hub.count == FAST.attempts
    # the parts are fields too, not only text in the message
    assert (caught.value.status, caught.value.attempts) == (500, FAST.attempts)
    assert caught.value.url == f"{hub.url}/api/models/{ROOT}" and caught.value.reason == "HTTP 500 after 4 attempts"


def test_persistent_429s_say_to_set_hf_token(store: SQLiteStore, hub: FakeHub) -> None:
    hub.add_fault("status", status=429, retry_after="0", times=None)
    with pytest.raises(SourceError) as caught:
        crawl(store, hub)
    assert "rate limited" in caught.value.message and "HF_TOKEN" in (caught.value.hint or "")
    assert caught.value.status == 429 and caught.value.attempts == FAST.attempts


def test_a_stop_during_a_rate_limit_wait_keeps_status_and_attempts(hub: FakeHub) -> None:
    """Like GitHub's: a "stopped" SourceError keeps the HTTP status and the attempts made (the wait is 300 s)."""
    hub.add_fault("status", status=429, retry_after="300", times=None)
    stop = threading.Event()
    hub_client = HubClient(endpoint=hub.url, timeout=0.5, policy=FAST, stop=stop)
    raised: list[BaseException] = []

    def run() -> None:
        try:
            hub_client.model(ROOT, "t")
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            raised.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not hub.requests and time.monotonic() < deadline:
        time.sleep(0.02)
    stop.set()
    thread.join(10)
    assert not thread.is_alive(), "stop did not end the 300 s wait"
    assert len(raised) == 1 and isinstance(raised[0], SourceError), raised
    assert raised[0].reason == "stopped"
    assert (raised[0].status, raised[0].attempts) == (429, 1)


def test_unknown_and_private_models_are_reported_and_the_crawl_goes_on(
    store: SQLiteStore, hub: FakeHub, family_records: list[dict]
) -> None:
    report = crawl(store, hub, models=("nobody/no-such-model", "someone/private-model", ROOT), max_depth=1)
    problems = {p.model_id: p for p in report.problems}
    assert problems["nobody/no-such-model"] == BadInput.of_model(
        "nobody/no-such-model",
        problems["nobody/no-such-model"].reason,
        404,
        f"{hub.url}/api/models/nobody/no-such-model",
    )
    assert str(problems["nobody/no-such-model"]).startswith("nobody/no-such-model: not found on the Hub")
    assert problems["someone/private-model"].status == 401 and "HF_TOKEN" in problems["someone/private-model"].reason
    assert stored_graph(store)[0] == set(descendants_in_data(family_records, ROOT, 1))


def test_interrupted_crawl_keeps_its_work_and_a_rerun_resumes(
    tmp_path: Path, hub: FakeHub, family_records: list[dict]
) -> None:
    clean = SQLiteStore(tmp_path / "clean.db")
    crawl(clean, hub, models=(SMALL_ROOT,))
    full_run = hub.count
    hub.reset_count()

    store = SQLiteStore(tmp_path / "g.db")
    hub.add_fault("status", status=500, times=None, after=full_run // 2)
    with pytest.raises(SourceError):
        crawl(store, hub, models=(SMALL_ROOT,))
    kept = stored_graph(store)[0]
    assert 0 < len(kept) < len(expected_graph(family_records, SMALL_ROOT)[0])

    hub.clear_faults()
    hub.reset_count()
    report = crawl(store, hub, models=(SMALL_ROOT,))
    assert hub.count < full_run
    assert report.reused > 0
    assert stored_graph(store) == stored_graph(clean) == expected_graph(family_records, SMALL_ROOT)
    assert store.counts() == clean.counts()


def test_ctrl_c_keeps_what_was_received(store: SQLiteStore, hub: FakeHub) -> None:
    def interrupt(report: CrawlReport) -> None:
        if report.models >= 40:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        crawl_hub(store, client(hub), CrawlPlan(models=(ROOT,)), on_progress=interrupt)
    assert len(stored_graph(store)[0]) >= 40


def test_rerun_is_idempotent_and_refresh_fetches_again(store: SQLiteStore, hub: FakeHub) -> None:
    crawl(store, hub, models=(SMALL_ROOT,))
    first_requests, counts = hub.count, store.counts()
    hub.reset_count()
    again = crawl(store, hub, models=(SMALL_ROOT,))
    assert hub.count == 0 and again.models == 0 and store.counts() == counts
    refreshed = crawl(store, hub, models=(SMALL_ROOT,), refresh=True)
    assert hub.count == first_requests and refreshed.models == counts.nodes["Model"] - counts.unfetched_models
    assert store.counts() == counts


def test_author_search_and_filter_select_seeds_with_a_limit(
    store: SQLiteStore, hub: FakeHub, family_records: list[dict]
) -> None:
    unsloth = [r["id"] for r in family_records if r["id"].startswith("unsloth/")]
    report = crawl(store, hub, models=(), author="unsloth", up=False, down=False)
    assert stored_graph(store)[0] == set(unsloth) and report.seeds == len(unsloth)
    gguf = [r["id"] for r in family_records if "gguf" in r["id"].lower()]
    report = crawl(store, hub, models=(), search="GGUF", limit=3, up=False, down=False)
    assert report.listed == 3 and report.seeds == 3 and set(gguf[:3]) <= stored_graph(store)[0]
    tagged = [r["id"] for r in family_records if "license:apache-2.0" in (r.get("tags") or [])]
    assert len(tagged) > 7
    report = crawl(store, hub, models=(), filter="license:apache-2.0", up=False, down=False)
    assert report.listed == len(tagged)


@pytest.mark.parametrize(("value", "seconds"), [("3", 3.0), (" 0 ", 0.0), ("soon", None), (None, None), ("", None)])
def test_retry_after_in_seconds(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value) == seconds


def test_retry_after_as_an_http_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now.timestamp()) == 30.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now.timestamp()) == 0.0


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=8.0)
    for retry, ceiling in enumerate([1, 2, 4, 8, 8, 8]):
        waits = [policy.backoff(retry) for _ in range(50)]
        assert all(ceiling / 2 <= w <= ceiling for w in waits)
        assert len(set(waits)) > 1


def test_selected_models_are_crawled_up_like_model_arguments(
    store: SQLiteStore, hub: FakeHub, family_records: list[dict]
) -> None:
    unsloth = {r["id"]: r for r in family_records if r["id"].startswith("unsloth/")}
    bases = {e.base for r in unsloth.values() for e in model_record_from_hub(r).derived_from}
    report = crawl(store, hub, models=(), author="unsloth", down=False)
    assert bases and report.fetched >= len(bases - set(unsloth))
    assert all(m.fetched for m in store.models(bases).values())


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/api/models?x=\x1b[2J", "http://[::1"])
def test_a_url_the_client_cannot_request_is_a_source_error_at_once(url: str) -> None:
    # a server's next-page Link is data: a malformed one used to end the crawl with a traceback (httpx2.InvalidURL)
    client = HubClient(endpoint="http://127.0.0.1:9", timeout=1)
    with pytest.raises(SourceError, match="not a URL that can be requested"):
        client._get_page(url, {})
