"""``graphsc audit [MODEL]``: which reuse attributes models document (license, confirmed base, training data,
evaluation results, task, library, card), scored; for MODEL along its chain with its claimed performance, else over
the whole graph by family, relation and year (rules: ``graphsc.reuse.completeness``, docs/audit.md)."""

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


def audit(
    model: OptionalModelArgument = None,
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="Whole graph: families shown (largest first).")] = 10,
    output_format: FormatOption = OutputFormat.table,
    output: JsonOutputOption = None,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Documentation completeness of MODEL and each ancestor, with its claimed performance; or of the whole graph.

    Attributes: license, confirmed base, training data, evaluation results, task, library, card (score of 100).

    Confirmed base: a DERIVED_FROM edge (relation tags, else plain base_model: tags, else the card's base_model).

    A base declared on the card or in a tag that is not lineage shows as "?" and does not count.

    Rules and weights: docs/audit.md. Without MODEL: shares, scores, and the same by family, relation and year.
    """
    if output is not None and output_format is OutputFormat.table:
        raise typer.BadParameter("the table is for the terminal: use --format json with it", param_hint="-o")
    from graphsc.render.audit_json import graph_audit_document, model_audit_document
    from graphsc.render.audit_table import render_graph_audit, render_model_audit
    from graphsc.reuse.audit import audit_graph, audit_model

    with open_cli_store(db, store, write=False) as graph:
        one = audit_model(graph, model.strip()) if model is not None else None
        whole = audit_graph(graph, top) if one is None else None
    if one is not None:
        emit(
            output_format,
            document=lambda: model_audit_document(one),
            terminal=lambda console: render_model_audit(one, console),
            output=output,
        )
    elif whole is not None:
        emit(
            output_format,
            document=lambda: graph_audit_document(whole),
            terminal=lambda console: render_graph_audit(whole, console),
            output=output,
        )


def register(app: typer.Typer) -> None:
    """Add ``graphsc audit`` to ``app``."""
    app.command("audit")(audit)
