"""Faults of the embedded store's file: every one is a ``StoreError`` ("Store error: ..." and exit 1 from the CLI)
naming the file and what to do, and nothing is created or changed where it should not be.

Permission cases run as an unprivileged user (``setpriv``/``runuser``) because root ignores file modes; the
full-disk case runs the write in a subprocess under ``RLIMIT_FSIZE``, so writes fail with EFBIG, which SQLite
reports as "database or disk is full".
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.errors import MissingStoreError, StoreError
from graphsc.records import DerivedFrom, GraphBatch, Model
from graphsc.store.sqlite import SCHEMA_VERSION, SQLiteStore

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]
ENV = {"GRAPHSC_STORE": None, "GRAPHSC_DB": None, "NEO4J_URI": None}

READ_COMMANDS = [
    ["lineage", "o/m0"],
    ["licenses"],
    ["stats"],
    ["rank"],
    ["impact", "o/m0"],
    ["families"],
    ["analyze"],
    ["quality"],
]


def invoke(args: list[str]) -> object:
    return runner.invoke(app, args, env=ENV)


def assert_store_error(result: object, *fragments: str) -> str:
    """``result`` is a clean CLI failure: exit 1, "Store error" on stderr, no traceback; returns stderr."""
    stderr = result.stderr  # type: ignore[attr-defined]
    assert result.exit_code == 1, (result.exit_code, result.output, result.exception)  # type: ignore[attr-defined]
    assert result.exception is None or isinstance(result.exception, SystemExit)  # type: ignore[attr-defined]
    assert "Store error" in stderr and "Traceback" not in result.output  # type: ignore[attr-defined]
    flat = " ".join(stderr.split())
    for fragment in fragments:
        assert fragment in flat, (fragment, flat)
    return flat


def make_db(path: Path, batches: int = 3, size: int = 200) -> Path:
    """A real graphsc database of ``batches`` committed batches of ``size`` models (a chain per batch)."""
    store = SQLiteStore(path)
    for b in range(batches):
        models = [Model(f"o/m{b * size + i}", license="mit", downloads=i) for i in range(size)]
        edges = [
            DerivedFrom(f"o/m{b * size + i}", f"o/m{b * size + i - 1}", "finetune", "inferred") for i in range(1, size)
        ]
        store.write(GraphBatch(models=models, derived_from=edges))
    store.close()
    return path


def schema_of(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return sorted(db.execute("SELECT name, sql FROM sqlite_master"))


def snapshot_file(path: Path, count: int, start: int = 0) -> Path:
    path.write_text(
        "".join(json.dumps({"id": f"s/m{start + i}", "cardData": {"license": "mit"}}) + "\n" for i in range(count))
    )
    return path


# missing store


@pytest.mark.parametrize("args", [*READ_COMMANDS, ["neo4j", "push"]], ids=lambda a: a[0])
def test_read_commands_never_create_a_missing_store(args: list[str], tmp_path: Path) -> None:
    db = tmp_path / "typo" / "nested" / "graphsc.db"
    result = invoke([*args, "--db", str(db)])
    assert_store_error(result, f"no graphsc database at {db}", "graphsc ingest", "graphsc demo")
    assert not (tmp_path / "typo").exists()


def test_read_only_open_of_a_missing_file_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(MissingStoreError):
        SQLiteStore(tmp_path / "none.db", readonly=True)
    assert list(tmp_path.iterdir()) == []


def test_an_empty_file_is_no_database_for_reads_and_a_new_one_for_writes(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    db.touch()
    assert_store_error(invoke(["stats", "--db", str(db)]), "no graphsc database")
    assert db.stat().st_size == 0
    SQLiteStore(db).close()
    SQLiteStore(db, readonly=True).close()


def test_write_commands_create_the_store(tmp_path: Path) -> None:
    db = tmp_path / "new" / "g.db"
    result = invoke(["ingest", "snapshot", str(snapshot_file(tmp_path / "s.jsonl", 3)), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert SQLiteStore(db, readonly=True).counts().nodes["Model"] == 3


@pytest.mark.parametrize(
    "args, readonly",
    [
        *[(a, True) for a in READ_COMMANDS],
        (["analyze", "--write"], False),
        (["ingest", "snapshot", "FILE"], False),
        (["demo"], False),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else str(v),
)
def test_read_commands_open_read_only_and_write_commands_read_write(
    args: list[str],
    readonly: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import graphsc.store as store_module

    seen: list[bool] = []
    real_open = store_module.open_store

    def spy(config: store_module.StoreConfig) -> object:
        seen.append(config.readonly)
        return real_open(config)

    monkeypatch.setattr(store_module, "open_store", spy)
    db = make_db(tmp_path / "g.db", batches=1, size=5)
    args = [str(snapshot_file(tmp_path / "s.jsonl", 2)) if a == "FILE" else a for a in args]
    result = invoke([*args, "--db", str(db)])
    assert result.exit_code in (0, 1), result.output  # (licenses may exit 1 on conflicts; never crash)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert seen and set(seen) == {readonly}


def test_analyze_write_stores_metrics(tmp_path: Path) -> None:
    db = make_db(tmp_path / "g.db", batches=1, size=5)
    assert invoke(["analyze", "--write", "--db", str(db)]).exit_code == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM model_metrics").fetchone()[0] == 5


def test_a_read_only_store_reopens_for_writing_when_asked_to_write(tmp_path: Path) -> None:
    db = make_db(tmp_path / "g.db", batches=1, size=5)
    store = SQLiteStore(db, readonly=True)
    store.set_state({"k": "v"})
    assert store.get_state("k") == "v"
    store.close()


# another program's SQLite file


def test_another_programs_sqlite_file_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO accounts (name) VALUES ('alice')")
    conn.close()
    before_schema, before_bytes = schema_of(db), db.read_bytes()
    for args in (
        ["stats"],
        ["lineage", "o/m"],
        ["ingest", "snapshot", str(snapshot_file(tmp_path / "s.jsonl", 2))],
        ["analyze", "--write"],
        ["demo"],
    ):
        assert_store_error(invoke([*args, "--db", str(db)]), "another program", "not graphsc's", "accounts")
    with pytest.raises(StoreError, match="not graphsc's"):
        SQLiteStore(db)
    assert schema_of(db) == before_schema
    assert db.read_bytes() == before_bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.db", "s.jsonl"]


# damaged file


def test_a_file_with_damaged_pages_is_a_store_error_for_every_command(tmp_path: Path) -> None:
    db = make_db(tmp_path / "g.db", batches=4, size=2_000)
    size = db.stat().st_size
    assert size > 100_000
    with db.open("r+b") as f:
        f.seek(size // 4)
        f.write(os.urandom(size // 2))
    for args in [*READ_COMMANDS, ["ingest", "snapshot", str(snapshot_file(tmp_path / "s.jsonl", 5))]]:
        result = invoke([*args, "--db", str(db)])
        if args[0] in ("lineage", "impact", "quality", "ingest") and result.exit_code == 0:
            continue  # a command that touches only undamaged pages may still work
        assert_store_error(result, str(db), "damaged", "re-run ingest into a new --db file")


def test_a_file_that_is_not_sqlite_is_damaged(tmp_path: Path) -> None:
    db = tmp_path / "junk.db"
    db.write_text("not sqlite at all " * 100)
    assert_store_error(invoke(["stats", "--db", str(db)]), "damaged or not a SQLite database")
    assert_store_error(
        invoke(["ingest", "snapshot", str(snapshot_file(tmp_path / "s.jsonl", 1)), "--db", str(db)]), "damaged"
    )


# schema


@pytest.mark.parametrize(
    "value, fragment",
    [
        ("two", "is not a number"),
        ("", "is not a number"),
        ("99", "newer than this graphsc supports"),
    ],
)
def test_unusable_schema_versions_are_store_errors(value: str, fragment: str, tmp_path: Path) -> None:
    db = make_db(tmp_path / "g.db", batches=1, size=3)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value=? WHERE key='schema_version'", (value,))
    conn.close()
    for readonly in (True, False):
        with pytest.raises(StoreError, match=fragment):
            SQLiteStore(db, readonly=readonly)
    assert_store_error(invoke(["stats", "--db", str(db)]), fragment)
    assert_store_error(
        invoke(["ingest", "snapshot", str(snapshot_file(tmp_path / "s.jsonl", 1)), "--db", str(db)]), fragment
    )
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (value,)
    conn.close()


def test_missing_tables_are_a_store_error(tmp_path: Path) -> None:
    db = make_db(tmp_path / "g.db", batches=1, size=3)
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE derived_from")
    conn.close()
    assert_store_error(invoke(["lineage", "o/m1", "--db", str(db)]), "tables are missing", "derived_from")


def test_version_one_is_still_migrated_on_open(tmp_path: Path) -> None:
    db = make_db(tmp_path / "g.db", batches=1, size=3)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
        conn.execute("DROP TABLE aliases")
        conn.execute("DROP TABLE id_notes")
        conn.execute("ALTER TABLE models DROP COLUMN has_card")
    conn.close()
    store = SQLiteStore(db, readonly=True)  # a read reopens it for the one-time upgrade
    assert store.counts().nodes["Model"] == 3
    store.close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (str(SCHEMA_VERSION),)
    conn.close()


# full disk


def _limit_file_size(limit: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_full_disk_is_a_store_error_and_keeps_the_committed_batches(tmp_path: Path) -> None:
    db = make_db(tmp_path / "g.db", batches=2, size=500)
    snapshot = snapshot_file(tmp_path / "big.jsonl", 30_000)
    limit = db.stat().st_size + 400_000
    done = subprocess.run(
        [sys.executable, "-m", "graphsc", "ingest", "snapshot", str(snapshot), "--db", str(db), "--batch-size", "2000"],
        capture_output=True,
        text=True,
        cwd=REPO,
        preexec_fn=lambda: _limit_file_size(limit),
        timeout=300,
        env={k: v for k, v in os.environ.items() if not k.startswith(("GRAPHSC_", "NEO4J_"))},
    )
    assert done.returncode == 1, done.stdout + done.stderr
    flat = " ".join(done.stderr.split())
    assert "Store error" in flat and "write failed" in flat and "Check free disk space" in flat, flat
    assert "rolled back" in flat and str(db) in flat
    assert "Traceback" not in done.stderr and "cannot rollback" not in done.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("SELECT count(*) FROM models WHERE id LIKE 'o/%'").fetchone()[0] == 1_000
    loaded = conn.execute("SELECT count(*) FROM models WHERE id LIKE 's/%'").fetchone()[0]
    conn.close()
    assert loaded < 30_000 and loaded % 2_000 == 0  # whole batches only
    store = SQLiteStore(db, readonly=True)
    assert store.counts().nodes["Model"] == 1_000 + loaded
    store.close()


def test_full_disk_during_a_store_write_rolls_back_cleanly(tmp_path: Path) -> None:
    db = make_db(tmp_path / "g.db", batches=2, size=500)
    script = f"""
import resource, signal
from graphsc.errors import StoreError
from graphsc.records import GraphBatch, Model
from graphsc.store.sqlite import SQLiteStore
store = SQLiteStore({str(db)!r})
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = {db.stat().st_size + 200_000}
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
try:
    for b in range(1000):
        store.write(GraphBatch(models=[Model(f"x/m{{b}}-{{i}}", license="mit") for i in range(1000)]))
except StoreError as error:
    print("STORE ERROR:", error.message, "|", error.hint)
store.get_state("anything")  # the store still answers after the failed write
store.close()
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "STORE ERROR:" in done.stdout and "write failed" in done.stdout and "rolled back" in done.stdout
    assert "Check free disk space" in done.stdout
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("SELECT count(*) FROM models WHERE id LIKE 'o/%'").fetchone()[0] == 1_000
    assert conn.execute("SELECT count(*) FROM models WHERE id LIKE 'x/%'").fetchone()[0] % 1_000 == 0
    conn.close()


# permissions (as an unprivileged user: root ignores file modes)


def _as_nobody() -> list[str] | None:
    """The command prefix that runs a program as user nobody, or None if we cannot switch users."""
    if os.geteuid() != 0:
        return []  # already unprivileged: file modes apply
    if shutil.which("setpriv"):
        return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    if shutil.which("runuser"):
        return ["runuser", "-u", "nobody", "--"]
    return None


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory every user can enter (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="graphsc-faults-"))
    path.chmod(0o755)
    yield path
    for p in [path, *path.rglob("*")]:
        if p.is_dir():
            p.chmod(0o755)
    shutil.rmtree(path, ignore_errors=True)


def open_folder(path: Path) -> Path:
    """A new directory every user may write (the unprivileged command writes beside the database)."""
    path.mkdir()
    path.chmod(0o777)
    return path


def run_unprivileged(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    prefix = _as_nobody()
    if prefix is None:
        pytest.skip("running as root without setpriv or runuser: cannot test file permissions")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home),
        "PYTHONDONTWRITEBYTECODE": "1",
        "LANG": "C.UTF-8",
    }
    return subprocess.run(
        [*prefix, sys.executable, "-m", "graphsc", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=300,
    )


def assert_clean_store_error(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    flat = " ".join(done.stderr.split())
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Store error" in flat and "Traceback" not in done.stderr, done.stderr
    for fragment in fragments:
        assert fragment in flat, (fragment, flat)


def test_read_only_file_is_readable_and_refuses_writes_cleanly(shared_dir: Path) -> None:
    db = make_db(open_folder(shared_dir / "rw") / "g.db", batches=2, size=50)
    db.chmod(0o444)
    snapshot = snapshot_file(shared_dir / "s.jsonl", 3)
    snapshot.chmod(0o644)
    before = db.read_bytes()
    for args in (["stats"], ["lineage", "o/m10"], ["licenses"], ["analyze"]):
        done = run_unprivileged([*args, "--db", str(db)], shared_dir)
        assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
        assert "Store error" not in done.stderr, done.stderr
    for args in (["ingest", "snapshot", str(snapshot)], ["analyze", "--write"]):
        assert_clean_store_error(run_unprivileged([*args, "--db", str(db)], shared_dir), str(db), "read-only")
    assert db.read_bytes() == before


def test_read_only_database_in_a_read_only_directory_is_readable(shared_dir: Path) -> None:
    folder = shared_dir / "ro"
    folder.mkdir()
    db = make_db(folder / "g.db", batches=2, size=50)
    assert not Path(f"{db}-wal").exists()
    db.chmod(0o444)
    folder.chmod(0o555)
    snapshot = snapshot_file(shared_dir / "s.jsonl", 3)
    snapshot.chmod(0o644)
    done = run_unprivileged(["stats", "--db", str(db), "--format", "json"], shared_dir)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["nodes"]["Model"] == 100
    done = run_unprivileged(["lineage", "o/m10", "--db", str(db), "--format", "json"], shared_dir)
    assert done.returncode == 0, done.stderr
    assert_clean_store_error(
        run_unprivileged(["ingest", "snapshot", str(snapshot), "--db", str(db)], shared_dir), "read-only"
    )
    assert_clean_store_error(
        run_unprivileged(["ingest", "snapshot", str(snapshot), "--db", str(folder / "new.db")], shared_dir),
        "read-only",
        "not writable",
    )
    assert sorted(p.name for p in folder.iterdir()) == ["g.db"]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o555


# how SQLite's messages are classified


@pytest.mark.parametrize(
    "message, action, fragment, hint",
    [
        ("database or disk is full", "writing a batch", "the disk is full", "Check free disk space"),
        ("disk I/O error", "committing a write", "write failed", "Check free disk space"),
        ("attempt to write a readonly database", "writing state", "read-only", "writable"),
        ("database disk image is malformed", "reading", "damaged", "re-run ingest into a new --db file"),
        ("file is not a database", "opening", "cannot open", "re-run ingest into a new --db file"),
        ("unable to open database file", "opening", "cannot open", "Check that the path exists"),
        ("database is locked", "starting a write", "locked", "another graphsc process"),
        ("no such table: models", "reading", "missing", "re-run ingest"),
    ],
)
def test_sqlite_faults_are_classified(message: str, action: str, fragment: str, hint: str) -> None:
    from graphsc.store.sqlite_errors import store_error

    error = store_error("/data/g.db", sqlite3.OperationalError(message), action)
    assert error.location == "/data/g.db" and fragment in error.message and hint in (error.hint or "")


# which store each command uses (README "graphsc query", "graphsc neo4j push")


def test_query_runs_on_neo4j_whatever_graphsc_store_says() -> None:
    help_text = " ".join(runner.invoke(app, ["query", "--help"], env={**ENV, "COLUMNS": "200"}).output.split())
    assert "neo4j (the default" in help_text and "default embedded" not in help_text and "--db" not in help_text
    refused = runner.invoke(app, ["query", "counts", "--store", "embedded"], env=ENV)
    assert refused.exit_code == 1 and "graphsc neo4j push" in refused.stderr
    tried = runner.invoke(
        app, ["query", "counts"], env={**ENV, "GRAPHSC_STORE": "embedded", "NEO4J_URI": "bolt://127.0.0.1:1"}
    )
    assert tried.exit_code == 1 and "cannot reach Neo4j" in " ".join(tried.stderr.split())


def test_neo4j_push_reads_db_and_has_no_store_option() -> None:
    help_text = " ".join(runner.invoke(app, ["neo4j", "push", "--help"], env={**ENV, "COLUMNS": "200"}).output.split())
    assert "--db" in help_text and "--store" not in help_text


# found by a second tester: a directory on the path that may not be searched, mode-000 files, analyze --write


def test_a_directory_that_may_not_be_searched_is_a_store_or_input_error(shared_dir: Path) -> None:
    locked = shared_dir / "noexec"
    locked.mkdir()
    (locked / "in.jsonl").write_text('{"id": "o/m"}\n')
    locked.chmod(0o700)  # root's: nobody may not enter it
    snapshot = snapshot_file(shared_dir / "s.jsonl", 3)
    snapshot.chmod(0o644)
    db = locked / "x.db"
    for args in (
        ["stats", "--db", str(db)],
        ["licenses", "--format", "csv", "--db", str(db)],
        ["ingest", "snapshot", str(snapshot), "--db", str(db)],
    ):
        assert_clean_store_error(run_unprivileged(args, shared_dir), str(db), "cannot be reached")
    done = run_unprivileged(
        ["ingest", "snapshot", str(locked / "in.jsonl"), "--db", str(shared_dir / "n.db")], shared_dir
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "Input file" in done.stderr and "permission denied" in done.stderr.lower(), done.stderr


def test_a_mode_000_database_is_a_store_error_not_a_usage_error(shared_dir: Path) -> None:
    db = make_db(open_folder(shared_dir / "m") / "g.db", batches=1, size=5)
    db.chmod(0o000)
    done = run_unprivileged(["stats", "--db", str(db)], shared_dir)
    assert done.returncode == 1 and "Store error" in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_analyze_write_on_a_missing_store_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "typo" / "sub" / "miss.db"
    result = runner.invoke(app, ["analyze", "--write", "--db", str(db)])
    assert result.exit_code == 1, result.output
    assert "no graphsc database at" in " ".join(result.stderr.split())
    assert not (tmp_path / "typo").exists()
