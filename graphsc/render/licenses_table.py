"""``graphsc licenses`` in the terminal, and the short form ``graphsc demo`` ends with.

Laid out for a 100-column terminal: a summary table (kind × severity), the share of repository/Space usages in
conflict, then one block per conflict (headline, origin edge, rule, clauses, reach), and a closing line saying what
was not shown and how to see it.
"""

from __future__ import annotations

from collections import Counter

from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from graphsc.licenses.findings import Conflict, LicenseReport
from graphsc.licenses.select import SEVERITIES, Entry, Hop, Hotspot, Selection, hotspots
from graphsc.render.labels import counted, share
from graphsc.render.licenses_shared import license_texts, severity_counts
from graphsc.render.text import literal, visible

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}
EXAMPLES_SHOWN = 3  # reached models / repositories named per conflict
_HOP_ROLE_WORDS = {
    "source": "source of the obligation",
    "via": "made from it, carries the obligation",
    "origin": "origin: dropped here",
    "inherited": "inherited",
}
_LEFT_OUT_WORDS = {
    "below_min_severity": "below --severity {sev} (--severity info shows all)",
    "other_kinds": "of other kinds (--kind)",
    "below_min_impact": "reaching fewer than {impact} models+repos (--min-impact)",
    "beyond_limit": "beyond --limit {limit}",
}


def _uses_line(report: LicenseReport) -> str:
    u = report.uses
    if not u.total:
        return "No repository/Space → model usages in the graph."
    return (
        f"Repository/Space usages in conflict: {u.in_conflict:,} of {u.checkable:,} checkable "
        f"({share(u.in_conflict, u.checkable)}); {counted(u.total, 'usage')} in all "
        f"({share(u.in_conflict, u.total)}), "
        f"{u.total - u.checkable:,} not checkable (the user's license is unknown or missing)."
    )


def _reach_text(c: Conflict) -> str:
    models, downloads, repos = c.impact
    text = f"{counted(models, 'model')} · {counted(downloads, 'download')} · {counted(repos, 'repo')}"
    return text + (f" · {counted(len(c.reached_datasets), 'dataset')}" if c.reached_datasets else "")


def chain_text(c: Conflict) -> str | None:
    """A training or dataset finding's chain, from the dataset whose license imposes the obligation down to the
    finding's child, with licenses: ``d/nc [CC-BY-NC-4.0] → d/derived [MIT] → org/m [Apache-2.0]``; None when the
    base's own license imposes it (the edge line says it all) or the finding has no chain."""
    if len(c.chain) < 2:
        return None
    licenses = c.chain_licenses if len(c.chain_licenses) == len(c.chain) else ("?",) * len(c.chain)
    hops = [f"{d} [{lic}]" for d, lic in zip(c.chain, licenses)]
    return " → ".join([*hops, f"{c.child} [{c.child_license}]"])


def _examples(ids: tuple[str, ...], skip: str | None = None) -> str:
    chosen = [i for i in ids if i != skip]
    text = ", ".join(chosen[:EXAMPLES_SHOWN])
    return text + (f" (+{len(chosen) - EXAMPLES_SHOWN:,} more)" if len(chosen) > EXAMPLES_SHOWN else "")


def summary_table(report: LicenseReport) -> Table:
    """Conflicts by kind (rows) and severity (columns), with totals."""
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("kind")
    for s in SEVERITIES:
        table.add_column(s, justify="right", style=SEVERITY_STYLE[s])
    table.add_column("total", justify="right")
    for kind, by_sev in severity_counts(report.conflicts).items():
        table.add_row(kind, *(f"{by_sev[s]:,}" for s in SEVERITIES), f"{sum(by_sev.values()):,}")
    by_sev = report.counts_by_severity()
    table.add_row(
        Text("all", style="bold"),
        *(f"{by_sev[s]:,}" for s in SEVERITIES),
        f"{len(report.conflicts):,}",
        end_section=True,
    )
    return table


def render_summary(report: LicenseReport, console: Console) -> None:
    """The header, the kind × severity table and the usages-in-conflict line."""
    console.print(
        Text(
            f"License propagation over {counted(report.models, 'model')}, "
            f"{counted(report.lineage_edges, 'lineage edge')} "
            f"and {counted(report.uses.total, 'repository/Space usage')} (engine {report.seconds:.2f} s)",
            style="bold",
        )
    )
    if not report.conflicts:
        console.print("No license conflicts.")
    else:
        console.print(Padding(summary_table(report), (1, 0, 1, 2), expand=False))
    console.print(_uses_line(report))
    if report.cycle_edges_ignored:
        console.print(f"{counted(len(report.cycle_edges_ignored), 'lineage edge')} inside declared cycles ignored.")


def _headline(rank: int, e: Entry) -> Text:
    c = e.conflict
    text = Text(f"{rank:>3}  ")
    text.append(c.severity.upper(), style=SEVERITY_STYLE[c.severity])
    text.append(f"  {c.kind}", style="bold")
    text.append(f"  rule {c.rule}, {c.edge} edge")
    if e.role is not None:
        text.append(f"  [{e.role}]", style="cyan")
    return text


def _edge_text(c: Conflict) -> Text:
    text = literal(f"{c.child} [{c.child_license}]")
    if c.bases:
        text.append(visible(f" ← merge of {', '.join(c.bases)}"))
    elif c.base is not None:
        text.append(visible(f" ← {c.relation or c.edge}  {c.base} [{c.base_license}]"))
    return text


def _path_text(path: tuple[Hop, ...]) -> Text:
    """Sources on the first line (a merge's parents joined with ``+``), then one ``↳ relation child`` line per
    hop down to the model."""
    text = Text()
    sources = [h for h in path if h.role == "source"]
    for i, hop in enumerate(sources):
        text.append(" + " if i else "")
        text.append(visible(f"{hop.id} [{hop.license}]"), style="bold" if hop.is_model else "")
        text.append(" (this model)" if hop.is_model else "", style="dim")
    text.append(" — " + _HOP_ROLE_WORDS["source"] + ("s" if len(sources) > 1 else ""), style="dim")
    for hop in path[len(sources) :]:
        text.append("\n↳ ")
        if hop.relation:
            text.append(f"{visible(hop.relation)}  ", style="dim")
        text.append(visible(f"{hop.id} [{hop.license}]"), style="bold" if hop.is_model else "")
        text.append(f" — {_HOP_ROLE_WORDS[hop.role]}" + (" (this model)" if hop.is_model else ""), style="dim")
    return text


def conflict_block(rank: int, e: Entry) -> Group:
    """One conflict: headline, origin edge (with ``--model``: the path from the obligation's source through
    the origin edge to the model), rule, dropped obligations with their clauses, reach."""
    c = e.conflict
    rows = Table.grid(padding=(0, 2))
    rows.add_column(style="dim", no_wrap=True)
    rows.add_column(overflow="fold")
    if e.path:
        rows.add_row("path", _path_text(e.path))
    else:
        rows.add_row("edge", _edge_text(c))
        chain = chain_text(c)
        if chain is not None:
            rows.add_row("chain", literal(chain))
    rows.add_row("rule", literal(c.description))
    rows.add_row("dropped", literal("; ".join(c.dropped)))
    rows.add_row("clauses" if len(c.clauses) > 1 else "clause", Text("\n").join(literal(cl) for cl in c.clauses))
    texts = license_texts(c.origin_licenses)
    if texts:
        rows.add_row(
            "text",
            Text("\n").join(
                literal(f"{lid}: {t['url']}" + ("" if t["verified"] else " (not verified)")) for lid, t in texts.items()
            ),
        )
    rows.add_row("reach", literal(_reach_text(c)))
    if len(c.reached_models) > 1 or (c.reached_models and c.reached_models[0] != c.child):
        rows.add_row("models", literal(_examples(c.reached_models, skip=c.child)))
    repos = [r for r in c.reached_repos if r != c.child]
    if repos:
        rows.add_row("repos", literal(_examples(c.reached_repos, skip=c.child)))
    if len(c.reached_datasets) > 1:
        rows.add_row("datasets", literal(_examples(c.reached_datasets, skip=c.child)))
    return Group(_headline(rank, e), Padding(rows, (0, 0, 1, 5), expand=False))


def _hotspot_lines(title: str, spots: list[Hotspot]) -> Text:
    text = Text(title, style="bold")
    for h in spots:
        text.append(f"\n  {h.conflicts:>5,}  " + visible(f"{h.id} [{h.license}]"))
    return text


def render_hotspots(selection: Selection, console: Console, n: int = 5) -> None:
    """Where the selected conflicts concentrate (upstream models most often dropped, biggest droppers):
    what a reviewer fixes first when many conflicts tie on impact."""
    upstream, droppers = hotspots(selection.matched, n)
    if upstream:
        console.print(_hotspot_lines("Upstream models whose terms are dropped most often (conflicts):", upstream))
    if droppers:
        console.print(_hotspot_lines("Models and repositories dropping the most terms (conflicts):", droppers))
    if upstream or droppers:
        console.print()


def not_shown_line(selection: Selection) -> str | None:
    """What the filters left out, in words, or None when everything is shown."""
    f = selection.filters
    parts = [
        counted(n, "conflict")
        + " "
        + _LEFT_OUT_WORDS[reason].format(sev=f.min_severity, impact=f.min_impact, limit=f.limit)
        for reason, n in selection.left_out.items()
        if n
    ]
    return "Not shown: " + "; ".join(parts) + "." if parts else None


def render_report(report: LicenseReport, selection: Selection, console: Console) -> None:
    """The whole terminal report. Without ``--model``: summary, hotspots, the top conflicts as blocks; with it:
    the conflicts touching that model with their paths. Then what the filters left out."""
    f = selection.filters
    shown = selection.shown
    scope = (
        f"severity ≥ {f.min_severity}"
        + (f", kinds {', '.join(f.kinds)}" if f.kinds else "")
        + (f", reach ≥ {f.min_impact}" if f.min_impact else "")
    )
    if f.model is None:
        render_summary(report, console)
        console.print()
        console.print(
            Text(f"Top conflicts by impact: {len(shown):,} of {len(selection.matched):,} ({scope})", style="bold")
        )
        console.print()
        render_hotspots(selection, console)
    else:
        roles = Counter(e.role for e in selection.matched)
        console.print(
            Text(
                f"Conflicts touching {visible(f.model)} [{visible(str(selection.model_license))}]: "
                f"{len(selection.matched):,} "
                f"({scope}); {roles['origin']:,} dropped at it, {roles['inherited']:,} inherited from "
                f"an ancestor, {roles['downstream']:,} dropped downstream of it",
                style="bold",
            )
        )
        console.print()
    if not shown:
        console.print(
            "  None."
            if f.model is None
            else "  None: this model neither drops nor inherits a dropped "
            "obligation, and nothing downstream drops one of its own."
        )
    for rank, e in enumerate(shown, 1):
        console.print(conflict_block(rank, e))
    line = not_shown_line(selection)
    if line:
        console.print(literal(line))


def render_top(report: LicenseReport, selection: Selection, console: Console) -> None:
    """The short form ``graphsc demo`` ends with: the summary, the hotspots, the first conflicts of
    ``selection``."""
    render_summary(report, console)
    console.print()
    console.print(
        Text(
            f"Top {len(selection.shown)} of {counted(len(selection.matched), 'conflict')} "
            f"(severity ≥ {selection.filters.min_severity}); all of them: graphsc licenses",
            style="bold",
        )
    )
    console.print()
    render_hotspots(selection, console, n=EXAMPLES_SHOWN)
    for rank, e in enumerate(selection.shown, 1):
        console.print(conflict_block(rank, e))
