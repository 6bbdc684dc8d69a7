"""``graphsc audit``: the completeness of one model and every ancestor (with its claimed performance), or of the
whole graph as distributions by family, relation and year.

The rule and its weights are ``graphsc.reuse.completeness``'s; claimed vs reported performance is
``graphsc.reuse.performance``'s. Only fetched models are audited: an unfetched stub (a model known only as someone's
base, only from usage data, or only by name) has no record to audit and is counted as "not fetched".

Whole-graph groups:

- *family*: the weakly connected components of the DERIVED_FROM edges (as ``graphsc families``), found with a
  union-find over the edges — no graph library, one pass, so it scales with the edges. A family is named after its
  most downloaded root (a member with no base; ties: smallest id; a family that is only a cycle: its smallest id),
  the name ``graphsc families`` gives. Models with no DERIVED_FROM edge at all are one group, ``(no lineage)``,
  rather than one family each: on the whole Hub they are most models, and a family of one says nothing about a chain.
  The largest families (by fetched models; ties by name) are shown.
- *relation*: the relation of the model's edge to its base (``finetune``, ``adapter``, ...); ``root`` when it has
  none; a model with bases by several relations (a merge of a fine-tune ...) counts in each.
- *year*: the UTC year of ``created_at`` under ``graphsc.reuse.dates.creation_year`` (the rule ``graphsc trends``
  applies: ``1999-12-31T23:59:59-01:00`` is 2000); ``unknown`` when the record gives no usable creation date (none,
  not a date, before 2000, after the current month).

The whole-graph audit reads the store narrowly, once each: ``iter_derived_from``, ``iter_trained_on``,
``iter_eval_results``, ``iter_details``, ``iter_notes`` and ``iter_model_fields``; it asks nothing per model.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from graphsc.lineage import UNCONFIRMED_NOTE_KINDS, compute_lineage
from graphsc.records import RELATIONS, EvalResult
from graphsc.reuse.completeness import (
    ATTRIBUTES,
    BASE_DECLARED_IN,
    MISSING_PHRASES,
    Completeness,
    UnconfirmedBase,
    attribute_flags,
    completeness_of,
    numeric_count,
    present_of,
    score_of,
)
from graphsc.reuse.dates import creation_year, current_month
from graphsc.reuse.performance import Performance, compare_performance
from graphsc.store.base import GraphStore

ROOT = "root"  # the relation group of models with no base
NO_LINEAGE = "(no lineage)"  # the family group of models with no DERIVED_FROM edge
UNKNOWN_YEAR = "unknown"
# How an unfetched audited model is known (``ModelAudit.stub_known_as``): someone's base (it has DERIVED_FROM
# children), only from usage data (USES edges: a repository or Space uses it), or only by name (neither).
KNOWN_AS_BASE, KNOWN_FROM_USAGE, KNOWN_BY_NAME = "base", "usage", "name"
STUB_PHRASES: dict[str, str] = {
    KNOWN_AS_BASE: "known only as a base",
    KNOWN_FROM_USAGE: "known only from usage",
    KNOWN_BY_NAME: "known only by name",
}
# Score buckets (inclusive bounds); every score 0..100 falls in one.
BUCKETS: tuple[tuple[int, int], ...] = ((0, 19), (20, 39), (40, 59), (60, 79), (80, 100))


def bucket_label(low: int, high: int) -> str:
    return f"{low}-{high}"


# ---- one model and its ancestors ----


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One model of the chain: ``distance`` edges above the audited model (0: the model itself); ``completeness``
    is None for an unfetched stub."""

    model: str
    distance: int
    completeness: Completeness | None

    @property
    def fetched(self) -> bool:
        return self.completeness is not None


@dataclass(frozen=True, slots=True)
class AttributeSummary:
    """How many of the ``of`` fetched ancestors lack ``attribute``."""

    attribute: str
    missing: int
    of: int

    @property
    def text(self) -> str:
        """'3 of 5 ancestors declare no training data', '1 of 1 ancestor declares no license'."""
        noun = "ancestor" if self.of == 1 else "ancestors"
        phrase = MISSING_PHRASES[self.attribute]
        if self.missing == 1:  # agreement with one: "1 of 5 ancestors declares no ..."
            verb, _, rest = phrase.partition(" ")
            phrase = {"declare": "declares", "have": "has", "report": "reports"}.get(verb, verb) + " " + rest
        return f"{self.missing} of {self.of} {noun} {phrase}"


def summary_texts(summaries: Iterable[AttributeSummary]) -> list[str]:
    """The sentences of the summaries with a missing attribute (none for an attribute every fetched ancestor has):
    the one wording the table and the JSON document share."""
    return [s.text for s in summaries if s.missing]


@dataclass(frozen=True, slots=True)
class ModelAudit:
    """The audit of ``model``: ``rows`` (the model, then each ancestor nearest first, ties by id), one
    ``AttributeSummary`` per attribute over the fetched ancestors, and the claimed ``performance``;
    ``stub_known_as`` (``KNOWN_AS_BASE``, ``KNOWN_FROM_USAGE``, ``KNOWN_BY_NAME``) when ``model`` is not fetched,
    else None."""

    model: str
    rows: tuple[AuditRow, ...]
    summaries: tuple[AttributeSummary, ...]
    performance: Performance
    stub_known_as: str | None = None

    @property
    def own(self) -> AuditRow:
        return self.rows[0]

    @property
    def ancestors(self) -> tuple[AuditRow, ...]:
        return self.rows[1:]

    @property
    def ancestors_not_fetched(self) -> int:
        return sum(1 for r in self.ancestors if not r.fetched)


def _grouped(results: Iterable[EvalResult]) -> dict[str, list[EvalResult]]:
    by_model: dict[str, list[EvalResult]] = defaultdict(list)
    for r in results:
        by_model[r.model].append(r)
    return by_model


def audit_model(store: GraphStore, model_text: str) -> ModelAudit:
    """Audit the model ``model_text`` names (any spelling ``compute_lineage`` resolves) and every ancestor;
    raises ``UnknownModelError`` (with close matches) for a model the graph does not hold."""
    lineage = compute_lineage(store, model_text, "up")
    model_id = lineage.model.id
    ancestors = sorted(
        ((m, d) for m, d in lineage.ancestor_distance.items() if m != model_id), key=lambda md: (md[1], md[0])
    )
    ids = [model_id, *(m for m, _ in ancestors)]
    bases: dict[str, list[str]] = defaultdict(list)
    for edge in lineage.ancestor_edges:
        bases[edge.child].append(edge.base)
    unconfirmed: dict[str, list[UnconfirmedBase]] = defaultdict(list)
    for note in sorted(store.notes_of(ids), key=lambda n: (n.model, n.field, n.value)):
        if note.kind in UNCONFIRMED_NOTE_KINDS and note.field in BASE_DECLARED_IN:
            unconfirmed[note.model].append(
                UnconfirmedBase(note.resolved or note.value, BASE_DECLARED_IN[note.field], note.kind)
            )
    datasets: dict[str, list[str]] = defaultdict(list)
    for t in store.trained_on(ids):
        datasets[t.model].append(t.dataset)
    details = store.details_of(ids)
    results = _grouped(store.eval_results_of(ids))

    def row(mid: str, distance: int) -> AuditRow:
        model = lineage.models.get(mid)
        if model is None or not model.fetched:
            return AuditRow(mid, distance, None)
        found = results.get(mid, [])
        return AuditRow(
            mid,
            distance,
            completeness_of(
                model,
                bases=sorted(set(bases.get(mid, []))),
                unconfirmed_bases=list(dict.fromkeys(unconfirmed.get(mid, []))),
                datasets=len(set(datasets.get(mid, []))),
                results=len(found),
                numeric_results=numeric_count(found),
                details=details.get(mid),
            ),
        )

    rows = (row(model_id, 0), *(row(m, d) for m, d in ancestors))
    fetched = [r.completeness for r in rows[1:] if r.completeness is not None]
    summaries = tuple(AttributeSummary(a, sum(1 for c in fetched if not c.has(a)), len(fetched)) for a in ATTRIBUTES)
    performance = compare_performance(
        model_id, results.get(model_id, []), ancestors, results, datasets.get(model_id, [])
    )
    known_as = None
    if not rows[0].fetched:
        if store.lineage_edges(model_id, "down"):
            known_as = KNOWN_AS_BASE
        elif store.uses_of([model_id]):
            known_as = KNOWN_FROM_USAGE
        else:
            known_as = KNOWN_BY_NAME
    return ModelAudit(model_id, rows, summaries, performance, known_as)


# ---- the whole graph ----


@dataclass(slots=True)
class GroupStats:
    """The fetched models of one group: how many (``models``), how many have each attribute, the sum of their
    scores (``mean_score``), how many list files but no weights (``no_weight_files``)."""

    name: str
    models: int = 0
    with_attribute: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ATTRIBUTES, 0))
    score_total: int = 0
    no_weight_files: int = 0

    def add(self, present: Sequence[str], score: int, no_weights: bool, n: int = 1) -> None:
        """Count ``n`` models with the attributes ``present``, ``score`` each."""
        self.models += n
        for a in present:
            self.with_attribute[a] += n
        self.score_total += score * n
        self.no_weight_files += n if no_weights else 0

    @property
    def mean_score(self) -> float | None:
        return self.score_total / self.models if self.models else None


@dataclass(frozen=True, slots=True)
class GraphAudit:
    """The completeness of every fetched model of the graph.

        ``models``: every model node; ``fetched``/``not_fetched``: audited models and stubs; ``overall``: all fetched
        models; ``median_score``; ``buckets``: fetched models per score bucket (``BUCKETS``); ``base_unconfirmed``:
        fetched models with no confirmed base (no DERIVED_FROM edge) that nevertheless name a base, on the card
        (``base_model``) or in a ``base_model`` tag, which graphsc's lineage rules did not take (an ``unconfirmed``
        note, or a value that is not a usable id: ``local-path``, ``malformed``, ``wrong-type``); ``weight_files``: fetched
        models whose record lists weight files (``present``), lists files but no weights (``none``) or no files
        (``unknown``); ``without_details``: fetched models with no stored details (ingested by a graphsc that did not keep
    them: their files and evaluation results are unknown, counted as missing until re-ingested); ``families``: how many
    families (components with an edge) hold a fetched model; ``by_family``:
        the ``top`` largest, then ``NO_LINEAGE``; ``by_relation``: ``RELATIONS`` order, other relations by name, then
        ``ROOT``; ``by_year``: ascending, ``unknown`` last. Groups with no fetched model are left out."""

    models: int
    fetched: int
    not_fetched: int
    overall: GroupStats
    median_score: float | None
    buckets: dict[str, int]
    base_unconfirmed: int
    weight_files: dict[str, int]
    without_details: int
    families: int
    by_family: tuple[GroupStats, ...]
    by_relation: tuple[GroupStats, ...]
    by_year: tuple[GroupStats, ...]


class _UnionFind:
    """Disjoint sets of model ids (path halving, union by size)."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.size: dict[str, int] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        if x not in parent:
            parent[x] = x
            self.size[x] = 1
            return x
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]


Profile = tuple[tuple[bool, ...], bool]  # (attribute flags in ATTRIBUTES order, lists files but no weights)
K = TypeVar("K")


def _groups(counts: Mapping[tuple[K, Profile], int], name: Callable[[K], str]) -> dict[K, GroupStats]:
    """``{key: GroupStats}`` from model counts per ``(key, profile)``; each group is named ``name(key)``."""
    groups: dict[K, GroupStats] = {}
    for (key, (flags, no_weights)), n in counts.items():
        group = groups.get(key)
        if group is None:
            group = groups[key] = GroupStats(name(key))
        present = present_of(flags)
        group.add(present, score_of(present), no_weights, n)
    return groups


def _median(counts: Mapping[int, int]) -> float | None:
    """The median of a multiset given as ``{value: count}``; None when it is empty."""
    total = sum(counts.values())
    if not total:
        return None

    def nth(k: int) -> int:  # the k-th smallest value, 0-based
        seen = 0
        for value in sorted(counts):
            seen += counts[value]
            if seen > k:
                return value
        raise AssertionError("k out of range")

    low, high = nth((total - 1) // 2), nth(total // 2)
    return low if low == high else (low + high) / 2


def _year(created_at: str | None, latest: int) -> str:
    """The group of a ``created_at`` value: its UTC year (``creation_year``), or ``UNKNOWN_YEAR``."""
    year = creation_year(created_at, latest)
    return UNKNOWN_YEAR if year is None else str(year)


def _relation_order(name: str) -> tuple[int, str]:
    if name == ROOT:
        return (2, name)
    return (0, f"{RELATIONS.index(name):02d}") if name in RELATIONS else (1, name)


def audit_graph(store: GraphStore, top: int = 10) -> GraphAudit:
    """Audit every fetched model of ``store``; ``top``: how many families to show."""
    families = _UnionFind()
    relations_of: dict[str, set[str]] = defaultdict(set)
    for batch in store.iter_derived_from():
        for edge in batch:
            relations_of[edge.child].add(edge.relation)
            families.union(edge.child, edge.base)
    trained = {t.model for batch in store.iter_trained_on() for t in batch}
    numeric = {r.model for batch in store.iter_eval_results() for r in batch if r.value is not None}
    with_weights: set[str] = set()
    without_weights: set[str] = set()
    detailed = 0  # only fetched records give details: the fetched models without them are the rest
    for details_batch in store.iter_details():
        detailed += len(details_batch)
        for d in details_batch:
            if d.files is not None:
                (with_weights if d.weight_formats else without_weights).add(d.model)
    unconfirmed = {
        n.model
        for batch in store.iter_notes()
        for n in batch
        if n.kind in UNCONFIRMED_NOTE_KINDS and n.field in BASE_DECLARED_IN
    }

    # Each fetched model reduces to its profile: its attribute flags and whether it lists files but no weights.
    # There are at most 2**8 profiles, so the groups count profiles, not models, and nothing is built per model.
    overall: Counter[Profile] = Counter()
    by_family: Counter[tuple[str | None, Profile]] = Counter()
    by_relation: Counter[tuple[str, Profile]] = Counter()
    by_year: Counter[tuple[str, Profile]] = Counter()
    best_root: dict[str, tuple[int, str]] = {}  # family representative -> (-downloads, root id)
    smallest: dict[str, str] = {}  # family representative -> its smallest member id
    weight_files = {"present": 0, "none": 0, "unknown": 0}
    models = not_fetched = base_unconfirmed = 0
    no_relation = (ROOT,)
    latest = current_month()  # once: a run that spans midnight of a month's end still applies one rule
    fields = ("fetched", "license", "pipeline_tag", "library_name", "has_card", "created_at", "downloads")
    for rows in store.iter_model_fields(fields):
        for mid, fetched, license, task, library, has_card, created_at, downloads in rows:
            models += 1
            rep = families.find(mid) if mid in families.parent else None
            if rep is not None:
                if rep not in smallest or mid < smallest[rep]:
                    smallest[rep] = mid
                if mid not in relations_of:  # a root: candidate name of its family
                    candidate = (-(downloads or 0), mid)
                    if rep not in best_root or candidate < best_root[rep]:
                        best_root[rep] = candidate
            if not fetched:
                not_fetched += 1
                continue
            has_base = mid in relations_of
            no_weights = mid in without_weights
            profile = (
                attribute_flags(
                    license,
                    task,
                    library,
                    has_card,
                    has_base=has_base,
                    has_data=mid in trained,
                    has_numeric_results=mid in numeric,
                ),
                no_weights,
            )
            weight_files["none" if no_weights else "present" if mid in with_weights else "unknown"] += 1
            base_unconfirmed += not has_base and mid in unconfirmed
            overall[profile] += 1
            by_family[rep, profile] += 1
            for relation in relations_of.get(mid) or no_relation:
                by_relation[relation, profile] += 1
            by_year[_year(created_at, latest), profile] += 1

    def name_of(rep: str | None) -> str:
        # a family that is only a cycle has no root: named after its smallest member
        if rep is None:
            return NO_LINEAGE
        return best_root[rep][1] if rep in best_root else smallest[rep]

    families_found = _groups(by_family, name_of)
    no_lineage = families_found.pop(None, None)
    shown = sorted(families_found.values(), key=lambda g: (-g.models, g.name))[:top]
    if no_lineage is not None:
        shown.append(no_lineage)
    total = GroupStats("all")
    scores: Counter[int] = Counter()
    for (flags, no_weights), n in overall.items():
        present = present_of(flags)
        total.add(present, score_of(present), no_weights, n)
        scores[score_of(present)] += n
    buckets = {bucket_label(lo, hi): sum(n for s, n in scores.items() if lo <= s <= hi) for lo, hi in BUCKETS}
    return GraphAudit(
        models=models,
        fetched=total.models,
        not_fetched=not_fetched,
        overall=total,
        median_score=_median(scores),
        buckets=buckets,
        base_unconfirmed=base_unconfirmed,
        weight_files=weight_files,
        without_details=max(total.models - detailed, 0),
        families=len(families_found),
        by_family=tuple(shown),
        by_relation=tuple(sorted(_groups(by_relation, str).values(), key=lambda g: _relation_order(g.name))),
        by_year=tuple(sorted(_groups(by_year, str).values(), key=lambda g: (g.name == UNKNOWN_YEAR, g.name))),
    )
