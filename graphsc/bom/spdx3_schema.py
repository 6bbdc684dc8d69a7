"""Checking an SPDX 3.0.1 JSON-LD document against the SPDX 3.0.1 model.

The check is the spdx-python-model bindings', which are generated (by shacl2code) from the official SPDX 3.0.1
SHACL model:

- their JSON-LD deserializer rejects a type the model does not define (or an abstract one), a property the
  type does not have, a value of the wrong kind (a string where an object is expected, an enum value outside
  the model's named individuals, a malformed date, a pattern mismatch), and a reference to an object of the
  wrong class;
- the cardinalities of the SHACL shapes (required properties, at most one value) are enforced by the bindings
  only when they write a document, so they are checked here for every object read, with the same definitions;
- every IRI reference must resolve to an element of the document, an element an ``SpdxDocument`` imports
  (``import`` / ``externalSpdxId``) or one of the model's named individuals (``NoAssertionLicense``, ...);
- what SPDX states in prose rather than SHACL and a BOM relies on: exactly one ``SpdxDocument``, one element per
  ``spdxId``, ``specVersion`` 3.0.1, ``hasDeclaredLicense`` / ``hasConcludedLicense`` pointing at licenses;
- a valid document must also be written back by the bindings' serializer without an error;
- every ``simplelicensing_licenseExpression`` must be a well-formed SPDX license expression of SPDX license and
  exception ids (``license_expression``'s SPDX licensing), ``LicenseRef-`` ids and the ids the expression's
  ``simplelicensing_customIdToUri`` defines (the model types it only as a string).

There is no full SHACL engine (pyshacl) here, and the official SPDX 3.0.1 JSON schema is not shipped by any
installed package (cyclonedx-python-lib bundles only an SPDX license-id list), so neither is used.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from license_expression import get_spdx_licensing
from spdx_python_model import v3_0_1 as spdx

SPDX3_CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
_PY_OBJECT_ID = re.compile(r" \(\d+\)")
_MAX_MESSAGE = 300
_LICENSE_REF = re.compile(r"(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+")
_UNKNOWN_KEYS = "Unknown license key(s)"
_LICENSE_RELATIONSHIPS = {
    spdx.RelationshipType.hasDeclaredLicense: "hasDeclaredLicense",
    spdx.RelationshipType.hasConcludedLicense: "hasConcludedLicense",
}


def validate_spdx3(text: str) -> list[str]:
    """What is wrong with the SPDX 3.0.1 JSON-LD document ``text``; empty when it is valid. Never raises: text
    that is not JSON, or not an SPDX 3.0.1 document, is one error."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return [f"not JSON: {exc}"]
    if not isinstance(data, dict):
        return ["not an SPDX 3 JSON-LD document: the top level is not an object"]
    context = data.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if SPDX3_CONTEXT not in contexts:
        return [f"not an SPDX 3.0.1 JSON-LD document: @context is {context!r}, not {SPDX3_CONTEXT!r}"]
    errors = _graph_errors(data)
    if errors:
        return errors
    objects = spdx.SHACLObjectSet()
    try:
        spdx.JSONLDDeserializer().deserialize_data(data, objects)
    # The generated deserializer reports a mismatch with the model as TypeError, ValueError, KeyError,
    # NotImplementedError (an abstract type) or AttributeError, and deep or cyclic garbage as RecursionError;
    # whatever it raises on untrusted input is a finding about the document, never a crash.
    except Exception as exc:  # noqa: BLE001 - see above
        return [*errors, f"does not match the SPDX 3.0.1 model: {_message(exc)}"]
    for obj in objects.foreach():
        errors.extend(_cardinality_errors(obj))
    errors.extend(_reference_errors(objects))
    errors.extend(_document_errors(objects))
    for expression in objects.foreach_type(spdx.simplelicensing_LicenseExpression):
        defined = {str(e.key) for e in expression.simplelicensing_customIdToUri if isinstance(e, spdx.DictionaryEntry)}
        errors.extend(
            f"{_label(expression)}: {problem}"
            for problem in license_expression_errors(expression.simplelicensing_licenseExpression or "", defined)
        )
    if not errors:
        try:
            spdx.JSONLDSerializer().serialize_data(objects, force_at_graph=True)
        except Exception as exc:  # noqa: BLE001 - the writer's own check of the model, on a document read back
            errors.append(f"the SPDX 3.0.1 bindings cannot write it back: {_message(exc)}")
    return errors


def _message(exc: BaseException) -> str:
    text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    text = _PY_OBJECT_ID.sub("", f"{type(exc).__name__}: {text}")
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def _label(obj: spdx.SHACLObject) -> str:
    return f"{obj.get_compact_type() or obj.get_type()} {obj.get_id() or '(blank node)'}"


def _graph_errors(data: dict[str, Any]) -> list[str]:
    """Objects of a type the model does not define (the bindings would read them as extensions and fail
    obscurely) and ids given to more than one object (the bindings would silently keep the first)."""
    graph = data.get("@graph")
    if not isinstance(graph, list):
        return []
    errors = [
        f"unknown type {item.get('type')!r} (not an SPDX 3.0.1 class)"
        for item in graph
        if isinstance(item, dict) and isinstance(item.get("type"), str) and item["type"] not in spdx.SHACLObject.CLASSES
    ]
    ids = Counter(
        item.get("spdxId") or item.get("@id")
        for item in graph
        if isinstance(item, dict) and isinstance(item.get("spdxId") or item.get("@id"), str)
    )
    errors.extend(f"{i} is the id of {n} objects (one object per id)" for i, n in sorted(ids.items()) if n > 1)
    return errors


def _cardinality_errors(obj: spdx.SHACLObject) -> list[str]:
    """The SHACL ``minCount`` / ``maxCount`` of ``obj``'s class, as the bindings check them when writing."""
    errors = []
    props: dict[str, Any] = getattr(type(obj), "_OBJ_PY_PROPS", {})
    for p in props.values():
        if p.iri == "@id":
            continue
        value = getattr(obj, p.pyname)
        name = p.compact or p.iri
        if p.prop.elide(value):
            if p.min_count:
                errors.append(f"{_label(obj)}: required property '{name}' is missing")
            continue
        if p.min_count is not None and not p.prop.check_min_count(value, p.min_count):
            errors.append(f"{_label(obj)}: '{name}' needs at least {p.min_count} values")
        if p.max_count is not None and not p.prop.check_max_count(value, p.max_count):
            errors.append(f"{_label(obj)}: '{name}' takes at most {p.max_count} values")
    return errors


def _reference_errors(objects: spdx.SHACLObjectSet) -> list[str]:
    imported = {
        str(m.externalSpdxId)
        for doc in objects.foreach_type(spdx.SpdxDocument)
        for m in doc.import_
        if isinstance(m, spdx.ExternalMap)
    }
    return [f"reference to {i}, which is not in the document" for i in sorted(objects.missing_ids - imported)]


def _document_errors(objects: spdx.SHACLObjectSet) -> list[str]:
    errors = []
    documents = list(objects.foreach_type(spdx.SpdxDocument))
    if len(documents) != 1:
        errors.append(f"{len(documents)} SpdxDocument elements (a document has exactly one)")
    errors.extend(
        f"CreationInfo specVersion is {info.specVersion!r}, not '3.0.1'"
        for info in objects.foreach_type(spdx.CreationInfo)
        if info.specVersion is not None and info.specVersion != "3.0.1"
    )
    for rel in objects.foreach_type(spdx.Relationship):
        kind = _LICENSE_RELATIONSHIPS.get(rel.relationshipType or "")
        if kind is not None:
            errors.extend(
                f"{_label(rel)}: {kind} points at {_label(target)}, which is not a license"
                for target in rel.to
                if isinstance(target, spdx.SHACLObject) and not isinstance(target, spdx.simplelicensing_AnyLicenseInfo)
            )
    return errors


def license_expression_errors(expression: str, defined: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """What is wrong with ``expression`` as an SPDX license expression (empty when it is valid): its syntax and
    every id, checked with ``license_expression``'s SPDX licensing. ``LicenseRef-`` ids (and
    ``DocumentRef-...:LicenseRef-...``) and the ids in ``defined`` are accepted."""
    if not expression.strip():
        return ["empty license expression"]
    try:
        info = get_spdx_licensing().validate(expression)
    # The library raises (instead of reporting) on some malformed text ("MIT OR"): a finding, never a crash.
    except Exception as exc:  # noqa: BLE001 - the parser's own failures, on untrusted text
        return [f"license expression {expression!r} is not valid SPDX: {_message(exc)}"]
    problems = [e for e in info.errors if not e.startswith(_UNKNOWN_KEYS)]
    unknown = [s for s in info.invalid_symbols if s not in defined and not _LICENSE_REF.fullmatch(s)]
    if problems or unknown or (not info.errors and info.normalized_expression is None):
        detail = "; ".join(problems) or f"not SPDX license ids: {', '.join(unknown)}"
        return [f"license expression {expression!r} is not valid SPDX: {detail}"]
    return []
