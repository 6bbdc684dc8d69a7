"""One node per Hub repo: the backend-neutral half of every write, and id lookups for readers.

Before a store writes a ``GraphBatch`` it passes it through ``assemble``, which resolves every model id in it —
record ids, edge endpoints, notes, aliases — to the one id the graph uses for that repo:

- identity is ``graphsc.ids.id_key`` (the Hub compares ids ignoring case);
- an id recorded as an alias (``Alias``: the Hub redirected a renamed repo) resolves to its target;
- the display casing is the fetched record's; until a record arrives, the first casing stored (or seen) is kept;
- when a fetched record brings another casing, or an alias turns out to name a stored node, the stored node is
  moved to the new id (``Assembled.moves``), its edges with it, in the same transaction as the batch.

Stores implement ``IdIndex`` (two lookups by key) and apply the moves; everything else is here, once.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from graphsc.ids import LEGACY_DATASETS_OWNER, id_key, parse_repo_id
from graphsc.records import (
    USER_REPO,
    USER_SPACE,
    Alias,
    Dataset,
    DatasetDerivedFrom,
    DerivedFrom,
    GraphBatch,
    IdNote,
    Repo,
    Space,
    TrainedOn,
)

_MAX_ALIAS_HOPS = 8
E = TypeVar("E", DerivedFrom, TrainedOn, DatasetDerivedFrom)  # an edge: its first two fields are its endpoints


class IdIndex(Protocol):
    """The lookups identity needs from a store."""

    def stored_model_ids(self, keys: Collection[str]) -> dict[str, str]:
        """``{key: stored id}`` for the stored models whose ``id_key`` is in ``keys``."""

    def stored_aliases(self, keys: Collection[str]) -> dict[str, str]:
        """``{alias key: target id}`` for the stored ``renamed`` aliases whose key is in ``keys`` (``case`` aliases
        are kept for reports only: identity by key already covers them)."""

    def stored_dataset_ids(self, keys: Collection[str]) -> dict[str, str]:
        """``{key: stored id}`` for the stored datasets whose ``id_key`` is in ``keys``."""

    def stored_repo_ids(self, keys: Collection[str]) -> dict[str, str]:
        """``{key: stored id}`` for the stored repositories whose ``id_key`` is in ``keys``."""

    def stored_space_ids(self, keys: Collection[str]) -> dict[str, str]:
        """``{key: stored id}`` for the stored Spaces whose ``id_key`` is in ``keys``."""


@dataclass(slots=True)
class Assembled:
    """A batch with every model id resolved, and the stored nodes to move first: ``(stored id, new id)`` pairs.

    A move renames the node when nothing is stored under the new id, else merges it into that node (its edges
    go to the new id, the old node is removed). ``dataset_moves`` are the same for datasets (a fetched dataset record
    brings its display casing); ``space_moves`` likewise for Spaces."""

    batch: GraphBatch
    moves: list[tuple[str, str]] = field(default_factory=list)
    dataset_moves: list[tuple[str, str]] = field(default_factory=list)
    space_moves: list[tuple[str, str]] = field(default_factory=list)


def _batch_model_ids(batch: GraphBatch) -> Iterable[str]:
    yield from (m.id for m in batch.models)
    for e in batch.derived_from:
        yield e.child
        yield e.base
    yield from (t.model for t in batch.trained_on)
    yield from (u.model for u in batch.uses)
    yield from (n.model for n in batch.notes)
    for a in batch.aliases:
        yield a.alias
        yield a.id


def assemble(batch: GraphBatch, index: IdIndex) -> Assembled:
    """Resolve ``batch``'s model ids against itself and the store (see the module docstring). A record repeated in
    the batch counts once, its last copy (``GraphBatch.drop_superseded``)."""
    spellings: dict[str, str] = {}
    variants: set[str] = set()
    lower = str.lower  # id_key, inlined: this loop sees every id of a batch
    # Spellings are read before superseded copies are dropped, so the first spelling seen wins as it would with
    # one record per batch: the answer never depends on --batch-size.
    for model_id in dict.fromkeys(_batch_model_ids(batch)):
        if spellings.setdefault(lower(model_id), model_id) != model_id:
            variants.add(model_id)
    dataset_id, dataset_moves = _dataset_resolver(batch, index)
    repo_id, _ = _user_resolver(batch, index, USER_REPO)
    space_id, space_moves = _user_resolver(batch, index, USER_SPACE)
    _resolve_users(batch, repo_id, space_id)
    batch.drop_superseded()
    if not spellings and not batch.datasets and not batch.dataset_derived_from:
        return Assembled(batch, space_moves=space_moves)
    redirects = {id_key(a.alias): id_key(a.id) for a in batch.aliases if id_key(a.alias) != id_key(a.id)}
    noted = {id_key(n.resolved) for n in batch.notes if n.kind == "unconfirmed" and n.resolved is not None}
    stored_redirects = index.stored_aliases([k for k in {*spellings, *noted} if k not in redirects])
    for alias_key, target in stored_redirects.items():
        redirects.setdefault(alias_key, id_key(target))
        spellings.setdefault(id_key(target), target)

    def final_key(key: str) -> str:
        for _ in range(_MAX_ALIAS_HOPS):
            if key not in redirects:
                break
            key = redirects[key]
        return key

    stored = index.stored_model_ids({*spellings, *noted})
    display: dict[str, str] = {}
    for m in batch.models:
        # A fetched record gives its repo's display casing, unless its id is itself a known old name.
        if m.fetched and final_key(id_key(m.id)) == id_key(m.id):
            display[id_key(m.id)] = m.id
    for key, spelling in spellings.items():
        target = final_key(key)
        if target not in display:
            display[target] = stored.get(target) or spellings.get(target, spelling)

    moves: list[tuple[str, str]] = []
    new_aliases: list[Alias] = list(batch.aliases)
    for key, stored_id in stored.items():
        if key not in spellings:  # an id only a note names: looked up to resolve the note, not a node to move
            continue
        target = display[final_key(key)]
        if stored_id != target:
            moves.append((stored_id, target))
            new_aliases.append(Alias(stored_id, target, "case" if id_key(stored_id) == id_key(target) else "renamed"))
    for spelling in [*spellings.values(), *variants]:
        key = id_key(spelling)
        target = display[final_key(key)]
        if spelling != target and key == id_key(target) and spelling != stored.get(key):
            new_aliases.append(Alias(spelling, target, "case"))

    cache: dict[str, str] = {}

    def resolve(model_id: str) -> str:
        found = cache.get(model_id)
        if found is None:
            # Ids only named by notes are not nodes: they resolve through aliases, else stay as they are.
            key = final_key(lower(model_id)) if redirects else lower(model_id)
            found = cache[model_id] = display.get(key) or stored.get(key) or model_id
        return found

    # Most ids are already canonical: records are rebuilt only where an id changes.
    derived_from = _unique_edges(
        e
        if (c := resolve(e.child)) == e.child and resolve(e.base) == e.base
        else e._replace(child=c, base=resolve(e.base))
        for e in batch.derived_from
    )
    endpoints = {(e.child, e.base) for e in derived_from} if batch.notes else set()
    out = GraphBatch(
        models=[m if (r := resolve(m.id)) == m.id else m._replace(id=r) for m in batch.models],
        datasets=_unique_datasets(batch.datasets, dataset_id),
        dataset_derived_from=_unique_edges(
            e for e in (_resolved_dataset_edge(e, dataset_id) for e in batch.dataset_derived_from) if e.child != e.base
        ),  # an old id that turned out to be the dataset itself is no edge
        repos=batch.repos,
        spaces=batch.spaces,
        derived_from=derived_from,
        trained_on=_unique_edges(
            t
            if (tm := resolve(t.model)) == t.model and dataset_id(t.dataset) == t.dataset
            else t._replace(model=tm, dataset=dataset_id(t.dataset))
            for t in batch.trained_on
        ),
        uses=[u if (um := resolve(u.model)) == u.model else u._replace(model=um) for u in batch.uses],
        notes=[_resolved_note(n, resolve, endpoints) for n in batch.notes],
        aliases=_unique_aliases(a._replace(id=resolve(a.id)) for a in new_aliases),
        details=list(
            {(r := resolve(d.model)): d if r == d.model else d._replace(model=r) for d in batch.details}.values()
        ),
        eval_results=[e if (r := resolve(e.model)) == e.model else e._replace(model=r) for e in batch.eval_results],
    )
    return Assembled(out, moves, dataset_moves, space_moves)


def _resolved_dataset_edge(edge: DatasetDerivedFrom, resolve: _Resolve) -> DatasetDerivedFrom:
    child, base = resolve(edge.child), resolve(edge.base)
    return edge if (child, base) == (edge.child, edge.base) else edge._replace(child=child, base=base)


def _user_resolver(batch: GraphBatch, index: IdIndex, kind: str) -> tuple[_Resolve, list[tuple[str, str]]]:
    """Repository (``kind`` repo) or Space ids resolved by key (GitHub and the Hub compare them ignoring case): the
    stored spelling, else the batch's first; a fetched Space record's spelling wins (``Space.fetched``), moving the
    stored node. Repositories have no fetched casing to prefer: the first spelling stays."""
    lower = str.lower
    records = batch.repos if kind == USER_REPO else batch.spaces
    named = [*(r.id for r in records), *(u.user for u in batch.uses if u.user_kind == kind)]
    spellings: dict[str, str] = {}
    for user in named:
        spellings.setdefault(lower(user), user)
    if not spellings:
        return (lambda user: user), []
    stored = (index.stored_repo_ids if kind == USER_REPO else index.stored_space_ids)(spellings.keys())
    spellings.update(stored)
    moves: list[tuple[str, str]] = []
    if kind == USER_SPACE:
        for space in batch.spaces:
            key = lower(space.id)
            if space.fetched and spellings[key] != space.id:
                if key in stored and stored[key] != space.id:
                    moves.append((stored[key], space.id))
                spellings[key] = space.id
    return (lambda user: spellings[lower(user)]), list(dict.fromkeys(moves))


def _resolve_users(batch: GraphBatch, repo_id: _Resolve, space_id: _Resolve) -> None:
    """Rewrite ``batch``'s repository and Space ids, and the users of its USES edges, to their resolved spelling
    (one record per key: a repository's fields merge, the last Space record wins)."""
    repos: dict[str, Repo] = {}
    for repo in batch.repos:
        resolved = repo._replace(id=repo_id(repo.id))
        earlier = repos.get(resolved.id)
        repos[resolved.id] = (
            resolved
            if earlier is None
            else earlier._replace(**{f: v for f, v in resolved._asdict().items() if v is not None})
        )
    batch.repos = list(repos.values())
    spaces: dict[str, Space] = {}
    for space in batch.spaces:
        resolved_space = space._replace(id=space_id(space.id))
        if resolved_space.fetched or resolved_space.id not in spaces or not spaces[resolved_space.id].fetched:
            spaces[resolved_space.id] = resolved_space
    batch.spaces = list(spaces.values())
    batch.uses = [
        u if (user := (repo_id if u.user_kind == USER_REPO else space_id)(u.user)) == u.user else u._replace(user=user)
        for u in batch.uses
    ]


def _unique_datasets(datasets: list[Dataset], resolve: _Resolve) -> list[Dataset]:
    """One record per dataset key, ids resolved: the last fetched copy wins, and a fetched record over a stub."""
    found: dict[str, Dataset] = {}
    for d in datasets:
        key = id_key(d.id)
        if d.fetched or key not in found or not found[key].fetched:
            found[key] = d._replace(id=resolve(d.id))
    return list(found.values())


def _dataset_resolver(batch: GraphBatch, index: IdIndex) -> tuple[_Resolve, list[tuple[str, str]]]:
    """Dataset ids resolved by key, and the stored datasets to move: a fetched record's spelling wins (the Hub's
    display casing), else the stored one, else the batch's first.

    A namespace-less id (``common_voice``) is an old canonical dataset the Hub moved under ``legacy-datasets/``
    keeping its name: when ``legacy-datasets/<name>`` is stored or in the batch, the old id resolves to it (and a
    stub stored under the old id moves there). Other moves (``squad`` → ``rajpurkar/squad``) need a table graphsc
    does not ship."""
    spellings: dict[str, str] = {}
    lower = str.lower
    named = [
        *(d.id for d in batch.datasets),
        *(t.dataset for t in batch.trained_on),
        *(x for e in batch.dataset_derived_from for x in (e.child, e.base)),
    ]
    for dataset in dict.fromkeys(named):
        spellings.setdefault(lower(dataset), dataset)
    if not spellings:
        return (lambda dataset: dataset), []
    legacy = {key: f"{LEGACY_DATASETS_OWNER}/{key}" for key in spellings if "/" not in key}
    stored = index.stored_dataset_ids([*spellings, *legacy.values()])
    spellings.update(stored)
    moves: list[tuple[str, str]] = []
    for d in batch.datasets:
        key = lower(d.id)
        if d.fetched and spellings[key] != d.id:
            if key in stored and stored[key] != d.id:
                moves.append((stored[key], d.id))
            spellings[key] = d.id
    redirects = {old: new for old, new in legacy.items() if new in spellings}
    for old, new in redirects.items():
        if old in stored:
            moves.append((stored[old], spellings[new]))
        spellings[old] = spellings[new]
    return (lambda dataset: spellings[lower(dataset)]), list(dict.fromkeys(moves))


def _resolved_note(note: IdNote, resolve: _Resolve, endpoints: set[tuple[str, str]]) -> IdNote:
    """``note`` with its ids resolved; an unconfirmed card base that resolves to a tagged base of the same model
    was that base's old name (the tag followed a rename the card did not): it becomes ``renamed``."""
    model = resolve(note.model)
    if note.kind == "unconfirmed" and note.resolved is not None:
        resolved = resolve(note.resolved)
        kind = "renamed" if resolved != note.resolved and (model, resolved) in endpoints else note.kind
        return note._replace(model=model, resolved=resolved, kind=kind)
    return note if model == note.model else note._replace(model=model)


def _unique_edges(edges: Iterable[E]) -> list[E]:
    """Edges without repeated endpoints (two spellings of one base collapse into one edge): the last one written
    wins, as when a batch repeats a record."""
    found: dict[tuple[str, str], E] = {}
    for edge in edges:
        found[(edge[0], edge[1])] = edge
    return list(found.values())


def _unique_aliases(aliases: Iterable[Alias]) -> list[Alias]:
    found: dict[str, Alias] = {}
    for alias in aliases:
        if alias.alias != alias.id:
            found[alias.alias] = alias
    return list(found.values())


class _Resolve(Protocol):
    def __call__(self, model_id: str) -> str: ...


def find_model_id(index: IdIndex, text: str) -> str | None:
    """The stored id ``text`` names (any casing, a URL form, a legacy id or a renamed repo's old id), or None."""
    parsed = parse_repo_id(text)
    candidates = [c for c in (parsed.id, text.strip()) if c]
    keys = [id_key(c) for c in candidates]
    stored = index.stored_model_ids(keys)
    for key in keys:
        if key in stored:
            return stored[key]
    for target in index.stored_aliases(keys).values():
        found = index.stored_model_ids([id_key(target)])
        if found:
            return next(iter(found.values()))
    return None


def find_dataset_id(index: IdIndex, text: str) -> str | None:
    """The stored dataset id ``text`` names (any casing, ``datasets/<id>`` or a dataset URL), or None."""
    parsed = parse_repo_id(text, "dataset")
    keys = [id_key(c) for c in (parsed.id, text.strip()) if c]
    stored = index.stored_dataset_ids(keys)
    return next((stored[k] for k in keys if k in stored), None)
