"""``graphsc ingest ...``: bring records into the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from graphsc.cli.common import DbOption, StoreOption, open_cli_store
from graphsc.cli.progress import progress_bar, stderr_console

app = typer.Typer(no_args_is_help=True)


@app.callback()
def ingest() -> None:
    """Bring models, datasets, Spaces and repositories into the store."""


@app.command("snapshot")
def snapshot(
    files: Annotated[list[Path], typer.Argument(help="JSONL (.jsonl, .jsonl.gz) or Parquet files of Hub model records.")],
    strict: Annotated[bool, typer.Option("--strict", help="Stop at the first malformed record.")] = False,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Records per write transaction.")] = 5_000,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Ingest Hub API model records from dump files (streamed; malformed lines are reported and skipped)."""
    from graphsc.ingest import ingest_snapshot
    from graphsc.sources.snapshot import BadLine

    console = stderr_console()
    graph = open_cli_store(db, store)

    def warn(problem: BadLine) -> None:
        console.print(f"[yellow]skipped[/] {problem.path}:{problem.line}: {problem.reason}", markup=True)

    try:
        with progress_bar("ingesting records") as (bar, task):
            report = ingest_snapshot(
                graph, [str(f) for f in files], batch_size=batch_size, strict=strict,
                on_written=lambda n: bar.advance(task, n), on_problem=warn,
            )
    except KeyboardInterrupt:
        console.print("[red]Interrupted.[/] Everything written before the interruption is kept; re-run to finish.")
        raise typer.Exit(130) from None
    finally:
        graph.close()
    skipped = f", skipped {report.skipped} malformed" if report.skipped else ""
    console.print(
        f"Ingested {report.records:,} records into {graph.kind} store {graph.location}{skipped} "
        f"in {report.seconds:.2f} s ({report.records_per_second:,.0f} records/s)."
    )
