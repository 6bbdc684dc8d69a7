"""``graphsc export --format gexf``: a ``Subgraph`` as GEXF 1.2, Gephi's format, written by NetworkX.

The graph is the GraphML export's (``export_graphml.networkx_graph``: the same nodes, edges and typed attributes);
GEXF adds each node's colour, its license category's fill (``export_dot.CATEGORY_FILL``), as Gephi's ``viz``
colour, so the graph opens coloured by license.
"""

from __future__ import annotations

from graphsc.render.export_dot import CATEGORY_FILL, UNKNOWN_FILL
from graphsc.render.export_graphml import networkx_graph
from graphsc.subgraph import Subgraph


def _rgb(hex_colour: str) -> dict[str, int | float]:
    value = hex_colour.lstrip("#")
    return {"r": int(value[0:2], 16), "g": int(value[2:4], 16), "b": int(value[4:6], 16), "a": 1.0}


def gexf_text(subgraph: Subgraph) -> str:
    """``subgraph`` as a GEXF 1.2 document (``networkx.generate_gexf``)."""
    import networkx as nx

    graph = networkx_graph(subgraph)
    for _, attrs in graph.nodes(data=True):
        attrs["viz"] = {"color": _rgb(CATEGORY_FILL.get(attrs["category"], UNKNOWN_FILL))}
    return "\n".join(nx.generate_gexf(graph, encoding="utf-8", prettyprint=True, version="1.2draft"))
