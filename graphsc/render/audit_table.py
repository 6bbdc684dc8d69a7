"""``graphsc audit``: a model's audit (its chain's completeness, its claimed performance) or the whole graph's
distributions, as terminal tables.

Marks in the chain table: ``✓`` present, ``✗`` missing, ``?`` (base) declared by the card but not confirmed by a Hub
tag (not counted); weights: ``yes`` the repository lists weight files, ``none`` it lists files but no weights
(no weight file: often README-only), ``?`` its record lists no files.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from graphsc.render.bars import bar_table
from graphsc.render.labels import counted, share
from graphsc.render.text import literal
from graphsc.reuse.audit import NO_LINEAGE, AuditRow, GraphAudit, GroupStats, ModelAudit
from graphsc.reuse.completeness import ATTRIBUTES, BASE_MODEL, WEIGHTS, Completeness
from graphsc.reuse.performance import DATASET_NOT_LISTED, NO_SOURCE, NOT_NUMERIC, Performance

# Column headings of the attributes, short enough for one line at 120 columns.
HEADINGS: dict[str, str] = {
    "license": "license",
    "base_model": "base",
    "training_data": "data",
    "eval_results": "evals",
    "task": "task",
    "library": "lib",
    "card": "card",
}
PRESENT, MISSING, UNCONFIRMED = "✓", "✗", "?"
_WEIGHT_FILES = {True: "yes", False: "none", None: "?"}
LEGEND = (
    f"{PRESENT} present  {MISSING} missing  {UNCONFIRMED} base declared on the card, unconfirmed;  "
    "weights: yes, none (no weight file), ? (no file list)"
)


def _mark(c: Completeness, attribute: str) -> Text:
    if c.has(attribute):
        return Text(PRESENT, style="green")
    if attribute == BASE_MODEL and c.details[BASE_MODEL].startswith("declared"):
        return Text(UNCONFIRMED, style="yellow")
    return Text(MISSING, style="red")


def _number(value: float | None, text: str | None) -> Text:
    if value is not None:
        return Text(f"{value:g}")
    return literal(text or "")


def _chain_table(audit: ModelAudit) -> Table:
    own = audit.own.completeness
    title = f"Completeness of {audit.model}" if own is None else f"Completeness of {audit.model}: {own.score}/100"
    table = Table(
        title=literal(title),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )
    table.add_column("up", justify="right")
    table.add_column("model", overflow="fold")
    table.add_column("score", justify="right")
    for a in ATTRIBUTES:
        table.add_column(HEADINGS[a], justify="center")
    table.add_column("weights", justify="center")
    for row in audit.rows:
        table.add_row(*_chain_cells(row))
    return table


def _chain_cells(row: AuditRow) -> list[Text]:
    c = row.completeness
    head = [Text(str(row.distance)), literal(row.model)]
    if c is None:
        return [*head, Text("(not fetched)", style="dim"), *(Text("") for _ in ATTRIBUTES), Text("")]
    return [*head, Text(str(c.score)), *(_mark(c, a) for a in ATTRIBUTES), Text(_WEIGHT_FILES[c.weight_files])]


def _summary_lines(audit: ModelAudit) -> list[str]:
    if not audit.ancestors:
        return [f"{audit.model} has no ancestor in the graph."]
    fetched = len(audit.ancestors) - audit.ancestors_not_fetched
    lines = [
        f"Ancestors: {len(audit.ancestors)}"
        + (f" ({audit.ancestors_not_fetched} not fetched, not audited)" if audit.ancestors_not_fetched else "")
    ]
    lines += [f"  {s.text}" for s in audit.summaries if s.missing]
    if fetched and all(not s.missing for s in audit.summaries):
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
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
        table.add_column("dataset", overflow="fold")
        table.add_column("metric", overflow="fold")
        table.add_column("value", justify="right")
        table.add_column("source", overflow="fold")
        table.add_column("flags", overflow="fold")
        for c in perf.claimed:
            r = c.result
            table.add_row(
                literal(r.dataset or ""),
                literal(r.metric or ""),
                _number(r.value, r.value_text),
                literal(r.source_name or r.source_url or "(none)"),
                Text(", ".join(c.flags), style="yellow"),
            )
        console.print(table)
    if perf.comparisons:
        console.print(Text("Next to the ancestors' results (difference: this model − ancestor):"))
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
        for name in ("dataset", "metric", "this model", "ancestor", "up", "ancestor's", "difference"):
            right = name in ("this model", "up", "ancestor's", "difference")
            table.add_column(name, justify="right" if right else "left", overflow="fold")
        for comp in perf.comparisons:
            table.add_row(
                literal(comp.result.dataset or ""),
                literal(comp.result.metric or ""),
                _number(comp.result.value, comp.result.value_text),
                literal(comp.ancestor),
                Text(str(comp.distance)),
                _number(comp.base_result.value, comp.base_result.value_text),
                Text(f"{comp.difference:+g}" if comp.difference is not None else "–"),
            )
        console.print(table)
    elif perf.claimed:
        console.print(Text("No ancestor reports a result on the same dataset and metric."))
    if perf.ancestor_results:
        console.print(
            literal("Ancestors reporting results: " + ", ".join(f"{a} ({n})" for a, n in perf.ancestor_results.items()))
        )


def render_model_audit(audit: ModelAudit, console: Console) -> None:
    """Print the chain table (the model, then its ancestors nearest first), the summaries and the performance."""
    console.print(_chain_table(audit))
    console.print(Text(LEGEND, style="dim"))
    for line in _summary_lines(audit):
        console.print(literal(line))
    if not audit.own.fetched:
        console.print(literal(f"{audit.model} is not fetched (known only as a base): graphsc has no record of it."))
        return
    _performance(audit.performance, console)


def _group_table(title: str, heading: str, groups: Sequence[GroupStats]) -> Table:
    table = Table(
        title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True
    )
    # Whole percents without the sign (the title says so): ten numeric columns leave the name room at 80 columns.
    table.add_column(heading, overflow="fold")
    table.add_column("models", justify="right")
    table.add_column("score", justify="right")
    for a in ATTRIBUTES:
        table.add_column(HEADINGS[a], justify="right")
    table.add_column("no wts", justify="right")
    for g in groups:
        table.add_row(
            literal(g.name),
            Text(f"{g.models:,}"),
            Text(f"{g.mean_score:.1f}" if g.mean_score is not None else "–"),
            *(Text(_percent(g.with_attribute[a], g.models)) for a in ATTRIBUTES),
            Text(_percent(g.no_weight_files, g.models)),
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
    if audit.base_unconfirmed:
        console.print(
            f"{counted(audit.base_unconfirmed, 'model')} with no confirmed base but one declared on the card "
            "that no Hub tag confirms (not counted as a base)."
        )
    console.print(
        _group_table(
            f"By family ({len([g for g in audit.by_family if g.name != NO_LINEAGE])} largest of "
            f"{audit.families:,}; % with each attribute)",
            "family",
            audit.by_family,
        )
    )
    console.print(_group_table("By relation to the base (% with each attribute)", "relation", audit.by_relation))
    console.print(_group_table("By year created (% with each attribute)", "year", audit.by_year))
