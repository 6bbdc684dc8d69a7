"""Crawl the Hub into a store: chosen models, their ancestors, their descendants level by level; resumable.

Network calls run on a thread pool; every write happens on the calling thread, through ``BatchWriter``, as
results arrive. Progress is saved with the records in the store's crawl state:

- ``hf:model:<id>`` = when the model's record was fetched (``model_info`` or a listing);
- ``hf:down:<id>`` = when every child of the model was listed.

A state key is written only after the records it vouches for, so an interrupted crawl (Ctrl-C, a crash, a
source error) keeps everything written and a re-run skips completed work, reading what it needs (parents,
children) from the store. ``refresh`` ignores saved state.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from graphsc.ingest.batch import BatchWriter, utc_now
from graphsc.records import ModelRecord
from graphsc.sources.hf_hub import Fetched, HubClient, ModelProblem
from graphsc.store.base import GraphStore

STATE_MODEL = "hf:model:"
STATE_DOWN = "hf:down:"
DEFAULT_WORKERS = 8
WRITE_BATCH = 500


@dataclass(frozen=True, slots=True)
class CrawlPlan:
    """What to crawl. ``models`` plus whatever ``author``/``search``/``filter`` select (at most ``limit``) are the
    seeds; ``up`` fetches every ancestor to the roots, ``down`` lists descendants ``max_depth`` levels deep
    (None: all)."""

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

    @property
    def selects(self) -> bool:
        return any(v is not None for v in (self.author, self.search, self.filter))


@dataclass(slots=True)
class CrawlReport:
    """What a crawl did. ``reused`` counts models and listings skipped because saved state says they are done."""

    seeds: int = 0
    fetched: int = 0
    listed: int = 0
    listings: int = 0
    reused: int = 0
    written: int = 0
    requests: int = 0
    retries: int = 0
    seconds: float = 0.0
    problems: list[ModelProblem] = field(default_factory=list)

    @property
    def models(self) -> int:
        """Model records received from the Hub in this run."""
        return self.fetched + self.listed


Progress = Callable[[CrawlReport], None]


def crawl_hub(store: GraphStore, client: HubClient, plan: CrawlPlan, on_progress: Progress | None = None) -> CrawlReport:
    """Crawl what ``plan`` asks into ``store``; raises ``SourceError`` when the Hub fails past retrying."""
    return _Crawl(store, client, plan, on_progress).run()


class _Sink:
    """Records and crawl state into the store, state always after the records it describes."""

    def __init__(self, store: GraphStore, refresh: bool) -> None:
        self._store = store
        self._refresh = refresh
        self._writer = BatchWriter(store, WRITE_BATCH, on_written=lambda _: self._save_state())
        self._state: dict[str, str] = {}
        self._done: set[str] = set()

    @property
    def written(self) -> int:
        return self._writer.written

    def add(self, record: ModelRecord, fetched_at: str) -> None:
        self._writer.add(record)
        self.mark(STATE_MODEL + record.model.id, fetched_at)

    def mark(self, key: str, value: str) -> None:
        self._state[key] = value
        self._done.add(key)

    def done_before(self, key: str) -> bool:
        """Done by an earlier run (and not refreshing)."""
        return key not in self._done and not self._refresh and self._store.get_state(key) is not None

    def done_now(self, key: str) -> bool:
        return key in self._done

    def flush(self) -> None:
        self._writer.flush()
        self._save_state()

    def _save_state(self) -> None:
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

    def run(self) -> CrawlReport:
        started = time.perf_counter()
        try:
            seeds = list(dict.fromkeys([*self.plan.models, *self._select()]))
            self.report.seeds = len(seeds)
            available = self._fetch(seeds)
            if self.plan.down:
                self._list_down([s for s in seeds if s in available])
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
            self.report.requests = self.client.requests
            self.report.retries = self.client.retrier.retries
            self.report.seconds = time.perf_counter() - started
        return self.report

    def _select(self) -> list[str]:
        """Seeds chosen by --author/--search/--filter (one sequential listing, written as it arrives)."""
        if not self.plan.selects:
            return []
        fetched_at = utc_now()
        ids: list[str] = []
        pages = self.client.pages(author=self.plan.author, search=self.plan.search, filter=self.plan.filter,
                                  limit=self.plan.limit, fetched_at=fetched_at)
        for page in pages:
            ids.extend(r.model.id for r in self._take(page, fetched_at))
        return ids

    def _fetch(self, seeds: list[str]) -> set[str]:
        """Fetch the seeds (and, going up, their ancestors level by level); return the ids now in the store."""
        available: set[str] = set()
        seen: set[str] = set()
        frontier = seeds
        while frontier:
            self.sink.flush()  # parents of models written this run are read back from the store
            following: list[str] = []
            todo: list[str] = []
            for model_id in dict.fromkeys(frontier):
                if model_id in seen:
                    continue
                seen.add(model_id)
                key = STATE_MODEL + model_id
                if self.sink.done_before(key):
                    self.report.reused += 1
                elif not self.sink.done_now(key):
                    todo.append(model_id)
                    continue
                available.add(model_id)
                if self.plan.up:
                    following.extend(self._stored_parents(model_id))
            for _, fetched in self._gather(self._fetch_task(m) for m in todo):
                if isinstance(fetched, ModelRecord):
                    self.report.fetched += 1
                    self.sink.add(fetched, fetched.model.fetched_at or utc_now())
                    available.add(fetched.model.id)
                    following.extend(e.base for e in fetched.derived_from)
                else:
                    self.report.problems.append(fetched)
            frontier = following if self.plan.up else []
        return available

    def _list_down(self, seeds: list[str]) -> None:
        """List children level by level from ``seeds``, ``max_depth`` levels deep."""
        seen = set(seeds)
        frontier = seeds
        depth = 0
        while frontier and (self.plan.max_depth is None or depth < self.plan.max_depth):
            found: list[str] = []
            todo: list[str] = []
            for parent in frontier:
                if self.sink.done_before(STATE_DOWN + parent):
                    self.report.reused += 1
                    found.extend(self._stored_children(parent))
                else:
                    todo.append(parent)
            for parent, event in self._gather(self._list_task(p) for p in todo):
                if event == "listed":
                    self.report.listings += 1
                    self.sink.mark(STATE_DOWN + parent, utc_now())
                else:
                    found.extend(r.model.id for r in self._take(event, utc_now()))
            frontier = [c for c in dict.fromkeys(found) if c not in seen]
            seen.update(frontier)
            depth += 1

    def _take(self, page: Iterable[Fetched], fetched_at: str) -> list[ModelRecord]:
        """Write a listing page's records; note its problems."""
        records = []
        for item in page:
            if isinstance(item, ModelProblem):
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
            self._events.put(("item", model_id, self.client.model(model_id, utc_now())))

        return task

    def _list_task(self, parent: str) -> Callable[[], None]:
        def task() -> None:
            for page in self.client.children(parent, utc_now()):
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
