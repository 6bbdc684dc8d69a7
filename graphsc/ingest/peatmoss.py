"""PeaTMOSS usage data into a store: Repo nodes, USES edges, and model stubs that keep the declared license.

Legacy model ids (``gpt2``) are resolved to their current ids (``openai-community/gpt2``) with the shipped
table; the ones it does not know are kept as they are and reported. Re-importing is idempotent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from graphsc.errors import BadInput
from graphsc.ingest.batch import MAX_KEPT_PROBLEMS
from graphsc.records import SOURCE_PEATMOSS, USER_REPO, GraphBatch, Model, Repo, Uses, utc_timestamp
from graphsc.sources.legacy_ids import is_legacy_id, resolve_model_id
from graphsc.sources.peatmoss import PeatmossUsage, read_mapping, read_peatmoss_db, read_repo_licenses
from graphsc.sources.repo_license import normalize_repo_license
from graphsc.store.base import GraphStore

DEFAULT_BATCH_SIZE = 5_000


@dataclass(slots=True)
class PeatmossReport:
    """What a PeaTMOSS import read and wrote."""

    rows: int = 0
    usages: int = 0
    repos: int = 0
    models: int = 0
    licensed_repos: int = 0
    legacy_resolved: dict[str, str] = field(default_factory=dict)
    legacy_unresolved: list[str] = field(default_factory=list)
    usages_to_fetched: int = 0  # usages whose model is a fetched model in the store (not just a stub)
    skipped: int = 0  # rows not usable (each reported)
    cut_short: int = 0  # files whose rest could not be read (truncated or corrupt; rows before it are kept)
    problems: list[BadInput] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(slots=True)
class _Collected:
    uses: dict[tuple[str, str], str] = field(default_factory=dict)  # (repo, model) → evidence
    model_license: dict[str, str] = field(default_factory=dict)


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
    collected = _Collected()
    sources: list[Iterable[PeatmossUsage | BadInput]] = []
    if mapping is not None:
        sources.append(read_mapping(mapping))
    if database is not None:
        sources.append(read_peatmoss_db(database))
    repo_licenses = read_repo_licenses(licenses) if licenses is not None else {}
    for rows in sources:
        for item in rows:
            if isinstance(item, BadInput):
                report.skipped += item.lost
                report.cut_short += item.lost == 0
                if len(report.problems) < MAX_KEPT_PROBLEMS:
                    report.problems.append(item)
                if on_problem is not None:
                    on_problem(item)
                continue
            report.rows += 1
            _collect(item, collected, report)
    _write(store, collected, repo_licenses, report, batch_size)
    report.seconds = time.perf_counter() - started
    return report


def _collect(usage: PeatmossUsage, collected: _Collected, report: PeatmossReport) -> None:
    model = usage.model
    if is_legacy_id(model):
        resolved = resolve_model_id(model)
        if resolved != model:
            report.legacy_resolved[model] = resolved
        elif model not in report.legacy_unresolved:
            report.legacy_unresolved.append(model)
        model = resolved
    evidence = usage.evidence if model == usage.model else f"{usage.evidence} (as {usage.model})"
    collected.uses.setdefault((usage.repo, model), evidence)
    if usage.model_license:
        collected.model_license.setdefault(model, usage.model_license)


def _write(
    store: GraphStore,
    collected: _Collected,
    repo_licenses: dict[str, list[str]],
    report: PeatmossReport,
    batch_size: int,
) -> None:
    fetched_at = utc_timestamp()
    pairs = sorted(collected.uses)
    repos = sorted({repo for repo, _ in pairs})
    models = sorted({model for _, model in pairs})
    batch = GraphBatch()
    for repo in repos:
        license_id, raw = normalize_repo_license(repo_licenses.get(repo))
        report.licensed_repos += license_id is not None
        batch.repos.append(Repo(repo, license_id, raw, fetched_at=fetched_at))
    for model in models:
        batch.models.append(Model(model, license=collected.model_license.get(model), fetched=False))
    for repo, model in pairs:
        batch.uses.append(Uses(repo, USER_REPO, model, SOURCE_PEATMOSS, collected.uses[(repo, model)], fetched_at))
        if len(batch) >= batch_size:
            store.write(batch)
            batch = GraphBatch()
    if len(batch):
        store.write(batch)
    report.usages, report.repos, report.models = len(pairs), len(repos), len(models)
    fetched = {m.id for m in store.models(models).values() if m.fetched}
    report.usages_to_fetched = sum(1 for _, model in pairs if model in fetched)
