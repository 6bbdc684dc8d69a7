"""Values of a Cypher result (``graphsc query``) as plain data and as cell text, for its JSON, CSV and table views."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphsc.render import json_text


def plain(value: Any) -> Any:
    """A driver value as JSON-ready data: nodes and relationships as their properties (plus ``_labels`` /
    ``_type``), paths as node lists, temporal and spatial values as ISO text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "labels") and hasattr(value, "items"):  # Node
        return {"_labels": sorted(value.labels), **{k: plain(v) for k, v in value.items()}}
    if hasattr(value, "type") and hasattr(value, "items") and hasattr(value, "start_node"):  # Relationship
        return {"_type": value.type, **{k: plain(v) for k, v in value.items()}}
    if hasattr(value, "nodes") and hasattr(value, "relationships"):  # Path
        return [plain(n) for n in value.nodes]
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return str(value)


def cell_text(value: Any) -> str:
    """A driver value as the text of a table or CSV cell: null as empty, a list of scalars joined with ``; ``, a
    map (or a list holding one) as one line of JSON."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return (
            json_text(value, inline=True)
            if isinstance(value, dict) or any(isinstance(v, (list, dict)) for v in value)
            else "; ".join(str(v) for v in value)
        )
    return str(value)
