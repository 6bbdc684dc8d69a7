"""``graphsc diff`` in the terminal: a summary line of counts, then one section per kind of change that has any
(long ones cut at ``limit`` rows with "… and N more"); unchanged findings only as a count.

The plain-text rows of each section (``section_rows``) and the count phrases (``summary_parts``) are shared with
the Markdown view (``diff_markdown``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from graphsc.render.labels import counted
from graphsc.render.text import literal
from graphsc.snapshot.diff import (
    CHANGE_KINDS,
    EdgeChange,
    FieldChange,
    FindingChange,
    GraphDiff,
    LicenseChange,
    ModelRename,
)
from graphsc.snapshot.state import EdgeFacts, FindingFacts, ModelFacts, NodeFacts, TrainingFacts, UsageFacts

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}
TABLE_LIMIT = 20  # rows shown per section in the terminal

# Per kind of change: the section title, and the count's noun (singular, plural) for the summary line.
TITLES: dict[str, tuple[str, str, str]] = {
    "models_added": ("Models added", "model added", "models added"),
    "models_removed": ("Models removed", "model removed", "models removed"),
    "models_renamed": ("Models renamed", "model renamed", "models renamed"),
    "licenses_changed": ("Model licenses changed", "license changed", "licenses changed"),
    "fields_changed": ("Model fields changed", "field changed", "fields changed"),
    "datasets_added": ("Datasets added", "dataset added", "datasets added"),
    "datasets_removed": ("Datasets removed", "dataset removed", "datasets removed"),
    "node_licenses_changed": (
        "Dataset, repository and Space licenses changed",
        "dataset/repo/Space license changed",
        "dataset/repo/Space licenses changed",
    ),
    "edges_added": ("Lineage edges added", "lineage edge added", "lineage edges added"),
    "edges_removed": ("Lineage edges removed", "lineage edge removed", "lineage edges removed"),
    "relations_changed": ("Lineage relations changed", "relation changed", "relations changed"),
    "bases_renamed": ("Lineage bases renamed", "base renamed", "bases renamed"),
    "training_added": ("Training data added", "training edge added", "training edges added"),
    "training_removed": ("Training data removed", "training edge removed", "training edges removed"),
    "usage_added": ("Usages added", "usage added", "usages added"),
    "usage_removed": ("Usages removed", "usage removed", "usages removed"),
    "findings_new": ("New findings", "new finding", "new findings"),
    "findings_resolved": ("Resolved findings", "resolved finding", "resolved findings"),
    "findings_changed": ("Findings with another severity", "finding changed severity", "findings changed severity"),
}


def finding_detail(f: FindingFacts) -> str:
    """One line for humans, as ``Conflict.detail``: rule, edge with licenses, what was dropped."""
    where = f"merge of {', '.join(f.bases)}" if f.bases else f"{f.base} [{f.base_license}]"
    return f"{f.description}: {f.child} [{f.child_license}] ← {where}: " + "; ".join(f.dropped)


def _model(m: ModelFacts) -> tuple[str, ...]:
    return (m.id, m.license, m.author or "")


def _rename(r: ModelRename) -> tuple[str, ...]:
    return (r.old.id, r.new.id)


def _license(c: LicenseChange) -> tuple[str, ...]:
    return (c.id, c.old_license, c.new_license)


def _node_license(c: LicenseChange) -> tuple[str, ...]:
    return (c.kind, c.id, c.old_license, c.new_license)


def _field(c: FieldChange) -> tuple[str, ...]:
    return (c.id, c.field, _value(c.old), _value(c.new))


def _value(v: object) -> str:
    return "(none)" if v is None else str(v).lower() if isinstance(v, bool) else str(v)


def _dataset(n: NodeFacts) -> tuple[str, ...]:
    return (n.id, n.license)


def _edge(e: EdgeFacts) -> tuple[str, ...]:
    return (e.child, e.relation, e.base)


def _relation(c: EdgeChange) -> tuple[str, ...]:
    return (c.new.child, c.new.base, c.old.relation, c.new.relation)


def _base_rename(c: EdgeChange) -> tuple[str, ...]:
    relation = c.new.relation if not c.relation_changed else f"{c.old.relation} → {c.new.relation}"
    return (c.new.child, c.old.base, c.new.base, relation)


def _training(t: TrainingFacts) -> tuple[str, ...]:
    return (t.model, t.dataset)


def _usage(u: UsageFacts) -> tuple[str, ...]:
    return (f"{u.user} ({u.user_kind})", u.model, u.evidence or u.source)


def _finding(f: FindingFacts) -> tuple[str, ...]:
    return (f.severity, f.rule, finding_detail(f))


def _finding_change(c: FindingChange) -> tuple[str, ...]:
    return (f"{c.old.severity} → {c.new.severity}", c.new.rule, finding_detail(c.new))


# Per kind of change: the column headers and the plain-text cells of one item.
COLUMNS: dict[str, tuple[tuple[str, ...], Callable[[Any], tuple[str, ...]]]] = {
    "models_added": (("model", "license", "author"), _model),
    "models_removed": (("model", "license", "author"), _model),
    "models_renamed": (("old id", "new id"), _rename),
    "licenses_changed": (("model", "old license", "new license"), _license),
    "fields_changed": (("model", "field", "old", "new"), _field),
    "datasets_added": (("dataset", "license"), _dataset),
    "datasets_removed": (("dataset", "license"), _dataset),
    "node_licenses_changed": (("kind", "id", "old license", "new license"), _node_license),
    "edges_added": (("child", "relation", "base"), _edge),
    "edges_removed": (("child", "relation", "base"), _edge),
    "relations_changed": (("child", "base", "old relation", "new relation"), _relation),
    "bases_renamed": (("child", "old base", "new base", "relation"), _base_rename),
    "training_added": (("model", "dataset"), _training),
    "training_removed": (("model", "dataset"), _training),
    "usage_added": (("user", "model", "evidence"), _usage),
    "usage_removed": (("user", "model", "evidence"), _usage),
    "findings_new": (("severity", "rule", "finding"), _finding),
    "findings_resolved": (("severity", "rule", "finding"), _finding),
    "findings_changed": (("severity", "rule", "finding"), _finding_change),
}


def section_rows(diff: GraphDiff, kind: str) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The column headers and the plain-text rows of one kind of change (every row; views cut long lists)."""
    headers, cells = COLUMNS[kind]
    return headers, [cells(item) for item in getattr(diff, kind)]


def summary_parts(diff: GraphDiff) -> list[str]:
    """Each non-zero count as words ("2 licenses changed"), in ``CHANGE_KINDS`` order."""
    return [counted(n, TITLES[kind][1], TITLES[kind][2]) for kind, n in diff.counts().items() if n and kind in TITLES]


def heading(diff: GraphDiff) -> str:
    """``old (time) → new (time)``, and the scope when there is one."""
    text = f"{diff.old_label} ({diff.old_taken_at}) → {diff.new_label} ({diff.new_taken_at})"
    if diff.scope is not None:
        what = f"model {diff.scope.model}" if diff.scope.model is not None else f"repository {diff.scope.repo}"
        text += f", scope: {what}"
        if diff.scope_models is not None:
            text += f" ({counted(diff.scope_models, 'model')})"
    return text


def findings_line(diff: GraphDiff) -> str:
    """How many findings stood unchanged, or that findings were not compared."""
    if not diff.findings_compared:
        return "Findings not compared: a state was saved without its license findings."
    return f"{counted(len(diff.findings_unchanged), 'finding')} unchanged."


def _section(diff: GraphDiff, kind: str, limit: int) -> Table:
    headers, rows = section_rows(diff, kind)
    table = Table(box=None, pad_edge=False, header_style="bold", show_edge=False)
    for h in headers:
        table.add_column(h, overflow="fold")
    severity_first = kind.startswith("findings")
    for row in rows[:limit]:
        cells = [literal(c) for c in row]
        if severity_first and row[0] in SEVERITY_STYLE:
            cells[0].stylize(SEVERITY_STYLE[row[0]])
        table.add_row(*cells)
    return table


def render_diff(diff: GraphDiff, console: Console, limit: int = TABLE_LIMIT) -> None:
    """The whole terminal view of ``diff``: heading, summary line, then a section per kind of change that has
    any, each cut at ``limit`` rows."""
    console.print(Text("Diff ", style="bold") + literal(heading(diff), style="bold"))
    parts = summary_parts(diff)
    console.print(literal(("; ".join(parts) + ".") if parts else "No changes.") + " " + literal(findings_line(diff)))
    for kind in CHANGE_KINDS:
        items = getattr(diff, kind)
        if not items:
            continue
        console.print()
        console.print(Text(f"{TITLES[kind][0]} ({len(items):,})", style="bold"))
        console.print(Padding(_section(diff, kind, limit), (0, 0, 0, 2), expand=False))
        if len(items) > limit:
            console.print(Text(f"  … and {len(items) - limit:,} more", style="dim"))
