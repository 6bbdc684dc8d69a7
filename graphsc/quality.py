"""How good the graph's metadata is: what graphsc could not take as it stands, and what it had to infer.

A supply-chain graph is only as good as its metadata (the seed studies' "missing attributes"). ``quality_report``
reads the store once and counts, with examples:

- **rejected base values** — card ``base_model`` values (and ``base_model:`` tags) that are not Hub ids: local paths
  (``/data/m/Qwen2.5``, ``D:\\Model\\bloom``), malformed values, values that are not strings (``IdNote`` kinds
  ``local-path``, ``malformed``, ``wrong-type``); rejected dataset values likewise;
- **unconfirmed card bases** — ids a card declares that none of the Hub's ``base_model`` tags confirms (not edges);
- **renamed bases followed** — card bases that are the old id of a tagged base, and repos the Hub redirects;
- **ids merged by case** — spellings of one repo in other casing, merged into one node;
- **legacy ids resolved** — ``gpt2``-style ids renamed to their current id;
- **relations** — DERIVED_FROM edges by what decided their relation (``hub-tag``, ``card-relation``,
  ``inferred:<signal>``);
- **records skipped** — dump lines ``graphsc ingest snapshot`` could not use, by reason (kept per file, latest run);
- **models missing attributes** — fetched models with no license, no card, or lineage without any relation tag.
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graphsc.records import REJECTED_KINDS, SOURCE_HUB_TAG, IdNote
from graphsc.store.base import GraphStore

SKIPPED_STATE = "quality.skipped"
EXAMPLES = 5


@dataclass(slots=True)
class Tally:
    """A count and up to ``EXAMPLES`` examples (each a short dict of strings)."""

    count: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)

    def add(self, example: dict[str, Any], n: int = 1) -> None:
        self.count += n
        if len(self.examples) < EXAMPLES:
            self.examples.append(example)


@dataclass(slots=True)
class QualityReport:
    """Counts (with examples) of every data-quality finding; see the module docstring for each one."""

    models: int = 0
    fetched_models: int = 0
    rejected_bases: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    rejected_datasets: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    unconfirmed_bases: Tally = field(default_factory=Tally)
    renamed_bases: Tally = field(default_factory=Tally)
    redirected_ids: Tally = field(default_factory=Tally)
    case_merged_ids: Tally = field(default_factory=Tally)
    legacy_ids: Tally = field(default_factory=Tally)
    self_references: Tally = field(default_factory=Tally)
    relations_by_source: Counter[str] = field(default_factory=Counter)
    skipped_records: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    no_license: Tally = field(default_factory=Tally)
    no_card: Tally = field(default_factory=Tally)
    no_relation_tag: Tally = field(default_factory=Tally)


def _note_example(note: IdNote) -> dict[str, Any]:
    return {"model": note.model, "field": note.field, "value": note.value, "resolved": note.resolved}


def _add_note(report: QualityReport, note: IdNote) -> None:
    base_field = note.field.startswith("base_model")
    if note.kind in REJECTED_KINDS:
        (report.rejected_bases if base_field else report.rejected_datasets)[note.kind].add(_note_example(note))
    elif note.kind == "unconfirmed":
        report.unconfirmed_bases.add(_note_example(note))
    elif note.kind == "renamed":
        report.renamed_bases.add(_note_example(note))
    elif note.kind == "legacy":
        report.legacy_ids.add(_note_example(note))
    elif note.kind == "self-reference":
        report.self_references.add(_note_example(note))


def quality_report(store: GraphStore) -> QualityReport:
    """Read ``store`` once (models, DERIVED_FROM edges, id notes, aliases, skipped-record state) and count."""
    report = QualityReport()
    fetched_no_tag: dict[str, bool] = {}
    for page in store.iter_model_fields(("fetched", "license", "has_card")):
        for model_id, fetched, license_, has_card in page:
            report.models += 1
            if not fetched:
                continue
            report.fetched_models += 1
            if not license_:
                report.no_license.add({"model": model_id})
            if has_card is not None and not has_card:
                report.no_card.add({"model": model_id})
    for edges in store.iter_derived_from():
        for edge in edges:
            report.relations_by_source[edge.source] += 1
            tagged = edge.source == SOURCE_HUB_TAG
            fetched_no_tag[edge.child] = fetched_no_tag.get(edge.child, True) and not tagged
    for model_id, untagged in sorted(fetched_no_tag.items()):
        if untagged:
            report.no_relation_tag.add({"model": model_id})
    for notes in store.iter_notes():
        for note in notes:
            _add_note(report, note)
    for aliases in store.iter_aliases():
        for alias in aliases:
            tally = report.case_merged_ids if alias.kind == "case" else report.redirected_ids
            tally.add({"alias": alias.alias, "id": alias.id})
    for path, reasons in read_skipped(store).items():
        for reason, entry in reasons.items():
            tally = report.skipped_records[reason]
            tally.count += int(entry.get("count", 0))
            for line in entry.get("lines", [])[: EXAMPLES - len(tally.examples)]:
                tally.examples.append({"file": path, "line": line})
    return report


def read_skipped(store: GraphStore) -> dict[str, dict[str, dict[str, Any]]]:
    """``{file: {reason: {"count": n, "lines": [first line numbers]}}}`` as ``record_skipped`` stored it."""
    raw = store.get_state(SKIPPED_STATE)
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _absolute(path: str) -> str:
    """One spelling per file (``f.jsonl`` and ``/abs/f.jsonl`` are the same file)."""
    return os.path.abspath(path)


class SkippedLines:
    """Collects the lines an ingestion skipped, by file and reason category, for ``graphsc quality``."""

    def __init__(self) -> None:
        self.by_file: dict[str, dict[str, dict[str, Any]]] = {}

    def add(self, path: str, line: int, reason: str) -> None:
        path = _absolute(path)
        entry = self.by_file.setdefault(path, {}).setdefault(skip_category(reason), {"count": 0, "lines": []})
        entry["count"] += 1
        if len(entry["lines"]) < EXAMPLES:
            entry["lines"].append(line)

    def save(self, store: GraphStore, paths: Iterable[str]) -> None:
        """Store the skips of ``paths``, replacing what an earlier ingestion of the same files recorded."""
        data = read_skipped(store)
        for path in paths:
            data.pop(_absolute(path), None)
        data.update(self.by_file)
        store.set_state({SKIPPED_STATE: json.dumps(data, sort_keys=True)})


def skip_category(reason: str) -> str:
    """A short, stable category for a skip reason (its text up to the first ``(`` or ``:``, ids removed)."""
    for known in ("not valid JSON", "no model id", "not a Hub repo id", "expected a JSON object", "truncated"):
        if known in reason:
            return known
    return reason.split("(", 1)[0].split(":", 1)[0].strip()[:80] or "other"
