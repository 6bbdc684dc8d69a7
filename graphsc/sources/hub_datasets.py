"""Hub API dataset records (the JSON of ``GET /api/datasets/{id}``, or one item of the list API) → graphsc records.

The one place that knows how the Hub spells a dataset's license and lineage. Any field may hold any JSON type: a
value of the wrong type is ignored, never an exception; only a record without a usable ``id`` is refused
(``graphsc.errors.BadInputError``).

**License.** The card's ``license`` (a list means every license in it applies, joined with AND, as for models),
else the ``license:`` tags, all of them (the Hub writes one tag per entry of the card's list). ``license_name`` /
``license_link`` come from the card (``license: other``).

**Lineage.** ``source_datasets`` (card field, else the Hub's ``source_datasets:`` tags) follows the dataset card
specification (https://github.com/huggingface/hub-docs/blob/main/datasetcard.md): ``original`` (nothing upstream),
``extended`` (upstream not named), ``extended|<id>`` and a bare ``<id>`` name a Hub dataset; ``other-<name>`` (alone or
after ``extended|``) names a source outside the Hub and is not an edge. Each Hub id becomes
``(dataset)-[:DERIVED_FROM]->(source)``, once per source (ids compare ignoring case), never to itself (nor, for a
dataset the Hub moved under ``legacy-datasets/``, to its own old namespace-less id). The stores resolve a
namespace-less id to ``legacy-datasets/<name>`` when that dataset is known (``graphsc.store.identity``); other old ids
(``squad``, now ``rajpurkar/squad``) are kept as written: graphsc ships no table of the Hub's dataset moves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphsc.errors import BadInput, BadInputError
from graphsc.ids import LEGACY_DATASETS_OWNER, id_key, parse_repo_id
from graphsc.license_table.normalize import join_licenses
from graphsc.records import SOURCE_CARD, SOURCE_SOURCE_DATASETS, Dataset, DatasetDerivedFrom, DatasetRecord
from graphsc.sources.hub_records import (
    as_count,
    as_list,
    as_str,
    declared_license,
    gated_value,
    record_author,
    record_id,
    record_times,
)

_NO_UPSTREAM = frozenset({"original", "extended", "other", "unknown"})


def card_of(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """A Hub record's card metadata (``cardData``, or ``card_data`` as ``huggingface_hub`` names it), or {}."""
    raw = data.get("cardData") if "cardData" in data else data.get("card_data")
    return raw if isinstance(raw, Mapping) else {}


def tag_values(data: Mapping[str, Any], prefix: str) -> list[str]:
    """The values of the record's string tags that start with ``prefix`` (``license:`` → ``mit``), in order."""
    tags = data.get("tags")
    if not isinstance(tags, list):
        return []
    return [t[len(prefix) :] for t in tags if type(t) is str and t.startswith(prefix)]


def record_license(data: Mapping[str, Any], card: Mapping[str, Any]) -> str | None:
    """The license a dataset or Space record declares: the card's, else every ``license:`` tag (joined with AND)."""
    return declared_license(card) or join_licenses([v for t in tag_values(data, "license:") if (v := as_str(t))])


def source_dataset_id(value: Any) -> str | None:
    """The Hub dataset id one ``source_datasets`` entry names, or None (``original``, ``extended``,
    ``other-<name>``, not an id)."""
    text = as_str(value)
    if text is None:
        return None
    head, bar, rest = text.partition("|")
    if bar and head.strip().lower() == "extended":  # ``extended|<id>``, also written ``Extended | <id>``
        text = rest.strip()
    if text.lower() in _NO_UPSTREAM or text.lower().startswith("other-"):
        return None
    return parse_repo_id(text, "dataset").id


def _sources(
    dataset_id: str, data: Mapping[str, Any], card: Mapping[str, Any], fetched_at: str | None
) -> tuple[DatasetDerivedFrom, ...]:
    from_card = as_list(card.get("source_datasets"))
    values, source = (
        (from_card, SOURCE_CARD) if from_card else (tag_values(data, "source_datasets:"), SOURCE_SOURCE_DATASETS)
    )
    found: dict[str, str] = {}
    owner, _, name = dataset_id.rpartition("/")
    for value in values:
        base = source_dataset_id(value)
        if base is None or id_key(base) == id_key(dataset_id):
            continue
        if owner.lower() == LEGACY_DATASETS_OWNER and id_key(base) == id_key(name):
            continue  # the Hub moved canonical datasets under legacy-datasets/: its old id names the record itself
        found.setdefault(id_key(base), base)
    return tuple(DatasetDerivedFrom(dataset_id, base, source, fetched_at) for base in found.values())


def dataset_record_from_hub(data: Any, fetched_at: str | None = None) -> DatasetRecord:
    """Convert one Hub API dataset record (a dict) into a ``DatasetRecord`` (see the module docstring).

    Raises ``BadInputError`` only when the record is not a JSON object or has no usable ``id``."""
    if not isinstance(data, Mapping):
        raise BadInputError(BadInput(f"expected a JSON object, got {type(data).__name__}"))
    dataset_id = record_id(data, "dataset")
    card = card_of(data)
    dataset = Dataset(
        dataset_id,
        record_license(data, card),
        as_str(card.get("license_name")),
        as_str(card.get("license_link")),
        record_author(data, dataset_id),
        as_count(data.get("downloads")),
        as_count(data.get("likes")),
        *record_times(data),
        gated_value(data.get("gated")),
        True,
        fetched_at,
    )
    return DatasetRecord(dataset, _sources(dataset_id, data, card, fetched_at))
