"""``graphsc check --format sarif|junit``: policy violations as CI results (``ci_results``).

- Rules: the policy's deny and warn rules (allow rules decide, they are not findings); a deny is an error, a warn
  a warning. Help: the rule's message, its conditions as written, and where it is in the policy file.
- Results: one per violation, fingerprinted by its stable key (``RULE:NODE`` or ``RULE:FINDING_KEY``, what a
  waiver names). Allowed and waived violations stay in the report as *suppressed* results (SARIF
  ``suppressions``; JUnit skipped cases) with the allow rule or the waiver's reason, owner and expiry as the
  justification, so a reviewer sees what was let through and why.
- Location: the matched node's card (a model's or dataset's), or for a license finding its origin edge's child;
  related locations: the chain's other hops and the rule's line in the policy file.
"""

from __future__ import annotations

from pathlib import Path

from graphsc.policy import CheckResult, PolicyRule, Violation
from graphsc.render.ci_results import (
    CiLocation,
    CiReport,
    CiResult,
    CiRule,
    CiSuppression,
    card_location,
    repository_url,
)

COMMAND = "check"
_LEVELS = {"deny": "error", "warn": "warning"}


def check_ci(result: CheckResult, policy_path: Path, exit_code: int) -> CiReport:
    """``result`` as a ``CiReport`` of the ``check`` command that exits with ``exit_code``; ``policy_path`` is the
    policy file the rules come from (related location of every result)."""
    rules = tuple(_rule(r, policy_path) for r in result.policy.rules if r.action != "allow")
    by_id = {r.id: r for r in result.policy.rules}
    results = tuple(_result(v, by_id.get(v.rule), policy_path) for v in result.violations)
    return CiReport(COMMAND, rules, results, exit_code)


def _policy_uri(path: Path) -> str:
    """The policy file as a URI reference: relative to the working directory when it is inside it (what code
    scanning resolves against the repository checkout), else absolute."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def _rule(rule: PolicyRule, policy_path: Path) -> CiRule:
    level = _LEVELS[rule.action]
    short = rule.message or f"Policy rule {rule.id} ({rule.action}) matched."
    where = f"{policy_path}" + (f" line {rule.line}" if rule.line else "")
    full = f"{short} A {rule.action} rule of the policy in {where}, on {rule.on} facts."
    help_text = (
        f"{full}\n\nTo accept a match, add a [[waivers]] entry naming the result's key (or rule = {rule.id!r}) with "
        "a reason, an owner and an expiry date; see `graphsc check --example`."
    )
    return CiRule(rule.id, rule.id, short, full, help_text, None, level)  # type: ignore[arg-type]


def _location(node: str, kind: str) -> CiLocation:
    """Where a node of a chain is: a model's, dataset's or Space's card, a repository's page."""
    if kind == "repo":
        return CiLocation(repository_url(node), logical=node)
    if kind in ("dataset", "space"):
        return card_location(node, "dataset" if kind == "dataset" else "space")
    return card_location(node)


def _result(v: Violation, rule: PolicyRule | None, policy_path: Path) -> CiResult:
    chain = " → ".join(f"{h.id} [{h.license}]" for h in v.chain)
    what = v.finding.detail if v.finding is not None else f"{v.node} [{v.license}]"
    message = f"{rule.message + ' ' if rule and rule.message else ''}{v.rule} ({v.action}): {what}"
    if chain and v.finding is None:
        message += f"; chain: {chain}"
    if v.notes:
        message += "; " + "; ".join(v.notes)
    related = [_location(h.id, h.kind) for h in v.chain if h.id != v.node]
    related.append(CiLocation(_policy_uri(policy_path), rule.line if rule else None, f"policy rule {v.rule}"))
    suppression = None
    if v.status == "allowed":
        suppression = CiSuppression(f"allowed by policy rule {v.allowed_by}")
    elif v.status == "waived" and v.waiver is not None:
        w = v.waiver
        suppression = CiSuppression(f"waived until {w.expires.isoformat()} by {w.owner}: {w.reason}")
    properties = {
        "action": v.action,
        "on": v.on,
        "status": v.status,
        "node": v.node,
        "node_kind": v.node_kind,
        "license": v.license,
        "positions": list(v.positions),
        "subjects": list(v.subjects),
        "repos": list(v.repos),
        "key": v.key,
    }
    if v.finding is not None:
        properties["finding_key"] = v.finding.key
    return CiResult(
        v.rule,
        _LEVELS[v.action],  # type: ignore[arg-type]
        message,
        v.key,
        (_location(v.node, v.node_kind),),
        tuple(related),
        properties,
        suppression,
    )
