"""Which license conflicts a report shows (filters, and what they left out), and one model's chains.

Filters apply in a fixed order — minimum severity, kinds, minimum impact, then the limit — and each stage
counts what it removed, so a report can say what it does not show.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from graphsc.errors import GraphscError
from graphsc.licenses.findings import Conflict, LicenseReport, rank_key
from graphsc.licenses.graph import DATASET_RELATION, license_label
from graphsc.licenses.rules import RULES, SEVERITY_ORDER
from graphsc.records import Model

if TYPE_CHECKING:
    from graphsc.lineage import Lineage

KINDS: tuple[str, ...] = tuple(sorted({r.kind for r in RULES.values()}))
SEVERITIES: tuple[str, ...] = tuple(sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.__getitem__))
DEFAULT_MIN_SEVERITY = "warning"

# How a conflict touches the model given with ``--model``: it is dropped at the model (origin), reaches the
# model from an ancestor's edge (inherited), or is dropped by a derivative or user of the model (downstream).
ModelRole = Literal["origin", "inherited", "downstream"]
# A model, dataset (or repository) on a conflict's path: where the dropped obligation comes from (source), a dataset
# made from it that the obligation passes through (via), where it is dropped (origin), or a dataset or model that
# carries the drop on (inherited).
HopRole = Literal["source", "via", "origin", "inherited"]

# The license of a hop whose model record was not available (neither in the lineage, the report, nor looked up):
# said as such, never guessed as "(not fetched)" or "(none)".
NOT_LOOKED_UP = "(license not looked up)"

# Reasons something matched no filter, in the order filters apply (keys of ``Selection.left_out``).
LEFT_OUT_REASONS: tuple[str, ...] = ("below_min_severity", "other_kinds", "below_min_impact", "beyond_limit")


def at_or_above(severity: str, floor: str) -> bool:
    """Is ``severity`` at least as severe as ``floor``?"""
    return SEVERITY_ORDER[severity] <= SEVERITY_ORDER[floor]


def reach(c: Conflict) -> int:
    """What ``--min-impact`` compares: models plus repositories/Spaces the conflict reaches."""
    return len(c.reached_models) + len(c.reached_repos)


@dataclass(frozen=True, slots=True)
class Filters:
    """What the user asked to see. ``limit`` None shows every match."""

    kinds: tuple[str, ...] = ()
    min_severity: str = DEFAULT_MIN_SEVERITY
    min_impact: int = 0
    limit: int | None = None
    model: str | None = None

    def validate(self) -> None:
        """Raise a ``GraphscError`` naming the valid values for an unknown severity or kind."""
        if self.min_severity not in SEVERITY_ORDER:
            raise GraphscError(f"Unknown severity {self.min_severity!r}.", "Use " + ", ".join(SEVERITIES) + ".")
        unknown = [k for k in self.kinds if k not in KINDS]
        if unknown:
            raise GraphscError(
                f"Unknown conflict kind {', '.join(map(repr, unknown))}.", "Kinds: " + ", ".join(KINDS) + "."
            )


@dataclass(frozen=True, slots=True)
class Hop:
    """One model (or repository/Space) on the path of a conflict, with the relation of the edge into it."""

    id: str
    license: str
    role: HopRole
    relation: str | None = None
    is_model: bool = False  # the model asked about


@dataclass(frozen=True, slots=True)
class Entry:
    """A selected conflict; with ``--model``, its role for that model and the path from its source.
    ``parent_licenses``: for a merge, the license label of each of ``conflict.bases`` (a ``Conflict`` carries only
    its first parent's, as ``base_license``)."""

    conflict: Conflict
    role: ModelRole | None = None
    path: tuple[Hop, ...] = ()
    parent_licenses: tuple[str, ...] = ()

    def base_license(self, base: str) -> str:
        """The license label of ``base``, the conflict's base or one of a merge's parents."""
        c = self.conflict
        if base == c.base and c.base_license is not None:
            return c.base_license
        for b, lic in zip(c.bases, self.parent_licenses):
            if b == base:
                return lic
        return NOT_LOOKED_UP


@dataclass(slots=True)
class Selection:
    """The conflicts that pass the filters (ranked), and how many each filter left out."""

    filters: Filters
    matched: list[Entry]
    left_out: dict[str, int] = field(default_factory=dict)
    model_license: str | None = None

    @property
    def shown(self) -> list[Entry]:
        """The matches within the limit."""
        return self.matched if self.filters.limit is None else self.matched[: self.filters.limit]

    def reaches(self, severity: str) -> bool:
        """Does any match (shown or beyond the limit) have ``severity`` or worse? (``--fail-on``)"""
        return any(at_or_above(e.conflict.severity, severity) for e in self.matched)


ModelLookup = Callable[[Iterable[str]], Mapping[str, Model]]


def model_entries(report: LicenseReport, lineage: Lineage, lookup: ModelLookup | None = None) -> list[Entry]:
    """Every conflict touching ``lineage.model`` (origin, inherited or downstream), ranked, with its path.
    ``lineage`` must include the model's ancestors (direction ``up`` or ``both``); ``lookup`` (a store's
    ``models``) supplies the licenses of merge parents outside that lineage."""
    model_id = lineage.model.id
    touching: list[tuple[Conflict, ModelRole]] = list(report.for_model(model_id))
    touching += [
        (c, "downstream")
        for c in report.conflicts
        # a training or dataset edge's base is a dataset, never this model (even one sharing its id)
        if c.edge not in _DATASET_EDGES and (c.base == model_id or model_id in c.bases)
    ]
    touching.sort(key=lambda pair: rank_key(pair[0]))
    labels = {m: license_label(rec) for m, rec in lineage.models.items()}
    labels[model_id] = license_label(lineage.model)
    others = {b for c, _ in touching for b in c.bases if b not in labels}
    labels.update((b, report.merge_parent_licenses[b]) for b in others if b in report.merge_parent_licenses)
    others -= set(labels)
    if others and lookup is not None:
        labels.update((m, license_label(rec)) for m, rec in lookup(sorted(others)).items())
    return [Entry(c, role, conflict_path(c, lineage, labels), parent_licenses(report, c)) for c, role in touching]


def parent_licenses(report: LicenseReport, c: Conflict) -> tuple[str, ...]:
    """The license label of each of a merge conflict's parents (``c.bases``), from the report; () otherwise."""
    known = report.merge_parent_licenses
    return tuple(known.get(b, NOT_LOOKED_UP) for b in c.bases)


_DATASET_EDGES = ("trained_on", "dataset_derived")  # edges whose base is a dataset


def _source_hops(c: Conflict, model_id: str, labels: Mapping[str, str]) -> list[Hop]:
    """Where the conflict's obligation comes from: for a training or dataset edge, its ``chain`` (the dataset whose
    own license imposes it, then each dataset made from it down to the base, ``via``); else its base(s)."""
    if c.edge in _DATASET_EDGES and c.chain:
        licenses = c.chain_licenses if len(c.chain_licenses) == len(c.chain) else (NOT_LOOKED_UP,) * len(c.chain)
        return [
            Hop(d, lic, "source" if i == 0 else "via", None if i == 0 else DATASET_RELATION)
            for i, (d, lic) in enumerate(zip(c.chain, licenses))
        ]
    bases = c.bases or ((c.base,) if c.base else ())
    return [
        Hop(
            b,
            c.base_license if b == c.base and c.base_license else labels.get(b, NOT_LOOKED_UP),
            "source",
            is_model=b == model_id and c.edge not in _DATASET_EDGES,
        )
        for b in bases
    ]


def conflict_path(c: Conflict, lineage: Lineage, labels: Mapping[str, str]) -> tuple[Hop, ...]:
    """The conflict's source: its base(s), or for a training or dataset edge the datasets of its ``chain`` from the
    one whose license imposes the obligation; the origin edge's child; then the models the drop passes through down
    to ``lineage.model`` (each the base of the next; only models the conflict reaches; for a dataset's finding, the
    reached model trained on its data first). For a conflict downstream of the model, the path ends at the origin
    child. ``labels``: license labels by model id."""
    model_id = lineage.model.id
    hops = _source_hops(c, model_id, labels)
    relation = c.relation if c.edge in ("derived", "dataset_derived") else c.edge  # uses, trained_on, merge
    is_model = c.child == model_id and c.child_type == "model"
    hops.append(Hop(c.child, c.child_license, "origin", relation, is_model=is_model))
    bases = c.bases or ((c.base,) if c.base else ())
    if c.child_type == "dataset":
        return tuple(hops) + _trained_descent(c, model_id, lineage, labels)
    if is_model or (c.edge not in _DATASET_EDGES and model_id in bases):
        return tuple(hops)
    for child, _base, rel in _descent(c.child, model_id, set(c.reached_models), lineage):
        hops.append(Hop(child, labels.get(child, NOT_LOOKED_UP), "inherited", rel, is_model=child == model_id))
    return tuple(hops)


def _trained_descent(c: Conflict, model_id: str, lineage: Lineage, labels: Mapping[str, str]) -> tuple[Hop, ...]:
    """For a dataset's finding reaching ``model_id``: the reached model trained on the data (the first of
    ``reached_models`` that is the model or one of its ancestors), then the models down to ``model_id``."""
    allowed = set(c.reached_models)
    if model_id not in allowed:
        return ()
    for top in c.reached_models:
        steps = [] if top == model_id else _descent(top, model_id, allowed, lineage)
        if top == model_id or steps:
            hops = [Hop(top, labels.get(top, NOT_LOOKED_UP), "inherited", "trained_on", is_model=top == model_id)]
            hops += [
                Hop(child, labels.get(child, NOT_LOOKED_UP), "inherited", rel, is_model=child == model_id)
                for child, _base, rel in steps
            ]
            return tuple(hops)
    return ()


def _descent(top: str, model_id: str, allowed: set[str], lineage: Lineage) -> list[tuple[str, str, str]]:
    """Edges ``(child, base, relation)`` of a shortest path from ``top`` down to ``model_id`` through
    ``allowed`` models, found by walking up from the model over its ancestor edges."""
    up: dict[str, list[tuple[str, str]]] = {}
    for e in lineage.ancestor_edges:
        up.setdefault(e.child, []).append((e.base, e.relation))
    via: dict[str, tuple[str, str]] = {}  # base → (child it was reached from, relation)
    queue = deque([model_id])
    while queue and top not in via:
        node = queue.popleft()
        for base, rel in up.get(node, ()):
            if base in allowed and base not in via and base != model_id:
                via[base] = (node, rel)
                queue.append(base)
    path, node = [], top
    while node in via:
        child, rel = via[node]
        path.append((child, node, rel))
        node = child
    return path


def select(
    report: LicenseReport, filters: Filters, lineage: Lineage | None = None, lookup: ModelLookup | None = None
) -> Selection:
    """Apply ``filters`` to the report's ranked conflicts. With ``lineage`` (of ``filters.model``), only the
    conflicts touching that model, each with its role and path (see ``model_entries``)."""
    filters.validate()
    pool = (
        model_entries(report, lineage, lookup)
        if lineage is not None
        else [Entry(c, parent_licenses=parent_licenses(report, c)) if c.bases else Entry(c) for c in report.conflicts]
    )
    left_out = dict.fromkeys(LEFT_OUT_REASONS, 0)
    kinds = set(filters.kinds)
    matched = []
    for e in pool:
        c = e.conflict
        if not at_or_above(c.severity, filters.min_severity):
            left_out["below_min_severity"] += 1
        elif kinds and c.kind not in kinds:
            left_out["other_kinds"] += 1
        elif reach(c) < filters.min_impact:
            left_out["below_min_impact"] += 1
        else:
            matched.append(e)
    if filters.limit is not None:
        left_out["beyond_limit"] = max(0, len(matched) - filters.limit)
    model_license = license_label(lineage.model) if lineage is not None else None
    return Selection(filters, matched, left_out, model_license)


@dataclass(frozen=True, slots=True)
class Hotspot:
    """A model (or dataset, repository) that many selected conflicts share, with its license label."""

    id: str
    license: str
    conflicts: int


def hotspots(entries: list[Entry], n: int = 5) -> tuple[list[Hotspot], list[Hotspot]]:
    """Where the matched conflicts concentrate: the ``n`` upstream models whose terms are dropped most often
    (by origin-edge base; each merge parent with its own license), and the ``n`` models/repositories that drop
    the most (by origin-edge child). Ties go to the id's alphabetical order."""

    def top(pairs: list[tuple[str, str]]) -> list[Hotspot]:
        counts = Counter(pairs)
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0]))[:n]
        return [Hotspot(i, lic, k) for (i, lic), k in ranked if k > 1]

    return (
        top([(b, e.base_license(b)) for e in entries for b in (e.conflict.bases or (e.conflict.base,)) if b]),
        top([(e.conflict.child, e.conflict.child_license) for e in entries]),
    )
