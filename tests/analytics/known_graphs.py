"""Small derivation graphs whose metrics are known by construction (edges: child, base, relation)."""

from __future__ import annotations

from collections.abc import Callable

from graphsc.store.sqlite import SQLiteStore

Edge = tuple[str, str, str]
MakeStore = Callable[..., SQLiteStore]  # the make_store fixture: (edges, downloads=, uses=, isolated=) -> store

CHAIN: list[Edge] = [("b", "a", "finetune"), ("c", "b", "quantized"), ("d", "c", "adapter")]
# r ← x, r ← y; m merges x and y; z derives from m and directly from r (a shortcut that must not shorten z)
DIAMOND: list[Edge] = [
    ("x", "r", "finetune"),
    ("y", "r", "finetune"),
    ("m", "x", "merge"),
    ("m", "y", "merge"),
    ("z", "m", "finetune"),
    ("z", "r", "finetune"),
]
# r ← a; a and b name each other as base (a declared cycle); c derives from b; s names itself
CYCLE: list[Edge] = [
    ("a", "r", "finetune"),
    ("a", "b", "finetune"),
    ("b", "a", "finetune"),
    ("c", "b", "adapter"),
    ("s", "s", "finetune"),
]
# three trees: p (4 models, depth 2), q (3 models, two roots via a merge), t (2 models)
FOREST: list[Edge] = [
    ("p1", "p", "finetune"),
    ("p2", "p", "quantized"),
    ("p3", "p1", "finetune"),
    ("qm", "q", "merge"),
    ("qm", "q2", "merge"),
    ("t1", "t", "adapter"),
]
