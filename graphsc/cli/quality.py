"""``graphsc quality``: how good the graph's metadata is (rejected, unconfirmed, merged, inferred, skipped, missing)."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import typer

from graphsc.cli.common import DbOption, StoreOption, open_cli_store


class QualityFormat(str, Enum):
    table = "table"
    json = "json"


def quality(
    output_format: Annotated[
        QualityFormat, typer.Option("--format", "-f", help="table (terminal) or json.")
    ] = QualityFormat.table,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Count, with examples, what graphsc could not take from the metadata as it stands and what it inferred."""
    from graphsc.quality import quality_report
    from graphsc.render.quality import quality_document, render_quality

    graph = open_cli_store(db, store, write=False)
    try:
        report = quality_report(graph)
    finally:
        graph.close()
    if output_format is QualityFormat.json:
        import orjson

        sys.stdout.write(orjson.dumps(quality_document(report), option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    from graphsc.render.text import console

    render_quality(report, console())


def register(app: typer.Typer) -> None:
    app.command("quality")(quality)
