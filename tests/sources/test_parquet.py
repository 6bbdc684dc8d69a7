from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from graphsc.errors import BadInput
from graphsc.ingest import ingest_snapshot
from graphsc.sources.snapshot import RawRecord, read_snapshot


def write_parquet(records: list[dict], path: Path) -> None:
    """Hub records as a dump would hold them: plain columns, tags as a list column, the card as JSON text."""
    columns = ["id", "author", "downloads", "likes", "tags", "pipeline_tag", "library_name", "createdAt", "spaces"]
    table = {c: [r.get(c) for r in records] for c in columns}
    table["gated"] = [None if r.get("gated") is None else str(r["gated"]).lower() for r in records]
    table["cardData"] = [json.dumps(r.get("cardData")) for r in records]
    pq.write_table(pa.table(table), path, row_group_size=50)


def test_parquet_rows_give_the_same_graph_as_jsonl(
    tmp_path: Path, family_files: list[Path], family_records: list[dict], store
) -> None:
    path = tmp_path / "models.parquet"
    write_parquet(family_records, path)
    items = list(read_snapshot(path))
    assert all(isinstance(i, RawRecord) for i in items) and len(items) == len(family_records)
    assert items[5].line == 6 and items[5].data["id"] == family_records[5]["id"]
    report = ingest_snapshot(store, [str(path)])
    assert report.records == len(family_records)
    from graphsc.store.sqlite import SQLiteStore

    jsonl_store = SQLiteStore(tmp_path / "jsonl.db")
    ingest_snapshot(jsonl_store, [str(p) for p in family_files])
    assert store.counts() == jsonl_store.counts()


def test_bad_json_in_card_column_is_reported_per_row(tmp_path: Path) -> None:
    path = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"id": ["a/1", "a/2"], "cardData": ['{"license": "mit"}', "{oops"]}), path)
    items = list(read_snapshot(path))
    assert isinstance(items[0], RawRecord) and isinstance(items[1], BadInput) and items[1].line == 2


def test_parquet_timestamps_read_as_the_hub_writes_them(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    path = tmp_path / "ts.parquet"
    when = datetime(2025, 1, 20, 3, 46, 7, 120000, tzinfo=UTC)
    pq.write_table(pa.table({"id": ["a/1"], "createdAt": pa.array([when], pa.timestamp("ms", tz="UTC"))}), path)
    (item,) = list(read_snapshot(path))
    assert item.data["createdAt"] == "2025-01-20T03:46:07.120Z"
