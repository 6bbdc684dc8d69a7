"""Evaluating a policy over a graph's facts (``GraphState``) and the license engine's findings (``LicenseReport``).

The scope of a check is one model (its chain: itself, its ancestors, their training datasets and the datasets those
were made from, recursively), one repository or
Space (the models it uses and their chains) or the whole graph (every model is a subject of itself). A rule's own
``[rules.scope]`` narrows the subjects it applies to. Chains are computed once per distinct rule scope by one
multi-source upward traversal from the subjects, so whole-graph evaluation stays linear in the graph's size.
"""

from __future__ import annotations

import difflib
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from graphsc.bulk import frozen_gc
from graphsc.errors import GraphscError, UnknownModelError, UnknownRepoError
from graphsc.ids import id_key
from graphsc.license_table.table import default_table
from graphsc.licenses.findings import Conflict, LicenseReport
from graphsc.licenses.graph import DATASET_RELATION
from graphsc.licenses.rules import SEVERITY_ORDER
from graphsc.policy.datasets import PolicyDatasets
from graphsc.policy.load import canonical_license
from graphsc.policy.model import Action, Conditions, Glob, Policy, PolicyRule, RuleScope, Waiver
from graphsc.records import NO_LICENSE, NOT_FETCHED, Dataset
from graphsc.snapshot.state import GraphState

Status = Literal["violation", "allowed", "waived"]
NodeRef = tuple[str, str]  # (kind, key): kind model / dataset / repo / space, key an id key (lower case)

SELF, ANCESTOR, DATASET, USED = 1, 2, 4, 8
_POSITION_BITS = {"self": SELF, "ancestor": ANCESTOR, "dataset": DATASET, "used": USED}
_ACTION_ORDER = {"deny": 0, "warn": 1, "allow": 2}
SUBJECTS_SHOWN = 5


def position_names(bits: int) -> tuple[str, ...]:
    """Position flags as names, in the order self, ancestor, dataset, used."""
    return tuple(name for name, bit in _POSITION_BITS.items() if bits & bit)


@dataclass(frozen=True, slots=True)
class Scope:
    """What a check looks at: one ``model``'s chain, one ``repo``'s (or Space's) usage, or (both None) the whole
    graph.

    ``models`` (model ids, any casing; only with ``repo``) limits the repository's usage to these models, e.g. the
    models its SBOM lists now: stored uses of other models (from an earlier SBOM) are not judged, neither as chain
    seeds of model rules nor by finding rules (a use finding counts when its model is among them, a finding
    reaching the repository when one of the models it reaches is)."""

    model: str | None = None
    repo: str | None = None
    models: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if self.model is not None and self.repo is not None:
            raise GraphscError("A check's scope is one model or one repository, not both.", "Give --model or --repo.")
        if self.models is not None and self.repo is None:
            raise ValueError("Scope.models limits a repository's usage: give it together with repo")

    @property
    def whole_graph(self) -> bool:
        """Neither a model nor a repository: every model of the graph is a subject."""
        return self.model is None and self.repo is None

    @property
    def label(self) -> str:
        """``model X``, ``repo R`` or ``whole graph``."""
        if self.model is not None:
            return f"model {self.model}"
        if self.repo is not None:
            return f"repo {self.repo}"
        return "whole graph"


@dataclass(frozen=True, slots=True)
class Hop:
    """One node of the chain behind a violation: ``relation`` is how it relates to the next hop (towards the
    subject): a lineage relation, ``trained_on`` or ``uses``; None on the last hop."""

    id: str
    kind: str
    license: str
    relation: str | None


@dataclass(frozen=True, slots=True)
class Violation:
    """One policy rule matching one node (``on = "model"``) or one license finding (``on = "finding"``).

    ``subjects``: the scoped models it affects, ``repos``: the scoped repositories/Spaces whose usage it affects;
    ``chain``: hops from the matched node down to one subject (for a finding: its bases, then its child).
    ``key``: ``RULE:NODE_KEY`` or ``RULE:FINDING_KEY``. ``status``: violation, allowed (``allowed_by`` names the
    allow rule) or waived (``waiver``); ``notes`` e.g. an expired waiver that would have matched."""

    rule: str
    action: Action
    message: str | None
    on: str
    node: str
    node_kind: str
    license: str
    positions: tuple[str, ...]
    subjects: tuple[str, ...]
    repos: tuple[str, ...]
    chain: tuple[Hop, ...]
    key: str
    status: Status = "violation"
    waiver: Waiver | None = None
    allowed_by: str | None = None
    notes: tuple[str, ...] = ()
    finding: Conflict | None = None

    @property
    def subject_count(self) -> int:
        """Models plus repositories/Spaces affected."""
        return len(self.subjects) + len(self.repos)

    @property
    def failing(self) -> bool:
        """A deny that is neither allowed nor waived."""
        return self.action == "deny" and self.status == "violation"


@dataclass(slots=True)
class CheckResult:
    """A policy evaluated: ``violations`` ordered deny first, then warn, by rule (file order) then node;
    ``unused_waivers`` matched nothing — listed by a whole-graph check only (a scoped check sees one model's or
    repository's violations, and a waiver may concern another: it is never listed as unused there);
    ``expired_waivers`` are past their date (``today``), in any scope."""

    policy: Policy
    scope: Scope
    today: date
    violations: list[Violation]
    unused_waivers: list[Waiver] = field(default_factory=list)
    expired_waivers: list[Waiver] = field(default_factory=list)
    scope_id: str | None = None  # the resolved id of the scoped model/repository
    scope_kind: str | None = None  # what scope_id is: model, repo or space (None for the whole graph)

    @property
    def scope_label(self) -> str:
        """``model X``, ``repo R``, ``space S`` (resolved ids and kinds) or ``whole graph``."""
        if self.scope_id is not None and self.scope_kind is not None:
            return f"{self.scope_kind} {self.scope_id}"
        return self.scope.label

    @property
    def failed(self) -> bool:
        """Any deny violation neither allowed nor waived."""
        return any(v.failing for v in self.violations)

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        """Violations per action and status: ``{"deny": {"violation": n, "allowed": n, "waived": n}, ...}``."""
        out = {a: {"violation": 0, "allowed": 0, "waived": 0} for a in ("deny", "warn")}
        for v in self.violations:
            out[v.action][v.status] += 1
        return out


# ───────────────────────────── the graph, indexed once ─────────────────────────────


@dataclass(frozen=True, slots=True)
class _LicenseInfo:
    ids: frozenset[str]
    categories: frozenset[str]
    clauses: frozenset[str]


_LICENSE_CACHE: dict[tuple[str, ...], _LicenseInfo] = {}


def license_info(ids: tuple[str, ...]) -> _LicenseInfo:
    """Canonical ids, categories and clause names of a node's licenses (cached per ids tuple). No license, an
    unrecognised one or a not-fetched stub reads as category ``unknown``."""
    found = _LICENSE_CACHE.get(ids)
    if found is not None:
        return found
    table = default_table()
    canon: set[str] = set()
    categories: set[str] = set()
    clauses: set[str] = set()
    for text in ids:
        lic = table.licenses.get(text)
        if lic is None:
            cid = canonical_license(text) if text not in (NO_LICENSE, NOT_FETCHED) else None
            lic = table.licenses.get(cid) if cid else None
        if lic is None:
            categories.add("unknown")
            continue
        canon.add(lic.id)
        categories.add(lic.category)
        if lic.status != "known":
            categories.add("unknown")
        clauses.update(lic.clauses)
    if not ids:
        categories.add("unknown")
    info = _LicenseInfo(frozenset(canon), frozenset(categories), frozenset(clauses))
    if len(_LICENSE_CACHE) < 100_000:
        _LICENSE_CACHE[ids] = info
    return info


class _Graph:
    """Adjacency of the state, by id key; ``risks`` each model's own risk flags by id key (flagged models only);
    ``datasets`` each dataset's record by id key, ``dataset_bases``/``dataset_children`` the dataset lineage (a
    dataset → the datasets it was made from, and back)."""

    def __init__(
        self,
        state: GraphState,
        risks: Mapping[str, Iterable[str]] | None = None,
        datasets: PolicyDatasets | None = None,
    ) -> None:
        self.state = state
        self.risks: dict[str, frozenset[str]] = {id_key(k): frozenset(v) for k, v in (risks or {}).items()}
        self.bases: dict[str, list[tuple[str, str]]] = {}
        self.children: dict[str, list[tuple[str, str]]] = {}
        self.relations: dict[str, set[str]] = {}
        self.display: dict[NodeRef, str] = {}
        for (child, base), e in state.lineage.items():
            self.bases.setdefault(child, []).append((base, e.relation))
            self.children.setdefault(base, []).append((child, e.relation))
            self.relations.setdefault(child, set()).add(e.relation.lower())
            self.display.setdefault(("model", child), e.child)
            self.display.setdefault(("model", base), e.base)
        self.trained: dict[str, list[str]] = {}
        self.trainees: dict[str, list[str]] = {}
        for (model, dataset), t in state.training.items():
            self.trained.setdefault(model, []).append(dataset)
            self.trainees.setdefault(dataset, []).append(model)
            self.display.setdefault(("dataset", dataset), t.dataset)
        self.uses: dict[NodeRef, list[str]] = {}
        self.used_by: dict[str, list[NodeRef]] = {}
        for (kind, user, model), u in state.usage.items():
            self.uses.setdefault((kind, user), []).append(model)
            self.used_by.setdefault(model, []).append((kind, user))
            self.display.setdefault((kind, user), u.user)
        self.datasets: dict[str, Dataset] = datasets.records if datasets is not None else {}
        self.dataset_bases: dict[str, list[str]] = {}
        self.dataset_children: dict[str, list[str]] = {}
        for (child, base), d in (datasets.lineage if datasets is not None else {}).items():
            if child == base:
                continue
            self.dataset_bases.setdefault(child, []).append(base)
            self.dataset_children.setdefault(base, []).append(child)
            self.display.setdefault(("dataset", child), d.child)
            self.display.setdefault(("dataset", base), d.base)
        for key, record in self.datasets.items():
            self.display.setdefault(("dataset", key), record.id)

    def name(self, ref: NodeRef) -> str:
        kind, key = ref
        if kind == "model":
            facts = self.state.models.get(key)
            if facts is not None:
                return facts.id
        else:
            node = self.state.nodes.get(ref)
            if node is not None:
                return node.id
        return self.display.get(ref, key)

    def license(self, ref: NodeRef) -> tuple[str, tuple[str, ...]]:
        """(label, canonical ids) of a node."""
        kind, key = ref
        if kind == "model":
            facts = self.state.models.get(key)
            if facts is None:
                return NOT_FETCHED, ()
            return facts.license, facts.license_ids
        node = self.state.nodes.get(ref)
        if node is None:
            return NO_LICENSE, ()
        return node.license, node.license_ids


class _Chain:
    """The nodes in scope for one rule scope: positions (bit flags) of models and datasets, the subjects that
    seed it, and a pointer from each node one step towards a subject."""

    def __init__(self, graph: _Graph) -> None:
        self.graph = graph
        self.self_seeds: set[str] = set()
        self.used_seeds: dict[str, list[NodeRef]] = {}
        self.models: dict[str, int] = {}
        self.datasets: dict[str, int] = {}
        self.parent: dict[NodeRef, tuple[NodeRef, str]] = {}

    def build(self) -> _Chain:
        """Positions of every node in scope. A seed (a subject model, or a model the scoped repository uses) is
        never its own ancestor: in a DERIVED_FROM cycle it is an ``ancestor`` only when another seed's chain
        reaches it."""
        g = self.graph
        queue: deque[str] = deque()
        for m in sorted(self.self_seeds):
            self.models[m] = self.models.get(m, 0) | SELF
            queue.append(m)
        for m in sorted(self.used_seeds):
            if m not in self.models:
                queue.append(m)
                self.parent[("model", m)] = (sorted(self.used_seeds[m])[0], "uses")
            self.models[m] = self.models.get(m, 0) | USED
        seeds = set(self.models)
        undecided: set[str] = set()  # seeds reached as a base, by a walk that may have started at themselves
        while queue:
            m = queue.popleft()
            for base, relation in g.bases.get(m, ()):
                seen = base in self.models
                if base not in seeds or (m in seeds and m != base):
                    self.models[base] = self.models.get(base, 0) | ANCESTOR
                elif not self.models[base] & ANCESTOR:
                    undecided.add(base)
                if not seen:
                    self.parent[("model", base)] = (("model", m), relation)
                    queue.append(base)
        for m in self._reached_from_another_seed(seeds, undecided):
            self.models[m] |= ANCESTOR
        for m in list(self.models):
            for d in g.trained.get(m, ()):
                if d not in self.datasets:
                    self.datasets[d] = DATASET
                    self.parent[("dataset", d)] = (("model", m), "trained_on")
        # the datasets a training dataset was made from (source_datasets), recursively: data in the chain too
        sources: deque[str] = deque(self.datasets)
        while sources:
            d = sources.popleft()
            for base in g.dataset_bases.get(d, ()):
                if base not in self.datasets:
                    self.datasets[base] = DATASET
                    self.parent[("dataset", base)] = (("dataset", d), DATASET_RELATION)
                    sources.append(base)
        return self

    def _reached_from_another_seed(self, seeds: set[str], candidates: set[str]) -> set[str]:
        """The ``candidates`` (seeds) reached going up from a seed other than themselves. Each model keeps at most
        two of the seeds it is reached from (enough to tell "only itself" from "another"), so the walk stays
        linear."""
        candidates = {m for m in candidates if not self.models[m] & ANCESTOR}
        if not candidates:
            return set()
        bases = self.graph.bases
        origins: dict[str, set[str]] = {}
        queue: deque[tuple[str, str]] = deque((s, s) for s in sorted(seeds))
        while queue:
            m, origin = queue.popleft()
            for base, _ in bases.get(m, ()):
                got = origins.setdefault(base, set())
                if origin not in got and len(got) < 2:
                    got.add(origin)
                    queue.append((base, origin))
        return {m for m in candidates if origins.get(m, set()) - {m}}

    def _made_from(self, dataset: str) -> list[str]:
        """``dataset`` and the datasets of this chain made from it (dataset lineage down), each once."""
        children = self.graph.dataset_children
        out = [dataset]
        seen = {dataset}
        i = 0
        while i < len(out):
            for c in children.get(out[i], ()):
                if c not in seen and c in self.datasets:
                    seen.add(c)
                    out.append(c)
            i += 1
        return out

    def path(self, ref: NodeRef) -> tuple[Hop, ...]:
        """Hops from ``ref`` down to a subject (a repository last when the subject is its usage)."""
        g = self.graph
        hops: list[Hop] = []
        current: NodeRef | None = ref
        while current is not None:
            step = self.parent.get(current)
            label, _ = g.license(current)
            hops.append(Hop(g.name(current), current[0], label, step[1] if step else None))
            current = step[0] if step else None
            if len(hops) > 10_000:  # parents form a forest; a guard, never reached
                break
        return tuple(hops)

    def affected(self, ref: NodeRef, bits: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(subject models, repositories/Spaces) whose chain holds ``ref`` in one of the positions ``bits``."""
        g = self.graph
        models: set[str] = set()
        repos: set[NodeRef] = set()
        start: list[str] = []
        kind, key = ref
        if kind == "model":
            if bits & SELF and key in self.self_seeds:
                models.add(key)
            if bits & USED:
                repos.update(self.used_seeds.get(key, ()))
            if bits & ANCESTOR:
                start = [c for c, _ in g.children.get(key, ()) if c in self.models]
        elif bits & DATASET:
            made = self._made_from(key)
            start = list(dict.fromkeys(m for d in made for m in g.trainees.get(d, ()) if m in self.models))
        seen = set(start)
        if kind == "model":  # a model in a cycle is not its own ancestor: the walk down never comes back to it
            start = [m for m in start if m != key]
            seen.add(key)
        queue = deque(start)
        while queue:
            m = queue.popleft()
            if m in self.self_seeds:
                models.add(m)
            repos.update(self.used_seeds.get(m, ()))
            for c, _ in g.children.get(m, ()):
                if c not in seen and c in self.models:
                    seen.add(c)
                    queue.append(c)
        return (
            tuple(sorted(g.name(("model", m)) for m in models)),
            tuple(sorted(g.name(r) for r in repos)),
        )


# ───────────────────────────── matching ─────────────────────────────


def _license_matches(c: Conditions, ids: tuple[str, ...]) -> bool:
    """Whether licenses with canonical ``ids`` meet the rule's license, category and clause conditions."""
    info = license_info(ids)
    if c.licenses is not None and not (info.ids & c.licenses):
        return False
    if c.categories is not None and not (info.categories & c.categories):
        return False
    return c.clauses is None or bool(info.clauses & c.clauses)


def _node_matches(
    c: Conditions, graph: _Graph, ref: NodeRef, bits: int, verdicts: dict[tuple[str, ...], bool] | None = None
) -> int:
    """The position bits under which the node matches the conditions (0: no match). ``verdicts`` caches the
    license verdict per ids tuple for one rule (a few thousand distinct tuples on the whole Hub)."""
    kind, key = ref
    if c.nodes is not None and kind not in c.nodes:
        return 0
    if c.positions is not None:
        bits &= sum(_POSITION_BITS[p] for p in c.positions)
        if not bits:
            return 0
    if kind != "model" and (c.relations is not None or c.risks is not None):
        return 0
    if c.licenses is not None or c.categories is not None or c.clauses is not None:
        _, ids = graph.license(ref)
        verdict = verdicts.get(ids) if verdicts is not None else None
        if verdict is None:
            verdict = _license_matches(c, ids)
            if verdicts is not None:
                verdicts[ids] = verdict
        if not verdict:
            return 0
    # a model's or a dataset's own record (None: a node known only as someone's base or training data)
    facts = graph.state.models.get(key) if kind == "model" else graph.datasets.get(key)
    if c.author is not None:
        author = facts.author if facts is not None and facts.author else None
        if author is None:
            name = graph.name(ref)
            author = name.split("/", 1)[0] if "/" in name else None
        if not c.author(author):
            return 0
    if c.gated is not None and is_gated(facts.gated if facts is not None else None) != c.gated:
        return 0
    if c.fetched is not None and (facts is not None and bool(facts.fetched)) != c.fetched:
        return 0
    if c.relations is not None and not (graph.relations.get(key, set()) & c.relations):
        return 0
    if c.risks is not None and not (graph.risks.get(key, frozenset()) & c.risks):
        return 0
    return bits


def is_gated(gated: str | None) -> bool:
    """Whether a model's or dataset's ``gated`` field (``manual``, ``auto``, ``false``, None) means gated."""
    return gated is not None and str(gated).strip().lower() not in ("", "false")


def _finding_matches(c: Conditions, conflict: Conflict) -> bool:
    if c.findings is not None and not c.findings(conflict.rule):
        return False
    if c.kinds is not None and conflict.kind.lower() not in c.kinds:
        return False
    if c.severity is not None and SEVERITY_ORDER.get(conflict.severity, 99) > SEVERITY_ORDER[c.severity]:
        return False
    if c.edges is not None and conflict.edge not in c.edges:
        return False
    if c.relations is not None and (conflict.relation or "").lower() not in c.relations:
        return False
    if c.licenses is not None or c.categories is not None or c.clauses is not None:
        info = license_info(conflict.origin_licenses)
        if c.licenses is not None and not (info.ids & c.licenses):
            return False
        if c.categories is not None and not (info.categories & c.categories):
            return False
        if c.clauses is not None and not (info.clauses & c.clauses):
            return False
    return True


class _Evaluator:
    def __init__(
        self,
        policy: Policy,
        state: GraphState,
        report: LicenseReport,
        scope: Scope,
        risks: Mapping[str, Iterable[str]] | None = None,
        datasets: PolicyDatasets | None = None,
    ) -> None:
        self.policy = policy
        self.state = state
        self.report = report
        self.scope = scope
        self.graph = _Graph(state, risks, datasets)
        self.model_key: str | None = None
        self.users: list[NodeRef] = []
        self.used_models: frozenset[str] | None = None  # Scope.models as keys (and what they resolve to)
        self.scope_id: str | None = None
        self.scope_kind: str | None = None
        self._resolve()
        self._chains: dict[object, _Chain] = {}

    def _resolve(self) -> None:
        if self.scope.model is not None:
            key = self.state.resolve(self.scope.model)
            if key not in self.state.models and key not in self.graph.bases and key not in self.graph.children:
                raise UnknownModelError(self.scope.model, _close(key, self.state.models))
            self.model_key = key
            self.scope_id = self.graph.name(("model", key))
            self.scope_kind = "model"
        elif self.scope.repo is not None:
            key = id_key(self.scope.repo)
            self.users = [
                (kind, key)
                for kind in ("repo", "space")
                if (kind, key) in self.graph.uses or (kind, key) in self.state.nodes
            ]
            if not self.users:
                raise UnknownRepoError(self.scope.repo)
            self.scope_id = self.graph.name(self.users[0])
            self.scope_kind = self.users[0][0]
            if self.scope.models is not None:
                self.used_models = frozenset(k for m in self.scope.models for k in (id_key(m), self.state.resolve(m)))

    def uses_now(self, model: str) -> bool:
        """Whether the scoped repository's usage of ``model`` (an id or key) is judged: always, unless
        ``Scope.models`` limits it."""
        return (
            self.used_models is None
            or id_key(model) in self.used_models
            or self.state.resolve(model) in self.used_models
        )

    def chain(self, rule_scope: RuleScope | None) -> _Chain:
        signature = rule_scope.signature if rule_scope is not None else None
        found = self._chains.get(signature)
        if found is not None:
            return found
        g, chain = self.graph, _Chain(self.graph)
        models_glob = rule_scope.models if rule_scope is not None else None
        repos_glob = rule_scope.repos if rule_scope is not None else None

        def model_ok(key: str) -> bool:
            return rule_scope is None or (models_glob is not None and models_glob(g.name(("model", key))))

        def use_ok(user: NodeRef, model: str) -> bool:
            return (
                rule_scope is None
                or (repos_glob is not None and repos_glob(g.name(user)))
                or (models_glob is not None and models_glob(g.name(("model", model))))
            )

        if self.model_key is not None:
            if model_ok(self.model_key):
                chain.self_seeds.add(self.model_key)
        elif self.users:
            for user in self.users:
                for m in g.uses.get(user, ()):
                    if self.uses_now(m) and use_ok(user, m):
                        chain.used_seeds.setdefault(m, []).append(user)
        else:
            if rule_scope is None:
                chain.self_seeds.update(self.state.models)
            elif models_glob is not None:
                chain.self_seeds.update(k for k in self.state.models if models_glob(g.name(("model", k))))
            for user, models in g.uses.items():
                for m in models:
                    if use_ok(user, m):
                        chain.used_seeds.setdefault(m, []).append(user)
        self._chains[signature] = chain.build()
        return chain

    def node_matches(self, rule: PolicyRule) -> Iterable[tuple[NodeRef, int, _Chain]]:
        chain = self.chain(rule.scope)
        c = rule.conditions
        verdicts: dict[tuple[str, ...], bool] = {}
        if c.nodes is None or "model" in c.nodes:
            for key, bits in chain.models.items():
                matched = _node_matches(c, self.graph, ("model", key), bits, verdicts)
                if matched:
                    yield ("model", key), matched, chain
        if c.nodes is None or "dataset" in c.nodes:
            for key, bits in chain.datasets.items():
                matched = _node_matches(c, self.graph, ("dataset", key), bits, verdicts)
                if matched:
                    yield ("dataset", key), matched, chain

    def scoped_conflicts(self) -> list[tuple[Conflict, tuple[str, ...], tuple[str, ...]]]:
        """Conflicts the scope sees, with the subject models and repositories each touches: those reaching the
        scoped model (``LicenseReport.for_model``) or the scoped repository's usage, or every one. A finding
        between datasets reaches the models trained on the relicensed data that do not honour it (and their
        descendants and users), as the license engine reports it (``Conflict.reached_models``)."""
        out: list[tuple[Conflict, tuple[str, ...], tuple[str, ...]]] = []
        if self.model_key is not None:
            name = self.graph.name(("model", self.model_key))
            seen: set[str] = set()
            for c, _ in self.report.for_model(name) or self.report.for_model(self.model_key):
                if c.key not in seen:
                    seen.add(c.key)
                    out.append((c, (name,), ()))
        elif self.users:
            keys = {key for _, key in self.users}
            name = self.scope_id or ""
            for c in self.report.conflicts:
                if c.child_type in ("repo", "space") and id_key(c.child) in keys:
                    bases = c.bases or ((c.base,) if c.base else ())
                    if self.used_models is None or any(self.uses_now(b) for b in bases):
                        out.append((c, (), (name,)))
                elif any(id_key(r) in keys for r in c.reached_repos) and (
                    self.used_models is None or any(self.uses_now(m) for m in c.reached_models)
                ):
                    out.append((c, (), (name,)))
        else:
            for c in self.report.conflicts:
                users = [c.child] if c.child_type in ("repo", "space") else []
                repos = tuple(dict.fromkeys((*users, *c.reached_repos)))
                out.append((c, c.reached_models, repos))
        return out

    def finding_matches(
        self, rule: PolicyRule, conflicts: list[tuple[Conflict, tuple[str, ...], tuple[str, ...]]]
    ) -> Iterable[tuple[Conflict, tuple[str, ...], tuple[str, ...]]]:
        for c, models, repos in conflicts:
            if not _finding_matches(rule.conditions, c):
                continue
            if rule.scope is not None:
                mg, rg = rule.scope.models, rule.scope.repos
                models = tuple(m for m in models if mg is not None and mg(m))
                repos = tuple(r for r in repos if rg is not None and rg(r))
                if not models and not repos:
                    continue
            yield c, models, repos

    def finding_chain(self, c: Conflict) -> tuple[Hop, ...]:
        """Hops of a finding: for a training-data or dataset finding first the datasets its obligation came
        through (``Conflict.chain``, from the dataset whose own license imposes it, each made into the next:
        ``source_datasets``), then its base(s), then its child."""
        bases = list(c.bases or ((c.base,) if c.base else ()))
        relation = c.relation or (c.edge if c.edge in ("trained_on", "uses", "dataset_derived") else None)
        kind = "dataset" if c.edge in ("trained_on", "dataset_derived") else "model"
        hops: list[Hop] = []
        if kind == "dataset" and c.chain:
            upstream = list(c.chain)
            last = id_key(upstream[-1])
            at = next((i for i, b in enumerate(bases) if id_key(b) == last), None)
            if at is not None:  # the chain ends at a base (the first base for a merge of datasets): it comes next
                upstream.pop()
                bases.insert(0, bases.pop(at))
            hops.extend(
                Hop(self.graph.name(("dataset", id_key(d))), "dataset", self._dataset_label(d), DATASET_RELATION)
                for d in upstream
            )
        for b in bases:
            label = c.base_license if b == (c.base or (c.bases[0] if c.bases else None)) else None
            label = label or self.report.merge_parent_licenses.get(b)
            if label is None and kind == "dataset":
                label = self._dataset_label(b)
            hops.append(Hop(b, kind, label or NOT_FETCHED, relation or c.edge))
        hops.append(Hop(c.child, c.child_type, c.child_license, None))
        return tuple(hops)

    def _dataset_label(self, dataset: str) -> str:
        label, _ = self.graph.license(("dataset", id_key(dataset)))
        return label


def _close(key: str, candidates: Iterable[str]) -> list[str]:
    owner = key.split("/", 1)[0] + "/"
    keys = list(candidates)
    pool = [k for k in keys if k.startswith(owner)] or keys[:50_000]
    return difflib.get_close_matches(key, pool, n=3, cutoff=0.6)


# ───────────────────────────── the check ─────────────────────────────


class _Keys:
    """Violation and finding keys made comparable across a model rename: lower case, every model id in them read
    through the state's aliases (``GraphState.resolve``), a merge's bases sorted again."""

    def __init__(self, state: GraphState) -> None:
        self.state = state
        self._ids: dict[str, str] = {}
        self._keys: dict[str, str] = {}

    def _id(self, key: str) -> str:
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = self.state.resolve(key) if key else key
        return found

    def canonical(self, key: str) -> str:
        """``key`` (``RULE/EDGE:CHILD<-BASE[+BASE...]``, ``POLICY_RULE:`` that, or ``POLICY_RULE:NODE``) with its
        ids canonical."""
        found = self._keys.get(key)
        if found is not None:
            return found
        text = key.strip().lower()
        arrow = text.find("<-")
        if arrow >= 0:
            colon = text.rfind(":", 0, arrow)
            prefix, child = text[: colon + 1], text[colon + 1 : arrow]
            edge = prefix[:-1].rsplit("/", 1)[-1]
            bases = text[arrow + 2 :].split("+")
            if edge not in ("uses", "dataset_derived"):  # a use's child is a repository/Space, else a dataset
                child = self._id(child)
            if edge not in ("trained_on", "dataset_derived"):  # a training or dataset edge's base is a dataset
                bases = sorted(self._id(b) for b in bases)
            out = f"{prefix}{child}<-{'+'.join(bases)}"
        elif ":" in text:
            rule, node = text.split(":", 1)
            out = f"{rule}:{self._id(node)}"
        else:
            out = text
        if len(self._keys) < 1_000_000:
            self._keys[key] = out
        return out


_NONE, _PARTIAL, _FULL = 0, 1, 2


def _glob_coverage(glob: Glob, at_node: bool, names: tuple[str, ...], noun: str) -> tuple[int, str | None]:
    """How far a waiver's glob covers a violation: all of it (at its node, or every affected name matches),
    part of it (``k of n affected NOUN``) or none."""
    if at_node:
        return _FULL, None
    hits = sum(1 for n in names if glob(n))
    if names and hits == len(names):
        return _FULL, None
    if hits:
        return _PARTIAL, f"{hits} of {len(names)} affected {noun}"
    return _NONE, None


def _waiver_coverage(w: Waiver, v: Violation, keys: _Keys) -> tuple[int, str | None]:
    """Whether waiver ``w`` covers violation ``v`` (``_FULL``), part of what it affects (``_PARTIAL``, with what
    it covers in words) or nothing of it (``_NONE``).

    By ``finding`` key: the violation's key or its finding's key, ids read through aliases. By ``rule``: that
    rule's violations; with ``model``, those at a matching node or whose affected subject models all match;
    with ``repo``, those at a matching repository/Space or whose affected repositories/Spaces all match."""
    if w.finding is not None:
        wanted = keys.canonical(w.finding)
        if wanted == keys.canonical(v.key) or (v.finding is not None and wanted == keys.canonical(v.finding.key)):
            return _FULL, None
        return _NONE, None
    if w.rule is None or w.rule.lower() != v.rule.lower():
        return _NONE, None
    levels: list[int] = []
    covered: list[str] = []
    if w.model_glob is not None:
        at_node = v.node_kind in ("model", "dataset") and w.model_glob(v.node)
        level, text = _glob_coverage(w.model_glob, at_node, v.subjects, "subjects")
        levels.append(level)
        covered.extend([text] if text else [])
    if w.repo_glob is not None:
        at_node = v.node_kind in ("repo", "space") and w.repo_glob(v.node)
        level, text = _glob_coverage(w.repo_glob, at_node, v.repos, "repositories/Spaces")
        levels.append(level)
        covered.extend([text] if text else [])
    level = min(levels, default=_FULL)
    return level, " and ".join(covered) if level == _PARTIAL else None


def _waiver_name(w: Waiver) -> str:
    """``rule X, model GLOB, repo GLOB, owner O`` for notes."""
    parts = [f"rule {w.rule}"]
    if w.model:
        parts.append(f"model {w.model}")
    if w.repo:
        parts.append(f"repo {w.repo}")
    parts.append(f"owner {w.owner}")
    return ", ".join(parts)


def check_policy(
    policy: Policy,
    state: GraphState,
    report: LicenseReport,
    scope: Scope | None = None,
    today: date | None = None,
    risks: Mapping[str, Iterable[str]] | None = None,
    datasets: PolicyDatasets | None = None,
) -> CheckResult:
    """Evaluate ``policy`` over ``state`` and ``report`` within ``scope`` (default: the whole graph), with waivers
    judged on ``today`` (default: ``date.today()``). Raises ``UnknownModelError``/``UnknownRepoError`` for a scope
    id the graph does not hold.

    ``risks``: each model's own model-file risk flags (``{model id or key: flags}``, as
    ``graphsc.reuse.risks.own_flags_by_key`` reads them from a store), which rules with ``risk`` match. A policy
    with such rules checked without them is a ``GraphscError``: a deny on a flag must never pass silently.

    ``datasets``: the datasets' records and lineage (``graphsc.policy.policy_datasets(store)``): the datasets a
    training dataset was made from (recursively) are in the chain, and ``gated``/``fetched`` match datasets.
    Without them only training datasets are in a chain and datasets' gated/fetched state is unknown: a policy
    whose node rules could match datasets, over a graph with dataset lineage (``report.dataset_lineage_edges``)
    or, for rules on gated/fetched, with any dataset, is then a ``GraphscError``, never a silent pass."""
    if risks is None and policy.uses_risks:
        rules = ", ".join(r.id for r in policy.rules if r.conditions.risks is not None)
        raise GraphscError(
            f"rule(s) {rules} match on model-file risk flags, but this check was given no risk flags",
            "Pass risks=graphsc.reuse.risks.own_flags_by_key(store) to check_policy.",
        )
    if datasets is None:
        _need_no_datasets(policy, state, report)
    with frozen_gc():  # millions of small index entries: a collection would rescan them all
        return _check_policy(policy, state, report, scope or Scope(), today or date.today(), risks, datasets)


def _may_match_datasets(rule: PolicyRule) -> bool:
    """A node rule whose conditions a dataset can meet."""
    c = rule.conditions
    return (
        rule.on == "model"
        and (c.nodes is None or "dataset" in c.nodes)
        and (c.positions is None or "dataset" in c.positions)
        and c.relations is None
        and c.risks is None
    )


def _need_no_datasets(policy: Policy, state: GraphState, report: LicenseReport) -> None:
    """Raise ``GraphscError`` when checking ``policy`` without the datasets' records and lineage could miss a
    match: see ``check_policy``."""
    rules = [r for r in policy.rules if _may_match_datasets(r)]
    why = ""
    if rules and report.dataset_lineage_edges:
        why = f"the graph has {report.dataset_lineage_edges:,} dataset lineage edge(s)"
    else:
        rules = [r for r in rules if r.conditions.gated is not None or r.conditions.fetched is not None]
        if rules and (state.training or any(kind == "dataset" for kind, _ in state.nodes)):
            why = "they match datasets on gated/fetched"
    if why:
        raise GraphscError(
            f"rule(s) {', '.join(r.id for r in rules)} look at datasets and {why}, but this check was given no "
            "dataset records or lineage",
            "Pass datasets=graphsc.policy.policy_datasets(store) to check_policy.",
        )


def _on_risks(rule: PolicyRule) -> bool:
    return rule.conditions.risks is not None


def _check_policy(
    policy: Policy,
    state: GraphState,
    report: LicenseReport,
    scope: Scope,
    today: date,
    risks: Mapping[str, Iterable[str]] | None = None,
    datasets: PolicyDatasets | None = None,
) -> CheckResult:
    ev = _Evaluator(policy, state, report, scope, risks, datasets)
    conflicts = ev.scoped_conflicts() if any(r.on == "finding" for r in policy.rules) else []

    # An allow rule answers one concern: one on model-file risks (``risk``) allows only risk rules' matches on its
    # nodes, any other allows only the other rules' (a permissive license says nothing about pickle files).
    allowed_nodes: dict[tuple[NodeRef, bool], str] = {}
    allowed_findings: dict[str, str] = {}
    for rule in policy.rules:
        if rule.action != "allow":
            continue
        if rule.on == "model":
            for ref, _, _ in ev.node_matches(rule):
                allowed_nodes.setdefault((ref, _on_risks(rule)), rule.id)
        else:
            for c, _, _ in ev.finding_matches(rule, conflicts):
                allowed_findings.setdefault(c.key, rule.id)

    raw: list[tuple[tuple[int, int, str], Violation]] = []
    for rule in policy.rules:
        if rule.action == "allow":
            continue
        if rule.on == "model":
            for ref, bits, chain in ev.node_matches(rule):
                label, _ = ev.graph.license(ref)
                models, repos = chain.affected(ref, bits)
                v = Violation(
                    rule=rule.id,
                    action=rule.action,
                    message=rule.message,
                    on="model",
                    node=ev.graph.name(ref),
                    node_kind=ref[0],
                    license=label,
                    positions=position_names(bits),
                    subjects=models,
                    repos=repos,
                    chain=chain.path(ref),
                    key=f"{rule.id}:{ref[1]}",
                    allowed_by=allowed_nodes.get((ref, _on_risks(rule))),
                    status="allowed" if (ref, _on_risks(rule)) in allowed_nodes else "violation",
                )
                raw.append(((_ACTION_ORDER[rule.action], rule.index, ref[1]), v))
        else:
            for c, models, repos in ev.finding_matches(rule, conflicts):
                v = Violation(
                    rule=rule.id,
                    action=rule.action,
                    message=rule.message,
                    on="finding",
                    node=c.child,
                    node_kind=c.child_type,
                    license=c.child_license,
                    positions=(),
                    subjects=tuple(models),
                    repos=tuple(repos),
                    chain=ev.finding_chain(c),
                    key=f"{rule.id}:{c.key}",
                    allowed_by=allowed_findings.get(c.key),
                    status="allowed" if c.key in allowed_findings else "violation",
                    finding=c,
                )
                raw.append(((_ACTION_ORDER[rule.action], rule.index, c.key), v))
    raw.sort(key=lambda pair: pair[0])

    used: set[int] = set()
    violations: list[Violation] = []
    keys = _Keys(state)
    for _, v in raw:
        if v.status == "allowed":
            violations.append(v)
            continue
        active: Waiver | None = None
        notes: list[str] = []
        for w in policy.waivers:
            level, covered = _waiver_coverage(w, v, keys)
            if level == _NONE:
                continue
            used.add(w.index)
            if level == _PARTIAL:
                if not w.expired(today):
                    notes.append(f"waiver ({_waiver_name(w)}) covers {covered}")
            elif w.expired(today):
                notes.append(f"waiver expired on {w.expires.isoformat()} (owner: {w.owner})")
            elif active is None:
                active = w
        if active is not None:
            v = replace(v, status="waived", waiver=active)
        elif notes:
            v = replace(v, notes=tuple(notes))
        violations.append(v)
    return CheckResult(
        policy=policy,
        scope=scope,
        today=today,
        violations=violations,
        unused_waivers=[w for w in policy.waivers if w.index not in used] if scope.whole_graph else [],
        expired_waivers=[w for w in policy.waivers if w.expired(today)],
        scope_id=ev.scope_id,
        scope_kind=ev.scope_kind,
    )
