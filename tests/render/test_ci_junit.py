"""JUnit XML from CI results, read back with junitparser: a suite per rule, a case per result, failures for errors and
warnings only, skipped for suppressed results; always parseable, whatever characters the findings hold."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from junitparser import Failure, JUnitXml, Skipped

from graphsc.render.ci_junit import finding_text, junit_text, xml_safe
from graphsc.render.ci_results import CiLocation, CiReport, CiResult, CiRule, CiSuppression, card_location
from tests.render.test_ci_sarif import reports

RULE = CiRule("R-1", "rule_one", "Short.", "Full.", "Help.", None, "error")
NOTE_RULE = CiRule("R-2", "rule_two", "Short.", "Full.", "Help.", None, "note")
CARD = card_location("acme/ft", "model", "the child")


def report() -> CiReport:
    related = (CiLocation("https://github.com/o/r/blob/HEAD/a.py", 3, "file"),)
    return CiReport(
        "licenses",
        (RULE, NOTE_RULE),
        (
            CiResult("R-1", "error", "dropped <x> & y", "R-1/derived:acme/ft<-meta/base", (CARD,), related),
            CiResult("R-1", "warning", "a warning", "R-1/derived:acme/ft2<-meta/base", (CARD,)),
            CiResult("R-1", "error", "waived", "R-1/derived:acme/ft3<-meta/base", (CARD,), (), {}, CiSuppression("ok")),
            CiResult("R-2", "note", "a note", "R-2/uses:o/r<-acme/ft", (CARD,)),
        ),
        exit_code=1,
    )


def test_one_suite_per_rule_one_case_per_result() -> None:
    text = junit_text(report())
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n')
    xml = JUnitXml.fromstring(text.encode())
    suites = list(xml)
    assert [s.name for s in suites] == ["R-1 rule_one", "R-2 rule_two"]
    assert [s.tests for s in suites] == [3, 1]
    assert (xml.tests, xml.failures, xml.skipped, xml.errors) == (4, 2, 1, 0)
    cases = [c for s in suites for c in s]
    assert [c.name for c in cases] == [r.key for r in report().results]
    assert [c.classname for c in cases] == ["R-1", "R-1", "R-1", "R-2"]


def test_errors_and_warnings_fail_suppressed_skip_notes_pass() -> None:
    xml = JUnitXml.fromstring(junit_text(report()).encode())
    error, warning, waived, note = (c for s in xml for c in s)
    (failure,) = error.result
    assert isinstance(failure, Failure)
    assert (failure.type, failure.message) == ("error", "dropped <x> & y")
    assert failure.text == finding_text(report().results[0])
    assert "at https://huggingface.co/acme/ft/blob/main/README.md (the child)" in failure.text
    assert "related: https://github.com/o/r/blob/HEAD/a.py#L3 (file)" in failure.text
    assert warning.result[0].type == "warning"
    assert isinstance(waived.result[0], Skipped) and waived.result[0].message == "ok"
    assert note.is_passed and "a note" in note.system_out


def test_an_empty_report_is_an_empty_run() -> None:
    xml = JUnitXml.fromstring(junit_text(CiReport("licenses", (), ())).encode())
    assert (len(xml), xml.tests, xml.failures) == (0, 0, 0)


def test_characters_xml_cannot_hold_are_escaped() -> None:
    assert xml_safe("a\x00b\x1bc\ufffe\td\n") == "a\\x00b\\x1bc\\ufffe\td\n"
    r = CiResult("R\x01", "error", "bell\x07", "key\x0b", (CiLocation("https://x.org", description="\x1f"),))
    xml = JUnitXml.fromstring(junit_text(CiReport("c\x02", (), (r,))).encode())
    (case,) = (c for s in xml for c in s)
    assert (case.name, case.classname, case.result[0].message) == ("key\\x0b", "R\\x01", "bell\\x07")


@settings(max_examples=60, deadline=None)
@given(reports())
def test_any_report_is_parseable_junit(r: CiReport) -> None:
    xml = JUnitXml.fromstring(junit_text(r).encode())
    cases = [c for s in xml for c in s]
    assert len(cases) == len(r.results)
    assert xml.failures == sum(1 for x in r.results if x.fails)
    assert xml.skipped == sum(1 for x in r.results if x.suppression is not None)


@given(st.text())
def test_xml_safe_keeps_what_xml_can_hold(s: str) -> None:
    safe = xml_safe(s)
    if all(c in "\t\n\r" or 0x20 <= ord(c) <= 0xD7FF or 0xE000 <= ord(c) <= 0xFFFD or ord(c) > 0xFFFF for c in s):
        assert safe == s
