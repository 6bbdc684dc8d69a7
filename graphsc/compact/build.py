"""Build a ``CompactGraph`` from any ``GraphStore`` through its streaming reads (the same on both backends)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from graphsc.bulk import frozen_gc
from graphsc.compact.graph import CompactGraph, Strings, csr_pointer
from graphsc.records import USER_SPACE
from graphsc.store.base import GraphStore

_MODEL_FIELDS = ["downloads", "fetched", "license", "license_name", "license_link"]
_Row = tuple[str, int | None, bool, str | None, str | None, str | None]


def _codes(values: Sequence[Any], n: int) -> tuple[np.ndarray, list[Any]]:
    """Each value's index into the returned table of distinct values (first-seen order), -1 for None. (Dict and map
    calls in C: a Python-level loop per value costs 3x.)"""
    distinct = [v for v in dict.fromkeys(values) if v is not None]
    table: dict[Any, int] = {v: i for i, v in enumerate(distinct)}
    table[None] = -1
    return np.fromiter(map(table.__getitem__, values), dtype=np.int32, count=n), distinct


def _numbers(index: dict[str, int], values: Sequence[str]) -> np.ndarray:
    """``index[v]`` of every value, as int32."""
    return np.fromiter(map(index.__getitem__, values), dtype=np.int32, count=len(values))


def _columns(rows: list[tuple[Any, ...]], width: int) -> list[Sequence[Any]]:
    """The columns of ``rows`` (``width`` of them, also when there is no row)."""
    return list(zip(*rows)) if rows else [()] * width


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
        _, downloads_column, fetched_column, license_column, name_column, link_column = _columns(rows, 6)
        license_codes, licenses = _codes(license_column, n)
        name_codes, names = _codes(name_column, n)
        link_codes, links = _codes(link_column, n)
        downloads = np.fromiter((d or 0 for d in downloads_column), dtype=np.int64, count=n)
        fetched = np.fromiter(map(bool, fetched_column), dtype=bool, count=n)

        children, bases, relation_column, source_column = _columns(derived, 4)
        child, base = _numbers(index, children), _numbers(index, bases)
        relation_codes, relations = _codes(relation_column, len(derived))
        source_codes, sources = _codes(source_column, len(derived))
        relation, source = relation_codes.astype(np.int16), source_codes.astype(np.int16)
        order = _edge_order(child, base)
        child, base, relation, source = child[order], base[order], relation[order], source[order]
        by_base = _edge_order(base, child).astype(np.int32)

        used_models, user_names, user_spaces = _columns(uses, 3)
        uses_model = _numbers(index, used_models)
        uses_user, users = _codes(list(zip(user_names, user_spaces)), len(uses))
        order = _edge_order(uses_model, uses_user)
        trained_models, trained_datasets, _ = _columns(trained, 3)
        trained_model = _numbers(index, trained_models)
        trained_dataset, datasets = _codes(trained_datasets, len(trained))
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
            relations=relations,
            derived_source=source,
            sources=sources,
            derived_ptr=csr_pointer(child, n),
            derived_by_base=by_base,
            derived_base_ptr=csr_pointer(base, n),
            user_ids=Strings.of([u for u, _ in users]),
            user_is_space=np.fromiter((space for _, space in users), dtype=bool, count=len(users)),
            uses_model=uses_model[order],
            uses_user=uses_user[order],
            dataset_ids=Strings.of(datasets),
            trained_model=trained_model[trained_order],
            trained_dataset=trained_dataset[trained_order],
        )
