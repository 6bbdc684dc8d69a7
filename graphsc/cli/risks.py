"""``graphsc risks [MODEL]``: model-file risk along the chain (flags, inheritance and exposure: docs/risks.md).

Thin command: ``graphsc.reuse.risks`` computes, ``graphsc.render.risks_*`` show.
"""

from __future__ import annotations

from typing import Annotated

import typer

from graphsc.cli.common import (
    DbOption,
    FormatOption,
    JsonOutputOption,
    OptionalModelArgument,
    OutputFormat,
    StoreOption,
    open_cli_store,
)
from graphsc.render import emit


def risks(
    model: OptionalModelArgument = None,
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="Whole graph: how many flagged models to list.")] = 20,
    output_format: FormatOption = OutputFormat.table,
    output: JsonOutputOption = None,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Model-file risk along the chain: pickle-only weights, custom code, the Hub's scan, disabled repos.

    With MODEL: its own flags, those it inherits through adapter edges (with paths) and those upstream (provenance).
    Without: counts per flag over the whole graph and the flagged models most exposed downstream (docs/risks.md)."""
    from graphsc.render.risks_json import graph_risks_document, model_risks_document
    from graphsc.render.risks_table import render_graph_risks, render_model_risks
    from graphsc.reuse.risks import graph_risks, model_risks

    if output is not None and output_format is OutputFormat.table:
        raise typer.BadParameter("the table is for the terminal: use --format json with it", param_hint="-o")
    with open_cli_store(db, store, write=False) as graph:
        if model is not None:
            found = model_risks(graph, model.strip())  # UnknownModelError with close matches
            emit(
                output_format,
                document=lambda: model_risks_document(found),
                terminal=lambda console: render_model_risks(found, console),
                output=output,
            )
            return
        report = graph_risks(graph)
    emit(
        output_format,
        document=lambda: graph_risks_document(report, top),
        terminal=lambda console: render_graph_risks(report, top, console),
        output=output,
    )


def register(app: typer.Typer) -> None:
    """Add ``graphsc risks`` to ``app``."""
    app.command("risks")(risks)
