"""Stream Hub model records out of dump files (JSONL, gzipped JSONL), in constant memory.

Each item is either a parsed record with where it came from, or a ``BadLine`` saying which file and line could
not be read and why. Conversion to graphsc records happens in ``graphsc.ingest``.
"""

from __future__ import annotations

import gzip
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphsc.errors import InputFileError


@dataclass(frozen=True, slots=True)
class RawRecord:
    path: str
    line: int
    data: Any


@dataclass(frozen=True, slots=True)
class BadLine:
    path: str
    line: int
    reason: str


def _open_text(path: Path) -> io.TextIOBase:
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", errors="strict")
    return open(path, encoding="utf-8", errors="strict")


def read_jsonl(path: Path) -> Iterator[RawRecord | BadLine]:
    """Yield each non-blank line of a JSONL (optionally gzipped) file as a parsed record or a ``BadLine``."""
    name = str(path)
    try:
        stream = _open_text(path)
    except OSError as exc:
        raise InputFileError(name, exc.strerror or str(exc)) from None
    line_no = 0
    with stream:
        try:
            for line_no, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                try:
                    yield RawRecord(name, line_no, json.loads(line))
                except json.JSONDecodeError as exc:
                    yield BadLine(name, line_no, f"invalid JSON ({exc.msg} at column {exc.colno})")
        except UnicodeDecodeError:
            yield BadLine(name, line_no + 1, "not UTF-8 text")
        except (EOFError, gzip.BadGzipFile, OSError) as exc:
            yield BadLine(name, line_no + 1, f"file is truncated or corrupt ({exc})")


def read_snapshot(path: str | os.PathLike[str]) -> Iterator[RawRecord | BadLine]:
    """Yield the records of one dump file, choosing the reader by the file's name."""
    file = Path(path)
    if not file.exists():
        raise InputFileError(str(file), "no such file")
    if file.is_dir():
        raise InputFileError(str(file), "is a directory")
    if file.suffix == ".parquet":
        from graphsc.sources.parquet import read_parquet

        return read_parquet(file)
    return read_jsonl(file)
