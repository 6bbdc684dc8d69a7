"""``graphsc audit``: a model's audit (its chain's completeness, its claimed performance) or the whole graph's
distributions, as terminal tables.

Every model id and family name stays on one line, whatever the width: they are the last column, never wrapped or
cut, and the other columns are narrow (one letter per attribute), so at 80 columns (the width whenever output is
piped) a chain of ids up to ~50 characters fits; a longer one makes its table wider than the console rather than
folding it.

The chain table's attributes are one string, a letter per attribute in ``ATTRIBUTES`` order (``LETTERS``): the
letter when present, ``-`` when missing, ``?`` (base) when the card or a ``base_model`` tag names a base that is not
lineage (not counted; the line under the table says which, and where it was declared). Weight files (``wts``):
``yes`` the repository lists weight files, ``none`` it lists files but no weights (often README-only), ``?`` its
record lists no files.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.segment import Segments
from rich.table import Table
from rich.text import Text

from graphsc.render.bars import bar_table
from graphsc.render.labels import counted
from graphsc.render.text import literal
from graphsc.reuse.audit import NO_LINEAGE, STUB_PHRASES, AuditRow, GraphAudit, GroupStats, ModelAudit, summary_texts
from graphsc.reuse.completeness import ATTRIBUTES, BASE_MODEL, WEIGHTS, Completeness
from graphsc.reuse.performance import DATASET_NOT_LISTED, NO_SOURCE, NOT_NUMERIC, Performance

# One letter per attribute (``ATTRIBUTES`` order): the chain's marks and the group tables' column headings.
LETTERS: dict[str, str] = {
    "license": "L",
    "base_model": "B",
    "training_data": "D",
    "eval_results": "E",
    "task": "T",
    "library": "Y",
    "card": "C",
}
NAMES: dict[str, str] = {
    "license": "license",
    "base_model": "base",
    "training_data": "data",
    "eval_results": "evals",
    "task": "task",
    "library": "library",
    "card": "card",
}
MISSING, UNCONFIRMED = "-", "?"
_WEIGHT_FILES = {True: "yes", False: "none", None: "?"}
KEY = "  ".join(f"{LETTERS[a]} {NAMES[a]}" for a in ATTRIBUTES)
LEGEND = (
    f"{KEY}\n"
    f"the letter: present, {MISSING} missing, {UNCONFIRMED} a base declared (card or tag) but not lineage\n"
    "wts (weight files): yes, none (files but no weights), ? (no file list)"
)
_UNBOUNDED = 100_000


def print_whole(console: Console, table: Table) -> None:
    """Print ``table`` (whose columns are all ``no_wrap``); when it is wider than the console (a very long id), at
    its own width rather than folded or cut: the terminal wraps the line, a pipe keeps it whole."""
    width = Measurement.get(console, console.options.update_width(_UNBOUNDED), table).maximum
    if width <= console.width:
        console.print(table)
    else:
        console.print(Segments(console.render(table, console.options.update_width(width))), crop=False)


def _marks(c: Completeness) -> Text:
    marks = Text()
    for a in ATTRIBUTES:
        if c.has(a):
            marks.append(LETTERS[a], style="green")
        elif a == BASE_MODEL and c.details[BASE_MODEL].startswith("declared"):
            marks.append(UNCONFIRMED, style="yellow")
        else:
            marks.append(MISSING, style="red")
    return marks


def format_number(value: float) -> str:
    """A value readably: ``0.62022``, ``95``; a large one in full with thousands separators (``12,345,678,901``)
    rather than ``1.23457e+10``."""
    text = f"{value:g}"
    if "e+" in text:
        return f"{value:,.0f}"
    return text


def _number(value: float | None, text: str | None) -> Text:
    if value is not None:
        return Text(format_number(value))
    return literal(text or "")


def _plain_table(title: str | None = None) -> Table:
    return Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )


def _chain_table(audit: ModelAudit) -> Table:
    table = _plain_table()
    table.add_column("up", justify="right", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("".join(LETTERS[a] for a in ATTRIBUTES), no_wrap=True)
    table.add_column("wts", no_wrap=True)
    table.add_column("model", no_wrap=True)
    for row in audit.rows:
        table.add_row(*_chain_cells(row))
    return table


def _chain_cells(row: AuditRow) -> list[Text]:
    c = row.completeness
    up = Text(str(row.distance))
    if c is None:
        return [up, Text("–"), Text(""), Text(""), literal(row.model).append(" (not fetched)", style="dim")]
    return [up, Text(str(c.score)), _marks(c), Text(_WEIGHT_FILES[c.weight_files]), literal(row.model)]


def _summary_lines(audit: ModelAudit) -> list[str]:
    if not audit.ancestors:
        return [f"{audit.model} has no ancestor in the graph."]
    fetched = len(audit.ancestors) - audit.ancestors_not_fetched
    lines = [
        f"Ancestors: {len(audit.ancestors)}"
        + (f" ({audit.ancestors_not_fetched} not fetched, not audited)" if audit.ancestors_not_fetched else "")
    ]
    texts = summary_texts(audit.summaries)
    lines += [f"  {t}" for t in texts]
    if fetched and not texts:
        lines.append("  every fetched ancestor has every attribute")
    return lines


def _performance(perf: Performance, console: Console) -> None:
    if not perf.claimed:
        console.print(literal(f"{perf.model}'s card reports no evaluation results."))
    else:
        console.print(
            Text(
                f"Claimed performance: {counted(len(perf.claimed), 'result')}; "
                f"{perf.flagged(DATASET_NOT_LISTED)} citing a dataset the card does not list, "
                f"{perf.flagged(NO_SOURCE)} without a source, {perf.flagged(NOT_NUMERIC)} not numeric."
            )
        )
        table = _plain_table()
        table.add_column("dataset", no_wrap=True)
        table.add_column("metric", no_wrap=True)
        table.add_column("value", justify="right", no_wrap=True)
        table.add_column("source", no_wrap=True)
        table.add_column("flags", no_wrap=True)
        for c in perf.claimed:
            r = c.result
            table.add_row(
                literal(r.dataset or ""),
                literal(r.metric or ""),
                _number(r.value, r.value_text),
                literal(r.source_name or r.source_url or "(none)"),
                Text(", ".join(c.flags), style="yellow"),
            )
        print_whole(console, table)
    if perf.comparisons:
        console.print(Text("Next to the ancestors' results (difference: this model − ancestor):"))
        table = _plain_table()
        for name in ("dataset", "metric", "this model", "ancestor", "up", "ancestor's", "difference"):
            right = name in ("this model", "up", "ancestor's", "difference")
            table.add_column(name, justify="right" if right else "left", no_wrap=True)
        for comp in perf.comparisons:
            table.add_row(
                literal(comp.result.dataset or ""),
                literal(comp.result.metric or ""),
                _number(comp.result.value, comp.result.value_text),
                literal(comp.ancestor),
                Text(str(comp.distance)),
                _number(comp.base_result.value, comp.base_result.value_text),
                Text(_signed(comp.difference) if comp.difference is not None else "–"),
            )
        print_whole(console, table)
    elif perf.claimed:
        console.print(Text("No ancestor reports a result on the same dataset and metric."))
    if perf.ancestor_results:
        console.print(
            literal("Ancestors reporting results: " + ", ".join(f"{a} ({n})" for a, n in perf.ancestor_results.items()))
        )


def _signed(value: float) -> str:
    text = format_number(value)
    return text if text.startswith("-") else "+" + text


def render_model_audit(audit: ModelAudit, console: Console) -> None:
    """Print the chain table (the model, then its ancestors nearest first), the summaries and the performance."""
    own = audit.own.completeness
    title = f"Completeness of {audit.model}" + (f": {own.score}/100" if own is not None else "")
    console.print(literal(title))
    print_whole(console, _chain_table(audit))
    console.print(Text(LEGEND, style="dim"))
    for row in audit.rows:
        c = row.completeness
        if c is not None and not c.has(BASE_MODEL) and c.details[BASE_MODEL].startswith("declared"):
            console.print(literal(f"{UNCONFIRMED} {row.model}: {c.details[BASE_MODEL]}"), style="yellow")
    for line in _summary_lines(audit):
        console.print(literal(line))
    if audit.stub_known_as is not None:
        console.print(
            literal(f"{audit.model} is not fetched: graphsc has no record of it ({STUB_PHRASES[audit.stub_known_as]}).")
        )
        return
    _performance(audit.performance, console)


def _group_table(title: str, heading: str, groups: Sequence[GroupStats]) -> Table:
    # Whole percents without the sign (the title says so) under one-letter headings, the name last and never
    # wrapped: the numbers stay aligned and the name whole at 80 columns.
    table = _plain_table(title)
    table.add_column("models", justify="right", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    for a in ATTRIBUTES:
        table.add_column(LETTERS[a], justify="right", no_wrap=True, min_width=3)
    table.add_column("no wts", justify="right", no_wrap=True)
    table.add_column(heading, no_wrap=True)
    for g in groups:
        table.add_row(
            Text(f"{g.models:,}"),
            Text(f"{g.mean_score:.1f}" if g.mean_score is not None else "–"),
            *(Text(_percent(g.with_attribute[a], g.models)) for a in ATTRIBUTES),
            Text(_percent(g.no_weight_files, g.models)),
            literal(g.name),
        )
    return table


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}" if whole else "–"


def render_graph_audit(audit: GraphAudit, console: Console) -> None:
    """Print the shares per attribute, the score distribution and the groups (family, relation, year)."""
    if not audit.fetched:
        console.print(
            f"No fetched model in the graph ({counted(audit.not_fetched, 'stub')}): nothing to audit. "
            "Run `graphsc ingest` first."
        )
        return
    overall = audit.overall
    mean = f"{overall.mean_score:.1f}" if overall.mean_score is not None else "–"
    median = f"{audit.median_score:g}" if audit.median_score is not None else "–"
    console.print(
        Text(
            f"Completeness of {counted(audit.fetched, 'fetched model')} ({audit.not_fetched:,} not fetched, not "
            f"audited): mean score {mean}, median {median} of 100."
        )
    )
    console.print(
        bar_table(
            "Models with each attribute (weight)",
            ((f"{a} ({WEIGHTS[a]})", overall.with_attribute[a]) for a in ATTRIBUTES),
            audit.fetched,
        )
    )
    console.print(bar_table("Scores out of 100", list(audit.buckets.items()), audit.fetched, style="green"))
    files = audit.weight_files
    console.print(
        f"Weight files: {files['present']:,} list weights, {files['none']:,} list files but no weights "
        f"(e.g. README-only), {files['unknown']:,} list no files."
    )
    if audit.without_details:
        console.print(
            f"{counted(audit.without_details, 'fetched model')} without stored details (ingested before graphsc "
            "kept them): their files and evaluation results are unknown and count as missing; re-ingest them."
        )
    if audit.base_unconfirmed:
        verb = "names" if audit.base_unconfirmed == 1 else "name"
        console.print(
            f"{counted(audit.base_unconfirmed, 'model')} with no confirmed base {verb} a base on the card or in a "
            "base_model tag that is not lineage (not counted)."
        )
    console.print(
        Text(
            f"Groups: % of their fetched models with each attribute, and listing files but no weights (no wts):\n{KEY}",
            style="dim",
        )
    )
    print_whole(
        console,
        _group_table(
            f"By family ({len([g for g in audit.by_family if g.name != NO_LINEAGE])} largest of "
            f"{audit.families:,}; % with each attribute)",
            "family",
            audit.by_family,
        ),
    )
    print_whole(console, _group_table("By relation to the base (% with each attribute)", "relation", audit.by_relation))
    print_whole(console, _group_table("By year created, UTC (% with each attribute)", "year", audit.by_year))
