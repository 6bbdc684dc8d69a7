"""``graphsc export``: a model's lineage, a family, an application's models or the whole graph, in the formats graph
tools read (GraphML, GEXF, DOT, Mermaid, Parquet)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from graphsc.cli.common import ApplicationOption, DbOption, FamilyOption, StoreOption, read_subgraph
from graphsc.render import emit


class ExportFormat(str, Enum):
    graphml = "graphml"
    gexf = "gexf"
    dot = "dot"
    mermaid = "mermaid"
    parquet = "parquet"


SCOPES = ("--model", "--family", "--repo", "--all")


def export(
    output_format: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help="graphml (yEd, Cytoscape, NetworkX), gexf (Gephi), dot (Graphviz), mermaid (GitHub Markdown) or "
            "parquet (a directory of tables).",
        ),
    ] = ExportFormat.graphml,
    model: Annotated[
        str | None,
        typer.Option("--model", metavar="ID", help="A model's lineage: its ancestors and descendants."),
    ] = None,
    family: FamilyOption = None,
    repo: ApplicationOption = None,
    everything: Annotated[bool, typer.Option("--all", help="The whole graph.")] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file (default: stdout); for parquet, the directory for the tables (required).",
        ),
    ] = None,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Export part of the graph (exactly one of --model, --family, --repo, --all) for graph tools."""
    given = [name for name, value in zip(SCOPES, (model, family, repo, everything or None)) if value is not None]
    if len(given) != 1:
        what = "none was given" if not given else " and ".join(given) + " were given"
        raise typer.BadParameter(f"give exactly one of them ({what})", param_hint=" / ".join(SCOPES))
    if output_format is ExportFormat.parquet:
        from graphsc.render.export_parquet import check_directory, require_pyarrow

        if output is None:
            raise typer.BadParameter(
                "parquet writes a directory of tables: give it with --output DIR", param_hint="--output"
            )
        require_pyarrow()
        check_directory(output)  # before the work, not after it

    subgraph = read_subgraph(db, store, model=model, family=family, repo=repo)
    if output_format is ExportFormat.parquet:
        from graphsc.render.export_parquet import write_parquet

        assert output is not None
        write_parquet(subgraph, output)
    else:
        from graphsc.render.export_dot import dot_text
        from graphsc.render.export_gexf import gexf_text
        from graphsc.render.export_graphml import graphml_text
        from graphsc.render.export_mermaid import mermaid_text

        texts = {
            ExportFormat.graphml.value: lambda: graphml_text(subgraph),
            ExportFormat.gexf.value: lambda: gexf_text(subgraph),
            ExportFormat.dot.value: lambda: dot_text(subgraph),
            ExportFormat.mermaid.value: lambda: mermaid_text(subgraph),
        }
        emit(output_format, texts=texts, output=output)
    if output is not None:
        from graphsc.cli.progress import stderr_console
        from graphsc.render.labels import counted
        from graphsc.render.text import literal

        stderr_console().print(
            literal(
                f"{subgraph.title}: {counted(len(subgraph.nodes), 'node')}, {counted(len(subgraph.edges), 'edge')}, "
                f"{counted(len(subgraph.findings), 'finding')} written to {output} ({output_format.value})"
            )
        )


def register(app: typer.Typer) -> None:
    """Add ``graphsc export`` to ``app``."""
    app.command("export")(export)
