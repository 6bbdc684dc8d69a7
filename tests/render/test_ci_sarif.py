"""SARIF 2.1.0 from CI results: every document valid against the official OASIS schema (tests/data/sarif), whatever
the strings in it, and each part of a result where SARIF readers (GitHub code scanning) look for it."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from graphsc.render.ci_results import (
    CiLocation,
    CiReport,
    CiResult,
    CiRule,
    CiSuppression,
    card_location,
    card_url,
    level_of,
    repository_url,
    usage_file,
    usage_location,
)
from graphsc.render.ci_sarif import FINGERPRINT, SARIF_SCHEMA, markdown, sarif_document, sarif_text

SCHEMA_FILE = Path(__file__).parents[1] / "data" / "sarif" / "sarif-schema-2.1.0.json"


@cache
def sarif_validator() -> Any:
    """The official schema (draft-04), checking formats (uri, uri-reference, date-time) too."""
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def schema_errors(doc: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in sarif_validator().iter_errors(doc)]


RULE = CiRule("R-1", "rule_one", "Short.", "Full description.", "Help.\n\n- a.b: §1", None, "error")
NOTE_RULE = CiRule("R-2", "rule_two", "Short 2.", "Full 2.", "Help 2.", "https://example.org/help", "note")


def report() -> CiReport:
    card = card_location("acme/model-ft", "model", "the child")
    file = CiLocation("https://github.com/o/r/blob/HEAD/src/app.py", 12, "uses it", "o/r")
    return CiReport(
        "licenses",
        (RULE, NOTE_RULE),
        (
            CiResult("R-1", "error", "dropped", "r-1/derived:acme/model-ft<-meta/base", (card,), (card,), {"n": 1}),
            CiResult("R-2", "note", "a note", "r-2/uses:o/r<-acme/model-ft", (file,)),
            CiResult(
                "R-1",
                "warning",
                "waived",
                "k3",
                (CiLocation("https://github.com/o/r"),),
                suppression=CiSuppression("allowed by policy.toml"),
            ),
        ),
        exit_code=1,
    )


def test_the_document_is_valid_sarif_2_1_0() -> None:
    doc = sarif_document(report())
    assert schema_errors(doc) == []
    assert doc["$schema"] == SARIF_SCHEMA and doc["version"] == "2.1.0" and len(doc["runs"]) == 1
    assert json.loads(sarif_text(report())) == doc


def test_the_driver_names_graphsc_its_version_and_the_rules() -> None:
    from importlib.metadata import version

    driver = sarif_document(report())["runs"][0]["tool"]["driver"]
    assert driver["name"] == "graphsc"
    assert driver["semanticVersion"] == version("graphsc")
    assert [r["id"] for r in driver["rules"]] == ["R-1", "R-2"]
    rule = driver["rules"][0]
    assert rule["name"] == "rule_one"
    assert rule["shortDescription"] == {"text": "Short."}
    assert rule["fullDescription"] == {"text": "Full description."}
    assert rule["help"]["text"] == RULE.help_text
    assert rule["help"]["markdown"] == markdown(RULE.help_text)
    assert rule["defaultConfiguration"] == {"level": "error"}
    assert "license" in rule["properties"]["tags"]
    assert "helpUri" not in rule
    assert driver["rules"][1]["helpUri"] == "https://example.org/help"


def test_results_carry_rule_level_message_locations_and_fingerprint() -> None:
    run = sarif_document(report())["runs"][0]
    first, note, waived = run["results"]
    assert (first["ruleId"], first["ruleIndex"], first["level"]) == ("R-1", 0, "error")
    assert first["message"] == {"text": "dropped"}
    assert first["partialFingerprints"] == {FINGERPRINT: "r-1/derived:acme/model-ft<-meta/base"}
    loc = first["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"]["uri"] == card_url("acme/model-ft")
    assert "region" not in loc["physicalLocation"]
    assert loc["logicalLocations"] == [
        {"name": "acme/model-ft", "fullyQualifiedName": "acme/model-ft", "kind": "module"}
    ]
    assert first["relatedLocations"][0]["id"] == 1
    assert first["properties"] == {"n": 1}
    assert "suppressions" not in first
    assert note["ruleIndex"] == 1 and note["level"] == "note"
    assert note["locations"][0]["physicalLocation"]["region"] == {"startLine": 12}
    assert note["locations"][0]["message"] == {"text": "uses it"}
    assert waived["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": "allowed by policy.toml"}
    ]
    assert "logicalLocations" not in waived["locations"][0]


def test_the_invocation_records_the_exit_code() -> None:
    run = sarif_document(report())["runs"][0]
    assert run["invocations"] == [{"executionSuccessful": True, "exitCode": 1}]
    assert run["automationDetails"] == {"id": "graphsc/licenses/"}


def test_an_empty_report_is_valid() -> None:
    doc = sarif_document(CiReport("licenses", (), ()))
    assert schema_errors(doc) == []
    assert doc["runs"][0]["results"] == []


def test_a_result_of_an_undeclared_rule_has_no_index() -> None:
    r = CiResult("X", "warning", "m", "k", (CiLocation("https://github.com/o/r"),))
    doc = sarif_document(CiReport("check", (RULE,), (r,)))
    assert "ruleIndex" not in doc["runs"][0]["results"][0]
    assert schema_errors(doc) == []


def test_levels_of_graphsc_severities() -> None:
    assert [level_of(s) for s in ("error", "warning", "info")] == ["error", "warning", "note"]


def test_card_urls_of_models_datasets_and_spaces() -> None:
    assert card_url("meta-llama/Llama-2-7b-hf") == "https://huggingface.co/meta-llama/Llama-2-7b-hf/blob/main/README.md"
    assert card_url("org/data", "dataset") == "https://huggingface.co/datasets/org/data/blob/main/README.md"
    assert card_url("org/app", "space") == "https://huggingface.co/spaces/org/app/blob/main/README.md"
    assert card_url("gpt2") == "https://huggingface.co/gpt2/blob/main/README.md"
    assert card_url("o/a b#c") == "https://huggingface.co/o/a%20b%23c/blob/main/README.md"


def test_usage_locations_from_each_evidence_shape() -> None:
    # GitHub code search (graphsc.ingest.github._evidence): "path:line url#Lline" or "path url"
    found = usage_location("Owner/Repo", "src/my app.py:42 https://github.com/Owner/Repo/blob/abc/src/my%20app.py#L42")
    assert found == CiLocation("https://github.com/Owner/Repo/blob/HEAD/src/my%20app.py", 42, None, "Owner/Repo")
    found = usage_location("o/r", "nb/a.ipynb https://github.com/o/r/blob/abc/nb/a.ipynb")
    assert (found.uri, found.line) == ("https://github.com/o/r/blob/HEAD/nb/a.ipynb", None)
    assert usage_file("a:b.py:7 https://github.com/o/r/blob/x/a:b.py#L7") == ("a:b.py", 7)
    assert usage_file("x.py:0 https://github.com/o/r") == ("x.py", None)  # no line 0
    # PeaTMOSS: a database's reuse file (optionally "(as legacy-id)"), or a mapping row naming no file
    found = usage_location("o/r", "PeaTMOSS database reuse_file train/run.py (as gpt2)")
    assert (found.uri, found.line) == ("https://github.com/o/r/blob/HEAD/train/run.py", None)
    for evidence in (
        "PeaTMOSS mapping",
        "PeaTMOSS mapping (as gpt2)",
        "PeaTMOSS database",
        "bom.json: $.components[0]",
    ):
        assert usage_location("o/r", evidence) == CiLocation("https://github.com/o/r", logical="o/r")
    assert usage_location("o/r", None).uri == repository_url("o/r") == "https://github.com/o/r"


def test_markdown_help_escapes_formatting_and_keeps_lists() -> None:
    assert markdown("a_b *c* [d](e)\n\n- x.y: §1\n# not a heading") == (
        "a\\_b \\*c\\* \\[d\\](e)\n\n- x.y: §1\n\\# not a heading"
    )


text = st.text(max_size=40)
ids = st.text(min_size=1, max_size=40)
level = st.sampled_from(["error", "warning", "note"])


@st.composite
def locations(draw: st.DrawFn) -> CiLocation:
    kind = draw(st.sampled_from(["card", "usage", "any"]))
    description = draw(st.none() | text)
    if kind == "card":
        return card_location(draw(ids), draw(st.sampled_from(["model", "dataset", "space"])), description)
    if kind == "usage":
        return usage_location(draw(ids), draw(st.none() | text), description)
    return CiLocation(
        "https://example.org/x", draw(st.none() | st.integers(1, 10**6)), description, draw(st.none() | ids)
    )


@st.composite
def reports(draw: st.DrawFn) -> CiReport:
    rules = draw(
        st.lists(
            st.builds(CiRule, ids, text, text, text, text, st.none() | st.just("https://example.org/h"), level),
            max_size=4,
            unique_by=lambda r: r.id,
        )
    )
    rule_ids = [r.id for r in rules] or ["R"]
    results = draw(
        st.lists(
            st.builds(
                CiResult,
                st.sampled_from(rule_ids) | ids,
                level,
                text,
                text,
                st.lists(locations(), min_size=1, max_size=2).map(tuple),
                st.lists(locations(), max_size=3).map(tuple),
                st.dictionaries(ids, text | st.integers(-(2**53), 2**53) | st.lists(text), max_size=3),
                st.none() | st.builds(CiSuppression, text),
            ),
            max_size=6,
        )
    )
    return CiReport(draw(ids), tuple(rules), tuple(results), draw(st.integers(-(2**31), 2**31 - 1)))


@settings(max_examples=60, deadline=None)
@given(reports())
def test_any_report_is_valid_sarif(r: CiReport) -> None:
    doc = sarif_document(r)
    assert schema_errors(doc) == []
    assert json.loads(sarif_text(r)) == doc
    results = doc["runs"][0]["results"]
    assert len(results) == len(r.results)
    assert all(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for res in results)
    assert [res["partialFingerprints"][FINGERPRINT] for res in results] == [x.key for x in r.results]
