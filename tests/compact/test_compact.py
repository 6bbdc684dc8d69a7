"""The compact graph: what it holds (checked against the store's own records), its generation, and its lifecycle —
saved beside the store, reused until the store changes, never trusted when it names another store state, never
half-written — on the embedded store and a real Neo4j."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from graphsc.compact import build_compact, compact_graph, load, save, saved_compact_graph, snapshot_dir
from graphsc.compact.files import MANIFEST
from graphsc.records import DerivedFrom, GraphBatch, Model, TrainedOn, Uses
from graphsc.store.base import GraphStore
from graphsc.store.sqlite import SQLiteStore

BATCH = GraphBatch(
    models=[
        Model("org/base", license="apache-2.0", downloads=100),
        Model("org/child", license="mit", downloads=7),
        Model("Org/Merge", license=None, downloads=None),
        Model("org/lone", license="mit", downloads=3),
    ],
    derived_from=[
        DerivedFrom("org/child", "org/base", "finetune", "test"),
        DerivedFrom("Org/Merge", "org/child", "merge", "test"),
        DerivedFrom("Org/Merge", "org/base", "merge", "tags"),
        DerivedFrom("org/loop", "org/loop", "finetune", "test"),
    ],
    uses=[Uses("gh/app", "repo", "org/child", "test"), Uses("gh/app", "space", "org/lone", "test")],
    trained_on=[TrainedOn("org/child", "data/set", "test")],
)


def _expected(store: GraphStore) -> dict[str, object]:
    """What the compact graph must hold, from the store's records (ids sorted as Python sorts strings)."""
    models = sorted((m for batch in store.iter_models() for m in batch), key=lambda m: m.id)
    index = {m.id: i for i, m in enumerate(models)}
    edges = sorted((index[e.child], index[e.base], e.relation, e.source) for b in store.iter_derived_from() for e in b)
    uses = sorted((index[u.model], u.user, u.user_kind) for b in store.iter_uses() for u in b)
    trained = sorted((index[t.model], t.dataset) for b in store.iter_trained_on() for t in b)
    return {
        "ids": [m.id for m in models],
        "downloads": [m.downloads or 0 for m in models],
        "fetched": [m.fetched for m in models],
        "licenses": [m.license for m in models],
        "edges": edges,
        "uses": uses,
        "trained": trained,
    }


def _held(graph) -> dict[str, object]:  # type: ignore[no-untyped-def]
    ids = graph.model_ids.all()
    return {
        "ids": ids,
        "downloads": graph.downloads.tolist(),
        "fetched": graph.fetched.tolist(),
        "licenses": [None if c < 0 else graph.licenses[c] for c in graph.license.tolist()],
        "edges": sorted(
            zip(
                graph.derived_child.tolist(),
                graph.derived_base.tolist(),
                (graph.relations[r] for r in graph.derived_relation),
                (graph.sources[s] for s in graph.derived_source),
            )
        ),
        "uses": sorted(
            (m, graph.user_ids[u], "space" if graph.user_is_space[u] else "repo")
            for m, u in zip(graph.uses_model.tolist(), graph.uses_user.tolist())
        ),
        "trained": sorted(
            (m, graph.dataset_ids[d]) for m, d in zip(graph.trained_model.tolist(), graph.trained_dataset.tolist())
        ),
    }


def test_the_compact_graph_holds_what_the_store_holds(any_store: GraphStore) -> None:
    any_store.write(BATCH)
    graph = build_compact(any_store)
    assert _held(graph) == _expected(any_store)
    assert graph.model_ids.all() == sorted(graph.model_ids.all())  # binary search needs the order
    for i, model_id in enumerate(graph.model_ids.all()):
        assert graph.model_index(model_id) == i
    assert graph.model_index("org/CHILD") is None and graph.model_index("zzz") is None
    base, child, merge = (graph.model_index(m) for m in ("org/base", "org/child", "Org/Merge"))
    assert graph.bases(merge).tolist() == sorted([base, child])  # type: ignore[arg-type]
    assert graph.derivatives(base).tolist() == sorted([child, merge])  # type: ignore[arg-type]


def test_the_generation_moves_with_every_write_and_only_then(any_store: GraphStore) -> None:
    before = any_store.generation()
    any_store.write(BATCH)
    first = any_store.generation()
    assert first != before and first == any_store.generation()
    epoch, count = first.split("/")
    any_store.write(GraphBatch(models=[Model("org/new")]))
    assert any_store.generation() == f"{epoch}/{int(count) + 1}"
    any_store.set_state({"crawl": "x"})  # not the graph
    assert any_store.generation() == f"{epoch}/{int(count) + 1}"


def test_a_store_made_again_at_the_same_path_never_repeats_a_generation(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    with SQLiteStore(path) as store:
        store.write(BATCH)
        first = store.generation()
    path.unlink()
    with SQLiteStore(path) as store:
        store.write(BATCH)
        assert store.generation() != first


def test_saved_beside_the_store_reused_until_a_write_then_replaced(any_store: GraphStore) -> None:
    any_store.write(BATCH)
    location = any_store.compact_location()
    assert location is not None
    built = compact_graph(any_store)
    directory = snapshot_dir(location, built.generation)
    assert (directory / MANIFEST).exists()
    reopened = compact_graph(any_store)
    assert isinstance(reopened.downloads, np.memmap)  # opened from disk, not rebuilt
    assert _held(reopened) == _held(built)
    any_store.write(GraphBatch(derived_from=[DerivedFrom("org/lone", "org/base", "adapter", "test")]))
    after = compact_graph(any_store)
    assert after.generation != built.generation
    assert _held(after) == _expected(any_store)
    assert not directory.exists()  # the old generation's snapshot is gone
    assert [p.name for p in location.iterdir()] == [snapshot_dir(location, after.generation).name]


def test_a_snapshot_of_another_state_or_a_half_written_one_is_never_used(store: SQLiteStore) -> None:
    store.write(BATCH)
    location = store.compact_location()
    assert location is not None
    built = compact_graph(store)
    # a killed writer's leftovers: a temporary directory, and a final-named directory without its manifest
    stale = location / ".building-dead"
    stale.mkdir()
    os.utime(stale, (0, 0))
    store.write(GraphBatch(models=[Model("org/late", downloads=5)]))
    half = snapshot_dir(location, store.generation())
    half.mkdir()
    (half / "downloads.npy").write_bytes(b"cut")
    assert load(half) is None
    fresh = compact_graph(store)
    assert "org/late" in fresh.model_ids.all() and "org/late" not in built.model_ids.all()
    assert not stale.exists()


def test_nothing_is_saved_when_the_store_changes_while_it_is_read(store: SQLiteStore) -> None:
    store.write(BATCH)

    class Moving:
        """The store, with a write landing between the builder's reads."""

        def __getattr__(self, name: str) -> object:
            return getattr(store, name)

        def iter_trained_on(self):  # type: ignore[no-untyped-def]
            return store.iter_trained_on()

        def iter_edge_endpoints(self, kind, batch_size=50_000):  # type: ignore[no-untyped-def]
            if kind == "TRAINED_ON":
                store.write(GraphBatch(models=[Model("org/during")]))
            return store.iter_edge_endpoints(kind, batch_size)

    graph = compact_graph(Moving())  # type: ignore[arg-type]
    location = store.compact_location()
    assert location is not None
    assert not location.exists() or not any(location.iterdir())
    assert load(snapshot_dir(location, graph.generation)) is None


def test_a_place_that_cannot_be_written_only_costs_the_rebuild(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    with SQLiteStore(path) as store:
        store.write(BATCH)
        expected = _expected(store)
    (tmp_path / "g.db.compact").write_text("a file where the directory would go")
    with SQLiteStore(path, readonly=True) as store:
        assert _held(compact_graph(store)) == expected


def test_save_and_load_round_trip_an_empty_graph(tmp_path: Path, store: SQLiteStore) -> None:
    graph = build_compact(store)
    assert graph.model_count == 0
    loaded = load(save(graph, tmp_path / "c"))
    assert loaded is not None and loaded.model_count == 0 and len(loaded.derived_child) == 0


@pytest.mark.parametrize("ids", [["a/é", "a/z", "b/日本"], ["x"]])
def test_non_ascii_ids_decode_and_search(tmp_path: Path, ids: list[str]) -> None:
    with SQLiteStore(tmp_path / "g.db") as store:
        store.write(GraphBatch(models=[Model(i) for i in ids]))
        graph = load(save(build_compact(store), tmp_path / "c"))
    assert graph is not None
    assert graph.model_ids.all() == sorted(ids)
    assert [graph.model_index(i) for i in sorted(ids)] == list(range(len(ids)))
    assert graph.model_ids.take([len(ids) - 1]) == [sorted(ids)[-1]]


def test_a_snapshot_of_an_older_format_under_the_current_name_is_replaced(store: SQLiteStore) -> None:
    store.write(BATCH)
    location = store.compact_location()
    assert location is not None
    directory = save(build_compact(store), location)
    manifest = json.loads((directory / MANIFEST).read_text())
    (directory / MANIFEST).write_text(json.dumps({**manifest, "format": "graphsc.compact/0"}))
    assert load(directory) is None and saved_compact_graph(store) is None
    rebuilt = compact_graph(store)
    assert saved_compact_graph(store) is not None
    assert _held(rebuilt) == _expected(store)


def test_a_command_that_changed_the_graph_leaves_its_compact_graph_built(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from graphsc.cli import app
    from graphsc.samples import hf_family_files

    db = tmp_path / "g.db"
    result = CliRunner().invoke(app, ["ingest", "snapshot", *map(str, hf_family_files()), "--db", str(db)])
    assert result.exit_code == 0, result.output
    with SQLiteStore(db, readonly=True) as store:
        saved = saved_compact_graph(store)
        assert saved is not None and _held(saved) == _expected(store)
        generation = store.generation()
    # a read-only command changes nothing, and builds nothing new
    assert CliRunner().invoke(app, ["stats", "--db", str(db)]).exit_code == 0
    with SQLiteStore(db, readonly=True) as store:
        assert store.generation() == generation
        assert [p.name for p in (tmp_path / "g.db.compact").iterdir()] == [snapshot_dir(tmp_path, generation).name]


def test_a_model_named_only_by_an_edge_is_a_stub_listed_after_the_stored_ones(store: SQLiteStore) -> None:
    store.write(BATCH)
    with store._db:  # an edge whose child has no row: the store's writes never make one, an older file might
        store._db.execute("INSERT INTO derived_from VALUES ('x/ghost', 'org/base', 'finetune', 'card', NULL)")
        store._db.execute("INSERT INTO uses VALUES ('repo', 'gh/other', 'y/ghost', 'test', NULL, NULL)")
    graph = build_compact(store)
    ids = graph.model_ids.all()
    assert ids == sorted([*(m.id for batch in store.iter_models() for m in batch), "x/ghost", "y/ghost"])
    ghost, other = graph.model_index("x/ghost"), graph.model_index("y/ghost")
    assert ghost is not None and other is not None
    stored = len(ids) - 2
    assert sorted([graph.record_order[ghost], graph.record_order[other]]) == [stored, stored + 1]
    assert not graph.fetched[ghost] and graph.license[ghost] == -1 and graph.downloads[ghost] == 0
    assert graph.bases(ghost).tolist() == [graph.model_index("org/base")]
    assert sorted(graph.record_order.tolist()) == list(range(len(ids)))
