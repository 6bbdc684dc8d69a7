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


def _declared_license(card: Mapping[str, Any]) -> str | None:
    declared = card.get("license")
    if isinstance(declared, list):
        parts = [str(p).strip() for p in declared if p is not None and str(p).strip()]
        return " OR ".join(parts) or None
    if isinstance(declared, str) and declared.strip():
        return declared.strip()
    return None


def _bases(
    model_id: str, card: Mapping[str, Any], tagged: dict[str, str], plain: list[str], fetched_at: str | None,
) -> tuple[DerivedFrom, ...]:
    card_value = card.get("base_model")
    if card_value is None and not tagged and not plain:
        return ()
    card_bases = [b for b in (clean_repo_id(v) for v in _as_list(card_value)) if b is not None]
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


def _datasets(model_id: str, card: Mapping[str, Any], tagged: list[str], fetched_at: str | None) -> tuple[TrainedOn, ...]:
    card_value = card.get("datasets")
    if card_value is None and not tagged:
        return ()
    found: dict[str, str] = {}
    for value in _as_list(card_value):
        if (dataset := clean_repo_id(value, _DATASET_PREFIXES + _HUB_PREFIXES)) is not None:
            found.setdefault(dataset, "card")
    for dataset in tagged:
        found.setdefault(dataset, "hub-tag")
    return tuple(TrainedOn(model_id, dataset, source, fetched_at) for dataset, source in found.items())


class _Tags:
    """The tags that carry graph facts, sorted out in one pass over a record's tag list."""

    __slots__ = ("bases", "plain_bases", "datasets", "license")

    def __init__(self, raw_tags: list[Any]) -> None:
        self.bases: dict[str, str] = {}
        self.plain_bases: list[str] = []
        self.datasets: list[str] = []
        self.license: str | None = None
        for tag in raw_tags:
            if type(tag) is not str:
                continue
            first = tag[:1]
            if first == "b" and tag.startswith("base_model:"):
                rest = tag[11:]
                relation, sep, base = rest.partition(":")
                if sep and relation in TAG_RELATIONS:
                    if (base_id := clean_repo_id(base)) is not None:
                        self.bases.setdefault(base_id, relation)
                elif (base_id := clean_repo_id(rest)) is not None:
                    self.plain_bases.append(base_id)
            elif first == "d" and tag.startswith("dataset:"):
                if (dataset := clean_repo_id(tag[8:])) is not None:
                    self.datasets.append(dataset)
            elif first == "l" and self.license is None and tag.startswith("license:"):
                self.license = tag[8:] or None


def model_record_from_hub(data: Any, fetched_at: str | None = None) -> ModelRecord:
    """Convert one Hub API model record (a dict) into a ``ModelRecord``; raises ``RecordError`` if unusable."""
    if type(data) is not dict and not isinstance(data, Mapping):
        raise RecordError(f"expected a JSON object, got {type(data).__name__}")
    model_id = data.get("id", data.get("modelId"))
    if not isinstance(model_id, str) or not model_id.strip():
        raise RecordError("record has no model id ('id' field)")
    model_id = model_id.strip()
    card = data.get("cardData") or data.get("card_data") or {}
    if type(card) is not dict and not isinstance(card, Mapping):
        raise RecordError(f"{model_id}: 'cardData' is {type(card).__name__}, expected an object")
    raw_tags = data.get("tags") or []
    if type(raw_tags) is not list:
        raise RecordError(f"{model_id}: 'tags' is {type(raw_tags).__name__}, expected a list")
    tags = _Tags(raw_tags)
    author = _as_str(data.get("author")) or (model_id.split("/", 1)[0] if "/" in model_id else None)
    model = Model(
        model_id,
        author,
        _declared_license(card) if "license" in card else tags.license,
        _as_str(card.get("license_name")),
        _as_str(card.get("license_link")),
        _as_str(data.get("pipeline_tag") or card.get("pipeline_tag")),
        _as_str(data.get("library_name") or card.get("library_name")),
        _as_int(data.get("downloads")),
        _as_int(data.get("likes")),
        _as_str(data.get("createdAt") or data.get("created_at")),
        _as_str(data.get("lastModified") or data.get("last_modified")),
        _gated(data.get("gated")),
        True,
        fetched_at,
    )
    if model.license is None and tags.license is not None:
        model = model._replace(license=tags.license)
    spaces = data.get("spaces")
    used_by: tuple[Uses, ...] = ()
    if spaces:
        cleaned = [s for s in (clean_repo_id(v) for v in _as_list(spaces)) if s is not None]
        used_by = tuple(Uses(space, "space", model_id, "hub-spaces", None, fetched_at) for space in dict.fromkeys(cleaned))
    return ModelRecord(
        model,
        _bases(model_id, card, tags.bases, tags.plain_bases, fetched_at),
        _datasets(model_id, card, tags.datasets, fetched_at),
        used_by,
    )
