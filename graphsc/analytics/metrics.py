"""``graphsc analyze``: every metric of every model that has one, as ``ModelMetrics`` rows for the store."""

from __future__ import annotations

from collections.abc import Iterator

from graphsc.analytics.analysis import Analysis
from graphsc.store.base import ModelMetrics


def model_metrics(analysis: Analysis, with_betweenness: bool = True) -> Iterator[ModelMetrics]:
    """One row per model with derivation edges, then one per isolated model that is used (exposure only)."""
    dg, depth, families, reach = analysis.graph, analysis.depth, analysis.families, analysis.reach
    pagerank, derivatives, exposure = analysis.pagerank, analysis.derivatives, analysis.exposure
    between = analysis.betweenness.values if with_betweenness else None
    has_derivatives: list[bool] = (derivatives.sum(axis=1) > 0).tolist()
    derivatives_list: list[list[int]] = derivatives.tolist()
    in_cycle = depth.cycle_members()
    generation = depth.generation.tolist()
    label = families.label.tolist()
    names, sizes = families.names, families.sizes.tolist()
    descendants, descendant_downloads = reach.descendants.tolist(), reach.descendant_downloads.tolist()
    scores = pagerank.tolist()
    between_list = None if between is None else between.tolist()
    relations = dg.relations
    for node, model_id in enumerate(dg.ids):
        by_relation = (
            {relations[r]: n for r, n in enumerate(derivatives_list[node]) if n} if has_derivatives[node] else {}
        )
        repos, spaces = exposure.repos.get(model_id, 0), exposure.spaces.get(model_id, 0)
        yield ModelMetrics(
            model_id=model_id,
            generation=generation[node],
            in_cycle=node in in_cycle,
            family=names[label[node]],
            family_size=sizes[label[node]],
            descendants=descendants[node],
            descendant_downloads=descendant_downloads[node],
            derivatives=sum(by_relation.values()),
            derivatives_by_relation=by_relation,
            pagerank=scores[node],
            betweenness=None if between_list is None else between_list[node],
            exposure_repos=repos,
            exposure_spaces=spaces,
        )
    for model_id in sorted((exposure.repos.keys() | exposure.spaces.keys()) - dg.index.keys()):
        repos, spaces = exposure.of(model_id)
        yield ModelMetrics(
            model_id=model_id,
            generation=0,
            in_cycle=False,
            family=None,
            family_size=0,
            descendants=0,
            descendant_downloads=0,
            derivatives=0,
            derivatives_by_relation={},
            pagerank=None,
            betweenness=None,
            exposure_repos=repos,
            exposure_spaces=spaces,
        )
