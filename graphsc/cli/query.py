"""``graphsc query NAME|FILE``: run a Cypher file of the query library (graphsc/cypher) against Neo4j."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from graphsc.cli.common import store_kind
from graphsc.errors import GraphscError

if TYPE_CHECKING:
    from graphsc.store.neo4j import Neo4jStore

NEEDS_NEO4J = (
    "Cypher needs Neo4j: copy the embedded graph into it with `graphsc neo4j push` (start one with "
    "`docker compose up -d` or `scripts/neo4j start`; NEO4J_URI etc. say where), then run graphsc query "
    "without --store embedded."
)
# query runs on Neo4j only, so its --store defaults to neo4j and does not follow GRAPHSC_STORE (which picks the
# backend of the commands that can use either store); an explicit --store embedded is refused with NEEDS_NEO4J.
QueryStoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        callback=store_kind,
        help="Where the Cypher runs: neo4j (the default, whatever GRAPHSC_STORE says; "
        "NEO4J_URI etc. say where). --store embedded stops and says how to copy the graph to Neo4j.",
        show_default=False,
    ),
]


class QueryFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def query(
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="QUERY", help="A library query name (see --list) or a .cypher file.", show_default=False
        ),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param", "-p", metavar="KEY=VALUE", help="A parameter as key=value (repeatable).", show_default=False
        ),
    ] = None,
    output_format: Annotated[
        QueryFormat, typer.Option("--format", "-f", help="table, json or csv.")
    ] = QueryFormat.table,
    list_: Annotated[bool, typer.Option("--list", help="List the library's queries and their parameters.")] = False,
    store: QueryStoreOption = None,
) -> None:
    """Run a Cypher query from the library (or a .cypher file) against Neo4j, never the embedded store.

    NEO4J_URI etc. say which Neo4j; copy the embedded store there with `graphsc neo4j push`."""
    from graphsc.querylib import check_params, find_query, list_queries, parse_params

    if list_:
        from graphsc.render.query_list_table import render_query_list
        from graphsc.render.text import console

        render_query_list(list_queries(), console())
        return
    if not name:
        raise GraphscError("Give a query name or a .cypher file, or --list.", "e.g. graphsc query --list")
    chosen = find_query(name)
    params = parse_params(param or [], chosen)
    check_params(chosen, params)
    if store == "embedded":  # --store is checked by store_kind: embedded or neo4j
        raise GraphscError("graphsc query runs Cypher, and the embedded store was selected.", NEEDS_NEO4J)
    from graphsc.store.neo4j import Neo4jStore

    with Neo4jStore.from_env() as graph:
        params = resolved_ids(graph, params)
        keys, rows = graph.run_cypher(chosen.statements, params)
    from graphsc.render import emit
    from graphsc.render.query_csv import query_csv
    from graphsc.render.query_json import query_document
    from graphsc.render.query_table import render_query_table

    emit(
        output_format,
        document=lambda: query_document(keys, rows),
        csv=lambda: query_csv(keys, rows),
        terminal=lambda console: render_query_table(chosen.name, keys, rows, console),
    )


def resolved_ids(graph: Neo4jStore, params: dict[str, object]) -> dict[str, object]:
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


def register(app: typer.Typer) -> None:
    """Add ``graphsc query`` to ``app``."""
    app.command("query")(query)
