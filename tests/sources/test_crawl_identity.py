"""The Hub crawler stores canonical ids: a renamed repo's old id and other casings of an id resolve to one node.

The real ``huggingface_hub`` client runs against the local fake Hub (tests/fake_hub.py) serving
``identity_records()``: ``old-org/Old-Name`` redirects (307) to ``new-org/New-Name``, ids are looked up ignoring
case, and ``filter=base_model:<id>`` matches tags ignoring case. Every expected value below is read off that data.
Graph tests run on the embedded store and on a real Neo4j (``neo4j`` marker; skipped when none is reachable).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.errors import BadInput
from graphsc.ingest.hub import (
    CrawlPlan,
    CrawlReport,
    InvalidSeedError,
    Seeds,
    crawl_hub,
    down_state_key,
    model_state_key,
    parse_seeds,
)
from graphsc.records import Alias, GraphBatch, IdNote, ModelRecord
from graphsc.sources.hf_hub import HubClient
from graphsc.sources.hub_records import model_record_from_hub
from graphsc.sources.retry import RetryPolicy
from graphsc.store.base import GraphStore
from graphsc.store.sqlite import SQLiteStore
from tests.fake_hub import (
    CARD_KEEPS_OLD,
    IDENTITY_RENAMES,
    QWEN,
    QWEN_CHILD,
    QWEN_LOWER_TAG,
    RENAMED_NEW,
    RENAMED_OLD,
    TAGGED_OLD,
    FakeHub,
    identity_records,
)
from tests.store.conftest import any_store, neo4j_store, neo4j_uri  # noqa: F401 - fixtures, for both backends

FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05)
runner = CliRunner()


@pytest.fixture
def graph(any_store: GraphStore) -> GraphStore:  # noqa: F811 - the imported fixture, injected by name
    """A fresh store of each backend (``tests/store/conftest.py``)."""
    return any_store


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    with FakeHub(identity_records(), page_size=1, renames=IDENTITY_RENAMES) as server:
        yield server


def client(hub: FakeHub) -> HubClient:
    return HubClient(endpoint=hub.url, timeout=2.0, policy=FAST)


def crawl(store: GraphStore, hub: FakeHub, *models: str, **plan: object) -> CrawlReport:
    return crawl_hub(store, client(hub), CrawlPlan(models=models, **plan))  # type: ignore[arg-type]


def nodes(store: GraphStore) -> dict[str, bool]:
    """Every stored model: id → fetched."""
    return {m.id: m.fetched for batch in store.iter_models() for m in batch}


def edges(store: GraphStore) -> set[tuple[str, str, str]]:
    return {(e.child, e.base, e.relation) for batch in store.iter_derived_from() for e in batch}


def renamed_aliases(store: GraphStore) -> set[Alias]:
    return {a for batch in store.iter_aliases() for a in batch if a.kind == "renamed"}


def notes(store: GraphStore, model_id: str) -> list[IdNote]:
    return [n._replace(fetched_at=None) for n in store.notes_of([model_id])]


def model_requests(hub: FakeHub) -> list[str]:
    """The ``GET /api/models/{id}`` paths the fake Hub received, in order (query strings left out)."""
    return [r.split("?", 1)[0] for r in hub.requests if r.startswith("/api/models/")]


def listed_filters(hub: FakeHub) -> list[str]:
    """The ``filter`` of every first listing page requested (one per listing)."""
    queries = [parse_qs(urlsplit(r).query) for r in hub.requests if r.startswith("/api/models?")]
    return [q["filter"][0] for q in queries if "cursor" not in q and "filter" in q]


# the fake Hub, through the real client


def test_the_fake_hub_redirects_a_renamed_repo_and_the_real_client_follows(hub: FakeHub) -> None:
    got = client(hub).model(RENAMED_OLD, "t")
    assert isinstance(got, ModelRecord) and got.model.id == RENAMED_NEW
    assert model_requests(hub) == [f"/api/models/{RENAMED_OLD}", f"/api/models/{RENAMED_NEW}"]
    assert client(hub).model("OLD-ORG/old-name", "t").model.id == RENAMED_NEW  # type: ignore[union-attr]


def test_the_fake_hub_looks_ids_up_and_filters_children_ignoring_case(hub: FakeHub) -> None:
    got = client(hub).model("QWEN/qwen2.5-0.5b", "t")
    assert isinstance(got, ModelRecord) and got.model.id == QWEN
    assert model_requests(hub) == ["/api/models/QWEN/qwen2.5-0.5b"]  # answered directly, no redirect
    for spelling in (QWEN, QWEN.lower(), "QWEN/QWEN2.5-0.5B"):
        listed = [r.model.id for page in client(hub).children(spelling) for r in page]  # type: ignore[union-attr]
        assert listed == [QWEN_CHILD, QWEN_LOWER_TAG], spelling


# a renamed repo


def test_crawling_from_the_old_id_stores_one_node_under_the_new_id(graph: GraphStore, hub: FakeHub) -> None:
    report = crawl(graph, hub, RENAMED_OLD)
    assert nodes(graph) == {RENAMED_NEW: True, CARD_KEEPS_OLD: True, TAGGED_OLD: True}
    assert edges(graph) == {(CARD_KEEPS_OLD, RENAMED_NEW, "finetune"), (TAGGED_OLD, RENAMED_NEW, "finetune")}
    assert renamed_aliases(graph) == {Alias(RENAMED_OLD, RENAMED_NEW, "renamed")}
    for spelling in (RENAMED_OLD, "OLD-ORG/old-name", f"https://huggingface.co/{RENAMED_OLD}", RENAMED_NEW):
        assert graph.find_model_id(spelling) == RENAMED_NEW, spelling
    assert model_requests(hub) == [f"/api/models/{RENAMED_OLD}", f"/api/models/{RENAMED_NEW}"]
    # children are listed under the new id and, for children tagged before the rename, the old one; each once
    assert sorted(listed_filters(hub)) == sorted(
        [
            f"base_model:{RENAMED_NEW}",
            f"base_model:{RENAMED_OLD}",
            f"base_model:{CARD_KEEPS_OLD}",
            f"base_model:{TAGGED_OLD}",
        ]
    )
    assert (report.seeds, report.fetched, report.listed, report.listings) == (1, 1, 2, 3) and not report.problems
    for key in (model_state_key(RENAMED_OLD), model_state_key(RENAMED_NEW), down_state_key(RENAMED_NEW)):
        assert graph.get_state(key), key


def test_a_card_naming_the_old_id_hangs_under_the_new_node_and_is_noted_renamed(
    graph: GraphStore, hub: FakeHub
) -> None:
    crawl(graph, hub, RENAMED_OLD)
    up = graph.lineage_edges(CARD_KEEPS_OLD, "up")
    assert [(e.child, e.base, e.relation, e.source) for e in up] == [
        (CARD_KEEPS_OLD, RENAMED_NEW, "finetune", "hub-tag")
    ]
    assert notes(graph, CARD_KEEPS_OLD) == [IdNote(CARD_KEEPS_OLD, "base_model", RENAMED_OLD, RENAMED_NEW, "renamed")]


def test_a_card_naming_the_old_id_is_unconfirmed_until_the_rename_is_known_then_renamed(
    graph: GraphStore, hub: FakeHub
) -> None:
    crawl(graph, hub, CARD_KEEPS_OLD, down=False)  # up by the tag: the new id, never redirected
    assert nodes(graph) == {CARD_KEEPS_OLD: True, RENAMED_NEW: True}
    assert edges(graph) == {(CARD_KEEPS_OLD, RENAMED_NEW, "finetune")}
    assert notes(graph, CARD_KEEPS_OLD) == [
        IdNote(CARD_KEEPS_OLD, "base_model", RENAMED_OLD, RENAMED_OLD, "unconfirmed"),
    ]
    assert graph.find_model_id(RENAMED_OLD) is None and not renamed_aliases(graph)

    crawl(graph, hub, RENAMED_OLD, down=False)  # now the Hub says the old id is the new one
    assert graph.find_model_id(RENAMED_OLD) == RENAMED_NEW
    assert nodes(graph) == {CARD_KEEPS_OLD: True, RENAMED_NEW: True}
    # learning the redirect reclassifies the note written before it was known
    assert notes(graph, CARD_KEEPS_OLD) == [IdNote(CARD_KEEPS_OLD, "base_model", RENAMED_OLD, RENAMED_NEW, "renamed")]

    crawl(graph, hub, CARD_KEEPS_OLD, down=False, refresh=True)  # written again, with the alias known
    assert notes(graph, CARD_KEEPS_OLD) == [IdNote(CARD_KEEPS_OLD, "base_model", RENAMED_OLD, RENAMED_NEW, "renamed")]
    assert edges(graph) == {(CARD_KEEPS_OLD, RENAMED_NEW, "finetune")}


def test_going_up_through_an_old_id_merges_its_stub_into_the_new_node(graph: GraphStore, hub: FakeHub) -> None:
    report = crawl(graph, hub, TAGGED_OLD, down=False)
    assert nodes(graph) == {TAGGED_OLD: True, RENAMED_NEW: True}
    assert edges(graph) == {(TAGGED_OLD, RENAMED_NEW, "finetune")}
    assert graph.find_model_id(RENAMED_OLD) == RENAMED_NEW
    assert model_requests(hub) == [
        f"/api/models/{TAGGED_OLD}",
        f"/api/models/{RENAMED_OLD}",
        f"/api/models/{RENAMED_NEW}",
    ]
    assert report.fetched == 2 and not report.problems


def test_stubs_under_the_old_and_the_new_id_become_one_node(graph: GraphStore, hub: FakeHub) -> None:
    crawl(graph, hub, TAGGED_OLD, CARD_KEEPS_OLD, up=False, down=False)
    assert nodes(graph) == {TAGGED_OLD: True, CARD_KEEPS_OLD: True, RENAMED_OLD: False, RENAMED_NEW: False}
    crawl(graph, hub, RENAMED_OLD, down=False)
    assert nodes(graph) == {TAGGED_OLD: True, CARD_KEEPS_OLD: True, RENAMED_NEW: True}
    assert edges(graph) == {(TAGGED_OLD, RENAMED_NEW, "finetune"), (CARD_KEEPS_OLD, RENAMED_NEW, "finetune")}
    assert {e.child for e in graph.lineage_edges(RENAMED_NEW, "down")} == {TAGGED_OLD, CARD_KEEPS_OLD}


def test_the_old_and_new_id_as_seeds_give_one_node_and_one_listing_each(graph: GraphStore, hub: FakeHub) -> None:
    report = crawl(graph, hub, RENAMED_OLD, RENAMED_NEW, max_depth=1)
    assert nodes(graph) == {RENAMED_NEW: True, CARD_KEEPS_OLD: True, TAGGED_OLD: True}
    assert sorted(listed_filters(hub)) == sorted([f"base_model:{RENAMED_NEW}", f"base_model:{RENAMED_OLD}"])
    assert report.seeds == 2 and report.listings == 1


def test_a_rerun_from_the_old_or_the_new_id_reuses_everything(graph: GraphStore, hub: FakeHub) -> None:
    crawl(graph, hub, RENAMED_OLD)
    before = (nodes(graph), edges(graph))
    for seed in (RENAMED_OLD, RENAMED_NEW, "old-org/old-name"):
        hub.reset_count()
        report = crawl(graph, hub, seed)
        assert model_requests(hub) == [] and listed_filters(hub) == [], seed
        assert report.models == 0 and report.reused == 4, seed  # the model, then three listings
        assert (nodes(graph), edges(graph)) == before


# other casings of an id


def test_crawling_another_casing_then_the_canonical_one_gives_one_node(graph: GraphStore, hub: FakeHub) -> None:
    crawl(graph, hub, "QWEN/qwen2.5-0.5b")
    assert nodes(graph) == {QWEN: True, QWEN_CHILD: True, QWEN_LOWER_TAG: True}
    assert edges(graph) == {(QWEN_CHILD, QWEN, "quantized"), (QWEN_LOWER_TAG, QWEN, "adapter")}
    assert f"base_model:{QWEN}" in listed_filters(hub), "children are listed under the id the Hub answered"
    assert not renamed_aliases(graph), "another casing is no rename"
    hub.reset_count()
    report = crawl(graph, hub, QWEN)
    assert model_requests(hub) == [] and report.models == 0
    assert nodes(graph) == {QWEN: True, QWEN_CHILD: True, QWEN_LOWER_TAG: True}
    assert graph.find_model_id("qwen/QWEN2.5-0.5B") == QWEN


def test_a_stub_stored_under_another_casing_is_renamed_to_the_fetched_one(graph: GraphStore, hub: FakeHub) -> None:
    crawl(graph, hub, QWEN_LOWER_TAG, up=False, down=False)
    assert nodes(graph) == {QWEN_LOWER_TAG: True, QWEN.lower(): False}
    crawl(graph, hub, QWEN, down=False)
    assert nodes(graph) == {QWEN_LOWER_TAG: True, QWEN: True}
    assert edges(graph) == {(QWEN_LOWER_TAG, QWEN, "adapter")}


def test_going_up_through_another_casing_stores_the_canonical_one(graph: GraphStore, hub: FakeHub) -> None:
    crawl(graph, hub, QWEN_LOWER_TAG, down=False)
    assert nodes(graph) == {QWEN_LOWER_TAG: True, QWEN: True}
    assert model_requests(hub) == [f"/api/models/{QWEN_LOWER_TAG}", f"/api/models/{QWEN.lower()}"]


def test_one_repo_in_two_casings_is_fetched_and_listed_once(graph: GraphStore, hub: FakeHub) -> None:
    report = crawl(graph, hub, "QWEN/qwen2.5-0.5b", QWEN, "qwen/qwen2.5-0.5b", max_depth=1)
    assert model_requests(hub) == ["/api/models/QWEN/qwen2.5-0.5b"]
    assert listed_filters(hub) == [f"base_model:{QWEN}"]
    assert report.seeds == 1
    hub.reset_count()
    # going up from both children reaches their base in two casings: fetched once
    crawl(graph, hub, QWEN_CHILD, QWEN_LOWER_TAG, down=False, refresh=True)
    asked = [r.lower() for r in model_requests(hub)]  # which casing goes first depends on which child came first
    assert sorted(asked) == sorted(f"/api/models/{m}".lower() for m in (QWEN_CHILD, QWEN_LOWER_TAG, QWEN))
    assert nodes(graph) == {QWEN: True, QWEN_CHILD: True, QWEN_LOWER_TAG: True}


def test_state_saved_before_keys_ignored_case_is_still_honoured(store: SQLiteStore, hub: FakeHub) -> None:
    record = next(r for r in identity_records() if r["id"] == QWEN)
    batch = GraphBatch()
    batch.add(model_record_from_hub(record, "2025-01-01T00:00:00Z"))
    store.write(batch)
    store.set_state({"hf:model:" + QWEN: "2025-01-01T00:00:00Z", "hf:down:" + QWEN: "2025-01-01T00:00:00Z"})
    report = crawl(store, hub, QWEN, max_depth=1)
    assert model_requests(hub) == [] and listed_filters(hub) == [] and report.reused == 2


# seeds


def test_seeds_are_read_as_ids() -> None:
    seeds = parse_seeds(
        [
            f"https://huggingface.co/{QWEN}/tree/main",
            "hf.co/qwen/qwen2.5-0.5b",
            f"{RENAMED_OLD}@main",
            "gpt2",
        ]
    )
    assert seeds == Seeds((QWEN, RENAMED_OLD, "openai-community/gpt2"), (("gpt2", "openai-community/gpt2"),))


@pytest.mark.parametrize("value", ["/data/m/Qwen2.5-0.5B", "./out", "~/ckpt", "D:\\Model\\bloom-560m", "a/b/c"])
def test_local_paths_are_not_seeds(value: str) -> None:
    with pytest.raises(InvalidSeedError) as caught:
        parse_seeds([QWEN, value])
    assert caught.value.rejected == [(value, "a local path")]
    assert "is a local path, not a Hugging Face model id" in caught.value.message
    assert "owner/name" in (caught.value.hint or "")


def test_a_library_caller_s_non_id_seed_is_a_problem_and_the_crawl_goes_on(store: SQLiteStore, hub: FakeHub) -> None:
    report = crawl(store, hub, "./out", f"https://huggingface.co/{QWEN}", down=False)
    assert report.problems == [BadInput.of_model("./out", "not a Hub model id (a local path)")]
    assert nodes(store) == {QWEN: True}


def ingest_hf(hub: FakeHub, db: Path, *args: str):
    env = {
        "HF_ENDPOINT": hub.url,
        "HF_TOKEN": "",
        "GRAPHSC_HF_RETRIES": "3",
        "GRAPHSC_HF_BACKOFF": "0.01",
        "GRAPHSC_HF_TIMEOUT": "2",
    }
    return runner.invoke(app, ["ingest", "hf", *args, "--db", str(db)], env=env)


def test_cli_rejects_a_local_path_without_a_traceback(tmp_path: Path, hub: FakeHub) -> None:
    result = ingest_hf(hub, tmp_path / "g.db", QWEN, "/data/m/Qwen2.5-0.5B")
    assert result.exit_code == 1
    assert "Error: '/data/m/Qwen2.5-0.5B' is a local path, not a Hugging Face model id." in result.output
    assert "hint:" in result.output and "Traceback" not in result.output
    assert model_requests(hub) == [] and not (tmp_path / "g.db").exists()


def test_cli_crawls_url_and_legacy_seeds_as_their_ids(tmp_path: Path, hub: FakeHub) -> None:
    db = tmp_path / "g.db"
    result = ingest_hf(hub, db, "https://huggingface.co/QWEN/qwen2.5-0.5b/tree/main", "gpt2", "--no-down")
    assert result.exit_code == 0, result.output
    assert "gpt2 is a legacy id: crawling openai-community/gpt2." in result.output
    assert "skipped openai-community/gpt2: not found on the Hub" in result.output  # not in the fake Hub
    assert sorted(model_requests(hub)) == ["/api/models/QWEN/qwen2.5-0.5b", "/api/models/openai-community/gpt2"]
    store = SQLiteStore(db)
    try:
        assert nodes(store) == {QWEN: True}
    finally:
        store.close()
