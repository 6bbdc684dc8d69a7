"""``graphsc risks --format json`` (schema ``graphsc.risks/1``) and the ``risks`` part of ``graphsc impact``'s
document. Every field is documented in docs/risks.md."""

from __future__ import annotations

from typing import Any

from graphsc.reuse.risks import REASON, GraphRisks, ImpactRisks, ModelRisks, RiskFlag

SCHEMA = "graphsc.risks/1"


def flag_document(flag: RiskFlag) -> dict[str, Any]:
    """One flag as it reaches a model: which, how severe, who carries it and the path up to it."""
    return {
        "flag": flag.flag,
        "severity": flag.severity,
        "source": flag.source,
        "path": list(flag.path),
        "relations": list(flag.relations),
    }


def model_risks_document(risks: ModelRisks) -> dict[str, Any]:
    """``graphsc risks MODEL --format json``."""
    return {
        "schema": SCHEMA,
        "scope": "model",
        "model": risks.model,
        "fetched": risks.fetched,
        "assessed": risks.assessed,
        "flags": list(risks.flags),
        "own": [flag_document(f) for f in risks.own],
        "inherited": [flag_document(f) for f in risks.inherited],
        "upstream": [flag_document(f) for f in risks.upstream],
    }


def graph_risks_document(report: GraphRisks, top: int) -> dict[str, Any]:
    """``graphsc risks --format json``: counts per flag, and the ``top`` most exposed flagged models."""
    return {
        "schema": SCHEMA,
        "scope": "graph",
        "models": {
            "total": report.models,
            "assessed": report.assessed,
            "not_assessed": report.not_assessed,
            "stubs": report.stubs,
        },
        "flags": {
            c.flag: {
                "severity": c.severity,
                "reason": REASON[c.flag],
                "models": c.models,
                "inherited": c.inherited,
                "downstream": c.downstream,
            }
            for c in report.counts
        },
        "flagged_models": len(report.flagged),
        "top": [
            {
                "model": m.model,
                "flags": list(m.flags),
                "severity": m.severity,
                "descendants": m.descendants,
                "inheriting": m.inheriting,
                "repos": m.repos,
                "spaces": m.spaces,
            }
            for m in report.flagged[:top]
        ],
    }


def impact_risks_document(found: ImpactRisks) -> dict[str, Any]:
    """The ``risks`` field of ``graphsc impact --format json``: the model's own and inherited flags and, when it
    has any, what below it is exposed (``exposed`` is null otherwise)."""
    risks = found.risks
    return {
        "flags": list(risks.flags),
        "own": [flag_document(f) for f in risks.own],
        "inherited": [flag_document(f) for f in risks.inherited],
        "exposed": (
            {
                "descendants": found.descendants,
                "inheriting": found.inheriting,
                "repos": found.repos,
                "spaces": found.spaces,
            }
            if risks.flagged
            else None
        ),
    }
