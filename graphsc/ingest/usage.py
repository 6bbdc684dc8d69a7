"""Repository → model usage into a store: Repo nodes with their licenses, USES edges, and unfetched model stubs.

One writer for every usage source that names GitHub repositories (PeaTMOSS, usage files): rows are collected
(legacy model ids such as ``gpt2`` resolved to their current ids with the shipped table, the ones it does not know
kept as they are, both reported), then written in batches. Re-importing is idempotent.

``ingest_usage_file`` imports a usage file (``graphsc ingest usage``); ``graphsc.ingest.peatmoss`` the PeaTMOSS
preset.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from graphsc.errors import BadInput
from graphsc.ingest.batch import MAX_KEPT_PROBLEMS
from graphsc.records import SOURCE_USAGE_FILE, USER_REPO, GraphBatch, Model, Repo, Uses, utc_timestamp
from graphsc.sources.legacy_ids import is_legacy_id, resolve_model_id
from graphsc.sources.repo_license import normalize_repo_license
from graphsc.sources.usage_file import UsageLicenses, read_usage_file, read_usage_licenses
from graphsc.store.base import GraphStore

DEFAULT_BATCH_SIZE = 5_000


class Usage(Protocol):
    """One usage row of any source: GitHub repository ``repo`` uses model ``model`` (as the source spells it),
    whose card declared ``model_license`` (None when the source does not say); ``evidence`` says where."""

    @property
    def repo(self) -> str: ...

    @property
    def model(self) -> str: ...

    @property
    def model_license(self) -> str | None: ...

    @property
    def evidence(self) -> str: ...


@dataclass(slots=True)
class UsageReport:
    """What a usage import read and wrote."""

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
    license_problems: int = 0  # entries of a licenses file not usable (each reported; the rest is used)
    problems: list[BadInput] = field(default_factory=list)
    seconds: float = 0.0

    def add_problem(self, problem: BadInput, on_problem: Callable[[BadInput], None] | None) -> None:
        """Count and keep (the first ``MAX_KEPT_PROBLEMS``) an unusable row, or a file cut short."""
        self.skipped += problem.lost
        self.cut_short += problem.lost == 0
        self._keep(problem, on_problem)

    def add_license_problem(self, problem: BadInput, on_problem: Callable[[BadInput], None] | None) -> None:
        """Count and keep an unusable entry of a licenses file, or the file cut short."""
        self.license_problems += problem.lost > 0
        self.cut_short += problem.lost == 0
        self._keep(problem, on_problem)

    def _keep(self, problem: BadInput, on_problem: Callable[[BadInput], None] | None) -> None:
        if len(self.problems) < MAX_KEPT_PROBLEMS:
            self.problems.append(problem)
        if on_problem is not None:
            on_problem(problem)


@dataclass(slots=True)
class CollectedUsages:
    """The usages read, before they are written: each (repository, current model id) once, with its evidence."""

    uses: dict[tuple[str, str], str] = field(default_factory=dict)  # (repo, model) → evidence
    model_license: dict[str, str] = field(default_factory=dict)


def collect_usages(
    sources: Iterable[Iterable[Usage | BadInput]],
    report: UsageReport,
    on_problem: Callable[[BadInput], None] | None = None,
) -> CollectedUsages:
    """Read every row of ``sources``: usages collected (legacy ids resolved, each rename or unknown legacy id
    recorded in ``report``), problems counted into ``report`` and passed to ``on_problem``. Writes nothing, so an
    ``InputFileError`` a source raises leaves the store as it was."""
    collected = CollectedUsages()
    for rows in sources:
        for item in rows:
            if isinstance(item, BadInput):
                report.add_problem(item, on_problem)
                continue
            report.rows += 1
            _collect(item, collected, report)
    return collected


def _collect(usage: Usage, collected: CollectedUsages, report: UsageReport) -> None:
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


def write_usages(
    store: GraphStore,
    collected: CollectedUsages,
    license_of: Callable[[str], Sequence[str] | None],
    *,
    source: str,
    report: UsageReport,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> None:
    """Write the repositories (license normalised from ``license_of(repo)``), unfetched model stubs and USES edges
    (``source``) in batches of ``batch_size``; count into ``report`` what was written and how many usages reach a
    fetched model."""
    fetched_at = utc_timestamp()
    pairs = sorted(collected.uses)
    repos = sorted({repo for repo, _ in pairs})
    models = sorted({model for _, model in pairs})
    batch = GraphBatch()
    for repo in repos:
        license_id, raw = normalize_repo_license(license_of(repo))
        report.licensed_repos += license_id is not None
        batch.repos.append(Repo(repo, license_id, raw, fetched_at=fetched_at))
    for model in models:
        batch.models.append(Model(model, license=collected.model_license.get(model), fetched=False))
    for repo, model in pairs:
        batch.uses.append(Uses(repo, USER_REPO, model, source, collected.uses[(repo, model)], fetched_at))
        if len(batch) >= batch_size:
            store.write(batch)
            batch = GraphBatch()
    if len(batch):
        store.write(batch)
    report.usages, report.repos, report.models = len(pairs), len(repos), len(models)
    fetched = {m.id for m in store.models(models).values() if m.fetched}
    report.usages_to_fetched = sum(1 for _, model in pairs if model in fetched)


def ingest_usage_file(
    store: GraphStore,
    path: Path,
    licenses: Path | None = None,
    *,
    repo_column: str | None = None,
    model_column: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_problem: Callable[[BadInput], None] | None = None,
) -> UsageReport:
    """Import a usage file (JSON object or CSV/TSV, see ``graphsc.sources.usage_file``) with the repositories'
    licenses from ``licenses``. USES edges get the source ``usage-file`` and the file (and line) as evidence.

    Unusable rows and license entries are reported through ``on_problem`` and skipped; a truncated or corrupt
    file keeps what was read before the damage. Raises ``InputFileError`` for a file that cannot be opened or
    has no accepted shape, before anything is written (the licenses file is read first; its problems are
    reported after the usage file's)."""
    started = time.perf_counter()
    report = UsageReport()
    repo_licenses = read_usage_licenses(licenses) if licenses is not None else UsageLicenses()
    rows = read_usage_file(path, repo_column=repo_column, model_column=model_column)
    collected = collect_usages([rows], report, on_problem)
    for problem in repo_licenses.problems:
        report.add_license_problem(problem, on_problem)
    write_usages(store, collected, repo_licenses.of, source=SOURCE_USAGE_FILE, report=report, batch_size=batch_size)
    report.seconds = time.perf_counter() - started
    return report
