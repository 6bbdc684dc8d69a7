"""``graphsc stats``: the shape of the whole graph."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from graphsc.analytics.analysis import Analysis
from graphsc.analytics.depth import depth_distribution, longest_chains
from graphsc.analytics.families import FamilySummary
from graphsc.records import NO_LICENSE
from graphsc.store.base import GraphCounts


@dataclass(frozen=True, slots=True)
class GraphStats:
    """Counts, declared licenses of fetched models, generations, cycles, chains and the largest families.

    ``licenses`` holds the top licenses only; ``fetched_models`` counts every fetched model (the whole their
    shares are of). ``depth_distribution`` covers models with derivation edges; ``isolated_models`` have none
    (generation 0).
    """

    counts: GraphCounts
    licenses: dict[str, int]
    license_kinds: int
    fetched_models: int
    models_with_edges: int
    isolated_models: int
    depth_distribution: dict[int, int]
    cycles: list[list[str]]
    longest_chains: list[list[str]]
    family_count: int
    families: list[FamilySummary]


def declared_licenses(analysis: Analysis) -> Counter[str]:
    """Fetched models per declared license (``NO_LICENSE`` when the card declares none)."""
    counts: Counter[str] = Counter()
    for batch in analysis.store.iter_model_fields(["license", "fetched"]):
        counts.update(license or NO_LICENSE for _, license, fetched in batch if fetched)
    return counts


def graph_stats(analysis: Analysis, top: int = 10) -> GraphStats:
    """Everything ``graphsc stats`` shows; ``top`` bounds the license, chain and family lists."""
    counts = analysis.store.counts()
    licenses = analysis.timed("licenses", lambda: declared_licenses(analysis))
    dg, depth, families = analysis.graph, analysis.depth, analysis.families
    return GraphStats(
        counts=counts,
        licenses=dict(sorted(licenses.items(), key=lambda kv: (-kv[1], kv[0]))[:top]),
        license_kinds=len(licenses),
        fetched_models=sum(licenses.values()),
        models_with_edges=dg.node_count,
        isolated_models=counts.nodes.get("Model", 0) - dg.node_count,
        depth_distribution=depth_distribution(depth),
        cycles=[[dg.ids[n] for n in c] for c in depth.cycles],
        longest_chains=longest_chains(dg, depth, min(top, 5)),
        family_count=len(families),
        families=families.top(dg, depth, top),
    )
