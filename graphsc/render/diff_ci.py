"""``graphsc diff --format sarif|junit``: the findings a change brings in, as CI results (``ci_results``).

A pull request's check asks "what does this change add?": the results are the diff's **new** findings only, each
as ``graphsc licenses`` reports it (rule, location at the origin edge's child, bases as related locations, the
stable key as fingerprint — so code scanning tracks the same alert across runs). Resolved and unchanged findings
are not results; the counts of every change kind are in the run's properties.
"""

from __future__ import annotations

from collections.abc import Callable

from graphsc.licenses.select import NOT_LOOKED_UP
from graphsc.render.ci_results import CiReport
from graphsc.render.licenses_ci import finding_result, finding_rules
from graphsc.snapshot.diff import GraphDiff
from graphsc.snapshot.state import FindingFacts

COMMAND = "diff"


def diff_ci(diff: GraphDiff, exit_code: int) -> CiReport:
    """The new findings of ``diff`` as a ``CiReport`` of the ``diff`` command that exits with ``exit_code``."""
    new = diff.findings_new
    results = tuple(finding_result(f, _base_labels(f), {}) for f in new)
    return CiReport(COMMAND, finding_rules(new), results, exit_code)


def _base_labels(f: FindingFacts) -> Callable[[str], str]:
    """License labels of a finding's bases: its first base's as recorded; a merge's other parents' are not kept
    in a snapshot, so they read as not looked up."""

    def label(base: str) -> str:
        return f.base_license if base == f.base and f.base_license is not None else NOT_LOOKED_UP

    return label
