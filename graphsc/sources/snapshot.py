"""Stream Hub model records out of dump files (JSONL, gzipped JSONL), in constant memory.

Each item is either a parsed record with where it came from, or a ``BadLine`` saying which file and line could
not be read and why. Conversion to graphsc records happens in ``graphsc.ingest.snapshot``.
"""

from __future__ import annotations

import gzip
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson

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


def _open_binary(path: Path) -> BinaryIO:
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def open_text(path: Path) -> io.TextIOBase:
    """Open a plain or gzipped UTF-8 text file (decided by its magic bytes, not its name)."""
    return io.TextIOWrapper(_open_binary(path), encoding="utf-8", errors="strict")


def read_jsonl(path: Path) -> Iterator[RawRecord | BadLine]:
    """Yield each non-blank line of a JSONL (optionally gzipped) file as a parsed record or a ``BadLine``."""
    name = str(path)
    try:
        stream = _open_binary(path)
    except OSError as exc:
        raise InputFileError(name, exc.strerror or str(exc)) from None
    line_no = 0
    with stream:
        try:
            for line_no, line in enumerate(stream, start=1):
                try:
                    yield RawRecord(name, line_no, parse_json_line(line))
                except orjson.JSONDecodeError as exc:
                    if line.strip():
                        yield BadLine(name, line_no, f"invalid JSON ({exc.msg} at column {exc.colno})")
        except (EOFError, gzip.BadGzipFile, OSError) as exc:
            yield BadLine(name, line_no + 1, f"file is truncated or corrupt ({exc})")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json_line(line: bytes) -> Any:
    """One line of JSON, parsed with orjson; raises ``orjson.JSONDecodeError`` if it is not JSON.

    Lines orjson refuses but RFC 8259 allows (numbers beyond a double such as ``1e400``, escaped lone surrogates
    such as ``"\\ud800"``, a UTF-8 byte order mark), and bytes that are not UTF-8 (read as U+FFFD), are read by the
    standard library instead, so one odd value does not lose the whole record; ``NaN`` and ``Infinity`` stay
    invalid.
    """
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        try:
            text = line.decode("utf-8", errors="replace").removeprefix("\ufeff")
            return json.loads(text, parse_constant=_no_constant)
        except (ValueError, RecursionError):  # not JSON after all, or nested too deep: orjson's reason stands
            raise exc from None


def check_snapshot(path: str | os.PathLike[str]) -> Path:
    """The path, if it names a readable file; else ``InputFileError`` saying why."""
    file = Path(path)
    if not file.exists():
        raise InputFileError(str(file), "no such file")
    if file.is_dir():
        raise InputFileError(str(file), "is a directory")
    if not os.access(file, os.R_OK):
        raise InputFileError(str(file), "permission denied")
    return file


def read_snapshot(path: str | os.PathLike[str]) -> Iterator[RawRecord | BadLine]:
    """Yield the records of one dump file, choosing the reader by the file's name."""
    file = check_snapshot(path)
    if file.suffix == ".parquet":
        from graphsc.sources.parquet import read_parquet

        return read_parquet(file)
    return read_jsonl(file)
