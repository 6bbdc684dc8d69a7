"""The license engine's input: the supply-chain graph compiled to integer ids and flat arrays.

Built from plain records (``graphsc.records``) streamed out of a store, so 2M models cost a few arrays of
machine integers plus one id list, not 2M Python objects.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from graphsc.compact import CompactGraph, compact_graph
from graphsc.license_table.normalize import NormalizedLicense, normalize_license
from graphsc.licenses.rules import UNFETCHED, Profile, profile_of
from graphsc.records import (
    DISTILLATION,
    IMPROVING_RELATIONS,
    USER_REPO,
    USER_SPACE,
    Dataset,
    DatasetDerivedFrom,
    DerivedFrom,
    Model,
    Repo,
    Space,
    TrainedOn,
    UserKind,
    Uses,
)

if TYPE_CHECKING:
    from graphsc.store.base import GraphStore

_Record = TypeVar("_Record")

# Edge codes in ``LicenseGraph.parent_kind``.
EDGE_IMPROVES = 0  # finetune / adapter / merge: naming clauses apply
EDGE_REPACKAGES = 1  # quantized or an unnamed relation
EDGE_TRAINED_ON = 2
EDGE_DISTILLS = 3  # distillation: trained on the base's outputs; only obligations that bind outputs pass
EDGE_DATASET_DERIVED = 4  # dataset → the dataset it was made from (``source_datasets``): obligations on data pass
# The relation name of a dataset's DERIVED_FROM edge (``LicenseGraph.relations``, ``Conflict.relation``).
DATASET_RELATION = "source_datasets"


@dataclass(slots=True)
class LicenseGraph:
    """Models (then datasets) as nodes ``0..len(node_ids)-1``; users (repositories, Spaces) separately.

    ``parent_ptr/parent_idx/parent_kind/parent_rel`` hold each node's incoming lineage edges (CSR by child): a
    model's DERIVED_FROM bases and TRAINED_ON datasets, a dataset's DERIVED_FROM source datasets.
    ``use_ptr/use_user`` hold each model's users (CSR by model); a repository and a Space with the same id are two
    users.
    """

    node_ids: list[str] = field(default_factory=list)
    n_models: int = 0
    profiles: list[Profile] = field(default_factory=list)
    node_profile: array[int] = field(default_factory=lambda: array("i"))
    downloads: array[int] = field(default_factory=lambda: array("q"))
    parent_ptr: array[int] = field(default_factory=lambda: array("i", [0]))
    parent_idx: array[int] = field(default_factory=lambda: array("i"))
    parent_kind: array[int] = field(default_factory=lambda: array("b"))
    parent_rel: array[int] = field(default_factory=lambda: array("b"))
    relations: list[str] = field(default_factory=list)
    user_ids: list[str] = field(default_factory=list)
    user_kind: list[UserKind] = field(default_factory=list)
    user_profile: array[int] = field(default_factory=lambda: array("i"))
    use_ptr: array[int] = field(default_factory=lambda: array("i", [0]))
    use_user: array[int] = field(default_factory=lambda: array("i"))

    @property
    def n_nodes(self) -> int:
        """Models plus datasets."""
        return len(self.node_ids)

    def is_dataset(self, node: int) -> bool:
        """Is ``node`` a dataset (numbered after the models)?"""
        return node >= self.n_models

    def parents(self, node: int) -> range:
        """Positions in the parent arrays of ``node``'s incoming edges."""
        return range(self.parent_ptr[node], self.parent_ptr[node + 1])


def _declares(m: Model) -> bool:
    """False for a stub that declares nothing: its license is not known, rather than "none". Stubs may keep
    a license (e.g. from the PeaTMOSS mapping)."""
    return m.fetched or bool(m.license or m.license_name or m.license_link)


def declared_license(m: Model) -> NormalizedLicense:
    """A model's declared license, normalised (``UNFETCHED`` for a stub that declares nothing)."""
    return normalize_license(m.license, m.license_name, m.license_link) if _declares(m) else UNFETCHED


def model_profile(m: Model) -> Profile:
    """The engine's view of a model's license; a stub that declares nothing is ``fetched=False`` (its terms are
    unknown because it was not fetched, whatever its normalised license looks like)."""
    declares = _declares(m)
    return profile_of(declared_license(m), fetched=declares)


def declared_license_ids(m: Model) -> tuple[str, ...]:
    """The canonical license-table ids a model declares (every id of an expression); none for a stub that declares
    nothing (its terms are unknown) or a model that declares no license."""
    return declared_license(m).table_ids if _declares(m) else ()


def license_label(m: Model) -> str:
    """How a model's license reads in reports (see ``Profile.label``)."""
    return model_profile(m).label


class _ProfileInterner:
    """Interns declared licenses into ``profiles``: one ``Profile`` per distinct (license, name, link, fetched),
    numbered in first-seen order."""

    def __init__(self, profiles: list[Profile]) -> None:
        self.profiles = profiles
        self.index: dict[tuple[str | None, str | None, str | None, bool], int] = {}

    def declared(self, raw: str | None, name: str | None = None, link: str | None = None, fetched: bool = True) -> int:
        """The profile index of a declared license; ``fetched`` False for a node known only as an edge endpoint
        that declares nothing (its label and reason then say "not fetched")."""
        key = (raw, name, link, fetched)
        found = self.index.get(key)
        if found is None:
            norm = normalize_license(raw, name, link) if fetched else UNFETCHED
            found = self.index[key] = len(self.profiles)
            self.profiles.append(profile_of(norm, fetched=fetched))
        return found

    def of_model(self, m: Model) -> int:
        """The profile index of a model record (see ``declared_license``)."""
        return self.declared(m.license, m.license_name, m.license_link, _declares(m))

    def unfetched(self) -> int:
        """The profile index of a stub: a node known only as an edge endpoint, declaring nothing."""
        return self.declared(None, fetched=False)


def csr(
    n: int, src: array[int], dst: array[int], *payloads: array[int]
) -> tuple[array[int], array[int], list[array[int]]]:
    """Group edges ``src[i] → dst[i]`` (and each ``payloads[j][i]``) by ``src`` into CSR arrays (counting sort,
    stable: a source's edges keep their input order).

    Takes ``n`` sources ``0..n-1`` and ``len(src) == len(dst) == len(payload)`` edges. Returns ``ptr`` (``n + 1``
    offsets), ``dst`` regrouped (``len(dst)``) and each payload regrouped the same way (same typecodes): the edges
    of source ``s`` are at positions ``ptr[s]..ptr[s + 1] - 1``.
    """
    sources = _numpy(src)
    order = np.argsort(sources, kind="stable")
    ptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(sources, minlength=n), out=ptr[1:])
    return (
        _array("i", ptr),
        _array("i", _numpy(dst)[order]),
        [_array(p.typecode, _numpy(p)[order]) for p in payloads],
    )


_DTYPES = {"i": np.int32, "b": np.int8, "q": np.int64}


def _numpy(values: array[int]) -> np.ndarray:
    """An ``array.array`` viewed as numpy (no copy)."""
    return np.frombuffer(values, dtype=_DTYPES[values.typecode])


def _array(typecode: str, values: np.ndarray) -> array[int]:
    """A numpy vector as an ``array.array`` of ``typecode`` (the engine's loops index these fastest)."""
    return array(typecode, np.ascontiguousarray(values, dtype=_DTYPES[typecode]).tobytes())


# ── build_graph's steps ──


def _add_node(graph: LicenseGraph, node_id: str, profile: int, downloads: int = 0) -> int:
    """Append one node (id, profile index, downloads) to ``graph``'s node arrays; returns its number."""
    graph.node_ids.append(node_id)
    graph.node_profile.append(profile)
    graph.downloads.append(downloads)
    return len(graph.node_ids) - 1


class _NodeIndex:
    """Node numbers by record id for one kind of node (models, or datasets: a dataset and a model may share an id
    and stay two nodes). ``node`` adds an id not seen yet as a stub whose license is unknown ("not fetched")."""

    __slots__ = ("graph", "nodes", "profiles")

    def __init__(self, graph: LicenseGraph, profiles: _ProfileInterner) -> None:
        self.graph = graph
        self.profiles = profiles
        self.nodes: dict[str, int] = {}

    def node(self, record_id: str) -> int:
        """The node of ``record_id``, added as a stub when it has none yet."""
        found = self.nodes.get(record_id)
        if found is None:
            found = self.nodes[record_id] = _add_node(self.graph, record_id, self.profiles.unfetched())
        return found


@dataclass(slots=True)
class _LineageEdges:
    """Lineage edges gathered before compilation, in arrival order: parallel arrays, edge ``i`` runs from node
    ``child[i]`` to its base or dataset ``parent[i]``, with edge code ``kind[i]`` (``EDGE_*``) and relation code
    ``relation[i]`` (an index into ``relation_codes``' keys, numbered in first-seen order)."""

    child: array[int] = field(default_factory=lambda: array("i"))
    parent: array[int] = field(default_factory=lambda: array("i"))
    kind: array[int] = field(default_factory=lambda: array("b"))
    relation: array[int] = field(default_factory=lambda: array("b"))
    relation_codes: dict[str, int] = field(default_factory=dict)

    def relation_code(self, relation: str) -> int:
        """The code of a relation name, numbering a new one."""
        return self.relation_codes.setdefault(relation, len(self.relation_codes))


def _edge_kind(relation: str) -> int:
    """The edge code (``EDGE_*``) of a DERIVED_FROM relation."""
    if relation in IMPROVING_RELATIONS:
        return EDGE_IMPROVES
    if relation == DISTILLATION:
        return EDGE_DISTILLS
    return EDGE_REPACKAGES


def _index_models(graph: LicenseGraph, profiles: _ProfileInterner, models: Iterable[Model]) -> _NodeIndex:
    """Step 1, index models: takes model records; appends each distinct id as a node (its declared license's
    profile, its downloads) and returns the model index (id → node ``0..len-1``, in record order). A repeated id
    keeps its first record."""
    index = _NodeIndex(graph, profiles)
    nodes, node_ids, node_profile, downloads = index.nodes, graph.node_ids, graph.node_profile, graph.downloads
    profile_of_model = profiles.of_model
    for m in models:  # ``_add_node`` inlined: this loop runs once per model (2M on the Hub)
        if m.id not in nodes:
            nodes[m.id] = len(node_ids)
            node_ids.append(m.id)
            node_profile.append(profile_of_model(m))
            downloads.append(m.downloads or 0)
    return index


def _add_derived_edges(edges: _LineageEdges, model_nodes: _NodeIndex, derived_from: Iterable[DerivedFrom]) -> None:
    """Step 2, add lineage edges between models: takes DERIVED_FROM records; appends each to ``edges`` as child
    node → base node with its edge code and relation code. Endpoints not indexed become stub model nodes (child
    first, then base). Self-loops are dropped; a repeated (child, base, edge code) is kept once. Every relation
    gets a code, even one seen only on a dropped edge."""
    nodes, stub = model_nodes.nodes, model_nodes.node
    codes: dict[str, tuple[int, int]] = {}  # relation → (relation code, edge code)
    seen: set[tuple[int, int, int]] = set()
    add_child, add_parent, add_kind, add_relation = (
        edges.child.append,
        edges.parent.append,
        edges.kind.append,
        edges.relation.append,
    )
    for e in derived_from:
        child = nodes.get(e.child)  # looked up inline, ``stub`` called only for a new id: once per edge end
        if child is None:
            child = stub(e.child)
        base = nodes.get(e.base)
        if base is None:
            base = stub(e.base)
        coded = codes.get(e.relation)
        if coded is None:
            coded = codes[e.relation] = (edges.relation_code(e.relation), _edge_kind(e.relation))
        relation, kind = coded
        if child != base and (child, base, kind) not in seen:
            seen.add((child, base, kind))
            add_child(child)
            add_parent(base)
            add_kind(kind)
            add_relation(relation)


def _add_endpoint_models(
    model_nodes: _NodeIndex, training: list[tuple[str, str]], usages: list[tuple[str, UserKind, str]]
) -> None:
    """Step 3, stub the remaining models: takes the (model, dataset) pairs of TRAINED_ON edges and the (user,
    user kind, model) triples of USES edges; every model they name that has no node yet becomes a stub model node,
    training edges' models first. After this step every model has its node."""
    nodes, stub = model_nodes.nodes, model_nodes.node
    for model_id, _dataset in training:
        if model_id not in nodes:
            stub(model_id)
    for _user, _kind, model_id in usages:
        if model_id not in nodes:
            stub(model_id)


def _index_datasets(graph: LicenseGraph, profiles: _ProfileInterner, datasets: Iterable[Dataset]) -> _NodeIndex:
    """Step 4, add datasets: takes dataset records; appends each distinct id as a node after the models (its
    declared license's profile, with the card's license_name/link; "not fetched" for a stub declaring nothing; no
    downloads) and returns the dataset index (id → node)."""
    index = _NodeIndex(graph, profiles)
    nodes = index.nodes
    for d in datasets:
        if d.id not in nodes:
            declares = d.fetched or bool(d.license or d.license_name or d.license_link)
            nodes[d.id] = _add_node(graph, d.id, profiles.declared(d.license, d.license_name, d.license_link, declares))
    return index


def _add_dataset_derived_edges(
    edges: _LineageEdges, dataset_nodes: _NodeIndex, dataset_derived_from: Iterable[DatasetDerivedFrom]
) -> None:
    """Step 5, add lineage edges between datasets: takes dataset DERIVED_FROM records; appends each to ``edges`` as
    child dataset node → source dataset node (``EDGE_DATASET_DERIVED``, relation ``DATASET_RELATION``), once per
    pair. Endpoints not indexed become stub dataset nodes (child first, then source); self-loops are dropped."""
    nodes, stub = dataset_nodes.nodes, dataset_nodes.node
    relation = edges.relation_code(DATASET_RELATION)
    seen: set[tuple[int, int]] = set()
    for e in dataset_derived_from:
        child = nodes.get(e.child)
        if child is None:
            child = stub(e.child)
        base = nodes.get(e.base)
        if base is None:
            base = stub(e.base)
        if child != base and (child, base) not in seen:
            seen.add((child, base))
            edges.child.append(child)
            edges.parent.append(base)
            edges.kind.append(EDGE_DATASET_DERIVED)
            edges.relation.append(relation)


def _add_training_edges(
    edges: _LineageEdges, model_nodes: _NodeIndex, dataset_nodes: _NodeIndex, training: list[tuple[str, str]]
) -> None:
    """Step 6, add training edges: takes the (model, dataset) pairs of TRAINED_ON edges; appends each to
    ``edges`` as model node → dataset node (``EDGE_TRAINED_ON``, relation ``trained_on``), once per pair. Datasets
    not indexed become stub dataset nodes."""
    models, datasets, stub = model_nodes.nodes, dataset_nodes.nodes, dataset_nodes.node
    relation = edges.relation_code("trained_on")
    seen: set[tuple[int, int]] = set()
    add_child, add_parent, add_kind, add_relation = (
        edges.child.append,
        edges.parent.append,
        edges.kind.append,
        edges.relation.append,
    )
    for model_id, dataset_id in training:
        dataset = datasets.get(dataset_id)
        if dataset is None:
            dataset = stub(dataset_id)
        model = models[model_id]
        if (model, dataset) not in seen:
            seen.add((model, dataset))
            add_child(model)
            add_parent(dataset)
            add_kind(EDGE_TRAINED_ON)
            add_relation(relation)


def _compile_lineage(graph: LicenseGraph, edges: _LineageEdges) -> None:
    """Step 7, compile lineage edges into CSR by child: takes the gathered edges (E of them) and sets
    ``graph.relations`` (relation names by code) and ``parent_ptr`` (``n_nodes + 1`` offsets), ``parent_idx``,
    ``parent_kind``, ``parent_rel`` (E each: parent node, edge code, relation code), a node's edges in arrival
    order."""
    graph.relations = list(edges.relation_codes)  # codes were numbered in insertion order
    ptr, parents, (kinds, relations) = csr(graph.n_nodes, edges.child, edges.parent, edges.kind, edges.relation)
    graph.parent_ptr, graph.parent_idx, graph.parent_kind, graph.parent_rel = ptr, parents, kinds, relations


def _add_user(graph: LicenseGraph, user_id: str, kind: UserKind, profile: int) -> int:
    """Append one user (id, ``repo``/``space``, profile index) to ``graph``'s user arrays; returns its number."""
    graph.user_ids.append(user_id)
    graph.user_kind.append(kind)
    graph.user_profile.append(profile)
    return len(graph.user_ids) - 1


def _index_users(
    graph: LicenseGraph, profiles: _ProfileInterner, repos: Iterable[Repo], spaces: Iterable[Space]
) -> dict[tuple[UserKind, str], int]:
    """Step 8, index users: takes repository then Space records; appends each distinct id as a user with its
    declared license's profile (a repository's license as the source gave it, else its normalised one) and
    returns (user kind, user id) → user number: a repository and a Space may share an id."""
    users: dict[tuple[UserKind, str], int] = {}
    for repo in repos:
        if (USER_REPO, repo.id) not in users:
            profile = profiles.declared(repo.license_raw or repo.license)
            users[USER_REPO, repo.id] = _add_user(graph, repo.id, USER_REPO, profile)
    for space in spaces:
        if (USER_SPACE, space.id) not in users:
            users[USER_SPACE, space.id] = _add_user(graph, space.id, USER_SPACE, profiles.declared(space.license))
    return users


def _compile_uses(
    graph: LicenseGraph,
    profiles: _ProfileInterner,
    model_nodes: _NodeIndex,
    user_nodes: dict[tuple[UserKind, str], int],
    usages: list[tuple[str, UserKind, str]],
) -> None:
    """Step 9, compile users: takes the (user, user kind, model) triples of USES edges (U of them); users not
    indexed become stub users; sets ``graph.use_ptr`` (``n_nodes + 1`` offsets, CSR by model) and
    ``graph.use_user`` (user numbers), each (model, user) pair once, in arrival order."""
    models = model_nodes.nodes
    use_model: array[int] = array("i")
    use_user: array[int] = array("i")
    seen: set[tuple[int, int]] = set()
    for user_id, user_kind, model_id in usages:
        model = models[model_id]
        user = user_nodes.get((user_kind, user_id))
        if user is None:
            user = user_nodes[user_kind, user_id] = _add_user(graph, user_id, user_kind, profiles.unfetched())
        if (model, user) not in seen:
            seen.add((model, user))
            use_model.append(model)
            use_user.append(user)
    graph.use_ptr, graph.use_user, _ = csr(graph.n_nodes, use_model, use_user)


def build_graph(
    models: Iterable[Model],
    derived_from: Iterable[DerivedFrom] = (),
    trained_on: Iterable[TrainedOn] = (),
    uses: Iterable[Uses] = (),
    datasets: Iterable[Dataset] = (),
    repos: Iterable[Repo] = (),
    spaces: Iterable[Space] = (),
    dataset_derived_from: Iterable[DatasetDerivedFrom] = (),
) -> LicenseGraph:
    """Compile records into a ``LicenseGraph``. Edge endpoints missing from ``models`` / ``datasets`` /
    ``repos`` / ``spaces`` become nodes with unknown licenses. Duplicate edges are kept once.
    ``dataset_derived_from``: the DERIVED_FROM edges between datasets (a dataset made from another).

    Nodes are numbered models first (records, then stubs named by edges), then datasets; each iterable is read
    once, in the order of the steps below.
    """
    graph = LicenseGraph()
    profiles = _ProfileInterner(graph.profiles)
    edges = _LineageEdges()
    model_nodes = _index_models(graph, profiles, models)
    _add_derived_edges(edges, model_nodes, derived_from)
    training = [(t.model, t.dataset) for t in trained_on]
    usages: list[tuple[str, UserKind, str]] = [(u.user, u.user_kind, u.model) for u in uses]
    _add_endpoint_models(model_nodes, training, usages)
    graph.n_models = graph.n_nodes
    dataset_nodes = _index_datasets(graph, profiles, datasets)
    _add_dataset_derived_edges(edges, dataset_nodes, dataset_derived_from)
    _add_training_edges(edges, model_nodes, dataset_nodes, training)
    _compile_lineage(graph, edges)
    del edges  # the gathered arrays, now compiled
    user_nodes = _index_users(graph, profiles, repos, spaces)
    _compile_uses(graph, profiles, model_nodes, user_nodes, usages)
    return graph


def flatten(batches: Iterable[list[_Record]]) -> Iterator[_Record]:
    """Records from a store's ``iter_*`` batches, one by one."""
    return chain.from_iterable(batches)


def graph_from_store(store: GraphStore) -> LicenseGraph:
    """Every model, dataset, repository, Space and edge (DERIVED_FROM between models and between datasets,
    TRAINED_ON, USES) of a ``GraphStore`` as a ``LicenseGraph``: the one place the license engine's inputs are
    gathered from a store (``check_store``, so ``graphsc licenses``, ``check``, ``bom``, snapshots and policies).

    Models and their edges come from the store's compact graph (``graphsc.compact``: opened, or built once per
    store generation); datasets, repositories and Spaces, far fewer, are read as records."""
    return graph_from_compact(
        compact_graph(store),
        datasets=flatten(store.iter_datasets()),
        repos=flatten(store.iter_repos()),
        spaces=flatten(store.iter_spaces()),
        dataset_derived_from=flatten(store.iter_dataset_derived_from()),
    )


def _truthy(table: list[str]) -> np.ndarray:
    """Per code + 1 (code -1: None): whether the value is a non-empty string."""
    return np.array([False, *(bool(v) for v in table)], dtype=bool)


def _model_profiles(graph: LicenseGraph, profiles: _ProfileInterner, compact: CompactGraph) -> None:
    """Step 1 on a compact graph: every model a node (its number in the compact graph), with the profile of its
    declared license (``_declares``: a stub declaring nothing is "not fetched") and its downloads."""
    lic, name, link = (
        np.asarray(a, dtype=np.int64) for a in (compact.license, compact.license_name, compact.license_link)
    )
    declares = (
        np.asarray(compact.fetched, dtype=bool)
        | _truthy(compact.licenses)[lic + 1]
        | _truthy(compact.license_names)[name + 1]
        | _truthy(compact.license_links)[link + 1]
    )
    listing = np.argsort(np.asarray(compact.record_order), kind="stable")  # node k is compact model listing[k]
    # one integer per (license, name, link, declares): unique on a vector, not on rows (10x faster)
    sizes = [len(compact.license_names) + 1, len(compact.license_links) + 1, 2]
    key = (((lic + 1) * sizes[0] + (name + 1)) * sizes[1] + (link + 1)) * sizes[2] + declares
    _, first, inverse = np.unique(key[listing], return_index=True, return_inverse=True)
    seen_order = np.argsort(first, kind="stable")  # profiles numbered as first seen, as ``build_graph`` does
    inverse = np.argsort(seen_order)[inverse.ravel()]
    combos = np.stack([lic, name, link, declares.astype(np.int64)], axis=1)[listing]
    distinct = combos[first[seen_order]]

    def text(table: list[str], code: int) -> str | None:
        return None if code < 0 else table[code]

    profile_of = np.array(
        [
            profiles.declared(
                text(compact.licenses, lic_), text(compact.license_names, n), text(compact.license_links, k), bool(d)
            )
            for lic_, n, k, d in distinct.tolist()
        ]
        or [0],
        dtype=np.int32,
    )
    graph.node_ids = compact.model_ids.take(listing)
    graph.node_profile = _array("i", profile_of[inverse] if len(combos) else np.zeros(0))
    graph.downloads = _array("q", np.asarray(compact.downloads)[listing])
    graph.n_models = compact.model_count


def _rank(ids: list[str]) -> np.ndarray:
    """Each id's position in sorted order."""
    rank = np.empty(len(ids), dtype=np.int64)
    rank[sorted(range(len(ids)), key=ids.__getitem__)] = np.arange(len(ids))
    return rank


def graph_from_compact(
    compact: CompactGraph,
    datasets: Iterable[Dataset] = (),
    repos: Iterable[Repo] = (),
    spaces: Iterable[Space] = (),
    dataset_derived_from: Iterable[DatasetDerivedFrom] = (),
) -> LicenseGraph:
    """``build_graph`` over a compact graph (models, DERIVED_FROM, TRAINED_ON and USES) and the records of the
    datasets, repositories and Spaces: the same graph, with the models numbered in id order and each model's edges
    and users in the order the embedded store lists them (by id), built with array operations instead of a loop per
    record. Tested equal to ``build_graph`` on the same store."""
    graph = LicenseGraph()
    profiles = _ProfileInterner(graph.profiles)
    edges = _LineageEdges()
    _model_profiles(graph, profiles, compact)
    # step 2: DERIVED_FROM between models (unique per (child, base) already; self-loops dropped)
    relation_code = np.array([edges.relation_code(r) for r in compact.relations] or [0], dtype=np.int8)
    edge_kind = np.array([_edge_kind(r) for r in compact.relations] or [0], dtype=np.int8)
    node_of = np.asarray(compact.record_order)  # compact model → node: models numbered as the store lists them
    keep = np.asarray(compact.derived_child) != np.asarray(compact.derived_base)
    child = [node_of[np.asarray(compact.derived_child)[keep]]]
    parent = [node_of[np.asarray(compact.derived_base)[keep]]]
    kind = [edge_kind[np.asarray(compact.derived_relation)[keep]]]
    relation = [relation_code[np.asarray(compact.derived_relation)[keep]]]
    # steps 4-5: datasets after the models, then dataset lineage (few: records)
    dataset_nodes = _index_datasets(graph, profiles, datasets)
    gathered = _LineageEdges(relation_codes=edges.relation_codes)
    _add_dataset_derived_edges(gathered, dataset_nodes, dataset_derived_from)
    for target, values in (
        (child, gathered.child),
        (parent, gathered.parent),
        (kind, gathered.kind),
        (relation, gathered.relation),
    ):
        target.append(_numpy(values))
    # step 6: TRAINED_ON, in the store's order (model, then dataset id); a dataset without a record is a stub
    trained = edges.relation_code("trained_on")
    dataset_ids = compact.dataset_ids.all()
    if len(compact.trained_model):
        by_id = _rank(dataset_ids)
        order = np.lexsort((by_id[np.asarray(compact.trained_dataset)], np.asarray(compact.trained_model)))
        models, codes = np.asarray(compact.trained_model)[order], np.asarray(compact.trained_dataset)[order]
        _, first = np.unique(codes, return_index=True)
        dataset_node = np.zeros(len(dataset_ids), dtype=np.int64)
        for code in codes[np.sort(first)].tolist():
            dataset_node[code] = dataset_nodes.node(dataset_ids[code])
        child.append(node_of[models])
        parent.append(dataset_node[codes])
        kind.append(np.full(len(models), EDGE_TRAINED_ON))
        relation.append(np.full(len(models), trained))
    # step 7: CSR by child, each node's edges in arrival order
    graph.relations = list(edges.relation_codes)
    ptr, parents, (kinds, relations) = csr(
        graph.n_nodes,
        _array("i", np.concatenate(child)),
        _array("i", np.concatenate(parent)),
        _array("b", np.concatenate(kind)),
        _array("b", np.concatenate(relation)),
    )
    graph.parent_ptr, graph.parent_idx, graph.parent_kind, graph.parent_rel = ptr, parents, kinds, relations
    # steps 8-9: users (records), then USES in the store's order (user kind, user id, model)
    user_nodes = _index_users(graph, profiles, repos, spaces)
    use_model = np.zeros(0, dtype=np.int64)
    use_user = np.zeros(0, dtype=np.int64)
    if len(compact.uses_model):
        user_ids = compact.user_ids.all()
        kinds_of = [USER_SPACE if space else USER_REPO for space in np.asarray(compact.user_is_space).tolist()]
        keys = list(zip(kinds_of, user_ids))
        rank = np.empty(len(keys), dtype=np.int64)
        rank[sorted(range(len(keys)), key=keys.__getitem__)] = np.arange(len(keys))
        order = np.lexsort((np.asarray(compact.uses_model), rank[np.asarray(compact.uses_user)]))
        use_model = node_of[np.asarray(compact.uses_model)[order]]
        codes = np.asarray(compact.uses_user)[order]
        number = np.zeros(len(keys), dtype=np.int64)
        for code in np.unique(codes)[np.argsort(rank[np.unique(codes)], kind="stable")].tolist():
            found = user_nodes.get(keys[code])
            if found is None:
                found = user_nodes[keys[code]] = _add_user(graph, user_ids[code], kinds_of[code], profiles.unfetched())
            number[code] = found
        use_user = number[codes]
    graph.use_ptr, graph.use_user, _ = csr(graph.n_nodes, _array("i", use_model), _array("i", use_user))
    return graph
