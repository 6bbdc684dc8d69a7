"""Crawl the Hub into a store: chosen models, their ancestors, their descendants level by level; resumable.

Network calls run on a thread pool; every write happens on the calling thread as results arrive, in transactions
of at most ``WRITE_BATCH`` records or ``WRITE_SECONDS`` seconds of records, whichever comes first (and before
every level is read back, and at the end, on errors and on Ctrl-C). Progress is saved with the records in the store's crawl state:

- ``hf:model:<id_key>`` = when the model's record was fetched (``model_info`` or a listing), under the id asked
  for and the id the record gives;
- ``hf:down:<id_key>`` = when every child of the model was listed;
- ``hf:dataset:<id_key>`` / ``hf:space:<id_key>`` = when the dataset's / Space's record was fetched (by id or from a
  listing), under the id asked for and the id the record gives.

A state key is written only after the records it vouches for, so an interrupted crawl (Ctrl-C, a crash, a
source error) keeps everything written and a re-run skips completed work, reading what it needs (parents,
children) from the store. ``refresh`` ignores saved state. Keys written before ids were compared ignoring case
(``hf:model:<id as fetched>``) are still honoured.

Identity: the Hub compares ids ignoring case and redirects a renamed repo's old id to its new one, and the record
it answers carries the canonical id. So the crawler stores what the record says, keeps its own bookkeeping
(visited sets, state keys, queues) by ``graphsc.ids.id_key``, and when a record answers a different id than the one
asked for (not just another casing) writes ``Alias(asked, canonical, "renamed")`` in the same batch as the record:
the store then merges whatever it holds under the old id into the canonical node and resolves the old id to it.
Children are listed under the canonical id and under the old ids that redirected to it in this run (a child
tagged before the rename names the old id).

Datasets and Spaces, after the models: ``plan.datasets`` fetches (``dataset_info``) every dataset a model reached by
this crawl is TRAINED_ON (reused models included, read from the store); ``plan.spaces`` every Space that USES a
reached model (what the models' records list, source ``hub-spaces``; the store keeps one USES per Space and model, so
once a Space's own record declares the model the edge's source is ``space-card``; a usage source's Spaces count too);
``datasets_author``/``datasets_search`` and ``spaces_author``/``spaces_search`` list more (one listing each, at most
``limit``). A fetched record replaces the stub and its stored fields and edges. A dataset or Space the Hub will not
give (404, private or gated, unusable record) or that fails past retrying (5xx, timeouts) is reported and stays a
stub; its state key is not written, so a re-run tries it again. A rate limit past retrying (HTTP 429), a stop, or
``MAX_FAILURES_IN_A_ROW`` failures past retrying in a row (the Hub is down) end the crawl with ``SourceError``, as for
models. The Hub's renames of datasets and Spaces are not aliased (only models have aliases): the record is stored
under its canonical id, and the id asked for stays a stub.
"""

from __future__ import annotations

import queue
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from graphsc.errors import BadInput, GraphscError, SourceError
from graphsc.ids import Rejection, id_key, parse_repo_id, shown
from graphsc.records import (
    USER_SPACE,
    Alias,
    DatasetRecord,
    GraphBatch,
    ModelRecord,
    SpaceRecord,
    utc_timestamp,
)
from graphsc.sources.hf_hub import (
    Fetched,
    FetchedDataset,
    FetchedSpace,
    HubClient,
    ListedKind,
    RepoKind,
    repo_problem,
)
from graphsc.store.base import GraphStore

STATE_MODEL = "hf:model:"
STATE_DOWN = "hf:down:"
STATE_DATASET = "hf:dataset:"
STATE_SPACE = "hf:space:"
# Datasets or Spaces failing past retrying one after another: the Hub is down, so the crawl ends (resumable) rather
# than retrying every remaining one.
MAX_FAILURES_IN_A_ROW = 5
DEFAULT_WORKERS = 8
WRITE_BATCH = 500
WRITE_SECONDS = 2.0  # a slow crawl still writes what it received within this long (when the next record arrives)
_REJECTIONS: dict[str, str] = {
    "local-path": "a local path",
    "malformed": "not a valid repo id",
    "empty": "empty",
    "not-a-string": "not a string",
}


def model_state_key(model_id: str) -> str:
    """The crawl-state key that says ``model_id``'s record was fetched: ``hf:model:<id_key>``, one per repo."""
    return STATE_MODEL + id_key(model_id)


def down_state_key(model_id: str) -> str:
    """The crawl-state key that says every child of ``model_id`` was listed: ``hf:down:<id_key>``."""
    return STATE_DOWN + id_key(model_id)


def dataset_state_key(dataset_id: str) -> str:
    """The crawl-state key that says ``dataset_id``'s record was fetched: ``hf:dataset:<id_key>``."""
    return STATE_DATASET + id_key(dataset_id)


def space_state_key(space_id: str) -> str:
    """The crawl-state key that says ``space_id``'s record was fetched: ``hf:space:<id_key>``."""
    return STATE_SPACE + id_key(space_id)


_STATE_KEYS: dict[str, Callable[[str], str]] = {"dataset": dataset_state_key, "space": space_state_key}


class InvalidSeedError(GraphscError):
    """Seeds that are not Hub model ids (local paths, malformed values); ``rejected`` holds ``(value, reason)``."""

    def __init__(self, rejected: list[tuple[str, str]]) -> None:
        self.rejected = rejected
        if len(rejected) == 1:
            message = f"'{shown(rejected[0][0])}' is {rejected[0][1]}, not a Hugging Face model id."
        else:
            message = "Not Hugging Face model ids: " + ", ".join(f"'{shown(v)}' ({r})" for v, r in rejected) + "."
        super().__init__(
            message,
            "graphsc ingest hf crawls the Hub: give model ids (owner/name, e.g. Qwen/Qwen2.5-0.5B) or their "
            "huggingface.co URLs. Local checkpoints are not on the Hub; crawl the model they were made from.",
        )


@dataclass(frozen=True, slots=True)
class Seeds:
    """Model ids read from what a user typed: ``ids`` (each one once, by ``id_key``, in the given order) and the
    ``legacy`` ids among them that were renamed to their current id, as ``(given, current)`` pairs."""

    ids: tuple[str, ...]
    legacy: tuple[tuple[str, str], ...] = ()


def parse_seeds(values: Iterable[str]) -> Seeds:
    """Read crawl seeds with ``graphsc.ids.parse_repo_id``: URL forms are reduced to the id, ``@revision`` dropped,
    legacy ids (``gpt2``) renamed to their current id (``openai-community/gpt2``).

    Takes the values as typed; returns ``Seeds``. Raises ``InvalidSeedError`` naming every value that is not a
    Hub model id (a local path such as ``./out`` or ``/data/model``, or a malformed value).
    """
    ids: dict[str, str] = {}
    legacy: list[tuple[str, str]] = []
    rejected: list[tuple[str, str]] = []
    for value in values:
        parsed = parse_repo_id(value)
        if parsed.id is None:
            rejected.append((value, _rejection_reason(parsed.rejection)))
            continue
        if parsed.resolution == "legacy":
            legacy.append((value.strip(), parsed.id))
        ids.setdefault(id_key(parsed.id), parsed.id)
    if rejected:
        raise InvalidSeedError(rejected)
    return Seeds(tuple(ids.values()), tuple(legacy))


def _rejection_reason(rejection: Rejection | None) -> str:
    return _REJECTIONS.get(rejection or "", "not a repo id")


def _unique_ids(ids: Iterable[str]) -> list[str]:
    """``ids`` with each repo once (by ``id_key``), first spelling kept, in order."""
    found: dict[str, str] = {}
    for model_id in ids:
        found.setdefault(id_key(model_id), model_id)
    return list(found.values())


@dataclass(frozen=True, slots=True)
class CrawlPlan:
    """What to crawl. ``models`` plus whatever ``author``/``search``/``filter`` select (at most ``limit``) are the
    seeds; ``up`` fetches every ancestor to the roots, ``down`` lists descendants ``max_depth`` levels deep
    (None: all). ``datasets`` fetches the datasets the crawled models are trained on, ``spaces`` the Spaces their
    records list; ``datasets_author``/``datasets_search`` and ``spaces_author``/``spaces_search`` list datasets and
    Spaces (at most ``limit`` each)."""

    models: tuple[str, ...] = ()
    up: bool = True
    down: bool = True
    max_depth: int | None = None
    author: str | None = None
    search: str | None = None
    filter: str | None = None
    limit: int | None = None
    refresh: bool = False
    workers: int = DEFAULT_WORKERS
    datasets: bool = True
    spaces: bool = False
    datasets_author: str | None = None
    datasets_search: str | None = None
    spaces_author: str | None = None
    spaces_search: str | None = None

    @property
    def selects(self) -> bool:
        """Models are selected by a listing (--author/--search/--filter)."""
        return any(v is not None for v in (self.author, self.search, self.filter))

    @property
    def lists_datasets(self) -> bool:
        return self.datasets_author is not None or self.datasets_search is not None

    @property
    def lists_spaces(self) -> bool:
        return self.spaces_author is not None or self.spaces_search is not None


@dataclass(slots=True)
class RepoCount:
    """What a crawl did with datasets or Spaces: records ``fetched`` by id, ``listed`` (from listings), ``reused``
    (skipped: fetched by an earlier run), ``problems`` (not given, unusable or failed: left as stubs); ``asked``:
    the crawl looked at this kind at all."""

    asked: bool = False
    fetched: int = 0
    listed: int = 0
    reused: int = 0
    problems: list[BadInput] = field(default_factory=list)

    @property
    def records(self) -> int:
        """Records received from the Hub in this run."""
        return self.fetched + self.listed


@dataclass(slots=True)
class CrawlReport:
    """What a crawl did. ``reused`` counts models and listings skipped because saved state says they are done;
    ``problems`` are the models'. ``datasets`` and ``spaces`` count the dataset and Space records."""

    seeds: int = 0
    fetched: int = 0
    listed: int = 0
    listings: int = 0
    reused: int = 0
    written: int = 0
    requests: int = 0
    retries: int = 0
    seconds: float = 0.0
    problems: list[BadInput] = field(default_factory=list)
    # What the records' conversion noted (``IdNote`` kinds: rejected, unconfirmed, legacy ids ...), as for snapshots
    quality: Counter[str] = field(default_factory=Counter)
    datasets: RepoCount = field(default_factory=RepoCount)
    spaces: RepoCount = field(default_factory=RepoCount)

    @property
    def models(self) -> int:
        """Model records received from the Hub in this run."""
        return self.fetched + self.listed


Progress = Callable[[CrawlReport], None]


def crawl_hub(
    store: GraphStore, client: HubClient, plan: CrawlPlan, on_progress: Progress | None = None
) -> CrawlReport:
    """Crawl what ``plan`` asks into ``store`` and return what was done. ``plan.models`` are read with
    ``graphsc.ids.parse_repo_id`` (values that are not ids are reported as problems; the CLI rejects them earlier
    with ``parse_seeds``). Raises ``SourceError`` when the Hub fails past retrying."""
    return _Crawl(store, client, plan, on_progress).run()


class _Sink:
    """Records, aliases and crawl state into the store, state always after the records it describes.

    State keys are ``model_state_key``/``down_state_key`` (by ``id_key``)."""

    def __init__(self, store: GraphStore, refresh: bool) -> None:
        self._store = store
        self._refresh = refresh
        self._batch = GraphBatch()
        self._records = 0
        self._first_pending = 0.0  # time.monotonic() of the oldest record not yet written
        self.written = 0
        self.quality: Counter[str] = Counter()
        self._state: dict[str, str] = {}
        self._done: set[str] = set()
        self.ids: dict[str, str] = {}  # id_key of every id added this run (asked for or answered) → the record's id

    def add(self, record: ModelRecord, fetched_at: str, requested: str | None = None) -> None:
        """Queue ``record``; if it was fetched as ``requested`` and the Hub answered another repo's id (a rename, not
        just another casing), queue ``Alias(requested, record id, "renamed")`` in the same batch."""
        canonical = record.model.id
        if requested is not None and id_key(requested) != id_key(canonical):
            self._batch.aliases.append(Alias(requested, canonical, "renamed"))
            self.mark(model_state_key(requested), fetched_at)
            self.ids[id_key(requested)] = canonical
        self.ids[id_key(canonical)] = canonical
        for note in record.notes:
            self.quality[note.kind] += 1
        self.quality["inferred"] += sum(1 for e in record.derived_from if e.source.startswith("inferred:"))
        self._queued()
        self._batch.add(record)
        self.mark(model_state_key(canonical), fetched_at)
        self._maybe_flush()

    def add_repo(self, record: DatasetRecord | SpaceRecord, fetched_at: str, requested: str | None = None) -> None:
        """Queue a dataset or Space record, and its state key under its id and ``requested`` (the id asked for)."""
        key: Callable[[str], str]
        self._queued()
        if isinstance(record, DatasetRecord):
            key, repo_id = dataset_state_key, record.dataset.id
            self._batch.add_dataset(record)
        else:
            key, repo_id = space_state_key, record.space.id
            self._batch.add_space(record)
        self.mark(key(repo_id), fetched_at)
        if requested is not None:
            self.mark(key(requested), fetched_at)
        self._maybe_flush()

    def _queued(self) -> None:
        if not self._records:
            self._first_pending = time.monotonic()
        self._records += 1

    def _maybe_flush(self) -> None:
        if self._records >= WRITE_BATCH or time.monotonic() - self._first_pending >= WRITE_SECONDS:
            self.flush()

    def mark(self, key: str, value: str) -> None:
        self._state[key] = value
        self._done.add(key)

    def done_before(self, key: str, legacy_key: str | None = None) -> bool:
        """Done by an earlier run (and not refreshing). ``legacy_key`` is the key's spelling before state keys were
        compared ignoring case (``hf:model:<id as fetched>``), also accepted."""
        if key in self._done or self._refresh:
            return False
        if self._store.get_state(key) is not None:
            return True
        return legacy_key is not None and legacy_key != key and self._store.get_state(legacy_key) is not None

    def done_now(self, key: str) -> bool:
        return key in self._done

    def flush(self) -> None:
        if len(self._batch):
            self._store.write(self._batch)
            self.written += self._records
            self._batch = GraphBatch()
            self._records = 0
        if self._state:
            self._store.set_state(self._state)
            self._state = {}


class _Crawl:
    def __init__(self, store: GraphStore, client: HubClient, plan: CrawlPlan, on_progress: Progress | None) -> None:
        self.store = store
        self.client = client
        self.plan = plan
        self.report = CrawlReport()
        self.sink = _Sink(store, plan.refresh)
        self._progress = on_progress or (lambda _: None)
        self._pool = ThreadPoolExecutor(max_workers=max(1, plan.workers), thread_name_prefix="graphsc-hf")
        self._events: queue.Queue[tuple[str, Any, Any]] = queue.Queue()
        # Renames seen this run: old id's key → the canonical id, and canonical key → the old ids. Written only
        # while fetching, read by listing tasks after that.
        self._renamed_to: dict[str, str] = {}
        self._old_ids: dict[str, list[str]] = {}
        self._reached: dict[str, str] = {}  # id_key → id of every model this crawl reached (fetched, listed, reused)
        self._failed_in_a_row = 0

    def run(self) -> CrawlReport:
        started = time.perf_counter()
        try:
            seeds = _unique_ids([*self._given(), *self._select()])
            self.report.seeds = len(seeds)
            available = self._fetch(seeds)
            if self.plan.down:
                self._list_down([available[id_key(s)] for s in seeds if id_key(s) in available])
            self._repos()
        except BaseException:
            self.client.stop.set()
            with suppress(Exception):
                self.sink.flush()
            raise
        else:
            self.sink.flush()
        finally:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self.report.written = self.sink.written
            self.report.quality = self.sink.quality
            self.report.requests = self.client.requests
            self.report.retries = self.client.retrier.retries
            self.report.seconds = time.perf_counter() - started
        return self.report

    def _given(self) -> list[str]:
        """``plan.models`` as ids; values that are not ids are reported as problems."""
        ids = []
        for value in self.plan.models:
            parsed = parse_repo_id(value)
            if parsed.id is None:
                reason = f"not a Hub model id ({_rejection_reason(parsed.rejection)})"
                self.report.problems.append(BadInput.of_model(value, reason))
            else:
                ids.append(parsed.id)
        return ids

    def _select(self) -> list[str]:
        """Seeds chosen by --author/--search/--filter (one sequential listing, written as it arrives)."""
        if not self.plan.selects:
            return []
        fetched_at = utc_timestamp()
        ids: list[str] = []
        pages = self.client.pages(
            author=self.plan.author,
            search=self.plan.search,
            filter=self.plan.filter,
            limit=self.plan.limit,
            fetched_at=fetched_at,
        )
        for page in pages:
            ids.extend(r.model.id for r in self._take(page, fetched_at))
        return ids

    def _fetch(self, seeds: list[str]) -> dict[str, str]:
        """Fetch the seeds (and, going up, their ancestors level by level). Returns ``{id_key: stored id}`` for the
        ids asked for (and the ids the Hub answered with) that are now in the store."""
        available: dict[str, str] = {}
        seen: set[str] = set()
        frontier = seeds
        while frontier:
            self.sink.flush()  # parents of models written this run are read back from the store
            following: list[str] = []
            todo: list[str] = []
            for asked in frontier:
                # an old id that redirected earlier in this run is its repo's canonical id
                model_id = self._renamed_to.get(id_key(asked), asked)
                key = id_key(model_id)
                if key in seen:
                    continue
                seen.add(key)
                state = model_state_key(model_id)
                if self.sink.done_before(state, STATE_MODEL + model_id):
                    self.report.reused += 1
                elif not self.sink.done_now(state):
                    todo.append(model_id)
                    continue
                stored = self.sink.ids.get(key) or self.store.find_model_id(model_id) or model_id
                available[key] = available[id_key(stored)] = stored
                self._reached[id_key(stored)] = stored
                if self.plan.up:
                    following.extend(self._stored_parents(stored))
            for requested, fetched in self._gather(self._fetch_task(m) for m in todo):
                if isinstance(fetched, ModelRecord):
                    self.report.fetched += 1
                    canonical = fetched.model.id
                    self.sink.add(fetched, fetched.model.fetched_at or utc_timestamp(), requested)
                    available[id_key(requested)] = available[id_key(canonical)] = canonical
                    self._reached[id_key(canonical)] = canonical
                    seen.add(id_key(canonical))
                    if id_key(requested) != id_key(canonical):
                        self._renamed_to[id_key(requested)] = canonical
                        self._old_ids.setdefault(id_key(canonical), []).append(requested)
                    following.extend(e.base for e in fetched.derived_from)
                else:
                    self.report.problems.append(fetched)
            frontier = following if self.plan.up else []
        return available

    def _list_down(self, seeds: list[str]) -> None:
        """List children level by level from ``seeds`` (canonical ids), ``max_depth`` levels deep."""
        frontier = _unique_ids(seeds)
        seen = {id_key(s) for s in frontier}
        depth = 0
        while frontier and (self.plan.max_depth is None or depth < self.plan.max_depth):
            found: list[str] = []
            todo: list[str] = []
            for parent in frontier:
                if self.sink.done_before(down_state_key(parent), STATE_DOWN + parent):
                    self.report.reused += 1
                    found.extend(self._stored_children(self.store.find_model_id(parent) or parent))
                else:
                    todo.append(parent)
            for parent, event in self._gather(self._list_task(p) for p in todo):
                if event == "listed":
                    self.report.listings += 1
                    self.sink.mark(down_state_key(parent), utc_timestamp())
                else:
                    found.extend(r.model.id for r in self._take(event, utc_timestamp()))
            frontier = []
            for child in found:
                self._reached.setdefault(id_key(child), child)
                if id_key(child) not in seen:
                    seen.add(id_key(child))
                    frontier.append(child)
            depth += 1

    # datasets and Spaces, once the models are done

    def _repos(self) -> None:
        """Datasets, then Spaces: those listed (``*_author``/``*_search``), then those the reached models name."""
        plan = self.plan
        named = bool(self._reached)  # with no model crawled, only listings fetch datasets and Spaces
        listings: tuple[tuple[ListedKind, bool, str | None, str | None], ...] = (
            ("dataset", plan.datasets, plan.datasets_author, plan.datasets_search),
            ("space", plan.spaces, plan.spaces_author, plan.spaces_search),
        )
        for kind, by_models, author, search in listings:
            listed = author is not None or search is not None
            if not listed and not (by_models and named):
                continue
            self._counts(kind).asked = True
            self.sink.flush()  # the edges of the models written this run are read back
            if listed:
                at = utc_timestamp()
                for page in self.client.repo_pages(kind, author=author, search=search, limit=plan.limit, fetched_at=at):
                    self._take_repos(kind, page)
            if by_models:
                self._fetch_repos(kind, self._named_by_reached(kind))

    def _named_by_reached(self, kind: ListedKind) -> list[str]:
        """The datasets the reached models are trained on, or the Spaces using them."""
        if kind == "dataset":
            return [e.dataset for e in self.store.trained_on(self._reached_ids())]
        return [u.user for u in self.store.uses_of(self._reached_ids()) if u.user_kind == USER_SPACE]

    def _reached_ids(self) -> list[str]:
        """The stored ids of the models this crawl reached."""
        stored = self.store.stored_model_ids(set(self._reached))
        return [stored.get(key, model_id) for key, model_id in self._reached.items()]

    def _counts(self, kind: RepoKind) -> RepoCount:
        return self.report.datasets if kind == "dataset" else self.report.spaces

    def _fetch_repos(self, kind: RepoKind, ids: Iterable[str]) -> None:
        """Fetch the records of the datasets or Spaces ``ids`` (each once) not fetched before."""
        counts = self._counts(kind)
        state_key = _STATE_KEYS[kind]
        todo = []
        for repo_id in _unique_ids(ids):
            key = state_key(repo_id)
            if self.sink.done_before(key):
                counts.reused += 1
            elif not self.sink.done_now(key):
                todo.append(repo_id)
        self._progress(self.report)
        for requested, fetched in self._gather(self._repo_task(kind, r) for r in todo):
            if isinstance(fetched, SourceError):
                self._failed(kind, requested, fetched)
                continue
            self._failed_in_a_row = 0
            if isinstance(fetched, BadInput):
                counts.problems.append(fetched)
                continue
            counts.fetched += 1
            at = (fetched.dataset if isinstance(fetched, DatasetRecord) else fetched.space).fetched_at
            self.sink.add_repo(fetched, at or utc_timestamp(), requested)

    def _failed(self, kind: RepoKind, requested: str, exc: SourceError) -> None:
        """A dataset or Space the Hub failed to give past retrying: reported (it stays a stub, a re-run tries it
        again); a rate limit, a stop, or ``MAX_FAILURES_IN_A_ROW`` in a row end the crawl (``exc`` raised)."""
        self._failed_in_a_row += 1
        if exc.reason == "stopped" or exc.status == 429 or self._failed_in_a_row >= MAX_FAILURES_IN_A_ROW:
            raise exc
        self._counts(kind).problems.append(repo_problem(kind, requested, exc.reason, exc.status, exc.url))

    def _take_repos(self, kind: RepoKind, page: Iterable[FetchedDataset | FetchedSpace]) -> None:
        """Write a dataset or Space listing page's records; note its problems."""
        counts = self._counts(kind)
        for item in page:
            if isinstance(item, BadInput):
                counts.problems.append(item)
                continue
            counts.listed += 1
            at = (item.dataset if isinstance(item, DatasetRecord) else item.space).fetched_at
            self.sink.add_repo(item, at or utc_timestamp())
        self._progress(self.report)

    def _take(self, page: Iterable[Fetched], fetched_at: str) -> list[ModelRecord]:
        """Write a listing page's records; note its problems."""
        records = []
        for item in page:
            if isinstance(item, BadInput):
                self.report.problems.append(item)
                continue
            self.sink.add(item, item.model.fetched_at or fetched_at)
            records.append(item)
        self.report.listed += len(records)
        self._progress(self.report)
        return records

    def _stored_parents(self, model_id: str) -> list[str]:
        return [e.base for e in self.store.lineage_edges(model_id, "up") if e.child == model_id]

    def _stored_children(self, model_id: str) -> list[str]:
        return [e.child for e in self.store.lineage_edges(model_id, "down") if e.base == model_id]

    # the thread pool: workers fetch and put events on a queue; this thread takes them off and writes

    def _fetch_task(self, model_id: str) -> Callable[[], None]:
        def task() -> None:
            self._events.put(("item", model_id, self.client.model(model_id, utc_timestamp())))

        return task

    def _repo_task(self, kind: RepoKind, repo_id: str) -> Callable[[], None]:
        fetch = self.client.dataset if kind == "dataset" else self.client.space

        def task() -> None:
            try:
                fetched: FetchedDataset | FetchedSpace | SourceError = fetch(repo_id, utc_timestamp())
            except SourceError as exc:  # past retrying: the writing thread decides whether the crawl goes on
                fetched = exc
            self._events.put(("item", repo_id, fetched))

        return task

    def _list_task(self, parent: str) -> Callable[[], None]:
        names = [parent, *self._old_ids.get(id_key(parent), ())]

        def task() -> None:
            for name in names:
                for page in self.client.children(name, utc_timestamp()):
                    self._events.put(("item", parent, page))
            if not self.client.stop.is_set():
                self._events.put(("item", parent, "listed"))

        return task

    def _gather(self, tasks: Iterable[Callable[[], None]]) -> Iterator[tuple[str, Any]]:
        """Run ``tasks`` on the pool; yield ``(key, payload)`` events here as they come; re-raise a task's error."""
        pending = 0
        for task in tasks:
            self._pool.submit(self._guarded, task)
            pending += 1
        while pending:
            try:
                kind, key, payload = self._events.get(timeout=0.2)
            except queue.Empty:
                continue
            if kind == "end":
                pending -= 1
            elif kind == "error":
                raise payload
            else:
                yield key, payload
                self._progress(self.report)

    def _guarded(self, task: Callable[[], None]) -> None:
        try:
            if not self.client.stop.is_set():
                task()
        except BaseException as exc:  # noqa: BLE001 - handed to the writing thread, which re-raises it
            self._events.put(("error", None, exc))
        finally:
            self._events.put(("end", None, None))
