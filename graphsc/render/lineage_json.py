"""``graphsc lineage --format json``: a stable, documented document (schema ``graphsc.lineage/1``)."""

from __future__ import annotations

from typing import Any

from graphsc.lineage import Lineage
from graphsc.records import DerivedFrom, Model

SCHEMA = "graphsc.lineage/1"


def _edge(e: DerivedFrom) -> dict[str, Any]:
    return {"child": e.child, "base": e.base, "relation": e.relation, "source": e.source}


def _model(m: Model | None, model_id: str) -> dict[str, Any]:
    """A model's fields; one the store holds no record of reads as a stub: every field, null but its id and
    ``fetched: false`` (README, "lineage JSON")."""
    if m is None:
        return {**dict.fromkeys(Model._fields), "id": model_id, "fetched": False}
    return m._asdict()


def lineage_document(lineage: Lineage) -> dict[str, Any]:
    """The lineage as plain JSON-able data; see README "lineage JSON" for the field reference."""
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "model": _model(lineage.model, lineage.model.id),
        "direction": lineage.direction,
        "max_depth": lineage.max_depth,
        "cycles": [list(c) for c in lineage.cycles],
        "used_by": [
            {"kind": u.user_kind, "id": u.user, "source": u.source, "evidence": u.evidence} for u in lineage.used_by
        ],
        "unconfirmed_bases": [
            {"value": n.value, "field": n.field, "kind": n.kind, "resolved": n.resolved}
            for n in lineage.unconfirmed_bases
        ],
    }
    if lineage.direction != "down":
        doc["ancestors"] = {
            "generation": lineage.generation,
            "roots": list(lineage.roots),
            "count": len(lineage.ancestor_distance) - 1,
            "edges": [_edge(e) for e in lineage.ancestor_edges],
        }
    if lineage.direction != "up":
        doc["descendants"] = {
            "count": lineage.descendant_count,
            "by_relation": lineage.descendants_by_relation,
            "by_depth": {str(k): v for k, v in lineage.descendants_by_depth.items()},
            "edges": [_edge(e) for e in lineage.descendant_edges],
        }
    doc["models"] = {
        model_id: _model(lineage.models.get(model_id), model_id)
        for model_id in sorted({*lineage.ancestor_distance, *lineage.descendant_depth, lineage.model.id})
    }
    return doc
