"""Selection: filters count what they leave out; hotspots; a conflict's path to a model."""

from __future__ import annotations

import pytest

from graphsc.errors import GraphscError
from graphsc.licenses.engine import check_licenses
from graphsc.licenses.select import LEFT_OUT_REASONS, Filters, conflict_path, hotspots, select
from graphsc.lineage import compute_lineage
from graphsc.records import DerivedFrom, GraphBatch, Model, Repo, Uses
from graphsc.store.sqlite import SQLiteStore


def test_every_conflict_is_either_matched_or_counted_under_one_reason() -> None:
    models = [
        Model("org/nc", license="cc-by-nc-4.0"),
        Model("org/a", license="mit"),
        Model("org/b", license="mit"),
        Model("org/stub-child", license="mit"),
    ]
    edges = [
        DerivedFrom("org/a", "org/nc", "finetune", "t"),
        DerivedFrom("org/b", "org/a", "finetune", "t"),
        DerivedFrom("org/stub-child", "org/unfetched", "finetune", "t"),
    ]
    uses = [Uses(f"gh/r{i}", "repo", "org/nc", "t") for i in range(3)]
    report = check_licenses(models, edges, uses=uses, repos=[Repo(f"gh/r{i}", license="mit") for i in range(3)])
    for filters in (
        Filters(),
        Filters(min_severity="info"),
        Filters(kinds=("non_commercial_dropped",), limit=2),
        Filters(min_severity="info", min_impact=2, limit=1),
    ):
        chosen = select(report, filters)
        assert set(chosen.left_out) == set(LEFT_OUT_REASONS)
        beyond = chosen.left_out["beyond_limit"]
        assert len(chosen.matched) + sum(chosen.left_out.values()) - beyond == len(report.conflicts)
        assert len(chosen.shown) == len(chosen.matched) - beyond


def test_unknown_severity_or_kind_is_a_graphsc_error() -> None:
    with pytest.raises(GraphscError, match="Unknown severity"):
        Filters(min_severity="fatal").validate()
    with pytest.raises(GraphscError, match="Unknown conflict kind 'nope'") as raised:
        Filters(kinds=("nope",)).validate()
    assert "non_commercial_dropped" in (raised.value.hint or "")


def test_hotspots_count_conflicts_per_base_and_per_child_and_skip_singletons() -> None:
    models = [Model("org/nc", license="cc-by-nc-4.0"), Model("org/rail", license="creativeml-openrail-m")]
    uses = [
        Uses("gh/app", "repo", "org/nc", "t"),
        Uses("gh/app", "repo", "org/rail", "t"),
        Uses("gh/other", "repo", "org/nc", "t"),
    ]
    report = check_licenses(models, uses=uses, repos=[Repo("gh/app", license="mit"), Repo("gh/other", license="mit")])
    upstream, droppers = hotspots(select(report, Filters()).matched)
    assert [(h.id, h.license, h.conflicts) for h in upstream] == [("org/nc", "CC-BY-NC-4.0", 2)]
    assert [(h.id, h.conflicts) for h in droppers] == [("gh/app", 2)]


def test_path_follows_only_models_the_conflict_reaches(tmp_path) -> None:
    # nc → a (mit, drops) → b (mit) → m (mit); also nc → c (cc-by-nc, restores) → m: the path goes through b.
    licenses = {"x/nc": "cc-by-nc-4.0", "x/a": "mit", "x/b": "mit", "x/c": "cc-by-nc-4.0", "x/m": "mit"}
    models = [Model(i, license=lic) for i, lic in licenses.items()]
    edges = [
        DerivedFrom(c, b, "finetune", "t")
        for c, b in [("x/a", "x/nc"), ("x/b", "x/a"), ("x/m", "x/b"), ("x/c", "x/nc"), ("x/m", "x/c")]
    ]
    store = SQLiteStore(tmp_path / "g.db")
    try:
        store.write(GraphBatch(models=models, derived_from=edges))
        lineage = compute_lineage(store, "x/m", "up")
    finally:
        store.close()
    report = check_licenses(models, edges)
    (c,) = [c for c in report.conflicts if c.child == "x/a"]
    path = conflict_path(c, lineage, {})
    assert [(h.id, h.role) for h in path] == [
        ("x/nc", "source"),
        ("x/a", "origin"),
        ("x/b", "inherited"),
        ("x/m", "inherited"),
    ]
    assert path[-1].is_model and not any(h.is_model for h in path[:-1])
