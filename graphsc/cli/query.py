"""``graphsc query NAME|FILE``: run a Cypher file of the query library (graphsc/cypher) against Neo4j."""

from __future__ import annotations

import os
import sys
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from graphsc.cli.common import StoreOption
from graphsc.errors import GraphscError

if TYPE_CHECKING:
    from graphsc.store.neo4j import Neo4jStore

NEEDS_NEO4J = (
    "Cypher needs Neo4j: copy the embedded graph into it with `graphsc neo4j push` (start one with "
    "`docker compose up -d` or `scripts/neo4j start`; NEO4J_URI etc. say where), then run graphsc query "
    "without --store embedded (or with --store neo4j / GRAPHSC_STORE=neo4j)."
)


class QueryFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def query(
    name: Annotated[str | None, typer.Argument(help="A library query name (see --list) or a .cypher file.",
                                               show_default=False)] = None,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="A parameter as key=value (repeatable).",
                                                    show_default=False)] = None,
    output_format: Annotated[QueryFormat, typer.Option("--format", "-f", help="table, json or csv.")] = QueryFormat.table,
    list_: Annotated[bool, typer.Option("--list", help="List the library's queries and their parameters.")] = False,
    store: StoreOption = None,
) -> None:
    """Run a Cypher query from the library (or a .cypher file) against Neo4j (NEO4J_URI etc.)."""
    from graphsc.querylib import check_params, find_query, list_queries, parse_params

    if list_:
        _print_list(list_queries())
        return
    if not name:
        raise GraphscError("Give a query name or a .cypher file, or --list.", "e.g. graphsc query --list")
    chosen = find_query(name)
    params = parse_params(param or [], chosen)
    check_params(chosen, params)
    if (store or os.environ.get("GRAPHSC_STORE") or "neo4j").lower() != "neo4j":
        raise GraphscError("graphsc query runs Cypher, and the embedded store was selected.", NEEDS_NEO4J)
    from graphsc.store.neo4j import Neo4jStore

    graph = Neo4jStore.from_env()
    try:
        params = resolved_ids(graph, params)
        keys, rows = graph.run_cypher(chosen.statements, params)
    finally:
        graph.close()
    _emit(chosen.name, keys, rows, output_format)


def resolved_ids(graph: "Neo4jStore", params: dict[str, object]) -> dict[str, object]:
    """``params`` with the model id (``$id``) and dataset id (``$dataset``) resolved as every command resolves ids
    (any casing, URL, legacy id, a renamed repo's old id; README "Identity and lineage"); an id not in the graph is
    left as given, so the query answers nothing for it as before."""
    from graphsc.ids import id_key, parse_repo_id

    out = dict(params)
    if isinstance(out.get("id"), str):
        out["id"] = graph.find_model_id(out["id"]) or out["id"]  # type: ignore[arg-type]
    if isinstance(out.get("dataset"), str):
        dataset = parse_repo_id(out["dataset"], "dataset").id or out["dataset"]
        out["dataset"] = graph.stored_dataset_ids([id_key(dataset)]).get(id_key(dataset), dataset)  # type: ignore[arg-type]
    return out


def _emit(title: str, keys: list[str], rows: list[list[object]], output_format: QueryFormat) -> None:
    from graphsc.render import query_output

    if output_format is QueryFormat.json:
        sys.stdout.write(query_output.render_json(keys, rows) + "\n")
    elif output_format is QueryFormat.csv:
        sys.stdout.write(query_output.render_csv(keys, rows))
    else:
        from rich.console import Console

        query_output.render_table(title, keys, rows, Console(highlight=False))


def _print_list(queries: list) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    for q in queries:
        params = ", ".join(f"{p.name} ({p.type})" for p in q.params) or "no parameters"
        console.print(f"[bold]{q.name}[/]  [dim]{params}[/]", markup=True)
        console.print(f"  {q.description}", markup=False)
        if q.example:
            console.print(f"  [dim]e.g.[/] {q.example}", markup=True)


def register(app: typer.Typer) -> None:
    """Add ``graphsc query`` to ``app``."""
    app.command("query")(query)
