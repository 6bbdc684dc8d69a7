"""``graphsc lineage --format json``: stable, documented documents: a model's (schema ``graphsc.lineage/1``,
README "lineage JSON") and a dataset's (``graphsc.dataset_lineage/1``, docs/datasets.md)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from graphsc.lineage import DatasetLineage, Lineage, TrainingData
from graphsc.records import Dataset, DatasetDerivedFrom, DerivedFrom, Model, TrainedOn

SCHEMA = "graphsc.lineage/1"
DATASET_SCHEMA = "graphsc.dataset_lineage/1"


def _edge(e: DerivedFrom) -> dict[str, Any]:
    return {"child": e.child, "base": e.base, "relation": e.relation, "source": e.source}


def _model(m: Model | None, model_id: str) -> dict[str, Any]:
    """A model's fields; one the store holds no record of reads as a stub: every field, null but its id and
    ``fetched: false`` (README, "lineage JSON")."""
    if m is None:
        return {**dict.fromkeys(Model._fields), "id": model_id, "fetched": False}
    return m._asdict()


def _dataset(d: Dataset | None, dataset_id: str) -> dict[str, Any]:
    """A dataset's fields; one the store holds no record of reads as a stub, like a model (``_model``)."""
    if d is None:
        return {**dict.fromkeys(Dataset._fields), "id": dataset_id, "fetched": False}
    return d._asdict()


def _dataset_edge(e: DatasetDerivedFrom) -> dict[str, Any]:
    return {"child": e.child, "base": e.base, "source": e.source}


def _trained(t: TrainedOn) -> dict[str, Any]:
    return {"model": t.model, "dataset": t.dataset, "source": t.source}


def training_document(training: TrainingData) -> dict[str, Any]:
    """``training_data``: the TRAINED_ON edges of the model and its ancestors, the dataset DERIVED_FROM edges up
    from those datasets, and every dataset named (docs/datasets.md)."""
    return {
        "count": len({t.dataset for t in training.trained_on}),
        "trained_on": [_trained(t) for t in training.trained_on],
        "dataset_edges": [_dataset_edge(e) for e in training.edges],
        "datasets": {d: _dataset(training.datasets.get(d), d) for d in training.dataset_ids},
    }


def dataset_lineage_document(lineage: DatasetLineage) -> dict[str, Any]:
    """``graphsc lineage DATASET --format json`` (docs/datasets.md)."""
    doc: dict[str, Any] = {
        "schema": DATASET_SCHEMA,
        "dataset": _dataset(lineage.dataset, lineage.dataset.id),
        "direction": lineage.direction,
        "max_depth": lineage.max_depth,
        "cycles": [list(c) for c in lineage.cycles],
    }
    if lineage.direction != "down":
        doc["sources"] = {"count": lineage.source_count, "edges": [_dataset_edge(e) for e in lineage.source_edges]}
    if lineage.direction != "up":
        by_depth = Counter(d for d in lineage.derived_depth.values() if d > 0)
        doc["derived"] = {
            "count": lineage.derived_count,
            "by_depth": {str(k): v for k, v in sorted(by_depth.items())},
            "edges": [_dataset_edge(e) for e in lineage.derived_edges],
        }
        doc["trained_on"] = [_trained(t) for t in lineage.trained_on]
    ids = {lineage.dataset.id, *lineage.source_distance, *lineage.derived_depth}
    doc["datasets"] = {d: _dataset(lineage.datasets.get(d), d) for d in sorted(ids)}
    doc["models"] = {m: _model(lineage.models.get(m), m) for m in lineage.trained_models}
    return doc


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
    doc["training_data"] = None if lineage.training is None else training_document(lineage.training)
    return doc
