"""Stream Hub records (models, datasets or Spaces) out of dump files (JSONL, a JSON array, either gzipped), in
constant memory.

A file whose first non-blank byte is ``[`` is one JSON array of records (unless it is named ``.jsonl``/``.ndjson``, or
that first line is a whole JSON value and more lines follow: then it is JSONL whose first line is not a record) (what the Hub's list API returns, and what
many published artifacts store), streamed item by item with ijson; its ``BadInput`` lines number the array's items
(1-based), not text lines.

Each item is either a parsed record with where it came from, or a ``BadInput`` saying which file and line could
not be read and why. Conversion to graphsc records happens in ``graphsc.ingest.snapshot``.

Every input is opened once and read once: the format (gzip, Parquet) is probed by peeking at the first bytes of
the open stream, so pipes (``-`` for stdin, ``/dev/stdin``, ``<(...)``) lose nothing.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import stat
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast

import orjson

from graphsc.errors import BadInput, InputFileError


@dataclass(frozen=True, slots=True)
class RawRecord:
    path: str
    line: int
    data: Any


STDIN = "-"
_JSONL_SUFFIXES = (".jsonl", ".json", ".ndjson", ".gz")
GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
# What reading a damaged gzip stream raises: a cut stream EOFError, bad headers BadGzipFile (an OSError), bad
# deflate data zlib.error (not an OSError).
STREAM_ERRORS = (EOFError, OSError, zlib.error)


def _raw_stream(path: str | os.PathLike[str]) -> io.BufferedReader:
    """The file (or stdin for ``-``) opened once, buffered so its first bytes can be peeked without consuming them.
    Raises ``InputFileError`` if it cannot be opened."""
    name = str(path)
    if name == STDIN:
        raw = sys.stdin.buffer
        return raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)  # type: ignore[arg-type]
    try:
        return open(path, "rb")
    except OSError as exc:
        raise InputFileError(name, exc.strerror or str(exc)) from None


class _Prefixed(io.RawIOBase):
    """``prefix`` followed by the rest of ``stream``: bytes read while probing, given back."""

    def __init__(self, prefix: bytes, stream: BinaryIO) -> None:
        self._prefix = prefix
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._stream.close()
        super().close()


def _probed(path: str | os.PathLike[str], size: int = 4) -> tuple[BinaryIO, bytes]:
    """The input opened once, and its first ``size`` bytes; reading the stream still yields every byte."""
    stream = _raw_stream(path)
    head = stream.peek(size)[:size]
    if len(head) < size:  # a pipe may hand out fewer bytes per read: collect them and give them back
        head = stream.read(size)
        return io.BufferedReader(_Prefixed(head, stream)), head
    return stream, head


def open_binary(path: str | os.PathLike[str]) -> BinaryIO:
    """The input's bytes, gunzipped if it starts with the gzip magic (decided by content, not name)."""
    stream, head = _probed(path, 2)
    if head == GZIP_MAGIC:
        return gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[return-value]
    return stream


def open_text(path: str | os.PathLike[str], errors: str = "strict") -> io.TextIOWrapper:
    """Open a plain or gzipped UTF-8 text file (decided by its magic bytes, not its name); ``-`` is stdin.
    Raises ``InputFileError`` if it cannot be opened."""
    return io.TextIOWrapper(open_binary(path), encoding="utf-8", errors=errors)


_open_binary = open_binary  # the name before it was public


def read_jsonl(path: Path) -> Iterator[RawRecord | BadInput]:
    """Yield each non-blank line of a JSONL (optionally gzipped) file as a parsed record or a ``BadInput``."""
    yield from _jsonl_lines(str(path), open_binary(path))


def _jsonl_lines(name: str, stream: BinaryIO) -> Iterator[RawRecord | BadInput]:
    """The records of an open JSONL byte stream; a cut or corrupt stream ends with a ``BadInput`` saying so (the
    lines before it are kept)."""
    line_no = 0
    with stream:
        try:
            for line_no, line in enumerate(stream, start=1):
                try:
                    yield RawRecord(name, line_no, parse_json_line(line))
                except orjson.JSONDecodeError as exc:
                    if line.strip():
                        yield BadInput.at_line(name, line_no, f"invalid JSON ({exc.msg} at column {exc.colno})")
        except STREAM_ERRORS as exc:
            yield _cut_short(name, line_no, exc)


def _cut_short(name: str, line_no: int, exc: BaseException) -> BadInput:
    """The ``BadInput`` for a stream that broke after ``line_no`` lines (the lines before it are kept)."""
    return BadInput.at_line(
        name,
        line_no + 1,
        f"file is truncated or corrupt after line {line_no}, the rest is unreadable ({type(exc).__name__}: {exc})",
        lost=0,
    )


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


def check_input_file(path: str | os.PathLike[str]) -> Path:
    """The path, if it names a readable file (or is ``-``, stdin); else ``InputFileError`` saying why (no such
    file, a directory, permission denied — also on a directory of the path that may not be searched)."""
    file = Path(path)
    if str(path) == STDIN:
        return file
    try:
        mode = os.stat(file).st_mode
    except FileNotFoundError:
        raise InputFileError(str(file), "no such file") from None
    except OSError as exc:
        raise InputFileError(str(file), (exc.strerror or str(exc)).lower()) from None
    if stat.S_ISDIR(mode):
        raise InputFileError(str(file), "is a directory")
    if not os.access(file, os.R_OK):
        raise InputFileError(str(file), "permission denied")
    return file


def is_stream(path: str | os.PathLike[str]) -> bool:
    """True for ``-`` and paths that are not regular files (pipes, ``/dev/stdin``): they can be read only once."""
    if str(path) == STDIN:
        return True
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def read_snapshot(path: str | os.PathLike[str]) -> Iterator[RawRecord | BadInput]:
    """Yield the records of one dump file (``-``: stdin), opened and read once. Parquet is recognised by a
    ``.parquet`` name, or its ``PAR1`` magic in a file not named as JSONL; anything else is (gzipped) JSONL. Raises ``InputFileError`` for an
    unreadable file, or Parquet given as a stream (Parquet needs random access)."""
    file = check_input_file(path)
    name = str(path)
    if file.suffix == ".parquet" and not is_stream(path):
        from graphsc.sources.parquet import read_parquet

        return read_parquet(file)
    stream, head = _probed(path, 4)
    if head == PARQUET_MAGIC and is_stream(path):
        stream.close()
        raise InputFileError(
            name, "this looks like Parquet, which cannot be read from a pipe or stdin; give the file's path"
        )
    if head == PARQUET_MAGIC and file.suffix.lower() not in _JSONL_SUFFIXES:
        stream.close()
        from graphsc.sources.parquet import read_parquet

        return read_parquet(file)
    if head[:2] == GZIP_MAGIC:
        stream = gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[assignment]
    return _records(name, stream)


def _records(name: str, stream: BinaryIO) -> Iterator[RawRecord | BadInput]:
    """A JSONL stream's records, or a JSON array's items when its first non-blank byte is ``[``."""
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(cast(Any, stream))
    try:
        head = buffered.peek(_ARRAY_PROBE)[:_ARRAY_PROBE].lstrip(b" \t\r\n\xef\xbb\xbf")
    except STREAM_ERRORS as exc:
        buffered.close()
        return iter([_cut_short(name, 0, exc)])
    if buffered.peek(3)[:3] == _BOM:
        buffered.read(3)  # ijson refuses a byte order mark; the JSONL reader would skip it anyway
    named_jsonl = name.lower().removesuffix(".gz").endswith((".jsonl", ".ndjson"))
    if head[:1] == b"[" and not named_jsonl and not _jsonl_starting_with_an_array(head):
        return _array_items(name, buffered)
    if head.partition(b"\n")[0].strip() == b"{" and not named_jsonl:
        # A record printed over lines (``curl .../api/datasets/x | jq .``), or several one after another: no JSONL
        # line is a lone ``{``.
        return _array_items(name, buffered, documents=True)
    return _jsonl_lines(name, buffered)


def _jsonl_starting_with_an_array(head: bytes) -> bool:
    """Whether a stream starting with ``[`` is JSONL after all: its first line is a whole JSON value (a record that
    is not an object, to be reported) and more lines follow. A one-line array alone, or an array spread over lines,
    is an array."""
    first, newline, rest = head.partition(b"\n")
    if not newline or not rest.strip():
        return False
    try:
        orjson.loads(first)
    except orjson.JSONDecodeError:
        return False
    return True


_BOM = b"\xef\xbb\xbf"
_ARRAY_PROBE = 4096  # bytes peeked for the first non-blank one (a byte order mark and blank lines may come first)


def _array_items(name: str, stream: BinaryIO, *, documents: bool = False) -> Iterator[RawRecord | BadInput]:
    """The items of a JSON array (with ``documents``: the JSON values of a stream of them), streamed; a cut or
    invalid stream ends with a ``BadInput`` (items before it kept)."""
    import ijson

    index = 0
    prefix = "" if documents else "item"
    with stream:
        try:
            for index, item in enumerate(
                ijson.items(stream, prefix, use_float=True, multiple_values=documents), start=1
            ):
                yield RawRecord(name, index, item)
        except (ijson.JSONError, ValueError, *STREAM_ERRORS) as exc:
            yield BadInput.at_line(
                name,
                index + 1,
                f"the JSON {'stream' if documents else 'array'} is truncated or invalid after item {index}, the rest "
                "is unreadable "
                f"({type(exc).__name__}: {' '.join(str(exc).split())[:200]})",
                lost=0,
            )
