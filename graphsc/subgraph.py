"""The part of the graph a picture or an export shows: a model's lineage, a family, an application's models, or
everything — nodes with their fields, edges with relation and provenance, and the license findings inside it.

Built once from a store and a license report (``subgraph_of``); ``graphsc view`` draws it, ``graphsc export``
writes it in the formats graph tools read. Node ids are the stored ids; ``Subgraph.nodes`` is keyed by them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, NamedTuple

from graphsc.errors import GraphscError, UnknownRepoError
from graphsc.license_table.categories import category
from graphsc.lineage import compute_lineage
from graphsc.records import USER_REPO, USER_SPACE, DatasetDerivedFrom, DerivedFrom, Model, TrainedOn, Uses
from graphsc.snapshot.state import model_facts, node_facts

if TYPE_CHECKING:
    from graphsc.licenses.findings import Conflict, LicenseReport
    from graphsc.lineage import Lineage
    from graphsc.store.base import GraphStore

NodeKind = Literal["model", "dataset", "repo", "space"]
EdgeKind = Literal["derived_from", "trained_on", "dataset_derived_from", "uses"]
DATASET_RELATION = "source_datasets"  # the relation of a dataset DERIVED_FROM edge (its card's source_datasets)
HUB = "https://huggingface.co"
GITHUB = "https://github.com"


class SubgraphNode(NamedTuple):
    """A node: ``kind``; ``license`` as reports show it and its ``category`` (``CATEGORY_ORDER``; ``unknown`` for
    none, unrecognised or not fetched); ``fetched`` False for a stub known only as someone's base; ``datasets``
    and ``users``: what a model was trained on and who uses it (ids); ``url`` its Hub or GitHub page."""

    id: str
    kind: NodeKind
    license: str
    category: str
    fetched: bool
    downloads: int | None
    author: str | None
    pipeline_tag: str | None
    datasets: tuple[str, ...]
    users: tuple[str, ...]
    url: str


class SubgraphEdge(NamedTuple):
    """An edge from ``source`` to ``target``: DERIVED_FROM child → base (``relation`` finetune, adapter, …),
    TRAINED_ON model → dataset, DERIVED_FROM dataset → source dataset (kind ``dataset_derived_from``, relation
    ``source_datasets``), or USES repository/Space → model; ``provenance`` is the edge's source (hub-tag,
    card, inferred:…, peatmoss, …)."""

    source: str
    target: str
    kind: EdgeKind
    relation: str | None
    provenance: str


class SubgraphFinding(NamedTuple):
    """A license finding inside the subgraph: its stable key, rule, severity, the origin edge (``child`` and its
    ``bases``, as node keys of the subgraph), the clauses behind it, and the models of the subgraph it reaches."""

    key: str
    rule: str
    kind: str
    severity: str
    description: str
    detail: str
    edge: str
    child: str
    bases: tuple[str, ...]
    clauses: tuple[str, ...]
    dropped: tuple[str, ...]
    reached: tuple[str, ...]


@dataclass(slots=True)
class Subgraph:
    """What a picture or export shows: ``title``, the ``focus`` model (None for a family root list, an application
    or everything), ``roots`` (models with no base inside it), nodes by id, edges, and findings."""

    title: str
    focus: str | None
    nodes: dict[str, SubgraphNode] = field(default_factory=dict)
    edges: list[SubgraphEdge] = field(default_factory=list)
    findings: list[SubgraphFinding] = field(default_factory=list)

    @property
    def roots(self) -> list[str]:
        """Models with no DERIVED_FROM edge to a base inside the subgraph, by id."""
        children = {e.source for e in self.edges if e.kind == "derived_from"}
        return sorted(n.id for n in self.nodes.values() if n.kind == "model" and n.id not in children)


def _model_node(m: Model, datasets: tuple[str, ...], users: tuple[str, ...]) -> SubgraphNode:
    facts = model_facts(m)
    return SubgraphNode(
        m.id,
        "model",
        facts.license,
        category(facts.license_ids),
        facts.fetched,
        m.downloads,
        m.author,
        m.pipeline_tag,
        datasets,
        users,
        f"{HUB}/{m.id}",
    )


def subgraph_of_lineage(lineage: Lineage) -> Subgraph:
    """A computed lineage as a ``Subgraph`` for a quick picture (``graphsc lineage --format mermaid|dot``): its
    models (as ``--direction`` and ``--max-depth`` cut them) and the DERIVED_FROM edges between them; no datasets,
    users or findings."""
    edges = {(e.child, e.base): e for e in (*lineage.ancestor_edges, *lineage.descendant_edges)}
    ids = {lineage.model.id} | {child for child, _ in edges} | {base for _, base in edges}
    graph = Subgraph(f"Lineage of {lineage.model.id}", lineage.model.id)
    for model_id in sorted(ids):
        graph.nodes[model_id] = _model_node(lineage.models.get(model_id) or Model(model_id, fetched=False), (), ())
    graph.edges = [
        SubgraphEdge(e.child, e.base, "derived_from", e.relation, e.source)
        for _, e in sorted(edges.items(), key=lambda item: (item[0][0].lower(), item[0][1].lower()))
    ]
    return graph


def _other_node(node_id: str, kind: NodeKind, license_raw: str | None) -> SubgraphNode:
    facts = node_facts(node_id, kind, license_raw)
    url = f"{HUB}/datasets/{node_id}" if kind == "dataset" else f"{HUB}/spaces/{node_id}"
    if kind == "repo":
        url = f"{GITHUB}/{node_id}"
    return SubgraphNode(node_id, kind, facts.license, category(facts.license_ids), True, None, None, None, (), (), url)


def _assemble(
    store: GraphStore,
    title: str,
    focus: str | None,
    model_ids: set[str],
    lineage: Iterable[DerivedFrom],
    report: LicenseReport,
) -> Subgraph:
    """The subgraph of ``model_ids`` with the ``lineage`` edges between them, their datasets and users."""
    graph = Subgraph(title, focus)
    models = store.models(sorted(model_ids))
    trained: list[TrainedOn] = store.trained_on(models)
    uses: list[Uses] = store.uses_of(models)
    datasets_of: dict[str, list[str]] = {}
    for t in trained:
        datasets_of.setdefault(t.model, []).append(t.dataset)
    users_of: dict[str, list[str]] = {}
    for u in uses:
        users_of.setdefault(u.model, []).append(u.user)
    for model_id in sorted(model_ids):
        m = models.get(model_id) or Model(model_id, fetched=False)
        graph.nodes[m.id] = _model_node(
            m, tuple(sorted(set(datasets_of.get(m.id, ())))), tuple(sorted(set(users_of.get(m.id, ()))))
        )
    graph.edges.extend(
        SubgraphEdge(e.child, e.base, "derived_from", e.relation, e.source)
        for e in sorted(set(lineage), key=lambda e: (e.child.lower(), e.base.lower()))
        if e.child in graph.nodes and e.base in graph.nodes
    )
    sources = _dataset_sources(store, {t.dataset for t in trained})
    wanted = {t.dataset for t in trained} | {i for e in sources for i in (e.child, e.base)}
    dataset_licenses = (
        {d.id: d.license for batch in store.iter_datasets() for d in batch if d.id in wanted} if wanted else {}
    )
    for t in sorted(trained, key=lambda t: (t.model.lower(), t.dataset.lower())):
        key = _add_other(graph, t.dataset, "dataset", dataset_licenses.get(t.dataset))
        graph.edges.append(SubgraphEdge(t.model, key, "trained_on", None, t.source))
    for e in sources:
        child = _add_other(graph, e.child, "dataset", dataset_licenses.get(e.child))
        base = _add_other(graph, e.base, "dataset", dataset_licenses.get(e.base))
        graph.edges.append(SubgraphEdge(child, base, "dataset_derived_from", DATASET_RELATION, e.source))
    user_licenses = _user_licenses(store, uses)
    for u in sorted(uses, key=lambda u: (u.user.lower(), u.model.lower())):
        kind: NodeKind = "space" if u.user_kind == USER_SPACE else "repo"
        key = _add_other(graph, u.user, kind, user_licenses.get((kind, u.user)))
        graph.edges.append(SubgraphEdge(key, u.model, "uses", None, u.source))
    graph.findings = _findings(report, graph)
    return graph


def _dataset_sources(store: GraphStore, datasets: set[str]) -> list[DatasetDerivedFrom]:
    """The dataset DERIVED_FROM edges above ``datasets`` (their sources, recursively; cycles end), sorted. Dataset
    lineage is small next to the models', so it is read once whole rather than walked per dataset."""
    if not datasets:
        return []
    up: dict[str, list[DatasetDerivedFrom]] = {}
    for page in store.iter_dataset_derived_from():
        for e in page:
            up.setdefault(e.child, []).append(e)
    found: dict[tuple[str, str], DatasetDerivedFrom] = {}
    todo, seen = sorted(datasets), set(datasets)
    while todo:
        for e in up.get(todo.pop(), ()):
            found[(e.child, e.base)] = e
            if e.base not in seen:
                seen.add(e.base)
                todo.append(e.base)
    return [found[k] for k in sorted(found, key=lambda k: (k[0].lower(), k[1].lower()))]


def _add_other(graph: Subgraph, node_id: str, kind: NodeKind, license_raw: str | None) -> str:
    """Add a dataset, repository or Space once and return its node key: its id, or ``kind:id`` when a node of
    another kind already has that id (a GitHub repository and a Hub model are often both ``org/name``)."""
    found = graph.nodes.get(node_id)
    if found is not None and found.kind == kind:
        return node_id
    key = node_id if found is None else f"{kind}:{node_id}"
    if key not in graph.nodes:
        graph.nodes[key] = _other_node(node_id, kind, license_raw)._replace(id=key)
    return key


def _user_licenses(store: GraphStore, uses: list[Uses]) -> dict[tuple[str, str], str | None]:
    """Declared licenses of the repositories and Spaces in ``uses`` (a repository's as its source gave it)."""
    repos = {u.user for u in uses if u.user_kind == USER_REPO}
    spaces = {u.user for u in uses if u.user_kind == USER_SPACE}
    out: dict[tuple[str, str], str | None] = {}
    if repos:
        out.update((("repo", r.id), r.license_raw or r.license) for b in store.iter_repos() for r in b if r.id in repos)
    if spaces:
        out.update((("space", s.id), s.license) for b in store.iter_spaces() for s in b if s.id in spaces)
    return out


def _findings(report: LicenseReport, graph: Subgraph) -> list[SubgraphFinding]:
    """The report's findings whose origin edge is one of ``graph``'s edges (for a merge: an edge to one of its
    parents), with the models of the graph they reach. Ids are matched through the node keys (``_add_other``)."""
    edges = {(e.kind, e.source, e.target) for e in graph.edges}
    kind_of_edge = {
        "derived": "derived_from",
        "merge": "derived_from",
        "trained_on": "trained_on",
        "dataset_derived": "dataset_derived_from",
        "uses": "uses",
    }
    out = []
    for c in report.conflicts:
        bases = c.bases or ((c.base,) if c.base else ())
        kind = kind_of_edge.get(c.edge, "derived_from")
        child = c.child if c.child_type == "model" else _key(graph, c.child, c.child_type)
        dataset_base = kind in ("trained_on", "dataset_derived_from")
        ends = [(child, _key(graph, b, "dataset") if dataset_base else b) for b in bases]
        if not any((kind, a, b) in edges for a, b in ends):
            continue
        reached = tuple(m for m in c.reached_models if m in graph.nodes)
        out.append(_finding(c, child, tuple(b for _, b in ends), reached))
    return out


def _key(graph: Subgraph, node_id: str, kind: str) -> str:
    """The node key of a dataset, repository or Space (see ``_add_other``)."""
    found = graph.nodes.get(node_id)
    return node_id if found is None or found.kind == kind else f"{kind}:{node_id}"


def _finding(c: Conflict, child: str, bases: tuple[str, ...], reached: tuple[str, ...]) -> SubgraphFinding:
    """``c`` with its origin edge's ends as node keys of the subgraph (``child``, ``bases``)."""
    return SubgraphFinding(
        c.key, c.rule, c.kind, c.severity, c.description, c.detail, c.edge, child, bases, c.clauses, c.dropped, reached
    )


def subgraph_of(
    store: GraphStore,
    report: LicenseReport,
    *,
    model: str | None = None,
    family: str | None = None,
    repo: str | None = None,
) -> Subgraph:
    """The subgraph one of the arguments names — ``model``: its ancestors and descendants (merges with all their
    parents); ``family``: the root and every descendant; ``repo``: the models a repository or Space uses and
    their ancestors; none: the whole graph. Raises ``UnknownModelError`` / ``UnknownRepoError`` (close matches)
    or ``GraphscError`` when more than one is given."""
    if sum(x is not None for x in (model, family, repo)) > 1:
        raise GraphscError("Give one of a model, a family root or a repository.", None)
    if model is not None:
        lineage = compute_lineage(store, model, "both")
        edges = [*lineage.ancestor_edges, *lineage.descendant_edges]
        ids = {lineage.model.id} | {e.child for e in edges} | {e.base for e in edges}
        edges += _other_merge_parents(store, lineage.descendant_edges)
        ids |= {e.base for e in edges}
        return _assemble(store, f"Lineage of {lineage.model.id}", lineage.model.id, ids, edges, report)
    if family is not None:
        lineage = compute_lineage(store, family, "down")
        edges = list(lineage.descendant_edges)
        edges += _other_merge_parents(store, lineage.descendant_edges)
        ids = {lineage.model.id} | {e.child for e in edges} | {e.base for e in edges}
        return _assemble(store, f"Family of {lineage.model.id}", lineage.model.id, ids, edges, report)
    if repo is not None:
        return _repo_subgraph(store, repo, report)
    return _whole(store, report)


def _other_merge_parents(store: GraphStore, below: Iterable[DerivedFrom]) -> list[DerivedFrom]:
    """For each merge among the ``below`` edges (descendants), its edges to every parent, so a merge is drawn with
    all its parents, also those outside the lineage (merges are rare: one lookup each)."""
    merges = sorted({e.child for e in below if e.relation == "merge"})
    return [e for m in merges for e in store.lineage_edges(m, "up") if e.child == m]


def _repo_subgraph(store: GraphStore, repo: str, report: LicenseReport) -> Subgraph:
    key = repo.strip().lower()
    used: set[str] = set()
    user = repo.strip()
    for batch in store.iter_uses():
        for u in batch:
            if u.user.lower() == key:
                used.add(u.model)
                user = u.user
    if not used:
        raise UnknownRepoError(repo)
    ids: set[str] = set(used)
    edges: list[DerivedFrom] = []
    for m in sorted(used):
        up = store.lineage_edges(m, "up")
        edges.extend(up)
        ids |= {e.child for e in up} | {e.base for e in up}
    graph = _assemble(store, f"Models {user} uses", None, ids, edges, report)
    graph.edges = [
        e for e in graph.edges if e.kind != "uses" or graph.nodes[e.source].id.split(":", 1)[-1].lower() == key
    ]
    keep = {e.source for e in graph.edges} | {e.target for e in graph.edges} | ids
    graph.nodes = {i: n for i, n in graph.nodes.items() if i in keep}
    graph.findings = _findings(report, graph)  # again: only this application's uses are left
    return graph


def _whole(store: GraphStore, report: LicenseReport) -> Subgraph:
    ids: set[str] = set()
    for batch in store.iter_models():
        ids.update(m.id for m in batch)
    edges = [e for batch in store.iter_derived_from() for e in batch]
    ids |= {e.child for e in edges} | {e.base for e in edges}
    return _assemble(store, "The whole graph", None, ids, edges, report)
