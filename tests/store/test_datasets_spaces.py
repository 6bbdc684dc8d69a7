"""The store contract for dataset and Space records and dataset lineage, on both backends (the embedded store and a
real Neo4j): round-trips, re-fetch replaces, stubs never overwrite, casing, counts, walks that end on cycles."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from graphsc.records import (
    SOURCE_HUB_SPACES,
    SOURCE_HUB_SPACES_AND_CARD,
    SOURCE_PEATMOSS,
    SOURCE_SPACE_CARD,
    USER_REPO,
    USER_SPACE,
    Dataset,
    DatasetDerivedFrom,
    DatasetRecord,
    GraphBatch,
    Model,
    Repo,
    Space,
    SpaceRecord,
    TrainedOn,
    Uses,
)
from graphsc.store.base import GraphStore
from graphsc.store.sqlite import SQLiteStore
from tests.store.records import flat

FULL = Dataset("org/nc-data", "cc-by-nc-4.0", "NC", "https://x/LICENSE", "org", 12, 3, "2024-01-02T00:00:00.000Z",
               "2024-02-03T00:00:00.000Z", "manual", True, "2026-11-30T00:00:00Z")  # fmt: skip
SPACE = Space("acme/app", "mit", "gradio", "acme", 7, "2024-05-01T00:00:00.000Z", None, True, "2026-11-30T00:00:00Z")


def dataset_batch(dataset: Dataset, *sources: str) -> GraphBatch:
    batch = GraphBatch()
    batch.add_dataset(DatasetRecord(dataset, tuple(DatasetDerivedFrom(dataset.id, s, "card") for s in sources)))
    return batch


def test_dataset_and_space_records_round_trip(any_store: GraphStore) -> None:
    batch = dataset_batch(FULL)
    batch.add_space(SpaceRecord(SPACE, (Uses(SPACE.id, USER_SPACE, "org/m", SOURCE_SPACE_CARD, None, "t"),)))
    any_store.write(batch)
    assert flat(any_store.iter_datasets()) == [FULL]
    assert any_store.datasets(["org/nc-data", "not/there"]) == {FULL.id: FULL}
    assert flat(any_store.iter_spaces()) == [SPACE]
    assert any_store.spaces([SPACE.id]) == {SPACE.id: SPACE}
    assert flat(any_store.iter_uses()) == [Uses(SPACE.id, USER_SPACE, "org/m", SOURCE_SPACE_CARD, None, "t")]
    counts = any_store.counts()
    assert (counts.nodes["Dataset"], counts.nodes["Space"], counts.nodes["Model"]) == (1, 1, 1)
    assert (counts.unfetched_datasets, counts.unfetched_spaces, counts.unfetched_models) == (0, 0, 1)


def test_a_refetched_dataset_replaces_its_fields_and_source_edges(any_store: GraphStore) -> None:
    any_store.write(dataset_batch(Dataset("d/child", "mit"), "d/a", "d/b"))
    any_store.write(dataset_batch(Dataset("d/child", "apache-2.0", downloads=5), "d/b", "d/c"))
    assert [(e.child, e.base) for e in flat(any_store.iter_dataset_derived_from())] == [
        ("d/child", "d/b"),
        ("d/child", "d/c"),
    ]
    stored = {d.id: d for d in flat(any_store.iter_datasets())}
    assert (stored["d/child"].license, stored["d/child"].downloads) == ("apache-2.0", 5)
    assert [(i, d.fetched) for i, d in stored.items()] == [
        ("d/a", False),  # a source only the old record named stays, as a stub
        ("d/b", False),
        ("d/c", False),
        ("d/child", True),
    ]
    counts = any_store.counts()
    assert (counts.dataset_derived_from, counts.unfetched_datasets, counts.edges["DERIVED_FROM"]) == (2, 3, 0)


def test_a_stub_never_overwrites_a_fetched_dataset_and_sets_only_a_stubs_license(any_store: GraphStore) -> None:
    any_store.write(dataset_batch(FULL))
    any_store.write(
        GraphBatch(datasets=[Dataset("org/nc-data", "mit", fetched=False), Dataset("o/x", "mit", fetched=False)])
    )
    any_store.write(GraphBatch(trained_on=[TrainedOn("m/a", "ORG/NC-DATA", "card")]))
    assert any_store.datasets(["org/nc-data", "o/x"]) == {FULL.id: FULL, "o/x": Dataset("o/x", "mit", fetched=False)}
    assert [(t.model, t.dataset) for t in any_store.trained_on_datasets(["org/nc-data"])] == [("m/a", "org/nc-data")]


def test_a_refetched_space_replaces_only_the_uses_its_card_declared(any_store: GraphStore) -> None:
    any_store.write(
        GraphBatch(
            uses=[
                Uses("acme/app", USER_SPACE, "o/listed", SOURCE_HUB_SPACES),  # the model record's spaces field
                Uses("acme/app", USER_SPACE, "o/old", SOURCE_SPACE_CARD),
                Uses("acme/tool", USER_REPO, "o/old", SOURCE_PEATMOSS),
            ]
        )
    )
    batch = GraphBatch()
    batch.add_space(SpaceRecord(SPACE, (Uses(SPACE.id, USER_SPACE, "o/new", SOURCE_SPACE_CARD),)))
    any_store.write(batch)
    assert sorted((u.user, u.model, u.source) for u in flat(any_store.iter_uses())) == [
        ("acme/app", "o/listed", SOURCE_HUB_SPACES),
        ("acme/app", "o/new", SOURCE_SPACE_CARD),
        ("acme/tool", "o/old", SOURCE_PEATMOSS),
    ]
    any_store.write(GraphBatch(spaces=[Space("acme/app", "gpl-3.0", fetched=False)]))  # a stub never overwrites
    assert any_store.spaces(["acme/app"]) == {SPACE.id: SPACE}


def test_a_record_repeated_in_a_batch_counts_once_its_last_copy(any_store: GraphStore) -> None:
    batch = dataset_batch(Dataset("d/x", "mit"), "d/a")
    batch.add_dataset(DatasetRecord(Dataset("D/X", "apache-2.0"), (DatasetDerivedFrom("D/X", "d/b", "card"),)))
    batch.add_space(SpaceRecord(Space("s/x"), (Uses("s/x", USER_SPACE, "o/a", SOURCE_SPACE_CARD),)))
    batch.add_space(SpaceRecord(Space("s/x", "mit"), (Uses("s/x", USER_SPACE, "o/b", SOURCE_SPACE_CARD),)))
    any_store.write(batch)
    assert [(d.id, d.license) for d in flat(any_store.iter_datasets()) if d.fetched] == [("D/X", "apache-2.0")]
    assert [(e.child, e.base) for e in flat(any_store.iter_dataset_derived_from())] == [("D/X", "d/b")]
    assert [(u.user, u.model) for u in flat(any_store.iter_uses())] == [("s/x", "o/b")]


def test_dataset_lineage_walks_both_ways_and_ends_on_cycles(any_store: GraphStore) -> None:
    # a ← b ← c, c ← d, and a cycle x ⇄ y below c
    for child, *sources in [("b", "a"), ("c", "b"), ("d", "c"), ("x", "c", "y"), ("y", "x")]:
        any_store.write(dataset_batch(Dataset(f"d/{child}"), *(f"d/{s}" for s in sources)))
    up = {(e.child, e.base) for e in any_store.dataset_lineage_edges("d/d", "up")}
    assert up == {("d/d", "d/c"), ("d/c", "d/b"), ("d/b", "d/a")}
    down = {(e.child, e.base) for e in any_store.dataset_lineage_edges("d/b", "down")}
    assert down == {("d/c", "d/b"), ("d/d", "d/c"), ("d/x", "d/c"), ("d/y", "d/x"), ("d/x", "d/y")}
    assert any_store.dataset_lineage_edges("not/there", "up") == []


def test_find_dataset_id_takes_any_casing_and_url_forms(any_store: GraphStore) -> None:
    any_store.write(dataset_batch(Dataset("Org/DataSet")))
    for text in ("org/dataset", "datasets/ORG/dataset", "https://huggingface.co/datasets/org/DATASET", " Org/DataSet "):
        assert any_store.find_dataset_id(text) == "Org/DataSet", text
    assert any_store.find_dataset_id("org/other") is None
    assert any_store.find_model_id("org/dataset") is None  # a dataset is not a model


def test_model_lineage_and_counts_ignore_dataset_edges(any_store: GraphStore) -> None:
    any_store.write(
        GraphBatch(
            models=[Model("m/child"), Model("m/base")],
            derived_from=[],
            trained_on=[TrainedOn("m/child", "d/x", "card")],
        )
    )
    any_store.write(dataset_batch(Dataset("d/x"), "d/y"))
    assert any_store.lineage_edges("m/child", "up") == []
    assert flat(any_store.iter_derived_from()) == []
    counts = any_store.counts()
    assert (counts.edges["DERIVED_FROM"], counts.dataset_derived_from, counts.relations) == (0, 1, {})


def test_an_older_embedded_file_gains_the_new_columns_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    SQLiteStore(path).close()
    with sqlite3.connect(path) as db:  # the tables as graphsc wrote them before dataset and Space records existed
        db.execute("DROP TABLE datasets")
        db.execute("DROP TABLE spaces")
        db.execute("DROP TABLE dataset_derived_from")
        db.execute("CREATE TABLE datasets (id TEXT PRIMARY KEY, license TEXT) WITHOUT ROWID")
        db.execute("CREATE TABLE spaces (id TEXT PRIMARY KEY, license TEXT) WITHOUT ROWID")
        db.execute("INSERT INTO datasets VALUES ('d/old', 'mit')")
        db.execute("INSERT INTO spaces VALUES ('s/old', NULL)")
    with SQLiteStore(path, readonly=True) as reader:  # read as it is: the missing columns read as a stub's
        assert flat(reader.iter_datasets()) == [Dataset("d/old", "mit", fetched=False)]
        assert flat(reader.iter_spaces()) == [Space("s/old", fetched=False)]
        assert flat(reader.iter_dataset_derived_from()) == [] and reader.counts().unfetched_datasets == 1
    with SQLiteStore(path) as writer:
        writer.write(dataset_batch(FULL, "d/old"))
        assert flat(writer.iter_datasets()) == [Dataset("d/old", "mit", fetched=False), FULL]
        assert [(e.child, e.base) for e in flat(writer.iter_dataset_derived_from())] == [(FULL.id, "d/old")]


def test_a_use_both_records_declare_survives_either_being_refetched_without_it(any_store: GraphStore) -> None:
    def model_listing(*spaces: str) -> GraphBatch:
        return GraphBatch(
            models=[Model("m/a", license="cc-by-nc-4.0")],
            uses=[Uses(s, USER_SPACE, "m/a", SOURCE_HUB_SPACES) for s in spaces],
        )

    def space_declaring(*models: str) -> GraphBatch:
        batch = GraphBatch()
        batch.add_space(
            SpaceRecord(Space("sp/x", "mit"), tuple(Uses("sp/x", USER_SPACE, m, SOURCE_SPACE_CARD) for m in models))
        )
        return batch

    def sources() -> list[tuple[str, str, str]]:
        return sorted((u.user, u.model, u.source) for u in flat(any_store.iter_uses()))

    any_store.write(model_listing("sp/x"))
    any_store.write(space_declaring("m/a"))
    assert sources() == [("sp/x", "m/a", SOURCE_HUB_SPACES_AND_CARD)]
    any_store.write(space_declaring())  # the Space's card no longer names it: the model's record still does
    assert sources() == [("sp/x", "m/a", SOURCE_HUB_SPACES)]
    any_store.write(space_declaring("m/a"))
    any_store.write(model_listing())  # and the other way round
    assert sources() == [("sp/x", "m/a", SOURCE_SPACE_CARD)]
    any_store.write(model_listing("sp/x"))
    any_store.write(model_listing("sp/x"))  # idempotent
    assert sources() == [("sp/x", "m/a", SOURCE_HUB_SPACES_AND_CARD)]
    any_store.write(space_declaring())
    any_store.write(model_listing())
    assert sources() == []


def test_repository_and_space_ids_compare_ignoring_case(any_store: GraphStore) -> None:
    # GitHub and the Hub answer a repository in any casing: one node each, the first spelling stored kept.
    any_store.write(
        GraphBatch(
            repos=[Repo("Zed/App", "mit"), Repo("zed/app", stars=3)],
            uses=[
                Uses("zed/APP", USER_REPO, "o/m", SOURCE_PEATMOSS),
                Uses("Acme/Demo", USER_SPACE, "o/m", SOURCE_HUB_SPACES),
            ],
        )
    )
    any_store.write(GraphBatch(uses=[Uses("ZED/app", USER_REPO, "o/other", SOURCE_PEATMOSS)]))
    assert flat(any_store.iter_repos()) == [Repo("Zed/App", "mit", stars=3)]
    assert sorted((u.user, u.model) for u in flat(any_store.iter_uses()) if u.user_kind == USER_REPO) == [
        ("Zed/App", "o/m"),
        ("Zed/App", "o/other"),
    ]
    # A fetched Space record brings the Hub's casing: the stub named by a model record moves to it, edges and all.
    batch = GraphBatch()
    batch.add_space(SpaceRecord(Space("acme/demo", "mit"), (Uses("acme/demo", USER_SPACE, "o/x", SOURCE_SPACE_CARD),)))
    any_store.write(batch)
    assert [(s.id, s.license, s.fetched) for s in flat(any_store.iter_spaces())] == [("acme/demo", "mit", True)]
    assert sorted((u.user, u.model, u.source) for u in flat(any_store.iter_uses()) if u.user_kind == USER_SPACE) == [
        ("acme/demo", "o/m", SOURCE_HUB_SPACES),
        ("acme/demo", "o/x", SOURCE_SPACE_CARD),
    ]
    any_store.write(GraphBatch(uses=[Uses("ACME/DEMO", USER_SPACE, "o/y", SOURCE_HUB_SPACES)]))
    assert [s.id for s in flat(any_store.iter_spaces())] == ["acme/demo"]
    assert any_store.counts().nodes["Space"] == 1 and any_store.counts().nodes["Repo"] == 1


def test_an_old_namespace_less_id_is_the_dataset_the_hub_moved_under_legacy_datasets(any_store: GraphStore) -> None:
    # Known first by its old id (a model's training data, another dataset's source), fetched later under the new one.
    any_store.write(GraphBatch(trained_on=[TrainedOn("m/a", "common_voice", "card")]))
    any_store.write(dataset_batch(Dataset("mozilla/cv_11"), "Common_Voice"))
    any_store.write(dataset_batch(Dataset("legacy-datasets/common_voice", "cc0-1.0"), "common_voice"))
    assert [(d.id, d.fetched) for d in flat(any_store.iter_datasets())] == [
        ("legacy-datasets/common_voice", True),
        ("mozilla/cv_11", True),
    ]
    assert [(t.model, t.dataset) for t in flat(any_store.iter_trained_on())] == [
        ("m/a", "legacy-datasets/common_voice")
    ]
    assert [(e.child, e.base) for e in flat(any_store.iter_dataset_derived_from())] == [
        ("mozilla/cv_11", "legacy-datasets/common_voice")
    ]
    # Named by its old id afterwards: the same node.
    any_store.write(GraphBatch(trained_on=[TrainedOn("m/b", "COMMON_VOICE", "card")]))
    assert {t.dataset for t in flat(any_store.iter_trained_on())} == {"legacy-datasets/common_voice"}
    # Other namespace-less ids stay as written (no table of the Hub's other moves).
    any_store.write(GraphBatch(trained_on=[TrainedOn("m/c", "squad", "card")]))
    assert "squad" in {d.id for d in flat(any_store.iter_datasets())}
