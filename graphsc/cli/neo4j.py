"""``graphsc neo4j push``: publish the embedded graph to Neo4j (rules in ``graphsc.neo4j_push``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from graphsc.cli.common import DbOption

app = typer.Typer(
    no_args_is_help=True,
    help="Neo4j: publish the embedded graph (NEO4J_URI etc. say where): import (initial, offline), push (updates).",
)


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


@app.command("import")
def import_(
    neo4j_home: Annotated[
        Path | None,
        typer.Option(
            "--neo4j-home",
            envvar="NEO4J_DATA_DIR",
            file_okay=False,
            help="Data directory of the stopped Neo4j to fill (scripts/neo4j's NEO4J_DATA_DIR; env NEO4J_DATA_DIR).",
        ),
    ] = None,
    launcher: Annotated[
        Path | None,
        typer.Option(
            "--launcher",
            dir_okay=False,
            help="neo4j-launcher.jar (env GRAPHSC_NEO4J_LAUNCHER; default: this checkout's, built by scripts/neo4j).",
        ),
    ] = None,
    work_dir: Annotated[
        Path | None,
        typer.Option(
            "--work-dir", file_okay=False, help="Write the CSV files here and keep them (default: a temp dir)."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Initial load of an EMPTY Neo4j at bulk-import speed: CSV files and Neo4j's batch importer, offline.

    Stop the Neo4j first (scripts/neo4j stop), import, start it again (scripts/neo4j start). The result is the
    graph `graphsc neo4j push` would build in an empty database, with the push watermark recorded, so later
    updates go with `graphsc neo4j push --since-last`. Refuses a running or non-empty database. NEO4J_URI (and
    NEO4J_DATABASE) say where the server will be reached, which keys the watermark."""
    import os

    from graphsc.errors import StoreError
    from graphsc.store.neo4j import DEFAULT_URI, location_of

    if neo4j_home is None:
        raise StoreError(
            "Neo4j home (none given)",
            "the import writes a stopped Neo4j's files directly, so it needs that Neo4j's data directory",
            "Pass --neo4j-home DIR (or set NEO4J_DATA_DIR), the directory scripts/neo4j runs the server on; "
            "to load a running server over Bolt, use `graphsc neo4j push`.",
        )
    database = os.environ.get("NEO4J_DATABASE") or None
    if database not in (None, "neo4j"):
        raise StoreError(
            f"Neo4j home {neo4j_home}",
            f"the import fills the default database (neo4j), not {database}",
            "Unset NEO4J_DATABASE, or load that database with `graphsc neo4j push`.",
        )
    from graphsc.cli.progress import progress_bar
    from graphsc.neo4j_import import import_store
    from graphsc.store import default_db_path
    from graphsc.store.sqlite import SQLiteStore

    location = location_of(os.environ.get("NEO4J_URI") or DEFAULT_URI, database)
    with SQLiteStore(db or default_db_path(), readonly=True) as source:
        counts = source.counts()
        total = sum(counts.nodes.values()) + sum(counts.edges.values())
        with progress_bar("writing CSV", total) as (bar, task):
            report = import_store(
                source,
                neo4j_home,
                location,
                launcher=launcher,
                work_dir=work_dir,
                keep_files=work_dir is not None,
                on_rows=lambda kind, n: bar.update(task, advance=n, description=f"writing CSV: {kind}"),
            )
    from graphsc.render.text import console as make_console
    from graphsc.render.text import literal

    console = make_console()
    console.print(literal(f"Imported everything from {source.location} into {neo4j_home} (for {location})"))
    console.print("  nodes: " + ", ".join(f"{k} {v:,}" for k, v in report.nodes.items()))
    console.print("  edges: " + ", ".join(f"{k} {v:,}" for k, v in report.edges.items()))
    console.print(
        f"  {report.written:,} nodes+edges in {report.seconds:.1f} s ({report.rate:,.0f}/s): CSV "
        f"{report.csv_seconds:.1f} s, importer and schema {report.import_seconds:.1f} s; "
        f"watermark {report.watermark or '-'}"
    )
    for line in report.launcher_output.splitlines():  # the launcher's own timings: importer, schema and state
        if line.startswith(("graphsc-neo4j ", "IMPORT DONE")):
            console.print(literal(f"  {line.strip()}"))
    if work_dir is not None:
        console.print(literal(f"  files kept in {work_dir}"))
    console.print("  Start Neo4j on it (scripts/neo4j start); update it later with `graphsc neo4j push --since-last`.")


def register(app_: typer.Typer) -> None:
    """Add ``graphsc neo4j`` to ``app_``."""
    app_.add_typer(app, name="neo4j")
