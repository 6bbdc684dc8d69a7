"""``Analysis``: the metrics of one store, each computed on first use, once, and timed.

Commands ask only for what they show, so ``graphsc rank --by pagerank`` never reads downloads or USES edges.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

import numpy as np

from graphsc.analytics.centrality import (
    BETWEENNESS_SAMPLE,
    BETWEENNESS_SEED,
    Betweenness,
    betweenness,
    direct_derivatives,
    pagerank,
)
from graphsc.analytics.depth import Depth, compute_depth
from graphsc.analytics.families import Families, compute_families, root_nodes
from graphsc.analytics.graph import DerivationGraph, Usage, derivation_graph, read_usage
from graphsc.analytics.progress import NO_PROGRESS, Progress
from graphsc.analytics.reach import Exposure, Reach, compute_exposure, compute_reach
from graphsc.bulk import frozen_gc
from graphsc.compact import CompactGraph, compact_graph
from graphsc.store.base import GraphStore

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Timing:
    """Wall time of one step and the process's peak RSS (MiB) when it ended (the peak so far, not the step's)."""

    seconds: float
    peak_rss_mib: float


def peak_rss_mib() -> float:
    """This process's peak resident set size so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Analysis:
    """Lazily computed whole-graph metrics of ``store`` (see docs/analytics.md for each definition)."""

    def __init__(
        self,
        store: GraphStore,
        progress: Progress = NO_PROGRESS,
        betweenness_sample: int = BETWEENNESS_SAMPLE,
        betweenness_seed: int = BETWEENNESS_SEED,
    ) -> None:
        self.store = store
        self.progress = progress
        self.betweenness_sample = betweenness_sample
        self.betweenness_seed = betweenness_seed
        self.timings: dict[str, Timing] = {}

    def timed(self, name: str, compute: Callable[[], T]) -> T:
        """Run ``compute``, recording its wall time and the peak RSS under ``name``."""
        started = time.perf_counter()
        with frozen_gc():
            result = compute()
        self.timings[name] = Timing(time.perf_counter() - started, peak_rss_mib())
        return result

    @cached_property
    def compact(self) -> CompactGraph:
        """The store's compact graph: opened when saved for the store's generation, else built (and saved)."""

        def open_or_build() -> CompactGraph:
            self.progress.phase("opening the compact graph")
            return compact_graph(self.store)

        return self.timed("compact", open_or_build)

    @cached_property
    def graph(self) -> DerivationGraph:
        compact = self.compact
        return self.timed("graph", lambda: derivation_graph(compact, self.progress))

    @cached_property
    def depth(self) -> Depth:
        dg = self.graph
        return self.timed("depth", lambda: compute_depth(dg, self.progress))

    @cached_property
    def families(self) -> Families:
        dg, depth = self.graph, self.depth

        def compute() -> Families:
            roots = root_nodes(depth)
            root_downloads = self.compact.downloads[dg.model_of[roots]]
            return compute_families(dg, depth, dict(zip(roots, root_downloads.tolist())), self.progress)

        return self.timed("families", compute)

    @cached_property
    def downloads(self) -> np.ndarray:
        """Downloads of every node of the derivation graph."""
        dg = self.graph
        return self.timed("downloads", lambda: np.asarray(self.compact.downloads[dg.model_of], dtype=np.int64))

    @cached_property
    def reach(self) -> Reach:
        dg, downloads = self.graph, self.downloads
        return self.timed("reach", lambda: compute_reach(dg, downloads, self.progress))

    @cached_property
    def pagerank(self) -> np.ndarray:
        dg = self.graph
        return self.timed("pagerank", lambda: pagerank(dg, self.progress))

    @cached_property
    def betweenness(self) -> Betweenness:
        dg = self.graph
        return self.timed(
            "betweenness", lambda: betweenness(dg, self.betweenness_sample, self.betweenness_seed, self.progress)
        )

    @cached_property
    def derivatives(self) -> np.ndarray:
        dg = self.graph
        return self.timed("derivatives", lambda: direct_derivatives(dg))

    @cached_property
    def usage(self) -> Usage:
        compact = self.compact
        return self.timed("usage", lambda: read_usage(compact, self.progress))

    @cached_property
    def exposure(self) -> Exposure:
        dg, usage = self.graph, self.usage
        return self.timed("exposure", lambda: compute_exposure(dg, usage, self.progress))

    def compute_all(self, with_betweenness: bool = True) -> None:
        """Compute every metric now (each timed on its own), e.g. before assembling ``ModelMetrics`` rows."""
        for name in (
            "compact",
            "graph",
            "depth",
            "downloads",
            "families",
            "reach",
            "pagerank",
            "derivatives",
            "usage",
            "exposure",
        ):
            _ = getattr(self, name)
        if with_betweenness:
            _ = self.betweenness
