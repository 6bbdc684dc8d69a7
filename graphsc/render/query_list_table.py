"""``graphsc query --list`` in the terminal: each library query with its parameters, description and example."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console

from graphsc.querylib import QueryFile
from graphsc.render.text import escaped, literal


def render_query_list(queries: Iterable[QueryFile], console: Console) -> None:
    """Print each query: name and parameters, then its description and example. A query library may be the user's
    own .cypher files, so their text is data (escaped, never markup)."""
    for q in queries:
        params = ", ".join(f"{p.name} ({p.type})" for p in q.params) or "no parameters"
        console.print(f"[bold]{escaped(q.name)}[/]  [dim]{escaped(params)}[/]", markup=True)
        console.print(literal(f"  {q.description}"))
        if q.example:
            console.print(f"  [dim]e.g.[/] {escaped(q.example)}", markup=True)
