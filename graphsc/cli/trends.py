"""``graphsc trends``: derivatives, license categories and documentation of the models created over time
(definitions: docs/trends.md)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from graphsc.cli.common import DbOption, FamilyOption, StoreOption, open_cli_store
from graphsc.render import emit


class TrendsFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class TrendsBy(str, Enum):
    month = "month"
    quarter = "quarter"
    year = "year"


def trends(
    family: FamilyOption = None,
    by: Annotated[TrendsBy, typer.Option("--by", help="Time buckets: month, quarter or year (UTC).")] = TrendsBy.month,
    since: Annotated[
        str | None, typer.Option("--since", metavar="YYYY-MM", help="Only models created in this month or later.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="YYYY-MM", help="Only models created in this month or earlier.")
    ] = None,
    output_format: Annotated[
        TrendsFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="table (terminal charts; the default without --plot), json, or csv (long form: series, bucket, "
            "key, value).",
        ),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot",
            metavar="FILE",
            help="Draw the series into FILE.png or FILE.svg (needs matplotlib, graphsc's plot extra); with --format, "
            "the data is written too.",
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write json or csv to this file (default: stdout).")
    ] = None,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Derivatives by relation, license categories and documentation of the models created per month.

    Documentation: the share of cards listing training datasets, reporting evaluation results, declaring a license.

    The whole graph or one family (--family ROOT), as terminal charts, JSON, CSV or a plot (--plot FILE.png|svg)."""
    from graphsc.reuse.trends import compute_trends

    chosen = output_format or TrendsFormat.table
    if output is not None and chosen is TrendsFormat.table:
        raise typer.BadParameter("the table is for the terminal: use --format json or csv with it", param_hint="-o")
    if plot is not None:
        from graphsc.render.trends_plot import plot_format, require_matplotlib

        plot_format(plot)  # a bad suffix or a missing matplotlib: before the work, not after it
        require_matplotlib()

    with open_cli_store(db, store, write=False) as graph:
        result = compute_trends(graph, by.value, family=family.strip() if family else None, since=since, until=until)

    if plot is not None:
        from graphsc.cli.progress import stderr_console
        from graphsc.render.text import console, literal
        from graphsc.render.trends_plot import DPI, HEIGHT_IN, WIDTH_IN, draw_trends

        fmt = draw_trends(result, plot)
        # Only the plot was asked for: say so on stdout; with --format, the data owns stdout.
        where = console() if output_format is None else stderr_console()
        where.print(literal(f"Trends plot written to {plot} ({fmt.upper()}, {WIDTH_IN * DPI}×{HEIGHT_IN * DPI} px)"))
        if output_format is None:
            return

    from graphsc.render.trends_csv import trends_csv
    from graphsc.render.trends_json import trends_document
    from graphsc.render.trends_table import render_trends

    emit(
        chosen,
        document=lambda: trends_document(result),
        csv=lambda: trends_csv(result),
        terminal=lambda console: render_trends(result, console),
        output=output,
    )


def register(app: typer.Typer) -> None:
    """Add ``graphsc trends`` to ``app``."""
    app.command("trends")(trends)
