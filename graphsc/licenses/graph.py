"""The license engine's input: the supply-chain graph compiled to integer ids and flat arrays.

Built from plain records (``graphsc.records``) streamed out of a store, so 2M models cost a few arrays of
machine integers plus one id list, not 2M Python objects.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain

from graphsc.license_table.normalize import NormalizedLicense, normalize_license
from graphsc.licenses.rules import UNFETCHED, Profile, profile_of
from graphsc.records import (
    DISTILLATION,
    IMPROVING_RELATIONS,
    USER_REPO,
    USER_SPACE,
    Dataset,
    DerivedFrom,
    Model,
    Repo,
    Space,
    TrainedOn,
    Uses,
)

# Edge codes in ``LicenseGraph.parent_kind``.
EDGE_IMPROVES = 0  # finetune / adapter / merge: naming clauses apply
EDGE_REPACKAGES = 1  # quantized or an unnamed relation
EDGE_TRAINED_ON = 2
EDGE_DISTILLS = 3  # distillation: trained on the base's outputs; only obligations that bind outputs pass


@dataclass(slots=True)
class LicenseGraph:
    """Models (then datasets) as nodes ``0..len(node_ids)-1``; users (repositories, Spaces) separately.

    ``parent_ptr/parent_idx/parent_kind/parent_rel`` hold each node's incoming lineage edges (CSR by child):
    DERIVED_FROM bases and TRAINED_ON datasets. ``use_ptr/use_user`` hold each model's users (CSR by model).
    """

    node_ids: list[str] = field(default_factory=list)
    n_models: int = 0
    profiles: list[Profile] = field(default_factory=list)
    node_profile: array = field(default_factory=lambda: array("i"))
    downloads: array = field(default_factory=lambda: array("q"))
    parent_ptr: array = field(default_factory=lambda: array("i", [0]))
    parent_idx: array = field(default_factory=lambda: array("i"))
    parent_kind: array = field(default_factory=lambda: array("b"))
    parent_rel: array = field(default_factory=lambda: array("b"))
    relations: list[str] = field(default_factory=list)
    user_ids: list[str] = field(default_factory=list)
    user_kind: list[str] = field(default_factory=list)
    user_profile: array = field(default_factory=lambda: array("i"))
    use_ptr: array = field(default_factory=lambda: array("i", [0]))
    use_user: array = field(default_factory=lambda: array("i"))

    @property
    def n_nodes(self) -> int:
        return len(self.node_ids)

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


def license_label(m: Model) -> str:
    """How a model's license reads in reports (see ``Profile.label``)."""
    return model_profile(m).label


class _Profiles:
    """Interns declared licenses: one ``Profile`` per distinct (license, name, link)."""

    def __init__(self, profiles: list[Profile]) -> None:
        self.profiles = profiles
        self.index: dict[tuple, int] = {}

    def get(self, raw: str | None, name: str | None = None, link: str | None = None, fetched: bool = True) -> int:
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
        """The profile of a model record (see ``declared_license``)."""
        return self.get(m.license, m.license_name, m.license_link, _declares(m))


def csr(n: int, src: array, dst: array, *payloads: array) -> tuple[array, array, list[array]]:
    """Group ``dst`` (and payloads) by ``src`` into CSR arrays (counting sort, stable)."""
    counts = array("i", bytes(4 * (n + 1)))
    for s in src:
        counts[s + 1] += 1
    for i in range(n):
        counts[i + 1] += counts[i]
    ptr = array("i", counts)
    cursor = array("i", counts[:-1])
    out = array("i", bytes(4 * len(dst)))
    outs = [array(p.typecode, bytes(p.itemsize * len(p))) for p in payloads]
    for pos, s in enumerate(src):
        k = cursor[s]
        cursor[s] = k + 1
        out[k] = dst[pos]
        for o, p in zip(outs, payloads):
            o[k] = p[pos]
    return ptr, out, outs


def build_graph(
    models: Iterable[Model],
    derived_from: Iterable[DerivedFrom] = (),
    trained_on: Iterable[TrainedOn] = (),
    uses: Iterable[Uses] = (),
    datasets: Iterable[Dataset] = (),
    repos: Iterable[Repo] = (),
    spaces: Iterable[Space] = (),
) -> LicenseGraph:
    """Compile records into a ``LicenseGraph``. Edge endpoints missing from ``models`` / ``datasets`` /
    ``repos`` / ``spaces`` become nodes with unknown licenses. Duplicate edges are kept once."""
    g = LicenseGraph()
    prof = _Profiles(g.profiles)
    index: dict[str, int] = {}

    def add_node(node_id: str, profile: int, downloads: int = 0) -> int:
        g.node_ids.append(node_id)
        g.node_profile.append(profile)
        g.downloads.append(downloads)
        return len(g.node_ids) - 1

    for m in models:
        if m.id not in index:
            index[m.id] = add_node(m.id, prof.of_model(m), m.downloads or 0)

    def model_node(model_id: str) -> int:
        found = index.get(model_id)
        if found is None:
            found = index[model_id] = add_node(model_id, prof.get(None, fetched=False))
        return found

    rel_codes: dict[str, int] = {}
    child, parent, kind, rel = array("i"), array("i"), array("b"), array("b")
    seen: set[tuple[int, int, int]] = set()
    for e in derived_from:
        c, p = model_node(e.child), model_node(e.base)
        code = rel_codes.setdefault(e.relation, len(rel_codes))
        k = (
            EDGE_IMPROVES
            if e.relation in IMPROVING_RELATIONS
            else EDGE_DISTILLS
            if e.relation == DISTILLATION
            else EDGE_REPACKAGES
        )
        if c != p and (c, p, k) not in seen:
            seen.add((c, p, k))
            child.append(c), parent.append(p), kind.append(k), rel.append(code)
    trained = [(t.model, t.dataset) for t in trained_on]
    used = [(e.user, e.user_kind, e.model) for e in uses]
    for model_id in chain((t[0] for t in trained), (u[2] for u in used)):
        model_node(model_id)
    g.n_models = len(g.node_ids)
    dataset_index: dict[str, int] = {}
    for d in datasets:
        if d.id not in dataset_index:
            dataset_index[d.id] = add_node(d.id, prof.get(d.license))
    tcode = rel_codes.setdefault("trained_on", len(rel_codes))
    for t_model, t_dataset in trained:
        d = dataset_index.get(t_dataset)
        if d is None:
            d = dataset_index[t_dataset] = add_node(t_dataset, prof.get(None, fetched=False))
        c = index[t_model]
        if (c, d, EDGE_TRAINED_ON) not in seen:
            seen.add((c, d, EDGE_TRAINED_ON))
            child.append(c), parent.append(d), kind.append(EDGE_TRAINED_ON), rel.append(tcode)
    del seen
    g.relations = [name for name, _ in sorted(rel_codes.items(), key=lambda kv: kv[1])]
    g.parent_ptr, g.parent_idx, (g.parent_kind, g.parent_rel) = csr(g.n_nodes, child, parent, kind, rel)

    user_index: dict[str, int] = {}
    for u, ukind in chain(((r, USER_REPO) for r in repos), ((s, USER_SPACE) for s in spaces)):
        if u.id not in user_index:
            user_index[u.id] = len(g.user_ids)
            g.user_ids.append(u.id)
            g.user_kind.append(ukind)
            raw = getattr(u, "license_raw", None) or u.license
            g.user_profile.append(prof.get(raw))
    use_model, use_user = array("i"), array("i")
    seen_uses: set[tuple[int, int]] = set()
    for user_id, user_kind, model_id in used:
        m = index[model_id]
        u = user_index.get(user_id)
        if u is None:
            u = user_index[user_id] = len(g.user_ids)
            g.user_ids.append(user_id)
            g.user_kind.append(user_kind)
            g.user_profile.append(prof.get(None, fetched=False))
        if (m, u) not in seen_uses:
            seen_uses.add((m, u))
            use_model.append(m), use_user.append(u)
    g.use_ptr, g.use_user, _ = csr(g.n_nodes, use_model, use_user)
    return g


def flatten(batches: Iterable[list]) -> Iterator:
    """Records from a store's ``iter_*`` batches, one by one."""
    return chain.from_iterable(batches)


def graph_from_store(store) -> LicenseGraph:
    """Read every model, dataset, repository, Space and edge from a ``GraphStore`` into a ``LicenseGraph``."""
    return build_graph(
        models=flatten(store.iter_models()),
        derived_from=flatten(store.iter_derived_from()),
        trained_on=flatten(store.iter_trained_on()),
        uses=flatten(store.iter_uses()),
        datasets=flatten(store.iter_datasets()),
        repos=flatten(store.iter_repos()),
        spaces=flatten(store.iter_spaces()),
    )
