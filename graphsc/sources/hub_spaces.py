"""Hub API Space records (the JSON of ``GET /api/spaces/{id}``, or one item of the list API) → graphsc records.

A Space's license is its card's ``license`` (else its ``license:`` tags), its ``sdk`` the record's (else the
card's); the models it declares (the record's ``models``, which the Hub fills from the card's ``models`` metadata,
and the card's own ``models``) become USES edges with source ``space-card``, ids resolved as everywhere (URL forms,
legacy ids; case by the store). Any field may hold any JSON type; only a record without a usable ``id`` is refused
(``graphsc.errors.BadInputError``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphsc.errors import BadInput, BadInputError
from graphsc.ids import id_key, parse_repo_id
from graphsc.records import SOURCE_SPACE_CARD, USER_SPACE, Space, SpaceRecord, Uses
from graphsc.sources.hub_datasets import card_of, record_license
from graphsc.sources.hub_records import as_count, as_list, as_str, record_author, record_id, record_times


def space_record_from_hub(data: Any, fetched_at: str | None = None) -> SpaceRecord:
    """Convert one Hub API Space record (a dict) into a ``SpaceRecord`` (see the module docstring).

    Raises ``BadInputError`` only when the record is not a JSON object or has no usable ``id``."""
    if not isinstance(data, Mapping):
        raise BadInputError(BadInput(f"expected a JSON object, got {type(data).__name__}"))
    space_id = record_id(data, "space")
    card = card_of(data)
    space = Space(
        space_id,
        record_license(data, card),
        as_str(data.get("sdk")) or as_str(card.get("sdk")),
        record_author(data, space_id),
        as_count(data.get("likes")),
        *record_times(data),
        True,
        fetched_at,
    )
    models: dict[str, str] = {}
    for value in [*as_list(data.get("models")), *as_list(card.get("models"))]:
        model = parse_repo_id(value).id
        if model is not None:
            models.setdefault(id_key(model), model)
    uses = tuple(Uses(space_id, USER_SPACE, m, SOURCE_SPACE_CARD, None, fetched_at) for m in models.values())
    return SpaceRecord(space, uses)
