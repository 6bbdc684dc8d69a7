"""``graphsc check`` in the terminal: one block per violation (rule, action, node and license, the chain behind
it, waiver/allow status), then a summary line and the waivers that matched nothing or have expired."""

from __future__ import annotations

from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from graphsc.policy.evaluate import CheckResult, Hop, Violation
from graphsc.policy.model import Waiver
from graphsc.render.labels import counted
from graphsc.render.text import literal, visible

ACTION_STYLE = {"deny": "bold red", "warn": "yellow"}
STATUS_STYLE = {"violation": "bold", "allowed": "green", "waived": "cyan"}
SUBJECTS_SHOWN = 3


def _headline(v: Violation) -> Text:
    text = Text()
    text.append(v.action.upper(), style=ACTION_STYLE.get(v.action, ""))
    text.append("  ")
    text.append(literal(v.rule, style="bold"))
    text.append("  ")
    text.append(literal(f"{v.node} [{v.license}]"))
    text.append(f"  ({v.node_kind}" + ("; " + ", ".join(v.positions) if v.positions else "") + ")", style="dim")
    if v.status != "violation":
        text.append(f"  {v.status}", style=STATUS_STYLE[v.status])
    return text


def _chain_text(chain: tuple[Hop, ...], finding: bool) -> Text:
    text = Text()
    for i, hop in enumerate(chain):
        if i:
            text.append("\n↳ ")
            previous = chain[i - 1].relation
            if previous:
                text.append(visible(previous) + "  ", style="dim")
        text.append(visible(f"{hop.id} [{hop.license}]"), style="bold" if i == len(chain) - 1 else "")
    if finding and len(chain) > 1:
        text.append("  (the finding's child)", style="dim")
    return text


def _subjects_text(v: Violation) -> Text:
    names = [*v.subjects, *v.repos]
    shown = ", ".join(names[:SUBJECTS_SHOWN]) + (
        f" (+{len(names) - SUBJECTS_SHOWN:,} more)" if len(names) > SUBJECTS_SHOWN else ""
    )
    text = Text(counted(v.subject_count, "subject") + ": ")
    text.append(visible(shown))
    return text


def violation_block(v: Violation) -> Group:
    """One violation: headline, then rows for message, finding, chain, subjects, status."""
    rows = Table.grid(padding=(0, 2))
    rows.add_column(style="dim", no_wrap=True)
    rows.add_column(overflow="fold")
    if v.message:
        rows.add_row("message", literal(v.message))
    if v.finding is not None:
        rows.add_row("finding", literal(f"{v.finding.key}: {v.finding.description}"))
    if v.chain:
        rows.add_row("chain", _chain_text(v.chain, v.finding is not None))
    if v.subject_count:
        rows.add_row("affects", _subjects_text(v))
    if v.status == "allowed":
        rows.add_row("status", Text("allowed by rule ", style="green") + literal(v.allowed_by))
    elif v.status == "waived" and v.waiver is not None:
        w = v.waiver
        rows.add_row(
            "status",
            Text("waived ", style="cyan")
            + literal(f"({w.label}; {w.reason}; owner {w.owner}; until {w.expires.isoformat()})"),
        )
    for note in v.notes:
        rows.add_row("note", literal(note, style="yellow"))
    rows.add_row("key", literal(v.key))
    return Group(_headline(v), Padding(rows, (0, 0, 1, 4), expand=False))


def _waiver_line(w: Waiver) -> Text:
    where = f"line {w.line}" if w.line is not None else f"waivers[{w.index}]"
    return literal(f"  {where}: {w.label} (owner {w.owner}, expires {w.expires.isoformat()})")


def summary_line(result: CheckResult) -> Text:
    """``FAILED``/``PASSED`` with the counts per action and status, and the scope."""
    counts = result.counts
    parts = [
        f"{action}: {counted(c['violation'], 'violation')}, {c['allowed']:,} allowed, {c['waived']:,} waived"
        for action, c in counts.items()
    ]
    text = Text("FAILED" if result.failed else "PASSED", style="bold red" if result.failed else "bold green")
    text.append(" — " + "; ".join(parts) + " — ")
    text.append(visible(result.scope_label))
    return text


def render_check(result: CheckResult, console: Console) -> None:
    """The whole terminal report of a policy check."""
    where = result.policy.path
    header = Text("Policy check", style="bold")
    if where is not None:
        header.append(" of ")
        header.append(literal(str(where)))
    header.append(f" ({counted(len(result.policy.rules), 'rule')}, {counted(len(result.policy.waivers), 'waiver')})")
    console.print(header)
    console.print()
    if not result.violations:
        console.print("No rule matched.")
    for v in result.violations:
        console.print(violation_block(v))
    console.print(summary_line(result))
    if result.unused_waivers:
        console.print(Text("Waivers that matched nothing (remove them, or fix their key):", style="yellow"))
        for w in result.unused_waivers:
            console.print(_waiver_line(w))
    if result.expired_waivers:
        console.print(Text(f"Expired waivers (before {result.today.isoformat()}):", style="yellow"))
        for w in result.expired_waivers:
            console.print(_waiver_line(w))
