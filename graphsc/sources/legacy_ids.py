"""Legacy Hugging Face model ids (``gpt2``, ``bert-base-uncased``) → the ids the Hub moved them to.

The table is package data (``graphsc/data/legacy_model_ids.json``), read by ``graphsc.ids``, which every source
uses to resolve ids; these helpers are what usage sources need on top of it.
"""

from __future__ import annotations

from graphsc.ids import id_key, legacy_model_ids, legacy_spellings


def legacy_renames() -> dict[str, str]:
    """The shipped table: legacy id (lower-cased) → current ``namespace/name`` id."""
    return dict(legacy_model_ids())


def is_legacy_id(model_id: str) -> bool:
    """True for an id without a namespace (``gpt2``), which the Hub no longer creates."""
    return "/" not in model_id


def resolve_model_id(model_id: str) -> str:
    """The current id of ``model_id``: renamed if it is a known legacy id (any casing), else unchanged."""
    return legacy_model_ids().get(id_key(model_id), model_id) if is_legacy_id(model_id) else model_id


def model_id_spellings(model_id: str) -> list[str]:
    """Every id code may use for the model: its current id first, then the legacy ids that redirect to it."""
    current = resolve_model_id(model_id)
    return [current, *legacy_spellings(current)]
