"""``graphsc diff --format json``: the ``graphsc.diff/1`` document, every list in full."""

from __future__ import annotations

from typing import Any

from graphsc.snapshot.diff import CHANGE_KINDS, GraphDiff

SCHEMA = "graphsc.diff/1"


def _plain(value: Any) -> Any:
    """A record (``NamedTuple``) as a dict, tuples as lists, nested: JSON-ready for any encoder."""
    if hasattr(value, "_asdict"):
        return {k: _plain(v) for k, v in value._asdict().items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def diff_document(diff: GraphDiff) -> dict[str, Any]:
    """The ``graphsc.diff/1`` document: both states, the scope, the counts and every change in full; unchanged
    findings by key only (``changes.findings_unchanged``: at the Hub's scale, 160k findings in full are 130 MB)."""
    scope = None
    if diff.scope is not None:
        scope = {"model": diff.scope.model, "repo": diff.scope.repo, "models": diff.scope_models}
    return {
        "schema": SCHEMA,
        "old": {"label": diff.old_label, "taken_at": diff.old_taken_at},
        "new": {"label": diff.new_label, "taken_at": diff.new_taken_at},
        "scope": scope,
        "empty": diff.is_empty,
        "findings_compared": diff.findings_compared,
        "counts": diff.counts(),
        "changes": {kind: _plain(getattr(diff, kind)) for kind in CHANGE_KINDS}
        | {"findings_unchanged": [f.key for f in diff.findings_unchanged]},
    }
