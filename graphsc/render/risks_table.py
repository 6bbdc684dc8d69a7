"""``graphsc risks`` as terminal tables (one model's flags with their paths; the whole graph's counts and most
exposed flagged models), and the risk rows ``graphsc impact`` adds. Data is printed literally."""

from __future__ import annotations

from collections.abc import Sequence

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


def flags_text(flags: Sequence[str]) -> Text:
    """Flags as comma-separated, coloured labels."""
    text = Text()
    for i, flag in enumerate(flags):
        if i:
            text.append(", ")
        text.append_text(flag_label(flag))
    return text


def _flag_table(title: str, flags: Sequence[RiskFlag], with_path: bool) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("flag")
    table.add_column("severity")
    if with_path:
        table.add_column("path (model → flagged ancestor)", overflow="fold")
    else:
        table.add_column("why", overflow="fold")
    for f in flags:
        last = Text(REASON[f.flag]) if not with_path else path_text(f)
        table.add_row(Text(f.flag), Text(f.severity, style=SEVERITY_STYLE[f.severity]), last)
    return table


def render_model_risks(risks: ModelRisks, console: Console) -> None:
    """One model: its own flags, those it inherits (with paths) and those upstream (provenance)."""
    head = Table(show_header=False, box=None, padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    if not risks.fetched:
        state = "not fetched: known only as a base, files unknown"
    elif risks.assessed:
        state = "fetched, files known"
    else:
        state = "fetched, files unknown: its record gave no details; ingest it again"
    head.add_row("model", literal(f"{risks.model}  ({state})"))
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
    """The whole graph: models per flag (own, inherited, downstream), then the most exposed flagged models."""
    population = Text(
        f"{counted(report.models, 'model')}: {report.assessed:,} assessed (files known), "
        f"{report.not_assessed:,} fetched without file details, {counted(report.stubs, 'stub')} (never fetched)"
    )
    counts = Table(title="Model-file risk flags", title_justify="left")
    for name, justify in (
        ("flag", "left"),
        ("severity", "left"),
        ("models", "right"),
        ("inherited", "right"),
        ("downstream", "right"),
    ):
        counts.add_column(name, justify=justify)  # type: ignore[arg-type]
    for c in report.counts:
        counts.add_row(
            Text(c.flag),
            Text(c.severity, style=SEVERITY_STYLE[c.severity]),
            f"{c.models:,}",
            f"{c.inherited:,}",
            f"{c.downstream:,}",
        )
    parts: list[RenderableType] = [population, counts]
    shown = report.flagged[:top]
    if shown:
        table = Table(
            title=f"Most exposed flagged models (top {len(shown)} of {len(report.flagged):,})", title_justify="left"
        )
        for name, justify in (
            ("#", "right"),
            ("model", "left"),
            ("flags", "left"),
            ("descendants", "right"),
            ("inheriting", "right"),
            ("repos", "right"),
            ("Spaces", "right"),
        ):
            table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
        for rank, m in enumerate(shown, start=1):
            table.add_row(
                str(rank),
                literal(m.model),
                flags_text(m.flags),
                f"{m.descendants:,}",
                f"{m.inheriting:,}",
                f"{m.repos:,}",
                f"{m.spaces:,}",
            )
        parts.append(table)
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
