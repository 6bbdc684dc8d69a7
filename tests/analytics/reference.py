"""Independent plain-Python computations the tests compare graphsc's NetworkX results with."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable

from graphsc.store.sqlite import SQLiteStore


def edges_of(store: SQLiteStore) -> list[tuple[str, str]]:
    return [(e.child, e.base) for batch in store.iter_derived_from() for e in batch]


def bfs(start: str, step: dict[str, set[str]]) -> set[str]:
    """Everything reachable from ``start`` (``start`` excluded unless on a cycle through it)."""
    seen: set[str] = set()
    queue = deque(step.get(start, ()))
    while queue:
        node = queue.popleft()
        if node not in seen:
            seen.add(node)
            queue.extend(step.get(node, ()))
    return seen


def children_map(edges: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    down: dict[str, set[str]] = defaultdict(set)
    for child, base in edges:
        down[base].add(child)
    return down


def parents_map(edges: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    up: dict[str, set[str]] = defaultdict(set)
    for child, base in edges:
        up[child].add(base)
    return up


def generations_acyclic(edges: list[tuple[str, str]]) -> dict[str, int]:
    """Longest path up to a root by memoised DFS (for acyclic inputs)."""
    up = parents_map(edges)
    memo: dict[str, int] = {}

    def gen(node: str) -> int:
        if node not in memo:
            memo[node] = max((gen(b) + 1 for b in up.get(node, ())), default=0)
        return memo[node]

    return {n: gen(n) for c, b in edges for n in (c, b)}


def weak_components(edges: list[tuple[str, str]]) -> list[set[str]]:
    """Union-find over the edges."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for child, base in edges:
        parent[find(child)] = find(base)
    groups: dict[str, set[str]] = defaultdict(set)
    for node in list(parent):
        groups[find(node)].add(node)
    return list(groups.values())
