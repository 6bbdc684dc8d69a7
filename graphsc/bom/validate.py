"""Validating a BOM file against its format's official schema: CycloneDX (cyclonedx-python-lib's JSON schema
validator) or SPDX 3.0.1 (the spdx-python-model bindings generated from the official SHACL model)."""

from __future__ import annotations

from pathlib import Path

import orjson

from graphsc.errors import InputFileError

CYCLONEDX = "CycloneDX"
SPDX3 = "SPDX 3"
_VALIDATE_HINT = "Give a CycloneDX JSON document or an SPDX 3 JSON-LD document (e.g. one `graphsc bom` wrote)."


def document_kind(doc: object) -> str | None:
    """``CYCLONEDX`` for a CycloneDX JSON document (``bomFormat``), ``SPDX3`` for SPDX 3 JSON-LD (an ``@context``
    naming spdx.org/rdf/3), else None."""
    if not isinstance(doc, dict):
        return None
    if doc.get("bomFormat") == "CycloneDX":
        return CYCLONEDX
    context = doc.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if any(isinstance(c, str) and "spdx.org/rdf/3" in c for c in contexts):
        return SPDX3
    return None


def validate_document(path: Path) -> tuple[str, list[str]]:
    """``(kind, errors)`` for the BOM at ``path``: its format and what its schema says is wrong (empty: valid).

    Raises ``InputFileError`` when the file cannot be read, is not JSON, or is neither format."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(str(path), getattr(exc, "strerror", None) or str(exc), _VALIDATE_HINT) from None
    try:
        doc = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise InputFileError(str(path), f"not JSON ({exc})", _VALIDATE_HINT) from None
    kind = document_kind(doc)
    if kind == CYCLONEDX:
        from graphsc.bom.cyclonedx_schema import validate_cyclonedx

        return kind, validate_cyclonedx(text)
    if kind == SPDX3:
        from graphsc.bom.spdx3_schema import validate_spdx3

        return kind, validate_spdx3(text)
    raise InputFileError(str(path), "neither a CycloneDX nor an SPDX 3 document", _VALIDATE_HINT)
