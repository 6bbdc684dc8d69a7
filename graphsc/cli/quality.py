"""``graphsc quality``: how good the graph's metadata is (rejected, unconfirmed, merged, inferred, skipped, missing)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from graphsc.cli.common import DbOption, StoreOption, open_cli_store
from graphsc.render import emit


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
    from graphsc.render.quality_json import quality_document
    from graphsc.render.quality_table import render_quality

    with open_cli_store(db, store, write=False) as graph:
        report = quality_report(graph)
    emit(
        output_format,
        document=lambda: quality_document(report),
        terminal=lambda console: render_quality(report, console),
    )


def register(app: typer.Typer) -> None:
    """Add ``graphsc quality`` to ``app``."""
    app.command("quality")(quality)
