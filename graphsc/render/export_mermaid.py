"""``graphsc export --format mermaid`` and ``graphsc lineage --format mermaid``: a ``Subgraph`` as a Mermaid
flowchart, which GitHub draws in Markdown (a ```` ```mermaid ```` block in a README, an issue or a comment).

``flowchart BT``: bases above what derives from them, edges child → base labelled by relation. Node ids are
generated (``n0``, ``n1``, … in the subgraph's order), so no id written by a stranger can be Mermaid syntax; the
model id (and, on a second line, its license) is the quoted label, with every character that is not a letter, a
digit or ``/ . _ - : , +`` and space written as a Mermaid entity code (``"`` as ``#quot;``, others as ``#NNN;``).
Colours are the DOT export's: one ``classDef`` per license category present (``cat_<category>``), a ``stub``
class (dashed outline) for models not fetched, and ``linkStyle`` lines colouring edges by relation; quantized
and other dashed relations are drawn ``-.->``, merges ``==>``. Datasets are cylinders, repositories subroutines,
Spaces stadiums. Mermaid draws a few hundred edges at most (GitHub stops at 500): export one model's lineage or
a family rather than everything.
"""

from __future__ import annotations

from graphsc.render.export_dot import CATEGORY_FILL, FINDING_COLOUR, UNKNOWN_FILL, edge_label, edge_style
from graphsc.render.export_graphml import edge_findings, xml_safe
from graphsc.subgraph import Subgraph

_SAFE_PUNCTUATION = frozenset("/._-:,+ ")
# opening and closing bracket of each node kind's shape
_SHAPES = {"model": ("[", "]"), "dataset": ("[(", ")]"), "repo": ("[[", "]]"), "space": ("([", "])")}
_ARROWS = {"dashed": "-.->", "dotted": "-.->", "bold": "==>"}
_STUB_STYLE = "stroke-dasharray:5 5"


def mermaid_escaped(text: str) -> str:
    """``text`` as Mermaid label text: letters, digits and ``/ . _ - : , +`` and space as they are; ``"`` as
    ``#quot;``; every other character as ``#NNN;`` (its decimal code point); control characters first written as
    ``\\xNN`` text (``xml_safe``), a newline as ``#10;``."""
    out = []
    for ch in xml_safe(text):
        if ch.isalnum() or ch in _SAFE_PUNCTUATION:
            out.append(ch)
        elif ch == '"':
            out.append("#quot;")
        else:
            out.append(f"#{ord(ch)};")
    return "".join(out)


def category_class(category: str) -> str:
    """The Mermaid class of a license category: ``cat_`` and the category, ``-`` as ``_``."""
    return "cat_" + "".join(c if c.isalnum() else "_" for c in category)


def mermaid_text(subgraph: Subgraph) -> str:
    """``subgraph`` as a Mermaid ``flowchart BT`` (text ending in a newline)."""
    names = {node_id: f"n{i}" for i, node_id in enumerate(subgraph.nodes)}
    lines = ["flowchart BT"]
    for n in subgraph.nodes.values():
        opening, closing = _SHAPES.get(n.kind, _SHAPES["model"])
        label = f"{mermaid_escaped(n.id)}<br>{mermaid_escaped(n.license)}"
        lines.append(f'    {names[n.id]}{opening}"{label}"{closing}')
    origins = edge_findings(subgraph)
    link_styles: dict[str, list[int]] = {}
    for i, e in enumerate(subgraph.edges):
        style = edge_style(e)
        arrow = _ARROWS.get(style.line, "-->")
        lines.append(f"    {names[e.source]} {arrow}|{mermaid_escaped(edge_label(e))}| {names[e.target]}")
        if (e.source, e.target) in origins:
            link_styles.setdefault(f"stroke:{FINDING_COLOUR},stroke-width:3px,color:{FINDING_COLOUR}", []).append(i)
        else:
            link_styles.setdefault(f"stroke:{style.colour},color:{style.colour}", []).append(i)
    for category in sorted({n.category for n in subgraph.nodes.values()}):
        fill = CATEGORY_FILL.get(category, UNKNOWN_FILL)
        lines.append(f"    classDef {category_class(category)} fill:{fill},stroke:#555,color:#111")
    stubs = [names[n.id] for n in subgraph.nodes.values() if not n.fetched]
    if stubs:
        lines.append(f"    classDef stub {_STUB_STYLE}")
    by_class: dict[str, list[str]] = {}
    for n in subgraph.nodes.values():
        by_class.setdefault(category_class(n.category), []).append(names[n.id])
    lines.extend(f"    class {','.join(ids)} {name}" for name, ids in sorted(by_class.items()))
    if stubs:
        lines.append(f"    class {','.join(stubs)} stub")
    lines.extend(f"    linkStyle {','.join(map(str, links))} {css}" for css, links in link_styles.items())
    return "\n".join(lines) + "\n"
