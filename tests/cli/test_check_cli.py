"""``graphsc check`` on a five-node graph made up here, whose every answer can be read off the records:

    lab/nc-base (cc-by-nc-4.0) ── finetune ── acme/ft (apache-2.0)    used by the repository acme/app (MIT)
    org/ok (mit)                                                       used by the repository other/tool (MIT)

acme/ft drops lab/nc-base's non-commercial terms: one license finding, D-NC, at that edge."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from junitparser import Failure, JUnitXml, Skipped
from typer.testing import CliRunner, Result

from graphsc.cli import app
from graphsc.policy import POLICY_FILE, parse_policy
from graphsc.records import (
    Dataset,
    DatasetDerivedFrom,
    DerivedFrom,
    GraphBatch,
    Model,
    Repo,
    Space,
    TrainedOn,
    Uses,
)
from graphsc.store.sqlite import SQLiteStore
from tests.render.test_ci_sarif import schema_errors

runner = CliRunner()
WIDE = {"COLUMNS": "300"}
NC_BASE, FT, OK = "lab/nc-base", "acme/ft", "org/ok"
APP, TOOL = "acme/app", "other/tool"
DNC_KEY = f"D-NC/derived:{FT}<-{NC_BASE}"

DENY_NC = """
[[rules]]
id = "no-nc"
action = "deny"
message = "No non-commercial terms."
category = "non-commercial"
"""
DENY_NC_FINDINGS = """
[[rules]]
id = "no-nc-findings"
action = "deny"
on = "finding"
finding = "D-NC"
"""


def waiver(expires: str, rule: str = "no-nc") -> str:
    return f"""
[[waivers]]
rule = "{rule}"
reason = "Research agreement LEGAL-1"
owner = "legal@acme.example"
expires = {expires}
"""


def policy_text(*parts: str) -> str:
    return "version = 1\n" + "".join(parts)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("check") / "g.db"
    with SQLiteStore(path) as store:
        store.write(
            GraphBatch(
                models=[
                    Model(NC_BASE, license="cc-by-nc-4.0"),
                    Model(FT, license="apache-2.0"),
                    Model(OK, license="mit"),
                ],
                derived_from=[DerivedFrom(FT, NC_BASE, "finetune", "test")],
                repos=[Repo(APP, "mit", "mit"), Repo(TOOL, "mit", "mit")],
                uses=[Uses(APP, "repo", FT, "test", None), Uses(TOOL, "repo", OK, "test", None)],
            )
        )
    return path


def write_policy(folder: Path, *parts: str, name: str = "policy.toml") -> Path:
    path = folder / name
    path.write_text(policy_text(*parts))
    return path


def run(db: Path, *args: str) -> Result:
    return runner.invoke(app, ["check", *args, "--db", str(db)], env=WIDE)


def check_json(db: Path, policy: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = run(db, "--policy", str(policy), "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return result.exit_code, doc


def flat(text: str) -> str:
    return " ".join(text.split())


# ───────────────────────────── finding the policy ─────────────────────────────


def test_no_policy_file_found(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    result = run(db)
    assert result.exit_code == 1
    err = flat(result.stderr)
    assert f"No policy file: no {POLICY_FILE} in {empty}" in err
    assert "--example" in err and "--policy" in err
    assert "Traceback" not in result.output and result.stdout == ""


def test_a_missing_policy_path_is_an_error(db: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    result = run(db, "--policy", str(missing))
    assert result.exit_code == 1
    assert str(missing) in flat(result.stderr) and "cannot read the policy" in flat(result.stderr)


def test_policy_found_by_walking_up(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    top = tmp_path / "project"
    deep = top / "src" / "pkg"
    deep.mkdir(parents=True)
    policy = write_policy(top, DENY_NC, name=POLICY_FILE)
    monkeypatch.chdir(deep)
    result = run(db, "--format", "json")
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    assert doc["policy"] == str(policy.resolve())
    assert [v["key"] for v in doc["violations"]] == [f"no-nc:{NC_BASE}"]


def test_the_nearest_policy_wins(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    top = tmp_path / "project"
    deep = top / "sub"
    deep.mkdir(parents=True)
    write_policy(top, DENY_NC, name=POLICY_FILE)
    # a rule nothing in the graph matches (no model is gated)
    nearer = write_policy(deep, '\n[[rules]]\nid = "no-gated"\naction = "deny"\ngated = true\n', name=POLICY_FILE)
    monkeypatch.chdir(deep)
    result = run(db, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["policy"] == str(nearer.resolve()) and doc["violations"] == []


# ───────────────────────────── --example, --schema ─────────────────────────────


def test_example_loads_as_a_policy(db: Path) -> None:
    result = run(db, "--example")
    assert result.exit_code == 0, result.output
    policy = parse_policy(result.stdout)
    assert policy.rules and policy.waivers
    assert {r.action for r in policy.rules} == {"deny", "warn", "allow"}


def test_schema_is_a_json_schema_the_example_satisfies(db: Path) -> None:
    result = run(db, "--schema")
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    Draft202012Validator.check_schema(schema)
    example = tomllib.loads(run(db, "--example").stdout)

    def jsonable(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: jsonable(v) for k, v in value.items()}
        if isinstance(value, list):
            return [jsonable(v) for v in value]
        return value.isoformat() if hasattr(value, "isoformat") else value

    assert list(Draft202012Validator(schema).iter_errors(jsonable(example))) == []
    assert list(Draft202012Validator(schema).iter_errors({"version": 1, "rules": [{"id": "x"}]})) != []


def test_example_and_schema_need_no_policy(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    example = run(db, "--example")
    assert example.exit_code == 0 and "[[rules]]" in example.stdout
    schema = run(db, "--schema")
    assert schema.exit_code == 0 and json.loads(schema.stdout)["$schema"].startswith("https://json-schema.org/")
    assert run(db, "--example", "--schema").exit_code == 2  # one reference at a time


# ───────────────────────────── rules, waivers ─────────────────────────────


def test_a_matching_deny_rule_fails_with_rule_and_chain(db: Path, tmp_path: Path) -> None:
    policy = write_policy(tmp_path, DENY_NC)
    result = run(db, "--policy", str(policy), "--repo", APP)
    assert result.exit_code == 1, result.output
    out = result.stdout
    lines = [line.strip() for line in out.splitlines()]
    headline = next(line for line in lines if line.startswith("DENY"))
    assert "no-nc" in headline and NC_BASE in headline and "CC-BY-NC-4.0" in headline.upper()
    # the chain: the NC base, then the model the application uses, then the application
    chain_start = next(i for i, line in enumerate(lines) if line.startswith("chain"))
    assert NC_BASE in lines[chain_start]
    assert lines[chain_start + 1].startswith("↳ finetune") and FT in lines[chain_start + 1]
    assert lines[chain_start + 2].startswith("↳ uses") and APP in lines[chain_start + 2]
    assert f"key      no-nc:{NC_BASE}" in out
    assert "FAILED" in out and "No non-commercial terms." in out


def test_no_match_passes(db: Path, tmp_path: Path) -> None:
    policy = write_policy(tmp_path, DENY_NC)
    result = run(db, "--policy", str(policy), "--repo", TOOL)
    assert result.exit_code == 0, result.output
    assert "No rule matched." in result.stdout and "PASSED" in result.stdout


def test_a_warn_rule_does_not_fail(db: Path, tmp_path: Path) -> None:
    policy = write_policy(tmp_path, DENY_NC.replace('"deny"', '"warn"'))
    code, doc = check_json(db, policy)
    assert code == 0
    assert [(v["action"], v["status"], v["node"]["id"]) for v in doc["violations"]] == [("warn", "violation", NC_BASE)]


def test_a_waiver_lets_it_pass(db: Path, tmp_path: Path) -> None:
    policy = write_policy(tmp_path, DENY_NC, waiver("2999-12-31"))
    result = run(db, "--policy", str(policy), "--repo", APP)
    assert result.exit_code == 0, result.output
    out = flat(result.stdout)
    assert "waived" in out and "legal@acme.example" in out and "2999-12-31" in out and "PASSED" in out
    code, doc = check_json(db, policy, "--repo", APP)
    assert code == 0
    (v,) = doc["violations"]
    assert v["status"] == "waived" and v["waiver"]["expires"] == "2999-12-31" and v["waiver"]["rule"] == "no-nc"
    assert doc["summary"]["counts"]["deny"] == {"violation": 0, "allowed": 0, "waived": 1}
    assert doc["summary"]["failed"] is False


def test_an_expired_waiver_does_not(db: Path, tmp_path: Path) -> None:
    policy = write_policy(tmp_path, DENY_NC, waiver("2000-01-01"))
    result = run(db, "--policy", str(policy), "--repo", APP)
    assert result.exit_code == 1, result.output
    out = flat(result.stdout)
    assert "waiver expired on 2000-01-01 (owner: legal@acme.example)" in out
    assert "Expired waivers" in out
    code, doc = check_json(db, policy, "--repo", APP)
    assert code == 1
    (v,) = doc["violations"]
    assert v["status"] == "violation" and v["waiver"] is None
    assert v["notes"] == ["waiver expired on 2000-01-01 (owner: legal@acme.example)"]
    assert [w["expires"] for w in doc["expired_waivers"]] == ["2000-01-01"]


def test_a_waiver_by_finding_key(db: Path, tmp_path: Path) -> None:
    by_key = f"""
[[waivers]]
finding = "{DNC_KEY}"
reason = "Accepted"
owner = "legal@acme.example"
expires = 2999-01-01
"""
    policy = write_policy(tmp_path, DENY_NC_FINDINGS, by_key)
    code, doc = check_json(db, policy)
    assert code == 0
    (v,) = doc["violations"]
    assert (v["finding"], v["status"], v["key"]) == (DNC_KEY, "waived", f"no-nc-findings:{DNC_KEY}")
    assert [h["id"] for h in v["chain"]] == [NC_BASE, FT]


@pytest.mark.parametrize(
    ("body", "line", "key", "words"),
    [
        ('\n[[rules]]\nid = "x"\naction = "block"\n', 5, "rules[0].action", "must be one of deny, warn, allow"),
        ('\n[[rules]]\nid = "x"\nactoin = "deny"\n', 5, "rules[0].actoin", "did you mean 'action'"),
        ('\n[[rules]]\nid = "x"\naction = "deny"\nlicense = "no-such-license-xyz"\n', 6, "rules[0].license", "unknown"),
        ('\n[[rules]]\nid = "x"\naction = "deny"\n' + waiver("2999-01-01", "y"), 8, "waivers[0].rule", "no rule"),
    ],
    ids=["bad-enum", "unknown-key", "unknown-license", "waiver-of-no-rule"],
)
def test_a_malformed_policy_names_line_and_key(
    db: Path, tmp_path: Path, body: str, line: int, key: str, words: str
) -> None:
    policy = tmp_path / "bad.toml"
    policy.write_text("version = 1\n" + body)
    assert policy.read_text().splitlines()[line - 1].split("=")[0].strip() == key.rsplit(".", 1)[-1]
    result = run(db, "--policy", str(policy))
    assert result.exit_code == 1
    err = flat(result.stderr)
    assert f"{policy}:{line}: {key}:" in err and words in err
    assert result.stdout == "" and "Traceback" not in result.output


def test_every_problem_of_a_policy_is_printed_on_its_own_line(db: Path, tmp_path: Path) -> None:
    policy = tmp_path / "bad.toml"
    policy.write_text('version = 1\n[[rules]]\nid = "x"\nactoin = "deny"\n[[rules]]\nid = "y"\naction = "block"\n')
    result = run(db, "--policy", str(policy))
    assert result.exit_code == 1
    lines = [line.strip() for line in result.stderr.splitlines()]
    expected = [
        f"{policy}:2: rules[0].action: missing required key 'action'",
        f"{policy}:4: rules[0].actoin: unknown key 'actoin' (did you mean 'action'?)",
        f"{policy}:7: rules[1].action: must be one of deny, warn, allow; got 'block'",
    ]
    assert lines[0] == f"Error: {expected[0]} (and 2 more problems)"
    assert lines[1:3] == expected[1:]
    assert "\\n" not in result.stderr and "Traceback" not in result.output


def test_a_scoped_check_lists_no_unused_waivers(db: Path, tmp_path: Path) -> None:
    other = waiver("2999-12-31").replace('rule = "no-nc"', 'rule = "no-nc"\nrepo = "other/*"')
    policy = write_policy(tmp_path, DENY_NC, other)
    _, whole = check_json(db, policy)
    assert [w["rule"] for w in whole["unused_waivers"]] == ["no-nc"]
    _, scoped = check_json(db, policy, "--repo", APP)
    assert scoped["unused_waivers"] == []
    result = run(db, "--policy", str(policy), "--repo", APP)
    assert "unused" not in result.stdout.lower()


def test_a_toml_syntax_error_names_the_line(db: Path, tmp_path: Path) -> None:
    policy = tmp_path / "bad.toml"
    policy.write_text('version = 1\n\n[[rules]]\nid = "x"\naction = deny\n')
    result = run(db, "--policy", str(policy))
    assert result.exit_code == 1
    err = flat(result.stderr)
    assert f"{policy}:5" in err and "TOML syntax error" in err


# ───────────────────────────── scopes ─────────────────────────────


def test_model_scope(db: Path, tmp_path: Path) -> None:
    policy = write_policy(tmp_path, DENY_NC, DENY_NC_FINDINGS)
    code, doc = check_json(db, policy, "--model", FT)
    assert code == 1
    assert doc["scope"] == {"model": FT, "repo": None, "resolved": FT, "kind": "model"}
    got = {(v["rule"], v["node"]["id"]) for v in doc["violations"]}
    assert got == {("no-nc", NC_BASE), ("no-nc-findings", FT)}
    nc = next(v for v in doc["violations"] if v["rule"] == "no-nc")
    assert nc["positions"] == ["ancestor"] and nc["subjects"]["models"] == [FT]
    assert [h["id"] for h in nc["chain"]] == [NC_BASE, FT]
    code, doc = check_json(db, policy, "--model", OK)
    assert code == 0 and doc["violations"] == []


def test_repo_scope(db: Path, tmp_path: Path) -> None:
    policy = write_policy(tmp_path, DENY_NC, DENY_NC_FINDINGS)
    code, doc = check_json(db, policy, "--repo", APP)
    assert code == 1
    assert {v["node"]["id"] for v in doc["violations"]} == {NC_BASE, FT}
    assert all(v["subjects"]["repos"] == [APP] and v["subjects"]["models"] == [] for v in doc["violations"])
    code, doc = check_json(db, policy, "--repo", TOOL)
    assert code == 0 and doc["violations"] == []


def test_whole_graph(db: Path, tmp_path: Path) -> None:
    policy = write_policy(tmp_path, DENY_NC, DENY_NC_FINDINGS)
    code, doc = check_json(db, policy)
    assert code == 1
    nc = next(v for v in doc["violations"] if v["rule"] == "no-nc")
    # every model is its own subject: the base itself, its child; and the application using the child
    assert sorted(nc["subjects"]["models"]) == sorted([NC_BASE, FT]) and nc["subjects"]["repos"] == [APP]
    assert set(nc["positions"]) == {"self", "ancestor"}


def test_unknown_scope_ids_are_errors(db: Path, tmp_path: Path) -> None:
    policy = write_policy(tmp_path, DENY_NC)
    for option, value in (("--model", "nobody/none"), ("--repo", "nobody/none")):
        result = run(db, "--policy", str(policy), option, value)
        assert result.exit_code == 1
        assert "nobody/none" in result.stderr and "Traceback" not in result.output


def test_model_and_repo_together_are_refused(db: Path, tmp_path: Path) -> None:
    policy = write_policy(tmp_path, DENY_NC)
    result = run(db, "--policy", str(policy), "--model", FT, "--repo", APP)
    assert result.exit_code == 2
    assert "--model" in result.stderr


def test_output_with_table_is_refused(db: Path, tmp_path: Path) -> None:
    policy = write_policy(tmp_path, DENY_NC)
    target = tmp_path / "out.txt"
    result = run(db, "--policy", str(policy), "-o", str(target))
    assert result.exit_code == 2 and not target.exists()


# ───────────────────────────── formats ─────────────────────────────

MIXED = (
    DENY_NC,
    DENY_NC_FINDINGS,
    """
[[rules]]
id = "acme-authored"
action = "deny"
author = "acme"

[[rules]]
id = "permissive-ok"
action = "allow"
license = ["apache-2.0", "mit"]
""",
    waiver("2999-12-31"),
)


def test_json_document(db: Path, tmp_path: Path) -> None:
    policy = write_policy(tmp_path, *MIXED)
    code, doc = check_json(db, policy)
    assert code == 1  # the D-NC finding is neither allowed nor waived
    assert doc["schema"] == "graphsc.check/1" and doc["policy"] == str(policy)
    assert doc["scope"] == {"model": None, "repo": None, "resolved": None, "kind": None}
    by_rule = {v["rule"]: v for v in doc["violations"]}
    assert set(by_rule) == {"no-nc", "no-nc-findings", "acme-authored"}
    assert (by_rule["no-nc"]["status"], by_rule["no-nc"]["waiver"]["owner"]) == ("waived", "legal@acme.example")
    assert (by_rule["acme-authored"]["status"], by_rule["acme-authored"]["allowed_by"]) == ("allowed", "permissive-ok")
    assert by_rule["acme-authored"]["node"] == {"id": FT, "kind": "model", "license": "Apache-2.0"}
    f = by_rule["no-nc-findings"]
    assert (f["status"], f["finding"], f["finding_rule"], f["on"]) == ("violation", DNC_KEY, "D-NC", "finding")
    assert doc["summary"] == {
        "failed": True,
        "violations": 3,
        "counts": {
            "deny": {"violation": 1, "allowed": 1, "waived": 1},
            "warn": {"violation": 0, "allowed": 0, "waived": 0},
        },
    }
    assert doc["unused_waivers"] == [] and doc["expired_waivers"] == []
    for v in doc["violations"]:
        assert set(v) >= {"key", "rule", "action", "message", "on", "status", "node", "chain", "subjects", "notes"}


def test_sarif_validates_and_suppresses_allowed_and_waived(db: Path, tmp_path: Path) -> None:
    policy = write_policy(tmp_path, *MIXED)
    _, expected = check_json(db, policy)
    result = run(db, "--policy", str(policy), "--format", "sarif")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert schema_errors(doc) == []
    (sarif_run,) = doc["runs"]
    results = sarif_run["results"]
    assert [r["partialFingerprints"]["graphsc/v1"] for r in results] == [v["key"] for v in expected["violations"]]
    for r, v in zip(results, expected["violations"], strict=True):
        assert r["ruleId"] == v["rule"] and r["level"] == "error"
        if v["status"] == "violation":
            assert "suppressions" not in r
        else:
            (s,) = r["suppressions"]
            assert s["kind"] == "external" and s["status"] == "accepted"
            if v["status"] == "waived":
                assert "legal@acme.example" in s["justification"] and "2999-12-31" in s["justification"]
            else:
                assert "permissive-ok" in s["justification"]
    # deny and warn rules are the SARIF rules; allow rules are not findings
    assert {r["id"] for r in sarif_run["tool"]["driver"]["rules"]} == {"no-nc", "no-nc-findings", "acme-authored"}
    assert sarif_run["invocations"] == [{"executionSuccessful": True, "exitCode": 1}]


def test_junit_parses_with_failures_and_skips(db: Path, tmp_path: Path) -> None:
    policy = write_policy(tmp_path, *MIXED)
    _, expected = check_json(db, policy)
    target = tmp_path / "check.xml"
    result = run(db, "--policy", str(policy), "--format", "junit", "-o", str(target))
    assert result.exit_code == 1
    xml = JUnitXml.fromfile(str(target))
    cases = [case for suite in xml for case in suite]
    assert sorted(c.name for c in cases) == sorted(v["key"] for v in expected["violations"])
    failing = {v["key"] for v in expected["violations"] if v["status"] == "violation"}
    suppressed = {v["key"] for v in expected["violations"] if v["status"] != "violation"}
    assert {c.name for c in cases if any(isinstance(x, Failure) for x in c.result)} == failing
    assert {c.name for c in cases if any(isinstance(x, Skipped) for x in c.result)} == suppressed
    assert xml.failures == len(failing)


def test_sarif_of_a_passing_check(db: Path, tmp_path: Path) -> None:
    policy = write_policy(tmp_path, DENY_NC)
    result = run(db, "--policy", str(policy), "--format", "sarif", "--repo", TOOL)
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert schema_errors(doc) == [] and doc["runs"][0]["results"] == []


# ───────────────────────────── --sbom ─────────────────────────────


def cyclonedx(path: Path, app_name: str, models: list[str]) -> Path:
    """A CycloneDX 1.6 SBOM of the MIT application acme/<app_name> using ``models`` (pkg:huggingface purls)."""
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "metadata": {
            "component": {
                "type": "application",
                "name": app_name,
                "purl": f"pkg:github/acme/{app_name}",
                "licenses": [{"license": {"id": "MIT"}}],
            }
        },
        "components": [{"type": "library", "name": m, "purl": f"pkg:huggingface/{m}"} for m in models],
    }
    path.write_text(json.dumps(doc))
    return path


@pytest.fixture
def own_db(db: Path, tmp_path: Path) -> Path:
    """A copy of the graph: --sbom ingests the SBOM into the store."""
    path = tmp_path / "own.db"
    shutil.copy(db, path)
    return path


def test_sbom_scopes_to_the_applications_usage(own_db: Path, tmp_path: Path) -> None:
    policy = write_policy(tmp_path, DENY_NC, DENY_NC_FINDINGS)
    sbom = cyclonedx(tmp_path / "app2.cdx.json", "app2", [FT])
    code, doc = check_json(own_db, policy, "--sbom", str(sbom))
    assert code == 1
    assert doc["scope"]["repo"] == "acme/app2" and doc["scope"]["resolved"] == "acme/app2"
    assert {v["node"]["id"] for v in doc["violations"]} == {NC_BASE, FT}
    assert all(v["subjects"]["repos"] == ["acme/app2"] for v in doc["violations"])  # not acme/app's usage
    nc = next(v for v in doc["violations"] if v["rule"] == "no-nc")
    assert [h["id"] for h in nc["chain"]] == [NC_BASE, FT, "acme/app2"]


def test_sbom_judges_only_the_models_its_current_version_lists(own_db: Path, tmp_path: Path) -> None:
    """Version 1 of the application's SBOM used the NC chain (FT); version 2 dropped it. Its USES edge stays in
    the store, but checking version 2 judges only what version 2 lists."""
    policy = write_policy(tmp_path, DENY_NC, DENY_NC_FINDINGS)
    first = cyclonedx(tmp_path / "v1.cdx.json", "app5", [FT, OK])
    assert check_json(own_db, policy, "--sbom", str(first))[0] == 1
    second = cyclonedx(tmp_path / "v2.cdx.json", "app5", [OK])
    code, doc = check_json(own_db, policy, "--sbom", str(second))
    assert code == 0, doc
    assert doc["violations"] == []
    assert check_json(own_db, policy, "--repo", "acme/app5")[0] == 1  # the stored usage itself still fails


def test_sbom_of_a_clean_application_passes(own_db: Path, tmp_path: Path) -> None:
    policy = write_policy(tmp_path, DENY_NC, DENY_NC_FINDINGS)
    sbom = cyclonedx(tmp_path / "app3.cdx.json", "app3", [OK])
    code, doc = check_json(own_db, policy, "--sbom", str(sbom))
    assert code == 0 and doc["violations"] == []
    assert doc["scope"]["repo"] == "acme/app3"


def test_sbom_with_model_is_refused(own_db: Path, tmp_path: Path) -> None:
    policy = write_policy(tmp_path, DENY_NC)
    sbom = cyclonedx(tmp_path / "app4.cdx.json", "app4", [OK])
    result = run(own_db, "--policy", str(policy), "--sbom", str(sbom), "--model", FT)
    assert result.exit_code == 2


# ───────────────────────────── dataset lineage ─────────────────────────────
# data/nc (cc-by-nc-4.0, gated) → data/derived (mit, source_datasets extended|data/nc) → org/m (apache-2.0, trained
# on data/derived) → org/m-ft (finetune); acme/app uses org/m, the Space sp/demo uses org/m-ft.

D_NC, D_DERIVED, D_M, D_FT, D_SPACE = "data/nc", "data/derived", "org/m", "org/m-ft", "sp/demo"
NO_NC_DATA = """
[[rules]]
id = "no-nc-data"
action = "deny"
category = "non-commercial"
node = "dataset"
"""


@pytest.fixture(scope="module")
def data_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("check-data") / "g.db"
    with SQLiteStore(path) as store:
        store.write(
            GraphBatch(
                models=[Model(D_M, license="apache-2.0"), Model(D_FT, license="apache-2.0")],
                datasets=[Dataset(D_NC, "cc-by-nc-4.0", gated="manual"), Dataset(D_DERIVED, "mit", gated="false")],
                dataset_derived_from=[DatasetDerivedFrom(D_DERIVED, D_NC, "source-datasets")],
                derived_from=[DerivedFrom(D_FT, D_M, "finetune", "test")],
                trained_on=[TrainedOn(D_M, D_DERIVED, "card")],
                repos=[Repo(APP, "mit", "mit")],
                spaces=[Space(D_SPACE, "mit")],
                uses=[Uses(APP, "repo", D_M, "test", None), Uses(D_SPACE, "space", D_FT, "test", None)],
            )
        )
    return path


def test_a_no_nc_data_rule_denies_a_source_dataset(data_db: Path, tmp_path: Path) -> None:
    policy = write_policy(tmp_path, NO_NC_DATA)
    result = run(data_db, "--policy", str(policy), "--model", D_M)
    assert result.exit_code == 1, result.output
    lines = [line.strip() for line in result.stdout.splitlines()]
    headline = next(line for line in lines if line.startswith("DENY"))
    assert "no-nc-data" in headline and f"{D_NC} [CC-BY-NC-4.0]" in headline
    start = next(i for i, line in enumerate(lines) if line.startswith("chain"))
    assert lines[start] == f"chain    {D_NC} [CC-BY-NC-4.0]"
    assert lines[start + 1] == f"↳ source_datasets  {D_DERIVED} [MIT]"
    assert lines[start + 2] == f"↳ trained_on  {D_M} [Apache-2.0]"
    assert "FAILED" in result.stdout and "No rule matched" not in result.stdout
    # a repository-scoped rule on the dataset position fires for the repository
    scoped = write_policy(
        tmp_path,
        '[[rules]]\nid = "acme-data"\naction = "deny"\ncategory = "non-commercial"\nposition = ["dataset"]\n'
        '[rules.scope]\nrepos = ["acme/*"]\n',
        name="scoped.toml",
    )
    code, doc = check_json(data_db, scoped, "--repo", APP)
    assert code == 1
    (v,) = doc["violations"]
    assert (v["node"]["id"], v["positions"], v["subjects"]["repos"]) == (D_NC, ["dataset"], [APP])
    assert [(h["id"], h["relation"]) for h in v["chain"]] == [
        (D_NC, "source_datasets"),
        (D_DERIVED, "trained_on"),
        (D_M, "uses"),
        (APP, None),
    ]


def test_gated_and_fetched_match_datasets(data_db: Path, tmp_path: Path) -> None:
    policy = write_policy(
        tmp_path,
        '[[rules]]\nid = "gated-data"\naction = "warn"\nnode = "dataset"\ngated = true\n'
        '[[rules]]\nid = "fetched-data"\naction = "warn"\nnode = "dataset"\nfetched = true\n',
    )
    code, doc = check_json(data_db, policy, "--model", D_FT)
    assert code == 0
    got = {(v["rule"], v["node"]["id"]) for v in doc["violations"]}
    assert got == {("gated-data", D_NC), ("fetched-data", D_NC), ("fetched-data", D_DERIVED)}


def test_a_training_data_finding_shows_the_origin_dataset(data_db: Path, tmp_path: Path) -> None:
    policy = write_policy(tmp_path, '[[rules]]\nid = "t-nc"\naction = "warn"\non = "finding"\nfinding = "T-NC"\n')
    result = run(data_db, "--policy", str(policy), "--model", D_M)
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.stdout.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("chain"))
    assert lines[start] == f"chain    {D_NC} [CC-BY-NC-4.0]"
    assert lines[start + 1] == f"↳ source_datasets  {D_DERIVED} [MIT]"
    assert lines[start + 2] == f"↳ trained_on  {D_M} [Apache-2.0]  (the finding's child)"


def test_a_space_scope_is_named_a_space(data_db: Path, tmp_path: Path) -> None:
    policy = write_policy(tmp_path, NO_NC_DATA)
    result = run(data_db, "--policy", str(policy), "--repo", D_SPACE)
    assert result.exit_code == 1, result.output
    summary = next(line for line in result.stdout.splitlines() if line.startswith("FAILED"))
    assert summary.endswith(f"— space {D_SPACE}")
    code, doc = check_json(data_db, policy, "--repo", D_SPACE)
    assert code == 1
    assert doc["scope"] == {"model": None, "repo": D_SPACE, "resolved": D_SPACE, "kind": "space"}
    result = run(data_db, "--policy", str(policy), "--repo", APP)
    assert next(line for line in result.stdout.splitlines() if line.startswith("FAILED")).endswith(f"— repo {APP}")
