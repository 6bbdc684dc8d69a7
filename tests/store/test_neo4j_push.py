"""``graphsc neo4j push`` into a real Neo4j: a full copy, an idempotent re-push, and ``--since-last``."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.ingest import ingest_snapshot
from graphsc.ingest.peatmoss import ingest_peatmoss
from graphsc.neo4j_push import STATE_PREFIX, push
from graphsc.records import (
    SOURCE_SPACE_CARD,
    USER_SPACE,
    Dataset,
    DatasetDerivedFrom,
    DatasetRecord,
    DerivedFrom,
    GraphBatch,
    Model,
    Space,
    SpaceRecord,
    TrainedOn,
    Uses,
)
from graphsc.samples import hf_dataset_files, peatmoss_licenses_file, peatmoss_mapping_file
from graphsc.store.base import GraphStore
from graphsc.store.neo4j import Neo4jStore
from graphsc.store.sqlite import SQLiteStore

pytestmark = pytest.mark.neo4j
LATER = "2999-01-01T00:00:00Z"


def everything(store: GraphStore) -> dict[str, set[Any]]:
    readers = (
        "iter_models",
        "iter_datasets",
        "iter_repos",
        "iter_spaces",
        "iter_derived_from",
        "iter_trained_on",
        "iter_uses",
        "iter_notes",
        "iter_aliases",
        "iter_details",
        "iter_eval_results",
        "iter_dataset_derived_from",
    )
    return {r: {row for page in getattr(store, r)() for row in page} for r in readers}


def test_full_push_copies_everything_and_a_repush_changes_nothing(
    families_store: SQLiteStore,
    neo4j_store: Neo4jStore,
) -> None:
    ingest_peatmoss(families_store, peatmoss_mapping_file(), peatmoss_licenses_file())
    ingest_snapshot(families_store, [str(p) for p in hf_dataset_files()], kind="datasets")
    space = SpaceRecord(
        Space("acme/app", "mit", "gradio", fetched_at=LATER),
        (Uses("acme/app", USER_SPACE, "deepseek-ai/DeepSeek-R1", SOURCE_SPACE_CARD, None, LATER),),
    )
    batch = GraphBatch()
    batch.add_space(space)
    families_store.write(batch)
    counts = families_store.counts()
    assert counts.dataset_derived_from == 15 and counts.nodes["Dataset"] - counts.unfetched_datasets == 300
    report = push(families_store, neo4j_store, batch_size=3_000)
    bookkeeping = {
        "IdNote": sum(map(len, families_store.iter_notes())),
        "ModelAlias": sum(map(len, families_store.iter_aliases())),
        "ModelDetails": sum(map(len, families_store.iter_details())),
        "EvalResult": sum(map(len, families_store.iter_eval_results())),
    }
    assert bookkeeping["ModelDetails"] == 369 and bookkeeping["EvalResult"] == 10
    assert report.nodes == {**counts.nodes, **bookkeeping}
    assert report.edges == {**counts.edges, "DATASET_DERIVED_FROM": counts.dataset_derived_from}
    assert neo4j_store.counts() == counts
    assert everything(neo4j_store) == everything(families_store)
    assert families_store.get_state(STATE_PREFIX + neo4j_store.location) == report.watermark
    again = push(families_store, neo4j_store)
    assert again.written == report.written and neo4j_store.counts() == counts
    assert everything(neo4j_store) == everything(families_store)


def test_since_last_sends_only_what_changed(families_store: SQLiteStore, neo4j_store: Neo4jStore) -> None:
    push(families_store, neo4j_store)
    unchanged = push(families_store, neo4j_store, since_last=True)  # only rows stamped at the watermark
    assert unchanged.since is not None
    families_store.write(
        GraphBatch(
            models=[
                Model("new/ft", license="mit", fetched_at=LATER),
                Model("new/gguf", fetched_at=LATER),
                Model("deepseek-ai/DeepSeek-R1", license="mit", downloads=1, fetched_at=LATER),
            ],
            derived_from=[
                DerivedFrom("new/ft", "deepseek-ai/DeepSeek-R1", "finetune", "card", LATER),
                DerivedFrom("new/gguf", "new/ft", "quantized", "hub-tag", LATER),
            ],
            trained_on=[TrainedOn("new/ft", "new/data", "card", LATER)],
            uses=[Uses("gh/new", "repo", "new/gguf", "github-code-search", "app.py:1", LATER)],
        )
    )
    report = push(families_store, neo4j_store, since_last=True)
    assert report.watermark == LATER and report.since == unchanged.watermark
    # the new rows, and again those stamped exactly at the previous watermark (the families' ingestion)
    assert report.nodes["Model"] == 3 + stamped_at(families_store, "iter_models", report.since)
    assert report.edges == {
        "DERIVED_FROM": 2 + stamped_at(families_store, "iter_derived_from", report.since),
        "DATASET_DERIVED_FROM": 0,
        "TRAINED_ON": 1 + stamped_at(families_store, "iter_trained_on", report.since),
        "USES": 1 + stamped_at(families_store, "iter_uses", report.since),
    }
    assert report.nodes["Repo"] == 0  # a Repo stub has no stamp: created as the USES edge's endpoint
    # details go with the fetched models sent: those of the families' ingestion again, none of the new ones
    sent = {m.id for page in families_store.iter_models() for m in page if m.fetched and m.fetched_at == report.since}
    assert report.nodes["ModelDetails"] == len(families_store.details_of(sent))
    assert everything(neo4j_store) == everything(families_store)
    assert neo4j_store.counts() == families_store.counts()
    last = push(families_store, neo4j_store, since_last=True)
    assert (last.since, last.nodes["Model"], last.edges) == (
        LATER,
        3,
        {"DERIVED_FROM": 2, "DATASET_DERIVED_FROM": 0, "TRAINED_ON": 1, "USES": 1},
    )


def test_since_last_sends_refetched_datasets_with_their_source_edges(
    families_store: SQLiteStore, neo4j_store: Neo4jStore
) -> None:
    ingest_snapshot(families_store, [str(p) for p in hf_dataset_files()], kind="datasets")
    push(families_store, neo4j_store)
    batch = GraphBatch()
    batch.add_dataset(
        DatasetRecord(
            Dataset("google/xquad", "cc-by-sa-4.0", fetched_at=LATER),
            (DatasetDerivedFrom("google/xquad", "rajpurkar/squad", "card", LATER),),
        )
    )
    batch.datasets.append(Dataset("d/stub", "cc-by-nc-4.0", fetched=False))
    families_store.write(batch)
    report = push(families_store, neo4j_store, since_last=True)
    assert report.edges["DATASET_DERIVED_FROM"] >= 1
    assert everything(neo4j_store) == everything(families_store)
    assert neo4j_store.counts() == families_store.counts()
    # the re-fetched record's source replaced the old one (squad) in Neo4j too; rajpurkar/squad's own stays
    assert {(e.child, e.base) for e in neo4j_store.dataset_lineage_edges("google/xquad", "up")} == {
        ("google/xquad", "rajpurkar/squad"),
        ("rajpurkar/squad", "wikipedia"),
    }


def stamped_at(store: GraphStore, reader: str, stamp: str | None) -> int:
    return sum(row.fetched_at == stamp for page in getattr(store, reader)() for row in page)


def test_push_command_prints_a_summary(
    families_store: SQLiteStore,
    neo4j_store: Neo4jStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEO4J_URI", neo4j_store.uri)
    result = CliRunner().invoke(app, ["neo4j", "push", "--db", str(families_store.path), "--batch-size", "100"])
    assert result.exit_code == 0, result.output
    counts = families_store.counts()
    assert f"Model {counts.nodes['Model']:,}" in result.stdout and "nodes+edges in" in result.stdout
    assert neo4j_store.counts() == counts
    again = CliRunner().invoke(app, ["neo4j", "push", "--since-last", "--db", str(families_store.path)])
    assert again.exit_code == 0 and "Pushed changes since" in again.stdout
