"""A nine-model graph, small enough that every number a view shows can be worked out by hand.

Made up for tests/cli/test_lineage_cli.py and tests/cli/test_analytics_cli.py (no real data); written straight
into a store as graphsc records, so nothing but the views and the analytics decides what is printed.

Derivation edges (child ← base, relation), downloads and declared licenses::

    org/base  5000  apache-2.0                 lab/stub  (a stub: never fetched, known only as a base)
       └─ finetune ─ org/ft  1200  apache-2.0          │
             ├─ quantized ─ org/q  800  bigscience-openrail-m
             └─ merge ──────┬───────────────────────────┘ merge
                            org/merge  40  bigscience-openrail-m      (two parents: org/ft and lab/stub)
                              └─ adapter ─ org/ad  3  no license

    ex/small  90  apache-2.0
       └─ quantized ─ ex/small-q  60  bigscience-openrail-m

    org/lone  7  apache-2.0   (no derivation edge: isolated)

Uses: repository acme/tool uses org/ft, repository acme/app uses org/q, Space acme/demo uses org/ad, Space
acme/chat uses org/lone.
"""

from __future__ import annotations

from pathlib import Path

from graphsc.records import (
    ADAPTER,
    FINETUNE,
    MERGE,
    QUANTIZED,
    USER_REPO,
    USER_SPACE,
    DerivedFrom,
    GraphBatch,
    Model,
    Uses,
)
from graphsc.store.sqlite import SQLiteStore

SOURCE = "test"
APACHE, RAIL = "apache-2.0", "bigscience-openrail-m"

# id -> (license, downloads) of every fetched model
FETCHED: dict[str, tuple[str | None, int]] = {
    "org/base": (APACHE, 5000),
    "org/ft": (APACHE, 1200),
    "org/q": (RAIL, 800),
    "org/merge": (RAIL, 40),
    "org/ad": (None, 3),
    "ex/small": (APACHE, 90),
    "ex/small-q": (RAIL, 60),
    "org/lone": (APACHE, 7),
}
STUB = "lab/stub"
EDGES: list[tuple[str, str, str]] = [  # child, base, relation
    ("org/ft", "org/base", FINETUNE),
    ("org/q", "org/ft", QUANTIZED),
    ("org/merge", "org/ft", MERGE),
    ("org/merge", STUB, MERGE),
    ("org/ad", "org/merge", ADAPTER),
    ("ex/small-q", "ex/small", QUANTIZED),
]
USES: list[tuple[str, str, str]] = [  # user, kind, model
    ("acme/tool", USER_REPO, "org/ft"),
    ("acme/app", USER_REPO, "org/q"),
    ("acme/demo", USER_SPACE, "org/ad"),
    ("acme/chat", USER_SPACE, "org/lone"),
]


def small_graph_db(folder: Path) -> Path:
    """The graph above in a new embedded store at ``folder/small.db``; returns its path."""
    path = folder / "small.db"
    store = SQLiteStore(path)
    try:
        store.write(
            GraphBatch(
                models=[Model(i, author=i.split("/")[0], license=lic, downloads=n) for i, (lic, n) in FETCHED.items()],
                derived_from=[DerivedFrom(c, b, r, SOURCE) for c, b, r in EDGES],
                uses=[Uses(user, kind, model, SOURCE) for user, kind, model in USES],  # type: ignore[arg-type]
            )
        )
    finally:
        store.close()
    return path
