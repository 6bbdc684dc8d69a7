"""``graphsc query`` in the terminal: the rows of a Cypher result as a table, with the row count."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from graphsc.render.labels import counted
from graphsc.render.query_values import cell_text
from graphsc.render.text import literal


def render_query_table(title: str, keys: Sequence[str], rows: Sequence[Sequence[Any]], console: Console) -> None:
    """The rows as a terminal table, with the row count; column names and values printed literally (never as
    markup, control characters visible)."""
    table = Table(title=literal(title), title_justify="left")
    for key in keys:
        table.add_column(literal(key), overflow="fold")
    for row in rows:
        table.add_row(*(literal(cell_text(v)) for v in row))
    if keys:
        console.print(table)
    console.print(literal(counted(len(rows), "row")))
