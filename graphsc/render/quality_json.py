"""``graphsc quality --format json``: the data-quality report as a document (schema ``graphsc.quality/1``)."""

from __future__ import annotations

from typing import Any

from graphsc.quality import QualityReport, Tally

SCHEMA = "graphsc.quality/1"


def _tally(t: Tally) -> dict[str, Any]:
    return {"count": t.count, "examples": t.examples}


def quality_document(report: QualityReport) -> dict[str, Any]:
    """The report as plain JSON-able data; README "graphsc quality" lists the fields."""
    return {
        "schema": SCHEMA,
        "models": report.models,
        "fetched_models": report.fetched_models,
        "rejected_bases": {k: _tally(v) for k, v in sorted(report.rejected_bases.items())},
        "rejected_datasets": {k: _tally(v) for k, v in sorted(report.rejected_datasets.items())},
        "unconfirmed_bases": _tally(report.unconfirmed_bases),
        "renamed_bases": _tally(report.renamed_bases),
        "redirected_ids": _tally(report.redirected_ids),
        "case_merged_ids": _tally(report.case_merged_ids),
        "legacy_ids": _tally(report.legacy_ids),
        "self_references": _tally(report.self_references),
        "relations_by_source": dict(sorted(report.relations_by_source.items())),
        "skipped_records": {k: _tally(v) for k, v in sorted(report.skipped_records.items())},
        "missing": {
            "license": _tally(report.no_license),
            "card": _tally(report.no_card),
            "relation_tag": _tally(report.no_relation_tag),
        },
    }
