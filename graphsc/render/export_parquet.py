"""``graphsc export --format parquet``: a ``Subgraph`` as three Parquet tables in a directory, for pandas, DuckDB,
Polars or Spark. Needs pyarrow (``pip install 'graphsc[parquet]'``).

- ``nodes.parquet``: ``id``, ``kind``, ``license``, ``category``, ``fetched``, ``downloads`` (null when unknown),
  ``author``, ``pipeline_tag``, ``url``, ``datasets`` and ``users`` (lists of ids), ``findings`` (how many
  findings reach the node);
- ``edges.parquet``: ``source``, ``target``, ``kind``, ``relation`` (null but for lineage), ``provenance``,
  ``findings`` (the keys of the findings that start at the edge; empty for most);
- ``findings.parquet``: one row per license finding in the subgraph: ``key``, ``rule``, ``kind``, ``severity``,
  ``description``, ``detail``, ``edge``, ``child``, ``bases``, ``clauses``, ``dropped``, ``reached``.

Values are exact (no escaping). Each file is written beside its final name, then renamed into place.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graphsc.errors import GraphscError
from graphsc.render.export_graphml import edge_findings, node_findings
from graphsc.subgraph import Subgraph

PARQUET_FILES = ("nodes.parquet", "edges.parquet", "findings.parquet")
PYARROW_HINT = "Install it with: pip install 'graphsc[parquet]' (or: pip install pyarrow)."


def require_pyarrow() -> Any:
    """pyarrow (with its Parquet module); raises ``GraphscError`` saying how to install it when it is missing."""
    try:
        import pyarrow as pa
        import pyarrow.parquet  # the Parquet writer, not part of pyarrow's core
    except ImportError:
        raise GraphscError("Exporting Parquet needs pyarrow, which is not installed.", PYARROW_HINT) from None
    return pa


def parquet_tables(subgraph: Subgraph) -> dict[str, Any]:
    """The three tables (``pyarrow.Table``) by file name."""
    pa = require_pyarrow()
    ids = pa.list_(pa.string())
    reached = node_findings(subgraph)
    nodes = list(subgraph.nodes.values())
    node_table = pa.table(
        {
            "id": pa.array([n.id for n in nodes], pa.string()),
            "kind": pa.array([n.kind for n in nodes], pa.string()),
            "license": pa.array([n.license for n in nodes], pa.string()),
            "category": pa.array([n.category for n in nodes], pa.string()),
            "fetched": pa.array([n.fetched for n in nodes], pa.bool_()),
            "downloads": pa.array([n.downloads for n in nodes], pa.int64()),
            "author": pa.array([n.author for n in nodes], pa.string()),
            "pipeline_tag": pa.array([n.pipeline_tag for n in nodes], pa.string()),
            "url": pa.array([n.url for n in nodes], pa.string()),
            "datasets": pa.array([list(n.datasets) for n in nodes], ids),
            "users": pa.array([list(n.users) for n in nodes], ids),
            "findings": pa.array([reached.get(n.id, 0) for n in nodes], pa.int64()),
        }
    )
    origins = edge_findings(subgraph)
    edges = subgraph.edges
    edge_table = pa.table(
        {
            "source": pa.array([e.source for e in edges], pa.string()),
            "target": pa.array([e.target for e in edges], pa.string()),
            "kind": pa.array([e.kind for e in edges], pa.string()),
            "relation": pa.array([e.relation for e in edges], pa.string()),
            "provenance": pa.array([e.provenance for e in edges], pa.string()),
            "findings": pa.array([sorted({f.key for f in origins.get((e.source, e.target), ())}) for e in edges], ids),
        }
    )
    findings = subgraph.findings
    text_columns = ("key", "rule", "kind", "severity", "description", "detail", "edge", "child")
    list_columns = ("bases", "clauses", "dropped", "reached")
    finding_table = pa.table(
        {
            **{c: pa.array([getattr(f, c) for f in findings], pa.string()) for c in text_columns},
            **{c: pa.array([list(getattr(f, c)) for f in findings], ids) for c in list_columns},
        }
    )
    return dict(zip(PARQUET_FILES, (node_table, edge_table, finding_table)))


def check_directory(directory: Path) -> None:
    """Raise ``GraphscError`` unless ``directory`` is a directory or can be created as one (its parent exists)."""
    if directory.exists() and not directory.is_dir():
        raise GraphscError(f"{directory} is not a directory.", "Give --output a directory for the Parquet tables.")
    if not directory.exists() and not directory.absolute().parent.is_dir():
        raise GraphscError(
            f"Cannot create {directory}: its parent directory does not exist.", "Create the parent first."
        )


def write_parquet(subgraph: Subgraph, directory: Path) -> list[Path]:
    """Write ``nodes.parquet``, ``edges.parquet`` and ``findings.parquet`` into ``directory`` (created when
    missing; its parent must exist) and return their paths. Raises ``GraphscError`` when pyarrow is missing, the
    parent does not exist, ``directory`` is not a directory, or a file cannot be written."""
    tables = parquet_tables(subgraph)
    import pyarrow.parquet as pq

    check_directory(directory)
    if not directory.exists():
        try:
            directory.mkdir()
        except OSError as exc:
            raise GraphscError(f"Cannot create {directory}: {exc.strerror or exc}", None) from None
    written = []
    for name, table in tables.items():
        target = directory / name
        partial = directory / (name + ".partial")
        try:
            pq.write_table(table, partial)
            partial.replace(target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise GraphscError(
                f"Cannot write {target}: {getattr(exc, 'strerror', None) or exc}",
                "Check the directory is writable.",
            ) from None
        written.append(target)
    return written
