"""Options every command shares, and how the CLI opens a store from them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from graphsc.errors import GraphscError

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        readable=False,
        help="Embedded store file (env GRAPHSC_DB; default ~/.local/share/graphsc/graphsc.db).",
        show_default=False,
    ),
]


class OutputFormat(str, Enum):
    """The formats of a report that is a table in the terminal and a JSON document for programs."""

    table = "table"
    json = "json"


FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="table (terminal) or json.")]
JsonOutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write json to this file (default: stdout).")
]
# A report on one model, or on the whole graph without it (audit, risks).
OptionalModelArgument = Annotated[
    str | None,
    typer.Argument(metavar="MODEL", help="Model id, e.g. deepseek-ai/DeepSeek-R1; without it, the whole graph."),
]


# The scopes a picture or an export shows (graphsc.subgraph.subgraph_of), besides a model.
FamilyOption = Annotated[
    str | None,
    typer.Option("--family", metavar="ROOT", help="A family: the model ROOT and everything derived from it."),
]
ApplicationOption = Annotated[
    str | None,
    typer.Option(
        "--repo", metavar="OWNER/NAME", help="An application: the models a repository or Space uses, with ancestors."
    ),
]


def store_kind(value: str | None) -> str | None:
    """``--store``'s value in lower case; anything but a store kind is a usage error (exit 2), like every invalid
    option value. (A bad ``GRAPHSC_STORE`` is a ``ConfigError`` naming the variable: exit 1.)"""
    if value is None:
        return None
    from graphsc.store import STORE_KINDS

    kind = value.strip().lower()
    if kind not in STORE_KINDS:
        raise typer.BadParameter(f"{value!r} is not one of " + ", ".join(repr(k) for k in STORE_KINDS) + ".")
    return kind


StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        callback=store_kind,
        help="Store backend: embedded or neo4j (env GRAPHSC_STORE; default embedded).",
        show_default=False,
    ),
]


@contextmanager
def open_cli_store(db: Path | None, store: str | None, *, write: bool, create: bool | None = None) -> Iterator[Any]:
    """Open the store the user chose with ``--db`` / ``--store`` (or the environment), for a ``with`` block.

    ``write`` says whether the command writes the graph: True opens the embedded store read-write, False opens it
    read-only and creates nothing (a missing one is a ``MissingStoreError``). ``create`` (default: ``write``) says
    whether a missing store is created: False for a command that reads the graph before it writes
    (``analyze --write``). Raises ``StoreError``.

    When a command changed the embedded graph and finished, the compact graph is rebuilt before the command exits
    (``graphsc.compact``), so the next command opens it instead of paying the rebuild.
    """
    from graphsc.store import StoreConfig, open_store

    opened = open_store(
        StoreConfig(kind=store, db_path=db, readonly=not write, create=write if create is None else create)
    )
    with opened:
        before = opened.generation() if write and opened.kind == "embedded" else None
        yield opened
        if before is not None and opened.generation() != before:
            from graphsc.compact import compact_graph

            compact_graph(opened)


class GraphscGroup(TyperGroup):
    """Runs commands so that a ``GraphscError`` becomes a message and an exit code, not a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except GraphscError as error:
            from graphsc.cli.errors import report_error

            raise typer.Exit(report_error(error)) from None


def read_subgraph(
    db: Path | None, store: str | None, *, model: str | None, family: str | None, repo: str | None
) -> Any:
    """The ``graphsc.subgraph.Subgraph`` a picture or an export shows, read from the store chosen with ``--db`` /
    ``--store`` with a whole-graph license check (``subgraph_of``; ids stripped of surrounding spaces). Raises
    ``UnknownModelError`` / ``UnknownRepoError`` / ``StoreError``."""
    from graphsc.licenses import check_store
    from graphsc.subgraph import subgraph_of

    def given(value: str | None) -> str | None:
        return value.strip() if value is not None else None

    with open_cli_store(db, store, write=False) as graph:
        return subgraph_of(graph, check_store(graph), model=given(model), family=given(family), repo=given(repo))
