"""``graphsc audit --format json``: a model's audit or the whole graph's, as a document (schema ``graphsc.audit/1``).

docs/audit.md lists every field. Both documents carry ``schema``, ``scope`` (``model`` or ``graph``) and the
``weights`` the scores were computed with.
"""

from __future__ import annotations

from typing import Any

from graphsc.records import EvalResult
from graphsc.reuse.audit import AuditRow, GraphAudit, GroupStats, ModelAudit, summary_texts
from graphsc.reuse.completeness import ATTRIBUTES, WEIGHTS
from graphsc.reuse.performance import FLAGS, Comparison

SCHEMA = "graphsc.audit/1"
_SHARE_DIGITS = 4


def _share(n: int, total: int) -> float | None:
    return round(n / total, _SHARE_DIGITS) if total else None


def _row(row: AuditRow) -> dict[str, Any]:
    c = row.completeness
    return {
        "model": row.model,
        "distance": row.distance,
        "fetched": c is not None,
        "score": c.score if c else None,
        "present": list(c.present) if c else [],
        "missing": list(c.missing) if c else [],
        "details": dict(c.details) if c else {},
        "weight_files": c.weight_files if c else None,
    }


def _result(r: EvalResult) -> dict[str, Any]:
    return {
        "position": r.position,
        "task": r.task,
        "dataset": r.dataset,
        "dataset_name": r.dataset_name,
        "metric": r.metric,
        "metric_name": r.metric_name,
        "value": r.value,
        "value_text": r.value_text,
        "verified": r.verified,
        "source_name": r.source_name,
        "source_url": r.source_url,
    }


def _comparison(c: Comparison) -> dict[str, Any]:
    return {
        "dataset": c.result.dataset,
        "metric": c.result.metric,
        "position": c.result.position,
        "value": c.result.value,
        "value_text": c.result.value_text,
        "ancestor": c.ancestor,
        "distance": c.distance,
        "ancestor_position": c.base_result.position,
        "ancestor_value": c.base_result.value,
        "ancestor_value_text": c.base_result.value_text,
        "ancestor_source_name": c.base_result.source_name,
        "ancestor_source_url": c.base_result.source_url,
        "difference": c.difference,
    }


def model_audit_document(audit: ModelAudit) -> dict[str, Any]:
    """One model's audit: its row, its ancestors' rows, the per-attribute summaries and its claimed performance."""
    perf = audit.performance
    return {
        "schema": SCHEMA,
        "scope": "model",
        "model": audit.model,
        "known_as": audit.stub_known_as,
        "weights": dict(WEIGHTS),
        "rows": [_row(r) for r in audit.rows],
        "ancestors": {
            "count": len(audit.ancestors),
            "fetched": len(audit.ancestors) - audit.ancestors_not_fetched,
            "not_fetched": audit.ancestors_not_fetched,
            "missing": {s.attribute: s.missing for s in audit.summaries},
            "summaries": summary_texts(audit.summaries),
        },
        "performance": {
            "claimed": [{**_result(c.result), "flags": list(c.flags)} for c in perf.claimed],
            "flagged": {flag: perf.flagged(flag) for flag in FLAGS},
            "comparisons": [_comparison(c) for c in perf.comparisons],
            "ancestor_results": dict(perf.ancestor_results),
        },
    }


def _group(g: GroupStats) -> dict[str, Any]:
    return {
        "name": g.name,
        "models": g.models,
        "mean_score": round(g.mean_score, 2) if g.mean_score is not None else None,
        "attributes": {a: g.with_attribute[a] for a in ATTRIBUTES},
        "no_weight_files": g.no_weight_files,
    }


def graph_audit_document(audit: GraphAudit) -> dict[str, Any]:
    """The whole graph's audit: shares per attribute, the score distribution, and the groups."""
    overall = audit.overall
    return {
        "schema": SCHEMA,
        "scope": "graph",
        "weights": dict(WEIGHTS),
        "models": audit.models,
        "fetched": audit.fetched,
        "not_fetched": audit.not_fetched,
        "attributes": {
            a: {"count": overall.with_attribute[a], "share": _share(overall.with_attribute[a], audit.fetched)}
            for a in ATTRIBUTES
        },
        "score": {
            "mean": round(overall.mean_score, 2) if overall.mean_score is not None else None,
            "median": audit.median_score,
            "buckets": dict(audit.buckets),
        },
        "base_declared_unconfirmed": audit.base_unconfirmed,
        "weight_files": dict(audit.weight_files),
        "without_details": audit.without_details,
        "families": {"count": audit.families, "shown": [_group(g) for g in audit.by_family]},
        "by_relation": [_group(g) for g in audit.by_relation],
        "by_year": [_group(g) for g in audit.by_year],
    }
