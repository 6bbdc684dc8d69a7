"""Lineage on the real bundled families, checked against a plain computation from the records themselves."""

from __future__ import annotations

from collections import defaultdict, deque
from functools import cache

import pytest

from graphsc.errors import UnknownModelError
from graphsc.lineage import compute_lineage
from graphsc.records import DerivedFrom, GraphBatch, Model
from graphsc.sources.hub_records import model_record_from_hub
from graphsc.store.sqlite import SQLiteStore

ROOTS = ("deepseek-ai/DeepSeek-R1", "mistralai/Mistral-Small-24B-Base-2501")


def declared_parents(records: list[dict]) -> dict[str, set[str]]:
    """Parents as the Hub resolves them: the ``base_model:<relation>:<id>`` tags when a record has them, else its
    plain ``base_model:<id>`` tags, else the card's ``base_model`` (every id in these files is already canonical)."""
    parents: dict[str, set[str]] = defaultdict(set)
    for r in records:
        tags = [t for t in r.get("tags") or [] if t.startswith("base_model:")]
        related = {t.split(":")[2] for t in tags if t.count(":") == 2}
        plain = {t.split(":", 1)[1] for t in tags if t.count(":") == 1}
        card_base = (r.get("cardData") or {}).get("base_model")
        card = {b.strip() for b in ([card_base] if isinstance(card_base, str) else card_base or [])}
        if found := related or plain or card:
            parents[r["id"]] = found
    return parents


def bfs(start: str, step: dict[str, set[str]]) -> dict[str, int]:
    seen = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in step.get(node, ()):
            if nxt not in seen:
                seen[nxt] = seen[node] + 1
                queue.append(nxt)
    return seen


@pytest.mark.parametrize("root", ROOTS)
def test_descendants_and_depths_match_the_records(
    families_store: SQLiteStore, family_records: list[dict], root: str
) -> None:
    parents = declared_parents(family_records)
    children: dict[str, set[str]] = defaultdict(set)
    for child, bases in parents.items():
        for base in bases:
            children[base].add(child)
    expected = bfs(root, children)
    lineage = compute_lineage(families_store, root, "down")
    assert dict(lineage.descendant_depth) == expected
    assert lineage.descendant_count == len(expected) - 1 > 0
    assert {(e.child, e.base) for e in lineage.descendant_edges} == {
        (c, b) for b in expected for c in children.get(b, ()) if c in expected
    }
    assert sum(lineage.descendants_by_relation.values()) == lineage.descendant_count


def test_every_model_reaches_its_roots_with_the_longest_generation(
    families_store: SQLiteStore, family_records: list[dict]
) -> None:
    parents = declared_parents(family_records)

    @cache
    def generation(model: str) -> int:
        return max((generation(p) + 1 for p in parents.get(model, ())), default=0)

    for record in family_records:
        lineage = compute_lineage(families_store, record["id"], "up")
        ancestors = bfs(record["id"], parents)
        assert lineage.generation == generation(record["id"])
        assert set(lineage.roots) == {a for a in ancestors if not parents.get(a)}
        assert set(lineage.ancestor_distance) == set(ancestors)


def test_merge_shows_every_parent(families_store: SQLiteStore) -> None:
    # The bundled families hold no merge (the Hub tags all of them finetunes): a mergekit merge of two of their
    # models, tagged as the Hub tags merges.
    parents = ("deepseek-ai/DeepSeek-R1", "mistralai/Mistral-Small-24B-Base-2501")
    record = {
        "id": "x/merged",
        "tags": ["merge", "mergekit", *(f"base_model:merge:{p}" for p in parents)],
        "cardData": {"base_model": list(parents)},
    }
    families_store.write(_batch_of(record))
    lineage = compute_lineage(families_store, "x/merged", "up")
    assert {e.base: e.relation for e in lineage.bases_of("x/merged")} == dict.fromkeys(parents, "merge")


def _batch_of(record: dict) -> GraphBatch:
    batch = GraphBatch()
    batch.add(model_record_from_hub(record))
    return batch


def test_max_depth_trims_both_directions(families_store: SQLiteStore) -> None:
    lineage = compute_lineage(families_store, ROOTS[0], "down", max_depth=1)
    assert set(lineage.descendants_by_depth) == {1}
    assert all(e.base == ROOTS[0] for e in lineage.descendant_edges)


def chain_store(store: SQLiteStore, edges: list[tuple[str, str]]) -> SQLiteStore:
    nodes = sorted({n for e in edges for n in e})
    store.write(
        GraphBatch(
            models=[Model(n) for n in nodes], derived_from=[DerivedFrom(c, b, "finetune", "inferred") for c, b in edges]
        )
    )
    return store


def test_cycle_is_reported_not_looped_on(store: SQLiteStore) -> None:
    # c -> b -> a -> b (a and b declare each other), and s declares itself
    chain_store(store, [("c", "b"), ("b", "a"), ("a", "b"), ("s", "s")])
    lineage = compute_lineage(store, "c", "both")
    assert lineage.cycles == (("a", "b"),)
    assert lineage.generation == 1 and set(lineage.roots) == {"a", "b"}
    assert compute_lineage(store, "s").cycles == (("s",),)
    assert compute_lineage(store, "s").descendant_count == 0


def test_diamond_generation_is_longest_path(store: SQLiteStore) -> None:
    chain_store(store, [("d", "b"), ("d", "c"), ("b", "a"), ("c", "x"), ("x", "a")])
    lineage = compute_lineage(store, "d", "up")
    assert lineage.generation == 3 and lineage.roots == ("a",)
    down = compute_lineage(store, "a", "down")
    assert down.descendant_depth == {"a": 0, "b": 1, "x": 1, "d": 2, "c": 2}


def test_unknown_model_suggests_close_matches(families_store: SQLiteStore) -> None:
    with pytest.raises(UnknownModelError) as info:
        compute_lineage(families_store, "deepseek-ai/DeepSeek-R2")
    assert "deepseek-ai/DeepSeek-R1" in info.value.suggestions
