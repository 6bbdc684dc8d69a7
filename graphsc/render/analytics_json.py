"""JSON documents of the analytics commands (schemas ``graphsc.<command>/1``; fields in docs/analytics.md)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from graphsc.analytics.analysis import Timing
from graphsc.analytics.centrality import Betweenness
from graphsc.analytics.families import FamilySummary
from graphsc.analytics.impact import DatasetImpact, Downstream, Impact
from graphsc.analytics.ranking import Ranking
from graphsc.analytics.stats import DatasetStats, GraphStats
from graphsc.render.risks_json import impact_risks_document
from graphsc.reuse.risks import ImpactRisks


def _keys_to_str(counts: dict[int, int]) -> dict[str, int]:
    return {str(k): v for k, v in counts.items()}


def family_document(family: FamilySummary) -> dict[str, Any]:
    doc = asdict(family)
    doc["by_generation"] = _keys_to_str(family.by_generation)
    return doc


def timings_document(timings: dict[str, Timing]) -> dict[str, Any]:
    return {
        name: {"seconds": round(t.seconds, 4), "peak_rss_mib": round(t.peak_rss_mib, 1)} for name, t in timings.items()
    }


def stats_document(stats: GraphStats) -> dict[str, Any]:
    """``graphsc stats --format json``."""
    return {
        "schema": "graphsc.stats/1",
        "nodes": stats.counts.nodes,
        "edges": stats.counts.edges,
        "relations": stats.counts.relations,
        "unfetched_models": stats.counts.unfetched_models,
        "licenses": {"distinct": stats.license_kinds, "top": stats.licenses},
        "depth": {
            "models_with_edges": stats.models_with_edges,
            "isolated_models": stats.isolated_models,
            "by_generation": _keys_to_str(stats.depth_distribution),
            "max_generation": max(stats.depth_distribution, default=0),
            "cycles": stats.cycles,
            "longest_chains": stats.longest_chains,
        },
        "families": {"count": stats.family_count, "largest": [family_document(f) for f in stats.families]},
        "datasets": None if stats.datasets is None else dataset_stats_document(stats.datasets),
    }


def dataset_stats_document(stats: DatasetStats) -> dict[str, Any]:
    """``datasets`` of ``graphsc stats --format json`` (docs/datasets.md)."""
    return {
        "datasets": asdict(stats.datasets),
        "spaces": asdict(stats.spaces),
        "derived_from": stats.dataset_derived_from,
        "trained_on": {"count": stats.trained_on, "licensed_dataset": stats.trained_on_licensed},
        "licenses": {"distinct": stats.dataset_license_kinds, "top": stats.dataset_licenses},
    }


def rank_document(ranking: Ranking) -> dict[str, Any]:
    """``graphsc rank --format json``."""
    return {
        "schema": "graphsc.rank/1",
        "by": ranking.by,
        "notes": ranking.notes,
        "models": [
            {
                "rank": r.rank,
                "id": r.model_id,
                "value": r.value,
                "downloads": r.downloads,
                "license": r.license,
                **r.detail,
            }
            for r in ranking.rows
        ],
    }


def impact_document(impact: Impact, risks: ImpactRisks | None = None) -> dict[str, Any]:
    """``graphsc impact --format json``; ``risks`` adds the model's risk flags and exposure (docs/risks.md)."""
    lineage = impact.lineage
    doc: dict[str, Any] = {
        "schema": "graphsc.impact/1",
        "model": impact.model_id,
        "license": lineage.model.license,
        "descendants": {
            "count": lineage.descendant_count,
            "downloads": impact.descendant_downloads,
            "by_depth": _keys_to_str(lineage.descendants_by_depth),
            "by_relation": lineage.descendants_by_relation,
        },
        "licenses": impact.licenses,
        "repos": impact.repos,
        "spaces": impact.spaces,
        "used_models": impact.users_by_model(),
        "cycles": [list(c) for c in lineage.cycles],
    }
    if risks is not None:
        doc["risks"] = impact_risks_document(risks)
    return doc


def _downstream_document(downstream: Downstream) -> dict[str, Any]:
    """What lies below the models trained on a dataset: the fields a model's impact document has."""
    return {
        "descendants": {
            "count": downstream.descendant_count,
            "downloads": downstream.descendant_downloads,
            "by_depth": _keys_to_str(downstream.descendants_by_depth),
            "by_relation": downstream.descendants_by_relation,
        },
        "licenses": downstream.licenses,
        "repos": downstream.repos,
        "spaces": downstream.spaces,
        "used_models": downstream.users_by_model(),
    }


def dataset_impact_document(impact: DatasetImpact) -> dict[str, Any]:
    """``graphsc impact DATASET --format json`` (schema ``graphsc.dataset_impact/1``, docs/datasets.md)."""
    lineage = impact.lineage
    return {
        "schema": "graphsc.dataset_impact/1",
        "dataset": impact.dataset_id,
        "license": lineage.dataset.license,
        "fetched": lineage.dataset.fetched,
        "derived_datasets": {
            "count": len(impact.derived_datasets),
            "by_depth": _keys_to_str(impact.derived_by_depth),
            "ids": impact.derived_datasets,
        },
        "dataset_licenses": impact.dataset_licenses,
        "trained_models": {
            "count": len(impact.trained_models),
            "directly": len(impact.trained_directly),
            "by_dataset": impact.trained_by_dataset(),
            "ids": impact.trained_models,
        },
        **_downstream_document(impact.downstream),
        "cycles": [list(c) for c in lineage.cycles],
    }


def families_document(count: int, families: list[FamilySummary]) -> dict[str, Any]:
    """``graphsc families --format json``."""
    return {"schema": "graphsc.families/1", "count": count, "families": [family_document(f) for f in families]}


def analyze_document(
    models: int, written: str | None, betweenness: Betweenness, timings: dict[str, Timing]
) -> dict[str, Any]:
    """``graphsc analyze --format json``: ``written`` names the store the metrics went to (None: not written)."""
    return {
        "schema": "graphsc.analyze/1",
        "models": models,
        "written": written is not None,
        "store": written,
        "betweenness": {
            "sample": betweenness.sample,
            "nodes": betweenness.nodes,
            "seed": betweenness.seed,
            "exact": betweenness.exact,
        },
        "timings": timings_document(timings),
    }
