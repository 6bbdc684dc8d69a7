"""``graphsc trends``: the series as terminal charts, one table per series, one row per time bucket.

- derivatives: the count per relation and a bar stacked by relation (coloured as everywhere, ``RELATION_STYLE``);
- licenses: the count per license category (headers coloured as the bar's segments) and a bar stacked by category;
- documentation: for each attribute, the count, its share of the bucket's models and a bar of that share.

Bars are scaled to the largest bucket of their table; a nonzero count gets at least one cell. Readable in 100
columns with every license category present. The undated models come last, as a row ``undated``, when there are any.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from graphsc.render.labels import RELATION_STYLE, counted, share
from graphsc.render.text import literal
from graphsc.render.view_html import CATEGORY_COLORS, OTHER_CATEGORY_COLOR
from graphsc.reuse.trends import DOC_ATTRIBUTES, Bucket, Trends

BAR = "█"
SHARE_REST = "·"
STACK_WIDTH = 20  # cells of the stacked bars at their largest bucket
SHARE_WIDTH = 8  # cells of a share bar at 100%
# Short column headers of the license categories (the table's colours say which segment is which).
CATEGORY_HEADERS: dict[str, str] = {
    "non-commercial": "noncomm",
    "proprietary": "propr",
    "copyleft": "copyleft",
    "rail": "rail",
    "model-community": "community",
    "unknown": "unknown",
    "permissive": "permissive",
    "public-domain": "public",
}
DOC_HEADERS: dict[str, str] = {"datasets": "datasets", "eval_results": "evals", "license": "license"}


def stacked_bar(parts: Sequence[tuple[int, str]], peak: int, width: int = STACK_WIDTH) -> Text:
    """A bar of ``round(width * sum / peak)`` cells (at least 1 for a nonzero sum), split among ``parts``
    (count, style) by cumulative rounding, so the segments add up to the bar exactly."""
    total = sum(n for n, _ in parts)
    bar = Text()
    if not total or not peak:
        return bar
    cells = max(1, round(width * total / peak))
    done = running = 0
    for n, style in parts:
        running += n
        end = round(cells * running / total)
        if end > done:
            bar.append(BAR * (end - done), style=style)
            done = end
    return bar


def share_bar(n: int, total: int, width: int = SHARE_WIDTH) -> Text:
    """``width`` cells, ``round(width * n / total)`` of them full; empty when ``total`` is 0."""
    if not total:
        return Text()
    full = round(width * n / total)
    return Text.assemble((BAR * full, "cyan"), (SHARE_REST * (width - full), "dim"))


def _category_style(name: str) -> str:
    return CATEGORY_COLORS.get(name, OTHER_CATEGORY_COLOR)


def _rows(trends: Trends) -> list[Bucket]:
    return [*trends.buckets, *([trends.undated] if trends.undated.models else [])]


def _label(bucket: Bucket) -> Text:
    return literal(bucket.label, "dim" if bucket.start is None else "")


def _scope(trends: Trends) -> str:
    where = "the whole graph" if trends.family is None else f"the family of {trends.family}"
    window = ""
    if trends.since or trends.until:
        window = f", created {trends.since or '…'} to {trends.until or '…'}"
    return f"{where}{window}"


def _fit(console: Console, widths: Sequence[int]) -> int:
    """The cells a stacked bar may take beside columns of ``widths`` (each padded by one space a side) in the
    console's width: at most ``STACK_WIDTH``, at least 6."""
    used = sum(w + 2 for w in widths) + 2
    return max(6, min(STACK_WIDTH, console.width - used))


def _widths(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    return [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]


def _derivatives_table(trends: Trends, console: Console) -> Table:
    rows = _rows(trends)
    cells = [[b.label, f"{b.derivatives:,}", *(f"{b.by_relation[r]:,}" for r in trends.relations)] for b in rows]
    headers = [trends.by, "derivatives", *trends.relations]
    width = _fit(console, _widths(headers, cells))
    peak = max((sum(b.by_relation.values()) for b in rows), default=0)
    table = Table(box=None, padding=(0, 1))
    table.add_column(trends.by)
    table.add_column("derivatives", justify="right")
    for relation in trends.relations:
        table.add_column(Text(relation, style=RELATION_STYLE.get(relation, "")), justify="right")
    table.add_column("")
    for b, row in zip(rows, cells, strict=True):
        parts = [(b.by_relation[r], RELATION_STYLE.get(r, "white")) for r in trends.relations]
        table.add_row(_label(b), *row[1:], stacked_bar(parts, peak, width))
    return table


def _licenses_table(trends: Trends, console: Console) -> Table:
    rows = _rows(trends)
    cells = [[b.label, f"{b.models:,}", *(f"{b.licenses[c]:,}" for c in trends.categories)] for b in rows]
    headers = [trends.by, "models", *(CATEGORY_HEADERS.get(c, c) for c in trends.categories)]
    width = _fit(console, _widths(headers, cells))
    peak = max((b.models for b in rows), default=0)
    table = Table(box=None, padding=(0, 1))
    table.add_column(trends.by)
    table.add_column("models", justify="right")
    for name in trends.categories:
        table.add_column(Text(CATEGORY_HEADERS.get(name, name), style=_category_style(name)), justify="right")
    table.add_column("")
    for b, row in zip(rows, cells, strict=True):
        parts = [(b.licenses[c], _category_style(c)) for c in trends.categories]
        table.add_row(_label(b), *row[1:], stacked_bar(parts, peak, width))
    return table


def _documentation_table(trends: Trends) -> Table:
    table = Table(box=None, padding=(0, 1))
    table.add_column(trends.by)
    table.add_column("models", justify="right")
    for attribute in DOC_ATTRIBUTES:
        table.add_column(DOC_HEADERS[attribute], justify="right")
        table.add_column("", justify="right")
        table.add_column("")
    for b in _rows(trends):
        doc = b.documentation
        cells: list[str | Text] = [_label(b), f"{doc.models:,}"]
        for attribute in DOC_ATTRIBUTES:
            n = doc.count(attribute)
            cells += [f"{n:,}", share(n, doc.models), share_bar(n, doc.models)]
        table.add_row(*cells)
    return table


def _title(console: Console, text: str) -> None:
    console.print(literal(text, "bold"))


def render_trends(trends: Trends, console: Console) -> None:
    """Print a headline, the three series and notes on what was left out."""
    outside = f", {trends.outside_range:,} created outside them" if trends.since or trends.until else ""
    console.print(
        literal(
            f"Trends of {_scope(trends)}: {counted(trends.models, 'fetched model')}, {trends.dated:,} in the "
            f"{trends.by}s shown, {trends.undated.models:,} undated{outside}"
        )
    )
    if not trends.models:
        console.print(literal("No fetched models: nothing to show."))
        return
    by = trends.by
    _title(console, f"Derivatives created per {by}, by relation (a model counts once per relation it has)")
    console.print(_derivatives_table(trends, console))
    _title(console, f"License categories of the models created per {by} (unknown: none declared or not recognised)")
    console.print(_licenses_table(trends, console))
    _title(console, f"Documentation of the models created per {by}: cards that list datasets, report evaluation")
    _title(console, "results (evals) with a number, declare a license; count, share of the models and bar")
    console.print(_documentation_table(trends))
    notes = []
    if trends.stubs:
        notes.append(f"Left out: {counted(trends.stubs, 'stub')} (models known only as a base, never fetched).")
    if trends.without_details:
        notes.append(
            f"{counted(trends.without_details, 'model')} without stored card details (ingested before graphsc kept "
            "them) count as listing no datasets: re-ingest them."
        )
    for note in notes:
        console.print(literal(note, "dim"))
