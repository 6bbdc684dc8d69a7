"""``graphsc stats``: the shape of the whole graph."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from graphsc.analytics.analysis import Analysis
from graphsc.analytics.depth import depth_distribution, longest_chains
from graphsc.analytics.families import FamilySummary
from graphsc.records import NO_LICENSE, Dataset, Space
from graphsc.store.base import GraphCounts


@dataclass(frozen=True, slots=True)
class LicenseCoverage:
    """How many datasets (or Spaces) are fetched and stubs, and how many of each declare a license."""

    fetched: int = 0
    fetched_licensed: int = 0
    stubs: int = 0
    stubs_licensed: int = 0

    @property
    def total(self) -> int:
        return self.fetched + self.stubs


@dataclass(frozen=True, slots=True)
class DatasetStats:
    """Datasets and Spaces: fetched and stub counts with and without a declared license (``declares_license``'s
    rule: a placeholder such as ``unknown`` declares none); dataset DERIVED_FROM edges; TRAINED_ON edges, and how
    many reach a dataset declaring a license; the top declared licenses of fetched datasets (``NO_LICENSE`` when a
    fetched dataset declares none) of ``dataset_license_kinds`` in all."""

    datasets: LicenseCoverage
    spaces: LicenseCoverage
    dataset_derived_from: int
    trained_on: int
    trained_on_licensed: int
    dataset_licenses: dict[str, int]
    dataset_license_kinds: int


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
    datasets: DatasetStats | None = None


def declared_licenses(analysis: Analysis) -> Counter[str]:
    """Fetched models per declared license (``NO_LICENSE`` when the card declares none)."""
    compact = analysis.compact
    codes = np.asarray(compact.license)[np.asarray(compact.fetched, dtype=bool)]
    per_code = np.bincount(codes + 1, minlength=len(compact.licenses) + 1).tolist()  # code -1: no license
    counts: Counter[str] = Counter()
    for label, n in zip([NO_LICENSE, *compact.licenses], per_code):
        if n:
            counts[label or NO_LICENSE] += n
    return counts


def _coverage(
    pages: Iterator[list[Dataset]] | Iterator[list[Space]], declares: Callable[[str | None], bool]
) -> tuple[LicenseCoverage, Counter[str], set[str]]:
    """The coverage of every record ``pages`` yields, the declared licenses of the fetched ones, and the ids of
    those (fetched or stubs) declaring a license."""
    fetched = fetched_licensed = stubs = stubs_licensed = 0
    licenses: Counter[str] = Counter()
    licensed: set[str] = set()
    for page in pages:
        for record in page:
            declared = declares(record.license)
            if declared:
                licensed.add(record.id)
            if record.fetched:
                fetched += 1
                fetched_licensed += declared
                licenses[record.license or NO_LICENSE] += 1
            else:
                stubs += 1
                stubs_licensed += declared
    return LicenseCoverage(fetched, fetched_licensed, stubs, stubs_licensed), licenses, licensed


def _top(counts: Counter[str], top: int) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top])


def dataset_stats(
    analysis: Analysis, counts: GraphCounts, declares: Callable[[str | None], bool], top: int = 10
) -> DatasetStats:
    """The datasets and Spaces part of ``graphsc stats`` (reads every dataset, Space and TRAINED_ON edge)."""
    store = analysis.store
    datasets, licenses, licensed = _coverage(store.iter_datasets(), declares)
    spaces, _, _ = _coverage(store.iter_spaces(), declares)
    compact = analysis.compact
    dataset_licensed = np.array([d in licensed for d in compact.dataset_ids.all()], dtype=bool)
    trained_on = len(compact.trained_dataset)
    trained_on_licensed = int(dataset_licensed[np.asarray(compact.trained_dataset)].sum()) if trained_on else 0
    return DatasetStats(
        datasets=datasets,
        spaces=spaces,
        dataset_derived_from=counts.dataset_derived_from,
        trained_on=trained_on,
        trained_on_licensed=trained_on_licensed,
        dataset_licenses=_top(licenses, top),
        dataset_license_kinds=len(licenses),
    )


def graph_stats(analysis: Analysis, top: int = 10, *, declares: Callable[[str | None], bool]) -> GraphStats:
    """Everything ``graphsc stats`` shows; ``top`` bounds the license, chain and family lists. ``declares`` tells
    a declared license from a placeholder (``graphsc.reuse.completeness.declares_license``, above this layer)."""
    counts = analysis.store.counts()
    licenses = analysis.timed("licenses", lambda: declared_licenses(analysis))
    dg, depth, families = analysis.graph, analysis.depth, analysis.families
    return GraphStats(
        counts=counts,
        licenses=_top(licenses, top),
        license_kinds=len(licenses),
        fetched_models=sum(licenses.values()),
        models_with_edges=dg.node_count,
        isolated_models=counts.nodes.get("Model", 0) - dg.node_count,
        depth_distribution=depth_distribution(depth),
        cycles=[[dg.ids[n] for n in c] for c in depth.cycles],
        longest_chains=longest_chains(dg, depth, min(top, 5)),
        family_count=len(families),
        families=families.top(dg, depth, top),
        datasets=analysis.timed("datasets", lambda: dataset_stats(analysis, counts, declares, top)),
    )
