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
    in_cycle = depth.cycle_members()
    generation = depth.generation.tolist()
    label = families.label.tolist()
    for node, model_id in enumerate(dg.ids):
        by_relation = {dg.relations[r]: int(n) for r, n in enumerate(derivatives[node]) if n}
        repos, spaces = exposure.of(model_id)
        yield ModelMetrics(
            model_id=model_id,
            generation=generation[node],
            in_cycle=node in in_cycle,
            family=families.names[label[node]],
            family_size=int(families.sizes[label[node]]),
            descendants=int(reach.descendants[node]),
            descendant_downloads=int(reach.descendant_downloads[node]),
            derivatives=sum(by_relation.values()),
            derivatives_by_relation=by_relation,
            pagerank=float(pagerank[node]),
            betweenness=None if between is None else float(between[node]),
            exposure_repos=repos,
            exposure_spaces=spaces,
        )
    for model_id in sorted((exposure.repos.keys() | exposure.spaces.keys()) - dg.index.keys()):
        repos, spaces = exposure.of(model_id)
        yield ModelMetrics(
            model_id=model_id, generation=0, in_cycle=False, family=None, family_size=0, descendants=0,
            descendant_downloads=0, derivatives=0, derivatives_by_relation={}, pagerank=None,
            betweenness=None, exposure_repos=repos, exposure_spaces=spaces,
        )
