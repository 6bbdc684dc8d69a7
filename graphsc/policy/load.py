"""Reading ``graphsc-policy.toml``: TOML syntax, then the JSON schema (``policy.schema.json``), then what only the
graph's vocabulary can tell (license ids, clause names, rule globs, rule references). Every problem is a
``PolicyError`` naming the file, the line of the offending key and its path (``rules[2].action``)."""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Sequence
from datetime import date, datetime, time
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from graphsc.license_table.normalize import normalize_license
from graphsc.license_table.table import CATEGORIES, default_table
from graphsc.licenses.rules import RULES
from graphsc.policy.model import (
    POLICY_FILE,
    Conditions,
    Glob,
    Policy,
    PolicyError,
    PolicyProblem,
    PolicyRule,
    RuleScope,
    Waiver,
)
from graphsc.reuse.risks import RISK_FLAGS

PathPart = str | int
# Keys whose values are enumerations: compared case-insensitively, so lower-cased before validation.
_ENUM_KEYS = frozenset({"action", "on", "category", "node", "relation", "position", "severity", "edge", "risk"})
_FINDING_ONLY = ("finding", "kind", "severity", "edge")
_MODEL_ONLY = ("author", "gated", "fetched", "node", "position", "risk")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\"' -]+?)\s*(\]\]?)\s*(#.*)?$")


@lru_cache(maxsize=1)
def policy_schema() -> dict[str, Any]:
    """The policy format as a JSON schema (draft 2020-12), shipped as ``graphsc/policy/policy.schema.json``."""
    text = resources.files("graphsc.policy").joinpath("policy.schema.json").read_text(encoding="utf-8")
    return cast(dict[str, Any], json.loads(text))


@lru_cache(maxsize=1)
def _validator() -> Any:
    return Draft202012Validator(policy_schema())


def example_policy_text() -> str:
    """The commented example policy shipped as ``graphsc/policy/example-policy.toml``."""
    return resources.files("graphsc.policy").joinpath("example-policy.toml").read_text(encoding="utf-8")


def find_policy(start: Path) -> Path | None:
    """``graphsc-policy.toml`` in ``start`` (a directory, or a file's directory) or the nearest parent holding one."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for directory in (here, *here.parents):
        candidate = directory / POLICY_FILE
        if candidate.is_file():
            return candidate
    return None


def load_policy(path: Path) -> Policy:
    """Read and validate a policy file. Raises ``PolicyError`` (file, line, key) on any problem."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyError(
            [PolicyProblem(str(path), None, None, None, f"cannot read the policy: {exc.strerror or exc}")],
            f"Give the path of a {POLICY_FILE}, or create one (see example-policy.toml).",
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PolicyError([PolicyProblem(str(path), line, None, None, "not UTF-8 text")]) from None
    return parse_policy(text, str(path), path=path)


def parse_policy(text: str, file: str = POLICY_FILE, path: Path | None = None) -> Policy:
    """Parse policy ``text`` (named ``file`` in errors). Raises ``PolicyError``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(exc, text, file) from None
    locator = _Locator(text)
    doc = _jsonable(data)
    _lower_enums(doc)
    problems = _schema_problems(doc, locator, file)
    if problems:
        raise PolicyError(problems)
    builder = _Builder(locator, file)
    policy = builder.build(doc, path)
    if builder.problems:
        raise PolicyError(builder.problems)
    return policy


# ───────────────────────────── syntax ─────────────────────────────


def _syntax_error(exc: tomllib.TOMLDecodeError, text: str, file: str) -> PolicyError:
    message = str(exc)
    line = column = None
    found = re.search(r"\(at line (\d+), column (\d+)\)", message)
    if found:
        line, column = int(found.group(1)), int(found.group(2))
        message = message[: found.start()].strip()
    elif "end of document" in message:
        line = text.count("\n") + 1
    return PolicyError([PolicyProblem(file, line, column, None, f"TOML syntax error: {message}")])


def _jsonable(value: Any) -> Any:
    """TOML values as JSON values: dates and times as their ISO text."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _lower_enums(doc: Any) -> None:
    rules = doc.get("rules") if isinstance(doc, dict) else None
    if not isinstance(rules, list):
        return
    for rule in rules:
        if not isinstance(rule, dict):
            continue
        for key in _ENUM_KEYS & set(rule):
            value = rule[key]
            if isinstance(value, str):
                rule[key] = value.lower()
            elif isinstance(value, list):
                rule[key] = [v.lower() if isinstance(v, str) else v for v in value]


# ───────────────────────────── where a key is ─────────────────────────────


def key_path(parts: Sequence[PathPart]) -> str:
    """``("rules", 2, "action")`` as ``rules[2].action``."""
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


class _Locator:
    """Finds the line of a key path in the TOML text: ``[[rules]]``/``[[waivers]]`` headers counted by
    occurrence, ``[rules.scope]`` attached to the ``[[rules]]`` before it, then the ``key =`` line inside the
    section; the section header when the key is not on a line of its own."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.sections: list[tuple[str, int, int, int]] = []  # (name, index, header line (1-based), end line)
        counts: dict[str, int] = {}
        last_rule = -1
        starts: list[tuple[str, int, int]] = []
        in_multiline = False
        for number, line in enumerate(self.lines, start=1):
            if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
                in_multiline = not in_multiline
                continue
            if in_multiline:
                continue
            found = _HEADER.match(line)
            if not found or (found.group(1) == "[[") != (found.group(3) == "]]"):
                continue
            name = re.sub(r"\s*\.\s*", ".", found.group(2).replace('"', "").replace("'", "")).strip()
            if found.group(1) == "[[":
                index = counts.get(name, 0)
                counts[name] = index + 1
                if name == "rules":
                    last_rule = index
                starts.append((name, index, number))
            elif name == "rules.scope":
                starts.append((name, last_rule, number))
            else:
                starts.append((name, -1, number))
        for i, (name, index, number) in enumerate(starts):
            end = starts[i + 1][2] - 1 if i + 1 < len(starts) else len(self.lines)
            self.sections.append((name, index, number, end))
        self.first_header = starts[0][2] if starts else len(self.lines) + 1

    def _key_line(self, key: str, start: int, end: int) -> tuple[int, int] | None:
        pattern = re.compile(
            r"^(\s*)(?:\"" + re.escape(key) + r"\"|'" + re.escape(key) + r"'|" + re.escape(key) + r")\s*[.=]"
        )
        for number in range(start, min(end, len(self.lines)) + 1):
            found = pattern.match(self.lines[number - 1])
            if found:
                return number, len(found.group(1)) + 1
        return None

    def _section(self, name: str, index: int) -> tuple[int, int] | None:
        for sname, sindex, header, end in self.sections:
            if sname == name and sindex == index:
                return header, end
        return None

    def locate(self, parts: Sequence[PathPart]) -> tuple[int | None, int | None]:
        """(line, column) of the key path, best effort; (None, None) for an empty text."""
        if not self.lines:
            return None, None
        top = self._key_line(str(parts[0]), 1, self.first_header - 1) if parts else None
        if len(parts) >= 2 and parts[0] in ("rules", "waivers") and isinstance(parts[1], int):
            section = self._section(str(parts[0]), parts[1])
            if section is None:
                return top or (1, 1)
            header, end = section
            if len(parts) == 2:
                return header, 1
            key = str(parts[2])
            if parts[0] == "rules" and key == "scope":
                scope = self._section("rules.scope", parts[1])
                if scope is not None:
                    if len(parts) >= 4:
                        found = self._key_line(str(parts[3]), scope[0] + 1, scope[1])
                        if found:
                            return found
                    return scope[0], 1
            found = self._key_line(key, header + 1, end)
            return found or (header, 1)
        if top:
            return top
        return 1, 1


# ───────────────────────────── schema ─────────────────────────────

_TYPE_WORDS = {
    "string": "a string",
    "array": "a list",
    "object": "a table",
    "boolean": "true or false",
    "integer": "an integer",
    "number": "a number",
}


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _readable(error: Any) -> tuple[list[PathPart], str]:
    """A jsonschema error as (key path, message people read)."""
    path: list[PathPart] = list(error.absolute_path)
    validator, instance, schema = error.validator, error.instance, error.schema
    if validator == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        extra = [k for k in instance if k not in schema.get("properties", {})] if isinstance(instance, dict) else []
        if extra:
            key = extra[0]
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; allowed keys: {', '.join(allowed)}"
            return [*path, key], f"unknown key {key!r}{hint}"
    if validator == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        name = missing.group(1) if missing else "?"
        return [*path, name], f"missing required key {name!r}"
    if validator == "type":
        expected = schema.get("type")
        words = _TYPE_WORDS.get(expected, str(expected)) if isinstance(expected, str) else str(expected)
        return path, f"must be {words}, not {_type_of(instance)}"
    if validator == "const":
        return path, f"must be {schema['const']!r}, not {instance!r}"
    if validator == "enum":
        return path, f"must be one of {', '.join(map(str, schema['enum']))}; got {instance!r}"
    if validator in ("oneOf", "anyOf"):
        choices = _choices(schema)
        return path, f"must be {choices}; got {instance!r}"
    if validator == "pattern":
        if path and path[-1] == "id":
            return path, f"{instance!r} is not a valid rule id (a letter or digit, then letters, digits, '.', '_', '-')"
        if path and path[-1] == "expires":
            return path, f"{instance!r} is not a date; write a TOML date such as 2027-03-31"
        return path, f"{instance!r} does not have the expected form"
    if validator == "minItems" and path == ["rules"]:
        return path, "a policy needs at least one [[rules]] entry: a policy without rules can never fail"
    if validator in ("minItems", "minLength"):
        return path, "must not be empty"
    return path, str(error.message)


def _choices(schema: dict[str, Any]) -> str:
    """What a oneOf of strings / enums accepts, in words."""
    options = schema.get("oneOf") or schema.get("anyOf") or []
    enum: list[str] = []
    for option in options:
        target = option
        if "$ref" in option:
            target = _resolve_ref(option["$ref"])
        if "enum" in target:
            enum.extend(target["enum"])
        items = target.get("items", {})
        if "$ref" in items:
            items = _resolve_ref(items["$ref"])
        if "enum" in items:
            enum.extend(items["enum"])
    if enum:
        return "one of " + ", ".join(dict.fromkeys(enum)) + " (or a list of them)"
    return "a non-empty string or a non-empty list of strings"


def _resolve_ref(ref: str) -> dict[str, Any]:
    node: Any = policy_schema()
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return cast(dict[str, Any], node)


def _schema_problems(doc: Any, locator: _Locator, file: str) -> list[PolicyProblem]:
    problems: list[PolicyProblem] = []
    seen: set[str] = set()
    for error in _validator().iter_errors(doc):
        path, message = _readable(error)
        key = key_path(path) or None
        if (key, message) in seen:  # type: ignore[comparison-overlap]
            continue
        seen.add((key, message))  # type: ignore[arg-type]
        line, column = locator.locate(path)
        problems.append(PolicyProblem(file, line, column, key, message))
    problems.sort(key=lambda p: (p.line or 0, p.key or ""))
    return problems


# ───────────────────────────── vocabulary ─────────────────────────────


@lru_cache(maxsize=1)
def clause_names() -> frozenset[str]:
    """Clause names the license table uses."""
    return frozenset(n for lic in default_table().licenses.values() for n in lic.clauses)


@lru_cache(maxsize=1)
def rule_kinds() -> frozenset[str]:
    """Kinds of the license engine's rules."""
    return frozenset(r.kind for r in RULES.values())


def canonical_license(text: str) -> str | None:
    """The canonical license-table id of ``text`` (any spelling the table knows), else None."""
    table = default_table()
    found = table.lookup(text)
    if found is not None:
        return found.id
    norm = normalize_license(text)
    if norm.id is not None and norm.id in table.licenses and not norm.unresolved and len(norm.ids) <= 1:
        return norm.id
    return None


# A trailing version of a license id: -2.0, -3, -3.0-or-later, -2.1-only.
_VERSION_TAIL = re.compile(r"-\d+(?:\.\d+)*(?:-or-later|-only)?$")
_VERSION = re.compile(r"-\d+(?:\.\d+)*(?![\w.])")
# Table ids whose trailing number is part of the name, not a version (MIT-0 is "MIT No Attribution").
_NOT_VERSIONED = frozenset({"mit-0"})


def license_stem(license_id: str) -> str:
    """The id without its trailing version: ``cc-by-nc-sa-4.0`` → ``cc-by-nc-sa``, ``gpl-3.0-or-later`` →
    ``gpl``; an id without one (``mit``, ``llama3.1``, ``openrail++``) is its own stem."""
    lowered = license_id.lower()
    if lowered in _NOT_VERSIONED:
        return lowered
    return _VERSION_TAIL.sub("", lowered)


@lru_cache(maxsize=1)
def _ids_by_stem() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for license_id in default_table().licenses:
        out.setdefault(license_stem(license_id), set()).add(license_id)
    return {stem: frozenset(ids) for stem, ids in out.items()}


def policy_licenses(text: str) -> frozenset[str]:
    """The canonical table ids a policy's ``license`` value matches: the id the table resolves it to and, when
    the value as written carries no version (``cc-by-nc-sa``, ``cc-by-nc``, ``gpl``), every id of that stem (all
    versions: ``cc-by-nc-4.0``, ``-3.0``, ``-2.0``, but not ``cc-by-nc-sa-4.0``, whose stem differs). Empty when
    the table neither knows the value nor has an id of its stem."""
    ids: set[str] = set()
    found = canonical_license(text)
    if found is not None:
        ids.add(found)
    written = re.sub(r"[\s_]+", "-", text.strip().lower())
    if not _VERSION.search(written):
        ids.update(_ids_by_stem().get(written, ()))
    return frozenset(ids)


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


class _Builder:
    """Turns a schema-valid document into a ``Policy``, collecting semantic problems."""

    def __init__(self, locator: _Locator, file: str) -> None:
        self.locator = locator
        self.file = file
        self.problems: list[PolicyProblem] = []

    def problem(self, parts: Sequence[PathPart], message: str) -> None:
        line, column = self.locator.locate(parts)
        self.problems.append(PolicyProblem(self.file, line, column, key_path(parts), message))

    def build(self, doc: dict[str, Any], path: Path | None) -> Policy:
        rules = [self.rule(i, raw) for i, raw in enumerate(doc.get("rules", []))]
        seen: dict[str, PolicyRule] = {}
        for rule in rules:
            lowered = rule.id.lower()
            if lowered in seen:
                self.problem(
                    ("rules", rule.index, "id"), f"duplicate rule id {rule.id!r} (also rules[{seen[lowered].index}])"
                )
            else:
                seen[lowered] = rule
        waivers = [self.waiver(i, raw, seen) for i, raw in enumerate(doc.get("waivers", []))]
        built = [w for w in waivers if w is not None]
        return Policy(tuple(rules), tuple(built), path, int(doc.get("version", 1)))

    def rule(self, index: int, raw: dict[str, Any]) -> PolicyRule:
        on = raw.get("on", "model")
        where: tuple[PathPart, ...] = ("rules", index)
        wrong = _FINDING_ONLY if on == "model" else _MODEL_ONLY
        for key in wrong:
            if key in raw:
                other = "finding" if on == "model" else "model"
                self.problem(
                    (*where, key), f"{key!r} applies only to rules with on = {other!r} (this rule has on = {on!r})"
                )
        licenses = None
        if "license" in raw:
            ids: set[str] = set()
            for i, text in enumerate(_as_list(raw["license"])):
                found = policy_licenses(text)
                if not found:
                    suggestions = difflib.get_close_matches(text.lower(), list(default_table().alias_index), n=3)
                    tail = f" (did you mean {', '.join(suggestions)}?)" if suggestions else ""
                    part = (*where, "license", i) if isinstance(raw["license"], list) else (*where, "license")
                    self.problem(part, f"unknown license {text!r}: not in the license table{tail}")
                else:
                    ids.update(found)
            licenses = frozenset(ids)
        categories = None
        if "category" in raw:
            categories = frozenset(_as_list(raw["category"]))
            for c in categories - CATEGORIES:  # the schema's enum should have caught it
                self.problem((*where, "category"), f"unknown category {c!r}")
        clauses = None
        if "clause" in raw:
            clauses = frozenset(c.lower() for c in _as_list(raw["clause"]))
            for c in sorted(clauses - clause_names()):
                close = difflib.get_close_matches(c, sorted(clause_names()), n=1)
                tail = f" (did you mean {close[0]!r}?)" if close else f"; known: {', '.join(sorted(clause_names()))}"
                self.problem((*where, "clause"), f"unknown clause name {c!r}{tail}")
        findings = None
        if "finding" in raw:
            patterns = tuple(_as_list(raw["finding"]))
            for p in patterns:
                if not any(Glob((p,))(rule_id) for rule_id in RULES):
                    self.problem(
                        (*where, "finding"),
                        f"{p!r} matches no license rule (known: {', '.join(sorted(RULES))})",
                    )
            findings = Glob(patterns)
        kinds = None
        if "kind" in raw:
            kinds = frozenset(k.lower() for k in _as_list(raw["kind"]))
            for k in sorted(kinds - rule_kinds()):
                self.problem((*where, "kind"), f"unknown finding kind {k!r} (known: {', '.join(sorted(rule_kinds()))})")
        risks = None
        if "risk" in raw:
            risks = frozenset(_as_list(raw["risk"]))
            for r in sorted(risks - set(RISK_FLAGS)):  # the schema's enum should have caught it
                self.problem((*where, "risk"), f"unknown risk flag {r!r} (known: {', '.join(RISK_FLAGS)})")
        scope = None
        if "scope" in raw:
            s = raw["scope"]
            if not s:
                self.problem((*where, "scope"), "an empty scope: give models and/or repos (or drop [rules.scope])")
            scope = RuleScope(
                Glob(tuple(_as_list(s["models"]))) if "models" in s else None,
                Glob(tuple(_as_list(s["repos"]))) if "repos" in s else None,
            )

        def opt_set(key: str) -> frozenset[str] | None:
            return frozenset(_as_list(raw[key])) if key in raw else None

        conditions = Conditions(
            licenses=licenses,
            categories=categories,
            clauses=clauses,
            author=Glob(tuple(_as_list(raw["author"]))) if "author" in raw else None,
            gated=raw.get("gated"),
            fetched=raw.get("fetched"),
            nodes=opt_set("node"),
            relations=opt_set("relation"),
            positions=opt_set("position"),
            findings=findings,
            kinds=kinds,
            severity=raw.get("severity"),
            edges=opt_set("edge"),
            risks=risks,
        )
        line, _ = self.locator.locate(where)
        return PolicyRule(
            id=raw["id"],
            action=raw["action"],
            on=on,
            conditions=conditions,
            message=raw.get("message"),
            scope=scope,
            index=index,
            line=line,
        )

    def waiver(self, index: int, raw: dict[str, Any], rule_ids: dict[str, PolicyRule]) -> Waiver | None:
        where: tuple[PathPart, ...] = ("waivers", index)
        ok = True
        if "finding" not in raw and "rule" not in raw:
            self.problem(where, "a waiver names a `finding` key or a `rule` id")
            ok = False
        if "finding" in raw and "rule" in raw:
            self.problem((*where, "rule"), "give either `finding` or `rule`, not both")
            ok = False
        for key in ("model", "repo"):
            if key in raw and "rule" not in raw:
                self.problem((*where, key), f"`{key}` limits a `rule` waiver; this waiver names no rule")
                ok = False
        if "rule" in raw and raw["rule"].lower() not in rule_ids:
            close = difflib.get_close_matches(raw["rule"], sorted(rule_ids), n=1)
            tail = f" (did you mean {close[0]!r}?)" if close else ""
            self.problem((*where, "rule"), f"no rule with id {raw['rule']!r} in this policy{tail}")
            ok = False
        elif "rule" in raw and rule_ids[raw["rule"].lower()].action == "allow":
            self.problem(
                (*where, "rule"),
                f"rule {raw['rule']!r} is an allow rule: it produces no violations to waive (name a deny or warn rule)",
            )
            ok = False
        expires = _parse_date(raw["expires"])
        if expires is None:
            self.problem((*where, "expires"), f"{raw['expires']!r} is not a valid date")
            ok = False
        if not ok or expires is None:
            return None
        line, _ = self.locator.locate(where)
        return Waiver(
            reason=raw["reason"],
            owner=raw["owner"],
            expires=expires,
            finding=raw.get("finding"),
            rule=raw.get("rule"),
            model=raw.get("model"),
            repo=raw.get("repo"),
            index=index,
            line=line,
            model_glob=Glob((raw["model"],)) if "model" in raw else None,
            repo_glob=Glob((raw["repo"],)) if "repo" in raw else None,
        )


def _parse_date(text: str) -> date | None:
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("z", "Z")).date()
    except ValueError:
        return None
