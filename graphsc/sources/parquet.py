"""Stream Hub model records out of Parquet dumps (e.g. the ``cfahlgren1/hub-stats`` models.parquet), one
row group at a time. Needs pyarrow (``pip install 'graphsc[parquet]'``).

Rows carry the Hub API's model fields as columns; ``tags`` is a list column; ``cardData`` may be a struct or a
JSON string (dumps differ); timestamps may be Parquet timestamps. Each row becomes the same dict the JSONL
reader yields, so conversion downstream is shared. ``line`` in a ``BadLine`` is the 1-based row number.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graphsc.errors import InputFileError
from graphsc.sources.snapshot import BadLine, RawRecord

_JSON_COLUMNS = ("cardData", "card_data", "safetensors", "config")
_BATCH_ROWS = 20_000


def _hub_time(value: datetime) -> str:
    """A timestamp as the Hub API writes it: UTC with milliseconds, e.g. ``2025-01-20T03:46:07.000Z``."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    for key, value in row.items():
        if isinstance(value, datetime):
            row[key] = _hub_time(value)
    for key in _JSON_COLUMNS:
        value = row.get(key)
        if isinstance(value, str):
            row[key] = json.loads(value) if value.strip() else None
    return row


def read_parquet(path: Path) -> Iterator[RawRecord | BadLine]:
    """Yield each row of a Parquet file as a record dict, reading one batch of rows at a time."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputFileError(str(path), "reading Parquet needs pyarrow; install it with: pip install 'graphsc[parquet]'") from None
    name = str(path)
    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid / OSError subclasses for unreadable files
        raise InputFileError(name, f"not a readable Parquet file ({exc})") from None
    row_no = 0
    try:
        for batch in parquet.iter_batches(batch_size=_BATCH_ROWS):
            for row in batch.to_pylist():
                row_no += 1
                try:
                    yield RawRecord(name, row_no, _plain(row))
                except json.JSONDecodeError as exc:
                    yield BadLine(name, row_no, f"invalid JSON in a JSON column ({exc.msg})")
                except (ValueError, RecursionError) as exc:  # a number too long to read, nesting too deep
                    yield BadLine(name, row_no, f"unreadable JSON in a JSON column ({type(exc).__name__}: {exc})")
    except OSError as exc:
        yield BadLine(name, row_no + 1, f"file is truncated or corrupt ({exc})")
