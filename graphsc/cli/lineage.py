"""``graphsc lineage MODEL``: ancestors, descendants and a summary of one model."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from graphsc.cli.common import DbOption, StoreOption, open_cli_store
from graphsc.render import emit


class Direction(str, Enum):
    up = "up"
    down = "down"
    both = "both"


class LineageFormat(str, Enum):
    tree = "tree"
    json = "json"
    mermaid = "mermaid"
    dot = "dot"


def lineage(
    model: Annotated[str, typer.Argument(metavar="MODEL", help="Model id, e.g. deepseek-ai/DeepSeek-R1.")],
    direction: Annotated[
        Direction, typer.Option("--direction", "-d", help="Ancestors, descendants or both.")
    ] = Direction.both,
    max_depth: Annotated[
        int | None, typer.Option("--max-depth", min=1, help="Stop this many edges from the model.")
    ] = None,
    output_format: Annotated[
        LineageFormat,
        typer.Option(
            "--format",
            "-f",
            help="tree (terminal), json, or a picture of the lineage: mermaid (GitHub Markdown) or dot (Graphviz).",
        ),
    ] = LineageFormat.tree,
    width: Annotated[int, typer.Option("--width", min=1, help="Tree: children shown per model.")] = 10,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Tree: models shown per tree.")] = 200,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Show where MODEL comes from (every base up to the roots) and what derives from it."""
    from graphsc.lineage import compute_lineage
    from graphsc.render.export_dot import dot_text
    from graphsc.render.export_mermaid import mermaid_text
    from graphsc.render.lineage_json import lineage_document
    from graphsc.render.lineage_tree import render_lineage_tree
    from graphsc.subgraph import subgraph_of_lineage

    with open_cli_store(db, store, write=False) as graph:
        result = compute_lineage(graph, model.strip(), direction.value, max_depth)
    emit(
        output_format,
        document=lambda: lineage_document(result),
        terminal=lambda console: render_lineage_tree(result, console, width=width, limit=limit),
        texts={
            LineageFormat.mermaid.value: lambda: mermaid_text(subgraph_of_lineage(result)),
            LineageFormat.dot.value: lambda: dot_text(subgraph_of_lineage(result)),
        },
    )


def register(app: typer.Typer) -> None:
    """Add ``graphsc lineage`` to ``app``."""
    app.command("lineage")(lineage)
