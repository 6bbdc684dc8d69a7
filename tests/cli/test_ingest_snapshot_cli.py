from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.store.sqlite import SQLiteStore

runner = CliRunner()


def test_ingest_reports_malformed_lines_and_keeps_the_rest(tmp_path: Path, family_files: list[Path]) -> None:
    good = family_files[1].read_text().splitlines()
    bad = tmp_path / "mixed.jsonl.gz"
    lines = [*good[:10], "{not json", '{"author": "no-id"}', *good[10:]]
    bad.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    db = tmp_path / "g.db"
    result = runner.invoke(app, ["ingest", "snapshot", str(bad), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert f"{bad}:11: invalid JSON" in result.output
    assert f"{bad}:12: record has no model id" in result.output
    assert f"Ingested {len(good)} records" in result.output
    store = SQLiteStore(db)
    assert store.counts().nodes["Model"] >= len(good)


def test_strict_stops_at_first_malformed_line_keeping_earlier_records(tmp_path: Path, family_files: list[Path]) -> None:
    good = family_files[1].read_text().splitlines()
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join([*good[:7], "[1, 2]", *good[7:]]) + "\n")
    db = tmp_path / "g.db"
    result = runner.invoke(app, ["ingest", "snapshot", str(path), "--strict", "--db", str(db)])
    assert result.exit_code == 1
    assert f"Malformed record: {path}:8: expected a JSON object" in result.output
    assert "Traceback" not in result.output
    ids = {json.loads(line)["id"] for line in good[:7]}
    assert set(SQLiteStore(db).models(ids)) == ids


def test_missing_input_file_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", "snapshot", str(tmp_path / "nope.jsonl"), "--db", str(tmp_path / "g.db")])
    assert result.exit_code == 1
    assert "Input file: Cannot read" in result.output and "no such file" in result.output
    assert "Traceback" not in result.output


def test_graphsc_db_environment_variable_selects_the_store(tmp_path: Path, family_files: list[Path]) -> None:
    db = tmp_path / "env.db"
    result = runner.invoke(app, ["ingest", "snapshot", str(family_files[1])], env={"GRAPHSC_DB": str(db)})
    assert result.exit_code == 0, result.output
    assert SQLiteStore(db).counts().nodes["Model"] > 0


def test_python_dash_m_runs_the_cli(tmp_path: Path, family_files: list[Path]) -> None:
    db = tmp_path / "m.db"
    done = subprocess.run(
        [sys.executable, "-m", "graphsc", "ingest", "snapshot", str(family_files[1]), "--db", str(db)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Ingested 67 records" in done.stderr
