"""``graphsc licenses --format sarif|junit`` on the bundled real data (the two Hub families + PeaTMOSS usages, as
``graphsc demo`` ingests them; the families alone hold no conflict). Expectations come from the ``--format json``
output at the same filters, never typed-in numbers."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from junitparser import Failure, JUnitXml, Skipped
from typer.testing import CliRunner, Result

from graphsc.cli import app
from tests.render.test_ci_sarif import schema_errors

runner = CliRunner()
LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def run(db: Path, *args: str) -> Result:
    return runner.invoke(app, ["licenses", *args, "--db", str(db)])


def json_conflicts(db: Path, *args: str) -> list[dict[str, Any]]:
    result = run(db, "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    conflicts: list[dict[str, Any]] = json.loads(result.stdout)["conflicts"]
    return conflicts


def key_of(c: dict[str, Any]) -> str:
    """The stable key as documented (``Conflict.key``), computed from the JSON row."""
    bases = sorted(b.lower() for b in c["bases"]) if c["bases"] else [(c["base"] or "").lower()]
    return f"{c['rule']}/{c['edge']}:{c['child'].lower()}<-{'+'.join(bases)}"


def card(repo_id: str, prefix: str = "") -> str:
    return f"https://huggingface.co/{prefix}{repo_id}/blob/main/README.md"


FILTERS = [("--severity", "info"), (), ("--kind", "non_commercial_dropped"), ("--severity", "error")]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: " ".join(f) or "default")
def test_sarif_is_valid_and_has_a_result_per_conflict(real_db: Path, filters: tuple[str, ...]) -> None:
    expected = json_conflicts(real_db, *filters)
    result = run(real_db, "--format", "sarif", *filters)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert schema_errors(doc) == []
    (sarif_run,) = doc["runs"]
    results = sarif_run["results"]
    assert len(results) == len(expected)
    assert [r["partialFingerprints"]["graphsc/v1"] for r in results] == [key_of(c) for c in expected]
    assert [(r["ruleId"], r["level"]) for r in results] == [(c["rule"], LEVEL[c["severity"]]) for c in expected]
    rules = sarif_run["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} == {c["rule"] for c in expected}
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    for r, c in zip(results, expected, strict=True):
        uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        if c["child_type"] == "model":
            assert uri == card(c["child"])
        elif c["child_type"] == "space":
            assert uri == card(c["child"], "spaces/")
        else:  # the PeaTMOSS mapping names no file: the repository
            assert uri == f"https://github.com/{c['child']}"
        assert r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == c["child"]
        bases = c["bases"] or [c["base"]]
        prefix = "datasets/" if c["edge"] == "trained_on" else ""
        related = [x["physicalLocation"]["artifactLocation"]["uri"] for x in r["relatedLocations"]]
        assert related == [card(b, prefix) for b in bases]
        assert r["properties"]["origin_licenses"] == c["origin_licenses"]
    assert sarif_run["invocations"] == [{"executionSuccessful": True, "exitCode": 0}]


def test_sarif_lists_every_match_whatever_the_limit(real_db: Path) -> None:
    everything = json_conflicts(real_db)
    doc = json.loads(run(real_db, "--format", "sarif", "--limit", "3").stdout)
    assert len(doc["runs"][0]["results"]) == len(everything) > 3


@pytest.mark.parametrize("gate", ["error", "warning"])
def test_fail_on_exits_as_before_with_the_sarif_written(real_db: Path, gate: str) -> None:
    expected = json_conflicts(real_db, "--severity", "info")
    tripped = any(c["severity"] in ("error", gate) for c in expected)
    assert tripped or gate == "error"  # the real data has warnings (uses of non-commercial models)
    result = run(real_db, "--format", "sarif", "--severity", "info", "--fail-on", gate)
    assert result.exit_code == int(tripped) == run(real_db, "--format", "json", "--fail-on", gate).exit_code
    doc = json.loads(result.stdout)
    assert schema_errors(doc) == []
    assert doc["runs"][0]["invocations"] == [{"executionSuccessful": True, "exitCode": int(tripped)}]
    assert len(doc["runs"][0]["results"]) == len(expected)


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: " ".join(f) or "default")
def test_junit_counts_match_the_json(real_db: Path, filters: tuple[str, ...]) -> None:
    expected = json_conflicts(real_db, *filters)
    result = run(real_db, "--format", "junit", *filters)
    assert result.exit_code == 0, result.output
    xml = JUnitXml.fromstring(result.stdout.encode())
    suites = list(xml)
    by_rule = Counter(c["rule"] for c in expected)
    assert {s.name.split(" ")[0]: s.tests for s in suites} == dict(by_rule)
    cases = [case for s in suites for case in s]
    assert sorted(case.name for case in cases) == sorted(key_of(c) for c in expected)
    failing = sum(1 for c in expected if c["severity"] in ("error", "warning"))
    assert xml.tests == len(expected) and xml.failures == failing and xml.errors == 0
    assert sum(1 for case in cases if any(isinstance(x, Failure) for x in case.result)) == failing
    assert not any(isinstance(x, Skipped) for case in cases for x in case.result)  # licenses waives nothing
    for case in cases:
        for f in case.result:
            assert f.type in ("error", "warning") and f.text and "key: " in f.text


def test_junit_fail_on_exits_1(real_db: Path) -> None:
    result = run(real_db, "--format", "junit", "--fail-on", "warning")
    assert result.exit_code == 1
    assert JUnitXml.fromstring(result.stdout.encode()).failures > 0


def test_the_help_names_the_formats() -> None:
    result = runner.invoke(app, ["licenses", "--help"], env={"COLUMNS": "200"})
    assert "sarif" in result.stdout and "junit" in result.stdout


@pytest.mark.parametrize("fmt", ["sarif", "json", "csv", "junit"])
def test_output_writes_the_report_to_a_file(real_db: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    written = run(real_db, "--format", fmt, "--output", str(out))
    assert written.exit_code == 0, written.output
    assert written.stdout == ""
    again = run(real_db, "--format", fmt).stdout
    if fmt == "json":  # the document holds the engine's time, which differs between runs
        assert json.loads(out.read_text())["conflicts"] == json.loads(again)["conflicts"]
    else:
        assert out.read_text() == again


def test_output_with_the_table_is_refused(real_db: Path, tmp_path: Path) -> None:
    refused = run(real_db, "--output", str(tmp_path / "t.txt"))
    assert refused.exit_code == 2
    assert not (tmp_path / "t.txt").exists()
