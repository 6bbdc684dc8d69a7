"""``graphsc quality``: the data-quality report as terminal tables (findings with examples, edges by source)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from graphsc.quality import QualityReport, Tally
from graphsc.render.labels import counted
from graphsc.render.text import visible


def _example_text(example: dict[str, Any]) -> str:
    return visible(_example(example))


def _example(example: dict[str, Any]) -> str:
    if "file" in example:
        return f"{example['file']}:{example['line']}"
    if "alias" in example:
        return f"{example['alias']} → {example['id']}"
    if "value" in example:
        resolved = (
            f" → {example['resolved']}" if example.get("resolved") and example["resolved"] != example["value"] else ""
        )
        return f"{example['model']}: {example['value']}{resolved}"
    return str(example.get("model", ""))


def render_quality(report: QualityReport, console: Console) -> None:
    """Print the report: one row per finding with its count and first examples; data is printed literally."""
    table = Table(
        title=f"Data quality of {counted(report.fetched_models, 'fetched model')} ({report.models:,} in the graph)",
        title_justify="left",
        show_lines=False,
    )
    table.add_column("finding")
    table.add_column("count", justify="right")
    table.add_column("examples", overflow="fold")
    rows: list[tuple[str, Tally]] = [
        *((f"rejected base: {kind}", t) for kind, t in sorted(report.rejected_bases.items())),
        *((f"rejected dataset: {kind}", t) for kind, t in sorted(report.rejected_datasets.items())),
        ("unconfirmed card bases (not edges)", report.unconfirmed_bases),
        ("renamed bases followed", report.renamed_bases),
        ("ids the Hub redirects (renamed repos)", report.redirected_ids),
        ("ids merged by case", report.case_merged_ids),
        ("legacy ids resolved", report.legacy_ids),
        ("self-references ignored", report.self_references),
        *((f"records skipped: {reason}", t) for reason, t in sorted(report.skipped_records.items())),
        ("models with no license", report.no_license),
        ("models with no card", report.no_card),
        ("lineage without a relation tag", report.no_relation_tag),
    ]
    for label, tally in rows:
        table.add_row(
            Text(label), Text(f"{tally.count:,}"), Text("\n".join(_example_text(e) for e in tally.examples[:3]))
        )
    console.print(table)
    relations = Table(title="Lineage edges by what decided the relation", title_justify="left")
    relations.add_column("source")
    relations.add_column("edges", justify="right")
    for source, n in sorted(report.relations_by_source.items(), key=lambda kv: (-kv[1], kv[0])):
        relations.add_row(Text(visible(source)), Text(f"{n:,}"))
    console.print(relations)


# What an ingest's data-quality counts (``IdNote`` kinds, skipped records) are called, singular and plural.
_SUMMARY_NOUNS: dict[str, tuple[str, str]] = {
    "unconfirmed": ("unconfirmed card base", "unconfirmed card bases"),
    "local-path": ("local path rejected", "local paths rejected"),
    "malformed": ("malformed id rejected", "malformed ids rejected"),
    "wrong-type": ("value of the wrong type ignored", "values of the wrong type ignored"),
    "legacy": ("legacy id resolved", "legacy ids resolved"),
    "renamed": ("renamed base followed", "renamed bases followed"),
    "self-reference": ("self-reference", "self-references"),
    "inferred": ("relation inferred", "relations inferred"),
    "skipped": ("record skipped", "records skipped"),
}


def quality_summary_line(counts: Mapping[str, int]) -> str:
    """One line of an ingest's data-quality counts (``IngestReport.quality``), or '' when there is nothing to say."""
    parts = [counted(counts[k], *nouns) for k, nouns in _SUMMARY_NOUNS.items() if counts.get(k)]
    return ("Data quality: " + ", ".join(parts) + " (graphsc quality for details).") if parts else ""
