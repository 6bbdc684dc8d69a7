"""Small graph algorithms over adjacency dicts, for the interactive path where importing NetworkX would cost
more than the computation. Whole-graph analytics use NetworkX (``graphsc.analytics``)."""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

N = TypeVar("N", bound=Hashable)


def strongly_connected_components(nodes: Iterable[N], successors: Mapping[N, list[N]]) -> list[list[N]]:
    """Tarjan's algorithm, iterative (no recursion limit on deep chains)."""
    index: dict[N, int] = {}
    low: dict[N, int] = {}
    on_stack: set[N] = set()
    stack: list[N] = []
    components: list[list[N]] = []
    counter = 0
    for start in nodes:
        if start in index:
            continue
        work: list[tuple[N, int]] = [(start, 0)]
        while work:
            node, child_pos = work.pop()
            if child_pos == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            succ = successors.get(node, [])
            recurse = False
            for pos in range(child_pos, len(succ)):
                nxt = succ[pos]
                if nxt not in index:
                    work.append((node, pos + 1))
                    work.append((nxt, 0))
                    recurse = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if recurse:
                continue
            if low[node] == index[node]:
                component: list[N] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


def cycles(nodes: Iterable[N], successors: Mapping[N, list[N]]) -> list[list[N]]:
    """The groups of nodes that lie on a cycle: components of two or more, and self-loops."""
    return [
        sorted(component, key=str)
        for component in strongly_connected_components(nodes, successors)
        if len(component) > 1 or component[0] in successors.get(component[0], [])
    ]


def longest_path_lengths(nodes: Iterable[N], successors: Mapping[N, list[N]]) -> dict[N, int]:
    """For each node, the number of edges on the longest path to a sink, with edges inside cycles ignored
    (the members of a cycle share one length)."""
    node_list = list(nodes)
    components = strongly_connected_components(node_list, successors)
    component_of = {n: i for i, comp in enumerate(components) for n in comp}
    # Tarjan emits components in reverse topological order: every successor component comes first.
    length = [0] * len(components)
    for i, comp in enumerate(components):
        best = 0
        for node in comp:
            for nxt in successors.get(node, []):
                j = component_of[nxt]
                if j != i:
                    best = max(best, length[j] + 1)
        length[i] = best
    return {n: length[component_of[n]] for n in node_list}


def bfs_distances(start: N, successors: Mapping[N, list[N]], max_depth: int | None = None) -> dict[N, int]:
    """Shortest number of edges from ``start`` to every reachable node (``start`` itself is 0)."""
    distance = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        d = distance[node]
        if max_depth is not None and d >= max_depth:
            continue
        for nxt in successors.get(node, []):
            if nxt not in distance:
                distance[nxt] = d + 1
                queue.append(nxt)
    return distance
