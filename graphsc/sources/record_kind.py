"""Which kind of Hub record (model, dataset, Space) a JSON object looks like, from fields and tags only one kind has.

``ingest snapshot --kind`` trusts the user; this lets it say so when the files clearly hold another kind (a dataset
dump read as models makes every dataset a model node). The signals are fields of the Hub API's records
(``huggingface_hub`` ``ModelInfo``/``DatasetInfo``/``SpaceInfo``) and the tag prefixes the Hub writes from each card.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

RecordKind = Literal["models", "datasets", "spaces"]

_MODEL_FIELDS = frozenset({"modelId", "pipeline_tag", "library_name", "safetensors", "transformersInfo", "gguf"})
_DATASET_FIELDS = frozenset({"paperswithcode_id", "citation"})
_SPACE_FIELDS = frozenset({"sdk", "runtime", "subdomain"})
_DATASET_TAGS = ("task_categories:", "size_categories:", "source_datasets:", "annotations_creators:", "modality:")
_MODEL_TAGS = ("base_model:",)


def record_kind(data: Any) -> RecordKind | None:
    """The kind ``data`` (one record) unmistakably is, or None when nothing tells."""
    if not isinstance(data, Mapping):
        return None
    if not _SPACE_FIELDS.isdisjoint(data):
        return "spaces"
    tags = data.get("tags")
    tags = [t for t in tags if type(t) is str] if isinstance(tags, list) else []
    if not _DATASET_FIELDS.isdisjoint(data) or any(t.startswith(_DATASET_TAGS) for t in tags):
        return "datasets"
    if not _MODEL_FIELDS.isdisjoint(data) or any(t.startswith(_MODEL_TAGS) for t in tags):
        return "models"
    return None
