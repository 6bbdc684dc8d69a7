"""A lineage read from the compact graph is the lineage read from the store: every field, for every bundled model
in every direction, and on random graphs with merges and cycles; the tree drawn from it is the same text."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.compact import build_compact, compact_graph, saved_compact_graph
from graphsc.lineage import Lineage, StoreModels, compute_lineage
from graphsc.records import DerivedFrom, GraphBatch, Model
from graphsc.store.sqlite import SQLiteStore

FIELDS = [f for f in Lineage.__dataclass_fields__ if f not in ("models", "downloads")]


def _same(store: SQLiteStore, compact, model_id: str, direction: str, max_depth: int | None = None) -> None:  # type: ignore[no-untyped-def]
    plain = compute_lineage(store, model_id, direction, max_depth)  # type: ignore[arg-type]
    fast = compute_lineage(store, model_id, direction, max_depth, compact=compact, lazy_models=True)  # type: ignore[arg-type]
    for name in FIELDS:
        got, want = getattr(fast, name), getattr(plain, name)
        if name in ("ancestor_edges", "descendant_edges"):  # the compact graph does not keep fetch times
            got = tuple(e._replace(fetched_at=None) for e in got)
            want = tuple(e._replace(fetched_at=None) for e in want)
        assert got == want, (model_id, direction, name)
    assert isinstance(fast.models, StoreModels)
    assert dict(fast.models) == dict(plain.models)
    for model_id_ in plain.models:
        assert fast.downloads_of(model_id_) == (plain.models[model_id_].downloads or 0)


def test_every_bundled_lineage_is_the_same_from_the_compact_graph(families_store: SQLiteStore) -> None:
    compact = build_compact(families_store)
    ids = [m.id for batch in families_store.iter_models() for m in batch]
    assert len(ids) > 300
    for model_id in ids:
        for direction in ("up", "down", "both"):
            _same(families_store, compact, model_id, direction)
    for model_id in ids[:40]:
        _same(families_store, compact, model_id, "both", 1)


NAMES = [f"o/m{i}" for i in range(10)]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edges=st.lists(
        st.tuples(st.sampled_from(NAMES), st.sampled_from(NAMES), st.sampled_from(["finetune", "merge", "adapter"])),
        max_size=25,
        unique_by=lambda e: (e[0], e[1]),
    ),
    start=st.sampled_from(NAMES),
)
def test_random_lineages_with_merges_and_cycles_are_the_same(edges: list, start: str) -> None:
    with tempfile.TemporaryDirectory() as directory, SQLiteStore(Path(directory) / "g.db") as store:
        store.write(
            GraphBatch(
                models=[Model(m, downloads=i * 7 % 5) for i, m in enumerate(NAMES)],
                derived_from=[DerivedFrom(c, b, r, "card" if i % 2 else "tags") for i, (c, b, r) in enumerate(edges)],
            )
        )
        compact = build_compact(store)
        for direction in ("up", "down", "both"):
            for max_depth in (None, 1, 2):
                _same(store, compact, start, direction, max_depth)


def test_the_tree_is_the_same_text_with_or_without_a_saved_compact_graph(families_store: SQLiteStore) -> None:
    db = str(families_store.path)
    runner = CliRunner()
    args = ["lineage", "deepseek-ai/DeepSeek-R1", "--db", db, "--width", "4", "--limit", "30"]
    json_args = [*args[:4], "--format", "json"]
    assert saved_compact_graph(families_store) is None
    without = runner.invoke(app, args, env={"COLUMNS": "120"})
    json_without = runner.invoke(app, json_args)
    compact_graph(families_store)
    assert saved_compact_graph(families_store) is not None
    with_compact = runner.invoke(app, args, env={"COLUMNS": "120"})
    json_with = runner.invoke(app, json_args)
    assert without.exit_code == with_compact.exit_code == json_without.exit_code == json_with.exit_code == 0
    assert with_compact.output == without.output
    assert "deepseek-ai/DeepSeek-R1" in without.output and "descendants" in without.output
    assert json_with.output == json_without.output and '"descendants"' in json_with.output


def test_cycles_are_found_alike_in_small_and_large_lineages() -> None:
    import random

    import networkx as nx

    from graphsc.lineage import _cycles_of

    rng = random.Random(7)
    names = [f"o/m{i}" for i in range(1500)]
    pairs = {(names[i], names[rng.randrange(i)]) for i in range(1, 1500) for _ in range(2)}  # a DAG: base < child
    pairs |= {(names[i], names[i + rng.randrange(1, 4)]) for i in range(0, 1400, 100)}  # back edges: cycles
    pairs |= {(names[i], names[i]) for i in (3, 77, 1234)}  # models naming themselves
    edges = [DerivedFrom(c, b, "finetune", "card") for c, b in pairs]
    graph = nx.DiGraph(list(pairs))
    expected = sorted(
        tuple(sorted(c)) for c in nx.strongly_connected_components(graph) if len(c) > 1 or graph.has_edge(*[*c] * 2)
    )
    assert len(pairs) >= 2000 and len(expected) > 1
    assert _cycles_of(edges) == expected  # peeled first
    small = sorted(edges)[:1500]
    small_graph = nx.DiGraph([(e.child, e.base) for e in small])
    assert _cycles_of(small) == sorted(
        tuple(sorted(c))
        for c in nx.strongly_connected_components(small_graph)
        if len(c) > 1 or small_graph.has_edge(*[*c] * 2)
    )
