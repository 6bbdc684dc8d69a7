"""``graphsc trends --format json``: the series as a document (schema ``graphsc.trends/1``; fields: docs/trends.md)."""

from __future__ import annotations

from typing import Any

from graphsc.reuse.trends import DOC_ATTRIBUTES, Bucket, Trends

SCHEMA = "graphsc.trends/1"
SHARE_DIGITS = 4  # shares are rounded to 4 decimals (0.3390 = 33.90%)


def share_value(n: int, total: int) -> float | None:
    """``n / total`` rounded to ``SHARE_DIGITS``, None when ``total`` is 0."""
    return round(n / total, SHARE_DIGITS) if total else None


def _bucket(bucket: Bucket, trends: Trends) -> dict[str, Any]:
    doc = bucket.documentation
    return {
        "bucket": bucket.label,
        "start": bucket.start,
        "models": bucket.models,
        "derivatives": {
            "total": bucket.derivatives,
            "by_relation": {r: bucket.by_relation[r] for r in trends.relations},
        },
        "licenses": {c: bucket.licenses[c] for c in trends.categories},
        "documentation": {
            "models": doc.models,
            **{a: {"count": doc.count(a), "share": share_value(doc.count(a), doc.models)} for a in DOC_ATTRIBUTES},
        },
    }


def trends_document(trends: Trends) -> dict[str, Any]:
    """The trends as plain JSON-able data."""
    return {
        "schema": SCHEMA,
        "scope": {"family": trends.family, "by": trends.by, "since": trends.since, "until": trends.until},
        "models": trends.models,
        "dated": trends.dated,
        "undated": trends.undated.models,
        "outside_range": trends.outside_range,
        "stubs": trends.stubs,
        "without_details": trends.without_details,
        "relations": list(trends.relations),
        "categories": list(trends.categories),
        "buckets": [_bucket(b, trends) for b in trends.buckets],
        "undated_bucket": _bucket(trends.undated, trends),
    }
