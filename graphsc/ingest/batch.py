"""Writing records to a store in batches, and what an ingestion reports: shared by every source."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from graphsc.errors import BadInput
from graphsc.records import DatasetRecord, GraphBatch, ModelRecord, SpaceRecord
from graphsc.store.base import GraphStore

DEFAULT_BATCH_SIZE = 50_000
MAX_KEPT_PROBLEMS = 1_000


@dataclass(slots=True)
class IngestReport:
    """What an ingestion wrote and what it skipped (the first ``MAX_KEPT_PROBLEMS`` problems are kept).

    ``skipped`` counts the records lost, exactly (a damaged Parquet row group counts its rows); ``problems_seen``
    counts every problem reported; ``cut_short`` the files whose rest could not be read (truncated, corrupt).
    """

    records: int = 0
    skipped: int = 0
    problems_seen: int = 0
    cut_short: int = 0
    problems: list[BadInput] = field(default_factory=list)
    seconds: float = 0.0
    quality: Counter[str] = field(default_factory=Counter)
    kinds_seen: Counter[str] = field(default_factory=Counter)  # what the raw records look like (snapshot ingest)

    def mistaken_kind(self, kind: str) -> tuple[str, int] | None:
        """``(other kind, records)`` when at least half the records read look like another kind of Hub record than
        ``kind`` (``graphsc.sources.record_kind``), else None."""
        read = sum(self.kinds_seen.values())
        others = [(n, k) for k, n in self.kinds_seen.items() if k not in (kind, "unknown")]
        if not others:
            return None
        count, other = max(others)
        return (other, count) if count * 2 >= read else None

    def note_record(self, record: ModelRecord | DatasetRecord | SpaceRecord) -> None:
        """Count what a model record's conversion noted (``IdNote`` kinds) and how many relations it inferred."""
        if not isinstance(record, ModelRecord):
            return
        for note in record.notes:
            self.quality[note.kind] += 1
        self.quality["inferred"] += sum(1 for e in record.derived_from if e.source.startswith("inferred:"))

    def note_problem(self, problem: BadInput) -> None:
        """Count a problem: the records it lost (``BadInput.lost``; 0 = the unread rest of a cut file)."""
        self.problems_seen += 1
        self.skipped += problem.lost
        self.quality["skipped"] += problem.lost
        if problem.lost == 0:
            self.cut_short += 1
        if len(self.problems) < MAX_KEPT_PROBLEMS:
            self.problems.append(problem)

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else 0.0


class BatchWriter:
    """Collects records and writes them to the store every ``batch_size`` records; ``flush`` writes the rest."""

    def __init__(
        self, store: GraphStore, batch_size: int = DEFAULT_BATCH_SIZE, on_written: Callable[[int], None] | None = None
    ) -> None:
        self._store = store
        self._batch_size = batch_size
        self._on_written = on_written
        self._batch = GraphBatch()
        self._pending = 0
        self.written = 0

    def add(self, record: ModelRecord | DatasetRecord | SpaceRecord) -> None:
        if isinstance(record, ModelRecord):
            self._batch.add(record)
        elif isinstance(record, DatasetRecord):
            self._batch.add_dataset(record)
        else:
            self._batch.add_space(record)
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
