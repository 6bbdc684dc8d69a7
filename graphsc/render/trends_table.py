"""``graphsc trends``: the series as terminal charts, one table per series, one row per time bucket.

- derivatives: the count per relation and a bar stacked by relation (coloured as everywhere, ``RELATION_STYLE``);
- licenses: the count per license category (headers coloured as the bar's segments) and a bar stacked by category;
- documentation: for each attribute, the count, its share of the bucket's models and a bar of that share.

The tables are laid out here, not by rich, so that nothing is ever cut to fit: the bucket labels, headers and
numbers always print whole; the bars take what width is left (stacked bars up to ``STACK_WIDTH`` cells, share bars
up to ``SHARE_WIDTH``) and are left out when fewer than ``MIN_BAR`` cells would remain (e.g. every license category
at 80 columns, the width of piped output). Abbreviated headers are explained in a legend line under their table.
Titles are single lines, wrapped (at a space) only by a terminal too narrow for them. A run of ``GAP_RUN`` or more
buckets without models is one row (``… 170 empty months …``); JSON and CSV keep every bucket. The undated models
come last, as a row ``undated``, when there are any. Without a fetched model in the scope and window, it says so
instead of drawing empty charts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.text import Text

from graphsc.render.labels import RELATION_STYLE, counted, share
from graphsc.render.text import literal
from graphsc.render.view_html import CATEGORY_COLORS, OTHER_CATEGORY_COLOR
from graphsc.reuse.trends import DOC_ATTRIBUTES, Bucket, Trends

BAR = "█"
SHARE_REST = "·"
STACK_WIDTH = 20  # cells of the stacked bars at their largest bucket, at most
SHARE_WIDTH = 8  # cells of a share bar at 100%, at most
MIN_BAR = 4  # a bar narrower than this says too little: the bars are left out
GAP_RUN = 3  # this many consecutive buckets without models, or more, are shown as one row
# Short column headers (a legend under the table spells them out).
RELATION_HEADERS: dict[str, str] = {"quantized": "quant", "distillation": "distill"}
CATEGORY_HEADERS: dict[str, str] = {
    "non-commercial": "noncom",
    "proprietary": "propr",
    "copyleft": "copyl",
    "rail": "rail",
    "model-community": "commun",
    "unknown": "unknown",
    "permissive": "permis",
    "public-domain": "public",
}
DOC_HEADERS: dict[str, str] = {"datasets": "datasets", "eval_results": "evals", "license": "license"}
DOC_LEGEND = (
    "datasets: the card lists training datasets; evals: it reports an evaluation result with a number; license: it "
    "declares a license (count and share of the models"
)


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


# ---- layout: columns padded to their widest cell, one space before the first, two between ----


@dataclass(frozen=True, slots=True)
class _Column:
    header: Text
    right: bool = True  # right-justified (numbers); else left (labels, bars)


Row = list[Text] | Text  # cells, one per column; or a text that is the whole row (a run of empty buckets)


def _widths(columns: Sequence[_Column], rows: Sequence[Row]) -> list[int]:
    cells = [r for r in rows if isinstance(r, list)]
    return [max([c.header.cell_len, *(r[i].cell_len for r in cells)]) for i, c in enumerate(columns)]


def _line_width(widths: Sequence[int]) -> int:
    """The cells a row of columns of ``widths`` takes."""
    return 1 + sum(widths) + 2 * (len(widths) - 1)


def _print_table(console: Console, columns: Sequence[_Column], rows: Sequence[Row]) -> None:
    """Print the header and ``rows``, every cell whole (a line is never cut or wrapped, trailing spaces trimmed)."""
    widths = _widths(columns, rows)

    def line(cells: Sequence[Text]) -> Text:
        out = Text(" ")
        for i, (cell, column, width) in enumerate(zip(cells, columns, widths, strict=True)):
            pad = " " * (width - cell.cell_len)
            out.append_text(Text.assemble(pad, cell) if column.right else Text.assemble(cell, pad))
            if i < len(columns) - 1:
                out.append("  ")
        out.rstrip()
        return out

    console.print(line([c.header for c in columns]), soft_wrap=True)
    for row in rows:
        console.print(Text.assemble(" ", row) if isinstance(row, Text) else line(row), soft_wrap=True)


def _shown(trends: Trends) -> list[Bucket | int]:
    """The buckets to show, a run of ``GAP_RUN`` or more empty buckets replaced by its length; undated last."""
    shown: list[Bucket | int] = []
    run: list[Bucket] = []
    for bucket in [*trends.buckets, None]:
        if bucket is not None and not bucket.models:
            run.append(bucket)
            continue
        shown.extend([len(run)] if len(run) >= GAP_RUN else run)
        run = []
        if bucket is not None:
            shown.append(bucket)
    if trends.undated.models:
        shown.append(trends.undated)
    return shown


def _gap(n: int, by: str) -> Text:
    return Text(f"… {counted(n, f'empty {by}')} …", style="dim")


def _label(bucket: Bucket) -> Text:
    return literal(bucket.label, "dim" if bucket.start is None else "")


def _number(n: int) -> Text:
    return Text(f"{n:,}")


def _bar_width(console: Console, fixed: int, bars: int, most: int) -> int:
    """The cells each of ``bars`` bars may take beside columns of width ``fixed`` (``_line_width``): at most
    ``most``, 0 (no bars) when fewer than ``MIN_BAR`` would fit."""
    each = min(most, (console.width - fixed) // bars - 2)
    return each if each >= MIN_BAR else 0


def _stacked_table(
    trends: Trends,
    console: Console,
    columns: list[_Column],
    counts: list[tuple[Bucket, list[int]]],
    parts: list[tuple[Bucket, list[tuple[int, str]]]],
) -> None:
    """A table of ``columns`` (label first, then counts) with a stacked bar per bucket when it fits."""
    shown = _shown(trends)
    count_of = {id(b): c for b, c in counts}
    parts_of = {id(b): p for b, p in parts}
    rows: list[Row] = [
        _gap(item, trends.by) if isinstance(item, int) else [_label(item), *map(_number, count_of[id(item)])]
        for item in shown
    ]
    width = _bar_width(console, _line_width(_widths(columns, rows)), 1, STACK_WIDTH)
    if width:
        peak = max((sum(n for n, _ in p) for _, p in parts), default=0)
        columns = [*columns, _Column(Text(""), right=False)]
        rows = [
            row if isinstance(row, Text) else [*row, stacked_bar(parts_of[id(item)], peak, width)]
            for row, item in zip(rows, shown, strict=True)
        ]
    _print_table(console, columns, rows)


def _bucket_rows(trends: Trends) -> list[Bucket]:
    return [*trends.buckets, *([trends.undated] if trends.undated.models else [])]


def _derivatives(trends: Trends, console: Console) -> None:
    columns = [
        _Column(Text(trends.by), right=False),
        _Column(Text("total")),
        *(_Column(Text(RELATION_HEADERS.get(r, r), style=RELATION_STYLE.get(r, ""))) for r in trends.relations),
    ]
    rows = _bucket_rows(trends)
    _stacked_table(
        trends,
        console,
        columns,
        [(b, [b.derivatives, *(b.by_relation[r] for r in trends.relations)]) for b in rows],
        [(b, [(b.by_relation[r], RELATION_STYLE.get(r, "white")) for r in trends.relations]) for b in rows],
    )
    short = [f"{RELATION_HEADERS[r]}: {r}" for r in trends.relations if r in RELATION_HEADERS]
    _legend(console, ["total: derived models, each once (under the relations, once per relation it has)", *short])


def _licenses(trends: Trends, console: Console) -> None:
    columns = [
        _Column(Text(trends.by), right=False),
        _Column(Text("models")),
        *(_Column(Text(CATEGORY_HEADERS.get(c, c), style=_category_style(c))) for c in trends.categories),
    ]
    rows = _bucket_rows(trends)
    _stacked_table(
        trends,
        console,
        columns,
        [(b, [b.models, *(b.licenses[c] for c in trends.categories)]) for b in rows],
        [(b, [(b.licenses[c], _category_style(c)) for c in trends.categories]) for b in rows],
    )
    short = [f"{CATEGORY_HEADERS[c]}: {c}" for c in trends.categories if CATEGORY_HEADERS.get(c, c) != c]
    unknown = ["unknown: none declared or not recognised"] if "unknown" in trends.categories else []
    _legend(console, [*short, *unknown])


def _documentation(trends: Trends, console: Console) -> None:
    columns = [_Column(Text(trends.by), right=False), _Column(Text("models"))]
    for attribute in DOC_ATTRIBUTES:
        columns += [_Column(Text(DOC_HEADERS[attribute])), _Column(Text(""))]
    shown = _shown(trends)
    rows: list[Row] = []
    for item in shown:
        if isinstance(item, int):
            rows.append(_gap(item, trends.by))
            continue
        doc = item.documentation
        cells = [_label(item), _number(doc.models)]
        for attribute in DOC_ATTRIBUTES:
            n = doc.count(attribute)
            cells += [_number(n), Text(share(n, doc.models))]
        rows.append(cells)
    width = _bar_width(console, _line_width(_widths(columns, rows)), len(DOC_ATTRIBUTES), SHARE_WIDTH)
    if width:  # a bar after each share
        columns = [*columns[:2], *(c for i in range(len(DOC_ATTRIBUTES)) for c in _with_bar(columns, i))]
        with_bars: list[Row] = []
        for row, item in zip(rows, shown, strict=True):
            if isinstance(row, Text) or isinstance(item, int):
                with_bars.append(row)
                continue
            doc = item.documentation
            cells = row[:2]
            for i, attribute in enumerate(DOC_ATTRIBUTES):
                cells += [*row[2 + 2 * i : 4 + 2 * i], share_bar(doc.count(attribute), doc.models, width)]
            with_bars.append(cells)
        rows = with_bars
    _print_table(console, columns, rows)
    _legend(console, [DOC_LEGEND + (", and a bar of the share)" if width else ")")])


def _with_bar(columns: Sequence[_Column], i: int) -> list[_Column]:
    return [columns[2 + 2 * i], columns[3 + 2 * i], _Column(Text(""), right=False)]


def _legend(console: Console, parts: Sequence[str]) -> None:
    if parts:
        console.print(literal("; ".join(parts) + ".", "dim"))


def _title(console: Console, text: str) -> None:
    console.print(literal(text, "bold"))


def _scope(trends: Trends) -> str:
    return "the whole graph" if trends.family is None else f"the family of {trends.family}"


def _window(trends: Trends) -> str:
    return f"{trends.since or '…'} to {trends.until or '…'}"


def render_trends(trends: Trends, console: Console) -> None:
    """Print a headline, the three series (or that there is no fetched model to chart) and what was left out."""
    window = f", created {_window(trends)}" if trends.since or trends.until else ""
    outside = f", {trends.outside_range:,} outside the window" if trends.since or trends.until else ""
    console.print(
        literal(
            f"Trends of {_scope(trends)}{window}: {counted(trends.models, 'fetched model')} "
            f"({trends.dated:,} dated, {trends.undated.models:,} undated{outside})"
        )
    )
    if not trends.dated and not trends.undated.models:
        where = f"created {_window(trends)}" if trends.models else f"in {_scope(trends)}"
        console.print(literal(f"No fetched model {where}: nothing to chart."))
    else:
        by = trends.by
        _title(console, f"Derivatives created per {by}, by relation")
        _derivatives(trends, console)
        _title(console, f"License categories of the models created per {by}")
        _licenses(trends, console)
        _title(console, f"Documentation of the models created per {by}")
        _documentation(trends, console)
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
