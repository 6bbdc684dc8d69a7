"""Blast radius of one model, and metrics written to the store."""

from __future__ import annotations

import sqlite3

import pytest

from graphsc.analytics.analysis import Analysis
from graphsc.analytics.impact import compute_impact
from graphsc.analytics.metrics import model_metrics
from graphsc.errors import UnknownModelError
from tests.analytics.known_graphs import CYCLE, DIAMOND, MakeStore


def test_impact_counts_descendants_by_depth_relation_users_and_licenses(make_store: MakeStore) -> None:
    store = make_store(DIAMOND, downloads={"m": 7, "z": 3}, uses=[("o/app", "repo", "z"), ("sp", "space", "m")])
    impact = compute_impact(store, "r")
    assert impact.lineage.descendant_count == 4
    assert impact.lineage.descendants_by_depth == {1: 3, 2: 1}  # z is one edge from r
    assert impact.lineage.descendants_by_relation == {"finetune": 3, "merge": 1}
    assert impact.repos == ["o/app"] and impact.spaces == ["sp"]
    assert impact.licenses == {"mit": 5}
    assert impact.descendant_downloads == 10


def test_impact_of_an_unknown_model_suggests_close_ids(make_store: MakeStore) -> None:
    store = make_store([("org/child", "org/base-model", "finetune")])
    with pytest.raises(UnknownModelError) as error:
        compute_impact(store, "base-model")
    assert "org/base-model" in error.value.suggestions


def test_write_model_metrics_replaces_previous_rows(make_store: MakeStore) -> None:
    store = make_store(CYCLE, uses=[("o/r", "repo", "lonely")])
    rows = list(model_metrics(Analysis(store)))
    assert {r.model_id for r in rows} == {"r", "a", "b", "c", "s", "lonely"}
    assert store.write_model_metrics(rows) == 6
    assert store.write_model_metrics(rows[:2]) == 2
    db = sqlite3.connect(store.path)
    assert db.execute("SELECT count(*) FROM model_metrics").fetchone()[0] == 2
    store.write_model_metrics(rows)
    got = {
        r[0]: r[1:]
        for r in db.execute(
            "SELECT model_id, generation, in_cycle, family, descendants, derivatives_finetune, exposure_repos, pagerank "
            "FROM model_metrics"
        )
    }
    assert got["a"][:6] == (1, 1, "r", 2, 1, 0)
    assert got["r"][:6] == (0, 0, "r", 3, 1, 0)
    assert got["lonely"] == (0, 0, None, 0, 0, 1, None)


def test_downstream_of_several_starts_counts_each_model_once_from_the_nearest(make_store: MakeStore) -> None:
    from graphsc.analytics.impact import downstream_of

    # r ← a ← b (finetune); a is also a start: it is depth 0, and b one edge below it, not two below r
    store = make_store([("a", "r", "finetune"), ("b", "a", "quantized")], uses=[("o/app", "repo", "b")])
    down = downstream_of(store, ["a", "r"])
    assert dict(down.depth) == {"a": 0, "r": 0, "b": 1}
    assert (down.descendant_count, down.descendants_by_relation, down.repos) == (1, {"quantized": 1}, ["o/app"])
    assert down.licenses == {"mit": 3}
    assert downstream_of(store, []).depth == {}
