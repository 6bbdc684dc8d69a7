"""``--format junit``: a ``CiReport`` (``graphsc.render.ci_results``) as JUnit XML, which every CI system shows as
test results (GitLab, Jenkins, Azure Pipelines, CircleCI, GitHub test reporters).

The mapping, so that a CI job reading the file fails on errors and warnings only:

- one ``<testsuite>`` per rule the results refer to, named ``"<rule id> <rule name>"`` (e.g.
  ``U-NC non_commercial_dropped``), in the report's rule order;
- one ``<testcase>`` per result: ``name`` its stable key (``Conflict.key``), ``classname`` the rule id;
- an ``error`` or ``warning`` result is a ``<failure type="error|warning" message="...">`` whose text is the full
  finding (message, locations, related locations, key);
- a suppressed result (a policy waived or allowed it) is ``<skipped type="suppressed" message="<justification>">``;
- a ``note`` (graphsc's ``info``) passes: the testcase carries the finding in ``<system-out>``.

Written with ``junitparser`` (its reader is what the tests parse the file back with), pretty-printed with an XML
declaration. Characters XML 1.0 cannot hold (control characters other than tab and line breaks, U+FFFE, U+FFFF,
lone surrogates) are written as ``\\xNN`` / ``\\uNNNN`` escapes so the file always parses.
"""

from __future__ import annotations

import io
import re

from junitparser import Failure, JUnitXml, Skipped, TestCase, TestSuite

from graphsc.render.ci_results import CiLocation, CiReport, CiResult, CiRule

SUPPRESSED = "suppressed"

# What XML 1.0 cannot contain (its ``Char`` production's complement).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` with each character XML 1.0 cannot hold written as a ``\\xNN`` or ``\\uNNNN`` escape."""
    return _NOT_XML.sub(_escape, text)


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def junit_text(report: CiReport) -> str:
    """``report`` as pretty-printed JUnit XML text, with an XML declaration."""
    xml = JUnitXml(xml_safe(f"graphsc {report.command}"))
    by_rule: dict[str, list[CiResult]] = {r.id: [] for r in report.rules}
    for result in report.results:
        by_rule.setdefault(result.rule_id, []).append(result)
    rules = {r.id: r for r in report.rules}
    for rule_id, results in by_rule.items():
        suite = TestSuite(xml_safe(_suite_name(rule_id, rules.get(rule_id))))
        suite.add_testcases([_case(r) for r in results])  # one statistics pass (add_testcase counts every time)
        xml.add_testsuite(suite)
    xml.update_statistics()  # type: ignore[no-untyped-call]  # the totals on <testsuites>
    out = io.BytesIO()
    xml.write(out, pretty=True)
    return out.getvalue().decode("utf-8")


def _suite_name(rule_id: str, rule: CiRule | None) -> str:
    return f"{rule_id} {rule.name}" if rule is not None and rule.name != rule_id else rule_id


def _case(result: CiResult) -> TestCase:
    case = TestCase(xml_safe(result.key), xml_safe(result.rule_id))
    text = xml_safe(finding_text(result))
    if result.suppression is not None:
        case.result = [Skipped(xml_safe(result.suppression.justification), SUPPRESSED)]
        case.system_out = text
    elif result.fails:
        failure = Failure(xml_safe(result.message), result.level)
        failure.text = text
        case.result = [failure]
    else:
        case.system_out = text
    return case


def finding_text(result: CiResult) -> str:
    """A result in full, one fact a line: the message, each location and related location, the key."""
    lines = [result.message]
    lines += [f"at {_where(loc)}" for loc in result.locations]
    lines += [f"related: {_where(loc)}" for loc in result.related]
    if result.suppression is not None:
        lines.append(f"suppressed ({result.suppression.kind}): {result.suppression.justification}")
    lines.append(f"key: {result.key}")
    return "\n".join(lines)


def _where(loc: CiLocation) -> str:
    place = loc.uri if loc.line is None else f"{loc.uri}#L{loc.line}"
    return place if loc.description is None else f"{place} ({loc.description})"
