"""Model-file risk along the chain: what loading a model may run or fetch, read from its ``ModelDetails``, and how
it travels down the lineage (``graphsc risks``, the risk part of ``graphsc impact``, policy rules on ``risk``).

**Flags** (a model's *own* flags, from its own record; severities and reasons in docs/risks.md):

- ``unsafe-scan`` (error): the Hub's security scan marks a file of the repository unsafe.
- ``pickle-only`` (warning): its weights exist only in pickle-based files (``.bin``, ``.pt``, ``.pth``, ``.ckpt``,
  ``.pkl`` ...) with no safetensors or GGUF alternative; unpickling runs whatever code the file holds (Hugging
  Face, "Pickle Scanning", https://huggingface.co/docs/hub/security-pickle).
- ``custom-code`` (warning): the config maps Auto classes to the repository's own Python (``auto_map``) or the Hub
  tags it ``custom_code``: loading it needs ``trust_remote_code=True``, which runs that code (transformers'
  SECURITY.md, "Remote code").
- ``scan-caution`` (warning): the Hub's scan flags files without calling them unsafe.
- ``disabled`` (warning): the Hub disabled the repository; its files can no longer be fetched or checked.
- ``unverified-base`` (note): a model graphsc knows only as another model's base (an unfetched stub): its files are
  unknown, so none of the flags above can be ruled out.

A fetched model whose record gave no details (a store written before details existed) is *not assessed*: it has
no flags, and the reports count it apart. graphsc keeps no record of a base the Hub no longer serves (a 404), so
"removed base" is not a flag.

**Inheritance.** A model *inherits* an ancestor's flag when loading it loads that ancestor: along a chain of
``adapter`` edges only (a LoRA/PEFT adapter is applied to its base's weights, loaded with the base's code: a LoRA
on a pickle-only base unpickles that base). Every other relation (finetune, quantized, merge, distillation) made
new weights, so the ancestor's flag is *upstream*: provenance, not loaded at run time. Each inherited or upstream
flag carries the path from the model up to the flagged ancestor (the fewest edges; ties by id); a model reached
through an adapter chain is inherited, never listed again as upstream. Walks visit each model once, so cycles
terminate; merges (several bases) are walked through every base.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Final

from graphsc.analytics.impact import Impact
from graphsc.ids import id_key
from graphsc.lineage import compute_lineage
from graphsc.records import ADAPTER, USER_REPO, USER_SPACE, ModelDetails
from graphsc.store.base import GraphStore

UNSAFE_SCAN: Final = "unsafe-scan"
PICKLE_ONLY: Final = "pickle-only"
CUSTOM_CODE: Final = "custom-code"
SCAN_CAUTION: Final = "scan-caution"
DISABLED: Final = "disabled"
UNVERIFIED_BASE: Final = "unverified-base"
# Every flag, most severe first (the order reports list them in).
RISK_FLAGS: tuple[str, ...] = (UNSAFE_SCAN, PICKLE_ONLY, CUSTOM_CODE, SCAN_CAUTION, DISABLED, UNVERIFIED_BASE)
ERROR, WARNING, NOTE = "error", "warning", "note"
SEVERITIES: tuple[str, ...] = (ERROR, WARNING, NOTE)
SEVERITY: Mapping[str, str] = {
    UNSAFE_SCAN: ERROR,
    PICKLE_ONLY: WARNING,
    CUSTOM_CODE: WARNING,
    SCAN_CAUTION: WARNING,
    DISABLED: WARNING,
    UNVERIFIED_BASE: NOTE,
}
# One line per flag: what it means for whoever loads the model (shown by the reports, documented in docs/risks.md).
REASON: Mapping[str, str] = {
    UNSAFE_SCAN: "the Hub's security scan marks a file unsafe",
    PICKLE_ONLY: "weights only in pickle files: loading them runs arbitrary code",
    CUSTOM_CODE: "needs trust_remote_code: loading it runs the repository's Python code",
    SCAN_CAUTION: "the Hub's security scan flags files",
    DISABLED: "the Hub disabled the repository: its files cannot be fetched or checked",
    UNVERIFIED_BASE: "a base graphsc never fetched: its files are unknown",
}
# The relations along which a derivative loads its base at run time, and so inherits the base's flags.
INHERITING_RELATIONS = frozenset({ADAPTER})

_RANK = {flag: i for i, flag in enumerate(RISK_FLAGS)}


def own_flags(details: ModelDetails | None, fetched: bool = True, is_base: bool = False) -> tuple[str, ...]:
    """The flags a model carries itself, in ``RISK_FLAGS`` order: from its ``details`` when fetched; a stub that is
    some model's base (``is_base``) is ``unverified-base``; a fetched model without details has none (not
    assessed)."""
    if not fetched:
        return (UNVERIFIED_BASE,) if is_base else ()
    if details is None:
        return ()
    found: list[str] = []
    if details.scan_status == "unsafe":
        found.append(UNSAFE_SCAN)
    if details.pickle_only:
        found.append(PICKLE_ONLY)
    if details.custom_code:
        found.append(CUSTOM_CODE)
    if details.scan_status == "caution":
        found.append(SCAN_CAUTION)
    if details.disabled:
        found.append(DISABLED)
    return tuple(found)


def worst_severity(flags: Iterable[str]) -> str | None:
    """The most severe ``SEVERITIES`` level among ``flags``, or None for none."""
    levels = {SEVERITY[f] for f in flags}
    return next((s for s in SEVERITIES if s in levels), None)


@dataclass(frozen=True, slots=True)
class RiskFlag:
    """One flag as it reaches a model: ``flag`` carried by ``source`` (the model itself for an own flag, else an
    ancestor); ``path`` the model ids from the model up to ``source`` (``(model,)`` for an own flag) and
    ``relations`` the relation of each edge on it (one fewer)."""

    flag: str
    source: str
    path: tuple[str, ...]
    relations: tuple[str, ...] = ()

    @property
    def severity(self) -> str:
        return SEVERITY[self.flag]


@dataclass(frozen=True, slots=True)
class ModelRisks:
    """The risks of one model: ``own`` flags, ``inherited`` (loaded at run time through adapter edges) and
    ``upstream`` (ancestors' flags, provenance only), each sorted by flag then path. ``fetched``: not a stub;
    ``assessed``: graphsc knows its files (a fetched model whose record gave details). For a stub only, why it is
    in the graph: ``base_of`` models derive from it directly, ``repos``/``spaces`` use it (all 0: only named)."""

    model: str
    fetched: bool
    assessed: bool
    own: tuple[RiskFlag, ...]
    inherited: tuple[RiskFlag, ...]
    upstream: tuple[RiskFlag, ...]
    base_of: int = 0
    repos: int = 0
    spaces: int = 0

    @property
    def flags(self) -> tuple[str, ...]:
        """The distinct flags the model carries or inherits (what loading it exposes), in ``RISK_FLAGS`` order."""
        found = {f.flag for f in (*self.own, *self.inherited)}
        return tuple(f for f in RISK_FLAGS if f in found)

    @property
    def flagged(self) -> bool:
        return bool(self.own or self.inherited)


def _sorted_flags(flags: Iterable[RiskFlag]) -> tuple[RiskFlag, ...]:
    return tuple(sorted(flags, key=lambda f: (_RANK[f.flag], len(f.path), f.path)))


def _paths(
    start: str, bases: Mapping[str, list[tuple[str, str]]], relations: frozenset[str] | None
) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Breadth-first up from ``start`` along edges whose relation is in ``relations`` (None: every edge): each model
    reached (``start`` excluded) → (path of ids from ``start``, relations on it); fewest edges, ties by base id."""
    found: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {start: ((start,), ())}
    queue: deque[str] = deque([start])
    while queue:
        node = queue.popleft()
        path, rels = found[node]
        for base, relation in sorted(bases.get(node, ())):
            if base in found or (relations is not None and relation not in relations):
                continue
            found[base] = ((*path, base), (*rels, relation))
            queue.append(base)
    del found[start]
    return found


def risks_from(
    model_id: str,
    bases: Mapping[str, list[tuple[str, str]]],
    flags: Mapping[str, tuple[str, ...]],
    fetched: bool = True,
    assessed: bool = True,
) -> ModelRisks:
    """The ``ModelRisks`` of ``model_id`` given each model's bases (``{child: [(base, relation)]}``) and own
    ``flags`` (``{model: own flags}``). Pure: the one place the inheritance rule is applied."""
    inherited_paths = _paths(model_id, bases, INHERITING_RELATIONS)
    all_paths = _paths(model_id, bases, None)
    own = [RiskFlag(f, model_id, (model_id,)) for f in flags.get(model_id, ())]
    inherited = [RiskFlag(f, a, p, r) for a, (p, r) in inherited_paths.items() for f in flags.get(a, ())]
    upstream = [
        RiskFlag(f, a, p, r) for a, (p, r) in all_paths.items() if a not in inherited_paths for f in flags.get(a, ())
    ]
    return ModelRisks(
        model_id, fetched, assessed, _sorted_flags(own), _sorted_flags(inherited), _sorted_flags(upstream)
    )


def model_risks(store: GraphStore, model_id: str) -> ModelRisks:
    """The risks of ``model_id`` (any spelling the store resolves), read from its ancestors only. Raises
    ``UnknownModelError`` (with close matches) for a model the graph does not hold."""
    lineage = compute_lineage(store, model_id, "up")
    model = lineage.model
    bases: dict[str, list[tuple[str, str]]] = {}
    for e in lineage.ancestor_edges:
        bases.setdefault(e.child, []).append((e.base, e.relation))
    ids = {model.id, *lineage.models}
    details = store.details_of(ids)
    base_ids = {e.base for e in lineage.ancestor_edges}
    children: set[str] = set()
    repos = spaces = 0
    if not model.fetched:  # a stub: why it is in the graph
        children = {e.child for e in store.lineage_edges(model.id, "down") if e.base == model.id}
        users = {(u.user_kind, u.user) for u in store.uses_of([model.id])}
        repos = sum(1 for kind, _ in users if kind == USER_REPO)
        spaces = sum(1 for kind, _ in users if kind == USER_SPACE)
    flags: dict[str, tuple[str, ...]] = {}
    for i in ids:
        m = lineage.models.get(i)
        fetched = m.fetched if m is not None else False
        is_base = i in base_ids or (i == model.id and bool(children))
        flags[i] = own_flags(details.get(i), fetched, is_base)
    assessed = model.fetched and model.id in details
    found = risks_from(model.id, bases, flags, model.fetched, assessed)
    return replace(found, base_of=len(children), repos=repos, spaces=spaces)


# ───────────────────────────── impact: who is exposed below a flagged model ─────────────────────────────


@dataclass(frozen=True, slots=True)
class ImpactRisks:
    """The risk part of ``graphsc impact``: the model's ``risks`` and, below it, ``descendants`` (every model
    downstream: exposed through provenance), ``inheriting`` (those that load it at run time: reached through
    adapter edges only) and the ``repos``/``spaces`` using the model or a descendant."""

    risks: ModelRisks
    descendants: int
    inheriting: int
    repos: int
    spaces: int

    @property
    def exposed_users(self) -> int:
        return self.repos + self.spaces


def _inheritors(model_id: str, children: Mapping[str, list[tuple[str, str]]]) -> set[str]:
    """The models below ``model_id`` reached through adapter edges only (they load it at run time)."""
    return _below(model_id, children, INHERITING_RELATIONS)


def impact_risks(store: GraphStore, impact: Impact) -> ImpactRisks:
    """The flags of the impact's model and how many models, repositories and Spaces below it are exposed."""
    risks = model_risks(store, impact.model_id)
    children: dict[str, list[tuple[str, str]]] = {}
    for e in impact.lineage.descendant_edges:
        children.setdefault(e.base, []).append((e.child, e.relation))
    return ImpactRisks(
        risks,
        impact.lineage.descendant_count,
        len(_inheritors(impact.model_id, children)),
        len(impact.repos),
        len(impact.spaces),
    )


# ───────────────────────────── the whole graph ─────────────────────────────


@dataclass(frozen=True, slots=True)
class FlagCount:
    """One flag over the graph: ``models`` carrying it, ``inherited`` models inheriting it (through adapter chains,
    not carrying it themselves), ``downstream`` distinct models below a carrier (any relation, inheritors
    included)."""

    flag: str
    models: int
    inherited: int
    downstream: int

    @property
    def severity(self) -> str:
        return SEVERITY[self.flag]


@dataclass(frozen=True, slots=True)
class FlaggedModel:
    """A model carrying flags of its own, and its exposure: ``descendants`` below it (any relation),
    ``inheriting`` those loading it at run time (adapter chains), ``repos``/``spaces`` using it or a
    descendant."""

    model: str
    flags: tuple[str, ...]
    descendants: int
    inheriting: int
    repos: int
    spaces: int

    @property
    def severity(self) -> str:
        return worst_severity(self.flags) or NOTE

    @property
    def exposed_users(self) -> int:
        return self.repos + self.spaces


@dataclass(frozen=True, slots=True)
class GraphRisks:
    """``graphsc risks`` over the whole graph: ``models`` in it, of which ``assessed`` (fetched, files known),
    ``not_assessed`` (fetched, but the record gave no details) and ``stubs`` (never fetched); a ``FlagCount`` per
    flag (``RISK_FLAGS`` order); every model with own flags (``flagged``), most exposed first: by
    repositories/Spaces reached, then descendants, then id."""

    models: int
    assessed: int
    not_assessed: int
    stubs: int
    counts: tuple[FlagCount, ...]
    flagged: tuple[FlaggedModel, ...]


def _below(
    start: str, children: Mapping[str, list[tuple[str, str]]], relations: Collection[str] | None = None
) -> set[str]:
    """Every model below ``start`` (breadth first, each once: cycles end), through ``relations`` only if given."""
    seen = {start}
    queue: deque[str] = deque([start])
    while queue:
        node = queue.popleft()
        for child, relation in children.get(node, ()):
            if child not in seen and (relations is None or relation in relations):
                seen.add(child)
                queue.append(child)
    seen.discard(start)
    return seen


def graph_risks(store: GraphStore) -> GraphRisks:
    """Flags and exposure over the whole graph, read narrowly: details, fetched flags, derivation and usage edges,
    each in one pass (no per-model queries). Walks below each flagged model only."""
    children: dict[str, list[tuple[str, str]]] = {}
    base_keys: set[str] = set()
    for batch in store.iter_derived_from():
        for e in batch:
            children.setdefault(e.base, []).append((e.child, e.relation))
            base_keys.add(e.base)
    flags: dict[str, tuple[str, ...]] = {}
    detailed: set[str] = set()
    for details_batch in store.iter_details():
        for d in details_batch:
            detailed.add(d.model)
            own = own_flags(d)
            if own:
                flags[d.model] = own
    models = assessed = stubs = 0
    for rows in store.iter_model_fields(("fetched",)):
        for model_id, fetched in rows:
            models += 1
            if not fetched:
                stubs += 1
                if model_id in base_keys:
                    flags[model_id] = (UNVERIFIED_BASE,)
            elif model_id in detailed:
                assessed += 1
    users: dict[str, set[tuple[str, str]]] = {}
    for uses_batch in store.iter_uses():
        for u in uses_batch:
            users.setdefault(u.model, set()).add((u.user_kind, u.user))

    flagged: list[FlaggedModel] = []
    carriers: dict[str, int] = dict.fromkeys(RISK_FLAGS, 0)
    inherited: dict[str, set[str]] = {f: set() for f in RISK_FLAGS}
    downstream: dict[str, set[str]] = {f: set() for f in RISK_FLAGS}
    for model_id, own in flags.items():
        below = _below(model_id, children)
        heirs = _inheritors(model_id, children)
        reached: set[tuple[str, str]] = set(users.get(model_id, ()))
        for m in below:
            reached.update(users.get(m, ()))
        for f in own:
            carriers[f] += 1
            inherited[f].update(heirs)
            downstream[f].update(below)
        flagged.append(
            FlaggedModel(
                model_id,
                own,
                len(below),
                len(heirs),
                sum(1 for kind, _ in reached if kind == USER_REPO),
                sum(1 for kind, _ in reached if kind == USER_SPACE),
            )
        )
    counts = tuple(
        FlagCount(
            f,
            carriers[f],
            sum(1 for m in inherited[f] if f not in flags.get(m, ())),
            len(downstream[f]),
        )
        for f in RISK_FLAGS
    )
    flagged.sort(key=lambda m: (-m.exposed_users, -m.descendants, id_key(m.model), m.model))
    return GraphRisks(models, assessed, models - assessed - stubs, stubs, counts, tuple(flagged))


def own_flags_by_key(store: GraphStore) -> dict[str, tuple[str, ...]]:
    """``{id_key: own flags}`` of every flagged model (policy rules on ``risk`` match these), read in one pass."""
    base_ids: set[str] = set()
    for batch in store.iter_derived_from():
        base_ids.update(e.base for e in batch)
    out: dict[str, tuple[str, ...]] = {}
    for details_batch in store.iter_details():
        for d in details_batch:
            own = own_flags(d)
            if own:
                out[id_key(d.model)] = own
    for rows in store.iter_model_fields(("fetched",)):
        for model_id, fetched in rows:
            if not fetched and model_id in base_ids:
                out[id_key(model_id)] = (UNVERIFIED_BASE,)
    return out
