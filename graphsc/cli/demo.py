"""``graphsc demo``: the main job on the bundled real sample data, no server and no network needed."""

from __future__ import annotations

import shlex
from typing import Annotated

import typer

from graphsc.cli.common import DbOption, StoreOption, open_cli_store
from graphsc.cli.errors import note_on_interrupt
from graphsc.cli.progress import stderr_console

DEMO_MODEL = "deepseek-ai/DeepSeek-R1"


DEMO_TOP_CONFLICTS = 3


def demo(
    model: Annotated[str, typer.Option("--model", help="Model whose lineage to show.")] = DEMO_MODEL,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Ingest the bundled real samples (Hub models, datasets, PeaTMOSS usages); show a lineage and license summary."""
    from graphsc import samples
    from graphsc.ingest import ingest_snapshot
    from graphsc.ingest.peatmoss import ingest_peatmoss
    from graphsc.licenses.engine import check_store
    from graphsc.licenses.select import Filters, hotspots, select
    from graphsc.lineage import compute_lineage
    from graphsc.render.labels import counted
    from graphsc.render.licenses_table import render_top
    from graphsc.render.lineage_tree import render_lineage_tree
    from graphsc.render.text import console as text_console
    from graphsc.render.text import literal

    console = stderr_console()
    out = text_console()
    with open_cli_store(db, store, write=True) as graph:
        note_on_interrupt("What was ingested before the interruption is kept; re-run `graphsc demo` to finish.")
        files = samples.hf_family_files()
        report = ingest_snapshot(graph, [str(f) for f in files])
        datasets = ingest_snapshot(graph, [str(f) for f in samples.hf_dataset_files()], kind="datasets")
        usage = ingest_peatmoss(graph, samples.peatmoss_mapping_file(), samples.peatmoss_licenses_file())
        console.print(
            literal(
                f"Ingested {report.records:,} Hub model records from {len(files)} bundled files, {datasets.records:,} "
                f"Hub dataset records and {usage.usages:,} PeaTMOSS repository → model usages "
                f"({counted(usage.repos, 'repository', 'repositories')}) into {graph.kind} store {graph.location}."
            )
        )
        render_lineage_tree(compute_lineage(graph, model), out)
        licenses = check_store(graph)
    out.print()
    selection = select(licenses, Filters(limit=DEMO_TOP_CONFLICTS))
    render_top(licenses, selection, out)
    db_arg = shlex.quote(graph.location)  # the commands are for copying into a shell
    console.print(literal(f"Next: graphsc lineage {shlex.quote(model)} --format json   (same store: --db {db_arg})"))
    upstream, _ = hotspots(selection.matched, 1)
    if upstream:
        console.print(literal(f"      graphsc licenses --model {shlex.quote(upstream[0].id)} --db {db_arg}"))
    console.print(literal(f"      graphsc audit {shlex.quote(model)} --db {db_arg}   (then risks, trends)"))


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
