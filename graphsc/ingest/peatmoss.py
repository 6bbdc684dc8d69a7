"""PeaTMOSS usage data into a store: Repo nodes, USES edges, and model stubs that keep the declared license.

The PeaTMOSS preset of the usage import: its readers (``graphsc.sources.peatmoss``) feed the writer every usage
source shares (``graphsc.ingest.usage``), which resolves legacy model ids (``gpt2`` → ``openai-community/gpt2``)
with the shipped table and reports the ones it does not know (kept as they are). Re-importing is idempotent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from graphsc.errors import BadInput
from graphsc.ingest.usage import DEFAULT_BATCH_SIZE, Usage, UsageReport, collect_usages, write_usages
from graphsc.records import SOURCE_PEATMOSS
from graphsc.sources.peatmoss import read_mapping, read_peatmoss_db, read_repo_licenses
from graphsc.store.base import GraphStore

__all__ = ["DEFAULT_BATCH_SIZE", "PeatmossReport", "ingest_peatmoss"]

PeatmossReport = UsageReport  # what a PeaTMOSS import read and wrote: the report of every usage import


def ingest_peatmoss(
    store: GraphStore,
    mapping: Path | None,
    licenses: Path | None = None,
    database: Path | None = None,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_problem: Callable[[BadInput], None] | None = None,
) -> PeatmossReport:
    """Import PeaTMOSS usages from the mapping CSV and/or the SQLite database, with repository licenses.

    Unusable rows are reported through ``on_problem`` and skipped; a truncated or corrupt file keeps the rows read
    before the damage. Raises ``InputFileError`` for a file that cannot be opened or read at all (the licenses
    file is checked before anything is written)."""
    started = time.perf_counter()
    report = PeatmossReport()
    sources: list[Iterable[Usage | BadInput]] = []
    if mapping is not None:
        sources.append(read_mapping(mapping))
    if database is not None:
        sources.append(read_peatmoss_db(database))
    repo_licenses = read_repo_licenses(licenses) if licenses is not None else {}
    collected = collect_usages(sources, report, on_problem)
    write_usages(store, collected, repo_licenses.get, source=SOURCE_PEATMOSS, report=report, batch_size=batch_size)
    report.seconds = time.perf_counter() - started
    return report
