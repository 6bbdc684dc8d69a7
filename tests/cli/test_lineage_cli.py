"""``graphsc lineage`` through the CLI: exact views of a small graph worked out by hand, and the real families.

The exact tests use tests/cli/small_graph.py (its docstring draws the graph); comments beside the expected lines say
why it is what it is. Tree output is compared whole, at a fixed terminal width, with trailing spaces trimmed.
"""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.ingest import ingest_snapshot
from graphsc.lineage import compute_lineage
from graphsc.render.lineage_json import lineage_document
from graphsc.render.lineage_tree import render_lineage_tree
from graphsc.store.sqlite import SQLiteStore
from tests.cli.small_graph import SOURCE, small_graph_db

runner = CliRunner()
R1 = "deepseek-ai/DeepSeek-R1"
# How the views spell a fetched model's missing license (tree labels, the summary): the one place to change it.
NO_LICENSE = "(no license)"
NOT_FETCHED = "(not fetched)"  # what a stub (a model known only as a base) shows instead, in the same brackets
# A fixed terminal (rich reads COLUMNS) and no forced colours, so the rendering is the same everywhere.
TERMINAL = {"COLUMNS": "120", "FORCE_COLOR": None, "TTY_COMPATIBLE": None, "TTY_INTERACTIVE": None}


@pytest.fixture
def db(tmp_path: Path, family_files: list[Path]) -> Path:
    path = tmp_path / "g.db"
    store = SQLiteStore(path)
    ingest_snapshot(store, [str(p) for p in family_files])
    store.close()
    return path


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return small_graph_db(tmp_path)


def lineage_json(db: Path, *args: str) -> dict:
    result = runner.invoke(app, ["lineage", *args, "--format", "json", "--db", str(db)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def lineage_text(db: Path, *args: str) -> str:
    """The tree view's stdout, each line's trailing spaces trimmed (rich pads table cells)."""
    result = runner.invoke(app, ["lineage", *args, "--db", str(db)], env=TERMINAL)
    assert result.exit_code == 0, result.output
    return "".join(line.rstrip() + "\n" for line in result.stdout.splitlines())


def model_doc(model_id: str, license: str | None, downloads: int) -> dict:
    """A fetched model of the small graph as the JSON document lists it (every Model field; unset ones null)."""
    return {
        "id": model_id,
        "author": model_id.split("/")[0],
        "license": license,
        "license_name": None,
        "license_link": None,
        "pipeline_tag": None,
        "library_name": None,
        "downloads": downloads,
        "likes": None,
        "created_at": None,
        "last_modified": None,
        "gated": None,
        "fetched": True,
        "fetched_at": None,
        "has_card": None,
    }


def edge_doc(child: str, base: str, relation: str) -> dict:
    return {"child": child, "base": base, "relation": relation, "source": SOURCE}


# The small graph declares no training data: the document says so (docs/datasets.md, "lineage").
NO_TRAINING_DATA = {"count": 0, "trained_on": [], "dataset_edges": [], "datasets": {}}
# The stub: known only as org/merge's base, so the store made it with the author from its id and nothing else.
STUB_DOC = {**model_doc("lab/stub", None, 0), "downloads": None, "fetched": False}


def test_tree_both_ways_through_a_merge_with_a_stub_parent(small: Path) -> None:
    assert lineage_text(small, "org/merge") == (
        "Ancestors of org/merge\n"
        # the model's label: its license in brackets, downloads (40) with an arrow
        "org/merge  [bigscience-openrail-m]  40↓\n"
        # both merge parents, most downloaded first: org/ft (1200 → 1.2k), then the stub (no downloads)
        "├── merge org/ft  [apache-2.0]  1.2k↓\n"
        "│   └── finetune org/base  [apache-2.0]  5.0k↓\n"
        f"└── merge lab/stub  [{NOT_FETCHED}]\n"
        "Descendants of org/merge\n"
        "org/merge  [bigscience-openrail-m]  40↓\n"
        f"└── adapter org/ad  [{NO_LICENSE}]  3↓\n"
        # summary: two spaces of padding each side of a cell, labels padded to the widest ("  by relation")
        "  model            org/merge  license bigscience-openrail-m  downloads 40\n"
        # longest path up: org/merge → org/ft → org/base, 2 edges (the stub is 1 edge up)
        "  generation       2\n"
        # bases of nothing: org/base and the stub, sorted
        "  roots            lab/stub, org/base\n"
        # org/ft, org/base, lab/stub
        "  ancestors        3\n"
        # org/ad only, one adapter edge down
        "  descendants      1\n"
        "    by relation    adapter 1\n"
        "    by depth       1: 1\n"
        # the small graph declares no training data (TRAINED_ON): the view says so
        "  trained on       no dataset declared\n"
    )


def test_tree_up_from_a_leaf_lists_its_users(small: Path) -> None:
    assert lineage_text(small, "org/ad", "--direction", "up") == (
        "Ancestors of org/ad\n"
        f"org/ad  [{NO_LICENSE}]  3↓\n"
        "└── adapter org/merge  [bigscience-openrail-m]  40↓\n"
        "    ├── merge org/ft  [apache-2.0]  1.2k↓\n"
        "    │   └── finetune org/base  [apache-2.0]  5.0k↓\n"
        f"    └── merge lab/stub  [{NOT_FETCHED}]\n"
        # the Space acme/demo uses org/ad; the edge came from source "test", with no evidence
        "Used by (1)\n"
        "org/ad\n"
        f"└── space acme/demo  {SOURCE}\n"
        # labels padded to "generation" (10); no descendant rows going up
        f"  model         org/ad  license {NO_LICENSE}  downloads 3\n"
        # org/ad → org/merge → org/ft → org/base: 3 edges
        "  generation    3\n"
        "  roots         lab/stub, org/base\n"
        # org/merge, org/ft, org/base, lab/stub
        "  ancestors     4\n"
        "  used by       1 space\n"
        "  trained on    no dataset declared\n"
    )


def test_tree_down_from_a_root(small: Path) -> None:
    assert lineage_text(small, "org/base", "--direction", "down") == (
        "Descendants of org/base\n"
        "org/base  [apache-2.0]  5.0k↓\n"
        "└── finetune org/ft  [apache-2.0]  1.2k↓\n"
        # org/ft's children, most downloaded first: org/q (800), org/merge (40)
        "    ├── quantized org/q  [bigscience-openrail-m]  800↓\n"
        "    └── merge org/merge  [bigscience-openrail-m]  40↓\n"
        f"        └── adapter org/ad  [{NO_LICENSE}]  3↓\n"
        "  model            org/base  license apache-2.0  downloads 5.0k\n"
        # org/ft, org/q, org/merge, org/ad (the stub is org/merge's other parent, not below org/base)
        "  descendants      4\n"
        # each by the edge that first reached it: ft finetune, q quantized, merge merge, ad adapter
        "    by relation    adapter 1, finetune 1, merge 1, quantized 1\n"
        # depth 1: org/ft; 2: org/q, org/merge; 3: org/ad
        "    by depth       1: 1, 2: 2, 3: 1\n"
        "  trained on       no dataset declared\n"
    )


def test_tree_says_what_width_hides(small: Path) -> None:
    assert lineage_text(small, "org/ft", "--direction", "down", "--width", "1") == (
        "Descendants of org/ft\n"
        "org/ft  [apache-2.0]  1.2k↓\n"
        # one child shown (org/q, the most downloaded); the other, org/merge, is counted with its relation
        "├── quantized org/q  [bigscience-openrail-m]  800↓\n"
        "└── … 1 more child (1 merge)\n"
        # the repository acme/tool uses org/ft
        "Used by (1)\n"
        "org/ft\n"
        f"└── repo acme/tool  {SOURCE}\n"
        "  model            org/ft  license apache-2.0  downloads 1.2k\n"
        # org/q, org/merge (depth 1) and org/ad (depth 2)
        "  descendants      3\n"
        "    by relation    adapter 1, merge 1, quantized 1\n"
        "    by depth       1: 2, 2: 1\n"
        "  used by          1 repo\n"
        "  trained on       no dataset declared\n"
        # org/merge and org/ad are not drawn
        "  not shown        2 models (raise --width/--limit, widen the terminal, or use --format json for everything)\n"
    )


def test_json_document_of_a_merge_with_a_stub_parent(small: Path) -> None:
    assert lineage_json(small, "org/merge") == {
        "schema": "graphsc.lineage/1",
        "model": model_doc("org/merge", "bigscience-openrail-m", 40),
        "direction": "both",
        "max_depth": None,
        "cycles": [],
        "used_by": [],  # nobody uses org/merge itself (acme/demo uses its child org/ad)
        "unconfirmed_bases": [],
        "ancestors": {
            "generation": 2,  # org/merge → org/ft → org/base
            "roots": ["lab/stub", "org/base"],
            "count": 3,  # org/ft, org/base, lab/stub
            "edges": [  # every edge above org/merge, by (child, base)
                edge_doc("org/ft", "org/base", "finetune"),
                edge_doc("org/merge", "lab/stub", "merge"),
                edge_doc("org/merge", "org/ft", "merge"),
            ],
        },
        "descendants": {
            "count": 1,
            "by_relation": {"adapter": 1},
            "by_depth": {"1": 1},
            "edges": [edge_doc("org/ad", "org/merge", "adapter")],
        },
        "models": {  # the model, its ancestors and descendants
            "lab/stub": STUB_DOC,
            "org/ad": model_doc("org/ad", None, 3),
            "org/base": model_doc("org/base", "apache-2.0", 5000),
            "org/ft": model_doc("org/ft", "apache-2.0", 1200),
            "org/merge": model_doc("org/merge", "bigscience-openrail-m", 40),
        },
        "training_data": NO_TRAINING_DATA,
    }


def test_json_up_with_max_depth_keeps_the_full_generation(small: Path) -> None:
    assert lineage_json(small, "org/ad", "--direction", "up", "--max-depth", "1") == {
        "schema": "graphsc.lineage/1",
        "model": model_doc("org/ad", None, 3),
        "direction": "up",
        "max_depth": 1,
        "cycles": [],
        "used_by": [{"kind": "space", "id": "acme/demo", "source": SOURCE, "evidence": None}],
        "unconfirmed_bases": [],
        "ancestors": {
            # generation and roots describe the whole lineage (org/ad → org/merge → org/ft → org/base) ...
            "generation": 3,
            "roots": ["lab/stub", "org/base"],
            # ... while the ancestors listed stop one edge up: org/merge only
            "count": 1,
            "edges": [edge_doc("org/ad", "org/merge", "adapter")],
        },
        "models": {
            "org/ad": model_doc("org/ad", None, 3),
            "org/merge": model_doc("org/merge", "bigscience-openrail-m", 40),
        },
        "training_data": NO_TRAINING_DATA,
    }


def test_a_model_without_a_record_reads_as_a_stub_in_json_and_tree(small: Path) -> None:
    # A model the lineage reaches but has no record of (e.g. a base the store never wrote) is a stub: JSON lists
    # every Model field, null but its id and fetched (README, lineage JSON); the tree marks it like a stub.
    store = SQLiteStore(small)
    try:
        lineage = compute_lineage(store, "org/merge", "up")
    finally:
        store.close()
    lineage = dataclasses.replace(lineage, models={m: v for m, v in lineage.models.items() if m != "lab/stub"})
    doc = lineage_document(lineage)
    # model_doc's fields (every Model field), all null: nothing is known of it, not even its author
    unknown = dict.fromkeys(model_doc("lab/stub", None, 0))
    assert doc["models"]["lab/stub"] == {**unknown, "id": "lab/stub", "fetched": False}
    assert set(doc["models"]["lab/stub"]) == set(doc["model"])
    out = io.StringIO()
    render_lineage_tree(lineage, Console(file=out, width=120))
    assert f"└── merge lab/stub  [{NOT_FETCHED}]\n" in out.getvalue()


def test_json_document_describes_descendants(db: Path, family_records: list[dict]) -> None:
    doc = lineage_json(db, R1)
    children = {
        r["id"] for r in family_records if any(t.split(":")[-1] == R1 for t in r["tags"] if t.startswith("base_model:"))
    }
    assert doc["schema"] == "graphsc.lineage/1"
    assert doc["model"]["id"] == R1 and doc["model"]["license"] == "mit"
    assert {e["child"] for e in doc["descendants"]["edges"] if e["base"] == R1} == children
    assert doc["descendants"]["by_depth"]["1"] == len(children)
    assert doc["descendants"]["count"] == sum(doc["descendants"]["by_relation"].values())
    assert doc["ancestors"] == {"generation": 0, "roots": [R1], "count": 0, "edges": []}
    assert {u["id"] for u in doc["used_by"]} == set(next(r for r in family_records if r["id"] == R1)["spaces"])
    assert set(doc["models"]) >= children


def test_json_up_from_a_leaf_walks_to_the_root(db: Path) -> None:
    doc = lineage_json(db, "AlSamCur123/DeepHermes-3-Mistral-24ContinuedFine", "--direction", "up")
    assert "descendants" not in doc
    assert doc["ancestors"]["roots"] == ["mistralai/Mistral-Small-24B-Base-2501"]
    assert doc["ancestors"]["generation"] == 3
    assert {(e["child"], e["base"]) for e in doc["ancestors"]["edges"]} == {
        ("AlSamCur123/DeepHermes-3-Mistral-24ContinuedFine", "AlSamCur123/DeepHermes-3-Mistral-24BContinuedFine"),
        ("AlSamCur123/DeepHermes-3-Mistral-24BContinuedFine", "NousResearch/DeepHermes-3-Mistral-24B-Preview"),
        ("NousResearch/DeepHermes-3-Mistral-24B-Preview", "mistralai/Mistral-Small-24B-Base-2501"),
    }


def test_unknown_model_is_a_clear_error_with_suggestions(db: Path) -> None:
    result = runner.invoke(app, ["lineage", "deepseek-ai/DeepSeek-R2", "--db", str(db)])
    assert result.exit_code == 1
    assert "Unknown model" in result.output and "Did you mean" in result.output and R1 in result.output
    assert "Traceback" not in result.output
