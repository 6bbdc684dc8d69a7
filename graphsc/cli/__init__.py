"""The ``graphsc`` command line: a thin layer that wires sources, stores, analytics and renderers.

Each command lives in its own module and imports its heavy dependencies inside the command, so that
``graphsc lineage`` does not pay for NetworkX or the Hub client.
"""

from __future__ import annotations

import typer

from graphsc.cli import analytics, demo, ingest, ingest_usage, licenses, lineage, neo4j, quality, query
from graphsc.cli.common import GraphscGroup

app = typer.Typer(
    cls=GraphscGroup,
    name="graphsc",
    help="The supply chain of pre-trained ML models as a graph: lineage, downstream use, licenses.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
ingest_usage.register(ingest.app)
app.add_typer(ingest.app, name="ingest")
lineage.register(app)
licenses.register(app)
demo.register(app)
analytics.register(app)
query.register(app)
neo4j.register(app)
quality.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
