"""``graphsc licenses explain`` in the terminal: one license's facts, clauses with citations, and the rules."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from graphsc.render.labels import counted
from graphsc.render.text import visible


def _text_line(text: dict[str, Any] | None) -> Text:
    if text is None:
        return Text("not recorded", style="yellow")
    state = Text("verified", style="green") if text["verified"] else Text("NOT verified", style="bold yellow")
    parts = [visible(text["link"])] if text.get("link") else []
    if text.get("version"):
        parts.append(f"version {visible(str(text['version']))}")
    line = Text(" · ".join(parts) + (" · " if parts else ""))
    line.append_text(state)
    if text.get("permalink") and text["permalink"] != text.get("link"):
        line.append(f"\nread at {visible(text['permalink'])}")
    if text.get("note"):
        line.append(f"\n{visible(text['note'])}", style="dim")
    return line


def _value(clause: dict[str, Any]) -> str:
    value = clause["value"]
    text = (
        "yes" if value is True else "no" if value is False else f"{value:,}" if isinstance(value, int) else str(value)
    )
    extra = []
    if clause["policy"]:
        extra.append(f"policy {clause['policy']}")
    if clause["compatible"]:
        extra.append("or " + ", ".join(clause["compatible"]))
    if clause["outputs"]:
        extra.append("also binds models trained on outputs")
    return visible(text + (f" ({'; '.join(extra)})" if extra else ""))


def render_explain(doc: dict[str, Any], console: Console) -> None:
    """Print a ``graphsc.license/1`` document (see ``graphsc.licenses.explain``)."""
    head = Text(visible(doc["id"]), style="bold")
    head.append(f"  {visible(doc['name'])}")
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column(overflow="fold")  # URLs are shown whole
    facts.add_row("SPDX", Text(visible(doc["spdx"] or "— (no SPDX id)")))
    facts.add_row("category", Text(f"{doc['category']} · family {doc['family']} · status {doc['status']}"))
    facts.add_row("aliases", Text(visible(", ".join(doc["aliases"]) or "—")))
    if doc["links"]:
        facts.add_row("links", Text(visible(", ".join(doc["links"]))))
    facts.add_row("text", _text_line(doc["text"]))
    if doc["note"]:
        facts.add_row("note", Text(visible(doc["note"])))
    if doc["accepted_by"]:
        facts.add_row("accepted by", Text(visible(", ".join(doc["accepted_by"]))))
    parts: list[RenderableType] = [head, facts]

    clauses = Text("Clauses", style="bold")
    for c in doc["clauses"]:
        clauses.append(f"\n  {c['name']}", style="bold")
        clauses.append(f" = {_value(c)}\n")
        clauses.append(f"      {visible(c['source'])}", style="dim")
    parts.append(clauses if doc["clauses"] else Text("Clauses: none — imposes nothing downstream", style="dim"))

    if doc["policy"]:
        p = doc["policy"]
        lines = Text(
            f"Use restrictions: {visible(p['name'])} ({p['id']}, {counted(len(p['restrictions']), 'restriction')}; "
            f"{visible(p['source'])})\n",
            style="bold",
        )
        lines.append(visible(", ".join(p["restrictions"])) + "\n", style="")
        lines.append("carried by licenses with policy: " + (", ".join([p["id"], *p["satisfied_by"]])), style="dim")
        parts.append(lines)

    obligations = Text("Obligations and the rules that apply them", style="bold")
    for ob in doc["obligations"]:
        what = ob["kind"] + (f" {ob['prefix']!r}" if ob["prefix"] else "")
        rules = " · ".join(f"{edge}: {', '.join(ids)}" for edge, ids in ob["rules"].items() if ids)
        obligations.append(f"\n  {visible(what)}", style="bold")
        obligations.append(f" — checked on {', '.join(ob['checked_on'])}; carried across {', '.join(ob['crosses'])}\n")
        obligations.append(f"      {rules or 'no rule: informative only'}", style="dim")
    parts.append(obligations if doc["obligations"] else Text("Obligations: none", style="dim"))
    if doc["rules"]:
        legend = Text("Rules: ", style="dim")
        legend.append(
            "; ".join(f"{rid} ({r['severity']}) {r['description']}" for rid, r in doc["rules"].items()), style="dim"
        )
        parts.append(legend)
    console.print(Group(*parts))
