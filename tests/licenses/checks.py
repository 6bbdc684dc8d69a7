"""Helpers the license rule tests share: the kinds a report holds, and its one finding of a kind."""

from __future__ import annotations

from graphsc.licenses.findings import Conflict, LicenseReport


def kinds(report: LicenseReport) -> set[str]:
    """The conflict kinds in ``report``."""
    return set(report.counts_by_kind())


def only(report: LicenseReport, kind: str) -> Conflict:
    """The single conflict of ``kind`` in ``report`` (fails the test when there are none or several)."""
    found = [c for c in report.conflicts if c.kind == kind]
    assert len(found) == 1, report.conflicts
    return found[0]
