"""Policies over dataset lineage: the datasets a training dataset was made from are in the chain, datasets match
gated/fetched, training-data findings show the dataset chain. The graph, with every answer read off it:

    data/nc (cc-by-nc-4.0, gated manual) ── source of ── data/derived (mit) ── trained ── org/m (apache-2.0)
    org/m ── finetune ── org/m-ft (apache-2.0);   repo acme/app uses org/m;   Space sp/demo uses org/m-ft

data/derived drops data/nc's non-commercial terms (D-NC at dataset_derived); org/m, trained on it, is licensed
for commercial use (T-NC at trained_on, whose obligation comes from data/nc)."""

from __future__ import annotations

from datetime import date

import pytest

from graphsc.errors import GraphscError
from graphsc.policy import CheckResult, Hop, Scope, check_policy, parse_policy
from graphsc.records import NO_LICENSE, Dataset, DatasetDerivedFrom, DerivedFrom, Model, Repo, Space, TrainedOn, Uses
from tests.policy.graphs import Records

TODAY = date(2026, 6, 1)
NC, DERIVED, M, FT, APP, DEMO = "data/nc", "data/derived", "org/m", "org/m-ft", "acme/app", "sp/demo"
NO_NC_DATA = 'category = "non-commercial"\nnode = "dataset"'


def lineage() -> Records:
    return Records(
        models=[Model(M, license="apache-2.0"), Model(FT, license="apache-2.0")],
        edges=[DerivedFrom(FT, M, "finetune", "test")],
        training=[TrainedOn(M, DERIVED, "card")],
        uses=[Uses(APP, "repo", M, "test"), Uses(DEMO, "space", FT, "test")],
        datasets=[Dataset(NC, "cc-by-nc-4.0", gated="manual"), Dataset(DERIVED, "mit")],
        dataset_edges=[DatasetDerivedFrom(DERIVED, NC, "source-datasets")],
        repos=[Repo(APP, "mit")],
        spaces=[Space(DEMO, "mit")],
    )


def rule(body: str, action: str = "deny", rid: str = "r") -> str:
    return f'[[rules]]\nid = "{rid}"\naction = "{action}"\n{body}\n'


def run(body: str, scope: Scope | None = None, records: Records | None = None) -> CheckResult:
    records = records or lineage()
    report = records.report()
    policy = parse_policy("version = 1\n" + body, "test.toml")
    return check_policy(policy, records.state(report), report, scope, today=TODAY, datasets=records.policy_datasets())


def hops(chain: tuple[Hop, ...]) -> list[tuple[str, str | None]]:
    return [(h.id, h.relation) for h in chain]


# ───────────── 1. source datasets are in the chain ─────────────


def test_a_no_nc_data_rule_denies_the_source_dataset_of_a_training_dataset() -> None:
    result = run(rule(NO_NC_DATA), Scope(model=M))
    (v,) = result.violations
    assert (v.node, v.node_kind, v.license, v.positions) == (NC, "dataset", "CC-BY-NC-4.0", ("dataset",))
    assert hops(v.chain) == [(NC, "source_datasets"), (DERIVED, "trained_on"), (M, None)]
    assert (v.subjects, v.repos, v.key) == ((M,), (), f"r:{NC}")
    assert result.failed


def test_the_chain_of_a_descendant_reaches_the_source_dataset_through_its_ancestor() -> None:
    (v,) = run(rule(NO_NC_DATA), Scope(model=FT)).violations
    assert hops(v.chain) == [(NC, "source_datasets"), (DERIVED, "trained_on"), (M, "finetune"), (FT, None)]
    assert v.subjects == (FT,)


def test_position_dataset_covers_source_datasets_in_a_repository_scoped_rule() -> None:
    body = rule('category = "non-commercial"\nposition = ["dataset"]\n[rules.scope]\nrepos = ["acme/*"]')
    (v,) = run(body, Scope(repo=APP)).violations
    assert (v.node, v.positions, v.subjects, v.repos) == (NC, ("dataset",), (), (APP,))
    assert hops(v.chain) == [(NC, "source_datasets"), (DERIVED, "trained_on"), (M, "uses"), (APP, None)]
    # the Space is not acme's: the rule's scope leaves it out
    assert run(body, Scope(repo=DEMO)).violations == []
    # the whole graph: both models' chains hold data/nc, acme/app's usage does, the Space's is out of scope
    (v,) = run(body).violations
    assert (v.node, v.subjects, v.repos) == (NC, (), (APP,))
    (v,) = run(rule(NO_NC_DATA)).violations
    assert (v.node, v.subjects, v.repos) == (NC, (M, FT), (APP, DEMO))


def test_source_datasets_are_followed_recursively_and_cycles_end() -> None:
    recs = lineage()
    # data/derived ← data/mid ← data/nc, with a cycle data/mid ↔ data/loop and a self-reference
    recs.datasets += [Dataset("data/mid", "mit"), Dataset("data/loop", "mit")]
    recs.dataset_edges = [
        DatasetDerivedFrom(DERIVED, "data/mid", "source-datasets"),
        DatasetDerivedFrom("data/mid", NC, "source-datasets"),
        DatasetDerivedFrom("data/mid", "data/loop", "source-datasets"),
        DatasetDerivedFrom("data/loop", "data/mid", "source-datasets"),
        DatasetDerivedFrom("data/loop", "data/loop", "source-datasets"),
    ]
    result = run(rule('node = "dataset"', "warn"), Scope(model=M), recs)
    assert {v.node for v in result.violations} == {DERIVED, "data/mid", "data/loop", NC}
    by_node = {v.node: v for v in result.violations}
    assert hops(by_node[NC].chain) == [
        (NC, "source_datasets"),
        ("data/mid", "source_datasets"),
        (DERIVED, "trained_on"),
        (M, None),
    ]
    assert all(v.subjects == (M,) for v in result.violations)


def test_a_training_dataset_keeps_its_training_edge_when_it_is_also_a_source() -> None:
    recs = lineage()
    recs.training.append(TrainedOn(M, NC, "card"))  # trained on data/nc directly as well
    (v,) = run(rule(NO_NC_DATA), Scope(model=M), recs).violations
    assert hops(v.chain) == [(NC, "trained_on"), (M, None)]


def test_without_dataset_records_a_rule_that_may_match_datasets_is_an_error() -> None:
    recs = lineage()
    report = recs.report()
    assert report.dataset_lineage_edges == 1
    policy = parse_policy("version = 1\n" + rule(NO_NC_DATA, rid="no-nc-data"))
    with pytest.raises(GraphscError) as err:
        check_policy(policy, recs.state(report), report, Scope(model=M), today=TODAY)
    assert "no-nc-data" in str(err.value) and "dataset lineage" in str(err.value)
    assert err.value.hint is not None and "policy_datasets" in err.value.hint
    # a rule on models only needs no datasets
    models_only = parse_policy("version = 1\n" + rule('category = "non-commercial"\nnode = "model"'))
    assert check_policy(models_only, recs.state(report), report, today=TODAY).violations == []


# ───────────── 2. gated and fetched match datasets ─────────────


def gated_records() -> Records:
    recs = lineage()
    recs.datasets = [
        Dataset(NC, "cc-by-nc-4.0", gated="manual"),
        Dataset(DERIVED, "mit", gated="false"),
        Dataset("data/auto", "mit", gated="auto"),
        Dataset("data/open", "mit"),
        Dataset("data/stub", fetched=False),
    ]
    recs.training += [TrainedOn(M, d, "card") for d in ("data/auto", "data/open", "data/stub", "data/unknown")]
    return recs


def test_gated_matches_datasets_as_models() -> None:
    recs = gated_records()
    gated = run(rule('gated = true\nnode = "dataset"'), Scope(model=M), recs)
    assert {v.node for v in gated.violations} == {NC, "data/auto"}
    # not gated: "false", none, a stub, and data/unknown that has no record at all (as a model stub)
    open_ = run(rule('gated = false\nnode = "dataset"'), Scope(model=M), recs)
    assert {v.node for v in open_.violations} == {DERIVED, "data/open", "data/stub", "data/unknown"}
    # without node, models and datasets alike
    both = run(rule("gated = true"), None, recs)
    assert {v.node for v in both.violations} == {NC, "data/auto"}


def test_fetched_matches_datasets_as_models() -> None:
    recs = gated_records()
    stubs = run(rule('fetched = false\nnode = "dataset"'), Scope(model=M), recs)
    assert {v.node for v in stubs.violations} == {"data/stub", "data/unknown"}
    fetched = run(rule('fetched = true\nnode = "dataset"'), Scope(model=M), recs)
    assert {v.node for v in fetched.violations} == {NC, DERIVED, "data/auto", "data/open"}


def test_a_dataset_author_comes_from_its_record_else_its_namespace() -> None:
    recs = lineage()
    recs.datasets = [Dataset(NC, "cc-by-nc-4.0", author="Lab"), Dataset(DERIVED, "mit")]
    assert {v.node for v in run(rule('author = "lab"'), Scope(model=M), recs).violations} == {NC}
    assert {v.node for v in run(rule('author = "data"'), Scope(model=M), recs).violations} == {DERIVED}


def test_without_dataset_records_a_gated_rule_over_datasets_is_an_error() -> None:
    recs = gated_records()
    recs.dataset_edges = []
    report = recs.report()
    policy = parse_policy("version = 1\n" + rule("gated = true", rid="no-gated"))
    with pytest.raises(GraphscError, match="no-gated"):
        check_policy(policy, recs.state(report), report, today=TODAY)
    on_models = parse_policy("version = 1\n" + rule('gated = true\nnode = "model"'))
    assert check_policy(on_models, recs.state(report), report, today=TODAY).violations == []


# ───────────── 3. a training-data finding's chain starts at the origin dataset ─────────────


def test_a_training_data_finding_shows_the_dataset_chain() -> None:
    body = rule('on = "finding"\nfinding = "T-NC"', "warn", "t") + rule('on = "finding"\nfinding = "D-NC"', rid="d")
    result = run(body)
    by_rule = {v.rule: v for v in result.violations}
    t = by_rule["t"]
    assert t.finding is not None and t.finding.chain == (NC, DERIVED)
    assert [(h.id, h.kind, h.license, h.relation) for h in t.chain] == [
        (NC, "dataset", "CC-BY-NC-4.0", "source_datasets"),
        (DERIVED, "dataset", "MIT", "trained_on"),
        (M, "model", "Apache-2.0", None),
    ]
    d = by_rule["d"]
    assert [(h.id, h.kind, h.license, h.relation) for h in d.chain] == [
        (NC, "dataset", "CC-BY-NC-4.0", "source_datasets"),
        (DERIVED, "dataset", "MIT", None),
    ]


def test_a_longer_dataset_chain_is_shown_whole() -> None:
    recs = lineage()
    # data/nc → data/mid (no license: it drops nothing of its own, the NC terms pass on) → data/derived → org/m
    recs.datasets.append(Dataset("data/mid"))
    recs.dataset_edges = [
        DatasetDerivedFrom(DERIVED, "data/mid", "source-datasets"),
        DatasetDerivedFrom("data/mid", NC, "source-datasets"),
    ]
    body = rule('on = "finding"\nfinding = "T-NC"', rid="t") + rule('on = "finding"\nfinding = "D-NC"', rid="d")
    by_rule = {v.rule: v for v in run(body, None, recs).violations}
    assert [(h.id, h.license, h.relation) for h in by_rule["t"].chain] == [
        (NC, "CC-BY-NC-4.0", "source_datasets"),
        ("data/mid", NO_LICENSE, "source_datasets"),
        (DERIVED, "MIT", "trained_on"),
        (M, "Apache-2.0", None),
    ]
    # the dataset finding at data/derived (base data/mid) starts at data/nc too
    assert hops(by_rule["d"].chain) == [(NC, "source_datasets"), ("data/mid", "source_datasets"), (DERIVED, None)]


def test_a_dataset_finding_is_in_the_scope_of_the_models_trained_on_its_data() -> None:
    # the license engine's reach of a dataset finding (models trained on the data, their descendants and users)
    # scopes it, once each
    recs = lineage()
    # a dataset nobody trained on drops NC terms too: only the whole graph sees it
    recs.datasets += [Dataset("data/unused", "apache-2.0")]
    recs.dataset_edges.append(DatasetDerivedFrom("data/unused", NC, "source-datasets"))
    body = rule('on = "finding"\nedge = "dataset_derived"', rid="d")

    def found(scope: Scope | None) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        violations = run(body, scope, recs).violations
        assert len({v.key for v in violations}) == len(violations)
        return {v.node: (tuple(sorted(v.subjects)), tuple(sorted(v.repos))) for v in violations}

    assert found(Scope(model=M)) == {DERIVED: ((M,), ())}
    assert found(Scope(model=FT)) == {DERIVED: ((FT,), ())}
    assert found(Scope(repo=DEMO)) == {DERIVED: ((), (DEMO,))}
    assert found(None) == {DERIVED: ((M, FT), (APP, DEMO)), "data/unused": ((), ())}
    # a rule scoped to models sees only the finding in their chains
    scoped = body + '[rules.scope]\nmodels = ["org/m-ft"]\n'
    assert {v.node: v.subjects for v in run(scoped, None, recs).violations} == {DERIVED: (FT,)}


# ───────────── 4. a Space scope is named a space ─────────────


def test_a_space_scope_is_labelled_a_space() -> None:
    result = run(rule(NO_NC_DATA), Scope(repo=DEMO))
    assert (result.scope_id, result.scope_kind, result.scope_label) == (DEMO, "space", f"space {DEMO}")
    repo = run(rule(NO_NC_DATA), Scope(repo=APP))
    assert (repo.scope_kind, repo.scope_label) == ("repo", f"repo {APP}")
    assert run(rule(NO_NC_DATA), Scope(model=M)).scope_label == f"model {M}"
    assert run(rule(NO_NC_DATA)).scope_label == "whole graph"
