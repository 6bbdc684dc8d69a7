"""License propagation over the supply-chain graph.

Obligations flow from bases to derivatives (and from datasets to the models trained on them) in topological
order. At each node an inherited obligation is either satisfied by the node's own license, or dropped. A drop
whose parent still honoured the obligation starts a new conflict at that edge; a drop whose parent had already
dropped it only extends the parent's conflict ("reached"), so each conflict is reported once, at its origin.
Declared lineage may contain cycles: those edges are ignored once, never looped over.

**Datasets.** A dataset made from another (its card's ``source_datasets: extended|<id>``, a DERIVED_FROM edge
between datasets) carries every obligation of its source that binds the data (``rules.passes_dataset_derivation``),
so a model trained on it is judged against them as against its own sources': a dataset ``d/derived`` declared
``mit`` made from ``d/nc`` under ``cc-by-nc-4.0`` still carries NC, and a commercially licensed model trained on
``d/derived`` gets the training-data finding ``T-NC`` whose ``chain`` names the path, ``d/nc → d/derived``.

Relicensing a source's obligation away is itself a finding, at the derived dataset (``child_type`` ``dataset``,
edge ``dataset_derived``), under the same rules as a model dropping its base's license (``D-NC``, ``D-SA``,
``D-ND``, ``D-RELIC``, ``D-UNK-CHILD`` when the dataset's license is unknown, ``M-INCOMPAT`` for datasets made
from sources whose obligations cannot be met together): the derived dataset is Adapted Material (CC BY-NC 4.0
§1(a); a database holding a substantial portion of the source's contents, §4(b)), which the licensee may
"produce, reproduce, and Share ... for NonCommercial purposes only" (§2(a)(1)(B), NonCommercial as §1(i)
defines it), and "the Adapter's License You apply must not prevent recipients of the Adapted Material from
complying with this Public License" (§3(a)(4)). ``mit`` does not carry the NC condition, so the reviewer sees
where it was dropped. The models trained on the dataset are each judged afresh on their training edge (a ``T-*``
finding of their own), since the model's publisher, not the dataset's, chose the model's license; the dataset's
finding still *reaches* them: its ``reached_datasets`` are the dataset and the datasets made from it that carry the
drop on, its ``reached_models`` (models only) every model trained on one of those that does not honour the dropped
obligation, and their descendants that carry it on, its ``reached_repos`` the users those models' drops reach
(``_Propagation.models_below``), so it ranks and filters by what the relicensing reaches. Unknown terms of a source
dataset are not carried (as for training data, an unknown dataset license is no finding downstream).

**A model with an unknown license** (none declared, or not judgeable) trained on data whose obligation binds
trained models is ``D-UNK-CHILD`` on its ``trained_on`` edge, as a derivative with an unknown license is on a
lineage edge (``rules.trained_on_rule``): ``T-NC`` says "licensed for commercial use", which is not true of a model
that declares no license. Unlike a derivative's, that finding is not indeterminate: the model's descendants carry it
on (they are in its ``reached_models``), as they would carry a ``T-*`` finding, rather than opening derivative
findings (``D-NC``, error) for terms that reach them only through their base's training data.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import networkx as nx

from graphsc.bulk import frozen_gc
from graphsc.licenses.findings import Conflict, LicenseReport, UsesSummary, rank_key
from graphsc.licenses.graph import (
    EDGE_DATASET_DERIVED,
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
    ON_USE_ONLY,
    RULES,
    Obligation,
    Rule,
    derived_rule,
    jointly_satisfiable,
    name_satisfies,
    passes_dataset_derivation,
    passes_training,
    trained_on_rule,
    uses_rule,
)
from graphsc.records import (
    NO_LICENSE,
    NOT_FETCHED,
    Dataset,
    DatasetDerivedFrom,
    DerivedFrom,
    Model,
    Repo,
    Space,
    TrainedOn,
    Uses,
)

if TYPE_CHECKING:
    from graphsc.store.base import GraphStore

# The state of an obligation at a node: ``SATISFIED``, or the number of the conflict draft that dropped it on the
# way (at this node or upstream), which the node carries on.
SATISFIED = -1  # the obligation is honoured at this node
# What a node carries downstream: its (obligation number, state) pairs, sorted; interned, so equal tuples are shared.
States = tuple[tuple[int, int], ...]
_NEW_MODEL_EDGES = (EDGE_IMPROVES, EDGE_DISTILLS)  # edges whose child is a new model, to which naming clauses apply
# The pseudo-obligation whose state records a merge conflict at a node (so descendants extend it, not repeat it).
_MERGE_OBLIGATION = Obligation("merge_incompatible", "(merge)", clauses=())


@dataclass(slots=True)
class _ConflictDraft:
    """A conflict while the engine runs, in integer ids; becomes a ``Conflict`` at the end.

    ``child``: the node (or, when ``user``, the repository/Space) where the obligations were dropped; ``base``
    and ``edge_pos``: the parent node and the position of the edge in the parent arrays (-1 for a merge, whose
    parents are ``bases``; for a use, the position in the use arrays). ``reached``: the child, then every node
    that carries the drop on, in visiting order; ``reached_users``: users of those nodes that do too.
    """

    rule: Rule
    child: int
    base: int
    edge_pos: int
    user: bool = False
    obligations: list[Obligation] = field(default_factory=list)
    bases: tuple[int, ...] = ()
    reached: list[int] = field(default_factory=list)
    reached_users: set[int] = field(default_factory=set)
    training: bool = False  # opened on a training edge (a model trained on a dataset)

    @property
    def indeterminate(self) -> bool:
        """The child's license is unknown (``D-UNK-CHILD``): a descendant whose license does tell may still
        start its own conflict. Not on a training edge: the descendants of a model with an unknown license carry
        its training-data finding on, as they carry a ``T-*`` one (``rules.trained_on_rule``)."""
        return self.rule.id == "D-UNK-CHILD" and not self.training


class _Propagation:
    """One propagation of license obligations over a ``LicenseGraph``: ``propagate`` visits the nodes, then
    ``check_uses`` the users, then ``conflicts_and_parent_labels`` turns the drafts into ranked ``Conflict``s.

    Obligations are numbered (``obligations[n]``) so that a node's state is a tuple of small integers
    (``States``); ``carried[node]`` is that state once the node is visited (None before).
    """

    def __init__(self, g: LicenseGraph) -> None:
        self.g = g
        self.obligations: list[Obligation] = []  # by obligation number
        self.obligation_numbers: dict[Obligation, int] = {}
        # Per profile: the obligations its license imposes, and those as a node's states (all satisfied).
        self.own_obligations = [tuple(self._obligation_number(o) for o in p.imposed) for p in g.profiles]
        self.own_states: list[States] = [tuple((o, SATISFIED) for o in own) for own in self.own_obligations]
        self.satisfies_cache: dict[tuple[int, int], bool | None] = {}  # (profile, obligation) → satisfied?
        self.crosses_cache: dict[tuple[int, int], bool] = {}  # (obligation, edge code) → crosses?
        self.carried: list[States | None] = [None] * g.n_nodes
        self.interned_states: dict[States, States] = {}
        self.drafts: list[_ConflictDraft] = []  # by draft number, the value of a dropped obligation's state
        self.draft_numbers: dict[tuple[int, int, str, bool], int] = {}  # (child, base, rule id, user) → number
        self.jointly_cache: dict[frozenset[int], bool] = {}  # obligation numbers → jointly satisfiable?
        self.cycle_edges: list[tuple[int, int]] = []  # (child, parent) edges ignored to break cycles
        # Each node's lineage children (CSR by parent), set by ``propagate``: models trained on a dataset, datasets
        # made from it, a model's derivatives.
        self.child_ptr: array[int] = array("i", [0] * (g.n_nodes + 1))
        self.child_idx: array[int] = array("i")
        self.merge_obligation = self._obligation_number(_MERGE_OBLIGATION)
        # One-parent nodes: (profile, edge code, parent's states, naming verdicts) → (states, inherited drafts).
        self.single_parent_outcomes: dict[
            tuple[int, int, States, tuple[bool, ...]], tuple[States, tuple[int, ...]]
        ] = {}

    def _obligation_number(self, ob: Obligation) -> int:
        """The number of an obligation, numbering a new one."""
        found = self.obligation_numbers.get(ob)
        if found is None:
            found = self.obligation_numbers[ob] = len(self.obligations)
            self.obligations.append(ob)
        return found

    def _satisfies(self, profile: int, ob: int) -> bool | None:
        """Does license profile ``profile`` satisfy obligation number ``ob``? (cached; None: cannot tell)"""
        key = (profile, ob)
        try:
            return self.satisfies_cache[key]
        except KeyError:
            value = self.satisfies_cache[key] = self.g.profiles[profile].satisfies(self.obligations[ob])
            return value

    def _draft_number(self, rule: Rule, child: int, base: int, pos: int, user: bool = False) -> int:
        """The number of the conflict draft for ``rule`` at edge ``base → child`` (a use when ``user``), opening
        one when there is none yet (a node child is its own first reached node)."""
        key = (child, base, rule.id, user)
        found = self.draft_numbers.get(key)
        if found is None:
            found = self.draft_numbers[key] = len(self.drafts)
            self.drafts.append(_ConflictDraft(rule, child, base, pos, user=user))
            if not user:
                self.drafts[found].reached.append(child)
        return found

    # ── per node ──

    def visit(self, node: int) -> None:
        """Set ``carried[node]`` from its own license and its visited parents' states (parents not yet visited
        close a cycle: those edges are recorded and ignored)."""
        g = self.g
        start, end = g.parent_ptr[node], g.parent_ptr[node + 1]
        profile = g.node_profile[node]
        if start == end:
            self.carried[node] = self.own_states[profile]
            return
        if end - start == 1 and self._visit_single(node, profile, start):
            return
        self._visit_general(node, profile, start, end)

    def _visit_general(self, node: int, profile: int, start: int, end: int) -> None:
        """Visit ``node`` (license ``profile``) over its incoming edges at positions ``start..end-1``: each
        obligation crossing an edge is decided (``_decide``), merges are checked, and the result is interned."""
        g = self.g
        states: dict[int, int] = dict(self.own_states[profile])
        incoming: dict[int, list[tuple[int, int]]] = {}  # obligation → (edge position, parent's state) pairs
        per_parent: dict[int, set[int]] = {}  # lineage parent → obligations crossing its edge
        for pos in range(start, end):
            parent = g.parent_idx[pos]
            carried = self.carried[parent]
            if carried is None:  # parent not visited yet: a cycle
                self.cycle_edges.append((node, parent))
                continue
            edge_kind = g.parent_kind[pos]
            training = edge_kind == EDGE_TRAINED_ON
            for ob, state in carried:
                if not self._crosses(ob, edge_kind):
                    continue
                if training and state != SATISFIED:
                    # Dropped in the dataset's own lineage (a finding at that dataset): the model trained on it is
                    # judged afresh, a training-data finding of its own (see the module docstring).
                    state = SATISFIED
                incoming.setdefault(ob, []).append((pos, state))
                if not training:
                    per_parent.setdefault(parent, set()).add(ob)
        derived_from: frozenset[str] | None = None
        for ob, sources in incoming.items():
            if self.obligations[ob].kind == "improving_other_models" and derived_from is None:
                derived_from = self._lineage_origins(start, end)
            states[ob] = self._decide(node, profile, ob, sources, derived_from)
        if len(per_parent) >= 2:
            self._check_merge(node, per_parent, states)
        key = tuple(sorted(states.items()))
        self.carried[node] = self.interned_states.setdefault(key, key)

    def _visit_single(self, node: int, profile: int, pos: int) -> bool:
        """Fast path for a node with one parent. Nodes with the same license, edge kind, parent state and
        naming verdicts end in the same state unless a new conflict starts at them, so that outcome is
        memoised. Returns False when the general path must run."""
        g = self.g
        carried = self.carried[g.parent_idx[pos]]
        if carried is None:
            return False
        kind = g.parent_kind[pos]
        names: tuple[bool, ...] = ()
        if kind in _NEW_MODEL_EDGES:
            obs = self.obligations
            names = tuple(
                name_satisfies(g.node_ids[node], obs[ob].prefix or "") for ob, _ in carried if obs[ob].kind == "naming"
            )
        key = (profile, kind, carried, names)
        outcome = self.single_parent_outcomes.get(key)
        if outcome is None:
            before = len(self.drafts)
            self._visit_general(node, profile, pos, pos + 1)
            result = self.carried[node]
            if len(self.drafts) == before and result is not None:  # no new conflict: every drop was inherited
                inherited = tuple(dict.fromkeys(state for _, state in result if state != SATISFIED))
                self.single_parent_outcomes[key] = (result, inherited)
            return True
        result, inherited = outcome
        for draft in inherited:
            reached = self.drafts[draft].reached
            if reached[-1] != node:
                reached.append(node)
        self.carried[node] = result
        return True

    def _crosses(self, ob: int, edge_kind: int) -> bool:
        """Does obligation ``ob`` pass an edge of ``edge_kind`` (training data, dataset lineage, distillation, other
        model lineage)?"""
        key = (ob, edge_kind)
        found = self.crosses_cache.get(key)
        if found is None:
            obligation = self.obligations[ob]
            if edge_kind == EDGE_TRAINED_ON:
                found = passes_training(obligation)
            elif edge_kind == EDGE_DATASET_DERIVED:
                found = passes_dataset_derivation(obligation)
            elif edge_kind == EDGE_DISTILLS:
                found = obligation.distills
            else:
                found = not obligation.outputs_only
            self.crosses_cache[key] = found
        return found

    def _lineage_origins(self, start: int, end: int) -> frozenset[str]:
        """Licenses whose obligations reach a node through its derivative edges (not distillation, not training
        data): the node is a derivative work of a model under each of them."""
        g, obs = self.g, self.obligations
        found: set[str] = set()
        for pos in range(start, end):
            carried = self.carried[g.parent_idx[pos]]
            if carried is not None and g.parent_kind[pos] not in (EDGE_DISTILLS, EDGE_TRAINED_ON, EDGE_DATASET_DERIVED):
                found.update(obs[o].origin for o, _ in carried)
        return frozenset(found)

    def _decide(
        self,
        node: int,
        profile: int,
        ob: int,
        sources: list[tuple[int, int]],
        derived_from: frozenset[str] | None = None,
    ) -> int:
        """The state of obligation ``ob`` at ``node`` (license ``profile``), which it reaches by ``sources``
        (edge position, parent's state): ``SATISFIED``, a parent's draft it extends, or a new draft opened here.
        ``derived_from``: the licenses reaching the node over derivative edges (see ``_lineage_origins``)."""
        g = self.g
        obligation = self.obligations[ob]
        if obligation.kind == "improving_other_models":
            # "excluding <the model> or derivative works thereof" (Llama 2 §1.b.v): met by lineage, not by a
            # declared license; a student that is not a derivative work of such a model breaks it.
            allowed = {t.removeprefix("id:") for t in obligation.requires}
            if derived_from and allowed & derived_from:
                return SATISFIED
            satisfied: bool | None = False
        elif obligation.kind == "naming":
            improving = [s for s in sources if g.parent_kind[s[0]] in _NEW_MODEL_EDGES]
            if not improving or name_satisfies(g.node_ids[node], obligation.prefix or ""):
                return SATISFIED
            sources = improving
            satisfied = False
        else:
            satisfied = self._satisfies(profile, ob)
            if satisfied is True:
                return SATISFIED
        for _pos, state in sources:
            if state != SATISFIED and (satisfied is None or not self.drafts[state].indeterminate):
                reached = self.drafts[state].reached
                if reached[-1] != node:
                    reached.append(node)
                return state
        pos = sources[0][0]
        training = g.parent_kind[pos] == EDGE_TRAINED_ON
        if training:
            rule = trained_on_rule(obligation, satisfied)
        else:
            rule = derived_rule(obligation, g.profiles[profile], satisfied)
        draft = self._draft_number(rule, node, g.parent_idx[pos], pos)
        self.drafts[draft].obligations.append(obligation)
        self.drafts[draft].training = training
        return draft

    def _check_merge(self, node: int, per_parent: dict[int, set[int]], states: dict[int, int]) -> None:
        """Open a merge draft at ``node`` when the obligations of its lineage parents (``per_parent``), each
        satisfiable alone, cannot be met together; its state is recorded under the merge pseudo-obligation."""
        if self.merge_obligation in states:
            return
        union = frozenset(o for obs in per_parent.values() for o in obs)
        ok = self._jointly_satisfiable(union)
        if ok or not all(self._jointly_satisfiable(frozenset(obs)) for obs in per_parent.values()):
            return
        parents = tuple(per_parent)
        draft = self._draft_number(RULES["M-INCOMPAT"], node, parents[0], -1)
        self.drafts[draft].bases = parents
        self.drafts[draft].obligations.extend(
            self.obligations[o] for o in sorted(union) if self.obligations[o].kind in MERGE_CHECKED
        )
        states[self.merge_obligation] = draft

    def _jointly_satisfiable(self, obs: frozenset[int]) -> bool:
        """Can one license meet all of these obligation numbers? (cached ``rules.jointly_satisfiable``)"""
        found = self.jointly_cache.get(obs)
        if found is None:
            found = self.jointly_cache[obs] = jointly_satisfiable(frozenset(self.obligations[o] for o in obs))
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
        self.child_ptr, self.child_idx = ch_ptr, ch_idx
        own_states, profile, carried, visit = self.own_states, g.node_profile, self.carried, self.visit
        stack = [v for v in range(n) if indeg[v] == 0 and ch_ptr[v + 1] > ch_ptr[v]]
        for v in stack:
            carried[v] = own_states[profile[v]]
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

    def _break_cycles(self, ch_ptr: array[int], ch_idx: array[int]) -> int:
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
        """Check every model's users (repositories, Spaces) against what the model carries: a use extends the
        model's drafts, or opens a use draft when the user's license drops an obligation the model honours
        (always, as a "check this", for obligations judged only on use). Returns the usage counts."""
        g = self.g
        summary = UsesSummary()
        use_rules: dict[int, Rule | None] = {}
        for model in range(g.n_models):
            for pos in range(g.use_ptr[model], g.use_ptr[model + 1]):
                user_index = g.use_user[pos]
                summary.total += 1
                user_profile = g.user_profile[user_index]
                if g.profiles[user_profile].unknown:
                    continue
                summary.checkable += 1
                hit: set[str] = set()
                for ob, state in self.carried[model] or self.own_states[g.node_profile[model]]:
                    rule = (
                        use_rules[ob] if ob in use_rules else use_rules.setdefault(ob, uses_rule(self.obligations[ob]))
                    )
                    if rule is None:
                        continue
                    if self.obligations[ob].kind in ON_USE_ONLY:  # always a "check this" for the user
                        state = SATISFIED
                    elif self._satisfies(user_profile, ob) is not False:
                        continue
                    if state != SATISFIED:
                        self.drafts[state].reached_users.add(user_index)
                        hit.add(self.drafts[state].rule.kind)
                    else:
                        draft = self._draft_number(rule, user_index, model, pos, user=True)
                        self.drafts[draft].obligations.append(self.obligations[ob])
                        self.drafts[draft].reached_users.add(user_index)
                        hit.add(rule.kind)
                if hit - _INFO_ONLY_KINDS:
                    summary.in_conflict += 1
                    summary.by_kind.update(hit)
        return summary

    # ── output ──

    def conflicts_and_parent_labels(self) -> tuple[list[Conflict], dict[str, str]]:
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
                    tuple(_describe_dropped(o) for o in obligations),
                )
            edge: Literal["derived", "merge", "trained_on", "uses", "dataset_derived"]
            child_type: Literal["model", "dataset", "repo", "space"]
            chain_nodes: tuple[int, ...] = ()
            reached, reached_users = d.reached, d.reached_users
            reached_datasets: tuple[str, ...] = ()
            if d.user:
                child_id, child_type = g.user_ids[d.child], g.user_kind[d.child]
                child_license = labels[g.user_profile[d.child]]
                edge, relation = "uses", None
            elif g.is_dataset(d.child):  # dropped in a dataset's own lineage (a merge of datasets included)
                child_id, child_type = g.node_ids[d.child], "dataset"
                child_license = labels[g.node_profile[d.child]]
                edge = "dataset_derived"
                relation = None if d.edge_pos < 0 else g.relations[g.parent_rel[d.edge_pos]]
                chain_nodes = self.dataset_chain(d.base, d.obligations)
                reached_datasets = tuple(g.node_ids[i] for i in d.reached)
                reached, reached_users = self.models_below(d)
            else:
                child_id, child_type = g.node_ids[d.child], "model"
                child_license = labels[g.node_profile[d.child]]
                edge = (
                    "merge"
                    if d.rule.id == "M-INCOMPAT"
                    else ("trained_on" if g.parent_kind[d.edge_pos] == EDGE_TRAINED_ON else "derived")
                )
                relation = None if d.edge_pos < 0 else g.relations[g.parent_rel[d.edge_pos]]
                if edge == "trained_on":
                    chain_nodes = self.dataset_chain(d.base, d.obligations)
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
                    reached_models=tuple(g.node_ids[i] for i in reached),
                    reached_repos=tuple(sorted(g.user_ids[u] for u in reached_users)),
                    reached_downloads=sum(g.downloads[i] for i in reached),
                    chain=tuple(g.node_ids[i] for i in chain_nodes),
                    chain_licenses=tuple(labels[g.node_profile[i]] for i in chain_nodes),
                    reached_datasets=reached_datasets,
                )
            )
        out.sort(key=rank_key)
        return out, parent_labels

    def models_below(self, d: _ConflictDraft) -> tuple[list[int], set[int]]:
        """What a drop between datasets (draft ``d``, ``d.reached`` the datasets carrying it) reaches among models
        and users: every model trained on one of those datasets that carries one of ``d``'s obligations without
        honouring it (its own training-data finding, or one it inherits), then every descendant that carries it on
        the same way, breadth-first; and the users those models' drops reach (``reached_users`` of the drafts the
        models carry for those obligations, restricted to each model's own users)."""
        g, carried = self.g, self.carried
        wanted = {self.obligation_numbers[o] for o in d.obligations if o in self.obligation_numbers}

        def dropped(node: int) -> list[int]:
            """The drafts ``node`` carries for ``wanted`` obligations (none: it honours them, or never got them)."""
            return [state for ob, state in carried[node] or () if ob in wanted and state != SATISFIED]

        models: list[int] = []
        users: set[int] = set()
        seen: set[int] = set()
        queue = [
            ch
            for ds in d.reached
            for ch in self.child_idx[self.child_ptr[ds] : self.child_ptr[ds + 1]]
            if not g.is_dataset(ch)
        ]
        for node in queue:  # grows while iterated: breadth-first
            if node in seen:
                continue
            seen.add(node)
            drafts = dropped(node)
            if not drafts:
                continue
            models.append(node)
            node_users = set(g.use_user[g.use_ptr[node] : g.use_ptr[node + 1]])
            for state in drafts:
                users |= node_users & self.drafts[state].reached_users
            queue.extend(self.child_idx[self.child_ptr[node] : self.child_ptr[node + 1]])
        return models, users

    def dataset_chain(self, dataset: int, obligations: list[Obligation]) -> tuple[int, ...]:
        """The datasets a dropped obligation came through to ``dataset``: from the nearest dataset whose own license
        imposes the first of ``obligations`` (breadth-first up its DERIVED_FROM sources), down to ``dataset``;
        ``(dataset,)`` when its own license imposes it (or none is found)."""
        g = self.g
        if not obligations:
            return (dataset,)
        wanted = obligations[0]
        came_from: dict[int, int] = {dataset: -1}
        queue = [dataset]
        for node in queue:  # grows while iterated: breadth-first
            if wanted in g.profiles[g.node_profile[node]].imposed:
                path = [node]
                while came_from[path[-1]] >= 0:
                    path.append(came_from[path[-1]])
                return tuple(path)
            for pos in g.parents(node):
                parent = g.parent_idx[pos]
                if g.parent_kind[pos] == EDGE_DATASET_DERIVED and parent not in came_from:
                    came_from[parent] = node
                    queue.append(parent)
        return (dataset,)


def _describe_dropped(ob: Obligation) -> str:
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
        return f"unknown terms ({_UNKNOWN_REASONS.get(ob.origin, ob.origin)})"
    return f"{ob.kind.replace('_', ' ')} ({ob.origin})"


# Kinds of use findings that only ask the user to check an obligation: a usage hitting only these is not in conflict.
_INFO_ONLY_KINDS = frozenset(RULES[r].kind for r in ("U-NOTICE", "U-THRESHOLD"))

# Why terms are unknown, in words, for the origins that are not a license (see ``rules.profile_of``).
_UNKNOWN_REASONS = {NO_LICENSE: "no license declared", NOT_FETCHED: "model not fetched"}


def analyze(graph: LicenseGraph) -> LicenseReport:
    """Propagate license obligations over a compiled graph and return the ranked conflicts."""
    started = time.perf_counter()
    with frozen_gc():
        run = _Propagation(graph)
        run.propagate()
        uses = run.check_uses()
        conflicts, parent_labels = run.conflicts_and_parent_labels()
    return LicenseReport(
        conflicts=conflicts,
        merge_parent_licenses=parent_labels,
        uses=uses,
        models=graph.n_models,
        # DERIVED_FROM edges between models only: the graph's lineage arrays also hold the TRAINED_ON (model →
        # dataset) and the datasets' DERIVED_FROM edges
        lineage_edges=len(graph.parent_kind)
        - graph.parent_kind.count(EDGE_TRAINED_ON)
        - graph.parent_kind.count(EDGE_DATASET_DERIVED),
        dataset_lineage_edges=graph.parent_kind.count(EDGE_DATASET_DERIVED),
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
    dataset_derived_from: Iterable[DatasetDerivedFrom] = (),
) -> LicenseReport:
    """Check license propagation over plain records (as read from a store). See ``analyze``."""
    with frozen_gc():
        graph = build_graph(models, derived_from, trained_on, uses, datasets, repos, spaces, dataset_derived_from)
    return analyze(graph)


def check_store(store: GraphStore) -> LicenseReport:
    """Check license propagation over everything in a ``GraphStore`` (read via its ``iter_*`` methods)."""
    with frozen_gc():
        graph = graph_from_store(store)
    return analyze(graph)
