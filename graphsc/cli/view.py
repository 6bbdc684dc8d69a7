"""``graphsc view``: an interactive lineage picture of a model, a family or an application, as one HTML file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from graphsc.cli.common import ApplicationOption, DbOption, FamilyOption, StoreOption, read_subgraph


def default_output(name: str) -> Path:
    """``graphsc-view-<name>.html`` in the working directory, ``name`` made safe for a file name (``/`` and
    anything but letters, digits, ``.``, ``_`` and ``-`` become ``_``)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name.strip()).strip("._") or "graph"
    return Path(f"graphsc-view-{safe}.html")


def view(
    model: Annotated[
        str | None,
        typer.Argument(
            metavar="MODEL",
            help="Model id: its ancestors and descendants, e.g. deepseek-ai/DeepSeek-R1.",
            show_default=False,
        ),
    ] = None,
    family: FamilyOption = None,
    repo: ApplicationOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the page to this file (default: graphsc-view-<id>.html here).",
            show_default=False,
        ),
    ] = None,
    open_page: Annotated[bool, typer.Option("--open", help="Open the page in the web browser.")] = False,
    fan_out: Annotated[
        int,
        typer.Option(
            "--fan-out",
            min=1,
            metavar="N",
            help="A model shows its N most downloaded derivatives; the rest fold into one '+N more' node.",
        ),
    ] = 25,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """An interactive picture of MODEL's lineage (or --family / --repo) as one self-contained HTML page."""
    given = [x for x in (model, family, repo) if x is not None]
    if len(given) != 1:
        raise typer.BadParameter("give a MODEL, --family ROOT or --repo OWNER/NAME (one of them)", param_hint="MODEL")
    from graphsc.render import emit
    from graphsc.render.view_html import view_html

    subgraph = read_subgraph(db, store, model=model, family=family, repo=repo)
    target = output if output is not None else default_output(given[0])
    emit("html", texts={"html": lambda: view_html(subgraph, fan_out=fan_out)}, output=target)
    typer.echo(str(target))
    if open_page:
        import webbrowser

        webbrowser.open(target.resolve().as_uri())


def register(app: typer.Typer) -> None:
    """Add ``graphsc view`` to ``app``."""
    app.command("view")(view)
