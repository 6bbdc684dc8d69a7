"""The engine on the real sample data bundled in the repository (graphsc/data/samples, read by ``realdata``),
checked against an independent, direct computation.

Expected findings are derived here from the TOML read directly (not through ``rules``/``engine``): a direct
parent/child clause comparison for lineage edges, and a direct model/repository comparison for PeaTMOSS uses.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from importlib import resources

import pytest

from graphsc.license_table.normalize import normalize_license
from graphsc.licenses.engine import check_licenses

from .realdata import load

DOC = tomllib.loads(resources.files("graphsc.license_table").joinpath("data/licenses.toml").read_text())
TABLE = DOC["licenses"]
POLICIES = DOC["policies"]


def _ids(raw: str | None, name: str | None = None, link: str | None = None) -> set[str] | None:
    """Canonical ids of a declared license, None if any part is not a known license."""
    n = normalize_license(raw, name, link)
    if n.unresolved or not n.ids or any(TABLE[i].get("status", "known") != "known" for i in n.ids):
        return None
    return set(n.ids)


def _accepts(up_id: str, clause: str, down: set[str]) -> bool:
    """Does a child declaring ``down`` (an AND of ids) carry ``up_id`` or a license its ``clause`` accepts?"""
    return bool(down & {up_id, *TABLE[up_id][clause].get("compatible", [])})


def _carries_restrictions(policy: str, down: set[str]) -> bool | None:
    """Does some license of ``down`` list every restriction of ``policy``? None: it may (unspecified variant)."""
    want = set(POLICIES[policy]["restrictions"])
    verdict: bool | None = False
    for d in down:
        own = TABLE[d].get("use_restrictions_must_pass", {}).get("policy")
        if own is None:
            continue
        have = set(POLICIES[own]["restrictions"])
        if want <= have:
            return True
        if want <= have | set(POLICIES[own].get("may_include", [])):
            verdict = None
    return verdict


def _direct(upstream: str, downstream: set[str], edge: str) -> set[str]:
    """Kinds of obligations of ``upstream`` that ``downstream`` (an AND of ids) certainly drops, by comparing
    their clauses in the TOML (only ``finetune``-like edges occur in this data)."""
    up = TABLE[upstream]
    down = [TABLE[i] for i in downstream]
    kinds = set()
    if up.get("commercial_use", {}).get("value") is False and not any(
        d.get("commercial_use", {}).get("value") is False for d in down
    ):
        kinds.add("non_commercial_dropped")
    policy = up.get("use_restrictions_must_pass", {}).get("policy")
    if policy and _carries_restrictions(policy, downstream) is False:
        kinds.add("use_restrictions_dropped")
    copyleft = up.get("copyleft")
    if (
        copyleft
        and (edge == "derived" or copyleft["value"] != "weak")
        and not _accepts(upstream, "copyleft", downstream)
    ):
        kinds.add("share_alike_violated")
    if (
        edge == "derived"
        and up.get("derivatives_same_license", {}).get("value")
        and not _accepts(upstream, "derivatives_same_license", downstream)
    ):
        kinds.add("relicensed")
    if (
        edge == "derived"
        and up.get("agreement_copy", {}).get("value")
        and not _accepts(upstream, "agreement_copy", downstream)
    ):
        kinds.add("agreement_copy_missing")
    return kinds


@pytest.fixture(scope="module")
def data():
    return load()


@pytest.fixture(scope="module")
def report(data):
    return check_licenses(data.models.values(), data.derived_from, data.trained_on, data.uses, (), data.repos)


def test_lineage_conflicts_match_direct_parent_child_comparison(data, report) -> None:
    expected = set()
    for e in data.derived_from:
        base, child = data.models.get(e.base), data.models[e.child]
        b = _ids(base.license, base.license_name, base.license_link) if base else None
        c = _ids(child.license, child.license_name, child.license_link)
        if b and c:
            for up in b:
                expected |= {(e.child, e.base, k) for k in _direct(up, c, "derived")}
    found = {
        (c.child, c.base, "relicensed" if c.kind.startswith("relicensed") else c.kind)
        for c in report.conflicts
        if c.edge == "derived" and c.kind != "unknown_license_in_chain"
    }
    assert found == expected  # every lineage base in these families has no restricted ancestor of its own


def test_repo_usages_in_conflict_match_direct_model_repo_comparison(data, report) -> None:
    model_license = {m.id: m.license for m in data.models.values()}
    expected: set[tuple[str, str, str]] = set()
    checkable = 0
    pairs = {(u.user, u.model) for u in data.uses}
    for repo, model in pairs:
        keys = data.repo_keys.get(repo) or []
        repo_ids = set()
        for k in keys:
            ids = _ids(k)
            if ids is None:
                repo_ids = None
                break
            repo_ids |= ids
        if not repo_ids:
            continue
        checkable += 1
        model_ids = _ids(model_license[model]) or set()
        for up in model_ids:
            expected |= {(repo, model, k) for k in _direct(up, repo_ids, "uses")}
    found = {
        (c.child, c.base, c.kind)
        for c in report.conflicts
        if c.edge == "uses" and c.kind not in ("notice_required", "user_threshold")
    }
    assert found == expected
    assert report.uses.total == len(pairs)
    assert report.uses.checkable == checkable
    assert report.uses.in_conflict == len({(r, m) for r, m, _ in expected})


def test_real_data_findings_summary(report) -> None:
    """The numbers quoted in reports; pinned so a table or rule change that moves them is noticed."""
    assert report.counts_by_kind() == Counter(
        {
            "non_commercial_dropped": 387,
            "use_restrictions_dropped": 295,
            "share_alike_violated": 264,
            # DeepFloyd IF License §3(ii): its attribution notice, for the 8 repositories using IF models
            "notice_required": 8,
        }
    )
    assert (report.uses.total, report.uses.checkable, report.uses.in_conflict) == (22860, 13755, 838)
