"""Check a CycloneDX JSON document against the official schema bundled with cyclonedx-python-lib.

``validate_cyclonedx(text)`` returns the schema errors (empty when valid), validating against the JSON schema of
the ``specVersion`` the document declares with cyclonedx-python-lib's ``JsonStrictValidator`` (the official
schema, its SPDX and JSF schemas, and jsonschema's format checks). It never raises on bad input: text that is not
JSON, not an object, or declares no spec version the library knows is one error.

One change of speed, not of verdict: the schema gives every URL the ``iri-reference`` format, and jsonschema
checks it with ``rfc3987_syntax``, an Earley parser that takes about 0.15 s per URL (a BOM of a few dozen
models took seconds). An ASCII string is an IRI reference exactly when it is a URI reference (RFC 3987 §2.2 only
adds non-ASCII characters), so ASCII values are checked with jsonschema's own ``uri-reference`` checker (an
RFC 3986 regex) and only the others go to the parser, once per value. The validator the library built is copied
with that format checker (``evolve``); the library's instance and jsonschema's globals are left as they are.

The schema types a license ``expression`` only as a string, so every ``expression`` of a ``licenses`` list is
also checked as an SPDX license expression (``graphsc.bom.spdx3_schema.license_expression_errors``: SPDX ids,
``LicenseRef-`` ids, well-formed).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Iterator
from functools import cache, lru_cache
from typing import Any

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from graphsc.bom.spdx3_schema import license_expression_errors

# IRI formats and the URI format that decides them for ASCII values.
_IRI_AS_URI = {"iri": "uri", "iri-reference": "uri-reference"}


@cache
def _validator(version: SchemaVersion) -> Callable[[Any], Iterable[Any]]:
    """``iter_errors`` of the library's validator for ``version`` (with the fast IRI check), built once: building
    it parses the schema, which costs more than a validation."""
    library = JsonStrictValidator(version)
    try:
        inner: Any = library._validator  # the jsonschema Draft7Validator the library configured
        checker = copy.copy(inner.format_checker)
        checker.checkers = dict(checker.checkers)
        for iri, uri in _IRI_AS_URI.items():
            if iri in checker.checkers and uri in checker.checkers:
                checker.checkers[iri] = (
                    _ascii_as_uri(checker.checkers[uri][0], checker.checkers[iri][0]),
                    checker.checkers[iri][1],
                )
        iter_errors: Callable[[Any], Iterable[Any]] = inner.evolve(format_checker=checker).iter_errors
        return iter_errors
    except AttributeError:  # pragma: no cover - the library's internals changed: validate as it does
        return lambda document: library.validate_str(json.dumps(document), all_errors=True) or ()


def _ascii_as_uri(uri_check: Callable[[object], bool], iri_check: Callable[[object], bool]) -> Callable[[object], bool]:
    slow = lru_cache(maxsize=4096)(iri_check)

    def check(instance: object) -> bool:
        if isinstance(instance, str) and instance.isascii():
            return uri_check(instance)
        return slow(instance) if isinstance(instance, str) else iri_check(instance)

    return check


def validate_cyclonedx(text: str) -> list[str]:
    """The errors of ``text`` as a CycloneDX JSON document (each ``<JSON path>: <message>``); empty if valid."""
    try:
        document = json.loads(text)
    except (ValueError, TypeError) as e:
        return [f"not JSON: {e}"]
    if not isinstance(document, dict):
        return [f"not a CycloneDX document: a JSON {type(document).__name__}, not an object"]
    if document.get("bomFormat") != "CycloneDX":
        return [f"not a CycloneDX document: bomFormat is {document.get('bomFormat')!r}, not 'CycloneDX'"]
    spec = document.get("specVersion")
    try:
        version = SchemaVersion.from_version(spec) if isinstance(spec, str) else None
    except ValueError:
        version = None
    if version is None or version < SchemaVersion.V1_2:
        return [f"unsupported CycloneDX specVersion {spec!r} (JSON schemas exist for 1.2 to 1.7)"]
    errors = [_message(e) for e in _validator(version)(document)]
    for path, expression in _expressions(document, "$"):
        errors.extend(f"{path}: {problem}" for problem in license_expression_errors(expression))
    return errors


def _expressions(node: Any, path: str) -> Iterator[tuple[str, str]]:
    """``(JSON path, expression)`` of every license ``expression`` (an item of a ``licenses`` list) in ``node``."""
    stack = [(node, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict):
            licenses = item.get("licenses")
            if isinstance(licenses, list):
                for n, entry in enumerate(licenses):
                    if isinstance(entry, dict) and isinstance(entry.get("expression"), str):
                        yield f"{where}.licenses[{n}].expression", entry["expression"]
            stack.extend((value, f"{where}.{key}") for key, value in item.items())
        elif isinstance(item, list):
            stack.extend((value, f"{where}[{n}]") for n, value in enumerate(item))


def _message(error: object) -> str:
    """``$.path.to[0].field: message`` for a jsonschema error (its ``json_path`` and ``message``)."""
    error = getattr(error, "data", error)  # the library's JsonValidationError wraps it
    path = getattr(error, "json_path", "$")
    message = getattr(error, "message", str(error))
    return f"{path}: {message}"
