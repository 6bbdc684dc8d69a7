"""``graphsc trends --format csv``: the series in long (tidy) form, one number per row: ``series, bucket, key,
value`` (fields: docs/trends.md). Pivot it in a notebook, e.g. ``df.pivot_table(index="bucket", columns="key",
values="value")`` on one series."""

from __future__ import annotations

import io
from collections.abc import Iterator

from graphsc.render.csv_rows import CsvWriter
from graphsc.render.trends_json import share_value
from graphsc.reuse.trends import DOC_ATTRIBUTES, Bucket, Trends

CSV_COLUMNS: tuple[str, ...] = ("series", "bucket", "key", "value")


def _rows(bucket: Bucket, trends: Trends) -> Iterator[tuple[str, str, str, int | float | None]]:
    label = bucket.label
    yield "derivatives", label, "total", bucket.derivatives
    for relation in trends.relations:
        yield "derivatives", label, relation, bucket.by_relation[relation]
    for name in trends.categories:
        yield "licenses", label, name, bucket.licenses[name]
    doc = bucket.documentation
    yield "documentation", label, "models", doc.models
    for attribute in DOC_ATTRIBUTES:
        yield "documentation", label, attribute, doc.count(attribute)
        yield "documentation", label, f"{attribute}_share", share_value(doc.count(attribute), doc.models)


def trends_csv(trends: Trends) -> str:
    """Every bucket's rows in time order, then the ``undated`` bucket's; a share of no models is an empty value."""
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(CSV_COLUMNS)
    for bucket in (*trends.buckets, trends.undated):
        writer.writerows(_rows(bucket, trends))
    return out.getvalue()
