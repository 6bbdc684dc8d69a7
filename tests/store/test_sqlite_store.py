from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from graphsc.errors import StoreError
from graphsc.records import DerivedFrom, GraphBatch, Model, TrainedOn, Uses
from graphsc.store.sqlite import SCHEMA_VERSION, SQLiteStore


def batch(
    models: list[Model], edges: list[DerivedFrom] = (), trained: list[TrainedOn] = (), uses: list[Uses] = ()
) -> GraphBatch:
    return GraphBatch(models=list(models), derived_from=list(edges), trained_on=list(trained), uses=list(uses))


def test_schema_version_is_recorded(store: SQLiteStore) -> None:
    row = sqlite3.connect(store.path).execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    assert row == (str(SCHEMA_VERSION),)


def test_other_schema_version_is_refused_with_hint(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    SQLiteStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value='0' WHERE key='schema_version'")
    with pytest.raises(StoreError, match="schema version 0"):
        SQLiteStore(path)


def test_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_text("this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open"):
        SQLiteStore(path)


def test_rewriting_is_idempotent(families_store: SQLiteStore, family_files: list[Path]) -> None:
    from graphsc.ingest import ingest_snapshot

    before = families_store.counts()
    ingest_snapshot(families_store, [str(p) for p in family_files])
    assert families_store.counts() == before


def test_stub_never_overwrites_fetched_model(store: SQLiteStore) -> None:
    store.write(batch([Model("o/base", license="mit", downloads=5)]))
    store.write(batch([Model("o/child")], [DerivedFrom("o/child", "o/base", "finetune", "inferred")]))
    store.write(batch([Model("o/base", fetched=False)]))
    base = store.models(["o/base"])["o/base"]
    assert base.fetched and base.license == "mit" and base.downloads == 5


def test_edge_endpoint_becomes_unfetched_stub(store: SQLiteStore) -> None:
    store.write(batch([Model("o/child")], [DerivedFrom("o/child", "x/base", "finetune", "inferred")]))
    stub = store.models(["x/base"])["x/base"]
    assert not stub.fetched and stub.author == "x"
    assert store.counts().unfetched_models == 1


def test_refetched_model_replaces_its_outgoing_hub_edges(store: SQLiteStore) -> None:
    store.write(
        batch(
            [Model("o/c")],
            [DerivedFrom("o/c", "o/old", "finetune", "inferred")],
            [TrainedOn("o/c", "d/old", "card")],
            [Uses("s/old", "space", "o/c", "hub-spaces"), Uses("gh/repo", "repo", "o/c", "peatmoss")],
        )
    )
    store.write(
        batch(
            [Model("o/c")],
            [DerivedFrom("o/c", "o/new", "adapter", "hub-tag")],
            [],
            [Uses("s/new", "space", "o/c", "hub-spaces")],
        )
    )
    assert [(e.base, e.relation) for e in store.lineage_edges("o/c", "up")] == [("o/new", "adapter")]
    assert store.trained_on(["o/c"]) == []
    assert sorted(u.user for u in store.uses_of(["o/c"])) == ["gh/repo", "s/new"]


def test_lineage_edges_terminate_on_cycles(store: SQLiteStore) -> None:
    store.write(
        batch(
            [Model("a"), Model("b"), Model("s")],
            [
                DerivedFrom("a", "b", "finetune", "inferred"),
                DerivedFrom("b", "a", "finetune", "inferred"),
                DerivedFrom("s", "s", "finetune", "inferred"),
            ],
        )
    )
    assert {(e.child, e.base) for e in store.lineage_edges("a", "up")} == {("a", "b"), ("b", "a")}
    assert {(e.child, e.base) for e in store.lineage_edges("s", "down")} == {("s", "s")}


def test_state_round_trips(store: SQLiteStore) -> None:
    assert store.get_state("hf:down:x") is None
    store.set_state({"hf:down:x": "2026-01-01"})
    assert store.get_state("hf:down:x") == "2026-01-01"


def test_similar_ids_suggest_close_matches(families_store: SQLiteStore) -> None:
    assert "deepseek-ai/DeepSeek-R1" in families_store.similar_model_ids("deepseek-ai/DeepSeek-R")
    assert "deepseek-ai/DeepSeek-R1" in families_store.similar_model_ids("deepseek-ai/deepseek-r1")


def test_killed_writer_leaves_a_consistent_database(tmp_path: Path) -> None:
    """A process killed mid-ingest leaves whole batches only, and the file passes an integrity check."""
    path = tmp_path / "killed.db"
    script = textwrap.dedent(f"""
        import os, signal
        from graphsc.records import GraphBatch, Model
        from graphsc.store.sqlite import SQLiteStore
        store = SQLiteStore({str(path)!r})
        for b in range(1000):
            store.write(GraphBatch(models=[Model(f"o/m{{b}}-{{i}}") for i in range(500)]))
            if b == 5:
                print("ready", flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    proc.kill()
    proc.wait()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    count = db.execute("SELECT count(*) FROM models").fetchone()[0]
    assert count >= 3000 and count % 500 == 0


def test_closing_after_writes_truncates_the_write_ahead_log(tmp_path: Path, family_files: list[Path]) -> None:
    from graphsc.ingest import ingest_snapshot

    path = tmp_path / "wal.db"
    store = SQLiteStore(path)
    ingest_snapshot(store, [str(p) for p in family_files])
    assert Path(f"{path}-wal").stat().st_size > 0
    store.close()
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_a_batch_may_repeat_a_record_with_different_fields(store: SQLiteStore) -> None:
    """Dumps repeat models; sorting a batch must not compare None with a value (the later record wins)."""
    store.write(
        batch(
            [Model("o/m", downloads=None), Model("o/m", downloads=5)],
            [
                DerivedFrom("o/m", "o/b", "finetune", "inferred", None),
                DerivedFrom("o/m", "o/b", "adapter", "hub-tag", "t"),
            ],
        )
    )
    assert store.models(["o/m"])["o/m"].downloads == 5
    assert [e.relation for e in store.lineage_edges("o/m", "up")] == ["adapter"]
