"""What a policy check needs to know of datasets beyond a ``GraphState``: each dataset's own record (gated, fetched,
author) and the dataset lineage (a dataset made from another: its card's ``source_datasets``, a dataset
DERIVED_FROM edge), so that the datasets a training dataset was made from are in a model's supply chain too."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from graphsc.ids import id_key
from graphsc.records import Dataset, DatasetDerivedFrom

if TYPE_CHECKING:
    from graphsc.store.base import GraphStore


@dataclass(slots=True)
class PolicyDatasets:
    """Datasets as a policy check sees them, keyed by id key (lower case): ``records`` every stored dataset
    (fetched or stub), ``lineage`` every dataset DERIVED_FROM edge by (child key, base key)."""

    records: dict[str, Dataset] = field(default_factory=dict)
    lineage: dict[tuple[str, str], DatasetDerivedFrom] = field(default_factory=dict)

    @classmethod
    def of(cls, datasets: Iterable[Dataset] = (), derived_from: Iterable[DatasetDerivedFrom] = ()) -> PolicyDatasets:
        """From plain records (a later record of one id replaces an earlier one)."""
        out = cls()
        for d in datasets:
            out.records[id_key(d.id)] = d
        for e in derived_from:
            out.lineage[id_key(e.child), id_key(e.base)] = e
        return out


def policy_datasets(store: GraphStore) -> PolicyDatasets:
    """Every dataset and dataset lineage edge of ``store`` (``iter_datasets``, ``iter_dataset_derived_from``), as
    ``check_policy`` takes them. Raises ``StoreError``."""
    out = PolicyDatasets()
    for datasets in store.iter_datasets():
        for d in datasets:
            out.records[id_key(d.id)] = d
    for edges in store.iter_dataset_derived_from():
        for e in edges:
            out.lineage[id_key(e.child), id_key(e.base)] = e
    return out
