"""``graphsc rank``: the top models by one metric, ties broken by model id."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from graphsc.analytics.analysis import Analysis
from graphsc.compact import Strings

RANK_KEYS: tuple[str, ...] = ("reach", "pagerank", "betweenness", "downloads", "exposure")


@dataclass(frozen=True, slots=True)
class RankedModel:
    """One row: ``value`` is the ranking metric (an ``int`` for the counts: reach, downloads, exposure), ``detail`` the
    metric's companions (e.g. exposure's split)."""

    rank: int
    model_id: str
    value: int | float
    downloads: int | None
    license: str | None
    detail: dict[str, Any] = field(default_factory=dict)
    fetched: bool = True  # False for a stub known only as someone's base (its license is not known)


@dataclass(frozen=True, slots=True)
class Ranking:
    """The ranking and how it was computed (``notes``: e.g. betweenness's sample size)."""

    by: str
    rows: list[RankedModel]
    notes: dict[str, Any] = field(default_factory=dict)


def top_indices(values: np.ndarray, ids: Sequence[str] | Strings, n: int) -> list[int]:
    """Indices of the ``n`` largest positive ``values``, ties by id."""
    positive = np.flatnonzero(values > 0)
    if n <= 0 or not len(positive):
        return []
    take = min(n, len(positive))
    threshold = np.partition(values[positive], -take)[-take]
    candidates = positive[values[positive] >= threshold].tolist()
    return sorted(candidates, key=lambda i: (-values[i], ids[i]))[:n]


def _top_items(items: Iterable[tuple[str, int]], n: int) -> list[tuple[str, int]]:
    return heapq.nsmallest(n, ((m, v) for m, v in items if v > 0), key=lambda kv: (-kv[1], kv[0]))


def _candidates(
    analysis: Analysis, by: str, top: int
) -> tuple[list[tuple[str, int | float, dict[str, Any]]], dict[str, Any]]:
    if by == "downloads":
        compact = analysis.compact
        downloads = np.asarray(compact.downloads)
        return [
            (compact.model_ids[i], int(downloads[i]), {}) for i in top_indices(downloads, compact.model_ids, top)
        ], {}
    if by == "exposure":
        exposure = analysis.exposure
        totals = (
            (m, int(exposure.of(m)[0] + exposure.of(m)[1])) for m in exposure.repos.keys() | exposure.spaces.keys()
        )
        return [
            (m, v, {"repos": exposure.of(m)[0], "spaces": exposure.of(m)[1]}) for m, v in _top_items(totals, top)
        ], {}
    dg = analysis.graph
    if by == "reach":
        reach = analysis.reach
        order = top_indices(reach.descendants, dg.ids, top)
        return [
            (dg.ids[i], int(reach.descendants[i]), {"descendant_downloads": int(reach.descendant_downloads[i])})
            for i in order
        ], {}
    if by == "pagerank":
        scores = analysis.pagerank
        return [(dg.ids[i], float(scores[i]), {}) for i in top_indices(scores, dg.ids, top)], {"nodes": dg.node_count}
    if by == "betweenness":
        result = analysis.betweenness
        notes = {"sample": result.sample, "nodes": result.nodes, "seed": result.seed, "exact": result.exact}
        return [(dg.ids[i], float(result.values[i]), {}) for i in top_indices(result.values, dg.ids, top)], notes
    raise ValueError(f"unknown ranking {by!r}; use one of {', '.join(RANK_KEYS)}")


def rank_models(analysis: Analysis, by: str, top: int = 20) -> Ranking:
    """The ``top`` models by ``by`` (one of ``RANK_KEYS``); models with a zero value are not listed."""
    candidates, notes = _candidates(analysis, by, top)
    models = analysis.store.models([m for m, _, _ in candidates])
    rows = []
    for i, (model_id, value, detail) in enumerate(candidates, start=1):
        model = models.get(model_id)
        rows.append(
            RankedModel(
                rank=i,
                model_id=model_id,
                value=value,
                downloads=model.downloads if model else None,
                license=model.license if model else None,
                detail=detail,
                fetched=model.fetched if model else False,
            )
        )
    return Ranking(by, rows, notes)
