"""Engine behaviour: conflicts reported once at their origin, reach, cycles, ranking."""

from __future__ import annotations

from graphsc.licenses.engine import check_licenses
from graphsc.records import DerivedFrom, Model, Repo, Uses


def chain(*licenses: str | None, relation: str = "finetune") -> list:
    models = [Model(f"org/m{i}", license=lic, downloads=10**i) for i, lic in enumerate(licenses)]
    edges = [DerivedFrom(f"org/m{i + 1}", f"org/m{i}", relation, "test") for i in range(len(licenses) - 1)]
    return models, edges


def test_inherited_conflict_is_reported_once_at_its_origin_and_reaches_descendants() -> None:
    models, edges = chain("cc-by-nc-4.0", "cc-by-nc-4.0", "apache-2.0", "mit", "apache-2.0")
    report = check_licenses(models, edges)
    assert len(report.conflicts) == 1
    c = report.conflicts[0]
    assert (c.kind, c.child, c.base) == ("non_commercial_dropped", "org/m2", "org/m1")
    assert c.reached_models == ("org/m2", "org/m3", "org/m4")
    assert c.reached_downloads == 100 + 1000 + 10000
    assert [role for _, role in report.for_model("org/m4")] == ["inherited"]
    assert [role for _, role in report.for_model("org/m2")] == ["origin"]


def test_descendant_that_restores_the_obligation_stops_the_reach_and_a_later_drop_is_new() -> None:
    models, edges = chain("cc-by-nc-4.0", "mit", "cc-by-nc-4.0", "apache-2.0")
    report = check_licenses(models, edges)
    origins = sorted((c.child, c.base) for c in report.conflicts)
    assert origins == [("org/m1", "org/m0"), ("org/m3", "org/m2")]
    assert {c.child: c.reached_models for c in report.conflicts}["org/m1"] == ("org/m1",)


def test_repos_using_a_reached_model_count_in_the_origin_conflicts_impact() -> None:
    models, edges = chain("creativeml-openrail-m", "mit", "mit")
    uses = [Uses("gh/a", "repo", "org/m2", "t"), Uses("gh/b", "repo", "org/m2", "t")]
    repos = [Repo("gh/a", license="apache-2.0"), Repo("gh/b", license="openrail")]
    report = check_licenses(models, edges, uses=uses, repos=repos)
    (c,) = [c for c in report.conflicts if c.kind == "use_restrictions_dropped"]
    # gh/b's "openrail" names no variant: it may carry CreativeML's list, so it is not counted as dropping it
    assert c.reached_repos == ("gh/a",)
    assert (report.uses.total, report.uses.checkable, report.uses.in_conflict) == (2, 2, 1)


def test_declared_lineage_cycles_terminate_and_are_recorded() -> None:
    models = [Model("org/a", license="cc-by-nc-4.0"), Model("org/b", license="mit"), Model("org/c", license="mit")]
    edges = [
        DerivedFrom("org/a", "org/b", "finetune", "t"),
        DerivedFrom("org/b", "org/a", "finetune", "t"),
        DerivedFrom("org/c", "org/b", "finetune", "t"),
        DerivedFrom("org/a", "org/a", "finetune", "t"),
    ]
    report = check_licenses(models, edges)
    assert report.cycle_edges_ignored == [("org/a", "org/b")]
    (c,) = report.conflicts
    assert (c.child, c.base, c.reached_models) == ("org/b", "org/a", ("org/b", "org/c"))


def test_conflicts_are_ranked_by_impact() -> None:
    models = [
        Model("org/nc", license="cc-by-nc-4.0"),
        Model("org/small", license="mit", downloads=1),
        Model("org/big", license="mit", downloads=5),
        Model("org/big-child", license="mit", downloads=1),
    ]
    edges = [
        DerivedFrom("org/small", "org/nc", "finetune", "t"),
        DerivedFrom("org/big", "org/nc", "finetune", "t"),
        DerivedFrom("org/big-child", "org/big", "finetune", "t"),
    ]
    report = check_licenses(models, edges)
    assert [c.child for c in report.conflicts] == ["org/big", "org/small"]
    assert report.conflicts[0].impact == (2, 6, 0)


def test_unfetched_base_stub_is_an_unknown_license() -> None:
    report = check_licenses(
        [Model("org/child", license="mit")], [DerivedFrom("org/child", "org/stub", "finetune", "t")]
    )
    (c,) = report.conflicts
    assert (c.kind, c.severity) == ("unknown_license_in_chain", "info")
