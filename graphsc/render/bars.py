"""Horizontal bar charts for the terminal (histograms, distributions)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text

from graphsc.render.labels import share
from graphsc.render.text import literal

BAR_WIDTH = 40


def bar_table(
    title: str, rows: Iterable[tuple[str, int]], total: int, style: str = "cyan", width: int = BAR_WIDTH
) -> Table:
    """A table of label, count, the count's share of ``total`` and a bar proportional to the count (the largest
    row fills ``width`` cells; a nonzero count gets at least one).

    ``total`` is the whole population the shares are of, not the sum of the rows given: a view that shows only
    the top rows passes the full total, so a share reads the same whatever ``--top`` is (say in ``title`` what it
    is a share of when that is not obvious). ``title`` is graphsc's own text (rich markup allowed); each label is
    data (a license, a model id) and is printed literally."""
    items = list(rows)
    peak = max((n for _, n in items), default=0)
    table = Table(title=title, title_justify="left", show_header=False, box=None, padding=(0, 1))
    table.add_column(justify="right", style="bold", overflow="fold")
    table.add_column(justify="right")
    table.add_column(justify="right", style="dim")
    table.add_column()
    for label, n in items:
        cells = max(1, round(width * n / peak)) if n and peak else 0
        table.add_row(literal(label), f"{n:,}", share(n, total), Text("█" * cells, style=style))
    return table
