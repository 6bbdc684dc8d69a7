from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from graphsc.errors import InputFileError
from graphsc.sources.snapshot import BadLine, RawRecord, read_snapshot


def test_reads_plain_and_gzipped_jsonl_with_line_numbers(tmp_path: Path) -> None:
    text = '{"id": "a/1"}\n\n{"id": "a/2"\n{"id": "a/3"}\n'
    plain = tmp_path / "x.jsonl"
    plain.write_text(text)
    zipped = tmp_path / "x.jsonl.gz"
    zipped.write_bytes(gzip.compress(text.encode()))
    for path in (plain, zipped):
        items = list(read_snapshot(path))
        assert [(type(i), i.line) for i in items] == [(RawRecord, 1), (BadLine, 3), (RawRecord, 4)]
        assert "invalid JSON" in items[1].reason and items[1].path == str(path)


def test_truncated_gzip_keeps_what_was_read_and_reports_where(tmp_path: Path) -> None:
    data = gzip.compress(("".join(f'{{"id": "a/{i}"}}\n' for i in range(2000))).encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    items = list(read_snapshot(path))
    assert isinstance(items[-1], BadLine) and "truncated" in items[-1].reason
    assert all(isinstance(i, RawRecord) for i in items[:-1]) and len(items) > 1


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        list(read_snapshot(tmp_path / "nope.jsonl"))
