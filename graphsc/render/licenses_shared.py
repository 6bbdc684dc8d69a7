"""What the licenses report shows in every format: conflicts by kind and severity, and where each origin license's
text was read."""

from __future__ import annotations

from collections import Counter
from typing import Any

from graphsc.license_table.table import default_table
from graphsc.licenses.findings import Conflict
from graphsc.licenses.select import SEVERITIES


def severity_counts(conflicts: list[Conflict]) -> dict[str, dict[str, int]]:
    """``{kind: {severity: n}}`` over every severity, kinds sorted by total (largest first)."""
    counts = Counter((c.kind, c.severity) for c in conflicts)
    totals = Counter(c.kind for c in conflicts)
    return {
        k: {s: counts[(k, s)] for s in SEVERITIES} for k, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    }


def license_texts(license_ids: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Where each origin license's clauses were checked: ``{id: {"url", "read_at", "verified"}}`` for ids in the
    table with a recorded text (see ``licenses.toml``, ``text``): its public URL and the exact copy read (a GitHub
    permalink at the commit), either of which may be None."""
    table = default_table()
    out: dict[str, dict[str, Any]] = {}
    for lid in license_ids:
        lic = table.licenses.get(lid)
        if lic is not None and lic.text is not None and lic.text.link:
            out[lid] = {"url": lic.text.link, "read_at": lic.text.permalink, "verified": lic.text.verified}
    return out
