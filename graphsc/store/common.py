"""Small rules every store backend applies the same way, kept in one place so the backends agree."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from graphsc.records import RELATIONS
from graphsc.store.base import ModelMetrics

T = TypeVar("T")

# What ``write_model_metrics`` stores per model (docs/analytics.md): SQLite columns, Neo4j ``Model`` properties.
METRICS_COLUMNS: tuple[str, ...] = (
    "model_id",
    "generation",
    "in_cycle",
    "family",
    "family_size",
    "descendants",
    "descendant_downloads",
    "derivatives",
    *(f"derivatives_{r}" for r in RELATIONS),
    "pagerank",
    "betweenness",
    "exposure_repos",
    "exposure_spaces",
)

SIMILAR_CANDIDATES = 2_000
SIMILAR_SAMPLE = 20_000


def author_of(model_id: str) -> str | None:
    """The owner part of ``owner/name`` (the author a stub model gets), or None for a bare name."""
    return model_id.split("/", 1)[0] if "/" in model_id else None


def check_batch_size(batch_size: int, name: str = "batch_size") -> int:
    """``batch_size`` if it is a whole number >= 1, else ``ValueError`` (0 would page nothing or everything at
    once, a negative size reads all rows in one list on some drivers). Every backend checks its ``iter_*``
    argument (when called, before any iteration) and any batch size it is constructed with."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"{name} must be a whole number >= 1, not {batch_size!r}")
    return batch_size


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``items`` in consecutive slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def unique(items: Iterable[T]) -> list[T]:
    """``items`` without repeats, in first-seen order."""
    return list(dict.fromkeys(items))


def similar_name(text: str) -> str:
    """The name part of ``text`` (after the last ``/``) that similar-id search looks for; may be empty."""
    return text.rsplit("/", 1)[-1].strip()


def sample_prefix(name: str) -> str:
    """The few characters of ``name`` a fallback sample of ids must contain (LIKE wildcards removed)."""
    return name[:3].replace("%", "").replace("_", "")


def rank_similar(text: str, candidates: Iterable[str], limit: int) -> list[str]:
    """``candidates`` (ids containing the name) ordered by closeness to ``text``, best first."""
    lowered = text.lower()
    return sorted(candidates, key=lambda c: -difflib.SequenceMatcher(None, lowered, c.lower()).ratio())[:limit]


def close_matches(text: str, sample: Iterable[str], limit: int) -> list[str]:
    """Fallback when no id contains the name: ids in ``sample`` that are close to ``text`` overall."""
    return difflib.get_close_matches(text, list(sample), n=limit, cutoff=0.6)


def similar_ids(text: str, limit: int, ids_containing: Callable[[str, int], Iterable[str]]) -> list[str]:
    """The similar-id search every backend runs (``GraphStore.similar_model_ids``); the backend only answers
    ``ids_containing(fragment, at_most)``: stored model ids containing ``fragment``, ignoring case.

    Up to ``limit`` ids containing ``text``'s name part (at most ``SIMILAR_CANDIDATES`` read), closest to ``text``
    first; when none does, the ids close to ``text`` overall among a sample (at most ``SIMILAR_SAMPLE``) of those
    containing the name's first characters. An empty name part finds nothing."""
    name = similar_name(text)
    if not name:
        return []
    candidates = list(ids_containing(name, SIMILAR_CANDIDATES))
    if candidates:
        return rank_similar(text, candidates, limit)
    return close_matches(text, ids_containing(sample_prefix(name), SIMILAR_SAMPLE), limit)


def metrics_row(m: ModelMetrics) -> tuple[Any, ...]:
    """``m`` as a tuple in ``METRICS_COLUMNS`` order (``in_cycle`` as 0/1)."""
    return (
        m.model_id,
        m.generation,
        int(m.in_cycle),
        m.family,
        m.family_size,
        m.descendants,
        m.descendant_downloads,
        m.derivatives,
        *(m.derivatives_by_relation.get(r, 0) for r in RELATIONS),
        m.pagerank,
        m.betweenness,
        m.exposure_repos,
        m.exposure_spaces,
    )
