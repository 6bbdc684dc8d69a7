"""How counts read in every view: the noun agrees with the number, and a share of nothing has no percentage."""

from __future__ import annotations

from collections import Counter

from graphsc.render.labels import NO_SHARE, counted, share
from graphsc.render.quality_table import quality_summary_line


def test_counted_agrees_with_one_and_many() -> None:
    assert counted(1, "child", "children") == "1 child"
    assert counted(0, "child", "children") == "0 children"
    assert counted(2_500, "model") == "2,500 models"
    assert counted(1, "repository", "repositories") == "1 repository"


def test_a_share_of_nothing_has_no_percentage() -> None:
    assert share(0, 0) == NO_SHARE
    assert share(1, 3) == "33.3%"  # 100 / 3 to one decimal
    assert share(150, 369) == "40.7%"  # a share of the whole, not of the rows shown


def test_the_ingest_quality_line_uses_singular_and_plural() -> None:
    line = quality_summary_line(Counter({"unconfirmed": 1, "skipped": 1, "legacy": 2}))
    assert line == (
        "Data quality: 1 unconfirmed card base, 2 legacy ids resolved, 1 record skipped (graphsc quality for details)."
    )
    assert quality_summary_line(Counter()) == ""
