"""The compact graph beside the store: the whole graph as memory-mappable arrays, valid for one store generation.

Whole-graph readers (analytics, ``licenses``, ``lineage`` summaries) open it instead of re-reading every row; see
``graphsc.compact.graph`` for what it holds and ``graphsc.compact.files`` for its lifecycle.
"""

from graphsc.compact.build import build_compact
from graphsc.compact.files import compact_graph, load, save, saved_compact_graph, snapshot_dir
from graphsc.compact.graph import CompactGraph, Strings

__all__ = [
    "CompactGraph",
    "Strings",
    "build_compact",
    "compact_graph",
    "load",
    "save",
    "saved_compact_graph",
    "snapshot_dir",
]
