"""Output of ``graphsc query``: the rows of a Cypher result as a table, JSON or CSV."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from graphsc.render.csv_rows import CsvWriter
from graphsc.render.text import literal


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


def rows_document(keys: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """One JSON object per row, keyed by column name."""
    return [{k: plain(v) for k, v in zip(keys, row)} for row in rows]


def render_json(keys: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """The rows as a JSON array of objects."""
    return json.dumps(rows_document(keys, rows), indent=2, ensure_ascii=False)


def _cell(value: Any) -> str:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return (
            json.dumps(value, ensure_ascii=False)
            if isinstance(value, dict) or any(isinstance(v, (list, dict)) for v in value)
            else "; ".join(str(v) for v in value)
        )
    return str(value)


def render_csv(keys: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """The rows as CSV with a header; lists joined with ``; ``, maps as JSON, null as empty."""
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(keys)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return out.getvalue()


def render_table(title: str, keys: Sequence[str], rows: Sequence[Sequence[Any]], console: Console) -> None:
    """The rows as a terminal table, with the row count; column names and values printed literally (never as
    markup, control characters visible)."""
    table = Table(title=literal(title), title_justify="left")
    for key in keys:
        table.add_column(literal(key), overflow="fold")
    for row in rows:
        table.add_row(*(literal(_cell(v)) for v in row))
    if keys:
        console.print(table)
    console.print(literal(f"{len(rows)} row{'s' if len(rows) != 1 else ''}"))
