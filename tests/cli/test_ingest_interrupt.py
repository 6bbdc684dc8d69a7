"""Ctrl-C in any command: the ``Interrupted`` error (exit 130) with what the command keeps, mapped in one place."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, NoReturn

import pytest
from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.errors import Interrupted
from tests.fake_github import GPT2, FakeGitHub, populate

runner = CliRunner()


def _interrupt(*_args: Any, **_kwargs: Any) -> NoReturn:
    raise KeyboardInterrupt


def test_ctrl_c_in_ingest_snapshot_exits_130_saying_what_is_kept(
    tmp_path: Path, family_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("graphsc.ingest.ingest_snapshot", _interrupt)  # the seam: the command imports it when run
    result = runner.invoke(app, ["ingest", "snapshot", str(family_files[1]), "--db", str(tmp_path / "g.db")])
    assert result.exit_code == Interrupted.exit_code == 130
    assert "Interrupted: Everything written before the interruption is kept; re-run to finish." in result.stderr, (
        result.output
    )
    assert "Traceback" not in result.output and "Aborted" not in result.output


def test_ctrl_c_while_reading_stdin_does_not_say_re_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pipe cannot be re-run, and nothing may have been written yet: the note says so."""
    monkeypatch.setattr("graphsc.ingest.ingest_snapshot", _interrupt)
    result = runner.invoke(app, ["ingest", "snapshot", "-", "--db", str(tmp_path / "g.db")], input="")
    assert result.exit_code == 130
    assert "re-run" not in result.stderr, result.stderr
    assert "No record was written yet (records are written 50,000 at a time)" in result.stderr
    assert "stdin cannot be read again, so pipe the input in again to finish" in result.stderr


def test_ctrl_c_after_writes_from_stdin_counts_what_is_kept(
    tmp_path: Path, family_files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from graphsc import ingest

    real = ingest.ingest_snapshot

    def two_batches_then_ctrl_c(*args: Any, on_written: Any, **kwargs: Any) -> NoReturn:
        real(*args, on_written=on_written, **kwargs)  # writes every record of the input, in batches of 2
        raise KeyboardInterrupt

    monkeypatch.setattr("graphsc.ingest.ingest_snapshot", two_batches_then_ctrl_c)
    lines = family_files[1].read_text().splitlines()[:4]
    result = runner.invoke(
        app,
        ["ingest", "snapshot", "-", "--batch-size", "2", "--db", str(tmp_path / "g.db")],
        input="\n".join(lines) + "\n",
    )
    assert result.exit_code == 130
    assert "Interrupted: 4 records written before the interruption are kept; stdin cannot be read again" in (
        result.stderr
    ), result.stderr


def test_ctrl_c_in_ingest_github_keeps_its_own_message(
    tmp_path: Path, fake_github: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    populate(fake_github)
    monkeypatch.setattr("graphsc.ingest.github.ingest_github", _interrupt)
    env = {"GITHUB_TOKEN": "test-token", "GITHUB_API_URL": fake_github.url}
    result = runner.invoke(app, ["ingest", "github", GPT2, "--db", str(tmp_path / "g.db")], env=env)
    assert result.exit_code == 130
    assert "Interrupted: Finished searches are kept; re-run to continue." in result.stderr


@pytest.mark.parametrize(
    ("seam", "command", "kept"),
    [
        ("graphsc.ingest.peatmoss.ingest_peatmoss", ["ingest", "peatmoss"], "The batches written before the"),
        ("graphsc.ingest.ingest_snapshot", ["demo"], "What was ingested before the interruption is kept"),
    ],
)
def test_ctrl_c_in_the_other_writing_commands_says_what_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seam: str, command: list[str], kept: str
) -> None:
    monkeypatch.setattr(seam, _interrupt)
    result = runner.invoke(app, [*command, "--db", str(tmp_path / "g.db")])
    assert result.exit_code == 130
    assert f"Interrupted: {kept}" in result.stderr, result.output


def test_ctrl_c_in_a_command_that_is_not_an_ingest_exits_130(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("graphsc.cli.lineage.open_cli_store", _interrupt)
    result = runner.invoke(app, ["lineage", "openai-community/gpt2", "--db", str(tmp_path / "g.db")])
    assert result.exit_code == 130
    assert "Interrupted: stopped by Ctrl-C" in result.stderr
    assert "re-run" not in result.stderr  # no other command's note leaks into this one
    assert "Traceback" not in result.output


def test_sigint_to_a_running_ingest_exits_130(tmp_path: Path, family_files: list[Path]) -> None:
    """A real SIGINT: ``ingest snapshot -`` waits on an open pipe, with records already written."""
    db = tmp_path / "g.db"
    env = {**os.environ, "GRAPHSC_DB": str(db)}
    process = subprocess.Popen(
        [sys.executable, "-m", "graphsc", "ingest", "snapshot", "-", "--batch-size", "1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        assert process.stdin is not None
        first = family_files[1].read_text().splitlines()[0]
        process.stdin.write((first + "\n").encode())
        process.stdin.flush()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not _has_a_model(db):
            time.sleep(0.2)
        assert _has_a_model(db), "the ingest never wrote its first record"
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    text = err.decode()
    assert process.returncode == 130, text
    assert "1 record written before the interruption is kept; stdin cannot be read again" in text
    assert "Traceback" not in text


def _has_a_model(db: Path) -> bool:
    """Whether the embedded store at ``db`` holds a model yet (read-only; False while it is being created)."""
    import sqlite3

    if not db.exists():
        return False
    try:
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return bool(connection.execute("SELECT count(*) FROM models").fetchone()[0])
        finally:
            connection.close()
    except sqlite3.Error:
        return False
