"""``ingest snapshot --kind datasets|spaces`` and JSON array files: the same records whatever the file shape (JSONL,
JSON array, gzip, Parquet), damage keeps what came before it, and the stored graph holds what the records say."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from graphsc import samples
from graphsc.cli import app
from graphsc.errors import BadInput
from graphsc.ingest import ingest_snapshot
from graphsc.records import SOURCE_SPACE_CARD
from graphsc.sources.snapshot import RawRecord, read_snapshot
from graphsc.store.sqlite import SQLiteStore


def _sample() -> list[dict[str, Any]]:
    [path] = samples.hf_dataset_files()
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


def _stored(db: Path) -> tuple[dict[str, str | None], set[tuple[str, str]]]:
    with SQLiteStore(db, readonly=True) as store:
        datasets = {d.id: d.license for page in store.iter_datasets() for d in page if d.fetched}
        edges = {(e.child, e.base) for page in store.iter_dataset_derived_from() for e in page}
    return datasets, edges


@pytest.mark.parametrize("shape", ["jsonl", "array", "array-one-line", "array.gz", "parquet"])
def test_every_file_shape_gives_the_same_datasets(tmp_path: Path, shape: str) -> None:
    raw = _sample()
    path = tmp_path / f"datasets.{shape}"
    if shape == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in raw), encoding="utf-8")
    elif shape == "array":
        path.write_text(json.dumps(raw, indent=2), encoding="utf-8")
    elif shape == "array-one-line":
        path.write_text("\n\n  " + json.dumps(raw), encoding="utf-8")
    elif shape == "array.gz":
        path.write_bytes(gzip.compress(json.dumps(raw).encode()))
    else:
        path = tmp_path / "datasets.parquet"
        columns = ["id", "author", "downloads", "likes", "tags", "createdAt", "lastModified"]
        table = {c: [r.get(c) for r in raw] for c in columns}
        table["gated"] = [str(r["gated"]).lower() for r in raw]
        pq.write_table(pa.table(table), path, row_group_size=64)
    report = ingest_snapshot(SQLiteStore(tmp_path / "g.db"), [str(path)], kind="datasets")
    assert (report.records, report.skipped) == (300, 0)
    datasets, edges = _stored(tmp_path / "g.db")
    expected = {r["id"]: " AND ".join(t[8:] for t in r["tags"] if t.startswith("license:")) or None for r in raw}
    assert datasets == expected
    assert len(edges) == 15 and ("google/xquad", "squad") in edges


def test_a_cut_array_keeps_the_items_before_the_damage(tmp_path: Path) -> None:
    raw = _sample()[:20]
    text = json.dumps(raw)
    cut = text[: text.index(raw[7]["id"])]  # inside item 8
    path = tmp_path / "cut.json"
    path.write_text(cut, encoding="utf-8")
    items = list(read_snapshot(path))
    assert [i.data["id"] for i in items if isinstance(i, RawRecord)] == [r["id"] for r in raw[:7]]
    [problem] = [i for i in items if isinstance(i, BadInput)]
    assert (problem.line, problem.lost) == (8, 0) and "truncated or invalid after item 7" in problem.reason


def test_array_items_that_are_not_records_are_reported_by_position(tmp_path: Path) -> None:
    path = tmp_path / "spaces.json"
    path.write_text(json.dumps([{"id": "a/s", "models": ["o/m"]}, 3, {"sdk": "gradio"}, {"id": "b/s"}]))
    problems: list[BadInput] = []
    report = ingest_snapshot(SQLiteStore(tmp_path / "g.db"), [str(path)], kind="spaces", on_problem=problems.append)
    assert report.records == 2
    assert [(p.line, p.reason) for p in problems] == [
        (2, "expected a JSON object, got int"),
        (3, "record has no space id ('id' field)"),
    ]
    with SQLiteStore(tmp_path / "g.db", readonly=True) as store:
        assert [(s.id, s.fetched) for page in store.iter_spaces() for s in page] == [("a/s", True), ("b/s", True)]
        assert [(u.user, u.model, u.source) for page in store.iter_uses() for u in page] == [
            ("a/s", "o/m", SOURCE_SPACE_CARD)
        ]


def test_an_empty_array_holds_no_records(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text("[]")
    assert list(read_snapshot(path)) == []


def test_the_cli_reads_dataset_records_and_says_so(tmp_path: Path) -> None:
    [path] = samples.hf_dataset_files()
    db = tmp_path / "g.db"
    result = CliRunner().invoke(app, ["ingest", "snapshot", "--kind", "datasets", str(path), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Ingested 300 dataset records into embedded store {db} in ")
    bad = CliRunner().invoke(app, ["ingest", "snapshot", "--kind", "repos", str(path), "--db", str(db)])
    assert bad.exit_code == 2 and "'repos' is not one of" in " ".join(bad.output.replace("│", " ").split())


@pytest.mark.parametrize(
    ("name", "text", "records", "bad_lines"),
    [
        # JSONL whose first line is not a record: reported, the lines after it kept
        ("dump.json", '[]\n{"id": "a/b"}\n{"id": "c/d"}\n', ["a/b", "c/d"], [1]),
        ("dump.jsonl", '[{"id": "a/b"}]\n', [], [1]),  # a file named JSONL is JSONL: the line is not a record
        ("dump.json", '[{"id": "a/b"}, {"id": "c/d"}]\n', ["a/b", "c/d"], []),  # a one-line array
        ("dump", '\n[\n  {"id": "a/b"}\n]\n', ["a/b"], []),  # an array over lines, whatever the name
    ],
)
def test_arrays_and_jsonl_are_told_apart(
    tmp_path: Path, name: str, text: str, records: list[str], bad_lines: list[int]
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    items = list(read_snapshot(path))
    assert [i.data["id"] for i in items if isinstance(i, RawRecord) and isinstance(i.data, dict)] == records
    not_records = [i.line for i in items if isinstance(i, BadInput)]
    not_records += [i.line for i in items if isinstance(i, RawRecord) and not isinstance(i.data, dict)]
    assert not_records == bad_lines


def test_a_byte_order_mark_and_records_printed_over_lines_are_read(tmp_path: Path) -> None:
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + json.dumps([{"id": "a/b"}, {"id": "c/d"}]).encode())
    pretty = tmp_path / "one.json"  # what `curl .../api/datasets/a/b | jq .` prints, twice
    pretty.write_text(
        json.dumps({"id": "a/b", "tags": ["license:mit"]}, indent=2) + "\n" + json.dumps({"id": "c/d"}, indent=2)
    )
    for path in (bom, pretty):
        items = list(read_snapshot(path))
        assert [(i.line, i.data["id"]) for i in items if isinstance(i, RawRecord)] == [(1, "a/b"), (2, "c/d")], path
        assert not [i for i in items if isinstance(i, BadInput)]


def test_the_cli_says_when_the_records_look_like_another_kind(tmp_path: Path) -> None:
    [datasets] = samples.hf_dataset_files()
    result = CliRunner().invoke(app, ["ingest", "snapshot", str(datasets), "--db", str(tmp_path / "g.db")])
    raw = _sample()
    dataset_shaped = sum(
        1
        for r in raw
        if "paperswithcode_id" in r
        or "citation" in r
        or any(
            t.startswith(
                ("task_categories:", "size_categories:", "source_datasets:", "annotations_creators:", "modality:")
            )
            for t in r["tags"]
        )
    )
    assert dataset_shaped == 291  # nine records carry none of the dataset-only fields or tags
    assert (
        f"{dataset_shaped} of the records read look like dataset records, not model records; if so, ingest them "
        "again with --kind datasets" in " ".join(result.output.split())
    )
    fine = CliRunner().invoke(
        app, ["ingest", "snapshot", "--kind", "datasets", str(datasets), "--db", str(tmp_path / "d.db")]
    )
    assert "look like" not in fine.output
