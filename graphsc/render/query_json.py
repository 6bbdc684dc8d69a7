"""``graphsc query --format json``: the rows of a Cypher result as a JSON array of objects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphsc.render.query_values import plain


def query_document(keys: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """One JSON object per row, keyed by column name."""
    return [{k: plain(v) for k, v in zip(keys, row)} for row in rows]
