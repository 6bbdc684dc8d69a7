"""Policy rules on model-file risk flags (``risk = [...]``): loading (validation, file/line/key of errors) and
evaluation over the synthetic risk graph of tests/reuse/test_risks.py (expected values from its records: the own
flags written out by hand below, descendants by walking its edges here)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from graphsc.errors import GraphscError
from graphsc.licenses.engine import check_store
from graphsc.policy import CheckResult, PolicyError, Scope, check_policy, load_policy, parse_policy, policy_schema
from graphsc.reuse.risks import RISK_FLAGS, own_flags_by_key
from graphsc.snapshot.state import state_from_store
from graphsc.store.sqlite import SQLiteStore
from tests.reuse.test_risks import EDGES, USES, write_risk_graph

TODAY = date(2026, 6, 1)
HEAD = 'version = 1\n\n[[rules]]\nid = "a"\naction = "deny"\n'
# The models of the risk graph carrying each flag themselves (from its drawing).
CARRIERS = {
    "pickle-only": {"lab/pickled"},
    "custom-code": {"lab/coder"},
    "unsafe-scan": {"cyc/b"},
    "scan-caution": {"hub/caution"},
    "disabled": {"hub/off"},
    "unverified-base": {"ghost/base"},
}


def descendants(model: str) -> set[str]:
    out: set[str] = set()
    todo = [model]
    while todo:
        m = todo.pop()
        for child, base, _ in EDGES:
            if base == m and child not in out and child != model:
                out.add(child)
                todo.append(child)
    return out


@pytest.fixture
def graph(store: SQLiteStore) -> SQLiteStore:
    return write_risk_graph(store)


def run(graph: SQLiteStore, body: str, scope: Scope | None = None) -> CheckResult:
    report = check_store(graph)
    state = state_from_store(graph, "test", report)
    policy = parse_policy("version = 1\n" + body, "test.toml")
    return check_policy(policy, state, report, scope, today=TODAY, risks=own_flags_by_key(graph))


def rule(body: str, action: str = "deny", rid: str = "r") -> str:
    return f'[[rules]]\nid = "{rid}"\naction = "{action}"\n{body}\n'


# ───────────────────────────── evaluation ─────────────────────────────


def test_deny_on_pickle_only_over_the_whole_graph(graph: SQLiteStore) -> None:
    result = run(graph, rule('risk = "pickle-only"'))
    assert [v.node for v in result.violations] == ["lab/pickled"]  # reported once, at the carrier
    v = result.violations[0]
    assert v.key == "r:lab/pickled" and result.failed
    # every model is a subject of itself: the carrier and everything below it (whatever the relation)
    assert set(v.subjects) == {"lab/pickled"} | descendants("lab/pickled")
    below = {"lab/pickled"} | descendants("lab/pickled")
    assert set(v.repos) == {user for user, _, model in USES if model in below} == {"acme/tool", "acme/app", "acme/demo"}


@pytest.mark.parametrize("name", RISK_FLAGS)
def test_each_flag_matches_its_carriers(graph: SQLiteStore, name: str) -> None:
    result = run(graph, rule(f'risk = "{name}"', action="warn"))
    assert {v.node for v in result.violations} == CARRIERS[name]
    assert not result.failed  # warn never fails


def test_a_list_matches_any_flag_case_insensitively(graph: SQLiteStore) -> None:
    result = run(graph, rule('risk = ["Unsafe-Scan", "CUSTOM-CODE"]'))
    assert {v.node for v in result.violations} == {"cyc/b", "lab/coder"}


def test_positions_own_flags_only(graph: SQLiteStore) -> None:
    # lab/lora2 loads the pickle through two adapters, but the flag is lab/pickled's own: at position self
    # nothing matches; at ancestor the base matches, with the chain down to lab/lora2
    scope = Scope(model="lab/lora2")
    assert run(graph, rule('risk = "pickle-only"\nposition = "self"'), scope).violations == []
    (v,) = run(graph, rule('risk = "pickle-only"\nposition = "ancestor"'), scope).violations
    assert (v.node, v.positions, v.subjects) == ("lab/pickled", ("ancestor",), ("lab/lora2",))
    assert v.chain[0].id == "lab/pickled" and v.chain[-1].id == "lab/lora2"
    # a finetune's ancestor matches too (the policy reads provenance, stricter than run-time inheritance)
    (v,) = run(graph, rule('risk = "pickle-only"'), Scope(model="lab/ft")).violations
    assert (v.node, v.positions) == ("lab/pickled", ("ancestor",))
    # the carrier itself, in its own scope
    (v,) = run(graph, rule('risk = "pickle-only"\nposition = "self"'), Scope(model="lab/pickled")).violations
    assert (v.node, v.positions) == ("lab/pickled", ("self",))


def test_a_model_in_a_cycle_is_not_its_own_ancestor(graph: SQLiteStore) -> None:
    # cyc/a and cyc/b are adapters of each other; cyc/b carries unsafe-scan
    ancestor = rule('risk = "unsafe-scan"\nposition = "ancestor"')
    assert run(graph, ancestor, Scope(model="cyc/b")).violations == []
    (v,) = run(graph, rule('risk = "unsafe-scan"'), Scope(model="cyc/b")).violations
    assert (v.node, v.positions) == ("cyc/b", ("self",))
    (v,) = run(graph, ancestor, Scope(model="cyc/a")).violations
    assert (v.node, v.positions, v.subjects) == ("cyc/b", ("ancestor",), ("cyc/a",))


def test_repository_scope(graph: SQLiteStore) -> None:
    # acme/app uses lab/lora2, an adapter chain on lab/pickled; acme/demo uses lab/merge-lora (custom code above it)
    (v,) = run(graph, rule('risk = "pickle-only"'), Scope(repo="acme/app")).violations
    assert (v.node, v.repos) == ("lab/pickled", ("acme/app",))
    found = run(graph, rule('risk = ["pickle-only", "custom-code"]'), Scope(repo="acme/demo")).violations
    assert {v.node for v in found} == {"lab/pickled", "lab/coder"}
    assert run(graph, rule('risk = "custom-code"'), Scope(repo="acme/tool")).violations == []


def test_combined_with_other_conditions(graph: SQLiteStore) -> None:
    assert run(graph, rule('risk = "pickle-only"\nauthor = "other"')).violations == []
    assert [v.node for v in run(graph, rule('risk = "unverified-base"\nfetched = false')).violations] == ["ghost/base"]
    assert run(graph, rule('risk = "pickle-only"\nnode = "dataset"')).violations == []  # datasets never match


def test_an_allow_rule_answers_its_own_concern(graph: SQLiteStore) -> None:
    # a license/author allow rule says nothing about pickle files: the risk violation stands
    by_author = rule('risk = "pickle-only"') + rule('author = "lab"', action="allow", rid="ok")
    (v,) = [v for v in run(graph, by_author).violations if v.rule == "r"]
    assert v.status == "violation" and v.allowed_by is None and run(graph, by_author).failed
    # an allow rule on risks allows risk rules' matches on its nodes, and only theirs
    on_risk = (
        rule('risk = "pickle-only"')
        + rule('author = "lab"', rid="license-rule")
        + rule('risk = "pickle-only"\nauthor = "lab"', action="allow", rid="ok")
    )
    found = {v.rule: v for v in run(graph, on_risk).violations if v.node == "lab/pickled"}
    assert (found["r"].status, found["r"].allowed_by) == ("allowed", "ok")
    assert (found["license-rule"].status, found["license-rule"].allowed_by) == ("violation", None)
    waived = rule('risk = "pickle-only"') + (
        '[[waivers]]\nrule = "r"\nmodel = "lab/pickled"\nreason = "converting"\nowner = "ml@acme.example"\n'
        "expires = 2027-01-01\n"
    )
    (v,) = run(graph, waived).violations
    assert v.status == "waived" and not run(graph, waived).failed


def test_risk_rules_without_risk_flags_are_an_error(graph: SQLiteStore) -> None:
    report = check_store(graph)
    state = state_from_store(graph, "test", report)
    policy = parse_policy("version = 1\n" + rule('risk = "pickle-only"', rid="no-pickles"))
    with pytest.raises(GraphscError) as err:
        check_policy(policy, state, report, today=TODAY)
    assert "no-pickles" in err.value.message and "risk flags" in err.value.message
    # a policy without risk rules needs none
    other = parse_policy("version = 1\n" + rule('license = "mit"'))
    assert check_policy(other, state, report, today=TODAY).violations == []


def test_flags_given_by_id_in_any_casing(graph: SQLiteStore) -> None:
    report = check_store(graph)
    state = state_from_store(graph, "test", report)
    policy = parse_policy("version = 1\n" + rule('risk = "disabled"'))
    result = check_policy(policy, state, report, today=TODAY, risks={"Hub/Off": ["disabled"]})
    assert [v.node for v in result.violations] == ["hub/off"]


# ───────────────────────────── loading ─────────────────────────────


def error(text: str, tmp_path: Path) -> PolicyError:
    path = tmp_path / "graphsc-policy.toml"
    path.write_text(text)
    with pytest.raises(PolicyError) as err:
        load_policy(path)
    assert err.value.file == str(path) and str(path) in err.value.message
    return err.value


def test_unknown_flag_names_file_line_key_and_the_known_flags(tmp_path: Path) -> None:
    e = error(HEAD + 'license = "mit"\nrisk = "pickles"\n', tmp_path)
    assert (e.line, e.key) == (7, "rules[0].risk")
    assert "'pickles'" in e.message and all(f in e.message for f in RISK_FLAGS)
    e = error(HEAD + 'risk = ["pickle-only", "remote-code"]\n', tmp_path)
    assert (e.line, e.key) == (6, "rules[0].risk") and "remote-code" in e.message
    e = error(HEAD + "risk = []\n", tmp_path)
    assert e.key == "rules[0].risk"


def test_risk_applies_to_model_rules_only(tmp_path: Path) -> None:
    e = error(HEAD + 'on = "finding"\nrisk = "pickle-only"\n', tmp_path)
    assert (e.line, e.key) == (7, "rules[0].risk")
    assert "only to rules with on = 'model'" in e.message


def test_loaded_conditions() -> None:
    policy = parse_policy(HEAD + 'risk = ["Pickle-Only", "custom-code"]\n')
    assert policy.rules[0].conditions.risks == frozenset({"pickle-only", "custom-code"})
    assert policy.uses_risks
    assert not parse_policy(HEAD + 'license = "mit"\n').uses_risks


def test_schema_vocabulary_and_the_example() -> None:
    schema = policy_schema()
    assert tuple(schema["$defs"]["riskName"]["enum"]) == RISK_FLAGS
    assert "own flags" in schema["$defs"]["rule"]["properties"]["risk"]["description"]
    example = load_policy(Path(__file__).parents[2] / "graphsc" / "policy" / "example-policy.toml")
    risky = {r.id: r.conditions.risks for r in example.rules if r.conditions.risks is not None}
    assert risky == {
        "no-pickle-in-products": frozenset({"pickle-only", "unsafe-scan"}),
        "review-remote-code": frozenset({"custom-code"}),
    }
