"""``graphsc export --format dot`` and ``graphsc lineage --format dot``: a ``Subgraph`` as Graphviz DOT, built with
pydot (``dot -Tsvg`` draws it).

Bases are drawn above what derives from them: edges point child → base (model → dataset, user → model) and the
graph is laid out bottom to top (``rankdir=BT``). A node is filled by its license category (``CATEGORY_FILL``),
outlined dashed when it is a stub (not fetched), shaped by kind (model box, dataset cylinder, repository folder,
Space component) and links to its page (``URL``, clickable in SVG). An edge is coloured and styled by its relation
(``EDGE_STYLE``) and labelled with it. Nodes and edges also carry graphsc's fields as attributes (``kind``,
``license``, ``category``, ``fetched``, ``relation``, ``provenance``, ``finding``), which Graphviz keeps and ignores.

Every id and value is written as a DOT quoted string (``dot_quoted``): pydot 4 leaves an id with ``:`` unquoted
(it reads as a node port), writes ``a"b`` as is and never escapes a backslash, so graphsc quotes them itself and
hands pydot the quoted form, which it keeps.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from graphsc.records import ADAPTER, DISTILLATION, FINETUNE, MERGE, QUANTIZED
from graphsc.render.export_graphml import LIST_SEPARATOR, edge_findings, node_findings, xml_safe
from graphsc.subgraph import Subgraph, SubgraphEdge, SubgraphNode

# Fill of a node by license category (graphsc.subgraph.CATEGORY_ORDER), restrictive ones in warm colours.
CATEGORY_FILL: dict[str, str] = {
    "non-commercial": "#f4a6a6",
    "proprietary": "#f7c58f",
    "copyleft": "#f9e08b",
    "rail": "#d7bde2",
    "model-community": "#aed6f1",
    "unknown": "#d5d8dc",
    "permissive": "#abebc6",
    "public-domain": "#e0f5e9",
}
UNKNOWN_FILL = CATEGORY_FILL["unknown"]


class EdgeStyle(NamedTuple):
    """How an edge is drawn: ``colour`` (hex), ``line`` (Graphviz style: solid, dashed, dotted, bold)."""

    colour: str
    line: str


# Hues follow the terminal's relation colours (graphsc.render.labels.RELATION_STYLE), darkened for white paper.
EDGE_STYLE: dict[str, EdgeStyle] = {
    FINETUNE: EdgeStyle("#2e7d32", "solid"),
    ADAPTER: EdgeStyle("#00838f", "solid"),
    QUANTIZED: EdgeStyle("#8e24aa", "dashed"),
    MERGE: EdgeStyle("#b8860b", "bold"),
    DISTILLATION: EdgeStyle("#1565c0", "dotted"),
    "trained_on": EdgeStyle("#6d4c41", "dashed"),
    "source_datasets": EdgeStyle("#6d4c41", "dotted"),  # a dataset made from another
    "uses": EdgeStyle("#607d8b", "dotted"),
}
OTHER_RELATION = EdgeStyle("#455a64", "solid")
SHAPE = {"model": "box", "dataset": "cylinder", "repo": "folder", "space": "component"}
FINDING_COLOUR = "#c62828"  # the outline of an edge where a license finding starts


def edge_label(e: SubgraphEdge) -> str:
    """What an edge says: its relation (lineage), ``trained on`` or ``uses``."""
    return e.relation or e.kind.replace("_", " ")


def edge_style(e: SubgraphEdge) -> EdgeStyle:
    """``EDGE_STYLE`` of the edge's relation (lineage) or kind; ``OTHER_RELATION`` for a relation not listed."""
    return EDGE_STYLE.get(e.relation or e.kind, OTHER_RELATION)


def dot_quoted(text: str) -> str:
    """``text`` as a DOT quoted string that reads as the same text in an id and shows it in a label: backslash,
    double quote and newline escaped (``\\\\``, ``\\"``, ``\\n``); other control characters, a carriage return
    too, written as ``\\xNN`` text (``xml_safe``)."""
    escaped = xml_safe(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _node_attrs(n: SubgraphNode, findings: int) -> dict[str, Any]:
    style = "filled,rounded" if n.kind == "model" else "filled"
    attrs = {
        "label": n.id + "\n" + n.license,
        "shape": SHAPE.get(n.kind, "box"),
        "style": style + ("" if n.fetched else ",dashed"),
        "fillcolor": CATEGORY_FILL.get(n.category, UNKNOWN_FILL),
        "URL": n.url,
        "tooltip": f"{n.id} ({n.kind}, {n.license}, {n.category})",
        "kind": n.kind,
        "license": n.license,
        "category": n.category,
        "fetched": "true" if n.fetched else "false",
    }
    if n.downloads is not None:
        attrs["downloads"] = str(n.downloads)
    if findings:
        attrs["findings"] = str(findings)
    return {k: dot_quoted(v) for k, v in attrs.items()}


def dot_text(subgraph: Subgraph) -> str:
    """``subgraph`` as a DOT digraph (text ending in a newline)."""
    import pydot

    graph = pydot.Dot("graphsc", graph_type="digraph")
    graph.set("rankdir", "BT")
    graph.set("label", dot_quoted(subgraph.title))
    graph.set("labelloc", "t")
    graph.set_node_defaults(fontname="Helvetica", fontsize="10")
    graph.set_edge_defaults(fontname="Helvetica", fontsize="9")
    reached = node_findings(subgraph)
    for n in subgraph.nodes.values():
        graph.add_node(pydot.Node(dot_quoted(n.id), **_node_attrs(n, reached.get(n.id, 0))))
    origins = edge_findings(subgraph)
    for e in subgraph.edges:
        style = edge_style(e)
        attrs = {
            "label": edge_label(e),
            "color": style.colour,
            "fontcolor": style.colour,
            "style": style.line,
            "kind": e.kind,
            "provenance": e.provenance,
        }
        if e.relation is not None:
            attrs["relation"] = e.relation
        found = origins.get((e.source, e.target))
        if found:
            attrs["finding"] = LIST_SEPARATOR.join(sorted({f.key for f in found}))
            attrs["color"] = f"{FINDING_COLOUR}:{style.colour}"  # a red line beside the relation's colour
            attrs["penwidth"] = "2"
        quoted: dict[str, Any] = {k: dot_quoted(v) for k, v in attrs.items()}
        graph.add_edge(pydot.Edge(dot_quoted(e.source), dot_quoted(e.target), **quoted))
    text: str = graph.to_string()
    return text if text.endswith("\n") else text + "\n"
