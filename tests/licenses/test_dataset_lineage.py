"""Dataset lineage in the license engine: a dataset made from another (``source_datasets: extended|<id>``) carries
its source's obligations on the data to the models trained on it, and a derived dataset whose license drops them is
a finding of its own (see ``graphsc.licenses.engine``'s docstring for the decision and its license sources).

Every expectation is on a graph of a few nodes, small enough to work out by hand; each says why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from graphsc.licenses.engine import check_licenses, check_store
from graphsc.licenses.explain import explain
from graphsc.licenses.findings import Conflict, LicenseReport
from graphsc.licenses.graph import EDGE_DATASET_DERIVED, build_graph
from graphsc.records import Dataset, DatasetDerivedFrom, GraphBatch, Model, Repo, Space, TrainedOn, Uses
from graphsc.store.sqlite import SQLiteStore

NC_CLAUSE = "cc-by-nc-4.0.commercial_use: CC BY-NC 4.0 §1(i), §2(a)(1)"


def _check(
    datasets: Mapping[str, str | None],
    sources: list[tuple[str, str]],
    models: Mapping[str, str | None],
    trained: list[tuple[str, str]],
    uses: Sequence[Uses] = (),
    repos: Sequence[Repo] = (),
    spaces: Sequence[Space] = (),
) -> LicenseReport:
    return check_licenses(
        [Model(m, license=lic) for m, lic in models.items()],
        trained_on=[TrainedOn(m, d, "card") for m, d in trained],
        uses=uses,
        datasets=[Dataset(d, license=lic) for d, lic in datasets.items()],
        repos=repos,
        spaces=spaces,
        dataset_derived_from=[DatasetDerivedFrom(c, b, "card") for c, b in sources],
    )


def _by_rule(report: LicenseReport) -> dict[str, list[Conflict]]:
    out: dict[str, list[Conflict]] = {}
    for c in report.conflicts:
        out.setdefault(c.rule, []).append(c)
    return out


def test_a_derived_dataset_relicensed_mit_still_carries_nc_to_the_model() -> None:
    # d/nc (CC BY-NC 4.0) → d/derived (MIT) → m/model (Apache-2.0): NC is dropped twice, by two publishers.
    report = _check(
        {"d/nc": "cc-by-nc-4.0", "d/derived": "mit"},
        [("d/derived", "d/nc")],
        {"m/model": "apache-2.0"},
        [("m/model", "d/derived")],
    )
    rules = _by_rule(report)
    assert sorted(rules) == ["D-NC", "T-NC"]
    (training,) = rules["T-NC"]
    assert (training.edge, training.child, training.child_type, training.base) == (
        "trained_on",
        "m/model",
        "model",
        "d/derived",
    )
    assert training.base_license == "MIT"  # the dataset trained on, as declared ...
    assert training.origin_licenses == ("cc-by-nc-4.0",)  # ... while the obligation is its source's
    assert training.chain == ("d/nc", "d/derived")  # where it originates, then the path
    assert training.clauses == (NC_CLAUSE,)
    assert training.key == "T-NC/trained_on:m/model<-d/derived"
    assert "(from d/nc)" in training.detail
    (dropped,) = rules["D-NC"]
    assert (dropped.edge, dropped.child, dropped.child_type, dropped.base, dropped.relation) == (
        "dataset_derived",
        "d/derived",
        "dataset",
        "d/nc",
        "source_datasets",
    )
    assert (dropped.severity, dropped.child_license, dropped.base_license) == ("error", "MIT", "CC-BY-NC-4.0")
    assert dropped.clauses == (NC_CLAUSE,) and dropped.chain == ("d/nc",)
    assert dropped.key == "D-NC/dataset_derived:d/derived<-d/nc"
    # The model's publisher chose the model's license, so the model has its own training-data finding rather than
    # extending the dataset's; the dataset's finding still reaches the model (models only, never a dataset) and
    # names the datasets carrying the drop apart.
    assert dropped.reached_models == ("m/model",) and training.reached_models == ("m/model",)
    assert dropped.reached_datasets == ("d/derived",) and training.reached_datasets == ()
    assert report.lineage_edges == 0 and report.dataset_lineage_edges == 1


def test_the_chain_names_every_dataset_between_the_origin_and_the_training_data() -> None:
    # d/nc → d/mid (MIT) → d/leaf (Apache-2.0) → model: NC is dropped once among the datasets (at d/mid, carried
    # on by d/leaf), then again by the model.
    report = _check(
        {"d/nc": "cc-by-nc-4.0", "d/mid": "mit", "d/leaf": "apache-2.0"},
        [("d/mid", "d/nc"), ("d/leaf", "d/mid")],
        {"m/model": "mit"},
        [("m/model", "d/leaf")],
    )
    rules = _by_rule(report)
    assert sorted(rules) == ["D-NC", "T-NC"]
    (dropped,) = rules["D-NC"]
    assert dropped.child == "d/mid" and dropped.reached_datasets == ("d/mid", "d/leaf")
    assert dropped.reached_models == ("m/model",)  # trained on d/leaf, which carries the drop on
    (training,) = rules["T-NC"]
    assert training.base == "d/leaf" and training.chain == ("d/nc", "d/mid", "d/leaf")


def test_a_derived_dataset_that_keeps_nc_is_no_finding_and_is_the_origin_itself() -> None:
    # d/derived declares CC BY-NC 4.0 itself: nothing is dropped between the datasets; the model's finding names
    # d/derived's own license as the origin (the nearest dataset imposing it).
    report = _check(
        {"d/nc": "cc-by-nc-4.0", "d/derived": "cc-by-nc-4.0"},
        [("d/derived", "d/nc")],
        {"m/model": "apache-2.0"},
        [("m/model", "d/derived")],
    )
    (training,) = report.conflicts
    assert training.rule == "T-NC" and training.chain == ("d/derived",)


def test_a_non_commercial_model_trained_on_the_derived_dataset_drops_nothing() -> None:
    report = _check(
        {"d/nc": "cc-by-nc-4.0", "d/derived": "mit"},
        [("d/derived", "d/nc")],
        {"m/model": "cc-by-nc-4.0"},
        [("m/model", "d/derived")],
    )
    assert [c.rule for c in report.conflicts] == ["D-NC"]  # the dataset's drop only


def test_a_derived_dataset_without_a_license_is_indeterminate_and_the_model_still_gets_t_nc() -> None:
    report = _check(
        {"d/nc": "cc-by-nc-4.0", "d/derived": None},
        [("d/derived", "d/nc")],
        {"m/model": "apache-2.0"},
        [("m/model", "d/derived")],
    )
    rules = _by_rule(report)
    assert sorted(rules) == ["D-UNK-CHILD", "T-NC"]
    assert rules["D-UNK-CHILD"][0].child_type == "dataset"
    assert rules["T-NC"][0].chain == ("d/nc", "d/derived")


def test_share_alike_and_no_derivatives_sources_are_judged_like_a_models_base() -> None:
    report = _check(
        {"d/sa": "cc-by-sa-4.0", "d/nd": "cc-by-nd-4.0", "d/from-sa": "mit", "d/from-nd": "cc-by-nd-4.0"},
        [("d/from-sa", "d/sa"), ("d/from-nd", "d/nd")],
        {},
        [],
    )
    found = {(c.rule, c.child) for c in report.conflicts}
    # CC BY-SA 4.0 §3(b): Adapted Material under the same license; CC BY-ND 4.0 §2(a)(1)(B): none may be shared
    assert found == {("D-SA", "d/from-sa"), ("D-ND", "d/from-nd")}
    assert {c.edge for c in report.conflicts} == {"dataset_derived"}


def test_unknown_terms_of_a_source_dataset_are_not_carried() -> None:
    # d/stub is only named as a source (not fetched): as for training data, unknown terms are no finding downstream.
    report = _check(
        {"d/derived": "mit"}, [("d/derived", "d/stub")], {"m/model": "apache-2.0"}, [("m/model", "d/derived")]
    )
    assert report.conflicts == []


def test_permissive_datasets_and_their_derivatives_hold_no_finding() -> None:
    report = _check(
        {"d/base": "cc-by-4.0", "d/derived": "mit"},
        [("d/derived", "d/base")],
        {"m/model": "apache-2.0"},
        [("m/model", "d/derived")],
    )
    assert report.conflicts == []


def test_edges_are_datasets_not_models_once_each_and_cycles_are_broken() -> None:
    # a dataset sharing a model's id stays a node of its own; a self-loop is dropped; a repeat is kept once;
    # a cycle between datasets is broken, not looped over.
    graph = build_graph(
        [Model("x/same", license="apache-2.0")],
        datasets=[Dataset("x/same", license="cc-by-nc-4.0"), Dataset("d/a", license="mit"), Dataset("d/b")],
        dataset_derived_from=[
            DatasetDerivedFrom("d/a", "x/same", "card"),
            DatasetDerivedFrom("d/a", "x/same", "hub-tag"),
            DatasetDerivedFrom("d/a", "d/a", "card"),
            DatasetDerivedFrom("d/a", "d/b", "card"),
            DatasetDerivedFrom("d/b", "d/a", "card"),
        ],
    )
    assert graph.node_ids == ["x/same", "x/same", "d/a", "d/b"] and graph.n_models == 1
    assert graph.parent_kind.count(EDGE_DATASET_DERIVED) == 3
    assert [graph.node_ids[graph.parent_idx[p]] for p in graph.parents(2)] == ["x/same", "d/b"]
    assert graph.parent_idx[graph.parents(2)[0]] == 1  # the dataset x/same, not the model
    report = check_licenses(
        [Model("x/same", license="apache-2.0")],
        datasets=[Dataset("x/same", license="cc-by-nc-4.0"), Dataset("d/a", license="mit"), Dataset("d/b")],
        dataset_derived_from=[
            DatasetDerivedFrom("d/a", "x/same", "card"),
            DatasetDerivedFrom("d/b", "d/a", "card"),
            DatasetDerivedFrom("d/a", "d/b", "card"),
        ],
    )
    assert len(report.cycle_edges_ignored) == 1
    assert ("D-NC", "d/a") in {(c.rule, c.child) for c in report.conflicts}


def test_the_model_view_lists_a_dataset_finding_reaching_the_model_but_not_under_a_datasets_id() -> None:
    report = _check(
        {"d/nc": "cc-by-nc-4.0", "d/derived": "mit"},
        [("d/derived", "d/nc")],
        {"m/model": "apache-2.0", "d/derived": "mit"},  # a model that shares the derived dataset's id
        [("m/model", "d/derived")],
    )
    assert report.for_model("d/derived") == []  # the model d/derived is not trained on the data
    # D-NC (error) ranks before T-NC (warning): same reach, one model
    assert [(c.rule, role) for c, role in report.for_model("m/model")] == [("D-NC", "inherited"), ("T-NC", "origin")]


def test_spaces_are_checked_by_the_usage_rules_exactly_like_repositories() -> None:
    # A Space declared MIT using a CC BY-NC 4.0 model: U-NC, as for a repository under the same license.
    models = {"m/nc": "cc-by-nc-4.0", "m/llama": "llama2"}
    used = [Uses("s/demo", "space", m, "space-card") for m in models] + [
        Uses("gh/app", "repo", m, "test") for m in models
    ]
    report = _check(
        {}, [], models, [], used, repos=[Repo("gh/app", license="mit")], spaces=[Space("s/demo", license="mit")]
    )
    by_user: dict[str, set[tuple[str, str | None]]] = {}
    for c in report.conflicts:
        by_user.setdefault(c.child_type, set()).add((c.rule, c.base))
    assert by_user["space"] == by_user["repo"]
    assert ("U-NC", "m/nc") in by_user["space"]
    (space_nc,) = [c for c in report.conflicts if c.child_type == "space" and c.rule == "U-NC"]
    assert (space_nc.edge, space_nc.child, space_nc.clauses) == ("uses", "s/demo", (NC_CLAUSE,))
    assert space_nc.reached_repos == ("s/demo",)
    assert "Space" in space_nc.description
    assert (report.uses.total, report.uses.checkable) == (4, 4)


def test_a_space_without_a_license_is_not_checkable() -> None:
    report = _check({}, [], {"m/nc": "cc-by-nc-4.0"}, [], [Uses("s/demo", "space", "m/nc", "space-card")])
    assert report.conflicts == [] and (report.uses.total, report.uses.checkable) == (1, 0)


def test_the_store_gathering_reads_dataset_lineage(tmp_path: Path) -> None:
    # check_store (every CLI command's path) reads the datasets' DERIVED_FROM edges via iter_dataset_derived_from.
    store = SQLiteStore(tmp_path / "g.db")
    try:
        store.write(
            GraphBatch(
                models=[Model("m/model", license="apache-2.0")],
                datasets=[Dataset("d/nc", license="cc-by-nc-4.0"), Dataset("d/derived", license="mit")],
                dataset_derived_from=[DatasetDerivedFrom("d/derived", "d/nc", "card")],
                trained_on=[TrainedOn("m/model", "d/derived", "card")],
                spaces=[Space("s/demo", license="mit")],
                uses=[Uses("s/demo", "space", "m/model", "space-card")],
            )
        )
        report = check_store(store)
    finally:
        store.close()
    rules = _by_rule(report)
    assert sorted(rules) == ["D-NC", "T-NC"]
    assert rules["T-NC"][0].chain == ("d/nc", "d/derived")
    assert rules["T-NC"][0].reached_repos == ("s/demo",)  # the Space using the model carries the drop on
    assert report.dataset_lineage_edges == 1


def test_explain_says_dataset_lineage_carries_the_obligation() -> None:
    (nc,) = [o for o in explain("cc-by-nc-4.0")["obligations"] if o["kind"] == "non_commercial"]
    assert "source_datasets (as a dataset's license)" in nc["crosses"]
    assert nc["rules"]["dataset_derived"] == ["D-NC", "D-UNK-CHILD"]


def test_a_space_and_a_repository_sharing_an_id_are_two_users() -> None:
    # GitHub acme/demo (CC BY-NC 4.0: keeps NC) and the Space acme/demo (MIT: drops it) both use a CC BY-NC 4.0 model:
    # each is judged on its own license, so only the Space has a finding.
    report = _check(
        {},
        [],
        {"m/nc": "cc-by-nc-4.0"},
        [],
        [Uses("acme/demo", "repo", "m/nc", "test"), Uses("acme/demo", "space", "m/nc", "space-card")],
        repos=[Repo("acme/demo", license="cc-by-nc-4.0")],
        spaces=[Space("acme/demo", license="mit")],
    )
    assert [(c.rule, c.child, c.child_type, c.child_license) for c in report.conflicts] == [
        ("U-NC", "acme/demo", "space", "MIT")
    ]
    assert (report.uses.total, report.uses.checkable, report.uses.in_conflict) == (2, 2, 1)
