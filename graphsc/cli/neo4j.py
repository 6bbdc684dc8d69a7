"""``graphsc neo4j push``: publish the embedded graph to Neo4j (rules in ``graphsc.neo4j_push``)."""

from __future__ import annotations

from typing import Annotated

import typer

from graphsc.cli.common import DbOption

app = typer.Typer(no_args_is_help=True, help="Neo4j: publish the embedded graph (NEO4J_URI etc. say where).")


@app.command("push")
def push(
    since_last: Annotated[
        bool, typer.Option("--since-last", help="Only what changed since the last push to this Neo4j.")
    ] = False,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Rows per transaction and UNWIND statement.")
    ] = 20_000,
    db: DbOption = None,
) -> None:
    """Copy the embedded graph (--db) into Neo4j: all of it, or with --since-last only what changed.

    The source is always the embedded file, whatever GRAPHSC_STORE says; it is opened read-only, and only the
    push's watermark is written back to it at the end."""
    from graphsc.cli.progress import progress_bar
    from graphsc.neo4j_push import push as run_push
    from graphsc.redact import redact_url
    from graphsc.store import default_db_path
    from graphsc.store.neo4j import Neo4jStore
    from graphsc.store.sqlite import SQLiteStore

    with SQLiteStore(db or default_db_path(), readonly=True) as source:
        with Neo4jStore.from_env(batch_size=batch_size) as target:
            counts = source.counts()
            total = sum(counts.nodes.values()) + sum(counts.edges.values())
            with progress_bar("pushing", total) as (bar, task):
                report = run_push(
                    source,
                    target,
                    since_last=since_last,
                    batch_size=batch_size,
                    on_scanned=lambda kind, n: bar.update(task, advance=n, description=f"pushing {kind}"),
                )
    from graphsc.render.labels import counted
    from graphsc.render.text import console as make_console
    from graphsc.render.text import literal

    console = make_console()
    scope = f"changes since {report.since}" if report.since else "everything"
    console.print(literal(f"Pushed {scope} from {source.location} to {redact_url(target.location)}"))
    console.print("  nodes: " + ", ".join(f"{k} {v:,}" for k, v in report.nodes.items()))
    console.print("  edges: " + ", ".join(f"{k} {v:,}" for k, v in report.edges.items()))
    console.print(
        f"  {report.written:,} nodes+edges in {report.seconds:.1f} s ({report.rate:,.0f}/s); "
        f"{counted(report.scanned, 'row')} read; watermark {report.watermark or '-'}"
    )


def register(app_: typer.Typer) -> None:
    """Add ``graphsc neo4j`` to ``app_``."""
    app_.add_typer(app, name="neo4j")
