"""``graphsc export --format graphml``: a ``Subgraph`` as GraphML, written by NetworkX (yEd, Cytoscape, Gephi and
NetworkX itself read it).

``networkx_graph`` is the one translation of a subgraph into a NetworkX ``MultiDiGraph``; the GEXF export writes
the same graph. Attributes are typed (GraphML keys: string, boolean, long) and never None: a missing value is
left out. Lists (a model's datasets and users) are joined with ``LIST_SEPARATOR``. Characters XML 1.0 cannot
hold (control characters other than tab and newline) are written as ``\\xNN`` text; ids never hold them, licenses
written by strangers may.

Findings: an edge that is a finding's origin carries ``finding`` (the findings' keys), ``finding_rules`` and
``finding_severity`` (the most severe); every node carries ``findings``, the number of findings that reach it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from graphsc.licenses.rules import SEVERITY_ORDER
from graphsc.subgraph import Subgraph, SubgraphFinding

if TYPE_CHECKING:
    import networkx as nx

LIST_SEPARATOR = ", "  # Hub and GitHub ids hold no comma or space
# XML 1.0 forbids C0 controls but tab and newline (a carriage return would be read back as a newline), lone
# surrogates and U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 cannot hold written as ``\\xNN`` (``\\uNNNN``) text."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


def edge_findings(subgraph: Subgraph) -> dict[tuple[str, str], list[SubgraphFinding]]:
    """The findings whose origin is each edge, by (source, target): a model's edge to a base (each parent of a
    merge), a model's edge to a dataset, a repository's or Space's edge to a model it uses."""
    by_edge: dict[tuple[str, str], list[SubgraphFinding]] = {}
    for f in subgraph.findings:
        for base in f.bases:
            by_edge.setdefault((f.child, base), []).append(f)
    return by_edge


def node_findings(subgraph: Subgraph) -> dict[str, int]:
    """How many findings reach each node (the models below a finding's origin, within the subgraph)."""
    counts: dict[str, int] = {}
    for f in subgraph.findings:
        for node in set(f.reached):
            counts[node] = counts.get(node, 0) + 1
    return counts


def worst_severity(findings: list[SubgraphFinding]) -> str:
    """The most severe of ``findings``' severities (error, warning, info)."""
    return min((f.severity for f in findings), key=lambda s: (SEVERITY_ORDER.get(s, len(SEVERITY_ORDER)), s))


def _present(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """``attrs`` without the None values, strings made XML-safe."""
    return {k: xml_safe(v) if isinstance(v, str) else v for k, v in attrs.items() if v is not None}


def networkx_graph(subgraph: Subgraph) -> nx.MultiDiGraph:
    """``subgraph`` as a NetworkX ``MultiDiGraph``: nodes keyed by id with ``label`` (the id), ``kind``,
    ``license``, ``category``, ``fetched``, ``downloads``, ``author``, ``pipeline_tag``, ``url``, ``datasets``,
    ``users`` and ``findings``; edges source → target (child → base, model → dataset, user → model), keyed
    ``e0``, ``e1``, … (their ids in the file), with ``kind``, ``relation`` (lineage edges), ``provenance`` and, on
    a finding's origin edge, ``finding``, ``finding_rules`` and ``finding_severity``. The graph's ``title`` (and
    ``focus``) are graph attributes."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    graph.graph.update(_present({"title": subgraph.title, "focus": subgraph.focus}))
    reached = node_findings(subgraph)
    for n in subgraph.nodes.values():
        graph.add_node(
            xml_safe(n.id),
            **_present(
                {
                    "label": n.id,
                    "kind": n.kind,
                    "license": n.license,
                    "category": n.category,
                    "fetched": n.fetched,
                    "downloads": n.downloads,
                    "author": n.author,
                    "pipeline_tag": n.pipeline_tag,
                    "url": n.url,
                    "datasets": LIST_SEPARATOR.join(n.datasets) if n.datasets else None,
                    "users": LIST_SEPARATOR.join(n.users) if n.users else None,
                    "findings": reached.get(n.id, 0),
                }
            ),
        )
    origins = edge_findings(subgraph)
    for i, e in enumerate(subgraph.edges):
        attrs: dict[str, Any] = {"kind": e.kind, "relation": e.relation, "provenance": e.provenance}
        found = origins.get((e.source, e.target))
        if found:
            attrs["finding"] = LIST_SEPARATOR.join(sorted({f.key for f in found}))
            attrs["finding_rules"] = LIST_SEPARATOR.join(sorted({f.rule for f in found}))
            attrs["finding_severity"] = worst_severity(found)
        graph.add_edge(xml_safe(e.source), xml_safe(e.target), key=f"e{i}", **_present(attrs))
    return graph


def graphml_text(subgraph: Subgraph) -> str:
    """``subgraph`` as a GraphML document (``networkx_graph`` written by ``networkx.generate_graphml``)."""
    import networkx as nx

    return "\n".join(nx.generate_graphml(networkx_graph(subgraph), encoding="utf-8", prettyprint=True))
