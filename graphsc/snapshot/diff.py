"""Two ``GraphState``s compared: what changed in the supply chain between a snapshot and another (or the graph now).

``diff_states(old, new, scope)`` reports models added, removed and renamed; license and other watched field
changes (author, gated, fetched; never downloads, which move every crawl); datasets added and removed and license
changes of datasets, repositories and Spaces; lineage edges added, removed, with another relation, or with a
renamed base; training edges and usages added and removed; license findings new, resolved, with another severity
and unchanged.

Ids are compared by key (``ids.id_key``), and model ids through the aliases of both states (NEW's first; one id
the new graph holds as a model is never resolved away): a renamed model is one rename, not a removal plus an
addition, and an edge to a renamed base is one "base renamed" change. Everything is set and dict operations over
keys plus single passes, so two whole-Hub states (2M models, 1M edges) compare in seconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import compress
from operator import itemgetter, ne
from typing import Any, NamedTuple, TypeVar, cast

from graphsc.bulk import frozen_gc
from graphsc.errors import GraphscError
from graphsc.graph_algos import bfs_distances
from graphsc.ids import id_key
from graphsc.licenses.findings import finding_key
from graphsc.licenses.rules import SEVERITY_ORDER
from graphsc.snapshot.state import (
    EdgeFacts,
    FindingFacts,
    GraphState,
    ModelFacts,
    NodeFacts,
    TrainingFacts,
    UsageFacts,
)

# The model fields whose change a diff reports besides the license (downloads move every crawl: never a change).
WATCHED_FIELDS: tuple[str, ...] = ("author", "gated", "fetched")
# Alias chains (a renamed id renamed again) are followed this many hops at most.
_MAX_ALIAS_HOPS = 8

K = TypeVar("K")
V = TypeVar("V")
TK = TypeVar("TK", bound=tuple[str, ...])  # a key of lineage, training or usage


@dataclass(frozen=True, slots=True)
class DiffScope:
    """What a diff is limited to: one ``model`` (it, its ancestors and descendants) or one ``repo`` (a repository
    or Space: the models it uses and their ancestors). Neither: the whole graph."""

    model: str | None = None
    repo: str | None = None

    def __post_init__(self) -> None:
        if self.model is not None and self.repo is not None:
            raise GraphscError("A diff is scoped to a model or to a repository, not both.", "Give one of them.")

    @property
    def is_whole_graph(self) -> bool:
        return self.model is None and self.repo is None


class ModelRename(NamedTuple):
    """A model that left under its ``old`` id and stands under its ``new`` one (the new graph holds the old id as
    an alias of the new)."""

    old: ModelFacts
    new: ModelFacts


class LicenseChange(NamedTuple):
    """A license that changed: of a model, dataset, repository or Space (``kind``: ``model``, ``dataset``,
    ``repo``, ``space``); labels as reports show them and the canonical license-table ids behind them."""

    id: str
    kind: str
    old_license: str
    old_ids: tuple[str, ...]
    new_license: str
    new_ids: tuple[str, ...]


class FieldChange(NamedTuple):
    """A watched model field (``WATCHED_FIELDS``) with another value."""

    id: str
    field: str
    old: str | bool | None
    new: str | bool | None


class EdgeChange(NamedTuple):
    """One lineage edge in both states that changed: its relation, or its base was renamed (``old.base`` resolves
    to ``new.base`` through an alias), or both."""

    old: EdgeFacts
    new: EdgeFacts

    @property
    def base_renamed(self) -> bool:
        return id_key(self.old.base) != id_key(self.new.base)

    @property
    def relation_changed(self) -> bool:
        return self.old.relation != self.new.relation


class FindingChange(NamedTuple):
    """A finding in both states (same ``Conflict.key``) whose severity changed."""

    old: FindingFacts
    new: FindingFacts


@dataclass(slots=True)
class GraphDiff:
    """What changed from ``old_label`` to ``new_label``, limited to ``scope`` when given (``scope_models``: how
    many models the scope holds; None for the whole graph). Every list is sorted by id key.

    ``findings_compared`` is False when either state was saved without its findings: the finding lists are then
    empty. ``findings_unchanged`` holds the findings (as NEW has them) with the same key and severity in both;
    ``findings_changed`` the same key with another severity."""

    old_label: str
    new_label: str
    old_taken_at: str
    new_taken_at: str
    scope: DiffScope | None = None
    scope_models: int | None = None
    models_added: list[ModelFacts] = field(default_factory=list)
    models_removed: list[ModelFacts] = field(default_factory=list)
    models_renamed: list[ModelRename] = field(default_factory=list)
    licenses_changed: list[LicenseChange] = field(default_factory=list)
    fields_changed: list[FieldChange] = field(default_factory=list)
    datasets_added: list[NodeFacts] = field(default_factory=list)
    datasets_removed: list[NodeFacts] = field(default_factory=list)
    node_licenses_changed: list[LicenseChange] = field(default_factory=list)
    edges_added: list[EdgeFacts] = field(default_factory=list)
    edges_removed: list[EdgeFacts] = field(default_factory=list)
    relations_changed: list[EdgeChange] = field(default_factory=list)
    bases_renamed: list[EdgeChange] = field(default_factory=list)
    training_added: list[TrainingFacts] = field(default_factory=list)
    training_removed: list[TrainingFacts] = field(default_factory=list)
    usage_added: list[UsageFacts] = field(default_factory=list)
    usage_removed: list[UsageFacts] = field(default_factory=list)
    findings_new: list[FindingFacts] = field(default_factory=list)
    findings_resolved: list[FindingFacts] = field(default_factory=list)
    findings_changed: list[FindingChange] = field(default_factory=list)
    findings_unchanged: list[FindingFacts] = field(default_factory=list)
    findings_compared: bool = True

    def counts(self) -> dict[str, int]:
        """How many of each kind of change (and ``findings_unchanged``), in a fixed order: the summary every
        format shows."""
        return {name: len(getattr(self, name)) for name in (*CHANGE_KINDS, "findings_unchanged")}

    @property
    def is_empty(self) -> bool:
        """True when nothing changed (unchanged findings are not a change)."""
        return not any(getattr(self, name) for name in CHANGE_KINDS)

    def new_findings_at(self, severity: str) -> list[FindingFacts]:
        """The findings that are new at ``severity`` or worse (``error`` < ``warning`` < ``info``), for
        ``--fail-on-new``: new findings, and findings whose severity rose to it (as NEW has them)."""
        if severity not in SEVERITY_ORDER:
            raise ValueError(f"unknown severity {severity!r}: one of {', '.join(SEVERITY_ORDER)}")
        limit = SEVERITY_ORDER[severity]
        found = [f for f in self.findings_new if SEVERITY_ORDER.get(f.severity, limit + 1) <= limit]
        found += [
            c.new
            for c in self.findings_changed
            if SEVERITY_ORDER.get(c.new.severity, limit + 1) <= limit < SEVERITY_ORDER.get(c.old.severity, limit + 1)
        ]
        return sorted(found, key=lambda f: f.key)


# The lists of ``GraphDiff`` that are changes, in the order reports show them.
CHANGE_KINDS: tuple[str, ...] = (
    "models_added",
    "models_removed",
    "models_renamed",
    "licenses_changed",
    "fields_changed",
    "datasets_added",
    "datasets_removed",
    "node_licenses_changed",
    "edges_added",
    "edges_removed",
    "relations_changed",
    "bases_renamed",
    "training_added",
    "training_removed",
    "usage_added",
    "usage_removed",
    "findings_new",
    "findings_resolved",
    "findings_changed",
)


def alias_map(old: GraphState, new: GraphState) -> dict[str, str]:
    """Model key → the key it resolves to, from the aliases of both states (NEW's win), chains followed; keys the
    new graph holds as models, and aliases of an id to itself (other casing), left out."""
    canon: dict[str, str] = {}
    for aliases in (old.aliases, new.aliases):
        for alias, target in aliases.items():
            key, to = id_key(alias), id_key(target)
            if key != to:
                canon[key] = to
    for key in [k for k in canon if k in new.models]:
        del canon[key]
    for key, to in canon.items():
        hops = 0
        while to in canon and hops < _MAX_ALIAS_HOPS and canon[to] != key:
            to = canon[to]
            hops += 1
        canon[key] = to
    return canon


def _findings_by_canonical_key(findings: dict[str, FindingFacts], canon: Mapping[str, str]) -> dict[str, FindingFacts]:
    """``findings`` keyed by their stable key (``Conflict.key``) with every model id in it resolved through the
    aliases, so a finding at a renamed model or base is the same finding before and after the rename."""
    if not canon:
        return findings
    out: dict[str, FindingFacts] = {}
    for f in findings.values():
        child = f.child.lower()
        bases = [b.lower() for b in f.bases] if f.bases else [(f.base or "").lower()]
        if f.child_type == "model":
            child = canon.get(child, child)
        if f.edge != "trained_on":  # a training edge's base is a dataset, which is never renamed here
            bases = [canon.get(b, b) for b in bases]
        out[finding_key(f.rule, f.edge, child, bases)] = f
    return out


def _where(keys: list[K], test: Callable[[Any], object], part: Callable[[K], Any]) -> Iterator[K]:
    """The ``keys`` for which ``test(part(key))`` is true, filtered in C (no Python frame per key)."""
    return compress(keys, map(test, map(part, keys)))


def _differing(keys: list[K], a: Mapping[K, V], b: Mapping[K, V], part: Callable[[V], object]) -> list[K]:
    """The ``keys`` whose ``part`` differs between ``a`` and ``b``, compared in C."""
    return list(compress(keys, map(ne, map(part, map(a.__getitem__, keys)), map(part, map(b.__getitem__, keys)))))


def _rekeyed(items: dict[TK, V], canon: Mapping[str, str], positions: tuple[int, ...]) -> tuple[dict[TK, V], set[TK]]:
    """``items`` with the model keys at ``positions`` of each key resolved through ``canon``, and the resolved
    keys that differ from the original ones. ``items`` itself when no key changes. Two entries that resolve to
    one key keep the one already under it (the canonical spelling), else the first in key order."""
    if not canon:
        return items, set()
    keys = list(items)
    touched: set[TK] = set()
    for pos in positions:
        touched.update(_where(keys, canon.__contains__, itemgetter(pos)))
    if not touched:
        return items, set()
    out = dict(items)
    for k in touched:
        del out[k]
    moved: set[TK] = set()
    for k in sorted(touched):
        parts = list(k)
        for pos in positions:
            parts[pos] = canon.get(parts[pos], parts[pos])
        r = cast(TK, tuple(parts))
        if r not in out:
            out[r] = items[k]
            moved.add(r)
    return out, moved


def _scope_models(
    scope: DiffScope,
    old: GraphState,
    new: GraphState,
    edge_maps: tuple[Mapping[tuple[str, str], object], ...],
    resolve: Callable[[str], str],
    usage_maps: tuple[Mapping[tuple[str, str, str], object], ...],
) -> set[str]:
    """The (resolved) model keys the scope holds: a model with its ancestors and descendants, or the models a
    repository uses with their ancestors, over the lineage of both states (one pass to build the adjacency, one
    traversal). Raises ``GraphscError`` for a model or repository in neither state."""
    up: defaultdict[str, list[str]] = defaultdict(list)
    down: defaultdict[str, list[str]] = defaultdict(list)
    if scope.model is not None:
        starts = {resolve(s.resolve(scope.model)) for s in (old, new) if s.resolve(scope.model) in s.models}
        if not starts:
            raise GraphscError(
                f"{scope.model!r} is a model in neither {old.label!r} nor {new.label!r}.",
                "Give a model id (owner/name) that one of the two states holds.",
            )
        for edges in edge_maps:
            for child, base in edges:
                up[child].append(base)
                down[base].append(child)
    else:
        assert scope.repo is not None
        repo = id_key(scope.repo)
        starts = set()
        for usage in usage_maps:
            starts.update(map(itemgetter(2), _where(list(usage), repo.__eq__, itemgetter(1))))
        is_node = any((kind, repo) in s.nodes for s in (old, new) for kind in ("repo", "space"))
        if not starts and not is_node:
            raise GraphscError(
                f"{scope.repo!r} is a repository or Space in neither {old.label!r} nor {new.label!r}.",
                "Give a repository or Space id (owner/name) that uses a model in one of the two states.",
            )
        for edges in edge_maps:
            for child, base in edges:
                up[child].append(base)
    members: set[str] = set()
    for start in starts:
        members.update(bfs_distances(start, up))
        if down:
            members.update(bfs_distances(start, down))
    return members


def _sorted(items: Iterable[V], key: Callable[[V], Any]) -> list[V]:
    return sorted(items, key=key)


def _model_order(m: ModelFacts) -> tuple[str, str]:
    return (id_key(m.id), m.id)


def _edge_order(e: EdgeFacts) -> tuple[str, str, str]:
    return (id_key(e.child), id_key(e.base), e.relation)


def _training_order(t: TrainingFacts) -> tuple[str, str]:
    return (id_key(t.model), id_key(t.dataset))


def _usage_order(u: UsageFacts) -> tuple[str, str, str]:
    return (u.user_kind, id_key(u.user), id_key(u.model))


def _node_order(n: NodeFacts) -> tuple[str, str]:
    return (n.kind, id_key(n.id))


def _license_change(kind: str, a: ModelFacts | NodeFacts, b: ModelFacts | NodeFacts) -> LicenseChange:
    return LicenseChange(b.id, kind, a.license, a.license_ids, b.license, b.license_ids)


def diff_states(old: GraphState, new: GraphState, scope: DiffScope | None = None) -> GraphDiff:
    """What changed from ``old`` to ``new`` (see ``GraphDiff``), limited to ``scope`` when given: for a model,
    the models in it, edges and training of those models as child, their usages, findings dropped at an edge into
    one of its models or by a use of one (a snapshot keeps no reached models, so a finding dropped above the model
    counts even where a model in between restored the obligation); for a repository, its usages, the models it uses with their ancestors, and findings it is the child
    of or reached by. Raises ``GraphscError`` for a scope model or repository in neither state.

    Every whole-graph step is a set operation or a pass filtered in C (``_where``, ``_differing``); Python code
    runs per change, not per model; the cyclic GC is paused meanwhile (``bulk.frozen_gc``): with millions
    of live records every collection would rescan them all."""
    with frozen_gc():
        return _diff_states(old, new, scope)


def _diff_states(old: GraphState, new: GraphState, scope: DiffScope | None) -> GraphDiff:
    if scope is not None and scope.is_whole_graph:
        scope = None
    canon = alias_map(old, new)

    def resolve(key: str) -> str:
        return canon.get(key, key)

    diff = GraphDiff(old.label, new.label, old.taken_at, new.taken_at, scope)

    # Lineage, training and usage keyed through the aliases, so a renamed model or base is the same node.
    old_edges, old_moved = _rekeyed(old.lineage, canon, (0, 1))
    new_edges, new_moved = _rekeyed(new.lineage, canon, (0, 1))
    old_training, _ = _rekeyed(old.training, canon, (0,))
    new_training, _ = _rekeyed(new.training, canon, (0,))
    old_usage, _ = _rekeyed(old.usage, canon, (2,))
    new_usage, _ = _rekeyed(new.usage, canon, (2,))

    members: set[str] | None = None
    if scope is not None:
        members = _scope_models(scope, old, new, (old_edges, new_edges), resolve, (old_usage, new_usage))
        diff.scope_models = len(members)

    def in_scope(model_id: str) -> bool:
        return members is None or resolve(id_key(model_id)) in members

    # Models: added, removed, renamed (a removed key the aliases resolve to a model NEW holds).
    om, nm = old.models, new.models
    removed_keys = om.keys() - nm.keys()
    added_keys = nm.keys() - om.keys()
    renames: list[ModelRename] = []
    pairs: list[tuple[str, str]] = []
    for key in list(removed_keys):
        target = canon.get(key)
        if target is not None and target in nm:
            removed_keys.discard(key)
            renamed = target in added_keys
            added_keys.discard(target)
            if in_scope(key) or in_scope(target):
                renames.append(ModelRename(om[key], nm[target]))
                if renamed:
                    pairs.append((key, target))
    diff.models_added = _sorted((nm[k] for k in added_keys if in_scope(k)), _model_order)
    diff.models_removed = _sorted((om[k] for k in removed_keys if in_scope(k)), _model_order)
    diff.models_renamed = _sorted(renames, lambda r: (id_key(r.old.id), id_key(r.new.id)))

    # Licenses and watched fields of the models in both states (a key in both is its own canonical key), and of
    # renamed ones, old against new. Downloads and the id's casing are not compared.
    common = om.keys() & nm.keys()
    if members is not None:
        common &= members
    watched = itemgetter(1, 2, 3, 4, 5)  # license, license_ids, author, gated, fetched
    licenses: list[LicenseChange] = []
    changes: list[FieldChange] = []
    for ok, nk in [*((k, k) for k in _differing(list(common), om, nm, watched)), *pairs]:
        a, b = om[ok], nm[nk]
        if a.license != b.license or a.license_ids != b.license_ids:
            licenses.append(_license_change("model", a, b))
        # A model that became a stub (or a stub that was fetched) knows nothing else on one side: only "fetched"
        # changed, not its author or gated flag.
        fields = ("fetched",) if a.fetched != b.fetched else WATCHED_FIELDS
        changes.extend(
            FieldChange(b.id, name, getattr(a, name), getattr(b, name))
            for name in fields
            if getattr(a, name) != getattr(b, name)
        )
    diff.licenses_changed = _sorted(licenses, lambda c: id_key(c.id))
    diff.fields_changed = _sorted(changes, lambda c: (id_key(c.id), WATCHED_FIELDS.index(c.field)))

    # Lineage: by (child, resolved base); the same pair with another relation or a renamed base is one change.
    ok_edges, nk_edges = old_edges.keys(), new_edges.keys()
    diff.edges_added = _sorted((new_edges[k] for k in nk_edges - ok_edges if in_scope(k[0])), _edge_order)
    diff.edges_removed = _sorted((old_edges[k] for k in ok_edges - nk_edges if in_scope(k[0])), _edge_order)
    both_edges = ok_edges & nk_edges
    changed_edges = set(_differing(list(both_edges), old_edges, new_edges, itemgetter(2)))  # relation
    changed_edges.update(
        k for k in (old_moved | new_moved) & both_edges if id_key(old_edges[k].base) != id_key(new_edges[k].base)
    )
    edge_changes = [EdgeChange(old_edges[k], new_edges[k]) for k in changed_edges if in_scope(k[0])]
    diff.relations_changed = _sorted(
        (c for c in edge_changes if not c.base_renamed), lambda c: (id_key(c.new.child), id_key(c.new.base))
    )
    diff.bases_renamed = _sorted(
        (c for c in edge_changes if c.base_renamed), lambda c: (id_key(c.new.child), id_key(c.old.base))
    )

    # Training and usage.
    diff.training_added = _sorted(
        (new_training[k] for k in new_training.keys() - old_training.keys() if in_scope(k[0])), _training_order
    )
    diff.training_removed = _sorted(
        (old_training[k] for k in old_training.keys() - new_training.keys() if in_scope(k[0])), _training_order
    )
    repo = id_key(scope.repo) if scope is not None and scope.repo is not None else None

    def usage_in_scope(k: tuple[str, str, str]) -> bool:
        return k[1] == repo if repo is not None else members is None or k[2] in members

    diff.usage_added = _sorted(
        (new_usage[k] for k in new_usage.keys() - old_usage.keys() if usage_in_scope(k)), _usage_order
    )
    diff.usage_removed = _sorted(
        (old_usage[k] for k in old_usage.keys() - new_usage.keys() if usage_in_scope(k)), _usage_order
    )

    # Datasets, repositories, Spaces: datasets added/removed, any node's license. In a scope: the datasets its
    # models train on, the repositories/Spaces using its models (or the scope's repository).
    nodes: set[tuple[str, str]] | None = None
    if members is not None:
        nodes = set()
        for training in (old_training, new_training):
            nodes.update(("dataset", d) for _, d in _where(list(training), members.__contains__, itemgetter(0)))
        for usage in (old_usage, new_usage):
            if repo is not None:
                users = _where(list(usage), repo.__eq__, itemgetter(1))
            else:
                users = _where(list(usage), members.__contains__, itemgetter(2))
            nodes.update((kind, user) for kind, user, _ in users)
    on, nn = old.nodes, new.nodes

    def node_in_scope(k: tuple[str, str]) -> bool:
        return nodes is None or k in nodes

    diff.datasets_added = _sorted(
        (nn[k] for k in nn.keys() - on.keys() if k[0] == "dataset" and node_in_scope(k)), _node_order
    )
    diff.datasets_removed = _sorted(
        (on[k] for k in on.keys() - nn.keys() if k[0] == "dataset" and node_in_scope(k)), _node_order
    )
    node_keys = on.keys() & nn.keys() if nodes is None else nodes & on.keys() & nn.keys()
    diff.node_licenses_changed = _sorted(
        (_license_change(k[0], on[k], nn[k]) for k in _differing(list(node_keys), on, nn, itemgetter(2, 3))),
        lambda c: (c.kind, id_key(c.id)),
    )

    # Findings, by their stable key.
    if not (old.findings_checked and new.findings_checked):
        diff.findings_compared = False
        return diff
    of, nf = _findings_by_canonical_key(old.findings, canon), _findings_by_canonical_key(new.findings, canon)

    def finding_in_scope(f: FindingFacts) -> bool:
        if members is None:
            return True
        if repo is not None:
            return id_key(f.child) == repo or any(id_key(r) == repo for r in f.reached_repos)
        if f.child_type == "model":  # dropped at an edge into a model of the lineage (a sibling's edge is not)
            return in_scope(f.child)
        return any(in_scope(m) for m in ((f.base,) if f.base else ()) + f.bases)  # a use of a lineage model

    diff.findings_new = _sorted((nf[k] for k in nf.keys() - of.keys() if finding_in_scope(nf[k])), _finding_order)
    diff.findings_resolved = _sorted((of[k] for k in of.keys() - nf.keys() if finding_in_scope(of[k])), _finding_order)
    both = of.keys() & nf.keys()
    if members is not None:
        both = {k for k in both if finding_in_scope(nf[k])}
    severity_changed = set(_differing(list(both), of, nf, itemgetter(3)))
    diff.findings_changed = _sorted((FindingChange(of[k], nf[k]) for k in severity_changed), lambda c: c.new.key)
    diff.findings_unchanged = [nf[k] for k in sorted(both - severity_changed)]
    return diff


def _finding_order(f: FindingFacts) -> str:
    return f.key
