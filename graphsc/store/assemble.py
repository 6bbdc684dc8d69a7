"""The backend-neutral half of every write, computed once: a store calls ``plan_write`` and only persists the plan.

``plan_write`` resolves the batch's ids (``graphsc.store.identity.assemble``) and decides what each record becomes:
which models are upserted as fetched, which ids become unfetched stubs (edge endpoints and unfetched models),
which stubs take a license, which datasets, repositories and Spaces are created as stubs for the edges that name
them, and which notes a learned rename reclassifies. The rules are ``GraphBatch``'s (``graphsc.records``).

Everything here is a few set and sort passes over the batch (no per-row store work): the embedded store writes
millions of rows through it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter

from graphsc.ids import id_key
from graphsc.records import USER_REPO, USER_SPACE, Dataset, GraphBatch, Model, Space
from graphsc.store.common import author_of
from graphsc.store.identity import IdIndex, assemble

_first = itemgetter(0)  # a record's id (other fields may be None, so records are never compared whole)


@dataclass(slots=True)
class WritePlan:
    """What a store writes for one batch, in this order, in one transaction.

    - ``moves``: stored nodes to rename or merge first (``graphsc.store.identity.Assembled.moves``);
    - ``fetched``: fetched models to upsert, by id (a repeated id keeps batch order: the last copy wins); before
      the upsert, those stored as fetched lose their outgoing Hub edges and notes;
    - ``stubs``: ``(id, author)`` of every other model the batch names (unfetched models, edge endpoints), by id,
      created unfetched only where nothing is stored (a stub never overwrites a model);
    - ``stub_licenses``: ``(id, author, license)`` of unfetched models with a license, set only on unfetched nodes;
    - ``dataset_moves``, ``space_moves``: stored datasets and Spaces to rename or merge (a fetched record's casing),
      before anything else;
    - ``fetched_datasets``/``fetched_spaces``: records to upsert whole; before the upsert a fetched dataset loses its
      stored outgoing dataset DERIVED_FROM edges, a fetched Space its ``space-card`` USES edges;
    - ``stub_dataset_licenses``/``stub_space_licenses``: ``(id, license)`` of unfetched ones with a license, set on
      unfetched nodes only;
    - ``dataset_stubs``, ``repo_stubs``, ``space_stubs``: ids the batch names otherwise, created bare where missing;
    - ``renamed``: ``(new id, old id's key)`` of ``renamed`` aliases: an unconfirmed note naming the old id whose
      model is derived from the new id becomes a followed rename.

    ``batch`` is the resolved batch: its datasets, repos, spaces, edges, notes and aliases are written as they are.
    """

    batch: GraphBatch
    moves: list[tuple[str, str]] = field(default_factory=list)
    fetched: list[Model] = field(default_factory=list)
    stubs: list[tuple[str, str | None]] = field(default_factory=list)
    stub_licenses: list[tuple[str, str | None, str]] = field(default_factory=list)
    dataset_moves: list[tuple[str, str]] = field(default_factory=list)
    space_moves: list[tuple[str, str]] = field(default_factory=list)
    fetched_datasets: list[Dataset] = field(default_factory=list)
    fetched_spaces: list[Space] = field(default_factory=list)
    stub_dataset_licenses: list[tuple[str, str]] = field(default_factory=list)
    stub_space_licenses: list[tuple[str, str]] = field(default_factory=list)
    dataset_stubs: list[str] = field(default_factory=list)
    repo_stubs: list[str] = field(default_factory=list)
    space_stubs: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)


def plan_write(batch: GraphBatch, index: IdIndex) -> WritePlan:
    """The ``WritePlan`` of ``batch`` against the store ``index`` (read for identity only)."""
    assembled = assemble(batch, index)
    batch = assembled.batch
    # Rows go in key order: consecutive inserts land on the same B-tree pages (the embedded store caches and writes
    # back fewer pages per transaction than in a dump's random order).
    fetched = sorted((m for m in batch.models if m.fetched), key=_first)
    stubs = {m.id for m in batch.models if not m.fetched}
    stubs.update(e.base for e in batch.derived_from)
    stubs.update(e.child for e in batch.derived_from)
    stubs.update(t.model for t in batch.trained_on)
    stubs.update(u.model for u in batch.uses)
    stubs.difference_update(m.id for m in fetched)
    fetched_datasets = sorted((d for d in batch.datasets if d.fetched), key=_first)
    dataset_stubs = {t.dataset for t in batch.trained_on}
    dataset_stubs.update(x for e in batch.dataset_derived_from for x in (e.child, e.base))
    dataset_stubs.update(d.id for d in batch.datasets if not d.fetched)
    dataset_stubs.difference_update(d.id for d in fetched_datasets)
    fetched_spaces = sorted({s.id: s for s in batch.spaces if s.fetched}.values(), key=_first)
    space_stubs = {u.user for u in batch.uses if u.user_kind == USER_SPACE}
    space_stubs.update(s.id for s in batch.spaces if not s.fetched)
    space_stubs.difference_update(s.id for s in fetched_spaces)
    return WritePlan(
        batch=batch,
        moves=assembled.moves,
        fetched=fetched,
        stubs=[(i, author_of(i)) for i in sorted(stubs)],
        stub_licenses=[(m.id, author_of(m.id), m.license) for m in batch.models if not m.fetched and m.license],
        dataset_moves=assembled.dataset_moves,
        space_moves=assembled.space_moves,
        fetched_datasets=fetched_datasets,
        fetched_spaces=fetched_spaces,
        stub_dataset_licenses=[(d.id, d.license) for d in batch.datasets if not d.fetched and d.license],
        stub_space_licenses=[(s.id, s.license) for s in batch.spaces if not s.fetched and s.license],
        dataset_stubs=sorted(dataset_stubs),
        repo_stubs=sorted({u.user for u in batch.uses if u.user_kind == USER_REPO}),
        space_stubs=sorted(space_stubs),
        renamed=[(a.id, id_key(a.alias)) for a in batch.aliases if a.kind == "renamed"],
    )
