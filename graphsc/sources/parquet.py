"""Stream Hub model records out of Parquet dumps (e.g. the ``cfahlgren1/hub-stats`` models.parquet), one
row group at a time. Needs pyarrow (``pip install 'graphsc[parquet]'``, or ``pip install pyarrow``).

A damaged row group (bad pages, bad compression) is one ``BadInput`` whose ``lost`` is the exact number of its rows
not read; the row groups after it are still read.

Rows carry the Hub API's model fields as columns; ``tags`` is a list column; ``cardData`` may be a struct or a
JSON string (dumps differ); timestamps may be Parquet timestamps. Each row becomes the same dict the JSONL
reader yields, so conversion downstream is shared. ``line`` in a ``BadInput`` is the 1-based row number.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from graphsc.errors import BadInput, InputFileError
from graphsc.records import utc_timestamp
from graphsc.sources.snapshot import RawRecord

_JSON_COLUMNS = ("cardData", "card_data", "safetensors", "config")
_BATCH_ROWS = 20_000
PYARROW_HINT = (
    "reading Parquet needs pyarrow; install it with: pip install 'graphsc[parquet]' (or: pip install pyarrow)"
)


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    for key, value in row.items():
        if isinstance(value, datetime):
            row[key] = utc_timestamp(value, milliseconds=True)
    for key in _JSON_COLUMNS:
        value = row.get(key)
        if isinstance(value, str):
            row[key] = json.loads(value) if value.strip() else None
    return row


def _one_line(exc: BaseException) -> str:
    """An exception's message on one line (pyarrow's messages span several)."""
    return " ".join(str(exc).split())


def read_parquet(path: Path) -> Iterator[RawRecord | BadInput]:
    """Yield each row of a Parquet file as a record dict (``line`` is the 1-based row number), reading one batch of
    one row group at a time. A row group that cannot be decoded becomes one ``BadInput`` at its first unread row
    with ``lost`` = its unread rows, and reading goes on with the next group.

    Raises ``InputFileError`` when pyarrow is missing or the file is not Parquet (no readable footer/schema)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputFileError(str(path), PYARROW_HINT) from None
    name = str(path)
    try:
        parquet = pq.ParquetFile(path)
        groups = [parquet.metadata.row_group(i).num_rows for i in range(parquet.num_row_groups)]
    except Exception as exc:  # noqa: BLE001 - pyarrow raises ArrowInvalid / OSError / others for unreadable files
        raise InputFileError(name, f"not a readable Parquet file ({type(exc).__name__}: {_one_line(exc)})") from None
    decode_errors = (OSError, ValueError, pa.ArrowException, EOFError, IndexError, KeyError, TypeError, MemoryError)
    first_row = 0  # rows before the current group
    with parquet:
        for index, rows in enumerate(groups):
            read = 0
            batches = parquet.iter_batches(batch_size=_BATCH_ROWS, row_groups=[index])
            while True:
                try:
                    batch = next(batches, None)
                    plain_rows = batch.to_pylist() if batch is not None else None
                except decode_errors as exc:
                    lost = max(rows - read, 0)
                    yield BadInput.at_line(
                        name,
                        first_row + read + 1,
                        f"row group {index + 1} of {len(groups)} is damaged, rows {first_row + read + 1:,}–"
                        f"{first_row + rows:,} ({lost:,}) not read ({type(exc).__name__}: {_one_line(exc)})",
                        lost=lost,
                    )
                    break
                if plain_rows is None:
                    break
                for row in plain_rows:
                    read += 1
                    row_no = first_row + read
                    try:
                        yield RawRecord(name, row_no, _plain(row))
                    except json.JSONDecodeError as exc:
                        yield BadInput.at_line(name, row_no, f"invalid JSON in a JSON column ({exc.msg})")
                    except (ValueError, RecursionError) as exc:  # a number too long to read, nesting too deep
                        yield BadInput.at_line(
                            name, row_no, f"unreadable JSON in a JSON column ({type(exc).__name__}: {exc})"
                        )
            first_row += rows
