"""``graphsc view``: a subgraph as one self-contained, interactive HTML page (no server, no CDN: works from
``file://`` and offline).

The page draws the models of a ``Subgraph`` and their DERIVED_FROM edges as layered trees, bases above their
derivatives, coloured by license category, with the license findings highlighted and listed in a side panel.
Datasets and users are not drawn: they are listed in a model's panel.

**The drawing library is Cytoscape.js** (vendored from its npm release in ``vendor/cytoscape``, see its
``PROVENANCE.md``), inlined into the page: it is one file, MIT licensed, its canvas renderer stays interactive
with 10,000 nodes (labels are hidden when zoomed out), its built-in ``breadthfirst`` layout gives layered trees
with chosen roots on top, so no layout plugin is needed, and it is widely used and maintained (the Cytoscape
Consortium). D3 would need a hand-written tree layout that handles merges (several parents); vis-network's
hierarchical layout is slow beyond a few thousand nodes; Graphviz-in-the-browser (viz.js) is several MB of WASM.

**Large families stay readable**: a model with more than ``fan_out`` derivatives shows the ``fan_out`` most
downloaded, and the rest fold into one ``+N more (finetune: a, adapter: b…)`` node per parent that expands on
click (with the derivatives' own subtrees, folded by the same rule). The search and a finding's click expand the
groups that hold what they show.

The graph travels as JSON inside ``<script type="application/json">``, with every ``<``, ``>`` and ``&`` written as
``\\u00XX`` escapes, so no id (``</script>…``) can end the element early; the page reads it with ``JSON.parse``
and inserts ids only as text, never as HTML.
"""

from __future__ import annotations

import html
import re
from functools import cache
from importlib import resources
from typing import Any

from graphsc.license_table.categories import CATEGORY_ORDER
from graphsc.render import json_text
from graphsc.subgraph import Subgraph, SubgraphFinding, SubgraphNode

DEFAULT_FAN_OUT = 25
USERS_SHOWN = 20  # a model's panel lists this many of its users (and says how many there are)
# Node fill per license category (CATEGORY_ORDER); the legend shows the same map. Red and orange are left to
# findings (edges), so no category uses them.
CATEGORY_COLORS: dict[str, str] = {
    "non-commercial": "#e377c2",
    "proprietary": "#8c564b",
    "copyleft": "#9467bd",
    "rail": "#17becf",
    "model-community": "#1f77b4",
    "unknown": "#b0b0b0",
    "permissive": "#2ca02c",
    "public-domain": "#98df8a",
}
OTHER_CATEGORY_COLOR = "#7f7f7f"
# How each relation's edges are drawn (Cytoscape line style: solid, dashed or dotted; colour; width); the legend shows the same.
RELATION_STYLES: dict[str, dict[str, Any]] = {
    "finetune": {"line": "solid", "color": "#555555", "width": 2},
    "adapter": {"line": "dashed", "color": "#555555", "width": 2},
    "quantized": {"line": "dotted", "color": "#555555", "width": 2.5},
    "merge": {"line": "solid", "color": "#6a3d9a", "width": 5},
    "distillation": {"line": "solid", "color": "#008080", "width": 2.5},
    "other": {"line": "solid", "color": "#aaaaaa", "width": 1.5},
}
SEVERITY_COLORS: dict[str, str] = {"error": "#d62728", "warning": "#ff7f0e", "info": "#7f7f7f"}
_PLACEHOLDER = re.compile(r"/\*GRAPHSC:(\w+)\*/")


def view_html(subgraph: Subgraph, *, fan_out: int = DEFAULT_FAN_OUT) -> str:
    """The HTML page of ``subgraph``: one document with the graph as JSON, Cytoscape.js and the page's CSS and
    script inline. ``fan_out``: the most derivatives a model shows before the rest fold into a ``+N more`` node
    (at least 1)."""
    data = view_data(subgraph, fan_out=fan_out)
    parts = {
        "TITLE": html.escape(subgraph.title),
        "DATA": script_json(data),
        "CYTOSCAPE": _cytoscape(),
        "CSS": _asset("view_template.css"),
        "SCRIPT": _asset("view_template.js"),
    }
    # one pass: a substituted part is never searched again, so text inside the data cannot act as a placeholder
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], _asset("view_template.html"))


def view_data(subgraph: Subgraph, *, fan_out: int = DEFAULT_FAN_OUT) -> dict[str, Any]:
    """What the page draws, JSON-ready: the models (with their datasets and first users), the DERIVED_FROM edges
    (``child`` → ``base``), the findings, the roots and focus, and the legend's colours and line styles."""
    models = [n for n in subgraph.nodes.values() if n.kind == "model"]
    categories = [*CATEGORY_ORDER, *sorted({n.category for n in models} - set(CATEGORY_ORDER))]
    return {
        "title": subgraph.title,
        "focus": subgraph.focus,
        "roots": subgraph.roots,
        "fanOut": max(1, fan_out),
        "categories": [{"name": c, "color": CATEGORY_COLORS.get(c, OTHER_CATEGORY_COLOR)} for c in categories],
        "relations": [{"name": r, **style} for r, style in RELATION_STYLES.items()],
        "severities": SEVERITY_COLORS,
        "nodes": [_node(n) for n in models],
        "edges": [
            {"child": e.source, "base": e.target, "relation": e.relation or "other", "provenance": e.provenance}
            for e in subgraph.edges
            if e.kind == "derived_from"
        ],
        "findings": [_finding(f) for f in subgraph.findings],
    }


def script_json(doc: object) -> str:
    """``doc`` as JSON that is safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` (and the JavaScript line
    separators) escaped as ``\\uXXXX``, which ``JSON.parse`` reads back as the same characters."""
    text = json_text(doc)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028")):
        text = text.replace(char, escape)
    return text.replace("\u2029", "\\u2029")


def _node(n: SubgraphNode) -> dict[str, Any]:
    return {
        "id": n.id,
        "license": n.license,
        "category": n.category,
        "fetched": n.fetched,
        "downloads": n.downloads,
        "author": n.author,
        "task": n.pipeline_tag,
        "datasets": list(n.datasets),
        "usersCount": len(n.users),
        "users": list(n.users[:USERS_SHOWN]),
        "url": n.url,
    }


def _finding(f: SubgraphFinding) -> dict[str, Any]:
    return {
        "key": f.key,
        "rule": f.rule,
        "kind": f.kind,
        "severity": f.severity,
        "description": f.description,
        "detail": f.detail,
        "edge": f.edge,
        "child": f.child,
        "bases": list(f.bases),
        "clauses": list(f.clauses),
        "dropped": list(f.dropped),
        "reached": list(f.reached),
    }


@cache
def _asset(name: str) -> str:
    return resources.files("graphsc.render").joinpath(name).read_text(encoding="utf-8")


@cache
def _cytoscape() -> str:
    text = resources.files("graphsc.render").joinpath("vendor/cytoscape/cytoscape.min.js").read_text(encoding="utf-8")
    if "</script" in text.lower():  # pragma: no cover - checked when the library is vendored
        raise ValueError("the vendored cytoscape.min.js contains </script and cannot be inlined")
    return text
