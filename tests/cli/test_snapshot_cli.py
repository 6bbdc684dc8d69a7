"""``graphsc snapshot save|list|delete`` on the nine-model graph of ``tests.cli.small_graph`` (plus one license
finding added here): where snapshots go, what list shows, names refused, replacing, deleting, and that a saved file
reads back as the state of the store it was taken from."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from graphsc.cli import app
from graphsc.records import DerivedFrom, GraphBatch, Model, Uses
from graphsc.snapshot.files import SUFFIX, load_meta, load_state
from graphsc.snapshot.state import GraphState, state_from_store
from graphsc.store.sqlite import SQLiteStore
from tests.cli.small_graph import small_graph_db

runner = CliRunner()
WIDE = {"COLUMNS": "400"}
NC_BASE, NC_CHILD = "lab/nc-base", "org/nc-child"  # apache-2.0 child of a cc-by-nc-4.0 base: one D-NC finding


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = small_graph_db(tmp_path_factory.mktemp("template"))
    with SQLiteStore(db) as store:
        store.write(
            GraphBatch(
                models=[Model(NC_BASE, license="cc-by-nc-4.0"), Model(NC_CHILD, license="apache-2.0")],
                derived_from=[DerivedFrom(NC_CHILD, NC_BASE, "finetune", "test")],
                uses=[Uses("acme/tool", "repo", NC_CHILD, "test", None)],
            )
        )
    return db


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the graph per test (snapshots live beside it)."""
    path = tmp_path / "g.db"
    shutil.copy(template, path)
    return path


def run(db: Path, *args: str) -> Result:
    return runner.invoke(app, ["snapshot", *args, "--db", str(db)], env=WIDE)


def snapshot_dir(db: Path) -> Path:
    return db.with_name(db.name + ".snapshots")


def listed(db: Path) -> list[list[str]]:
    """The rows of ``snapshot list`` after its header, split on whitespace."""
    result = run(db, "list")
    assert result.exit_code == 0, result.output
    if result.stdout.startswith("No snapshots"):
        return []
    lines = [line.split() for line in result.stdout.splitlines() if line.strip()]
    assert lines[0] == ["snapshot", "taken", "at", "(UTC)", "file"]
    return lines[1:]


def store_state(db: Path, label: str) -> GraphState:
    with SQLiteStore(db, readonly=True) as store:
        return state_from_store(store, label)


def assert_same_facts(a: GraphState, b: GraphState) -> None:
    for name in ("models", "nodes", "lineage", "training", "usage", "aliases", "findings", "findings_checked"):
        assert getattr(a, name) == getattr(b, name), name


def test_list_is_empty_before_any_save(db: Path) -> None:
    result = run(db, "list")
    assert result.exit_code == 0
    assert "No snapshots" in result.stdout and str(snapshot_dir(db)) in " ".join(result.stdout.split())


def test_save_then_list_shows_name_and_file(db: Path) -> None:
    result = run(db, "save", "before-refresh")
    assert result.exit_code == 0, result.output
    expected_file = snapshot_dir(db) / ("before-refresh" + SUFFIX)
    assert expected_file.is_file()
    with SQLiteStore(db, readonly=True) as store:
        models = sum(len(batch) for batch in store.iter_models())
    out = " ".join(result.stdout.split())
    assert "Saved snapshot before-refresh" in out and f"{models} models" in out
    assert str(expected_file) in result.stdout.replace("\n", "")
    rows = listed(db)
    assert [(r[0], r[-1]) for r in rows] == [("before-refresh", str(expected_file))]
    assert rows[0][1] == load_meta(expected_file)["taken_at"]


def test_list_orders_by_name(db: Path) -> None:
    for name in ("zeta", "alpha", "2026-11-30"):
        assert run(db, "save", name).exit_code == 0
    assert [r[0] for r in listed(db)] == sorted(["zeta", "alpha", "2026-11-30"])


def test_saved_file_round_trips(db: Path) -> None:
    assert run(db, "save", "v1").exit_code == 0
    loaded = load_state(snapshot_dir(db) / ("v1" + SUFFIX))
    expected = store_state(db, "v1")
    assert loaded.label == "v1"
    assert_same_facts(loaded, expected)
    # the made-up finding is there, and the facts are not trivially empty
    assert any(f.rule == "D-NC" and f.child == NC_CHILD for f in loaded.findings.values())
    assert len(loaded.models) == 11 and loaded.usage and loaded.lineage


def test_save_with_file_writes_there_and_not_to_the_directory(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "mine.snapshot"
    target.parent.mkdir()
    result = run(db, "save", "mine", "--file", str(target))
    assert result.exit_code == 0, result.output
    assert target.is_file()
    assert not (snapshot_dir(db) / ("mine" + SUFFIX)).exists()
    assert_same_facts(load_state(target), store_state(db, "mine"))
    assert load_state(target).label == "mine"


def test_save_with_file_into_a_missing_directory_is_refused_before_reading(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "mine.snapshot"
    result = run(db, "save", "mine", "--file", str(target))
    assert result.exit_code == 1
    assert "no directory" in result.stderr and str(target.parent) in " ".join(result.stderr.split())
    assert not target.parent.exists()


@pytest.mark.parametrize("name", ["bad/name", "_underscore-first", "with space", "x" * 129, ".hidden", ""])
def test_a_bad_name_is_refused(db: Path, name: str) -> None:
    result = run(db, "save", name)
    assert result.exit_code == 1
    assert "cannot name a snapshot" in result.stderr
    assert "Traceback" not in result.output
    assert not snapshot_dir(db).exists() or not any(snapshot_dir(db).iterdir())


def test_the_longest_name_is_accepted(db: Path) -> None:
    name = "a" * 128
    assert run(db, "save", name).exit_code == 0
    assert [r[0] for r in listed(db)] == [name]


def test_save_replaces_an_earlier_snapshot_of_the_same_name(db: Path) -> None:
    assert run(db, "save", "same").exit_code == 0
    first = load_state(snapshot_dir(db) / ("same" + SUFFIX))
    added = "new/model"
    with SQLiteStore(db) as store:
        store.write(GraphBatch(models=[Model(added, license="mit")]))
    assert run(db, "save", "same").exit_code == 0
    second = load_state(snapshot_dir(db) / ("same" + SUFFIX))
    assert added not in first.models and added in second.models
    assert set(second.models) == set(first.models) | {added}
    assert [r[0] for r in listed(db)] == ["same"]
    assert not list(snapshot_dir(db).glob("*.partial"))


def test_delete_removes_it(db: Path) -> None:
    assert run(db, "save", "keep").exit_code == 0
    assert run(db, "save", "drop").exit_code == 0
    result = run(db, "delete", "drop")
    assert result.exit_code == 0, result.output
    assert "Deleted snapshot drop" in result.stdout
    assert not (snapshot_dir(db) / ("drop" + SUFFIX)).exists()
    assert [r[0] for r in listed(db)] == ["keep"]


def test_delete_of_a_missing_snapshot_fails(db: Path) -> None:
    assert run(db, "save", "keep").exit_code == 0
    result = run(db, "delete", "missing")
    assert result.exit_code == 1
    err = " ".join(result.stderr.split())
    assert "No saved snapshot 'missing'" in err and "graphsc snapshot list" in err
    assert [r[0] for r in listed(db)] == ["keep"]


def test_delete_with_a_bad_name_fails_cleanly(db: Path) -> None:
    result = run(db, "delete", "../g")
    assert result.exit_code == 1
    assert "cannot name a snapshot" in result.stderr
    assert db.is_file()


def test_snapshots_of_two_stores_are_kept_apart(db: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    shutil.copy(db, other)
    assert run(db, "save", "mine").exit_code == 0
    assert listed(other) == []
    assert [r[0] for r in listed(db)] == ["mine"]
