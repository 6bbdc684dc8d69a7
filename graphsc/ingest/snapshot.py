"""``graphsc ingest snapshot``: Hub model, dataset or Space records from dump files (JSONL, a JSON array, either
gzipped, or Parquet) into a store."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from graphsc.bulk import frozen_gc
from graphsc.errors import BadInput, BadInputError
from graphsc.ingest.batch import DEFAULT_BATCH_SIZE, BatchWriter, IngestReport
from graphsc.quality import SkippedLines
from graphsc.records import DatasetRecord, ModelRecord, SpaceRecord, utc_timestamp
from graphsc.sources.hub_datasets import dataset_record_from_hub
from graphsc.sources.hub_records import model_record_from_hub
from graphsc.sources.hub_spaces import space_record_from_hub
from graphsc.sources.record_kind import RecordKind, record_kind
from graphsc.sources.snapshot import check_input_file, read_snapshot
from graphsc.store.base import GraphStore

STRICT_HINT = "Fix or remove the line, or run without --strict to skip malformed records."
RECORD_KINDS: tuple[RecordKind, ...] = ("models", "datasets", "spaces")
HubRecord = ModelRecord | DatasetRecord | SpaceRecord
# How each kind of Hub record (``GET /api/models|datasets|spaces/{id}``) becomes graphsc records.
CONVERTERS: dict[str, Callable[[Any, str | None], HubRecord]] = {
    "models": model_record_from_hub,
    "datasets": dataset_record_from_hub,
    "spaces": space_record_from_hub,
}


def ingest_snapshot(
    store: GraphStore,
    paths: Sequence[str],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    strict: bool = False,
    kind: RecordKind = "models",
    on_written: Callable[[int], None] | None = None,
    on_problem: Callable[[BadInput], None] | None = None,
) -> IngestReport:
    """Stream Hub records of ``kind`` (``models``, ``datasets`` or ``spaces``) from dump files into ``store``.

    Malformed lines are reported through ``on_problem`` and skipped (and recorded per file for ``graphsc quality``);
    with ``strict`` the first one raises ``BadInputError`` after everything before it has been written.
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
            for item in converted_records(paths, fetched_at, kind, report.kinds_seen):
                if isinstance(item, BadInput):
                    if strict:
                        writer.flush()
                        raise BadInputError(item, STRICT_HINT)
                    report.note_problem(item)
                    path, first = item.path or "?", item.line or 0  # a file's problems always have both
                    for row in range(first, first + max(item.lost, 1)):  # every lost row, counted exactly
                        skipped.add(path, row, item.reason)
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


def converted_records(
    paths: Sequence[str], fetched_at: str, kind: RecordKind = "models", kinds_seen: Counter[str] | None = None
) -> Iterator[HubRecord | BadInput]:
    """Every record of the files, converted as ``kind``, or a ``BadInput`` where one can't be; ``kinds_seen``
    counts the kinds the raw records look like (``graphsc.sources.record_kind``)."""
    convert = CONVERTERS[kind]
    for path in paths:
        for item in read_snapshot(path):
            if isinstance(item, BadInput):
                yield item
                continue
            if kinds_seen is not None:
                kinds_seen[record_kind(item.data) or "unknown"] += 1
            try:
                yield convert(item.data, fetched_at)
            except BadInputError as exc:
                yield BadInput.at_line(item.path, item.line, exc.reason)
