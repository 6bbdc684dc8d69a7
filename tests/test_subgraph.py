"""The subgraph a picture or an export shows: which models, edges, datasets, users and findings it holds."""

from __future__ import annotations

from collections import deque

import pytest

from graphsc.errors import GraphscError, UnknownModelError, UnknownRepoError
from graphsc.license_table.categories import CATEGORY_ORDER, category
from graphsc.licenses.engine import check_store
from graphsc.records import DerivedFrom, GraphBatch, Model, Repo, TrainedOn, Uses
from graphsc.store.sqlite import SQLiteStore
from graphsc.subgraph import subgraph_of

ROOT = "deepseek-ai/DeepSeek-R1"


def _closure(store: SQLiteStore, start: str, up: bool) -> set[str]:
    """Models reachable from ``start`` over DERIVED_FROM, walked here edge by edge (not with graphsc's lineage)."""
    edges = [e for batch in store.iter_derived_from() for e in batch]
    step: dict[str, set[str]] = {}
    for e in edges:
        a, b = (e.child, e.base) if up else (e.base, e.child)
        step.setdefault(a, set()).add(b)
    seen, queue = {start}, deque([start])
    while queue:
        for nxt in step.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def test_a_family_holds_the_root_and_every_descendant(families_store: SQLiteStore) -> None:
    graph = subgraph_of(families_store, check_store(families_store), family=ROOT)
    models = {n.id for n in graph.nodes.values() if n.kind == "model"}
    assert models == _closure(families_store, ROOT, up=False)
    assert graph.roots == [ROOT]
    expected = {
        (e.child, e.base, e.relation)
        for batch in families_store.iter_derived_from()
        for e in batch
        if e.child in models and e.base in models
    }
    assert {(e.source, e.target, e.relation) for e in graph.edges if e.kind == "derived_from"} == expected


def test_a_models_lineage_holds_ancestors_and_descendants(families_store: SQLiteStore) -> None:
    focus = "perplexity-ai/r1-1776"
    graph = subgraph_of(families_store, check_store(families_store), model=focus)
    models = {n.id for n in graph.nodes.values() if n.kind == "model"}
    assert models == _closure(families_store, focus, up=True) | _closure(families_store, focus, up=False)
    assert graph.focus == focus and graph.roots == [ROOT]
    node = graph.nodes[focus]
    assert node.url == f"https://huggingface.co/{focus}" and node.license == "MIT" and node.category == "permissive"
    users = {u.user for u in families_store.uses_of([focus])}
    assert set(node.users) == users


def test_a_merge_below_the_model_keeps_all_its_parents(store: SQLiteStore) -> None:
    models = [Model(i, license="mit") for i in ("a/root", "a/ft", "b/other", "c/merge")]
    edges = [
        DerivedFrom("a/ft", "a/root", "finetune", "hub-tag"),
        DerivedFrom("c/merge", "a/ft", "merge", "hub-tag"),
        DerivedFrom("c/merge", "b/other", "merge", "hub-tag"),
    ]
    store.write(GraphBatch(models=models, derived_from=edges))
    graph = subgraph_of(store, check_store(store), model="a/root")
    assert {(e.source, e.target) for e in graph.edges} == {(e.child, e.base) for e in edges}
    assert "b/other" in graph.nodes  # the merge's other parent, outside a/root's lineage
    family = subgraph_of(store, check_store(store), family="a/root")
    assert {(e.source, e.target) for e in family.edges} == {(e.child, e.base) for e in edges}


def test_datasets_users_and_findings_inside(store: SQLiteStore) -> None:
    batch = GraphBatch(
        models=[Model("lab/nc-base", license="cc-by-nc-4.0"), Model("acme/ft", license="apache-2.0")],
        derived_from=[DerivedFrom("acme/ft", "lab/nc-base", "finetune", "hub-tag")],
        trained_on=[TrainedOn("acme/ft", "org/data", "card")],
        uses=[Uses("acme/app", "repo", "acme/ft", "peatmoss", "app.py:3")],
        repos=[Repo("acme/app", license="mit")],
    )
    store.write(batch)
    graph = subgraph_of(store, check_store(store), model="acme/ft")
    kinds = {(e.kind, e.source, e.target) for e in graph.edges}
    assert ("trained_on", "acme/ft", "org/data") in kinds and ("uses", "acme/app", "acme/ft") in kinds
    assert graph.nodes["org/data"].kind == "dataset" and graph.nodes["acme/app"].kind == "repo"
    assert graph.nodes["acme/app"].url == "https://github.com/acme/app"
    assert graph.nodes["lab/nc-base"].category == "non-commercial"
    assert graph.nodes["acme/ft"].datasets == ("org/data",) and graph.nodes["acme/ft"].users == ("acme/app",)
    origins = {(f.rule, f.child, f.bases) for f in graph.findings}
    assert ("D-NC", "acme/ft", ("lab/nc-base",)) in origins
    assert all(set(f.reached) <= set(graph.nodes) for f in graph.findings)


def test_a_repositorys_models_and_their_ancestors(store: SQLiteStore) -> None:
    store.write(
        GraphBatch(
            models=[Model("a/root", license="mit"), Model("a/ft", license="mit"), Model("x/unused", license="mit")],
            derived_from=[DerivedFrom("a/ft", "a/root", "finetune", "hub-tag")],
            uses=[Uses("Acme/App", "repo", "a/ft", "peatmoss"), Uses("other/app", "repo", "a/ft", "peatmoss")],
        )
    )
    graph = subgraph_of(store, check_store(store), repo="acme/app")
    assert set(graph.nodes) == {"a/root", "a/ft", "Acme/App"}
    assert [(e.source, e.target) for e in graph.edges if e.kind == "uses"] == [("Acme/App", "a/ft")]
    with pytest.raises(UnknownRepoError):
        subgraph_of(store, check_store(store), repo="nobody/here")


def test_unknown_model_and_two_scopes_are_errors(families_store: SQLiteStore) -> None:
    report = check_store(families_store)
    with pytest.raises(UnknownModelError):
        subgraph_of(families_store, report, model="nobody/nothing")
    with pytest.raises(GraphscError):
        subgraph_of(families_store, report, model=ROOT, family=ROOT)


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        ((), "unknown"),
        (("mit",), "permissive"),
        (("mit", "cc-by-nc-4.0"), "non-commercial"),
        (("apache-2.0", "gpl-3.0"), "copyleft"),
        (("openrail",), "rail"),
        (("not-a-license-id",), "unknown"),
    ],
)
def test_category_is_the_most_restrictive(ids: tuple[str, ...], expected: str) -> None:
    assert category(ids) == expected
    assert expected in CATEGORY_ORDER


def test_a_repository_sharing_a_models_id_is_its_own_node(store: SQLiteStore) -> None:
    """GitHub's allenai/specter uses the Hub model allenai/specter: two nodes and an edge, never a self-loop."""
    store.write(
        GraphBatch(
            models=[Model("allenai/specter", license="cc-by-nc-4.0")],
            uses=[
                Uses("allenai/specter", "repo", "allenai/specter", "peatmoss"),
                Uses("other/app", "repo", "allenai/specter", "peatmoss"),
            ],
            repos=[Repo("allenai/specter", license="mit"), Repo("other/app", license="mit")],
        )
    )
    report = check_store(store)
    graph = subgraph_of(store, report, repo="allenai/specter")
    assert graph.nodes["allenai/specter"].kind == "model"
    assert graph.nodes["repo:allenai/specter"].kind == "repo"
    assert [(e.source, e.target) for e in graph.edges if e.kind == "uses"] == [
        ("repo:allenai/specter", "allenai/specter")
    ]
    # only this application's use findings, with the node keys of their origin edge
    assert {(f.child, f.bases) for f in graph.findings} == {("repo:allenai/specter", ("allenai/specter",))}
    everything = subgraph_of(store, report)
    assert len(everything.nodes) == 3 and not any(e.source == e.target for e in everything.edges)


def test_a_finding_on_an_edge_outside_the_family_is_left_out(store: SQLiteStore) -> None:
    """a/root (MIT) is itself a finetune of x/nc (non-commercial): that D-NC is on an edge above the family. The
    merge c/merge below a/root also has x/nc as a parent, so both ends are in the family's picture; the edge is
    not, and neither is the finding."""
    store.write(
        GraphBatch(
            models=[
                Model("x/nc", license="cc-by-nc-4.0"),
                Model("a/root", license="mit"),
                Model("c/merge", license="mit"),
            ],
            derived_from=[
                DerivedFrom("a/root", "x/nc", "finetune", "hub-tag"),
                DerivedFrom("c/merge", "a/root", "merge", "hub-tag"),
                DerivedFrom("c/merge", "x/nc", "merge", "hub-tag"),
            ],
        )
    )
    report = check_store(store)
    assert any(c.child == "a/root" for c in report.conflicts)
    graph = subgraph_of(store, report, family="a/root")
    assert {"x/nc", "a/root", "c/merge"} <= set(graph.nodes)
    edges = {(e.source, e.target) for e in graph.edges}
    assert ("a/root", "x/nc") not in edges
    assert all(any((f.child, b) in edges for b in f.bases) for f in graph.findings)
    assert graph.findings == []  # the one finding (D-NC at a/root <- x/nc, reaching c/merge) starts above
