"""``CompactGraph``: what whole-graph readers need, as flat numpy arrays instead of records.

Models are integers ``0..n-1`` in id order (Python string order, which is SQLite's BINARY collation on UTF-8), so a
model's number is found by binary search and two builds of the same store are identical. Strings (model, user
and dataset ids) are kept as one UTF-8 blob with offsets, so opening a compact graph reads no Python objects until
an id is asked for. Edges are parallel integer arrays:

- DERIVED_FROM ``derived_child[e] → derived_base[e]`` with ``derived_relation[e]`` indexing ``relations`` and
  ``derived_source[e]`` indexing ``sources`` (the evidence: card, tags, ...), sorted
  by (child, base): ``derived_ptr`` is the CSR row pointer of the bases of each model; ``derived_by_base`` lists
  the edges sorted by (base, child) with ``derived_base_ptr`` its row pointer (the reverse CSR: derivatives);
- USES ``uses_model[e]`` ← ``uses_user[e]`` (users are repositories and Spaces, ``user_is_space``), sorted by model;
- TRAINED_ON ``trained_model[e] → trained_dataset[e]``, sorted by model.

Per model: ``record_order`` (its position when the store lists its models, ``iter_models``: readers that number
models as the store lists them, like the license engine, keep their output order), ``downloads`` (0 when unknown), ``fetched``, ``license`` (an index into ``licenses``, -1 when none) and
the card's ``license_name`` and ``license_link`` (indices into ``license_names`` / ``license_links``, -1 when none).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field, fields

import numpy as np

FORMAT = "graphsc.compact/4"


@dataclass(slots=True)
class Strings:
    """A sequence of strings as one UTF-8 ``blob`` (uint8) and ``offsets`` (int64, length n+1)."""

    blob: np.ndarray
    offsets: np.ndarray
    _decoded: list[str] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, values: Sequence[str]) -> Strings:
        """Pack ``values`` (in their order)."""
        encoded = [v.encode("utf-8", "surrogatepass") for v in values]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=offsets[1:])
        return cls(np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets, list(values))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> str:
        if self._decoded is not None:
            return self._decoded[i]
        start, end = int(self.offsets[i]), int(self.offsets[i + 1])
        return bytes(self.blob[start:end]).decode("utf-8", "surrogatepass")

    def take(self, indices: Sequence[int] | np.ndarray) -> list[str]:
        """The strings at ``indices``, in that order (decoding every string once when many are asked for)."""
        positions = np.asarray(indices, dtype=np.int64)
        if self._decoded is not None or len(positions) * 8 > len(self):
            decoded = self.all()
            return [decoded[i] for i in positions.tolist()]
        view = memoryview(self.blob)  # type: ignore[arg-type]  # numpy arrays are buffers
        starts, ends = self.offsets[positions].tolist(), self.offsets[positions + 1].tolist()
        return [bytes(view[a:b]).decode("utf-8", "surrogatepass") for a, b in zip(starts, ends)]

    def all(self) -> list[str]:
        """Every string, decoded once and kept."""
        if self._decoded is None:
            text = bytes(self.blob).decode("utf-8", "surrogatepass")
            lengths = np.diff(self.offsets)
            if len(text) == len(self.blob):  # ASCII: byte offsets are character offsets
                bounds = self.offsets.tolist()
                self._decoded = [text[bounds[i] : bounds[i + 1]] for i in range(len(lengths))]
            else:
                self._decoded = [self[i] for i in range(len(self))]
        return self._decoded

    def position(self, value: str) -> int | None:
        """The index of ``value`` when the strings are sorted (binary search), else None."""
        lo, hi = 0, len(self)
        i = bisect_left(range(hi), value, lo, hi, key=self.__getitem__)
        return i if i < hi and self[i] == value else None


@dataclass(slots=True)
class CompactGraph:
    """The whole graph of one store state (``generation``) as arrays; see the module docstring for each one."""

    generation: str
    model_ids: Strings
    record_order: np.ndarray
    downloads: np.ndarray
    fetched: np.ndarray
    license: np.ndarray
    licenses: list[str]
    license_name: np.ndarray
    license_names: list[str]
    license_link: np.ndarray
    license_links: list[str]
    derived_child: np.ndarray
    derived_base: np.ndarray
    derived_relation: np.ndarray
    relations: list[str]
    derived_source: np.ndarray
    sources: list[str]
    derived_ptr: np.ndarray
    derived_by_base: np.ndarray
    derived_base_ptr: np.ndarray
    user_ids: Strings
    user_is_space: np.ndarray
    uses_model: np.ndarray
    uses_user: np.ndarray
    dataset_ids: Strings
    trained_model: np.ndarray
    trained_dataset: np.ndarray

    @property
    def model_count(self) -> int:
        return len(self.model_ids)

    def model_index(self, model_id: str) -> int | None:
        """The number of the stored model ``model_id`` (exact id, as stored), or None."""
        return self.model_ids.position(model_id)

    def bases(self, model: int) -> np.ndarray:
        """The models ``model`` names as its bases (DERIVED_FROM targets), ascending."""
        return self.derived_base[self.derived_ptr[model] : self.derived_ptr[model + 1]]

    def derivatives(self, model: int) -> np.ndarray:
        """The models naming ``model`` as a base, ascending."""
        edges = self.derived_by_base[self.derived_base_ptr[model] : self.derived_base_ptr[model + 1]]
        derivatives: np.ndarray = self.derived_child[edges]
        return derivatives

    def lineage_edges(self, model: int, direction: str) -> np.ndarray:
        """The DERIVED_FROM edges (positions in the ``derived_*`` arrays) of ``model``'s lineage, as the store's
        ``lineage_edges`` reads it: ``"up"``, every edge leaving a model reachable up from it (itself included);
        ``"down"``, every edge reaching a model reachable down from it."""
        if direction == "up":
            up = reachable(self.derived_ptr, self.derived_base, model)
            return gather(self.derived_ptr, np.flatnonzero(up))
        derivatives = self.derived_child[self.derived_by_base]
        down = reachable(self.derived_base_ptr, derivatives, model)
        edges: np.ndarray = self.derived_by_base[gather(self.derived_base_ptr, np.flatnonzero(down))]
        return edges

    def arrays(self) -> dict[str, np.ndarray]:
        """Every array by field name (what ``graphsc.compact.files`` writes), strings as ``<name>.blob/.offsets``."""
        result: dict[str, np.ndarray] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                result[f.name] = value
            elif isinstance(value, Strings):
                result[f"{f.name}.blob"], result[f"{f.name}.offsets"] = value.blob, value.offsets
        return result


def gather(pointer: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The positions ``pointer[r]..pointer[r + 1] - 1`` of every row ``r`` in ``rows``, concatenated in row order
    (CSR row slices of many rows in one vectorised step)."""
    starts = pointer[rows]
    lengths = pointer[rows + 1] - starts
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    shift = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    positions: np.ndarray = np.arange(total) + shift
    return positions


def reachable(pointer: np.ndarray, targets: np.ndarray, start: int) -> np.ndarray:
    """Every row reachable from ``start`` (itself included) following ``targets[pointer[r]:pointer[r + 1]]``, as a
    boolean mask: a breadth-first search one vectorised step per level."""
    seen = np.zeros(len(pointer) - 1, dtype=bool)
    seen[start] = True
    frontier = np.array([start], dtype=np.int64)
    while len(frontier):
        found = targets[gather(pointer, frontier)]
        frontier = np.unique(found[~seen[found]])
        seen[frontier] = True
    return seen


def csr_pointer(rows: np.ndarray, count: int) -> np.ndarray:
    """The CSR row pointer (length ``count + 1``) of edges sorted by ``rows``."""
    pointer = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=count), out=pointer[1:])
    return pointer
