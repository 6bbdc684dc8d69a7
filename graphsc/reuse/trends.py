"""``graphsc trends``: derivatives, license categories and documentation of the models created over time.

Every series counts models by the time bucket (month, quarter or year, UTC) of their ``created_at``:

- **derivatives**: models with DERIVED_FROM edges (within the scope), per relation: a model is counted once per
  relation it has (a model that is both a finetune and a merge of its bases counts in both), and once in
  ``total`` (so ``total`` can be below the sum of the relations);
- **licenses**: fetched models by the category of their declared license (``graphsc.license_table.categories``;
  ``unknown`` for a model that declares none or one the license table does not recognise);
- **documentation**: of the fetched models created in the bucket, how many have a card that lists training
  datasets (the card's ``datasets`` field, ``ModelDetails.card_fields``: what the card's author wrote, not the
  Hub's dataset tags), report at least one evaluation result with a numeric value (``EvalResult.value``), and
  declare a license (``graphsc.reuse.completeness.declares_license``, the rule of ``graphsc audit``: the record's
  ``license`` is set to something other than a placeholder such as ``unknown``).

Stubs (models known only as someone's base) have no record and are left out of every series. A fetched model
without a usable ``created_at`` (``graphsc.reuse.dates.creation_month``, the rule of ``graphsc audit``: missing, not
an ISO 8601 date, a year before 2000 such as a 1970 placeholder, or a month after the current one such as a 2099 typo)
is counted in ``undated``, never in a bucket. Definitions and fields: docs/trends.md.

Reads are narrow: the whole graph through ``iter_model_fields``, ``iter_derived_from``, ``iter_details`` and
``iter_eval_results``; a family (``family=ROOT``: ROOT and every model derived from it) through one downward
lineage walk and reads of just those ids.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from graphsc.errors import GraphscError, UnknownModelError
from graphsc.license_table.categories import CATEGORY_ORDER, category
from graphsc.licenses.graph import declared_license_ids
from graphsc.records import RELATIONS, DerivedFrom, EvalResult, Model, ModelDetails
from graphsc.reuse.completeness import declares_license
from graphsc.reuse.dates import FIRST_YEAR, creation_month, month_number
from graphsc.store.base import GraphStore

Granularity = Literal["month", "quarter", "year"]
GRANULARITIES: tuple[Granularity, ...] = ("month", "quarter", "year")
UNDATED = "undated"
# The documentation attributes, in the order every view shows them.
DOC_ATTRIBUTES: tuple[str, ...] = ("datasets", "eval_results", "license")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_FIELDS = ("created_at", "fetched", "license", "license_name", "license_link")
# --since/--until may name a future month (a window that runs on); only the year floor of creation dates applies.
_LAST_OPTION_MONTH = month_number(9999, 12)


def parse_month(text: str, option: str) -> int:
    """A ``--since``/``--until`` value (``YYYY-MM``) as a month number (``graphsc.reuse.dates.month_number``); a
    ``GraphscError`` naming ``option`` when it is not one. The year floor is the creation-date rule's
    (``creation_month``: no model is dated before ``FIRST_YEAR``); a month in the future is a valid bound."""
    found = _MONTH.fullmatch(text.strip())
    month = creation_month(text, latest=_LAST_OPTION_MONTH) if found else None
    if month is None:
        raise GraphscError(
            f"{option} {text!r} is not a month.", f"Give it as YYYY-MM (a year from {FIRST_YEAR}), e.g. 2025-01."
        )
    return month


def month_text(month: int) -> str:
    """A month number as ``YYYY-MM``."""
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def bucket_of(month: int, by: Granularity) -> int:
    """The bucket number of a month number: the month itself, ``year * 4 + quarter - 1``, or the year."""
    if by == "month":
        return month
    if by == "quarter":
        return (month // 12) * 4 + (month % 12) // 3
    return month // 12


def bucket_label(bucket: int, by: Granularity) -> str:
    """``2025-01``, ``2025-Q1`` or ``2025``."""
    if by == "month":
        return month_text(bucket)
    if by == "quarter":
        return f"{bucket // 4:04d}-Q{bucket % 4 + 1}"
    return f"{bucket:04d}"


def bucket_start(bucket: int, by: Granularity, since: int | None = None) -> str:
    """The first day a bucket covers, ``YYYY-MM-DD``: its calendar start, or the first day of ``since`` (a month
    number) when the window starts inside the bucket (``2025-Q1`` with ``--since 2025-02`` starts on 2025-02-01)."""
    if by == "month":
        first = bucket
    elif by == "quarter":
        first = month_number(bucket // 4, (bucket % 4) * 3 + 1)
    else:
        first = month_number(bucket, 1)
    if since is not None:
        first = max(first, since)
    return month_text(first) + "-01"


@dataclass(frozen=True, slots=True)
class Documentation:
    """Of ``models`` fetched models, how many have each documentation attribute (``DOC_ATTRIBUTES``)."""

    models: int = 0
    datasets: int = 0
    eval_results: int = 0
    license: int = 0

    def count(self, attribute: str) -> int:
        return int(getattr(self, attribute))

    def share(self, attribute: str) -> float | None:
        """The attribute's share of ``models`` (0–1), None when there are no models."""
        return self.count(attribute) / self.models if self.models else None


@dataclass(slots=True)
class Bucket:
    """The counts of one time bucket (or of the undated models). ``label`` is ``2025-01``/``2025-Q1``/``2025``
    or ``undated``; ``start`` the first day it covers (``bucket_start``: the calendar start, or ``--since`` when the
    window starts inside the bucket; None when undated)."""

    label: str
    start: str | None
    models: int = 0  # fetched models created in the bucket
    derivatives: int = 0  # of them, models with at least one derivation edge in the scope
    by_relation: Counter[str] = field(default_factory=Counter)
    licenses: Counter[str] = field(default_factory=Counter)
    datasets: int = 0
    eval_results: int = 0
    license: int = 0

    @property
    def documentation(self) -> Documentation:
        return Documentation(self.models, self.datasets, self.eval_results, self.license)


@dataclass(frozen=True, slots=True)
class Trends:
    """The series of one scope. ``buckets`` are consecutive (empty ones included) from the first to the last
    bucket with a model, or over ``since``–``until`` when given; ``relations`` and ``categories`` are the keys
    present in the scope, in ``graphsc.records.RELATIONS`` and ``CATEGORY_ORDER`` order.

    ``models``: fetched models in the scope; ``stubs``: unfetched ones (in no series); ``outside_range``: fetched,
    dated models created before ``since`` or after ``until``; ``without_details``: fetched models whose store row
    has no ``ModelDetails`` (ingested before graphsc kept them): their card's datasets are unknown and counted as
    not listed."""

    by: Granularity
    family: str | None
    since: str | None
    until: str | None
    buckets: tuple[Bucket, ...]
    undated: Bucket
    relations: tuple[str, ...]
    categories: tuple[str, ...]
    models: int
    stubs: int
    outside_range: int
    without_details: int

    @property
    def dated(self) -> int:
        """Fetched models counted in a bucket."""
        return sum(b.models for b in self.buckets)


@lru_cache(maxsize=1 << 14)
def license_category(license_id: str | None, name: str | None, link: str | None) -> str:
    """The license category of a fetched model's declaration (one computation per distinct declaration)."""
    return category(declared_license_ids(Model("", license=license_id, license_name=name, license_link=link)))


@dataclass(slots=True)
class _Reads:
    """What the series need, read from the whole graph or one family."""

    models: Iterable[tuple[Any, ...]]  # (id, *_FIELDS)
    edges: Iterable[DerivedFrom]
    details: Iterable[ModelDetails]
    evals: Iterable[EvalResult]
    scope: set[str] | None  # None: the whole graph


def _flat(batches: Iterable[list[Any]]) -> Iterator[Any]:
    for batch in batches:
        yield from batch


def _whole_graph(store: GraphStore) -> _Reads:
    return _Reads(
        _flat(store.iter_model_fields(_FIELDS)),
        _flat(store.iter_derived_from()),
        _flat(store.iter_details()),
        _flat(store.iter_eval_results()),
        None,
    )


def _family(store: GraphStore, root: str) -> tuple[str, _Reads]:
    resolved = store.find_model_id(root)
    if resolved is None:
        raise UnknownModelError(root, store.similar_model_ids(root))
    edges = store.lineage_edges(resolved, "down")
    scope = {resolved, *(e.child for e in edges)}
    models = store.models(scope)
    rows = [(m.id, *(getattr(m, f) for f in _FIELDS)) for m in models.values()]
    return resolved, _Reads(rows, edges, store.details_of(scope).values(), store.eval_results_of(scope), scope)


def compute_trends(
    store: GraphStore,
    by: Granularity = "month",
    family: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Trends:
    """The trends of the whole graph, or of ``family`` (a model id in any spelling ``find_model_id`` resolves: the
    model and everything derived from it; ``UnknownModelError`` when it is not stored). ``since``/``until``
    (``YYYY-MM``, inclusive) keep the models created in those months; a bad value is a ``GraphscError``."""
    if by not in GRANULARITIES:
        raise ValueError(f"unknown granularity {by!r}")
    first = parse_month(since, "--since") if since is not None else None
    last = parse_month(until, "--until") if until is not None else None
    if first is not None and last is not None and first > last:
        raise GraphscError(f"--since {since} is after --until {until}.", "Give a range that starts before it ends.")
    root, reads = (None, _whole_graph(store)) if family is None else _family(store, family)

    dated: dict[int, Bucket] = {}
    undated = Bucket(UNDATED, None)
    where: dict[str, Bucket] = {}  # fetched model in range → its bucket
    models = stubs = outside = 0
    for model_id, created_at, fetched, license_id, name, link in reads.models:
        if not fetched:
            stubs += 1
            continue
        models += 1
        month = creation_month(created_at)
        if month is None:
            bucket = undated
        elif (first is not None and month < first) or (last is not None and month > last):
            outside += 1
            continue
        else:
            number = bucket_of(month, by)
            bucket = dated.get(number) or dated.setdefault(
                number, Bucket(bucket_label(number, by), bucket_start(number, by, first))
            )
        where[model_id] = bucket
        bucket.models += 1
        bucket.licenses[license_category(license_id, name, link)] += 1
        if declares_license(license_id):
            bucket.license += 1

    relations_of: dict[str, set[str]] = {}
    for edge in reads.edges:
        if edge.child in where and (reads.scope is None or edge.base in reads.scope):
            relations_of.setdefault(edge.child, set()).add(edge.relation)
    for child, relations in relations_of.items():
        bucket = where[child]
        bucket.derivatives += 1
        bucket.by_relation.update(relations)

    with_details = 0
    for details in reads.details:
        bucket_or_none = where.get(details.model)
        if bucket_or_none is None:
            continue
        with_details += 1
        if "datasets" in details.card_fields:
            bucket_or_none.datasets += 1
    evaluated = {
        r.model for r in reads.evals if r.model in where and r.value is not None and math.isfinite(float(r.value))
    }
    for model_id in evaluated:
        where[model_id].eval_results += 1

    numbers = list(dated)
    if first is not None:
        numbers.append(bucket_of(first, by))
    if last is not None:
        numbers.append(bucket_of(last, by))
    span = range(min(numbers), max(numbers) + 1) if numbers else range(0)
    buckets = tuple(dated.get(n) or Bucket(bucket_label(n, by), bucket_start(n, by, first)) for n in span)
    everything = [*buckets, undated]
    present_relations = {r for b in everything for r in b.by_relation}
    present_categories = {c for b in everything for c in b.licenses}
    return Trends(
        by=by,
        family=root,
        since=month_text(first) if first is not None else None,
        until=month_text(last) if last is not None else None,
        buckets=buckets,
        undated=undated,
        relations=tuple(sorted(present_relations, key=lambda r: (RELATIONS.index(r) if r in RELATIONS else 99, r))),
        categories=tuple(
            sorted(present_categories, key=lambda c: (CATEGORY_ORDER.index(c) if c in CATEGORY_ORDER else 99, c))
        ),
        models=models,
        stubs=stubs,
        outside_range=outside,
        without_details=len(where) - with_details,
    )
