"""Hub-shaped snapshot files for tests: write records as JSONL, ingest them through the CLI, build base chains."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from graphsc.cli import app


def write_snapshot(path: Path, records: list[dict]) -> Path:
    """``records`` as a JSONL file at ``path`` (one Hub API record per line); returns ``path``."""
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def ingested_db(folder: Path, records: list[dict], name: str = "g.db") -> Path:
    """A store at ``folder/name`` holding ``records``, ingested with ``graphsc ingest snapshot`` (which must exit 0)."""
    snapshot = write_snapshot(folder / f"{Path(name).stem}.jsonl", records)
    path = folder / name
    result = CliRunner().invoke(app, ["ingest", "snapshot", str(snapshot), "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


def chain_records(length: int) -> list[dict]:
    """``org/m0`` ← ``org/m1`` ← … ← ``org/m<length>``: each a finetune of the one before, all MIT."""
    return [{"id": "org/m0", "cardData": {"license": "mit"}}] + [
        {
            "id": f"org/m{i}",
            "cardData": {"license": "mit", "base_model": f"org/m{i - 1}"},
            "tags": [f"base_model:finetune:org/m{i - 1}"],
        }
        for i in range(1, length + 1)
    ]
