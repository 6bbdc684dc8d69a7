from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from graphsc.errors import BadInput, BadInputError, InputFileError
from graphsc.ingest import ingest_snapshot
from graphsc.sources.hub_records import model_record_from_hub
from graphsc.sources.snapshot import RawRecord, read_snapshot
from graphsc.store.sqlite import SQLiteStore


def test_reads_plain_and_gzipped_jsonl_with_line_numbers(tmp_path: Path) -> None:
    text = '{"id": "a/1"}\n\n{"id": "a/2"\n{"id": "a/3"}\n'
    plain = tmp_path / "x.jsonl"
    plain.write_text(text)
    zipped = tmp_path / "x.jsonl.gz"
    zipped.write_bytes(gzip.compress(text.encode()))
    for path in (plain, zipped):
        items = list(read_snapshot(path))
        assert [(type(i), i.line) for i in items] == [(RawRecord, 1), (BadInput, 3), (RawRecord, 4)]
        assert "invalid JSON" in items[1].reason and items[1].path == str(path)


def test_truncated_gzip_keeps_what_was_read_and_reports_where(tmp_path: Path) -> None:
    data = gzip.compress(("".join(f'{{"id": "a/{i}"}}\n' for i in range(2000))).encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    items = list(read_snapshot(path))
    assert isinstance(items[-1], BadInput) and "truncated" in items[-1].reason
    assert all(isinstance(i, RawRecord) for i in items[:-1]) and len(items) > 1


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        list(read_snapshot(tmp_path / "nope.jsonl"))


def test_one_bad_input_type_for_lines_models_and_strict_mode(tmp_path: Path, store: SQLiteStore) -> None:
    line = BadInput.at_line("dump.jsonl", 3, "invalid JSON")
    model = BadInput.of_model("o/m", "not found on the Hub", 404, "https://hub.example/api/models/o/m")
    assert (str(line), line.where, line.lost) == ("dump.jsonl:3: invalid JSON", "dump.jsonl:3", 1)
    assert (str(model), model.where, model.status) == ("o/m: not found on the Hub", "o/m", 404)
    with pytest.raises(BadInputError) as unplaced:  # the converter knows what, not where
        model_record_from_hub([1, 2])
    assert unplaced.value.problem == BadInput("expected a JSON object, got list")
    assert isinstance(unplaced.value, ValueError) and str(unplaced.value) == "expected a JSON object, got list"

    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "o/a"}\n[1, 2]\n{"id": "o/b"}\n')
    with pytest.raises(BadInputError) as strict:
        ingest_snapshot(store, [str(path)], strict=True)
    assert strict.value.problem == BadInput.at_line(str(path), 2, "expected a JSON object, got list")
    assert (strict.value.path, strict.value.line) == (str(path), 2)
    assert strict.value.message == f"{path}:2: expected a JSON object, got list"
    assert "--strict" in (strict.value.hint or "")
