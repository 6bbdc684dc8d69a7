"""A loaded policy: rules with their conditions and scope, waivers, and the error a malformed policy raises."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from graphsc.errors import GraphscError

Action = Literal["deny", "warn", "allow"]
On = Literal["model", "finding"]
ACTIONS: tuple[Action, ...] = ("deny", "warn", "allow")
POSITIONS: tuple[str, ...] = ("self", "ancestor", "dataset", "used")
NODE_KINDS: tuple[str, ...] = ("model", "dataset")
EDGES: tuple[str, ...] = ("uses", "derived", "merge", "trained_on", "dataset_derived")
POLICY_FILE = "graphsc-policy.toml"


@dataclass(frozen=True, slots=True)
class PolicyProblem:
    """One problem of a policy file: where (``file``, 1-based ``line`` and ``column``, the ``key`` path such as
    ``rules[2].action``) and what (``message``)."""

    file: str
    line: int | None
    column: int | None
    key: str | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line is not None else "")
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class PolicyError(GraphscError):
    """A policy file that cannot be used: every problem found (``problems``; the first one's place is also in
    ``file``, ``line``, ``column`` and ``key``). A malformed policy is never a silent pass.

    The message is one line: the first problem, then ``(and N more problems)`` when there are more; ``details``
    holds the others, one line each, for the CLI to print under it."""

    def __init__(self, problems: list[PolicyProblem], hint: str | None = None) -> None:
        if not problems:
            raise ValueError("a PolicyError needs at least one problem")
        self.problems = tuple(problems)
        first = problems[0]
        self.file, self.line, self.column, self.key = first.file, first.line, first.column, first.key
        message = str(first)
        more = len(problems) - 1
        if more:
            message += f" (and {more} more problem{'s' if more > 1 else ''})"
        self.details = tuple(str(p) for p in problems[1:])
        super().__init__(
            message,
            hint
            or "Fix the policy file: `graphsc check --schema` prints its format, `graphsc check --example` an example.",
        )


class Glob:
    """A list of case-insensitive shell-style patterns (``*``, ``?``, ``[..]``) compiled once into one regex."""

    __slots__ = ("_regex", "patterns")

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.patterns = patterns
        body = "|".join(f"(?:{fnmatch.translate(p.lower())})" for p in patterns)
        self._regex = re.compile(body or r"(?!)", re.IGNORECASE | re.DOTALL)

    def __call__(self, text: str | None) -> bool:
        return text is not None and self._regex.match(text.lower()) is not None

    def __repr__(self) -> str:
        return f"Glob({self.patterns!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Glob) and other.patterns == self.patterns

    def __hash__(self) -> int:
        return hash(self.patterns)


@dataclass(frozen=True, slots=True)
class Conditions:
    """What a rule matches; None = not constrained. Sets hold lower-case values (license ids canonical)."""

    licenses: frozenset[str] | None = None
    categories: frozenset[str] | None = None
    clauses: frozenset[str] | None = None
    author: Glob | None = None
    gated: bool | None = None
    fetched: bool | None = None
    nodes: frozenset[str] | None = None
    relations: frozenset[str] | None = None
    positions: frozenset[str] | None = None
    findings: Glob | None = None
    kinds: frozenset[str] | None = None
    severity: str | None = None
    edges: frozenset[str] | None = None
    risks: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class RuleScope:
    """``[rules.scope]``: the chains of models matching ``models`` and the usage of repositories/Spaces matching
    ``repos`` (either suffices)."""

    models: Glob | None = None
    repos: Glob | None = None

    @property
    def signature(self) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
        """Rules with equal signatures share one chain computation."""
        return (
            self.models.patterns if self.models else None,
            self.repos.patterns if self.repos else None,
        )


@dataclass(frozen=True, slots=True)
class PolicyRule:
    """One ``[[rules]]`` entry; ``index`` its position in the file, ``line`` its header line."""

    id: str
    action: Action
    on: On
    conditions: Conditions
    message: str | None = None
    scope: RuleScope | None = None
    index: int = 0
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Waiver:
    """One ``[[waivers]]`` entry: by ``finding`` key, or by ``rule`` optionally limited by ``model``/``repo``
    globs. ``expires`` is the last day it applies."""

    reason: str
    owner: str
    expires: date
    finding: str | None = None
    rule: str | None = None
    model: str | None = None
    repo: str | None = None
    index: int = 0
    line: int | None = None
    model_glob: Glob | None = field(default=None, compare=False, repr=False)
    repo_glob: Glob | None = field(default=None, compare=False, repr=False)

    def expired(self, today: date) -> bool:
        """Past its last day."""
        return self.expires < today

    @property
    def label(self) -> str:
        """How reports name it: ``finding KEY`` or ``rule ID [model GLOB] [repo GLOB]``."""
        if self.finding is not None:
            return f"finding {self.finding}"
        text = f"rule {self.rule}"
        if self.model:
            text += f" model {self.model}"
        if self.repo:
            text += f" repo {self.repo}"
        return text


@dataclass(frozen=True, slots=True)
class Policy:
    """A loaded, validated policy (``version`` 1)."""

    rules: tuple[PolicyRule, ...]
    waivers: tuple[Waiver, ...] = ()
    path: Path | None = None
    version: int = 1

    @property
    def uses_risks(self) -> bool:
        """Some rule matches on model-file risk flags (``risk``): the check needs each model's own flags."""
        return any(r.conditions.risks is not None for r in self.rules)

    def rule(self, rule_id: str) -> PolicyRule | None:
        """The rule with this id (case-insensitive), or None."""
        for r in self.rules:
            if r.id.lower() == rule_id.lower():
                return r
        return None
