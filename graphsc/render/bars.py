"""Horizontal bar charts for the terminal (histograms, distributions)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text

from graphsc.render.text import literal

BAR_WIDTH = 40


def bar_table(title: str, rows: Iterable[tuple[str, int]], style: str = "cyan", width: int = BAR_WIDTH) -> Table:
    """A table of label, count and a bar proportional to the count (at least one cell for a nonzero count).

    ``title`` is graphsc's own text (rich markup allowed); each label is data (a license, a model id) and is
    printed literally."""
    items = list(rows)
    peak = max((n for _, n in items), default=0)
    total = sum(n for _, n in items)
    table = Table(title=title, title_justify="left", show_header=False, box=None, padding=(0, 1))
    table.add_column(justify="right", style="bold", overflow="fold")
    table.add_column(justify="right")
    table.add_column(justify="right", style="dim")
    table.add_column()
    for label, n in items:
        cells = max(1, round(width * n / peak)) if n and peak else 0
        share = f"{100 * n / total:.1f}%" if total else "-"
        table.add_row(literal(label), f"{n:,}", share, Text("█" * cells, style=style))
    return table
