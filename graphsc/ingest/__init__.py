"""Ingestion: sources' records into a store. One module per source; ``batch`` holds what they share.

``graphsc.ingest.hub`` (live Hub crawl), ``.github`` and ``.peatmoss`` import their clients lazily through these
modules, so only the light snapshot path is re-exported here.
"""

from graphsc.ingest.batch import DEFAULT_BATCH_SIZE, MAX_KEPT_PROBLEMS, BatchWriter, IngestReport
from graphsc.ingest.snapshot import converted_records, ingest_snapshot

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "MAX_KEPT_PROBLEMS",
    "BatchWriter",
    "IngestReport",
    "converted_records",
    "ingest_snapshot",
]
