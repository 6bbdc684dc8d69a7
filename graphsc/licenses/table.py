"""The license table: ``data/licenses.toml`` loaded into typed, immutable records.

The table is the only place license knowledge lives; rules read clauses from it and never name a license.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

CATEGORIES = frozenset(
    {"permissive", "public-domain", "copyleft", "non-commercial", "rail", "model-community", "proprietary", "unknown"}
)
TABLE_STATUSES = frozenset({"known", "unknown", "other"})
CLAUSE_NAMES = frozenset(
    {
        "commercial_use", "copyleft", "use_restrictions_must_pass", "derivatives_same_license", "no_derivatives",
        "attribution", "notice", "naming", "user_threshold", "improving_other_models", "results_unrestricted",
    }
)
COPYLEFT_STRENGTHS = frozenset({"weak", "strong", "network"})

_SEPARATORS = re.compile(r"[\s_]+")


def alias_key(text: str) -> str:
    """The form aliases are matched in: lower case, trimmed, runs of spaces/underscores as one ``-``."""
    return _SEPARATORS.sub("-", text.strip().lower())


def link_key(url: str) -> str:
    """A license link reduced for substring matching: lower case, no scheme, no ``www.``."""
    text = url.strip().lower()
    text = re.sub(r"^[a-z]+://", "", text)
    return text.removeprefix("www.")


@dataclass(frozen=True, slots=True)
class Clause:
    """One clause of a license: its ``value``, the ``source`` section it comes from, and extra fields
    (``compatible`` families for copyleft, ``policy`` for use restrictions)."""

    name: str
    value: Any
    source: str
    compatible: tuple[str, ...] = ()
    policy: str | None = None

    def cite(self, license_id: str) -> str:
        """``"<license>.<clause>: <source>"``, for reports."""
        return f"{license_id}.{self.name}: {self.source}"


@dataclass(frozen=True, slots=True, eq=False)
class License:
    """A canonical license with its clauses keyed by clause name."""

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

    def clause(self, name: str) -> Clause | None:
        """The clause called ``name``, or None when the license has none."""
        return self.clauses.get(name)

    def value(self, name: str, default: Any = None) -> Any:
        """The value of clause ``name``, or ``default``."""
        found = self.clauses.get(name)
        return default if found is None else found.value


@dataclass(frozen=True, slots=True)
class Exception_:
    """A license exception (the right side of ``WITH``)."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class LicenseTable:
    """All licenses and exceptions, with alias and link indexes."""

    licenses: dict[str, License]
    exceptions: dict[str, Exception_]
    alias_index: dict[str, str]
    exception_index: dict[str, str]
    link_index: tuple[tuple[str, str], ...]

    def lookup(self, text: str) -> License | None:
        """The license whose id or alias matches ``text`` (see ``alias_key``), else None."""
        found = self.alias_index.get(alias_key(text))
        return None if found is None else self.licenses[found]

    def lookup_exception(self, text: str) -> Exception_ | None:
        """The exception whose id or alias matches ``text``, else None."""
        found = self.exception_index.get(alias_key(text))
        return None if found is None else self.exceptions[found]

    def lookup_link(self, url: str) -> License | None:
        """The license one of whose ``links`` fragments occurs in ``url`` (longest fragment wins)."""
        key = link_key(url)
        for fragment, license_id in self.link_index:
            if fragment in key:
                return self.licenses[license_id]
        return None

    def __getitem__(self, license_id: str) -> License:
        return self.licenses[license_id]


def _clause(name: str, raw: Any, where: str) -> Clause:
    if not isinstance(raw, dict) or "value" not in raw or not raw.get("source"):
        raise ValueError(f"{where}.{name}: a clause is {{ value = ..., source = \"...\" }}")
    if name == "copyleft" and raw["value"] not in COPYLEFT_STRENGTHS:
        raise ValueError(f"{where}.copyleft: value must be one of {sorted(COPYLEFT_STRENGTHS)}")
    return Clause(
        name=name,
        value=raw["value"],
        source=raw["source"],
        compatible=tuple(raw.get("compatible", ())),
        policy=raw.get("policy"),
    )


def _license(license_id: str, raw: dict[str, Any]) -> License:
    where = f"licenses.{license_id}"
    meta = {"name", "spdx", "family", "category", "status", "aliases", "links", "note"}
    unknown = set(raw) - meta - CLAUSE_NAMES
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    if raw.get("category") not in CATEGORIES:
        raise ValueError(f"{where}: category must be one of {sorted(CATEGORIES)}")
    status = raw.get("status", "known")
    if status not in TABLE_STATUSES:
        raise ValueError(f"{where}: status must be one of {sorted(TABLE_STATUSES)}")
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
    )


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
    exceptions = {
        eid: Exception_(id=eid, name=raw["name"], aliases=tuple(raw.get("aliases", ())))
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
    return LicenseTable(licenses, exceptions, alias_index, exception_index, tuple(links))


def load_table_file(path: str | Path) -> LicenseTable:
    """Load a license table from a TOML file (for alternative or extended tables)."""
    with open(path, "rb") as fh:
        return parse_table(tomllib.load(fh))


@lru_cache(maxsize=1)
def default_table() -> LicenseTable:
    """The table shipped in the package (``graphsc/licenses/data/licenses.toml``), loaded once."""
    text = resources.files("graphsc.licenses").joinpath("data/licenses.toml").read_bytes()
    return parse_table(tomllib.loads(text.decode("utf-8")))
