"""``graphsc ingest snapshot``: Hub model records from dump files (JSONL, gzipped JSONL, Parquet) into a store."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence

from graphsc.bulk import frozen_gc
from graphsc.errors import MalformedRecordError
from graphsc.ingest.batch import DEFAULT_BATCH_SIZE, BatchWriter, IngestReport
from graphsc.quality import SkippedLines
from graphsc.records import ModelRecord, utc_timestamp
from graphsc.sources.hub_records import RecordError, model_record_from_hub
from graphsc.sources.snapshot import BadLine, check_input_file, read_snapshot
from graphsc.store.base import GraphStore


def ingest_snapshot(
    store: GraphStore,
    paths: Sequence[str],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    strict: bool = False,
    on_written: Callable[[int], None] | None = None,
    on_problem: Callable[[BadLine], None] | None = None,
) -> IngestReport:
    """Stream Hub model records from dump files into ``store``.

    Malformed lines are reported through ``on_problem`` and skipped (and recorded per file for ``graphsc quality``);
    with ``strict`` the first one raises ``MalformedRecordError`` after everything before it has been written.
    ``IngestReport.quality`` counts what the records' conversion noted (``graphsc.quality.quality_summary_line``).
    An interruption loses at most the batch in flight; re-running is idempotent.
    """
    report = IngestReport()
    started = time.perf_counter()
    writer = BatchWriter(store, batch_size, on_written)
    fetched_at = utc_timestamp()
    skipped = SkippedLines()
    for path in paths:
        check_input_file(path)
    try:
        # Records are acyclic tuples that reference counting frees once their batch is written; the cyclic GC would
        # only rescan the growing batch (a third of a 200,000-record ingest, measured).
        with frozen_gc():
            for item in converted_records(paths, fetched_at):
                if isinstance(item, BadLine):
                    if strict:
                        writer.flush()
                        raise MalformedRecordError(item.path, item.line, item.reason)
                    report.note_problem(item)
                    for row in range(item.line, item.line + max(item.lost, 1)):  # every lost row, counted exactly
                        skipped.add(item.path, row, item.reason)
                    if on_problem is not None:
                        on_problem(item)
                    continue
                report.note_record(item)
                writer.add(item)
            writer.flush()
        skipped.save(store, paths)
    finally:
        report.records = writer.written
        report.seconds = time.perf_counter() - started
    return report


def converted_records(paths: Sequence[str], fetched_at: str) -> Iterator[ModelRecord | BadLine]:
    """Every record of the files, converted, or a ``BadLine`` where one can't be."""
    for path in paths:
        for item in read_snapshot(path):
            if isinstance(item, BadLine):
                yield item
                continue
            try:
                yield model_record_from_hub(item.data, fetched_at)
            except RecordError as exc:
                yield BadLine(item.path, item.line, str(exc))
