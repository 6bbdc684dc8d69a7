"""Legacy Hugging Face model ids (``gpt2``, ``bert-base-uncased``) → the ids the Hub moved them to.

The table is package data (``graphsc/data/legacy_model_ids.json``) so it can grow without code changes.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files


@cache
def legacy_renames() -> dict[str, str]:
    """The shipped table: legacy id → current ``namespace/name`` id."""
    text = (files("graphsc") / "data" / "legacy_model_ids.json").read_text(encoding="utf-8")
    return dict(json.loads(text)["renames"])


def is_legacy_id(model_id: str) -> bool:
    """True for an id without a namespace (``gpt2``), which the Hub no longer creates."""
    return "/" not in model_id


def resolve_model_id(model_id: str) -> str:
    """The current id of ``model_id``: renamed if it is a known legacy id, else unchanged."""
    return legacy_renames().get(model_id, model_id) if is_legacy_id(model_id) else model_id


def model_id_spellings(model_id: str) -> list[str]:
    """Every id code may use for the model: its current id first, then the legacy ids that redirect to it."""
    current = resolve_model_id(model_id)
    return [current, *sorted(old for old, new in legacy_renames().items() if new == current)]
