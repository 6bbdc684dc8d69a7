"""CI results: a neutral model of what a gating command found, which the CI formats (``ci_sarif``, ``ci_junit``)
write and each command (``licenses``, ``check``, ``diff``) maps its findings to (``licenses_ci``, …).

A ``CiReport`` holds the rules that fired (``CiRule``) and one ``CiResult`` per finding: a level (SARIF's
``error``/``warning``/``note``; graphsc's ``info`` is a note), a message, a stable key (the finding's fingerprint,
e.g. ``Conflict.key``), where it is (``CiLocation``: a URL, a line when known) and related places, and a
suppression when a policy waived or allowed it. Every result has at least one location (GitHub code scanning
rejects a result without one): a model, dataset or Space is located at its card, a repository at the file that
uses the model when the usage evidence names one, else at the repository.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

Level = Literal["error", "warning", "note"]
CardKind = Literal["model", "dataset", "space"]

HUB_URL = "https://huggingface.co"
GITHUB_URL = "https://github.com"

# graphsc severities (graphsc.licenses.rules.Severity) as SARIF levels.
LEVELS: dict[str, Level] = {"error": "error", "warning": "warning", "info": "note"}
# Levels a CI job fails on: errors and warnings; notes are information.
FAILING_LEVELS: frozenset[Level] = frozenset({"error", "warning"})

# USES evidence naming a file: GitHub code search's ``path:line url`` / ``path url`` (graphsc.ingest.github), and
# a PeaTMOSS database's ``PeaTMOSS database reuse_file path`` (graphsc.sources.peatmoss).
_CODE_SEARCH = re.compile(r"(?P<path>.+?)(?::(?P<line>[0-9]+))? (?P<url>https?://\S+)")
_PEATMOSS_FILE = re.compile(r"PeaTMOSS database reuse_file (?P<path>.+?)(?: \(as [^()]*\))?")


def level_of(severity: str) -> Level:
    """The CI level of a graphsc severity (``error``, ``warning``, ``info`` → ``note``)."""
    return LEVELS[severity]


@dataclass(frozen=True, slots=True)
class CiRule:
    """A check that produced results: ``id`` (``D-NC``), ``name`` (a short identifier, ``non_commercial_dropped``),
    one-line and full descriptions, help as plain text, a link to more help, and the level its results have."""

    id: str
    name: str
    short_description: str
    full_description: str
    help_text: str
    help_uri: str | None
    default_level: Level


@dataclass(frozen=True, slots=True)
class CiLocation:
    """Where a result is: an absolute ``uri``, the ``line`` in that file when known, what is there
    (``description``), and ``logical``: the id of the model, dataset or repository the location is about."""

    uri: str
    line: int | None = None
    description: str | None = None
    logical: str | None = None


@dataclass(frozen=True, slots=True)
class CiSuppression:
    """Why a result does not fail the job: a policy (``external`` to the code) waived or allowed it."""

    justification: str
    kind: Literal["external"] = "external"
    status: Literal["accepted"] = "accepted"


@dataclass(frozen=True, slots=True)
class CiResult:
    """One finding. ``key`` is its stable fingerprint (the same finding has the same key in every run);
    ``locations`` has at least one entry; ``related`` are other places involved (e.g. the upstream models)."""

    rule_id: str
    level: Level
    message: str
    key: str
    locations: tuple[CiLocation, ...]
    related: tuple[CiLocation, ...] = ()
    properties: Mapping[str, Any] = field(default_factory=dict)
    suppression: CiSuppression | None = None

    @property
    def fails(self) -> bool:
        """Does this result fail a CI job? (an error or a warning, not suppressed)"""
        return self.suppression is None and self.level in FAILING_LEVELS


@dataclass(frozen=True, slots=True)
class CiReport:
    """What one command found: the ``rules`` its results refer to, the ``results``, and the command's exit code."""

    command: str
    rules: tuple[CiRule, ...]
    results: tuple[CiResult, ...]
    exit_code: int = 0


def card_url(repo_id: str, kind: CardKind = "model") -> str:
    """The URL of a Hub repository's card (its ``README.md`` on ``main``), the id URL-quoted."""
    prefix = {"model": "", "dataset": "datasets/", "space": "spaces/"}[kind]
    return f"{HUB_URL}/{prefix}{quote(repo_id, safe='/')}/blob/main/README.md"


def card_location(repo_id: str, kind: CardKind = "model", description: str | None = None) -> CiLocation:
    """The card of a model, dataset or Space as a location."""
    return CiLocation(card_url(repo_id, kind), description=description, logical=repo_id)


def repository_url(repo: str) -> str:
    """A GitHub repository's URL (``owner/name`` URL-quoted)."""
    return f"{GITHUB_URL}/{quote(repo, safe='/')}"


def usage_file(evidence: str | None) -> tuple[str, int | None] | None:
    """The file (and line, when known) a USES edge's ``evidence`` names: GitHub code search's ``path:line url`` or
    ``path url``, or a PeaTMOSS database's ``reuse_file``. None for evidence naming no file in the repository
    (a PeaTMOSS mapping row, an SBOM's ``<file>: <json path>``, none)."""
    if not evidence:
        return None
    found = _CODE_SEARCH.fullmatch(evidence)
    if found is not None:
        line = found["line"]
        return found["path"], (int(line) if line is not None and int(line) >= 1 else None)
    found = _PEATMOSS_FILE.fullmatch(evidence)
    if found is not None:
        return found["path"], None
    return None


def usage_location(repo: str, evidence: str | None = None, description: str | None = None) -> CiLocation:
    """Where a GitHub repository uses a model: the file (and line) its USES ``evidence`` names, as
    ``https://github.com/{owner}/{repo}/blob/HEAD/{path}`` (path URL-quoted), else the repository itself."""
    found = usage_file(evidence)
    if found is None:
        return CiLocation(repository_url(repo), description=description, logical=repo)
    path, line = found
    url = f"{repository_url(repo)}/blob/HEAD/{quote(path.lstrip('/'), safe='/')}"
    return CiLocation(url, line, description, repo)
