"""``graphsc risks`` as terminal tables (one model's flags with their paths; the whole graph's counts and most
exposed flagged models), and the risk rows ``graphsc impact`` adds. Data is printed literally."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from graphsc.render.labels import counted
from graphsc.render.text import literal
from graphsc.reuse.risks import ERROR, NOTE, REASON, SEVERITY, WARNING, GraphRisks, ImpactRisks, ModelRisks, RiskFlag

SEVERITY_STYLE = {ERROR: "bold red", WARNING: "yellow", NOTE: "cyan"}


def path_text(flag: RiskFlag) -> Text:
    """``a ─adapter→ b ─finetune→ c``: the path from the model up to the flag's carrier, with each edge's relation."""
    text = literal(flag.path[0])
    for relation, model in zip(flag.relations, flag.path[1:], strict=True):
        text.append(f" ─{relation}→ ", style="dim")
        text.append_text(literal(model))
    return text


def flag_label(flag: str) -> Text:
    """``pickle-only (warning)``, coloured by severity."""
    severity = SEVERITY[flag]
    return Text(f"{flag} ({severity})", style=SEVERITY_STYLE[severity])


def flags_text(flags: Sequence[str], with_severity: bool = True, separator: str = ", ") -> Text:
    """Flags as labels coloured by severity, each with its severity in brackets unless ``with_severity`` is false
    (a table that gives each flag's severity once elsewhere), joined by ``separator``."""
    text = Text()
    for i, flag in enumerate(flags):
        if i:
            text.append(separator)
        text.append_text(flag_label(flag) if with_severity else Text(flag, style=SEVERITY_STYLE[SEVERITY[flag]]))
    return text


def _table(title: str | None = None) -> Table:
    """A light table (a rule under the header, no borders), as ``graphsc audit``'s: ids keep the width."""
    return Table(
        title=literal(title) if title is not None else None,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )


def _flag_table(title: str, flags: Sequence[RiskFlag], with_path: bool) -> Table:
    table = _table(title)
    table.add_column("flag", no_wrap=True)
    table.add_column("severity", no_wrap=True)
    if with_path:
        table.add_column("path (model → flagged ancestor)", overflow="fold")
    else:
        table.add_column("why", overflow="fold")
    for f in flags:
        last = Text(REASON[f.flag]) if not with_path else path_text(f)
        style = SEVERITY_STYLE[f.severity]
        table.add_row(Text(f.flag, style=style), Text(f.severity, style=style), last)
    return table


def stub_reason(risks: ModelRisks) -> str:
    """Why a stub (a model graphsc never fetched) is in the graph: 'a base of 2 models, used by 1 repository and
    3 Spaces', or 'only named' (no model derives from it, nothing uses it)."""
    reasons = [f"a base of {counted(risks.base_of, 'model')}"] if risks.base_of else []
    users = [
        text
        for n, text in (
            (risks.repos, counted(risks.repos, "repository", "repositories")),
            (risks.spaces, counted(risks.spaces, "Space")),
        )
        if n
    ]
    if users:
        reasons.append("used by " + " and ".join(users))
    return ", ".join(reasons) or "only named"


def render_model_risks(risks: ModelRisks, console: Console) -> None:
    """One model: its own flags, those it inherits (with paths) and those upstream (provenance)."""
    head = Table(show_header=False, box=None, padding=(0, 2))
    head.add_column(style="bold", no_wrap=True)
    head.add_column(overflow="fold")
    if not risks.fetched:
        state = f"not fetched: files unknown; {stub_reason(risks)}"
    elif risks.assessed:
        state = "fetched, files known"
    else:
        state = "fetched, files unknown: its record gave no details; ingest it again"
    head.add_row("model", literal(risks.model))
    head.add_row("state", Text(state))
    # what loading the model exposes: its own flags and those it inherits (not the upstream ones)
    head.add_row("on load", flags_text(risks.flags) if risks.flags else Text("no risk flag", style="green"))
    parts: list[RenderableType] = [literal(f"Risks of {risks.model}", style="bold underline"), head]
    if risks.own:
        parts.append(_flag_table("Own flags", risks.own, with_path=False))
    if risks.inherited:
        parts.append(_flag_table("Inherited: loaded at run time through adapter edges", risks.inherited, True))
    if risks.upstream:
        parts.append(
            _flag_table("Upstream: ancestors' flags, provenance only (new weights made)", risks.upstream, True)
        )
    console.print(Group(*parts))


def render_graph_risks(report: GraphRisks, top: int, console: Console) -> None:
    """The whole graph: models per flag (own, inherited, downstream), then the most exposed flagged models (their
    flags coloured by severity: the first table gives each flag's severity once)."""
    if not report.models:
        console.print(Text("No model in the graph: ingest some first (graphsc ingest, or graphsc demo)."))
        return
    population = Text(
        f"{counted(report.models, 'model')}: {report.assessed:,} assessed (files known), "
        f"{report.not_assessed:,} fetched without file details, {counted(report.stubs, 'stub')} (never fetched)"
    )
    counts = _table("Model-file risk flags")
    counts.add_column("flag", no_wrap=True)
    counts.add_column("severity", no_wrap=True)
    for name in ("models", "inherited", "downstream"):
        counts.add_column(name, justify="right", no_wrap=True)
    for c in report.counts:
        style = SEVERITY_STYLE[c.severity]
        counts.add_row(
            Text(c.flag, style=style),
            Text(c.severity, style=style),
            f"{c.models:,}",
            f"{c.inherited:,}",
            f"{c.downstream:,}",
        )
    parts: list[RenderableType] = [population, counts]
    shown = report.flagged[:top]
    if shown:
        table = _table(f"Most exposed flagged models (top {len(shown)} of {len(report.flagged):,})")
        # Every column but the ids' keeps its width (no_wrap); the ids take the rest, each on one line as long as
        # the longest fits, folded (never cut) when the terminal is narrower still.
        table.add_column("model", overflow="fold")
        table.add_column("flags", no_wrap=True)
        for name in ("below", "loading", "repos", "Spaces"):
            table.add_column(name, justify="right", no_wrap=True)
        for m in shown:
            table.add_row(
                literal(m.model),
                flags_text(m.flags, with_severity=False, separator="\n"),
                f"{m.descendants:,}",
                f"{m.inheriting:,}",
                f"{m.repos:,}",
                f"{m.spaces:,}",
            )
        parts.append(table)
        parts.append(
            Text("below: descendants; loading: via adapters; repos/Spaces: using it or one below", style="dim")
        )
    else:
        parts.append(Text("No model carries a risk flag.", style="green"))
    console.print(Group(*parts))


def impact_risk_rows(found: ImpactRisks) -> list[tuple[str, Text]]:
    """The rows ``graphsc impact`` adds under its head when the model carries or inherits a flag (none when it
    has none): the flags, each inherited one's path, and what below it is exposed."""
    risks = found.risks
    if not risks.flagged:
        return []
    rows: list[tuple[str, Text]] = [("risks", flags_text(risks.flags))]
    rows.extend(("", Text(f"{f.flag} inherited: ", style="dim") + path_text(f)) for f in risks.inherited)
    exposed = (
        f"{counted(found.descendants, 'descendant')} "
        f"({found.inheriting:,} loading it through adapters) and "
        f"{counted(found.exposed_users, 'repository/Space', 'repositories/Spaces')} exposed"
    )
    rows.append(("exposed", Text(exposed)))
    return rows
