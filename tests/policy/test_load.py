"""Loading policies: syntax, schema and semantic errors name the file, the line and the key path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphsc.license_table.table import CATEGORIES
from graphsc.policy import (
    PolicyError,
    example_policy_text,
    find_policy,
    load_policy,
    parse_policy,
    policy_schema,
)
from graphsc.policy.load import key_path
from graphsc.records import RELATIONS

HEAD = 'version = 1\n\n[[rules]]\nid = "a"\naction = "deny"\n'


def error(text: str, tmp_path: Path) -> PolicyError:
    path = tmp_path / "graphsc-policy.toml"
    path.write_text(text)
    with pytest.raises(PolicyError) as err:
        load_policy(path)
    assert err.value.file == str(path)
    assert str(path) in err.value.message
    return err.value


def test_toml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    e = error(HEAD + 'license = "mit\n', tmp_path)
    assert e.line == 6 and e.column is not None
    assert "TOML syntax error" in e.message


def test_wrong_type_line_and_key(tmp_path: Path) -> None:
    text = HEAD + '\n[[rules]]\nid = "b"\naction = "warn"\ngated = "yes"\n'
    e = error(text, tmp_path)
    assert (e.line, e.key) == (10, "rules[1].gated")
    assert "must be true or false, not a string" in e.message


def test_unknown_key_typo(tmp_path: Path) -> None:
    e = error(HEAD + 'licence = "mit"\n', tmp_path)
    assert (e.line, e.key) == (6, "rules[0].licence")
    assert "did you mean 'license'" in e.message


def test_unknown_key_in_scope(tmp_path: Path) -> None:
    e = error(HEAD + 'license = "mit"\n[rules.scope]\nmodel = ["acme/*"]\n', tmp_path)
    assert (e.line, e.key) == (8, "rules[0].scope.model")


def test_unknown_license_id(tmp_path: Path) -> None:
    e = error(HEAD + 'license = ["mit", "no-such-license"]\n', tmp_path)
    assert (e.line, e.key) == (6, "rules[0].license[1]")
    assert "no-such-license" in e.message


def test_unknown_clause(tmp_path: Path) -> None:
    e = error(HEAD + 'clause = "use_restriction"\n', tmp_path)
    assert (e.line, e.key) == (6, "rules[0].clause")
    assert "use_restrictions_must_pass" in e.message


def test_bad_finding_glob(tmp_path: Path) -> None:
    e = error(HEAD + 'on = "finding"\nfinding = ["D-NC", "Q-*"]\n', tmp_path)
    assert (e.line, e.key) == (7, "rules[0].finding")
    assert "'Q-*' matches no license rule" in e.message


def test_finding_keys_on_model_rule_and_back(tmp_path: Path) -> None:
    e = error(HEAD + 'severity = "error"\n', tmp_path)
    assert (e.line, e.key) == (6, "rules[0].severity")
    e = error(HEAD + 'on = "finding"\nposition = "self"\n', tmp_path)
    assert (e.line, e.key) == (7, "rules[0].position")


def test_waiver_without_owner(tmp_path: Path) -> None:
    text = HEAD + '\n[[waivers]]\nrule = "a"\nreason = "x"\nexpires = 2027-01-01\n'
    e = error(text, tmp_path)
    assert (e.line, e.key) == (7, "waivers[0].owner")
    assert "missing required key 'owner'" in e.message


def test_waiver_semantics(tmp_path: Path) -> None:
    tail = 'reason = "x"\nowner = "o"\nexpires = 2027-01-01\n'
    e = error(HEAD + "\n[[waivers]]\n" + tail, tmp_path)
    assert (e.line, e.key) == (7, "waivers[0]")
    e = error(HEAD + '\n[[waivers]]\nrule = "b"\n' + tail, tmp_path)
    assert (e.line, e.key) == (8, "waivers[0].rule")
    e = error(HEAD + '\n[[waivers]]\nfinding = "x"\nmodel = "a/*"\n' + tail, tmp_path)
    assert (e.line, e.key) == (9, "waivers[0].model")
    e = error(HEAD + '\n[[waivers]]\nrule = "a"\nreason = "x"\nowner = "o"\nexpires = 10:00:00\n', tmp_path)
    assert (e.line, e.key) == (11, "waivers[0].expires")


def test_duplicate_ids_version_and_missing_rules(tmp_path: Path) -> None:
    e = error(HEAD + '[[rules]]\nid = "A"\naction = "warn"\n', tmp_path)
    assert (e.line, e.key) == (7, "rules[1].id")
    e = error('version = 2\n[[rules]]\nid = "a"\naction = "deny"\n', tmp_path)
    assert (e.line, e.key) == (1, "version")
    e = error("version = 1\n", tmp_path)
    assert e.key == "rules"


def test_bad_values(tmp_path: Path) -> None:
    e = error(HEAD.replace('"deny"', '"block"'), tmp_path)
    assert (e.line, e.key) == (5, "rules[0].action")
    e = error(HEAD.replace('"a"', '"-a"'), tmp_path)
    assert (e.line, e.key) == (4, "rules[0].id")
    e = error(HEAD + 'category = ["non-commercial", "freeware"]\n', tmp_path)
    assert (e.line, e.key) == (6, "rules[0].category")
    e = error(HEAD + "license = []\n", tmp_path)
    assert (e.line, e.key) == (6, "rules[0].license")


def test_every_problem_is_reported(tmp_path: Path) -> None:
    e = error(HEAD + 'licence = "mit"\n[[rules]]\nid = "b"\naction = 1\n', tmp_path)
    assert [p.key for p in e.problems] == ["rules[0].licence", "rules[1].action"]
    assert [p.line for p in e.problems] == [6, 9]


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(PolicyError):
        load_policy(tmp_path / "missing.toml")
    path = tmp_path / "bin.toml"
    path.write_bytes(b"version = 1\n\xff\xfe")
    with pytest.raises(PolicyError) as err:
        load_policy(path)
    assert err.value.line == 2


def test_case_insensitive_enums_and_inline_scope() -> None:
    policy = parse_policy(
        'version = 1\n[[rules]]\nid = "a"\naction = "DENY"\ncategory = "Non-Commercial"\n'
        'scope = { models = "acme/*" }\n'
    )
    assert policy.rules[0].action == "deny"
    assert policy.rules[0].scope is not None and policy.rules[0].scope.models is not None
    assert policy.rules[0].scope.models("ACME/x")


def test_license_aliases_are_canonical() -> None:
    policy = parse_policy('version = 1\n[[rules]]\nid = "a"\naction = "deny"\nlicense = ["Llama 2", "Apache 2.0"]\n')
    assert policy.rules[0].conditions.licenses == frozenset({"llama2", "apache-2.0"})


def test_example_policy_loads() -> None:
    path = Path(__file__).parents[2] / "graphsc" / "policy" / "example-policy.toml"
    policy = load_policy(path)
    assert example_policy_text() == path.read_text()
    actions = {r.action for r in policy.rules}
    assert actions == {"deny", "warn", "allow"}
    assert {r.on for r in policy.rules} == {"model", "finding"}
    assert any(w.finding for w in policy.waivers) and any(w.rule for w in policy.waivers)
    assert all(w.owner and w.reason for w in policy.waivers)


def test_find_policy(tmp_path: Path) -> None:
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert find_policy(nested) is None or find_policy(nested) != tmp_path / "graphsc-policy.toml"
    (tmp_path / "graphsc-policy.toml").write_text(HEAD)
    assert find_policy(nested) == tmp_path / "graphsc-policy.toml"
    assert find_policy(tmp_path) == tmp_path / "graphsc-policy.toml"


def _all_properties(node: Any, path: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        for name, prop in node.get("properties", {}).items():
            out.append((f"{path}.{name}", prop))
        for key, value in node.items():
            out.extend(_all_properties(value, f"{path}.{key}"))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out.extend(_all_properties(value, f"{path}[{i}]"))
    return out


def test_schema_documents_every_property_and_matches_vocabulary() -> None:
    schema = policy_schema()
    missing = [p for p, prop in _all_properties(schema) if "description" not in prop and "$ref" not in prop]
    assert missing == []
    assert all("description" in d for d in schema["$defs"].values())
    assert set(schema["$defs"]["categoryName"]["enum"]) == CATEGORIES
    assert tuple(schema["$defs"]["relationName"]["enum"]) == RELATIONS
    json.dumps(schema)


def test_key_path() -> None:
    assert key_path(["rules", 2, "scope", "models", 0]) == "rules[2].scope.models[0]"


# ───────────── fuzzing: a Policy or a PolicyError, never another exception ─────────────

KEYS = [
    "version", "rules", "waivers", "id", "action", "message", "on", "license", "category", "clause", "author",
    "gated", "fetched", "node", "relation", "position", "finding", "kind", "severity", "edge", "scope", "models",
    "repos", "rule", "model", "repo", "reason", "owner", "expires", "licence", "x",
]  # fmt: skip
SCALARS = st.one_of(
    st.sampled_from(['"deny"', '"warn"', '"allow"', '"model"', '"finding"', '"mit"', '"D-*"', '"a"', '"acme/*"']),
    st.sampled_from(['"non-commercial"', '"naming"', '"self"', '"merge"', '"uses"', '"error"', '""', '"x y"']),
    st.sampled_from(["1", "2", "-3", "1.5", "inf", "true", "false", "2027-03-31", "2027-03-31T10:00:00Z", "10:00:00"]),
    st.text(max_size=8).map(json.dumps),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(st.tuples(st.sampled_from(KEYS), inner), max_size=3).map(
            lambda kv: "{" + ", ".join(f"{k} = {v}" for k, v in dict(kv).items()) + "}"
        ),
    ),
    max_leaves=6,
)
LINES = st.one_of(
    st.sampled_from(["[[rules]]", "[[waivers]]", "[rules.scope]", "[rules]", "[x]", "version = 1", "", "# c"]),
    st.tuples(st.sampled_from(KEYS), VALUES).map(lambda kv: f"{kv[0]} = {kv[1]}"),
    st.text(max_size=12),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINES, max_size=14))
def test_fuzzed_documents_give_policy_or_policy_error(lines: list[str]) -> None:
    text = "\n".join(lines)
    try:
        parse_policy(text, "fuzz.toml")
    except PolicyError as e:
        assert e.problems
        assert all(p.line is None or p.line >= 1 for p in e.problems)


VALID_RULE = st.fixed_dictionaries(
    {"id": st.sampled_from(['"a"', '"b"']), "action": st.sampled_from(['"deny"', '"warn"', '"allow"'])},
    optional=dict.fromkeys(KEYS[5:23], VALUES),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(VALID_RULE, min_size=1, max_size=3),
    st.lists(st.dictionaries(st.sampled_from(KEYS[23:]), VALUES), max_size=2),
)
def test_fuzzed_structured_documents(rules: list[dict[str, str]], waivers: list[dict[str, str]]) -> None:
    text = "version = 1\n"
    for r in rules:
        text += "[[rules]]\n" + "".join(f"{k} = {v}\n" for k, v in r.items())
    for w in waivers:
        text += "[[waivers]]\n" + "".join(f"{k} = {v}\n" for k, v in w.items())
    try:
        parse_policy(text)
    except PolicyError as e:
        assert e.problems and e.problems[0].line is not None


# ───────────── review fixes ─────────────


def _licenses(value: str) -> set[str]:
    policy = parse_policy(f'version = 1\n[[rules]]\nid = "a"\naction = "deny"\nlicense = "{value}"\n')
    found = policy.rules[0].conditions.licenses
    assert found is not None
    return set(found)


def test_a_license_without_version_matches_every_version_in_the_table() -> None:
    import re

    from graphsc.license_table.table import default_table

    table_ids = set(default_table().licenses)

    def versions_of(stem: str) -> set[str]:  # the table's ids: the stem, or the stem and a version
        return {i for i in table_ids if re.fullmatch(re.escape(stem) + r"(-\d+(\.\d+)*(-or-later|-only)?)?", i)}

    assert _licenses("cc-by-nc-sa") == versions_of("cc-by-nc-sa") >= {"cc-by-nc-sa-4.0", "cc-by-nc-sa-3.0"}
    nc = _licenses("cc-by-nc")
    assert nc == versions_of("cc-by-nc") >= {"cc-by-nc-4.0", "cc-by-nc-3.0", "cc-by-nc-2.0"}
    assert not nc & {"cc-by-nc-sa-4.0", "cc-by-nc-nd-4.0"}
    gpl = _licenses("GPL")
    assert gpl == versions_of("gpl") >= {"gpl-3.0", "gpl-3.0-or-later", "gpl-2.0"}
    assert not gpl & {"lgpl-3.0", "agpl-3.0"}
    assert _licenses("agpl") == versions_of("agpl") >= {"agpl-3.0", "agpl-3.0-or-later"}
    assert _licenses("openrail") == {"openrail"}  # openrail++ is another license
    # a version as written: exactly that id, as before
    assert _licenses("cc-by-nc-sa-4.0") == {"cc-by-nc-sa-4.0"}
    assert _licenses("CC-BY-NC-4.0") == {"cc-by-nc-4.0"}
    assert _licenses("Apache 2.0") == {"apache-2.0"}
    # MIT-0 (MIT No Attribution) is not a version of MIT
    assert _licenses("mit") == {"mit"}


def test_a_license_neither_known_nor_a_stem_is_an_error(tmp_path: Path) -> None:
    e = error(HEAD + 'license = "llama"\n', tmp_path)
    assert (e.line, e.key) == (6, "rules[0].license") and "unknown license 'llama'" in e.message


def test_a_policy_without_rules_is_an_error(tmp_path: Path) -> None:
    e = error("version = 1\nrules = []\n", tmp_path)
    assert (e.line, e.key) == (2, "rules")
    assert "at least one" in e.message and "never fail" in e.message


def test_a_waiver_of_an_allow_rule_is_an_error(tmp_path: Path) -> None:
    text = HEAD + '\n[[rules]]\nid = "ok"\naction = "allow"\nlicense = "mit"\n'
    text += '\n[[waivers]]\nrule = "OK"\nreason = "x"\nowner = "o"\nexpires = 2027-01-01\n'
    e = error(text, tmp_path)
    assert text.splitlines()[e.line - 1 if e.line else 0] == 'rule = "OK"'
    assert (e.line, e.key) == (13, "waivers[0].rule")
    assert "allow rule" in e.message


def test_several_problems_make_a_one_line_message_and_details(tmp_path: Path) -> None:
    e = error(HEAD + 'licence = "mit"\n[[rules]]\nid = "b"\naction = 1\n[[rules]]\nid = "c"\naction = 2\n', tmp_path)
    first, *rest = e.problems
    assert len(rest) == 2
    assert e.message == f"{first} (and 2 more problems)"
    assert "\n" not in e.message
    assert e.details == tuple(str(p) for p in rest)
    one = error(HEAD + 'licence = "mit"\n[[rules]]\nid = "b"\naction = 1\n', tmp_path)
    assert one.message == f"{one.problems[0]} (and 1 more problem)" and len(one.details) == 1
    single = error(HEAD + 'licence = "mit"\n', tmp_path)
    assert single.message == str(single.problems[0]) and single.details == ()
