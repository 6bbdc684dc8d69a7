"""``graphsc diff --format markdown``: a pull-request comment. A heading, a table of counts, then one collapsible
``<details>`` section per kind of change that has any (new findings first, open), each a GitHub-flavoured table
cut at ``limit`` rows. Every piece of data is escaped (``cell``): ids and licenses are written by strangers."""

from __future__ import annotations

import re

from graphsc.render.diff_table import TITLES, findings_line, heading, section_rows
from graphsc.snapshot.diff import CHANGE_KINDS, GraphDiff

MARKDOWN_LIMIT = 100  # rows per section: a GitHub comment holds at most 65,536 characters
# New findings first (what a reviewer must act on), then the rest in the order of ``CHANGE_KINDS``.
SECTION_ORDER: tuple[str, ...] = (
    "findings_new",
    "findings_changed",
    "findings_resolved",
    *(k for k in CHANGE_KINDS if not k.startswith("findings_")),
)
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
# Backslash escapes for the punctuation that means something inside a line (code, emphasis, links, strikethrough,
# a table cell's end); what means something only at a line's start (``#``, ``-``, ``1.``) cannot start a cell.
_MARKDOWN = re.compile(r"([\\`*_\[\]|~])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]+")


def cell(value: object) -> str:
    """``value`` as inert Markdown text for a table cell or a line: HTML specials as entities, Markdown
    punctuation (``|`` included) backslash-escaped, control and invisible characters (line breaks too) as one
    space."""
    text = _CONTROL.sub(" ", "" if value is None else str(value))
    text = _MARKDOWN.sub(r"\\\1", text)
    return "".join(_HTML.get(ch, ch) for ch in text)


def _table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def diff_markdown(diff: GraphDiff, limit: int = MARKDOWN_LIMIT) -> str:
    """The Markdown text of ``diff`` (see the module docstring), ending in a newline."""
    lines = [f"## graphsc diff: {cell(heading(diff))}", ""]
    counts = {k: n for k, n in diff.counts().items() if n and k in TITLES}
    if counts:
        lines += _table(("change", "count"), [(TITLES[k][0], f"{n:,}") for k, n in counts.items()])
    else:
        lines.append("No changes.")
    lines += ["", cell(findings_line(diff)), ""]
    for kind in SECTION_ORDER:
        headers, rows = section_rows(diff, kind)
        if not rows:
            continue
        opened = " open" if kind == "findings_new" else ""
        lines += [f"<details{opened}><summary>{TITLES[kind][0]} ({len(rows):,})</summary>", ""]
        lines += _table(headers, rows[:limit])
        if len(rows) > limit:
            lines += ["", f"… and {len(rows) - limit:,} more (all of them: `--format json`)"]
        lines += ["", "</details>", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
