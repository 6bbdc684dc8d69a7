"""The compact graph on disk, and its lifecycle: built lazily, reused until the store's generation moves.

Layout: ``<location>/<digest of the generation>/`` holds one ``.npy`` file per array and ``manifest.json`` (format,
generation, string tables). numpy's ``.npy`` was chosen over Arrow/Parquet and SQLite BLOBs because it maps into
memory with ``np.load(mmap_mode="r")`` — opening a 2M-model graph reads a few KB, pages come in as used — and
needs no dependency beyond numpy; Parquet would decode (copy) every column on open.

Crash safety: a snapshot is written into a temporary directory, ``manifest.json`` last, then renamed into place
in one step, so a directory under its final name is always complete; a killed writer leaves only a temporary
directory, removed by the next build. A snapshot is used only when its directory is the one named by the store's
current generation (``GraphStore.generation``), and a build saves only when the generation did not move while
it read, so a snapshot never describes a store state other than the one it is named for.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
import uuid
from contextlib import suppress
from dataclasses import fields
from pathlib import Path

import numpy as np

from graphsc.compact.build import build_compact
from graphsc.compact.graph import FORMAT, CompactGraph, Strings
from graphsc.store.base import GraphStore

MANIFEST = "manifest.json"
_TEMP_PREFIX = ".building-"
_STALE_TEMP_SECONDS = 3600.0
_LISTS = ("licenses", "license_names", "license_links", "relations", "sources")


def snapshot_dir(location: Path, generation: str) -> Path:
    """Where the snapshot of ``generation`` lives under ``location``."""
    return location / hashlib.sha256(generation.encode()).hexdigest()[:20]


def save(graph: CompactGraph, location: Path) -> Path:
    """Write ``graph`` under ``location`` atomically (see the module docstring); return its directory.
    Other generations' snapshots there are removed. Raises ``OSError`` when the directory cannot be written."""
    final = snapshot_dir(location, graph.generation)
    location.mkdir(parents=True, exist_ok=True)
    temp = location / f"{_TEMP_PREFIX}{uuid.uuid4().hex}"
    temp.mkdir()
    try:
        for name, array in graph.arrays().items():
            np.save(temp / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
        manifest = {"format": FORMAT, "generation": graph.generation, **{k: getattr(graph, k) for k in _LISTS}}
        (temp / MANIFEST).write_text(json.dumps(manifest))
        if final.exists() and load(final) is None:  # damaged from outside, or an older format: replace it
            shutil.rmtree(final)
        try:
            temp.rename(final)
        except OSError:
            if load(final) is None:  # not a concurrent build of the same generation that won
                raise
            shutil.rmtree(temp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    _remove_others(location, keep=final)
    return final


def _remove_others(location: Path, keep: Path) -> None:
    now = time.time()
    for entry in location.iterdir():
        if entry == keep or not entry.is_dir():
            continue
        if entry.name.startswith(_TEMP_PREFIX):
            try:
                if now - entry.stat().st_mtime < _STALE_TEMP_SECONDS:
                    continue  # maybe another process building right now
            except OSError:
                continue
        shutil.rmtree(entry, ignore_errors=True)


def load(directory: Path) -> CompactGraph | None:
    """The snapshot in ``directory`` with its arrays memory-mapped, or None when there is none (or it is not a
    complete snapshot of this format)."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return None
    try:
        values: dict[str, object] = {"generation": manifest["generation"], **{k: manifest[k] for k in _LISTS}}
    except KeyError:
        return None
    try:
        for f in fields(CompactGraph):
            if f.name in values:
                continue
            if f.type in ("Strings", Strings):
                values[f.name] = Strings(_open(directory, f"{f.name}.blob"), _open(directory, f"{f.name}.offsets"))
            else:
                values[f.name] = _open(directory, f.name)
    except (OSError, ValueError):
        return None
    return CompactGraph(**values)  # type: ignore[arg-type]


def _open(directory: Path, name: str) -> np.ndarray:
    path = directory / f"{name}.npy"
    array: np.ndarray
    try:
        array = np.load(path, mmap_mode="r", allow_pickle=False)
    except ValueError:  # an empty array: nothing to map
        array = np.load(path, allow_pickle=False)
    return array


def saved_compact_graph(store: GraphStore) -> CompactGraph | None:
    """The saved compact graph of ``store``'s current generation, or None when there is none (nothing is built:
    for readers that have a cheaper way than a whole-graph build, e.g. one model's lineage)."""
    location = store.compact_location()
    return None if location is None else load(snapshot_dir(location, store.generation()))


def compact_graph(store: GraphStore) -> CompactGraph:
    """The compact graph of ``store``'s current state: the saved snapshot when one matches the store's generation,
    else built now (and saved when the store did not change meanwhile and its location can be written; a
    read-only place only costs the rebuild next time). Raises ``StoreError`` from the store's reads."""
    generation = store.generation()
    location = store.compact_location()
    if location is not None and (found := load(snapshot_dir(location, generation))) is not None:
        return found
    graph = build_compact(store)
    if location is not None and graph.generation == generation == store.generation():
        with suppress(OSError):
            save(graph, location)
    return graph
