"""``graphsc demo``: the main job on the bundled real sample data, no server and no network needed."""

from __future__ import annotations

from typing import Annotated

import typer

from graphsc.cli.common import DbOption, StoreOption, open_cli_store
from graphsc.cli.progress import stderr_console

DEMO_MODEL = "deepseek-ai/DeepSeek-R1"


def demo(
    model: Annotated[str, typer.Option("--model", help="Model whose lineage to show.")] = DEMO_MODEL,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Ingest the bundled real samples (two Hub families) and show a lineage."""
    from rich.console import Console

    from graphsc.ingest import ingest_snapshot
    from graphsc.lineage import compute_lineage
    from graphsc.render.lineage_tree import render_lineage_tree
    from graphsc.samples import hf_family_files

    console = stderr_console()
    graph = open_cli_store(db, store)
    try:
        files = hf_family_files()
        report = ingest_snapshot(graph, [str(f) for f in files])
        console.print(
            f"Ingested {report.records:,} records from {len(files)} bundled files into {graph.kind} store "
            f"{graph.location} ({report.records_per_second:,.0f} records/s)."
        )
        render_lineage_tree(compute_lineage(graph, model), Console(highlight=False))
    finally:
        graph.close()
    console.print(f"Next: graphsc lineage {model} --format json   (same store: --db {graph.location})")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
