"""Normalise a declared license (HF id, SPDX id or expression, ScanCode key, free text) to the table's ids.

SPDX / ScanCode expressions (``MIT OR Apache-2.0``, ``GPL-2.0-or-later WITH Classpath-exception-2.0``) are
parsed by the ``license_expression`` library; graphsc only maps the parsed symbols to its canonical ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, Union

from license_expression import (
    AND,
    OR,
    ExpressionError,
    LicenseExpression,
    LicenseSymbol,
    LicenseWithExceptionSymbol,
    Licensing,
)

from graphsc.license_table.table import LicenseTable, default_table

Status = Literal["known", "unknown", "none", "other", "expression"]

# A license expression reduced to canonical ids: ("lic", id or None, raw key, with-license id or None) leaves
# under ("and" | "or", children) nodes. ``None`` ids are symbols the table does not know.
Leaf = tuple[Literal["lic"], str | None, str, str | None]
Tree = Union[  # noqa: UP007 - a recursive alias needs Union: "Tree" | ... fails at runtime
    Leaf, tuple[Literal["and", "or"], tuple["Tree", ...]]
]

_EXPRESSION_HINT = re.compile(r"\s(and|or|with)\s|[()]", re.IGNORECASE)
_LICENSING = Licensing()
STANDALONE_EXCEPTION = "not-a-license"  # table id for an exception (e.g. llvm-exception) seen on its own


@dataclass(frozen=True, slots=True)
class NormalizedLicense:
    """A declared license as graphsc understands it.

    ``id`` is the canonical license id (for an expression with a single license, that license's id), ``status``
    one of known / unknown / none / other / expression, ``raw`` the text as declared. For expressions,
    ``expression`` is the parsed ``license_expression`` object and ``tree`` its canonical form; ``ids`` lists
    every canonical id involved and ``unresolved`` every symbol the table does not know. ``resolved_by`` says
    how an ``other`` license was identified ("license_name" or "license_link"). ``license_name`` and
    ``license_link`` keep the card fields that were given but identify no license in the table (an unresolved
    ``other``, or a name/link declared without a license id), so reports can say what was not recognised.
    """

    raw: str | None
    status: Status
    id: str | None = None
    ids: tuple[str, ...] = ()
    unresolved: tuple[str, ...] = ()
    expression: LicenseExpression | None = None
    tree: Tree | None = None
    resolved_by: str | None = None
    license_name: str | None = None
    license_link: str | None = None

    @property
    def table_ids(self) -> tuple[str, ...]:
        """The canonical license-table ids it names: every id of an expression, else its one id (empty: none)."""
        if self.ids:
            return tuple(self.ids)
        return (self.id,) if self.id else ()

    def canonical_text(self, table: LicenseTable | None = None) -> str | None:
        """The license rendered with canonical SPDX-style ids (``MIT OR Apache-2.0``), None if not declared."""
        table = table or default_table()
        if self.tree is None:
            return None if self.id is None else (table[self.id].spdx or self.id)
        return _render(self.tree, table, top=True)

    def spdx_expression(self, table: LicenseTable | None = None) -> str | None:
        """The license as an SPDX license expression (``MIT OR Apache-2.0``) when every license in it has an SPDX
        id in the table (``spdx``) and every exception an SPDX exception id; else None (e.g. ``llama3.1``,
        ``other``, an unknown symbol), so a BOM never writes a non-SPDX id where SPDX ids are required."""
        table = table or default_table()
        if self.tree is None:
            if self.id is None or self.id not in table.licenses:
                return None
            return table[self.id].spdx
        for _, lid, _, with_id in _leaves(self.tree):
            if lid is None or not table[lid].spdx or (with_id is not None and with_id not in table.exceptions):
                return None
        return _render(self.tree, table, top=True)


def _render(tree: Tree, table: LicenseTable, top: bool = False) -> str:
    if tree[0] == "lic":
        _, lid, raw_key, with_id = tree
        text = (table[lid].spdx or lid) if lid else raw_key
        return f"{text} WITH {with_id}" if with_id else text
    op, children = tree
    body = f" {op.upper()} ".join(_render(c, table) for c in children)
    return body if top else f"({body})"


def _leaf(symbol: LicenseSymbol, table: LicenseTable, with_key: str | None) -> Leaf:
    found = table.lookup(symbol.key)
    with_id: str | None = None
    if with_key is not None:
        exc = table.lookup_exception(with_key)
        lic = None if exc else table.lookup(with_key)
        with_id = exc.id if exc else (lic.id if lic else with_key)
    return ("lic", found.id if found else None, symbol.key, with_id)


def _to_tree(expr: LicenseExpression, table: LicenseTable) -> Tree:
    if isinstance(expr, LicenseWithExceptionSymbol):
        return _leaf(expr.license_symbol, table, expr.exception_symbol.key)
    if isinstance(expr, LicenseSymbol):
        return _leaf(expr, table, None)
    if isinstance(expr, (AND, OR)):
        op: Literal["and", "or"] = "and" if isinstance(expr, AND) else "or"
        return (op, tuple(_to_tree(arg, table) for arg in expr.args))
    raise ExpressionError(f"unsupported expression node {expr!r}")


def _leaves(tree: Tree) -> list[Leaf]:
    if tree[0] == "lic":
        return [tree]
    return [leaf for child in tree[1] for leaf in _leaves(child)]


def _unresolved_with(leaf: Leaf, table: LicenseTable) -> list[str]:
    with_id = leaf[3]
    if with_id is None or with_id in table.exceptions or with_id in table.licenses:
        return []
    return [with_id]


def _parse_expression(raw: str, table: LicenseTable) -> NormalizedLicense:
    try:
        expr = _LICENSING.parse(raw)
    # license-expression (and boolean.py under it) raises more than ExpressionError on malformed text: IndexError
    # on "()", AssertionError on "( AND MIT" (found by Hypothesis). Card text is untrusted input: any failure to
    # parse it means "not an expression we can read", never a crash of the whole report.
    except Exception:  # noqa: BLE001 - the parser's own failures, on a value it was given to parse
        return NormalizedLicense(raw=raw, status="unknown", unresolved=(raw,))
    if expr is None:
        return NormalizedLicense(raw=raw, status="none")
    tree = _to_tree(expr, table)
    leaves = _leaves(tree)
    with_licenses = [leaf[3] for leaf in leaves if leaf[3] in table.licenses]
    ids = tuple(dict.fromkeys([leaf[1] for leaf in leaves if leaf[1]] + with_licenses))
    unresolved = tuple(
        dict.fromkeys(
            [leaf[2] for leaf in leaves if leaf[1] is None] + [u for lf in leaves for u in _unresolved_with(lf, table)]
        )
    )
    single = leaves[0][1] if len(leaves) == 1 else None
    return NormalizedLicense(
        raw=raw, status="expression", id=single, ids=ids, unresolved=unresolved, expression=expr, tree=tree
    )


def _resolve_other(
    raw: str | None, license_name: str | None, license_link: str | None, table: LicenseTable
) -> NormalizedLicense | None:
    """Identify a license declared as ``other`` (or not at all) by its card ``license_name`` / ``license_link``."""
    if license_name:
        found = table.lookup(license_name)
        if found is not None and found.status == "known":
            return NormalizedLicense(raw=raw, status="known", id=found.id, ids=(found.id,), resolved_by="license_name")
    if license_link:
        found = table.lookup_link(license_link)
        if found is not None and found.status == "known":
            return NormalizedLicense(raw=raw, status="known", id=found.id, ids=(found.id,), resolved_by="license_link")
    return None


def _given(value: str | None) -> str | None:
    """A card field as given (trimmed), None when absent or blank."""
    return value.strip() or None if isinstance(value, str) else None


@lru_cache(maxsize=1 << 16)
def _normalize_cached(raw: str | None, license_name: str | None, license_link: str | None) -> NormalizedLicense:
    table = default_table()
    return normalize_with_table(raw, table, license_name, license_link)


def normalize_with_table(
    raw: str | None, table: LicenseTable, license_name: str | None = None, license_link: str | None = None
) -> NormalizedLicense:
    """``normalize_license`` against an explicit table (uncached)."""
    text = raw.strip() if isinstance(raw, str) else None
    name, link = _given(license_name), _given(license_link)
    if not text:
        return _resolve_other(None, license_name, license_link, table) or NormalizedLicense(
            raw=raw, status="none", license_name=name, license_link=link
        )
    found = table.lookup(text)
    if found is not None:
        if found.status == "other":
            resolved = _resolve_other(raw, license_name, license_link, table)
            return resolved or NormalizedLicense(
                raw=raw, status="other", id=found.id, ids=(found.id,), license_name=name, license_link=link
            )
        status: Status = "unknown" if found.status == "unknown" else "known"
        return NormalizedLicense(raw=raw, status=status, id=found.id, ids=(found.id,))
    if table.lookup_exception(text) is not None:  # an exception found without its license grants nothing
        return NormalizedLicense(raw=raw, status="unknown", id=STANDALONE_EXCEPTION, ids=(STANDALONE_EXCEPTION,))
    if _EXPRESSION_HINT.search(text):
        return _parse_expression(text, table)
    return NormalizedLicense(raw=raw, status="unknown", unresolved=(text,))


def normalize_license(
    raw: str | None, license_name: str | None = None, license_link: str | None = None
) -> NormalizedLicense:
    """Normalise a declared license against the packaged table (cached; safe to call for every model).

    ``raw`` is the declared id or expression (HF card ``license``, SPDX, ScanCode key); ``license_name`` and
    ``license_link`` are the card fields that identify an ``other`` license (e.g. ``mrl`` /
    ``https://mistral.ai/licenses/MRL-0.1.md``).
    """
    return _normalize_cached(raw, license_name, license_link)


def join_licenses(keys: list[str] | tuple[str, ...] | None) -> str | None:
    """Several licenses found together (e.g. ScanCode keys detected in one repository) as one AND expression."""
    if not keys:
        return None
    parts = [k if not _EXPRESSION_HINT.search(k) else f"({k})" for k in dict.fromkeys(keys)]
    return " AND ".join(parts)
