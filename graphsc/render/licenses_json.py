"""``graphsc licenses --format json``: the ``graphsc.licenses/1`` document (README, "licenses JSON")."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from graphsc.licenses.findings import LicenseReport
from graphsc.licenses.select import Entry, Selection
from graphsc.render.licenses_shared import license_texts, severity_counts

SCHEMA = "graphsc.licenses/1"


def conflict_row(e: Entry) -> dict[str, Any]:
    """A conflict as a JSON-ready dict: its fields, impact, one-line detail, role and path (``--model``)."""
    c = e.conflict
    row = {f.name: getattr(c, f.name) for f in fields(c)}  # flat: no deep copy (asdict) of 145k conflicts
    row["impact"] = dict(zip(("models", "downloads", "repos"), c.impact))
    row["license_texts"] = license_texts(c.origin_licenses)
    row["detail"] = c.detail
    row["role"] = e.role
    row["path"] = [asdict(h) for h in e.path] if e.role is not None else None
    return row


def licenses_document(report: LicenseReport, selection: Selection, fail_on: str | None = None) -> dict[str, Any]:
    """The ``graphsc.licenses/1`` document (see README, "licenses JSON")."""
    u, f = report.uses, selection.filters
    return {
        "schema": SCHEMA,
        "summary": {
            "models": report.models,
            "lineage_edges": report.lineage_edges,
            "seconds": round(report.seconds, 3),
            "conflicts": len(report.conflicts),
            "by_kind": dict(report.counts_by_kind()),
            "by_severity": dict(report.counts_by_severity()),
            "by_kind_severity": severity_counts(report.conflicts),
            "uses": {
                "total": u.total,
                "checkable": u.checkable,
                "in_conflict": u.in_conflict,
                "share_of_checkable": round(u.share_of_checkable, 4),
                "share_of_total": round(u.share_in_conflict, 4),
                "by_kind": dict(u.by_kind),
            },
            "cycle_edges_ignored": [list(pair) for pair in report.cycle_edges_ignored],
        },
        "filters": {
            "model": f.model,
            "kinds": list(f.kinds),
            "min_severity": f.min_severity,
            "min_impact": f.min_impact,
            "limit": f.limit,
        },
        "model": None if f.model is None else {"id": f.model, "license": selection.model_license},
        "matched": len(selection.matched),
        "not_shown": selection.left_out,
        "gate": None if fail_on is None else {"fail_on": fail_on, "failed": selection.reaches(fail_on)},
        "conflicts": [conflict_row(e) for e in selection.shown],
    }
