"""Build a ``CompactGraph`` from any ``GraphStore`` through its streaming reads (the same on both backends)."""

from __future__ import annotations

import numpy as np

from graphsc.bulk import frozen_gc
from graphsc.compact.graph import CompactGraph, Strings, csr_pointer
from graphsc.records import USER_SPACE
from graphsc.store.base import GraphStore

_MODEL_FIELDS = ["downloads", "fetched", "license", "license_name", "license_link"]
_Row = tuple[str, int | None, bool, str | None, str | None, str | None]


def _codes(values: list[str | None], n: int) -> tuple[np.ndarray, list[str]]:
    """Each value's index into the returned table of distinct values (first-seen order), -1 for None."""
    table: dict[str, int] = {}
    codes = np.fromiter((-1 if v is None else table.setdefault(v, len(table)) for v in values), dtype=np.int32, count=n)
    return codes, list(table)


def _edge_order(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    return np.lexsort((second, first))


def build_compact(store: GraphStore) -> CompactGraph:
    """Read ``store`` once into a ``CompactGraph`` labelled with the generation read *before* reading.

    A model named only by an edge (no row of its own, which a store keeps from happening) is added as a stub.
    Raises what the store's reads raise (``StoreError``)."""
    generation = store.generation()
    with frozen_gc():
        listed: list[_Row] = [row for batch in store.iter_model_fields(_MODEL_FIELDS) for row in batch]
        by_id = sorted(range(len(listed)), key=lambda i: listed[i][0])
        rows = [listed[i] for i in by_id]
        record_order = np.asarray(by_id, dtype=np.int64)  # compact number → listing position
        ids = [r[0] for r in rows]
        index = {model_id: i for i, model_id in enumerate(ids)}
        derived = [row for batch in store.iter_edge_endpoints("DERIVED_FROM") for row in batch]
        uses = [(m, u, kind == USER_SPACE) for batch in store.iter_edge_endpoints("USES") for m, u, kind in batch]
        trained = [row for batch in store.iter_edge_endpoints("TRAINED_ON") for row in batch]
        named = {m for c, b, _, _ in derived for m in (c, b)} | {u[0] for u in uses} | {t[0] for t in trained}
        missing = sorted(named - index.keys())
        if missing:
            extra = [(m, None, False, None, None, None) for m in missing]  # listed after the store's own
            combined = rows + extra
            merged = sorted(range(len(combined)), key=lambda i: combined[i][0])
            record_order = np.concatenate((record_order, np.arange(len(listed), len(combined))))[merged]
            rows = [combined[i] for i in merged]
            ids = [r[0] for r in rows]
            index = {model_id: i for i, model_id in enumerate(ids)}
        n = len(ids)
        license_codes, licenses = _codes([r[3] for r in rows], n)
        name_codes, names = _codes([r[4] for r in rows], n)
        link_codes, links = _codes([r[5] for r in rows], n)
        downloads = np.fromiter((r[1] or 0 for r in rows), dtype=np.int64, count=n)
        fetched = np.fromiter((bool(r[2]) for r in rows), dtype=bool, count=n)

        relations: dict[str, int] = {}
        sources: dict[str, int] = {}
        child = np.fromiter((index[e[0]] for e in derived), dtype=np.int32, count=len(derived))
        base = np.fromiter((index[e[1]] for e in derived), dtype=np.int32, count=len(derived))
        relation = np.fromiter(
            (relations.setdefault(e[2], len(relations)) for e in derived), dtype=np.int16, count=len(derived)
        )
        source = np.fromiter(
            (sources.setdefault(e[3], len(sources)) for e in derived), dtype=np.int16, count=len(derived)
        )
        order = _edge_order(child, base)
        child, base, relation, source = child[order], base[order], relation[order], source[order]
        by_base = _edge_order(base, child).astype(np.int32)

        users: dict[tuple[str, bool], int] = {}
        uses_model = np.fromiter((index[m] for m, _, _ in uses), dtype=np.int32, count=len(uses))
        uses_user = np.fromiter(
            (users.setdefault((u, space), len(users)) for _, u, space in uses), dtype=np.int32, count=len(uses)
        )
        order = _edge_order(uses_model, uses_user)
        datasets: dict[str, int] = {}
        trained_model = np.fromiter((index[m] for m, _, _ in trained), dtype=np.int32, count=len(trained))
        trained_dataset = np.fromiter(
            (datasets.setdefault(d, len(datasets)) for _, d, _ in trained), dtype=np.int32, count=len(trained)
        )
        trained_order = _edge_order(trained_model, trained_dataset)
        return CompactGraph(
            generation=generation,
            model_ids=Strings.of(ids),
            record_order=record_order,
            downloads=downloads,
            fetched=fetched,
            license=license_codes,
            licenses=licenses,
            license_name=name_codes,
            license_names=names,
            license_link=link_codes,
            license_links=links,
            derived_child=child,
            derived_base=base,
            derived_relation=relation,
            relations=list(relations),
            derived_source=source,
            sources=list(sources),
            derived_ptr=csr_pointer(child, n),
            derived_by_base=by_base,
            derived_base_ptr=csr_pointer(base, n),
            user_ids=Strings.of([u for u, _ in users]),
            user_is_space=np.fromiter((space for _, space in users), dtype=bool, count=len(users)),
            uses_model=uses_model[order],
            uses_user=uses_user[order],
            dataset_ids=Strings.of(list(datasets)),
            trained_model=trained_model[trained_order],
            trained_dataset=trained_dataset[trained_order],
        )
