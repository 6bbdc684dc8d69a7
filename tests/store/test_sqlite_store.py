"""What only the embedded store does: its file (schema version, WAL, a killed writer, a file that is not a
database). The ``GraphStore`` contract both backends keep is ``test_contract.py``."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from graphsc.errors import StoreError
from graphsc.store.sqlite import SCHEMA_VERSION, SQLiteStore


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
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
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
