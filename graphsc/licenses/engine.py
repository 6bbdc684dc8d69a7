"""License propagation over the supply-chain graph.

Obligations flow from bases to derivatives (and from datasets to the models trained on them) in topological
order. At each node an inherited obligation is either satisfied by the node's own license, or dropped. A drop
whose parent still honoured the obligation starts a new conflict at that edge; a drop whose parent had already
dropped it only extends the parent's conflict ("reached"), so each conflict is reported once, at its origin.
Declared lineage may contain cycles: those edges are ignored once, never looped over.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from graphsc.bulk import frozen_gc
from graphsc.licenses.findings import Conflict, LicenseReport, UsesSummary, rank_key
from graphsc.licenses.graph import (
    EDGE_DISTILLS,
    EDGE_IMPROVES,
    EDGE_TRAINED_ON,
    LicenseGraph,
    build_graph,
    csr,
    graph_from_store,
)
from graphsc.licenses.rules import (
    MERGE_CHECKED,
    NO_LICENSE,
    NOT_FETCHED,
    ON_USE_ONLY,
    RULES,
    Obligation,
    Rule,
    derived_rule,
    jointly_satisfiable,
    name_satisfies,
    passes_training,
    trained_on_rule,
    uses_rule,
)
from graphsc.records import Dataset, DerivedFrom, Model, Repo, Space, TrainedOn, Uses

SAT = -1  # the obligation is honoured at this node
_NAMED = (EDGE_IMPROVES, EDGE_DISTILLS)  # edges whose child is a new model, to which naming clauses apply
_MERGE = Obligation("merge_incompatible", "(merge)", clauses=())


@dataclass(slots=True)
class _Draft:
    """A conflict while the engine runs (integer ids)."""

    rule: Rule
    child: int
    base: int
    edge_pos: int
    user: bool = False
    obligations: list[Obligation] = field(default_factory=list)
    bases: tuple[int, ...] = ()
    reached: list[int] = field(default_factory=list)
    reached_users: set[int] = field(default_factory=set)

    @property
    def indeterminate(self) -> bool:
        return self.rule.id == "D-UNK-CHILD"


class _Run:
    """One propagation over a ``LicenseGraph``."""

    def __init__(self, g: LicenseGraph) -> None:
        self.g = g
        self.obligations: list[Obligation] = []
        self.ob_index: dict[Obligation, int] = {}
        self.own = [tuple(self._ob(o) for o in p.imposed) for p in g.profiles]
        self.own_state = [tuple((o, SAT) for o in own) for own in self.own]
        self.sat_cache: dict[tuple[int, int], bool | None] = {}
        self.crosses: dict[tuple[int, int], bool] = {}
        self.carried: list[tuple | None] = [None] * g.n_nodes
        self.interned: dict[tuple, tuple] = {}
        self.drafts: list[_Draft] = []
        self.draft_index: dict[tuple[int, int, str, bool], int] = {}
        self.merge_ok: dict[frozenset[int], bool] = {}
        self.cycle_edges: list[tuple[int, int]] = []
        self.merge_ob = self._ob(_MERGE)
        self.single_plans: dict[tuple, tuple[tuple, tuple[int, ...]]] = {}

    def _ob(self, ob: Obligation) -> int:
        found = self.ob_index.get(ob)
        if found is None:
            found = self.ob_index[ob] = len(self.obligations)
            self.obligations.append(ob)
        return found

    def _sat(self, profile: int, ob: int) -> bool | None:
        key = (profile, ob)
        try:
            return self.sat_cache[key]
        except KeyError:
            value = self.sat_cache[key] = self.g.profiles[profile].satisfies(self.obligations[ob])
            return value

    def _draft(self, rule: Rule, child: int, base: int, pos: int, user: bool = False) -> int:
        key = (child, base, rule.id, user)
        found = self.draft_index.get(key)
        if found is None:
            found = self.draft_index[key] = len(self.drafts)
            self.drafts.append(_Draft(rule, child, base, pos, user=user))
            if not user:
                self.drafts[found].reached.append(child)
        return found

    # ── per node ──

    def visit(self, c: int) -> None:
        g = self.g
        start, end = g.parent_ptr[c], g.parent_ptr[c + 1]
        prof = g.node_profile[c]
        if start == end:
            self.carried[c] = self.own_state[prof]
            return
        if end - start == 1 and self._visit_single(c, prof, start):
            return
        self._visit_general(c, prof, start, end)

    def _visit_general(self, c: int, prof: int, start: int, end: int) -> None:
        g = self.g
        state: dict[int, int] = dict(self.own_state[prof])
        incoming: dict[int, list[tuple[int, int]]] = {}
        per_parent: dict[int, set[int]] = {}
        for pos in range(start, end):
            p = g.parent_idx[pos]
            carried = self.carried[p]
            if carried is None:  # parent not visited yet: a cycle
                self.cycle_edges.append((c, p))
                continue
            edge_kind = g.parent_kind[pos]
            training = edge_kind == EDGE_TRAINED_ON
            for ob, st in carried:
                if not self._crosses(ob, edge_kind):
                    continue
                incoming.setdefault(ob, []).append((pos, st))
                if not training:
                    per_parent.setdefault(p, set()).add(ob)
        derived_from: frozenset[str] | None = None
        for ob, sources in incoming.items():
            if self.obligations[ob].kind == "improving_other_models" and derived_from is None:
                derived_from = self._lineage_origins(start, end)
            state[ob] = self._decide(c, prof, ob, sources, derived_from)
        if len(per_parent) >= 2:
            self._check_merge(c, per_parent, state)
        key = tuple(sorted(state.items()))
        self.carried[c] = self.interned.setdefault(key, key)

    def _visit_single(self, c: int, prof: int, pos: int) -> bool:
        """Fast path for a node with one parent. Nodes with the same license, edge kind, parent state and
        naming verdicts end in the same state unless a new conflict starts at them, so that outcome is
        memoised. Returns False when the general path must run."""
        g = self.g
        carried = self.carried[g.parent_idx[pos]]
        if carried is None:
            return False
        kind = g.parent_kind[pos]
        names: tuple[bool, ...] = ()
        if kind in _NAMED:
            obs = self.obligations
            names = tuple(
                name_satisfies(g.node_ids[c], obs[ob].prefix or "") for ob, _ in carried if obs[ob].kind == "naming"
            )
        key = (prof, kind, carried, names)
        plan = self.single_plans.get(key)
        if plan is None:
            before = len(self.drafts)
            self._visit_general(c, prof, pos, pos + 1)
            if len(self.drafts) == before:  # no new conflict: every non-SAT state was inherited
                result = self.carried[c]
                self.single_plans[key] = (result, tuple(dict.fromkeys(st for _, st in result if st != SAT)))
            return True
        result, inherited = plan
        for st in inherited:
            reached = self.drafts[st].reached
            if reached[-1] != c:
                reached.append(c)
        self.carried[c] = result
        return True

    def _crosses(self, ob: int, edge_kind: int) -> bool:
        """Does obligation ``ob`` pass an edge of ``edge_kind`` (training data, distillation, other lineage)?"""
        key = (ob, edge_kind)
        found = self.crosses.get(key)
        if found is None:
            o = self.obligations[ob]
            if edge_kind == EDGE_TRAINED_ON:
                found = passes_training(o)
            elif edge_kind == EDGE_DISTILLS:
                found = o.distills
            else:
                found = not o.outputs_only
            self.crosses[key] = found
        return found

    def _lineage_origins(self, start: int, end: int) -> frozenset[str]:
        """Licenses whose obligations reach a node through its derivative edges (not distillation, not training
        data): the node is a derivative work of a model under each of them."""
        g, obs = self.g, self.obligations
        found: set[str] = set()
        for pos in range(start, end):
            carried = self.carried[g.parent_idx[pos]]
            if carried is not None and g.parent_kind[pos] not in (EDGE_DISTILLS, EDGE_TRAINED_ON):
                found.update(obs[o].origin for o, _ in carried)
        return frozenset(found)

    def _decide(
        self, c: int, prof: int, ob: int, sources: list[tuple[int, int]], derived_from: frozenset[str] | None = None
    ) -> int:
        g = self.g
        obligation = self.obligations[ob]
        if obligation.kind == "improving_other_models":
            # "excluding <the model> or derivative works thereof" (Llama 2 §1.b.v): met by lineage, not by a
            # declared license; a student that is not a derivative work of such a model breaks it.
            allowed = {t.removeprefix("id:") for t in obligation.requires}
            if derived_from and allowed & derived_from:
                return SAT
            sat: bool | None = False
        elif obligation.kind == "naming":
            improving = [s for s in sources if g.parent_kind[s[0]] in _NAMED]
            if not improving or name_satisfies(g.node_ids[c], obligation.prefix or ""):
                return SAT
            sources = improving
            sat = False
        else:
            sat = self._sat(prof, ob)
            if sat is True:
                return SAT
        for _pos, st in sources:
            if st != SAT and (sat is None or not self.drafts[st].indeterminate):
                reached = self.drafts[st].reached
                if reached[-1] != c:
                    reached.append(c)
                return st
        pos = sources[0][0]
        if g.parent_kind[pos] == EDGE_TRAINED_ON:
            rule = trained_on_rule(obligation)
        else:
            rule = derived_rule(obligation, g.profiles[prof], sat)
        d = self._draft(rule, c, g.parent_idx[pos], pos)
        self.drafts[d].obligations.append(obligation)
        return d

    def _check_merge(self, c: int, per_parent: dict[int, set[int]], state: dict[int, int]) -> None:
        if self.merge_ob in state:
            return
        union = frozenset(o for obs in per_parent.values() for o in obs)
        ok = self._jointly(union)
        if ok or not all(self._jointly(frozenset(obs)) for obs in per_parent.values()):
            return
        parents = tuple(per_parent)
        d = self._draft(RULES["M-INCOMPAT"], c, parents[0], -1)
        self.drafts[d].bases = parents
        self.drafts[d].obligations.extend(
            self.obligations[o] for o in sorted(union) if self.obligations[o].kind in MERGE_CHECKED
        )
        state[self.merge_ob] = d

    def _jointly(self, obs: frozenset[int]) -> bool:
        found = self.merge_ok.get(obs)
        if found is None:
            found = self.merge_ok[obs] = jointly_satisfiable(frozenset(self.obligations[o] for o in obs))
        return found

    # ── whole graph ──

    def propagate(self) -> None:
        """Visit every node that has lineage edges, bases before derivatives (Kahn's algorithm over CSR
        arrays). Nodes without lineage edges are never visited: their state is their own obligations."""
        g = self.g
        n = g.n_nodes
        pp = g.parent_ptr
        edge_child = array("i", bytes(4 * len(g.parent_idx)))
        indeg = array("i", bytes(4 * n))
        for c in range(n):
            lo, hi = pp[c], pp[c + 1]
            if hi > lo:
                indeg[c] = hi - lo
                edge_child[lo:hi] = array("i", [c]) * (hi - lo)
        ch_ptr, ch_idx, _ = csr(n, g.parent_idx, edge_child)
        own_state, profile, carried, visit = self.own_state, g.node_profile, self.carried, self.visit
        stack = [v for v in range(n) if indeg[v] == 0 and ch_ptr[v + 1] > ch_ptr[v]]
        for v in stack:
            carried[v] = own_state[profile[v]]
        pending = len(edge_child) and sum(1 for c in range(n) if indeg[c])
        while True:
            while stack:
                v = stack.pop()
                for k in range(ch_ptr[v], ch_ptr[v + 1]):
                    ch = ch_idx[k]
                    indeg[ch] -= 1
                    if indeg[ch] == 0:
                        visit(ch)
                        pending -= 1
                        if ch_ptr[ch + 1] > ch_ptr[ch]:
                            stack.append(ch)
            if pending <= 0:
                return
            pending -= self._break_cycles(ch_ptr, ch_idx)

    def _break_cycles(self, ch_ptr: array, ch_idx: array) -> int:
        """Visit the nodes left unvisited by cycles (and what hangs below them) in condensation order; edges
        from not-yet-visited parents are ignored and recorded. Returns how many nodes were visited."""
        g, carried = self.g, self.carried
        rest = [i for i in range(g.n_nodes) if carried[i] is None and g.parent_ptr[i + 1] > g.parent_ptr[i]]
        sub = nx.DiGraph()
        sub.add_nodes_from(rest)
        sub.add_edges_from(
            (p, ch_idx[k]) for p in rest for k in range(ch_ptr[p], ch_ptr[p + 1]) if carried[ch_idx[k]] is None
        )
        cond = nx.condensation(sub)
        for comp in nx.topological_sort(cond):
            for v in sorted(cond.nodes[comp]["members"]):
                self.visit(v)
        return len(rest)

    def check_uses(self) -> UsesSummary:
        g = self.g
        summary = UsesSummary()
        rules: dict[int, Rule | None] = {}
        for m in range(g.n_models):
            for pos in range(g.use_ptr[m], g.use_ptr[m + 1]):
                u = g.use_user[pos]
                summary.total += 1
                uprof = g.user_profile[u]
                if g.profiles[uprof].unknown:
                    continue
                summary.checkable += 1
                hit: set[str] = set()
                for ob, st in self.carried[m] or self.own_state[g.node_profile[m]]:
                    rule = rules[ob] if ob in rules else rules.setdefault(ob, uses_rule(self.obligations[ob]))
                    if rule is None:
                        continue
                    if self.obligations[ob].kind in ON_USE_ONLY:  # always a "check this" for the user
                        st = SAT
                    elif self._sat(uprof, ob) is not False:
                        continue
                    if st != SAT:
                        self.drafts[st].reached_users.add(u)
                        hit.add(self.drafts[st].rule.kind)
                    else:
                        d = self._draft(rule, u, m, pos, user=True)
                        self.drafts[d].obligations.append(self.obligations[ob])
                        self.drafts[d].reached_users.add(u)
                        hit.add(rule.kind)
                if hit - _INFO_KINDS:
                    summary.in_conflict += 1
                    summary.by_kind.update(hit)
        return summary

    # ── output ──

    def conflicts(self) -> list[Conflict]:
        return self._conflicts()[0]

    def _conflicts(self) -> tuple[list[Conflict], dict[str, str]]:
        """The ranked conflicts, and the license label of every merge parent (a conflict names only the first)."""
        g = self.g
        labels = [p.label for p in g.profiles]
        parent_labels: dict[str, str] = {}
        out = []
        described: dict[tuple[Obligation, ...], tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}
        for d in self.drafts:
            obligations = tuple(dict.fromkeys(d.obligations))
            words = described.get(obligations)
            if words is None:
                words = described[obligations] = (
                    tuple(dict.fromkeys(o.origin for o in obligations if o.kind != "merge_incompatible")),
                    tuple(dict.fromkeys(c for o in obligations for c in o.clauses)),
                    tuple(_describe(o) for o in obligations),
                )
            if d.user:
                child_id, child_type = g.user_ids[d.child], g.user_kind[d.child]
                child_license = labels[g.user_profile[d.child]]
                edge, relation = "uses", None
            else:
                child_id, child_type = g.node_ids[d.child], "model"
                child_license = labels[g.node_profile[d.child]]
                edge = (
                    "merge"
                    if d.rule.id == "M-INCOMPAT"
                    else ("trained_on" if g.parent_kind[d.edge_pos] == EDGE_TRAINED_ON else "derived")
                )
                relation = None if d.edge_pos < 0 else g.relations[g.parent_rel[d.edge_pos]]
            for b in d.bases:
                parent_labels[g.node_ids[b]] = labels[g.node_profile[b]]
            out.append(
                Conflict(
                    kind=d.rule.kind,
                    severity=d.rule.severity,
                    rule=d.rule.id,
                    edge=edge,
                    child=child_id,
                    child_type=child_type,
                    child_license=child_license,
                    base=g.node_ids[d.base],
                    base_license=labels[g.node_profile[d.base]],
                    relation=relation,
                    origin_licenses=words[0],
                    clauses=words[1],
                    dropped=words[2],
                    description=d.rule.description,
                    bases=tuple(g.node_ids[b] for b in d.bases),
                    reached_models=tuple(g.node_ids[i] for i in d.reached),
                    reached_repos=tuple(sorted(g.user_ids[u] for u in d.reached_users)),
                    reached_downloads=sum(g.downloads[i] for i in d.reached),
                )
            )
        out.sort(key=rank_key)
        return out, parent_labels


def _describe(ob: Obligation) -> str:
    """One dropped obligation in words, e.g. ``non commercial (cc-by-nc-4.0)``."""
    if ob.kind == "naming":
        return f"name must begin with {ob.prefix!r} ({ob.origin})"
    if ob.kind == "notice":
        return f"notice {ob.notice!r} ({ob.origin})"
    if ob.kind == "user_threshold":
        return f"separate license above {ob.notice} ({ob.origin})"
    if ob.kind == "improving_other_models":
        return f"outputs may not improve other models ({ob.origin})"
    if ob.kind == "merge_incompatible":
        return "merged parents' obligations cannot all be met"
    if ob.kind == "unknown_terms":
        return f"unknown terms ({_UNKNOWN_WHY.get(ob.origin, ob.origin)})"
    return f"{ob.kind.replace('_', ' ')} ({ob.origin})"


_INFO_KINDS = frozenset(RULES[r].kind for r in ("U-NOTICE", "U-THRESHOLD"))

# Why terms are unknown, in words, for the origins that are not a license (see ``rules.profile_of``).
_UNKNOWN_WHY = {NO_LICENSE: "no license declared", NOT_FETCHED: "model not fetched"}


def analyze(graph: LicenseGraph) -> LicenseReport:
    """Propagate license obligations over a compiled graph and return the ranked conflicts."""
    started = time.perf_counter()
    with frozen_gc():
        run = _Run(graph)
        run.propagate()
        uses = run.check_uses()
        conflicts, parent_labels = run._conflicts()
    return LicenseReport(
        conflicts=conflicts,
        merge_parent_licenses=parent_labels,
        uses=uses,
        models=graph.n_models,
        lineage_edges=len(graph.parent_idx),
        cycle_edges_ignored=[(graph.node_ids[c], graph.node_ids[p]) for c, p in run.cycle_edges],
        seconds=time.perf_counter() - started,
    )


def check_licenses(
    models: Iterable[Model],
    derived_from: Iterable[DerivedFrom] = (),
    trained_on: Iterable[TrainedOn] = (),
    uses: Iterable[Uses] = (),
    datasets: Iterable[Dataset] = (),
    repos: Iterable[Repo] = (),
    spaces: Iterable[Space] = (),
) -> LicenseReport:
    """Check license propagation over plain records (as read from a store). See ``analyze``."""
    with frozen_gc():
        graph = build_graph(models, derived_from, trained_on, uses, datasets, repos, spaces)
    return analyze(graph)


def check_store(store) -> LicenseReport:
    """Check license propagation over everything in a ``GraphStore`` (read via its ``iter_*`` methods)."""
    with frozen_gc():
        graph = graph_from_store(store)
    return analyze(graph)
