"""``graphsc check --format json``: the ``graphsc.check/1`` document."""

from __future__ import annotations

from typing import Any

from graphsc.policy.evaluate import CheckResult, Violation
from graphsc.policy.model import Waiver

SCHEMA = "graphsc.check/1"


def waiver_row(w: Waiver) -> dict[str, Any]:
    """A waiver as a JSON-ready dict (``expires`` as an ISO date)."""
    return {
        "index": w.index,
        "line": w.line,
        "finding": w.finding,
        "rule": w.rule,
        "model": w.model,
        "repo": w.repo,
        "reason": w.reason,
        "owner": w.owner,
        "expires": w.expires.isoformat(),
    }


def violation_row(v: Violation) -> dict[str, Any]:
    """A violation as a JSON-ready dict: rule, node, chain, subjects, status (with waiver / allow rule)."""
    return {
        "key": v.key,
        "rule": v.rule,
        "action": v.action,
        "message": v.message,
        "on": v.on,
        "status": v.status,
        "node": {"id": v.node, "kind": v.node_kind, "license": v.license},
        "positions": list(v.positions),
        "finding": v.finding.key if v.finding is not None else None,
        "finding_rule": v.finding.rule if v.finding is not None else None,
        "chain": [{"id": h.id, "kind": h.kind, "license": h.license, "relation": h.relation} for h in v.chain],
        "subjects": {"count": v.subject_count, "models": list(v.subjects), "repos": list(v.repos)},
        "allowed_by": v.allowed_by,
        "waiver": waiver_row(v.waiver) if v.waiver is not None else None,
        "notes": list(v.notes),
    }


def check_document(result: CheckResult) -> dict[str, Any]:
    """The ``graphsc.check/1`` document: scope (as given, the resolved id and its kind: model, repo or space; all
    None for the whole graph), summary (failed, counts), violations, unused and expired waivers."""
    return {
        "schema": SCHEMA,
        "policy": str(result.policy.path) if result.policy.path is not None else None,
        "scope": {
            "model": result.scope.model,
            "repo": result.scope.repo,
            "resolved": result.scope_id,
            "kind": result.scope_kind,
        },
        "today": result.today.isoformat(),
        "summary": {"failed": result.failed, "violations": len(result.violations), "counts": result.counts},
        "violations": [violation_row(v) for v in result.violations],
        "unused_waivers": [waiver_row(w) for w in result.unused_waivers],
        "expired_waivers": [waiver_row(w) for w in result.expired_waivers],
    }
