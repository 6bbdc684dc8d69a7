"""``graphsc neo4j push``: copy the embedded graph into Neo4j, all of it or only what changed since the last push.

Everything goes through ``Neo4jStore.write`` (batched ``UNWIND ... MERGE``), so a push is idempotent and an
interrupted one is finished by running it again. Nodes go first (models, datasets, repositories, Spaces), then
edges. A fetched model re-pushed replaces its outgoing Hub edges, exactly as re-ingesting it would; its edges
follow in the edge phase, so stale edges removed in the embedded store disappear from Neo4j too.

**What ``--since-last`` sends.** Each successful push records, in the embedded store's state table under
``neo4j.push:<Neo4j location>``, the newest ``fetched_at`` among the rows it read (the watermark). The next ``--since-last`` push to the same Neo4j sends the rows stamped at or after it: models,
repositories, and DERIVED_FROM / TRAINED_ON / USES edges with ``fetched_at >= watermark`` (rows stamped exactly
at the watermark go again, harmlessly: an ingestion stamps all its rows with its start time, so a push that ran
while it was still writing misses none of them). Rows without a
timestamp go every time: unfetched models, datasets and Spaces that carry a license; unfetched stubs without one are
created as endpoints of the edges that name them. Fetched datasets and Spaces go like models (stamped rows), with
their dataset DERIVED_FROM and ``space-card`` USES edges in the edge phases. A model's details and
reported evaluation results go with the model (every fetched model sent brings them). Without a
recorded watermark, ``--since-last`` pushes everything.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from graphsc.errors import StoreError
from graphsc.records import GraphBatch
from graphsc.redact import redact_url
from graphsc.store.base import GraphStore

STATE_PREFIX = "neo4j.push:"
DEFAULT_PUSH_BATCH = 20_000


@dataclass(slots=True)
class PushReport:
    """What a push wrote, by kind (nodes by label, edges by type), and how long it took."""

    nodes: dict[str, int] = field(default_factory=dict)
    edges: dict[str, int] = field(default_factory=dict)
    scanned: int = 0
    seconds: float = 0.0
    since: str | None = None
    watermark: str | None = None

    @property
    def written(self) -> int:
        return items_written(self.nodes, self.edges)

    @property
    def rate(self) -> float:
        """Nodes+edges written per second."""
        return items_per_second(self.written, self.seconds)


def items_written(nodes: dict[str, int], edges: dict[str, int]) -> int:
    """Nodes plus edges: the count a Neo4j load (push or import) reports."""
    return sum(nodes.values()) + sum(edges.values())


def items_per_second(written: int, seconds: float) -> float:
    """A load's throughput, nodes+edges per second (0 for a load that took no time)."""
    return written / seconds if seconds > 0 else 0.0


# (kind, is_node, GraphBatch field, source iterator name, "changed" test given the watermark)
_Changed = Callable[[Any, str], bool]


def _stamped(row: Any, since: str) -> bool:
    return row.fetched_at is not None and row.fetched_at >= since


def _node_changed(node: Any, since: str) -> bool:
    """A model, dataset or Space fetched since, or a stub that carries a license (stubs without one are created as
    the endpoints of the edges that name them)."""
    return _stamped(node, since) or (not node.fetched and node.license is not None)


PARTS: tuple[tuple[str, bool, str, str, _Changed], ...] = (
    ("Model", True, "models", "iter_models", _node_changed),
    ("Dataset", True, "datasets", "iter_datasets", _node_changed),
    ("Repo", True, "repos", "iter_repos", _stamped),
    ("Space", True, "spaces", "iter_spaces", _node_changed),
    ("DERIVED_FROM", False, "derived_from", "iter_derived_from", _stamped),
    ("DATASET_DERIVED_FROM", False, "dataset_derived_from", "iter_dataset_derived_from", _stamped),
    ("TRAINED_ON", False, "trained_on", "iter_trained_on", _stamped),
    ("USES", False, "uses", "iter_uses", _stamped),
    ("IdNote", True, "notes", "iter_notes", _stamped),
    ("ModelAlias", True, "aliases", "iter_aliases", lambda row, since: True),
    # A fetched model pushed again loses its details and reported results in Neo4j (as re-ingesting it would):
    # they follow in these phases. They carry no timestamp: --since-last sends those of the models it pushed.
    ("ModelDetails", True, "details", "iter_details", lambda row, since: True),
    ("EvalResult", True, "eval_results", "iter_eval_results", lambda row, since: True),
)
_WITH_THEIR_MODEL = frozenset({"ModelDetails", "EvalResult"})


def push(
    source: GraphStore,
    target: GraphStore,
    *,
    since_last: bool = False,
    batch_size: int = DEFAULT_PUSH_BATCH,
    on_scanned: Callable[[str, int], None] | None = None,
) -> PushReport:
    """Copy ``source`` into ``target`` (all of it, or with ``since_last`` what changed since the last push to
    this target; see the module docstring) in batches of ``batch_size`` rows; record the new watermark.

    Returns what was written. Raises ``StoreError`` from either store (the target's location, with any
    credentials redacted, keys the watermark)."""
    started = time.perf_counter()
    key = STATE_PREFIX + redact_url(target.location)  # never store credentials a URI may carry
    report = PushReport(since=source.get_state(key) if since_last else None)
    pushed_models: set[str] = set()  # the fetched models a --since-last push sent
    for kind, is_node, batch_field, reader, changed in PARTS:
        written = 0
        if kind in _WITH_THEIR_MODEL:
            changed = lambda row, since: row.model in pushed_models  # noqa: E731 - the one test of these phases
        for rows in _changed_pages(
            getattr(source, reader)(batch_size), changed, report.since, report, on_scanned, kind
        ):
            if kind == "Model" and report.since is not None:
                pushed_models.update(m.id for m in rows if m.fetched)
            batch = GraphBatch()
            setattr(batch, batch_field, rows)
            target.write(batch)
            written += len(rows)
        (report.nodes if is_node else report.edges)[kind] = written
    if report.watermark is not None:
        try:
            source.set_state({key: report.watermark})
        except StoreError as error:
            raise StoreError(
                source.location,
                f"the push to {redact_url(target.location)} is complete, but its watermark could "
                f"not be recorded ({error.message})",
                (error.hint or "") + " Until then --since-last pushes everything.",
            ) from None
    report.seconds = time.perf_counter() - started
    return report


def _changed_pages(
    pages: Iterable[list[Any]],
    changed: _Changed,
    since: str | None,
    report: PushReport,
    on_scanned: Callable[[str, int], None] | None,
    kind: str,
) -> Iterator[list[Any]]:
    for page in pages:
        report.scanned += len(page)
        if on_scanned is not None:
            on_scanned(kind, len(page))
        for row in page:
            stamp = getattr(row, "fetched_at", None)
            if stamp is not None and (report.watermark is None or stamp > report.watermark):
                report.watermark = stamp
        rows = page if since is None else [row for row in page if changed(row, since)]
        if rows:
            yield rows
