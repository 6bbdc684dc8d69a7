"""Building batches and reading pages in store tests."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from graphsc.records import DerivedFrom, GraphBatch, Model, TrainedOn, Uses

T = TypeVar("T")


def batch(
    models: Iterable[Model],
    edges: Iterable[DerivedFrom] = (),
    trained: Iterable[TrainedOn] = (),
    uses: Iterable[Uses] = (),
) -> GraphBatch:
    """A ``GraphBatch`` of these records."""
    return GraphBatch(models=list(models), derived_from=list(edges), trained_on=list(trained), uses=list(uses))


def flat(pages: Iterator[list[T]]) -> list[T]:
    """Every item of a store's pages, in order."""
    return [item for page in pages for item in page]
