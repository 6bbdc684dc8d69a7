"""``--format sarif``: a ``CiReport`` (``graphsc.render.ci_results``) as a SARIF 2.1.0 log, the format GitHub code
scanning and other CI dashboards read.

The log has one run of the tool ``graphsc`` (version from the installed package metadata), the rules the results
refer to, and one result per finding: its rule (id and index), level, message, locations, related locations,
``partialFingerprints["graphsc/v1"]`` (the finding's stable key, so a dashboard tracks it across runs), a
suppression when a policy waived it, and graphsc's own fields as properties. Every location is a physical one (a
URL: a model card, a repository file with its line, a repository), with a logical location naming the model or
repository when known: GitHub rejects a result without a location. The invocation records the command's exit code;
``executionSuccessful`` is true whenever a log is written (a gate that fails the job is a finding, not a failed run;
a command that fails writes no report).

Built as plain dicts, not with a SARIF object model: ``sarif-om`` (Microsoft) was last released in 2019, is
untyped, and needs ``jschema-to-python`` (with ``jsonpickle`` and ``pbr``) only to serialise; ``sarif-pydantic``
(0.6, 2025) has little use yet. SARIF is one JSON document, and the official OASIS schema is the contract: the
tests validate every document graphsc writes against it (``tests/data/sarif``). The text is made by
``graphsc.render.json_text``, as every JSON graphsc writes.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.metadata import PackageNotFoundError, metadata
from typing import Any

from graphsc.render import json_text
from graphsc.render.ci_results import CiLocation, CiReport, CiResult, CiRule

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "graphsc"
FINGERPRINT = "graphsc/v1"  # partialFingerprints key; bump when the meaning of a finding's key changes
TAGS = ("license", "supply-chain")

# Characters Markdown reads as formatting anywhere in a line, and line starts it reads as a block (a list, a heading
# or a quote), escaped in help written as Markdown.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
_MARKDOWN_BLOCK_START = re.compile(r"^(\s*[0-9]*)([-+=]|(?<=[0-9])[.)])")


@cache
def _tool_metadata() -> tuple[str | None, str | None]:
    """The installed graphsc's version and home page (None when not installed or not declared)."""
    try:
        meta = metadata(TOOL_NAME)
    except PackageNotFoundError:  # pragma: no cover - running from a source tree that is not installed
        return None, None
    homes = [*(meta.get_all("Home-page") or ())]
    for entry in meta.get_all("Project-URL") or ():
        label, _, url = entry.partition(",")
        if label.strip().lower() in {"homepage", "home", "repository", "source", "documentation"}:
            homes.append(url.strip())
    versions = meta.get_all("Version") or ()
    return (versions[0] if versions else None), (homes[0] if homes else None)


def sarif_document(report: CiReport) -> dict[str, Any]:
    """``report`` as a SARIF 2.1.0 log (a JSON-ready dict)."""
    version, home = _tool_metadata()
    driver: dict[str, Any] = {"name": TOOL_NAME}
    if home:
        driver["informationUri"] = home
    if version:
        driver["version"] = version
        driver["semanticVersion"] = version
    driver["rules"] = [_rule(r) for r in report.rules]
    index = {r.id: i for i, r in enumerate(report.rules)}
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "automationDetails": {"id": f"{TOOL_NAME}/{report.command}/"},
        "invocations": [{"executionSuccessful": True, "exitCode": report.exit_code}],
        "results": [_result(r, index) for r in report.results],
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def sarif_text(report: CiReport) -> str:
    """``report`` as SARIF 2.1.0 JSON text."""
    return json_text(sarif_document(report))


def _rule(rule: CiRule) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.short_description},
        "fullDescription": {"text": rule.full_description},
        "help": {"text": rule.help_text, "markdown": markdown(rule.help_text)},
    }
    if rule.help_uri:
        out["helpUri"] = rule.help_uri
    out["defaultConfiguration"] = {"level": rule.default_level}
    out["properties"] = {"tags": list(TAGS)}
    return out


def _result(result: CiResult, index: dict[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = {"ruleId": result.rule_id}
    if result.rule_id in index:
        out["ruleIndex"] = index[result.rule_id]
    out["level"] = result.level
    out["message"] = {"text": result.message}
    out["locations"] = [_location(loc) for loc in result.locations]
    if result.related:
        out["relatedLocations"] = [_location(loc, i) for i, loc in enumerate(result.related, 1)]
    out["partialFingerprints"] = {FINGERPRINT: result.key}
    if result.suppression is not None:
        s = result.suppression
        out["suppressions"] = [{"kind": s.kind, "status": s.status, "justification": s.justification}]
    if result.properties:
        out["properties"] = dict(result.properties)
    return out


def _location(loc: CiLocation, location_id: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if location_id is not None:
        out["id"] = location_id
    physical: dict[str, Any] = {"artifactLocation": {"uri": loc.uri}}
    if loc.line is not None and loc.line >= 1:
        physical["region"] = {"startLine": loc.line}
    out["physicalLocation"] = physical
    if loc.logical is not None:
        out["logicalLocations"] = [{"name": loc.logical, "fullyQualifiedName": loc.logical, "kind": "module"}]
    if loc.description is not None:
        out["message"] = {"text": loc.description}
    return out


def markdown(text: str) -> str:
    """Plain ``text`` as Markdown that reads the same: special characters escaped, lines starting ``- `` kept as
    list items, line breaks kept."""
    lines = []
    for line in text.split("\n"):
        bullet = line.startswith("- ")
        body = _MARKDOWN_SPECIAL.sub(r"\\\1", line[2:] if bullet else line)
        body = _MARKDOWN_BLOCK_START.sub(r"\1\\\2", body)
        lines.append(("- " if bullet else "") + body)
    return "\n".join(lines)
