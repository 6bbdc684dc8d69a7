"""``graphsc query --format csv``: the rows of a Cypher result as CSV with a header."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from graphsc.render.csv_rows import CsvWriter
from graphsc.render.query_values import cell_text


def query_csv(keys: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """The rows as CSV with a header; lists joined with ``; ``, maps as JSON, null as empty."""
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(keys)
    writer.writerows([cell_text(v) for v in row] for row in rows)
    return out.getvalue()
