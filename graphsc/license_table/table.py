"""The license table: ``data/licenses.toml`` loaded into typed, immutable records.

The table is the only place license knowledge lives; rules read clauses from it and never name a license.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import quote

CATEGORIES = frozenset(
    {"permissive", "public-domain", "copyleft", "non-commercial", "rail", "model-community", "proprietary", "unknown"}
)
TABLE_STATUSES = frozenset({"known", "unknown", "other"})
CLAUSE_NAMES = frozenset(
    {
        "commercial_use",
        "copyleft",
        "use_restrictions_must_pass",
        "derivatives_same_license",
        "agreement_copy",
        "no_derivatives",
        "attribution",
        "notice",
        "documentation_notice",
        "naming",
        "user_threshold",
        "improving_other_models",
        "outputs_non_commercial",
        "distillation_is_derivative",
        "results_unrestricted",
    }
)
# Clauses whose ``compatible`` lists license ids (the other licenses a derivative may carry instead of this one).
COMPATIBLE_CLAUSES = frozenset({"copyleft", "derivatives_same_license", "agreement_copy", "improving_other_models"})
COPYLEFT_STRENGTHS = frozenset({"weak", "strong", "network"})

_SEPARATORS = re.compile(r"[\s_]+")


def alias_key(text: str) -> str:
    """The form aliases are matched in: lower case, trimmed, runs of spaces/underscores as one ``-``."""
    return _SEPARATORS.sub("-", text.strip().lower())


@lru_cache(maxsize=4096)
def _link_pattern(fragment: str) -> re.Pattern[str]:
    """A link fragment as a regex: literal text, ``*`` = ``[^/]*``, ending at a path boundary."""
    body = "[^/]*".join(re.escape(part) for part in fragment.split("*"))
    return re.compile(body + r"(?=$|[/.?#])")


def link_key(url: str) -> str:
    """A license link reduced for substring matching: lower case, no scheme, no ``www.``."""
    text = url.strip().lower()
    text = re.sub(r"^[a-z]+://", "", text)
    return text.removeprefix("www.")


@dataclass(frozen=True, slots=True)
class Clause:
    """One clause of a license: its ``value``, the ``source`` section it comes from, and extra fields:
    ``compatible`` license ids (versions or licenses the text also accepts for derivatives), ``policy`` (the
    restriction list of use restrictions) and ``outputs`` (True: the clause also binds models trained on this
    model's outputs, e.g. by distillation)."""

    name: str
    value: Any
    source: str
    compatible: tuple[str, ...] = ()
    policy: str | None = None
    outputs: bool = False

    def cite(self, license_id: str) -> str:
        """``"<license>.<clause>: <source>"``, for reports."""
        return f"{license_id}.{self.name}: {self.source}"


@dataclass(frozen=True, slots=True)
class TextSource:
    """The license text an entry was checked against: a public ``url`` and/or ``repo`` + ``path`` at ``commit``,
    the ``version`` (or date) that text states, and whether the clauses were ``verified`` against it (False: the
    text could not be found or the entry groups several texts; ``note`` says which)."""

    verified: bool
    url: str | None = None
    repo: str | None = None
    path: str | None = None
    commit: str | None = None
    version: str | None = None
    note: str | None = None

    @property
    def permalink(self) -> str | None:
        """The exact text read: the repository file at its commit on GitHub (``path`` URL-quoted), if recorded."""
        if self.repo and self.path and self.commit:
            return f"https://github.com/{self.repo}/blob/{self.commit}/{quote(self.path)}"
        return None

    @property
    def link(self) -> str | None:
        """A URL for the text: its public ``url``, else the ``permalink`` of the copy read."""
        return self.url or self.permalink


@dataclass(frozen=True, slots=True)
class Policy:
    """A list of use-based restrictions (a RAIL Attachment A, an Acceptable Use Policy): ``restrictions`` are
    keys aligned across texts, so one list *satisfies* another when it contains all its keys. A license id that
    names no particular variant (``openrail``) carries for certain only the keys every variant has
    (``restrictions``) and possibly those of some variant (``may_include``)."""

    id: str
    name: str
    source: str
    restrictions: frozenset[str]
    text: TextSource | None = None
    may_include: frozenset[str] = frozenset()

    def satisfies(self, other: Policy) -> bool | None:
        """Does a license carrying this list carry at least ``other``'s restrictions? None: it may, depending on
        the unspecified variant."""
        if self.restrictions >= other.restrictions:
            return True
        return None if (self.restrictions | self.may_include) >= other.restrictions else False


@dataclass(frozen=True, slots=True, eq=False)
class License:
    """A canonical license with its clauses keyed by clause name, and the text it was checked against."""

    id: str
    name: str
    family: str
    category: str
    status: str = "known"
    spdx: str | None = None
    aliases: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    clauses: dict[str, Clause] = field(default_factory=dict)
    note: str | None = None
    text: TextSource | None = None
    names_a_family: bool = False  # the id names a family (gpl, openrail), no one text

    def clause(self, name: str) -> Clause | None:
        """The clause called ``name``, or None when the license has none."""
        return self.clauses.get(name)

    def value(self, name: str, default: Any = None) -> Any:
        """The value of clause ``name``, or ``default``."""
        found = self.clauses.get(name)
        return default if found is None else found.value


@dataclass(frozen=True, slots=True)
class LicenseException:
    """A license exception (the right side of ``WITH``)."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class LicenseTable:
    """All licenses and exceptions, with alias and link indexes."""

    licenses: dict[str, License]
    exceptions: dict[str, LicenseException]
    alias_index: dict[str, str]
    exception_index: dict[str, str]
    link_index: tuple[tuple[str, str], ...]
    policies: dict[str, Policy] = field(default_factory=dict)

    def lookup(self, text: str) -> License | None:
        """The license whose id or alias matches ``text`` (see ``alias_key``), else None."""
        found = self.alias_index.get(alias_key(text))
        return None if found is None else self.licenses[found]

    def lookup_exception(self, text: str) -> LicenseException | None:
        """The exception whose id or alias matches ``text``, else None."""
        found = self.exception_index.get(alias_key(text))
        return None if found is None else self.exceptions[found]

    def lookup_link(self, url: str) -> License | None:
        """The license one of whose ``links`` fragments occurs in ``url`` ending at a path boundary (end, ``/``,
        ``.``, ``?``, ``#``), longest fragment first: ``opensource.org/licenses/MIT-0`` is not ``mit``. A ``*`` in
        a fragment stands for any run of characters within one path segment (``meta-llama/llama-3.1-*/blob``)."""
        key = link_key(url)
        for fragment, license_id in self.link_index:
            if _link_pattern(fragment).search(key):
                return self.licenses[license_id]
        return None

    def __getitem__(self, license_id: str) -> License:
        return self.licenses[license_id]


_CLAUSE_KEYS = frozenset({"value", "source", "compatible", "policy", "outputs"})
_TEXT_KEYS = frozenset({"verified", "url", "repo", "path", "commit", "version", "note"})


def _clause(name: str, raw: Any, where: str) -> Clause:
    if not isinstance(raw, dict) or "value" not in raw or not raw.get("source"):
        raise ValueError(f'{where}.{name}: a clause is {{ value = ..., source = "..." }}')
    unknown = set(raw) - _CLAUSE_KEYS
    if unknown:
        raise ValueError(f"{where}.{name}: unknown keys {sorted(unknown)}")
    if name == "copyleft" and raw["value"] not in COPYLEFT_STRENGTHS:
        raise ValueError(f"{where}.copyleft: value must be one of {sorted(COPYLEFT_STRENGTHS)}")
    if raw.get("compatible") and name not in COMPATIBLE_CLAUSES:
        raise ValueError(f"{where}.{name}: only {sorted(COMPATIBLE_CLAUSES)} take `compatible`")
    if name == "use_restrictions_must_pass" and raw["value"] and not raw.get("policy"):
        raise ValueError(f"{where}.{name}: use restrictions name their `policy`")
    return Clause(
        name=name,
        value=raw["value"],
        source=raw["source"],
        compatible=tuple(raw.get("compatible", ())),
        policy=raw.get("policy"),
        outputs=bool(raw.get("outputs", False)),
    )


def _text(raw: Any, where: str) -> TextSource:
    if not isinstance(raw, dict) or not isinstance(raw.get("verified"), bool):
        raise ValueError(f"{where}.text: {{ verified = true|false, url = ..., repo = ..., path = ..., commit = ... }}")
    unknown = set(raw) - _TEXT_KEYS
    if unknown:
        raise ValueError(f"{where}.text: unknown keys {sorted(unknown)}")
    text = TextSource(**raw)
    if text.verified and text.link is None:
        raise ValueError(f"{where}.text: a verified entry names its text (url, or repo and path)")
    if not text.verified and not text.note:
        raise ValueError(f"{where}.text: an unverified entry says why in `note`")
    return text


def _license(license_id: str, raw: dict[str, Any]) -> License:
    where = f"licenses.{license_id}"
    meta = {"name", "spdx", "family", "category", "status", "aliases", "links", "note", "text", "names_a_family"}
    unknown = set(raw) - meta - CLAUSE_NAMES
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    if raw.get("category") not in CATEGORIES:
        raise ValueError(f"{where}: category must be one of {sorted(CATEGORIES)}")
    status = raw.get("status", "known")
    if status not in TABLE_STATUSES:
        raise ValueError(f"{where}: status must be one of {sorted(TABLE_STATUSES)}")
    if raw.get("names_a_family") and raw.get("spdx"):
        # A family (gfdl, gpl: no version) has no one SPDX id; one would be a guess written into BOMs as a fact.
        raise ValueError(f"{where}: an entry that names a family has no `spdx` id")
    return License(
        id=license_id,
        name=raw["name"],
        family=raw["family"],
        category=raw["category"],
        status=status,
        spdx=raw.get("spdx"),
        aliases=tuple(raw.get("aliases", ())),
        links=tuple(link_key(u) for u in raw.get("links", ())),
        clauses={name: _clause(name, raw[name], where) for name in CLAUSE_NAMES if name in raw},
        note=raw.get("note"),
        text=_text(raw["text"], where) if "text" in raw else None,
        names_a_family=bool(raw.get("names_a_family", False)),
    )


def _policy(policy_id: str, raw: dict[str, Any]) -> Policy:
    where = f"policies.{policy_id}"
    restrictions = raw.get("restrictions")
    if not raw.get("name") or not raw.get("source") or not isinstance(restrictions, list) or not restrictions:
        raise ValueError(f"{where}: a policy has name, source and a non-empty restrictions list")
    unknown = set(raw) - {"name", "source", "restrictions", "text", "may_include"}
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    return Policy(
        id=policy_id,
        name=raw["name"],
        source=raw["source"],
        restrictions=frozenset(restrictions),
        text=_text(raw["text"], where) if "text" in raw else None,
        may_include=frozenset(raw.get("may_include", ())),
    )


def _check_references(licenses: dict[str, License], policies: dict[str, Policy]) -> None:
    """Every ``compatible`` id names a license and every ``policy`` a policy of the table."""
    for lic in licenses.values():
        for clause in lic.clauses.values():
            missing = [c for c in clause.compatible if c not in licenses]
            if missing:
                raise ValueError(f"licenses.{lic.id}.{clause.name}: compatible names unknown licenses {missing}")
            if clause.policy is not None and clause.policy not in policies:
                raise ValueError(f"licenses.{lic.id}.{clause.name}: unknown policy {clause.policy!r}")


def _index(entries: dict[str, Any], kind: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for entry_id, entry in entries.items():
        for text in (entry_id, *entry.aliases, *([entry.spdx] if getattr(entry, "spdx", None) else [])):
            key = alias_key(text)
            if index.get(key, entry_id) != entry_id:
                raise ValueError(f"{kind} alias {text!r} names both {index[key]!r} and {entry_id!r}")
            index[key] = entry_id
    return index


def parse_table(data: dict[str, Any]) -> LicenseTable:
    """Validate a parsed TOML document and build the table with its indexes."""
    licenses = {lid: _license(lid, raw) for lid, raw in data.get("licenses", {}).items()}
    policies = {pid: _policy(pid, raw) for pid, raw in data.get("policies", {}).items()}
    _check_references(licenses, policies)
    exceptions = {
        eid: LicenseException(id=eid, name=raw["name"], aliases=tuple(raw.get("aliases", ())))
        for eid, raw in data.get("exceptions", {}).items()
    }
    alias_index = _index(licenses, "license")
    exception_index = _index(exceptions, "exception")
    clash = set(alias_index) & set(exception_index)
    if clash:
        raise ValueError(f"aliases used by both a license and an exception: {sorted(clash)}")
    links = sorted(
        ((fragment, lic.id) for lic in licenses.values() for fragment in lic.links), key=lambda p: -len(p[0])
    )
    return LicenseTable(licenses, exceptions, alias_index, exception_index, tuple(links), policies)


@lru_cache(maxsize=1)
def default_table() -> LicenseTable:
    """The table shipped in the package (``graphsc/license_table/data/licenses.toml``), loaded once."""
    text = resources.files("graphsc.license_table").joinpath("data/licenses.toml").read_bytes()
    return parse_table(tomllib.loads(text.decode("utf-8")))
