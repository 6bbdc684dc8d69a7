"""Hub API model records (the JSON of ``GET /api/models/{id}``) → graphsc records.

This is the one place that knows how the Hub spells lineage, datasets, licenses and Spaces. Both the live
crawler and the snapshot reader hand it plain dicts.

Relation precedence for each base model: the Hub's ``base_model:<relation>:<id>`` tag, else the card's
``base_model_relation``, else inferred from how many bases the card lists (two or more is a merge, one is a
finetune). Edge ``source`` records which of those it was: ``hub-tag``, ``card-relation`` or ``inferred``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from graphsc.records import DerivedFrom, Model, ModelRecord, TrainedOn, Uses

TAG_RELATIONS = frozenset({"adapter", "merge", "quantized", "finetune"})
CARD_RELATIONS = TAG_RELATIONS | {"distillation"}
_HUB_PREFIXES = ("https://huggingface.co/", "http://huggingface.co/", "huggingface.co/", "hf.co/")
_DATASET_PREFIXES = tuple(p + "datasets/" for p in _HUB_PREFIXES) + ("datasets/",)


_PLAIN_ID = re.compile(r"[\w.-]+(?:/[\w.-]+)?")
_WHITESPACE = re.compile(r"\s")


class RecordError(ValueError):
    """The input is not a usable Hub model record; the message says why."""


def clean_repo_id(value: Any, prefixes: tuple[str, ...] = _HUB_PREFIXES) -> str | None:
    """A Hub repo id from a card value (strips URLs and whitespace), or None if it is not one."""
    if not isinstance(value, str):
        return None
    if _PLAIN_ID.fullmatch(value):
        return value
    value = value.strip()
    for prefix in prefixes:
        if value.startswith(prefix):
            value = value[len(prefix):]
            break
    value = value.strip("/")
    if not value or _WHITESPACE.search(value):
        return None
    return value


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _as_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _as_str(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value or None
    return str(value)


def _gated(value: Any) -> str | None:
    if value is None:
        return None
    if value is False:
        return "false"
    if value is True:
        return "true"
    return str(value)


def _license(card: Mapping[str, Any], tags: list[str]) -> str | None:
    declared = card.get("license")
    if isinstance(declared, list):
        parts = [str(p).strip() for p in declared if p is not None and str(p).strip()]
        return " OR ".join(parts) or None
    if isinstance(declared, str) and declared.strip():
        return declared.strip()
    for tag in tags:
        if tag.startswith("license:"):
            return tag[len("license:"):] or None
    return None


def _bases(model_id: str, card: Mapping[str, Any], tags: list[str], fetched_at: str | None) -> tuple[DerivedFrom, ...]:
    tagged: dict[str, str] = {}
    plain: list[str] = []
    for tag in tags:
        if not tag.startswith("base_model:"):
            continue
        relation, sep, base = tag[len("base_model:"):].partition(":")
        if sep and relation in TAG_RELATIONS:
            if (base_id := clean_repo_id(base)) is not None:
                tagged.setdefault(base_id, relation)
        elif (base_id := clean_repo_id(tag[len("base_model:"):])) is not None:
            plain.append(base_id)
    card_bases = [b for b in (clean_repo_id(v) for v in _as_list(card.get("base_model"))) if b is not None]
    ordered = list(dict.fromkeys([*tagged, *plain, *card_bases]))
    card_relation = card.get("base_model_relation")
    card_relation = card_relation if card_relation in CARD_RELATIONS else None
    inferred = "merge" if len(ordered) >= 2 else "finetune"
    edges = []
    for base in ordered:
        if base in tagged:
            relation, source = tagged[base], "hub-tag"
        elif card_relation is not None:
            relation, source = card_relation, "card-relation"
        else:
            relation, source = inferred, "inferred"
        edges.append(DerivedFrom(model_id, base, relation, source, fetched_at))
    return tuple(edges)


def _datasets(model_id: str, card: Mapping[str, Any], tags: list[str], fetched_at: str | None) -> tuple[TrainedOn, ...]:
    found: dict[str, str] = {}
    for value in _as_list(card.get("datasets")):
        if (dataset := clean_repo_id(value, _DATASET_PREFIXES + _HUB_PREFIXES)) is not None:
            found.setdefault(dataset, "card")
    for tag in tags:
        if tag.startswith("dataset:") and (dataset := clean_repo_id(tag[len("dataset:"):])) is not None:
            found.setdefault(dataset, "hub-tag")
    return tuple(TrainedOn(model_id, dataset, source, fetched_at) for dataset, source in found.items())


def model_record_from_hub(data: Any, fetched_at: str | None = None) -> ModelRecord:
    """Convert one Hub API model record (a dict) into a ``ModelRecord``; raises ``RecordError`` if unusable."""
    if not isinstance(data, Mapping):
        raise RecordError(f"expected a JSON object, got {type(data).__name__}")
    model_id = data.get("id", data.get("modelId"))
    if not isinstance(model_id, str) or not model_id.strip():
        raise RecordError("record has no model id ('id' field)")
    model_id = model_id.strip()
    card = data.get("cardData") or data.get("card_data") or {}
    if not isinstance(card, Mapping):
        raise RecordError(f"{model_id}: 'cardData' is {type(card).__name__}, expected an object")
    raw_tags = data.get("tags") or []
    if not isinstance(raw_tags, list):
        raise RecordError(f"{model_id}: 'tags' is {type(raw_tags).__name__}, expected a list")
    tags = [t for t in raw_tags if isinstance(t, str)]
    author = _as_str(data.get("author")) or (model_id.split("/", 1)[0] if "/" in model_id else None)
    model = Model(
        id=model_id,
        author=author,
        license=_license(card, tags),
        license_name=_as_str(card.get("license_name")),
        license_link=_as_str(card.get("license_link")),
        pipeline_tag=_as_str(data.get("pipeline_tag") or card.get("pipeline_tag")),
        library_name=_as_str(data.get("library_name") or card.get("library_name")),
        downloads=_as_int(data.get("downloads")),
        likes=_as_int(data.get("likes")),
        created_at=_as_str(data.get("createdAt") or data.get("created_at")),
        last_modified=_as_str(data.get("lastModified") or data.get("last_modified")),
        gated=_gated(data.get("gated")),
        fetched=True,
        fetched_at=fetched_at,
    )
    spaces = [s for s in (clean_repo_id(v) for v in _as_list(data.get("spaces"))) if s is not None]
    used_by = tuple(Uses(space, "space", model_id, "hub-spaces", None, fetched_at) for space in dict.fromkeys(spaces))
    return ModelRecord(
        model=model,
        derived_from=_bases(model_id, card, tags, fetched_at),
        trained_on=_datasets(model_id, card, tags, fetched_at),
        used_by=used_by,
    )
