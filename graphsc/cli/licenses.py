"""``graphsc licenses``: where declared licenses' obligations were dropped along the supply chain."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Annotated

import typer

from graphsc.cli.common import DbOption, StoreOption, open_cli_store


class LicensesFormat(str, Enum):
    table = "table"
    json = "json"


def licenses(
    model: Annotated[str | None, typer.Option("--model", "-m", help="Only conflicts this model originates or inherits.")] = None,
    kind: Annotated[list[str] | None, typer.Option("--kind", "-k", help="Only these conflict kinds (repeatable).")] = None,
    severity: Annotated[str | None, typer.Option("--min-severity", help="error, warning or info (default info).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Conflicts shown, highest impact first.")] = 30,
    output_format: Annotated[LicensesFormat, typer.Option("--format", "-f", help="table (terminal) or json.")] = LicensesFormat.table,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Check license propagation: conflicts at their origin edge, ranked by what they reach."""
    from graphsc.licenses.engine import check_store
    from graphsc.licenses.render import conflict_rows, render_table, select

    graph = open_cli_store(db, store)
    try:
        report = check_store(graph)
    finally:
        graph.close()
    chosen = select(report, model=model, kinds=kind, min_severity=severity)
    if output_format is LicensesFormat.json:
        doc = {"schema": "graphsc.licenses/1", "summary": {
            "models": report.models, "lineage_edges": report.lineage_edges, "seconds": round(report.seconds, 3),
            "by_kind": dict(report.counts_by_kind()), "by_severity": dict(report.counts_by_severity()),
            "uses": {"total": report.uses.total, "checkable": report.uses.checkable, "in_conflict": report.uses.in_conflict},
            "cycle_edges_ignored": report.cycle_edges_ignored}, "conflicts": conflict_rows(chosen[:limit])}
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return
    from rich.console import Console

    render_table(report, chosen, limit, Console(highlight=False))


def register(app: typer.Typer) -> None:
    app.command("licenses")(licenses)
