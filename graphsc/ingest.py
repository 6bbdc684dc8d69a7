"""Records into a store, in batches: the part of ingestion every source shares."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from graphsc.errors import MalformedRecordError
from graphsc.records import GraphBatch, ModelRecord
from graphsc.sources.hub_records import RecordError, model_record_from_hub
from graphsc.sources.snapshot import BadLine, check_snapshot, read_snapshot
from graphsc.store.base import GraphStore

DEFAULT_BATCH_SIZE = 50_000
MAX_KEPT_PROBLEMS = 1_000


def utc_now() -> str:
    """The current time as an ISO 8601 UTC string, as stored in ``fetched_at``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(slots=True)
class IngestReport:
    """What an ingestion wrote and what it skipped (the first ``MAX_KEPT_PROBLEMS`` problems are kept)."""

    records: int = 0
    skipped: int = 0
    problems: list[BadLine] = field(default_factory=list)
    seconds: float = 0.0

    def note_problem(self, problem: BadLine) -> None:
        self.skipped += 1
        if len(self.problems) < MAX_KEPT_PROBLEMS:
            self.problems.append(problem)

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else 0.0


class BatchWriter:
    """Collects records and writes them to the store every ``batch_size`` records; ``flush`` writes the rest."""

    def __init__(self, store: GraphStore, batch_size: int = DEFAULT_BATCH_SIZE,
                 on_written: Callable[[int], None] | None = None) -> None:
        self._store = store
        self._batch_size = batch_size
        self._on_written = on_written
        self._batch = GraphBatch()
        self._pending = 0
        self.written = 0

    def add(self, record: ModelRecord) -> None:
        self._batch.add(record)
        self._pending += 1
        if self._pending >= self._batch_size:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        self._store.write(self._batch)
        self.written += self._pending
        if self._on_written is not None:
            self._on_written(self._pending)
        self._batch = GraphBatch()
        self._pending = 0


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

    Malformed lines are reported through ``on_problem`` and skipped; with ``strict`` the first one raises
    ``MalformedRecordError`` after everything before it has been written. An interruption loses at most the
    batch in flight; re-running is idempotent.
    """
    report = IngestReport()
    started = time.perf_counter()
    writer = BatchWriter(store, batch_size, on_written)
    fetched_at = utc_now()
    for path in paths:
        check_snapshot(path)
    try:
        for item in converted_records(paths, fetched_at):
            if isinstance(item, BadLine):
                if strict:
                    writer.flush()
                    raise MalformedRecordError(item.path, item.line, item.reason)
                report.note_problem(item)
                if on_problem is not None:
                    on_problem(item)
                continue
            writer.add(item)
        writer.flush()
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
