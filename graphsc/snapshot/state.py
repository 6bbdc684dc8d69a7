"""A graph's state: the facts a later diff, or a policy, needs, keyed by id key (lower case) so that ids in any
casing compare equal.

Models keep their license (the label reports show and the canonical ids behind it) and the fields a reviewer
watches (author, gated, fetched); edges keep their relation and provenance; findings keep what a report shows
except the list of models they reach (its size only: at the scale of the Hub it would dwarf the rest).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from graphsc.bulk import frozen_gc
from graphsc.ids import id_key, parse_repo_id
from graphsc.license_table.normalize import normalize_license
from graphsc.licenses.findings import Conflict, finding_detail
from graphsc.licenses.graph import declared_license_ids, license_label
from graphsc.records import NO_LICENSE, Model, UserKind, utc_timestamp

if TYPE_CHECKING:
    from graphsc.licenses.findings import LicenseReport
    from graphsc.store.base import GraphStore


class ModelFacts(NamedTuple):
    """A model as a diff sees it. ``license``: the label reports show (``records.NO_LICENSE``/``NOT_FETCHED`` when
    there is none); ``license_ids``: the canonical license-table ids it names (empty when none resolved)."""

    id: str
    license: str
    license_ids: tuple[str, ...]
    author: str | None
    gated: str | None
    fetched: bool
    downloads: int | None


class NodeFacts(NamedTuple):
    """A dataset, repository or Space: its id, kind (``dataset``, ``repo``, ``space``) and license."""

    id: str
    kind: str
    license: str
    license_ids: tuple[str, ...]


class EdgeFacts(NamedTuple):
    """A lineage edge ``child`` → ``base`` (DERIVED_FROM) with its relation and source."""

    child: str
    base: str
    relation: str
    source: str


class TrainingFacts(NamedTuple):
    """A model trained on a dataset (TRAINED_ON)."""

    model: str
    dataset: str
    source: str


class UsageFacts(NamedTuple):
    """A repository or Space using a model (USES), with the evidence (e.g. ``path:line`` from code search)."""

    user: str
    user_kind: UserKind
    model: str
    source: str
    evidence: str | None


class FindingFacts(NamedTuple):
    """A license finding (a ``Conflict``) as a snapshot keeps it: ``key`` is ``Conflict.key``; ``reached_models``
    the number of models it reaches (the list itself is not kept), ``reached_repos`` the repositories/Spaces."""

    key: str
    rule: str
    kind: str
    severity: str
    edge: str
    child: str
    child_type: str
    child_license: str
    base: str | None
    base_license: str | None
    bases: tuple[str, ...]
    relation: str | None
    origin_licenses: tuple[str, ...]
    clauses: tuple[str, ...]
    dropped: tuple[str, ...]
    description: str
    reached_models: int
    reached_downloads: int
    reached_repos: tuple[str, ...]

    @property
    def detail(self) -> str:
        """One line for humans, as ``Conflict.detail``."""
        return finding_detail(self)

    @property
    def impact(self) -> tuple[int, int, int]:
        """(models reached, their downloads, repositories/Spaces reached), as ``Conflict.impact``."""
        return (self.reached_models, self.reached_downloads, len(self.reached_repos))


@dataclass(slots=True)
class GraphState:
    """Everything a diff compares, keyed by id keys (``ids.id_key``: lower case):

    - ``models``: model key → ``ModelFacts``; ``nodes``: (kind, key) → ``NodeFacts`` for datasets, repos, Spaces;
    - ``lineage``: (child key, base key) → ``EdgeFacts``; ``training``: (model key, dataset key) →
      ``TrainingFacts``; ``usage``: (user kind, user key, model key) → ``UsageFacts``;
    - ``aliases``: alias key → the id it resolves to (renamed or other-casing ids);
    - ``findings``: ``Conflict.key`` → ``FindingFacts`` (empty when ``findings_checked`` is False);
    - ``label``: where the state comes from (a snapshot name, a file, "current graph"); ``taken_at``: UTC time.
    """

    label: str
    taken_at: str = field(default_factory=utc_timestamp)
    models: dict[str, ModelFacts] = field(default_factory=dict)
    nodes: dict[tuple[str, str], NodeFacts] = field(default_factory=dict)
    lineage: dict[tuple[str, str], EdgeFacts] = field(default_factory=dict)
    training: dict[tuple[str, str], TrainingFacts] = field(default_factory=dict)
    usage: dict[tuple[str, str, str], UsageFacts] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    findings: dict[str, FindingFacts] = field(default_factory=dict)
    findings_checked: bool = True

    def resolve(self, model_id: str) -> str:
        """The key of ``model_id`` in this state: its own key, or the key of the id an alias (renamed, other
        casing) resolves it to; a Hub URL or a legacy id (``gpt2``) is first read as the id it names
        (``ids.parse_repo_id``), as every other command reads it."""
        key = id_key(model_id)
        if key in self.models:
            return key
        target = self.aliases.get(key)
        if target is not None:
            return id_key(target)
        parsed = parse_repo_id(model_id.strip()).id
        if parsed is not None and id_key(parsed) != key:
            return self.resolve(parsed)
        return key


def model_facts(m: Model) -> ModelFacts:
    """A stored model's ``ModelFacts``: its license label as reports show it (``licenses.graph.license_label``)."""
    label, ids = _license_facts(m.license, m.license_name, m.license_link, bool(m.fetched))
    return ModelFacts(m.id, label, ids, m.author, m.gated, bool(m.fetched), m.downloads)


@lru_cache(maxsize=1 << 16)
def _license_facts(
    license_id: str | None, license_name: str | None, license_link: str | None, fetched: bool
) -> tuple[str, tuple[str, ...]]:
    """(label, canonical ids) of a model's declared license: one computation per distinct declaration (a few
    thousand on the whole Hub)."""
    m = Model("", license=license_id, license_name=license_name, license_link=license_link, fetched=fetched)
    return license_label(m), declared_license_ids(m)


# The model fields a state keeps, read narrowly (``GraphStore.iter_model_fields``), in ``Model`` order.
_MODEL_FIELDS = ("author", "license", "license_name", "license_link", "gated", "fetched", "downloads")


def node_facts(node_id: str, kind: str, license_raw: str | None) -> NodeFacts:
    """A dataset/repository/Space's ``NodeFacts``: its declared license normalised through the license table
    (``records.NO_LICENSE`` when none)."""
    if not license_raw or not license_raw.strip():
        return NodeFacts(node_id, kind, NO_LICENSE, ())
    norm = normalize_license(license_raw)
    return NodeFacts(node_id, kind, norm.canonical_text() or license_raw.strip(), norm.table_ids)


def finding_facts(c: Conflict) -> FindingFacts:
    """A ``Conflict`` as a snapshot keeps it (see ``FindingFacts``)."""
    return FindingFacts(
        c.key,
        c.rule,
        c.kind,
        c.severity,
        c.edge,
        c.child,
        c.child_type,
        c.child_license,
        c.base,
        c.base_license,
        c.bases,
        c.relation,
        c.origin_licenses,
        c.clauses,
        c.dropped,
        c.description,
        len(c.reached_models),
        c.reached_downloads,
        c.reached_repos,
    )


def add_findings(state: GraphState, conflicts: Iterable[Conflict]) -> None:
    """Record ``conflicts`` in ``state.findings`` by their stable key."""
    for c in conflicts:
        state.findings[c.key] = finding_facts(c)


def state_from_store(store: GraphStore, label: str, report: LicenseReport | None = None) -> GraphState:
    """Read a store into a ``GraphState`` labelled ``label``. Findings come from ``report`` when given, else
    from a whole-graph license check of the store (``licenses.engine.check_store``). Raises ``StoreError``."""
    with frozen_gc():  # millions of small records: a collection would rescan them all, again and again
        return _state_from_store(store, label, report)


def _state_from_store(store: GraphStore, label: str, report: LicenseReport | None) -> GraphState:
    state = GraphState(label)
    models = state.models
    for rows in store.iter_model_fields(_MODEL_FIELDS):
        for model_id, author, lic, name, link, gated, fetched, downloads in rows:
            shown, ids = _license_facts(lic, name, link, bool(fetched))
            models[id_key(model_id)] = ModelFacts(model_id, shown, ids, author, gated, bool(fetched), downloads)
    for datasets in store.iter_datasets():
        for d in datasets:
            state.nodes["dataset", id_key(d.id)] = node_facts(d.id, "dataset", d.license)
    for repos in store.iter_repos():
        for r in repos:
            state.nodes["repo", id_key(r.id)] = node_facts(r.id, "repo", r.license_raw or r.license)
    for spaces in store.iter_spaces():
        for s in spaces:
            state.nodes["space", id_key(s.id)] = node_facts(s.id, "space", s.license)
    for edges in store.iter_derived_from():
        for e in edges:
            state.lineage[id_key(e.child), id_key(e.base)] = EdgeFacts(e.child, e.base, e.relation, e.source)
    for trained in store.iter_trained_on():
        for t in trained:
            state.training[id_key(t.model), id_key(t.dataset)] = TrainingFacts(t.model, t.dataset, t.source)
    for uses in store.iter_uses():
        for u in uses:
            key = (u.user_kind, id_key(u.user), id_key(u.model))
            state.usage[key] = UsageFacts(u.user, u.user_kind, u.model, u.source, u.evidence)
    for aliases in store.iter_aliases():
        for a in aliases:
            state.aliases[id_key(a.alias)] = a.id
    if report is None:
        from graphsc.licenses.engine import check_store

        report = check_store(store)
    add_findings(state, report.conflicts)
    return state
