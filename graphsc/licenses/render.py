"""Selecting and rendering license conflicts (terminal table, JSON rows)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from graphsc.errors import GraphscError
from graphsc.licenses.findings import Conflict, LicenseReport
from graphsc.licenses.rules import SEVERITY_ORDER


def select(report: LicenseReport, model: str | None = None, kinds: list[str] | None = None,
           min_severity: str | None = None) -> list[Conflict]:
    """The report's conflicts (ranked) filtered by model (origin or inherited), kinds and minimum severity."""
    if min_severity is not None and min_severity not in SEVERITY_ORDER:
        raise GraphscError(f"Unknown severity {min_severity!r}.", "Use error, warning or info.")
    floor = SEVERITY_ORDER[min_severity or "info"]
    pool = [c for c, _ in report.for_model(model)] if model else report.conflicts
    wanted = set(kinds or ())
    return [c for c in pool if SEVERITY_ORDER[c.severity] <= floor and (not wanted or c.kind in wanted)]


def conflict_rows(conflicts: list[Conflict]) -> list[dict[str, Any]]:
    """Conflicts as JSON-ready dicts, with their impact and one-line detail."""
    rows = []
    for c in conflicts:
        row = asdict(c)
        row["impact"] = dict(zip(("models", "downloads", "repos"), c.impact))
        row["detail"] = c.detail
        rows.append(row)
    return rows


def render_table(report: LicenseReport, conflicts: list[Conflict], limit: int, console: Any) -> None:
    """A rich table of the top ``limit`` conflicts and a summary line."""
    from rich.table import Table

    table = Table(title=f"License conflicts ({len(conflicts)} shown by impact, top {min(limit, len(conflicts))})")
    for column in ("severity", "kind", "edge", "licenses", "reach", "clause"):
        table.add_column(column, overflow="fold")
    for c in conflicts[:limit]:
        edge = f"{c.child} ← {', '.join(c.bases) if c.bases else c.base}"
        models, downloads, repos = c.impact
        table.add_row(c.severity, c.kind, edge, f"{c.child_license} ← {c.base_license}",
                      f"{models} models, {downloads:,} dl, {repos} repos", c.clauses[0] if c.clauses else "")
    console.print(table)
    by_kind = ", ".join(f"{k} {n}" for k, n in report.counts_by_kind().most_common())
    console.print(f"{len(report.conflicts)} conflicts ({by_kind}); usages in conflict "
                  f"{report.uses.in_conflict}/{report.uses.total}; {report.seconds:.1f}s")
