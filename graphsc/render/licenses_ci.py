"""``graphsc licenses --format sarif|junit``: the selected license conflicts as CI results (``ci_results``).

- Rules: the license rules (``graphsc.licenses.rules.RULES``) the results use, in the rules' order; each rule's help
  is its description plus the clauses its results cite (``llama2.naming: §1.b.i``).
- Results: one per conflict that passed the filters (``Selection.matched``: all matches, ``--limit`` only shortens
  the human views), at the rule's severity (``info`` is a note), fingerprinted by ``Conflict.key``. The message is
  the conflict's one-line detail and what it reaches.
- Location: where the obligation was dropped, the origin edge's child: a model's or Space's card, or for a
  repository the file using the model when its USES evidence names one (GitHub code search's ``path:line``, a
  PeaTMOSS ``reuse_file``), else the repository. A ``Conflict`` carries no evidence, so the command looks the
  usages up in its store (``usage_evidence``); without them a repository is located at its URL.
- Related locations: the base(s) the obligation comes from: models' cards, or a dataset's card for a training edge.
- Related locations also name, for a training-data or dataset finding whose obligation came through a chain of
  datasets, the dataset whose own license imposes it (``chain[0]``), first.
- Properties: graphsc's fields (kind, severity, edge, relation, origin licenses and their texts, clauses, dropped
  obligations, reach, the key, and the role with ``--model``); ``chain`` (the datasets, when the finding has one)
  and ``reached_datasets`` (a count, for a dataset's finding).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import Any

from graphsc.licenses.findings import Conflict, LicenseReport
from graphsc.licenses.rules import RULES, Rule
from graphsc.licenses.select import NOT_LOOKED_UP, Entry, Selection
from graphsc.records import USER_REPO, Uses
from graphsc.render.ci_results import (
    CardKind,
    CiLocation,
    CiReport,
    CiResult,
    CiRule,
    card_location,
    level_of,
    usage_file,
    usage_location,
)
from graphsc.render.labels import counted
from graphsc.render.licenses_shared import license_texts
from graphsc.snapshot.state import FindingFacts

COMMAND = "licenses"
EXPLAIN_HINT = "See a license's clauses and the text they were checked against: graphsc licenses explain LICENSE."

# (repository id, model id), both lower case → the USES edge's evidence
Evidence = Mapping[tuple[str, str], str]
# A license finding as the engine reports it or as a snapshot keeps it: the fields a CI result shows.
Finding = Conflict | FindingFacts


def licenses_ci(
    report: LicenseReport, selection: Selection, exit_code: int, evidence: Evidence | None = None
) -> CiReport:
    """The matched conflicts of ``selection`` as a ``CiReport`` of the ``licenses`` command that exits with
    ``exit_code``. ``evidence``: the USES evidence of the repositories in use conflicts (``usage_evidence``);
    ``report`` supplies the license labels of merge parents an entry does not carry."""
    entries = selection.matched
    results = tuple(
        finding_result(e.conflict, partial(_base_license, e, report=report), evidence or {}, e.role) for e in entries
    )
    return CiReport(COMMAND, finding_rules([e.conflict for e in entries]), results, exit_code)


def finding_rules(findings: Sequence[Finding]) -> tuple[CiRule, ...]:
    """The CI rules of ``findings``: the license rules they use, in the rule table's order, each with the clauses
    its findings cite; a rule id the table does not define is described by its first finding."""
    cited: dict[str, list[str]] = {}
    for f in findings:
        clauses = cited.setdefault(f.rule, [])
        clauses.extend(cl for cl in f.clauses if cl not in clauses)
    rules = tuple(_rule(r, cited[r.id]) for r in RULES.values() if r.id in cited)
    known = {r.id for r in rules}
    firsts: dict[str, Finding] = {}
    for f in findings:
        firsts.setdefault(f.rule, f)
    return rules + tuple(_unknown_rule(f) for rule_id, f in firsts.items() if rule_id not in known)


def usage_models(selection: Selection) -> set[str]:
    """The models whose usages locate the matched conflicts: the base of each use by a repository."""
    return {
        e.conflict.base
        for e in selection.matched
        if e.conflict.edge == "uses" and e.conflict.child_type == USER_REPO and e.conflict.base
    }


def usage_evidence(uses: Iterable[Uses]) -> dict[tuple[str, str], str]:
    """``Evidence`` from USES edges (a store's ``uses_of``): for each repository and model, the evidence naming a
    file when one does (code search, PeaTMOSS ``reuse_file``), else the first."""
    out: dict[tuple[str, str], str] = {}
    for u in uses:
        if u.user_kind != USER_REPO or not u.evidence:
            continue
        pair = (u.user.lower(), u.model.lower())
        if pair not in out or (usage_file(out[pair]) is None and usage_file(u.evidence) is not None):
            out[pair] = u.evidence
    return out


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")) if text else text


def _rule(rule: Rule, clauses: list[str]) -> CiRule:
    short = _sentence(rule.description)
    full = (
        f"{short} Severity {rule.severity}, kind {rule.kind}. Reported once, at the edge where the obligation was "
        "dropped, with the models and repositories/Spaces that inherit the drop."
    )
    help_text = full
    if clauses:
        help_text += "\n\nClauses cited by these findings:\n" + "\n".join(f"- {cl}" for cl in clauses)
    help_text += "\n\n" + EXPLAIN_HINT
    return CiRule(rule.id, rule.kind, short, full, help_text, None, level_of(rule.severity))


def _unknown_rule(c: Finding) -> CiRule:
    """A rule id the rule table does not define (a conflict built elsewhere): described by its conflict."""
    text = _sentence(c.description)
    return CiRule(c.rule, c.kind, text, text, text + "\n\n" + EXPLAIN_HINT, None, level_of(c.severity))


def _reach(c: Finding) -> str:
    models, downloads, repos = c.impact
    datasets = len(getattr(c, "reached_datasets", ()))  # a snapshot's FindingFacts keeps no datasets
    return (
        f"Reaches {counted(models, 'model')} ({counted(downloads, 'download')}) and "
        f"{counted(repos, 'repository/Space', 'repositories/Spaces')}"
        + (f"; carried on by {counted(datasets, 'dataset')}." if datasets else ".")
    )


def _bases(c: Finding) -> tuple[str, ...]:
    return c.bases or ((c.base,) if c.base else ())


def _base_license(e: Entry, base: str, *, report: LicenseReport) -> str:
    label = e.base_license(base)
    return report.merge_parent_licenses.get(base, label) if label == NOT_LOOKED_UP else label


def _origin(c: Finding, evidence: Evidence) -> CiLocation:
    what = f"{c.child} [{c.child_license}]: drops " + "; ".join(c.dropped)
    if c.child_type == "model":
        return card_location(c.child, "model", what)
    if c.child_type == "space":
        return card_location(c.child, "space", what)
    if c.child_type == "dataset":
        return card_location(c.child, "dataset", what)
    found = evidence.get((c.child.lower(), (c.base or "").lower()))
    return usage_location(c.child, found, what)


def finding_result(
    c: Finding, base_license: Callable[[str], str], evidence: Evidence, role: str | None = None
) -> CiResult:
    """One finding (a ``Conflict``, or a snapshot's ``FindingFacts``) as a CI result: located at its origin
    edge's child, related to its base(s) (``base_license`` gives each one's license label), fingerprinted by its
    stable key; ``role`` its role for a ``--model`` report."""
    base_kind: CardKind = "dataset" if c.edge in ("trained_on", "dataset_derived") else "model"
    related = tuple(
        card_location(b, base_kind, f"{b} [{base_license(b)}]: where the obligation comes from") for b in _bases(c)
    )
    chain: tuple[str, ...] = getattr(c, "chain", ())  # a snapshot's FindingFacts keeps no chain
    chain_licenses: tuple[str, ...] = getattr(c, "chain_licenses", ())
    if len(chain) > 1:  # the dataset whose own license imposes the obligation, above the base
        lic = f" [{chain_licenses[0]}]" if chain_licenses else ""
        related = (card_location(chain[0], "dataset", f"{chain[0]}{lic}: where the obligation originates"), *related)
    models, downloads, repos = c.impact
    properties: dict[str, Any] = {
        "key": c.key,
        "rule": c.rule,
        "kind": c.kind,
        "severity": c.severity,
        "edge": c.edge,
        "relation": c.relation,
        "child": c.child,
        "child_type": c.child_type,
        "child_license": c.child_license,
        "bases": list(_bases(c)),
        "origin_licenses": list(c.origin_licenses),
        "license_texts": license_texts(c.origin_licenses),
        "clauses": list(c.clauses),
        "dropped": list(c.dropped),
        "reached_models": models,
        "reached_downloads": downloads,
        "reached_repos": repos,
    }
    if chain:
        properties["chain"] = list(chain)
    reached_datasets: tuple[str, ...] = getattr(c, "reached_datasets", ())
    if reached_datasets:
        properties["reached_datasets"] = len(reached_datasets)
    if role is not None:
        properties["role"] = role
    return CiResult(
        rule_id=c.rule,
        level=level_of(c.severity),
        message=f"{c.detail}. {_reach(c)}",
        key=c.key,
        locations=(_origin(c, evidence),),
        related=related,
        properties=properties,
    )
