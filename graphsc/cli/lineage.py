"""``graphsc lineage MODEL``: ancestors, descendants, training data and a summary of one model; given a dataset id
that names no model, the dataset's lineage (its sources, the datasets made from it, the models trained on them)."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from graphsc.cli.common import DbOption, StoreOption, open_cli_store
from graphsc.render import emit

if TYPE_CHECKING:
    from graphsc.lineage import Lineage


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
    model: Annotated[
        str,
        typer.Argument(
            metavar="MODEL",
            help="Model id, e.g. deepseek-ai/DeepSeek-R1; or a dataset id (when no model has it), e.g. rajpurkar/squad.",
        ),
    ],
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
    """Show where MODEL comes from (every base up to the roots, with their training data) and what derives from it.

    Given a dataset id that names no model: the datasets it was made from, those made from it and the models
    trained on them."""
    from graphsc.compact import saved_compact_graph
    from graphsc.errors import GraphscError
    from graphsc.lineage import compute_dataset_lineage, compute_lineage
    from graphsc.render.lineage_json import dataset_lineage_document, lineage_document
    from graphsc.render.lineage_tree import render_dataset_lineage_tree, render_lineage_tree

    text = model.strip()
    # The view is drawn with the store open: a tree reads the records of the models it draws as it draws them.
    with open_cli_store(db, store, write=False) as graph:
        dataset_id = graph.find_dataset_id(text) if graph.find_model_id(text) is None else None
        if dataset_id is not None:
            if output_format not in (LineageFormat.tree, LineageFormat.json):
                raise GraphscError(
                    f"{dataset_id!r} is a dataset: --format {output_format.value} draws a model's lineage only.",
                    "Use --format tree or json for a dataset's lineage.",
                )
            found = compute_dataset_lineage(graph, dataset_id, direction.value, max_depth)
            emit(
                output_format,
                document=lambda: dataset_lineage_document(found),
                terminal=lambda console: render_dataset_lineage_tree(found, console, width=width),
            )
            return
        # a model, or neither: the unknown-model error lists close model ids
        result = compute_lineage(
            graph,
            text,
            direction.value,
            max_depth,
            datasets=output_format in (LineageFormat.tree, LineageFormat.json),  # what the view shows
            compact=saved_compact_graph(graph),
            lazy_models=output_format == LineageFormat.tree,
        )
        emit(
            output_format,
            document=lambda: lineage_document(result),
            terminal=lambda console: render_lineage_tree(result, console, width=width, limit=limit),
            texts={
                LineageFormat.mermaid.value: lambda: _picture(result, "mermaid"),
                LineageFormat.dot.value: lambda: _picture(result, "dot"),
            },
        )


def _picture(result: Lineage, kind: str) -> str:
    # Imported only for a picture: the DOT writer pulls in the licenses engine and NetworkX (0.3 s of every call).
    from graphsc.render.export_dot import dot_text
    from graphsc.render.export_mermaid import mermaid_text
    from graphsc.subgraph import subgraph_of_lineage

    return (dot_text if kind == "dot" else mermaid_text)(subgraph_of_lineage(result))


def register(app: typer.Typer) -> None:
    """Add ``graphsc lineage`` to ``app``."""
    app.command("lineage")(lineage)
