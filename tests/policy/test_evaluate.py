"""Policy evaluation over small graphs with known answers (expected values from walking the records)."""

from __future__ import annotations

from datetime import date

import pytest

from graphsc.errors import GraphscError, UnknownModelError, UnknownRepoError
from graphsc.license_table.table import default_table
from graphsc.policy import CheckResult, Scope, Violation, check_policy, parse_policy
from graphsc.policy.model import Glob
from graphsc.records import DerivedFrom, Model, Repo, Uses
from tests.policy.graphs import Records, small

TODAY = date(2026, 6, 1)


def run(body: str, scope: Scope | None = None, records: Records | None = None) -> CheckResult:
    records = records or small()
    report = records.report()
    policy = parse_policy("version = 1\n" + body, "test.toml")
    return check_policy(policy, records.state(report), report, scope, today=TODAY, datasets=records.policy_datasets())


def nodes(result: CheckResult, rule: str | None = None) -> set[str]:
    return {v.node for v in result.violations if rule is None or v.rule == rule}


def by_node(result: CheckResult) -> dict[str, Violation]:
    return {v.node: v for v in result.violations}


def rule(body: str, action: str = "deny", rid: str = "r") -> str:
    return f'[[rules]]\nid = "{rid}"\naction = "{action}"\n{body}\n'


# ───────────── conditions ─────────────


def test_license_condition_any_spelling() -> None:
    recs = small()
    expected = {m.id for m in recs.models if m.license == "cc-by-nc-4.0"} | {
        d.id for d in recs.datasets if d.license == "cc-by-nc-4.0"
    }
    result = run(rule('license = ["CC-BY-NC-4.0"]'))
    assert nodes(result) == expected == {"nc/base", "data/nc-set"}
    assert {v.key for v in result.violations} == {"r:nc/base", "r:data/nc-set"}
    assert result.failed


def test_category_condition_and_unknown() -> None:
    assert nodes(run(rule('category = "non-commercial"'))) == {"nc/base", "data/nc-set"}
    recs = small()
    unknown = {m.id for m in recs.models if not m.fetched or m.license is None}
    assert nodes(run(rule('category = "unknown"'))) == unknown == {"stub/unknown-base"}


def test_clause_condition() -> None:
    recs = small()
    table = default_table()
    expected = {
        m.id
        for m in recs.models
        if m.license and table.lookup(m.license) and table.lookup(m.license).clause("use_restrictions_must_pass")  # type: ignore[union-attr]
    }
    assert nodes(run(rule('clause = "use_restrictions_must_pass"'))) == expected == {"meta-llama/Llama-2-7b", "rail/sd"}


def test_author_glob_gated_fetched_node_relation() -> None:
    assert nodes(run(rule('author = "META-*"'))) == {"meta-llama/Llama-2-7b"}
    assert nodes(run(rule("gated = true"))) == {"meta-llama/Llama-2-7b"}
    recs = small()
    # datasets match gated and fetched as models do: these two are fetched and not gated
    not_gated = {m.id for m in recs.models if m.gated in (None, "false")} | {d.id for d in recs.datasets}
    assert nodes(run(rule("gated = false"))) == not_gated
    assert nodes(run(rule("fetched = false"))) == {"stub/unknown-base"}
    assert nodes(run(rule('node = "dataset"'))) == {"data/nc-set", "data/open"}
    assert nodes(run(rule('relation = ["merge", "adapter"]'))) == {"acme/merged", "acme/adapter"}
    # a dataset's author is its namespace
    assert nodes(run(rule('author = "data"'))) == {"data/nc-set", "data/open"}


def test_conditions_combine_with_and() -> None:
    assert nodes(run(rule('author = "acme"\nlicense = "mit"'))) == {"acme/merged", "acme/adapter"}
    assert nodes(run(rule('author = "acme"\nlicense = "mit"\nrelation = "merge"'))) == {"acme/merged"}


# ───────────── positions and scopes ─────────────


def test_model_scope_positions_and_chain() -> None:
    recs = small()
    subject = "acme/adapter"
    ancestors = recs.ancestors(subject)
    datasets = recs.datasets_of(ancestors | {subject})
    result = run(rule(""), Scope(model="ACME/Adapter"))
    got = by_node(result)
    assert set(got) == {subject} | ancestors | datasets
    assert got[subject].positions == ("self",)
    assert all(got[a].positions == ("ancestor",) for a in ancestors)
    assert all(got[d].positions == ("dataset",) for d in datasets)
    assert all(v.subjects == (subject,) and v.repos == () for v in result.violations)
    chain = got["nc/base"].chain
    assert [(h.id, h.relation) for h in chain] == [
        ("nc/base", "merge"),
        ("acme/merged", "adapter"),
        ("acme/adapter", None),
    ]
    assert [h.id for h in got["data/nc-set"].chain] == ["data/nc-set", "nc/base", "acme/merged", "acme/adapter"]
    assert got["data/nc-set"].chain[0].relation == "trained_on"
    assert result.scope_id == subject


def test_position_condition() -> None:
    scope = Scope(model="acme/adapter")
    recs = small()
    assert nodes(run(rule('position = "ancestor"'), scope)) == recs.ancestors("acme/adapter")
    assert nodes(run(rule('position = ["self", "dataset"]'), scope)) == {"acme/adapter"} | recs.datasets_of(
        recs.ancestors("acme/adapter") | {"acme/adapter"}
    )


def test_repo_scope() -> None:
    recs = small()
    used = recs.used_by("acme/legacy-app")
    ancestors = set().union(*(recs.ancestors(m) for m in used))
    result = run(rule(""), Scope(repo="ACME/legacy-app"))
    got = by_node(result)
    assert set(got) == used | ancestors | recs.datasets_of(used | ancestors)
    assert all(got[m].positions == ("used",) for m in used)
    assert all(v.repos == ("acme/legacy-app",) and v.subjects == () for v in result.violations)
    assert got["rail/sd"].chain[-1].id == "acme/legacy-app"
    assert got["rail/sd"].chain[0].relation == "uses"


def test_repo_scope_covers_spaces() -> None:
    result = run(rule(""), Scope(repo="other/space"))
    assert nodes(result) == {"other/free"}
    assert by_node(result)["other/free"].repos == ("other/space",)


def test_whole_graph_positions_and_subjects() -> None:
    recs = small()
    result = run(rule(""))
    got = by_node(result)
    assert set(got) == {m.id for m in recs.models} | {d.id for d in recs.datasets}
    assert got["acme/llama-ft"].positions == ("self", "ancestor")
    assert got["acme/adapter"].positions == ("self", "used")
    assert got["data/open"].positions == ("dataset",)
    # subjects: the model and every descendant; repos: users of any of them
    nc = got["nc/base"]
    assert set(nc.subjects) == {"nc/base"} | recs.descendants("nc/base")
    assert nc.repos == ("acme/app",)
    ds = got["data/nc-set"]
    assert set(ds.subjects) == {"nc/base"} | recs.descendants("nc/base")


def test_rule_scope_models_glob_in_whole_graph() -> None:
    recs = small()
    body = rule('category = "non-commercial"\n[rules.scope]\nmodels = ["acme/*"]')
    result = run(body)
    got = by_node(result)
    assert set(got) == {"nc/base", "data/nc-set"}
    acme_desc = {m for m in recs.descendants("nc/base") if m.startswith("acme/")}
    assert set(got["nc/base"].subjects) == acme_desc
    assert got["nc/base"].positions == ("ancestor",)
    # a scope no model matches: nothing
    assert nodes(run(rule('category = "non-commercial"\n[rules.scope]\nmodels = ["zzz/*"]'))) == set()


def test_rule_scope_repos_glob() -> None:
    body = rule('clause = "use_restrictions_must_pass"\n[rules.scope]\nrepos = ["acme/legacy-*"]')
    result = run(body)
    assert nodes(result) == {"meta-llama/Llama-2-7b", "rail/sd"}
    assert all(v.positions == ("used",) for v in result.violations)
    # under a model scope, a repos-only rule has no usage to look at
    assert nodes(run(body, Scope(model="acme/adapter"))) == set()


def test_unknown_scope_ids() -> None:
    with pytest.raises(UnknownModelError) as err:
        run(rule(""), Scope(model="acme/adaptr"))
    assert "acme/adapter" in err.value.suggestions
    with pytest.raises(UnknownRepoError):
        run(rule(""), Scope(repo="nobody/here"))
    with pytest.raises(GraphscError):
        Scope(model="a/b", repo="c/d")


# ───────────── findings ─────────────


def test_finding_rules_whole_graph() -> None:
    recs = small()
    report = recs.report()
    result = run(rule('on = "finding"\nfinding = ["D-NC", "U-*"]'))
    expected = {f"r:{c.key}" for c in report.conflicts if c.rule == "D-NC" or c.rule.startswith("U-")}
    assert {v.key for v in result.violations} == expected
    nc = next(v for v in result.violations if v.finding is not None and v.finding.rule == "D-NC")
    assert [h.id for h in nc.chain] == ["nc/base", "acme/merged"]
    assert set(nc.subjects) == {"acme/merged", "acme/adapter"} and nc.repos == ("acme/app",)


def test_finding_conditions() -> None:
    report = small().report()

    def keys(body: str, scope: Scope | None = None) -> set[str]:
        return {v.finding.key for v in run(rule('on = "finding"\n' + body), scope).violations if v.finding}

    assert keys('severity = "warning"') == {c.key for c in report.conflicts if c.severity in ("error", "warning")}
    assert keys('kind = "use_restrictions_dropped"') == {c.key for c in report.conflicts if c.rule in ("D-UR", "U-UR")}
    assert keys('edge = "uses"') == {c.key for c in report.conflicts if c.edge == "uses"}
    assert keys('relation = "merge"') == {c.key for c in report.conflicts if c.relation == "merge"}
    assert keys('license = "Llama 2"') == {c.key for c in report.conflicts if "llama2" in c.origin_licenses}
    assert keys('category = "rail"') == {
        c.key for c in report.conflicts if "creativeml-openrail-m" in c.origin_licenses
    }
    assert keys('category = "unknown"') == {c.key for c in report.conflicts if c.rule == "D-UNK-BASE"}
    assert keys('clause = "user_threshold"') == {c.key for c in report.conflicts if "llama2" in c.origin_licenses}
    # scopes: what reaches the model; a repository's own findings and those reaching it
    assert keys("", Scope(model="acme/adapter")) == {c.key for c, _ in report.for_model("acme/adapter")}
    assert keys("", Scope(repo="acme/app")) == {
        c.key for c in report.conflicts if c.child == "acme/app" or "acme/app" in c.reached_repos
    }
    assert keys('finding = "D-*"\n[rules.scope]\nmodels = ["acme/quant"]') == {
        "D-UNK-BASE/derived:acme/quant<-stub/unknown-base"
    }


# ───────────── allow, waivers ─────────────


def test_allow_overrides_deny() -> None:
    body = rule('category = "non-commercial"', "deny", "no-nc") + rule('author = "nc"', "allow", "nc-ok")
    result = run(body)
    got = by_node(result)
    assert got["nc/base"].status == "allowed" and got["nc/base"].allowed_by == "nc-ok"
    assert got["data/nc-set"].status == "violation"
    assert result.failed
    body += rule('node = "dataset"', "allow", "datasets-ok")
    result = run(body)
    assert not result.failed
    assert result.counts["deny"] == {"violation": 0, "allowed": 2, "waived": 0}


def test_allow_on_findings() -> None:
    body = rule('on = "finding"\nfinding = "D-NC"', "deny", "nc") + rule(
        'on = "finding"\nrelation = "merge"', "allow", "merges"
    )
    result = run(body)
    assert [v.status for v in result.violations] == ["allowed"]


def test_waiver_by_finding_key() -> None:
    key = "D-NC/derived:acme/merged<-nc/base"
    waiver = f'[[waivers]]\nfinding = "{key.upper()}"\nreason = "deal"\nowner = "legal@x"\nexpires = 2027-01-01\n'
    result = run(rule('on = "finding"\nfinding = "D-NC"', rid="nc") + waiver)
    (v,) = result.violations
    assert v.status == "waived" and v.waiver is not None and v.waiver.owner == "legal@x"
    assert not result.failed and result.unused_waivers == []
    # a violation key works too
    waiver2 = '[[waivers]]\nfinding = "nc:data/nc-set"\nreason = "x"\nowner = "o"\nexpires = 2027-01-01\n'
    result = run(rule('category = "non-commercial"', rid="nc") + waiver2)
    assert {v.node: v.status for v in result.violations} == {"nc/base": "violation", "data/nc-set": "waived"}


def test_waiver_by_rule_and_model_glob() -> None:
    waiver = '[[waivers]]\nrule = "no-gated"\nmodel = "meta-llama/*"\nreason = "r"\nowner = "o"\nexpires = 2030-12-31\n'
    result = run(rule("gated = true", rid="no-gated") + waiver)
    assert [v.status for v in result.violations] == ["waived"]
    # model glob against the subjects: the NC base waived for violations affecting acme/adapter's chain
    waiver = '[[waivers]]\nrule = "nc"\nmodel = "acme/adapt*"\nreason = "r"\nowner = "o"\nexpires = 2030-12-31\n'
    result = run(rule('category = "non-commercial"', rid="nc") + waiver, Scope(model="acme/adapter"))
    assert {v.status for v in result.violations} == {"waived"}
    # repo glob
    waiver = '[[waivers]]\nrule = "ur"\nrepo = "acme/legacy-*"\nreason = "r"\nowner = "o"\nexpires = 2030-12-31\n'
    result = run(rule('clause = "use_restrictions_must_pass"', rid="ur") + waiver, Scope(repo="acme/legacy-app"))
    assert {v.status for v in result.violations} == {"waived"}


def test_expired_and_unused_waivers() -> None:
    body = rule("gated = true", rid="no-gated")
    body += '[[waivers]]\nrule = "no-gated"\nreason = "old deal"\nowner = "legal@x"\nexpires = 2026-05-31\n'
    body += '[[waivers]]\nfinding = "no-gated:nobody/none"\nreason = "typo"\nowner = "o"\nexpires = 2030-01-01\n'
    result = run(body)
    (v,) = result.violations
    assert v.status == "violation"
    assert v.notes == ("waiver expired on 2026-05-31 (owner: legal@x)",)
    assert result.failed
    assert [w.index for w in result.expired_waivers] == [0]
    assert [w.index for w in result.unused_waivers] == [1]
    # the day it expires it still applies
    policy = parse_policy("version = 1\n" + body)
    recs = small()
    report = recs.report()
    again = check_policy(policy, recs.state(report), report, today=date(2026, 5, 31), datasets=recs.policy_datasets())
    assert again.violations[0].status == "waived"


def test_order_and_warn_never_fails() -> None:
    body = rule('license = "mit"', "warn", "w") + rule("gated = true", "deny", "d")
    result = run(body)
    assert result.violations[0].action == "deny"
    assert [v.node for v in result.violations if v.action == "warn"] == sorted(
        (v.node for v in result.violations if v.action == "warn"), key=str.lower
    )
    assert not run(rule('license = "mit"', "warn", "w")).failed


# ───────────── review fixes: partial rule waivers, renamed keys, scoped unused waivers, Scope.models ─────────────

WAIVER_TAIL = 'reason = "r"\nowner = "o@x"\nexpires = 2030-12-31\n'


def test_a_model_glob_waiver_covers_a_violation_only_when_every_subject_matches() -> None:
    recs = small()
    nc_subjects = {"nc/base"} | recs.descendants("nc/base")
    assert len(nc_subjects) == 3  # nc/base, acme/merged, acme/adapter
    waiver = f'[[waivers]]\nrule = "nc"\nmodel = "acme/adapter"\n{WAIVER_TAIL}'
    result = run(rule('category = "non-commercial"', rid="nc") + waiver)
    got = by_node(result)
    # the waiver names one of the three models the NC base and its dataset reach: both stay violations
    assert {n: v.status for n, v in got.items()} == {"nc/base": "violation", "data/nc-set": "violation"}
    note = f"waiver (rule nc, model acme/adapter, owner o@x) covers 1 of {len(nc_subjects)} affected subjects"
    assert got["nc/base"].notes == (note,) and got["data/nc-set"].notes == (note,)
    assert result.failed
    assert result.unused_waivers == []  # it does concern these violations
    # every subject matching (the dataset's id does not): waived
    glob = "[na]c*/*"
    assert all(Glob((glob,))(m) for m in nc_subjects) and not Glob((glob,))("data/nc-set")
    waiver = f'[[waivers]]\nrule = "nc"\nmodel = "{glob}"\n{WAIVER_TAIL}'
    assert {v.status for v in run(rule('category = "non-commercial"', rid="nc") + waiver).violations} == {"waived"}
    # the matched node itself matching: waived there only (its dataset reaches two other models too)
    waiver = f'[[waivers]]\nrule = "nc"\nmodel = "nc/base"\n{WAIVER_TAIL}'
    got = by_node(run(rule('category = "non-commercial"', rid="nc") + waiver))
    assert got["nc/base"].status == "waived" and got["nc/base"].notes == ()
    assert got["data/nc-set"].status == "violation"
    assert got["data/nc-set"].notes == (
        f"waiver (rule nc, model nc/base, owner o@x) covers 1 of {len(nc_subjects)} affected subjects",
    )


def test_a_repo_glob_waiver_covers_a_violation_only_when_every_repository_matches() -> None:
    recs = small()
    # the gated Llama 2 is used by acme/legacy-app directly and by acme/app through its descendants
    llama = "meta-llama/Llama-2-7b"
    users = {u.user for u in recs.uses if u.model in {llama} | recs.descendants(llama)}
    assert users == {"acme/app", "acme/legacy-app"}
    waiver = f'[[waivers]]\nrule = "no-gated"\nrepo = "acme/legacy-*"\n{WAIVER_TAIL}'
    result = run(rule("gated = true", rid="no-gated") + waiver)
    (v,) = result.violations
    assert v.status == "violation" and result.failed
    assert v.notes == (
        f"waiver (rule no-gated, repo acme/legacy-*, owner o@x) covers 1 of {len(users)} affected repositories/Spaces",
    )
    # the legacy app's own check: the only repository affected matches
    scoped = run(rule("gated = true", rid="no-gated") + waiver, Scope(repo="acme/legacy-app"))
    assert [v.status for v in scoped.violations] == ["waived"]
    # an expired partial waiver adds no note (the expiry is listed on its own)
    expired = waiver.replace("2030-12-31", "2020-01-01")
    result = run(rule("gated = true", rid="no-gated") + expired)
    assert result.violations[0].notes == () and [w.index for w in result.expired_waivers] == [0]


def test_a_finding_key_waiver_survives_a_model_rename() -> None:
    recs = small()
    report = recs.report()
    state = recs.state(report)
    # the Hub renamed nc/Old-Base to nc/base (the store keeps the old id as an alias)
    state.aliases["nc/old-base"] = "nc/base"
    state.aliases["acme/old-merged"] = "acme/merged"
    key = next(c.key for c in report.conflicts if c.rule == "D-NC")
    assert key == "D-NC/derived:acme/merged<-nc/base"
    old_key = "d-nc/derived:ACME/Old-Merged<-NC/Old-Base"
    body = rule('on = "finding"\nfinding = "D-NC"', rid="nc")
    body += f'[[waivers]]\nfinding = "{old_key}"\n{WAIVER_TAIL}'
    body += f'[[waivers]]\nfinding = "NC:{old_key}"\n{WAIVER_TAIL}'
    result = check_policy(parse_policy("version = 1\n" + body), state, report, today=TODAY)
    (v,) = result.violations
    assert v.status == "waived" and v.waiver is not None and v.waiver.index == 0
    assert result.unused_waivers == []
    # a violation key of a node rule, written with the old id
    body = rule('category = "non-commercial"', rid="nc") + f'[[waivers]]\nfinding = "nc:NC/Old-Base"\n{WAIVER_TAIL}'
    result = check_policy(parse_policy("version = 1\n" + body), state, report, today=TODAY)
    assert {v.node: v.status for v in result.violations} == {"nc/base": "waived", "data/nc-set": "violation"}


def test_renamed_merge_bases_are_sorted_again() -> None:
    from graphsc.policy.evaluate import _Keys
    from graphsc.snapshot.state import GraphState

    state = GraphState("t", aliases={"zz/old": "Aa/New"})
    keys = _Keys(state)
    assert keys.canonical("D-NC/merge:C/Child<-b/b+ZZ/old") == "d-nc/merge:c/child<-aa/new+b/b"
    # a use's child is a repository and a training edge's base a dataset: not model ids
    assert keys.canonical("U-NC/uses:zz/old<-zz/old") == "u-nc/uses:zz/old<-aa/new"
    assert keys.canonical("D-NC/trained_on:zz/old<-zz/old") == "d-nc/trained_on:aa/new<-zz/old"
    assert keys.canonical("rule-1:ZZ/Old") == "rule-1:aa/new"


def test_a_scoped_check_lists_no_unused_waivers_but_expired_ones() -> None:
    body = rule("gated = true", rid="no-gated") + rule('clause = "use_restrictions_must_pass"', rid="ur")
    body += f'[[waivers]]\nrule = "no-gated"\nrepo = "other/*"\n{WAIVER_TAIL}'  # concerns another team's repo
    body += '[[waivers]]\nrule = "ur"\nrepo = "other/*"\nreason = "r"\nowner = "o"\nexpires = 2020-01-01\n'
    whole = run(body)
    assert [w.index for w in whole.unused_waivers] == [0, 1]
    assert [w.index for w in whole.expired_waivers] == [1]
    for scope in (Scope(repo="acme/legacy-app"), Scope(model="acme/adapter")):
        scoped = run(body, scope)
        assert scoped.unused_waivers == []
        assert [w.index for w in scoped.expired_waivers] == [1]


def sbom_app() -> Records:
    """small() with acme/app also using other/free (say, since its latest SBOM) besides acme/adapter."""
    recs = small()
    recs.uses.append(Uses("acme/app", "repo", "other/free", "test"))
    return recs


def test_scope_models_limits_a_repositorys_usage_for_model_rules() -> None:
    recs = sbom_app()
    result = run(rule(""), Scope(repo="acme/app", models=frozenset({"OTHER/Free"})), recs)
    assert nodes(result) == {"other/free"} | recs.ancestors("other/free") == {"other/free"}
    everything = run(rule(""), Scope(repo="acme/app"), recs)
    used = recs.used_by("acme/app")
    chain = used | set().union(*(recs.ancestors(m) for m in used))
    assert nodes(everything) == chain | recs.datasets_of(chain)
    only_adapter = run(rule(""), Scope(repo="acme/app", models=frozenset({"acme/adapter"})), recs)
    adapter_chain = {"acme/adapter"} | recs.ancestors("acme/adapter")
    assert nodes(only_adapter) == adapter_chain | recs.datasets_of(adapter_chain)


def test_scope_models_limits_a_repositorys_usage_for_finding_rules() -> None:
    recs = sbom_app()
    report = recs.report()

    def keys(models: set[str] | None) -> set[str]:
        scope = Scope(repo="acme/app", models=frozenset(models) if models is not None else None)
        result = run(rule('on = "finding"', rid="f"), scope, recs)
        return {v.finding.key for v in result.violations if v.finding}

    def expected(models: set[str]) -> set[str]:
        lowered = {m.lower() for m in models}
        return {
            c.key
            for c in report.conflicts
            if (c.child == "acme/app" and (c.base or "").lower() in lowered)
            or ("acme/app" in c.reached_repos and lowered & {m.lower() for m in c.reached_models})
        }

    everything = {c.key for c in report.conflicts if c.child == "acme/app" or "acme/app" in c.reached_repos}
    assert keys(None) == everything
    assert "D-NC/derived:acme/merged<-nc/base" in everything
    assert keys({"other/free"}) == expected({"other/free"}) != everything
    assert "D-NC/derived:acme/merged<-nc/base" not in keys({"other/free"})
    assert keys({"ACME/Adapter"}) == expected({"acme/adapter"}) == everything
    assert keys(set()) == set()


def test_scope_models_needs_a_repo() -> None:
    with pytest.raises(ValueError, match="repo"):
        Scope(models=frozenset({"a/b"}))
    with pytest.raises(ValueError, match="repo"):
        Scope(model="a/b", models=frozenset({"a/b"}))


def test_license_without_version_matches_every_version() -> None:
    recs = Records(
        models=[
            Model("a/sa4", license="cc-by-nc-sa-4.0"),
            Model("a/sa3", license="cc-by-nc-sa-3.0"),
            Model("a/nc3", license="cc-by-nc-3.0"),
            Model("a/nc4", license="cc-by-nc-4.0"),
            Model("a/nd4", license="cc-by-nc-nd-4.0"),
            Model("a/gpl3", license="gpl-3.0"),
            Model("a/lgpl3", license="lgpl-3.0"),
            Model("a/mit", license="mit"),
        ]
    )

    def matched(value: str) -> set[str]:
        return nodes(run(rule(f'license = "{value}"'), records=recs))

    assert matched("cc-by-nc-sa") == {"a/sa4", "a/sa3"}
    assert matched("CC-BY-NC") == {"a/nc3", "a/nc4"}
    assert matched("cc-by-nc-4.0") == {"a/nc4"}  # a version: exactly that one
    assert matched("gpl") == {"a/gpl3"}
    assert matched("mit") == {"a/mit"}


# ───────────── cycles ─────────────


def cycle() -> Records:
    """lab/cyc-a and lab/cyc-b derive from each other (no license: category unknown); lab/child is a finetune of
    lab/cyc-a, used by repo acme/r; lab/loop derives from itself; lab/free derives from lab/loop."""
    return Records(
        models=[
            Model("lab/cyc-a", author="lab"),
            Model("lab/cyc-b", author="lab"),
            Model("lab/child", author="lab", license="mit"),
            Model("lab/loop", author="lab"),
            Model("lab/free", author="lab", license="mit"),
        ],
        edges=[
            DerivedFrom("lab/cyc-a", "lab/cyc-b", "finetune", "hub-tag"),
            DerivedFrom("lab/cyc-b", "lab/cyc-a", "finetune", "hub-tag"),
            DerivedFrom("lab/child", "lab/cyc-a", "finetune", "hub-tag"),
            DerivedFrom("lab/loop", "lab/loop", "finetune", "hub-tag"),
            DerivedFrom("lab/free", "lab/loop", "finetune", "hub-tag"),
        ],
        uses=[Uses("acme/r", "repo", "lab/cyc-a", "test")],
        repos=[Repo("acme/r", "mit")],
    )


def test_a_model_in_a_cycle_is_not_its_own_ancestor() -> None:
    recs = cycle()
    unknown = rule('category = "unknown"\nposition = "ancestor"')
    # the subject's ancestors, walked here without the subject: lab/cyc-a's is lab/cyc-b only
    assert recs.ancestors("lab/cyc-a") - {"lab/cyc-a"} == {"lab/cyc-b"}
    assert nodes(run(unknown, Scope(model="lab/cyc-a"), recs)) == {"lab/cyc-b"}
    assert nodes(run(unknown, Scope(model="lab/cyc-b"), recs)) == {"lab/cyc-a"}
    assert nodes(run(unknown, Scope(model="lab/loop"), recs)) == set()  # a self-loop
    # the other positions still hold: the subject itself at self, both at self when asked for no position
    got = by_node(run(rule('category = "unknown"'), Scope(model="lab/cyc-a"), recs))
    assert {n: v.positions for n, v in got.items()} == {"lab/cyc-a": ("self",), "lab/cyc-b": ("ancestor",)}
    assert got["lab/cyc-b"].subjects == ("lab/cyc-a",)
    # below the cycle, both are ancestors of lab/child
    assert nodes(run(unknown, Scope(model="lab/child"), recs)) == {"lab/cyc-a", "lab/cyc-b"}
    # a used model is not its own ancestor either; lab/cyc-b is an ancestor of the used lab/cyc-a
    got = by_node(run(rule('category = "unknown"'), Scope(repo="acme/r"), recs))
    assert {n: v.positions for n, v in got.items()} == {"lab/cyc-a": ("used",), "lab/cyc-b": ("ancestor",)}


def test_a_cycle_over_the_whole_graph() -> None:
    recs = cycle()
    got = by_node(run(rule('category = "unknown"'), records=recs))
    # each of the pair is an ancestor of the other (another subject); the self-loop's model is an ancestor of
    # lab/free only, and not a subject of itself through the loop
    assert got["lab/cyc-a"].positions == ("self", "ancestor", "used")
    assert got["lab/cyc-b"].positions == ("self", "ancestor")
    assert got["lab/loop"].positions == ("self", "ancestor")
    assert set(got["lab/cyc-a"].subjects) == {"lab/cyc-a", "lab/cyc-b", "lab/child"}
    assert got["lab/loop"].subjects == ("lab/free", "lab/loop")
    # at position ancestor only, the subjects are those whose chain holds the model as an ancestor
    got = by_node(run(rule('category = "unknown"\nposition = "ancestor"'), records=recs))
    assert set(got["lab/cyc-a"].subjects) == {"lab/cyc-b", "lab/child"}
    assert got["lab/loop"].subjects == ("lab/free",)
    assert got["lab/cyc-a"].repos == ()  # acme/r uses lab/cyc-a itself, not a model below it
