"""``graphsc licenses --format csv``: one row per shown conflict.

Columns are only added, at the end: ``chain`` lists a training-data or dataset finding's datasets, from the one whose
license imposes the obligation down to its base (``d/nc | d/derived``; empty for other edges), and
``reached_datasets`` counts the datasets a dataset finding's drop is carried on by (the dataset itself and those made
from it; 0 for other findings), as ``reached_models`` counts models."""

from __future__ import annotations

import io

from graphsc.licenses.select import Selection
from graphsc.render.csv_rows import CsvDictWriter

CSV_COLUMNS: tuple[str, ...] = (
    "rank",
    "severity",
    "kind",
    "rule",
    "edge",
    "relation",
    "child",
    "child_type",
    "child_license",
    "base",
    "bases",
    "base_license",
    "origin_licenses",
    "dropped",
    "clauses",
    "reached_models",
    "reached_downloads",
    "reached_repos",
    "role",
    "description",
    "chain",
    "reached_datasets",
)
LIST_SEPARATOR = " | "


def licenses_csv(selection: Selection) -> str:
    """One CSV row per shown conflict, columns ``CSV_COLUMNS`` (lists joined with `` | ``, reach as counts)."""
    out = io.StringIO()
    writer = CsvDictWriter(out, CSV_COLUMNS)
    writer.writeheader()
    for rank, e in enumerate(selection.shown, 1):
        c = e.conflict
        models, downloads, repos = c.impact
        writer.writerow(
            {
                "rank": rank,
                "severity": c.severity,
                "kind": c.kind,
                "rule": c.rule,
                "edge": c.edge,
                "relation": c.relation or "",
                "child": c.child,
                "child_type": c.child_type,
                "child_license": c.child_license,
                "base": c.base or "",
                "bases": LIST_SEPARATOR.join(c.bases),
                "base_license": c.base_license or "",
                "origin_licenses": LIST_SEPARATOR.join(c.origin_licenses),
                "dropped": LIST_SEPARATOR.join(c.dropped),
                "clauses": LIST_SEPARATOR.join(c.clauses),
                "reached_models": models,
                "reached_downloads": downloads,
                "reached_repos": repos,
                "role": e.role or "",
                "description": c.description,
                "chain": LIST_SEPARATOR.join(c.chain),
                "reached_datasets": len(c.reached_datasets),
            }
        )
    return out.getvalue()
