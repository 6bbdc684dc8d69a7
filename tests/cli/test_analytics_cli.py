"""``graphsc stats | rank | impact | families | analyze`` through the CLI: exact views of a small graph worked out by
hand, and properties of the real bundled families.

The exact tests use tests/cli/small_graph.py (its docstring draws the graph). Tables are compared whole, at a fixed
terminal width, with trailing spaces trimmed; JSON documents are compared whole once parsed. Bars are
``round(40 * n / largest)`` cells (families: 30), shares ``n / total`` to one decimal, where the total is the whole
population the title names (all fetched models, all descendants, ...), never just the rows shown.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.store.sqlite import SQLiteStore
from tests.cli.small_graph import small_graph_db

runner = CliRunner()
R1 = "deepseek-ai/DeepSeek-R1"
APACHE, RAIL = "apache-2.0", "bigscience-openrail-m"
# How the views spell a missing license (license histograms, rank tables): the one place to change it. Any
# spelling up to 21 characters (len(RAIL), the widest label beside it) leaves the rest of each table as it is.
NO_LICENSE = "(no license)"
NOT_FETCHED = "(not fetched)"  # the license of a stub (a model known only as a base), in the same places
# A fixed terminal (rich reads COLUMNS) and no forced colours, so the rendering is the same everywhere.
TERMINAL = {"COLUMNS": "120", "FORCE_COLOR": None, "TTY_COMPATIBLE": None, "TTY_INTERACTIVE": None}
BAR = "█"

# The families of the small graph, largest first. org/base's: org/base, org/ft, org/q, org/merge, org/ad and the
# stub lab/stub (6 models, 5 edges); roots by downloads (lab/stub has none); generations org/base 0, lab/stub 0,
# org/ft 1, org/q 2, org/merge 2 (longest path: via org/ft), org/ad 3. ex/small's: itself and ex/small-q.
FAMILIES = [
    {
        "rank": 1,
        "name": "org/base",
        "size": 6,
        "edges": 5,
        "depth": 3,
        "roots": ["org/base", "lab/stub"],
        "relations": {"finetune": 1, "adapter": 1, "quantized": 1, "merge": 2},  # in graphsc.records.RELATIONS order
        "by_generation": {"0": 2, "1": 1, "2": 2, "3": 1},
    },
    {
        "rank": 2,
        "name": "ex/small",
        "size": 2,
        "edges": 1,
        "depth": 1,
        "roots": ["ex/small"],
        "relations": {"quantized": 1},
        "by_generation": {"0": 1, "1": 1},
    },
]
FAMILIES_TABLE = (
    "┏━━━┳━━━━━━━━━━┳━━━━━━━━┳━━━━━━━┳━━━━━━━┳━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓\n"
    "┃ # ┃ family   ┃ models ┃ edges ┃ depth ┃ roots ┃ relations                                     ┃\n"
    "┡━━━╇━━━━━━━━━━╇━━━━━━━━╇━━━━━━━╇━━━━━━━╇━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩\n"
    "│ 1 │ org/base │      6 │     5 │     3 │     2 │ finetune 1  adapter 1  quantized 1  merge 2   │\n"
    "│ 2 │ ex/small │      2 │     1 │     1 │     1 │ quantized 1                                   │\n"
    "└───┴──────────┴────────┴───────┴───────┴───────┴───────────────────────────────────────────────┘\n"
)


@pytest.fixture
def db(families_store: SQLiteStore) -> Path:
    return families_store.path


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return small_graph_db(tmp_path)


def run_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def run_text(*args: str) -> str:
    """The table view's stdout (progress goes to stderr), each line's trailing spaces trimmed (rich pads cells)."""
    result = runner.invoke(app, list(args), env=TERMINAL)
    assert result.exit_code == 0, result.output
    return "".join(line.rstrip() + "\n" for line in result.stdout.splitlines())


# ---- exact views of the small graph ----


def test_stats_table(small: Path) -> None:
    assert run_text("stats", "--db", str(small)) == (
        "Graph\n"
        "  nodes           edges\n"
        # 8 fetched models and the stub; repositories acme/tool, acme/app; Spaces acme/demo, acme/chat
        "  Model      9    DERIVED_FROM    6\n"
        "  Dataset    0    TRAINED_ON      0\n"
        "  Repo       2    USES            4\n"
        # relations by name: org/ad's adapter, org/ft's finetune, org/merge's two merge edges, org/q's and
        # ex/small-q's quantized edges
        "  Space      2      adapter       1\n"
        "                    finetune      1\n"
        "                    merge         2\n"
        "                    quantized     2\n"
        "unfetched model stubs: 1\n"
        # the 8 fetched models: apache-2.0 org/base, org/ft, ex/small, org/lone; the RAIL org/q, org/merge,
        # ex/small-q; org/ad declares none. Shares of the 8.
        "Declared licenses of 8 fetched models (top 3 of 3)\n"
        f"            {APACHE}  4  50.0%  {BAR * 40}\n"
        f" {RAIL}  3  37.5%  {BAR * 30}\n"
        f" {NO_LICENSE:>21}  1  12.5%  {BAR * 10}\n"
        # org/lone has no edge; generation 0: org/base, lab/stub, ex/small; 1: org/ft, ex/small-q;
        # 2: org/q, org/merge; 3: org/ad (9 models in all: the shares' total)
        "Generations of 9 models (isolated: no derivation edge)\n"
        f" isolated  1  11.1%  {BAR * 13}\n"
        f"    gen 0  3  33.3%  {BAR * 40}\n"
        f"    gen 1  2  22.2%  {BAR * 27}\n"
        f"    gen 2  2  22.2%  {BAR * 27}\n"
        f"    gen 3  1  11.1%  {BAR * 13}\n"
        # the 5 deepest models, deepest first, ties by id; each chain climbs through the base one generation up
        "Longest chains\n"
        "├── gen 3: org/base → org/ft → org/merge → org/ad\n"
        "├── gen 2: org/base → org/ft → org/merge\n"
        "├── gen 2: org/base → org/ft → org/q\n"
        "├── gen 1: ex/small → ex/small-q\n"
        "└── gen 1: org/base → org/ft\n"
        "Largest families (of 2)\n" + FAMILIES_TABLE +
        # no dataset; the Spaces acme/demo and acme/chat are known only as users (stubs); no fetched dataset, so no
        # dataset license bars (tests/cli/test_dataset_reports_cli.py has a graph with datasets)
        "Datasets and Spaces\n"
        "             fetched    with license    stubs    with license\n"
        "  Dataset          0               0        0               0\n"
        "  Space            0               0        2               0\n"
        "dataset DERIVED_FROM edges: 0\n"
        "TRAINED_ON edges reaching a dataset with a license: 0 of 0 (–)\n"
    )


def test_stats_json(small: Path) -> None:
    assert run_json("stats", "--db", str(small)) == {
        "schema": "graphsc.stats/1",
        "nodes": {"Model": 9, "Dataset": 0, "Repo": 2, "Space": 2},
        "edges": {"DERIVED_FROM": 6, "TRAINED_ON": 0, "USES": 4},
        "relations": {"adapter": 1, "finetune": 1, "merge": 2, "quantized": 2},
        "unfetched_models": 1,
        "licenses": {"distinct": 3, "top": {APACHE: 4, RAIL: 3, NO_LICENSE: 1}},
        "depth": {
            "models_with_edges": 8,  # all but org/lone
            "isolated_models": 1,
            "by_generation": {"0": 3, "1": 2, "2": 2, "3": 1},
            "max_generation": 3,
            "cycles": [],
            "longest_chains": [
                ["org/base", "org/ft", "org/merge", "org/ad"],
                ["org/base", "org/ft", "org/merge"],
                ["org/base", "org/ft", "org/q"],
                ["ex/small", "ex/small-q"],
                ["org/base", "org/ft"],
            ],
        },
        "families": {"count": 2, "largest": FAMILIES},
        "datasets": {
            "datasets": {"fetched": 0, "fetched_licensed": 0, "stubs": 0, "stubs_licensed": 0},
            "spaces": {"fetched": 0, "fetched_licensed": 0, "stubs": 2, "stubs_licensed": 0},  # acme/demo, acme/chat
            "derived_from": 0,
            "trained_on": {"count": 0, "licensed_dataset": 0},
            "licenses": {"distinct": 0, "top": {}},
        },
    }


def test_rank_by_reach_table(small: Path) -> None:
    # descendants (and their downloads): org/base 4 (org/ft 1200 + org/q 800 + org/merge 40 + org/ad 3 = 2043),
    # org/ft 3 (843), lab/stub 2 (org/merge, org/ad: 43), ex/small 1 (60), org/merge 1 (3); ties by id;
    # org/q, org/ad, ex/small-q and org/lone have none and are not listed. The stub has no downloads ("?") and
    # no known license.
    assert run_text("rank", "--by", "reach", "--db", str(small)) == (
        "Top models by reach\n"
        "┏━━━┳━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━┓\n"
        "┃ # ┃ model     ┃     reach ┃ descendant downloads ┃ downloads ┃ license               ┃\n"
        "┡━━━╇━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━┩\n"
        "│ 1 │ org/base  │         4 │                2,043 │      5.0k │ apache-2.0            │\n"
        "│ 2 │ org/ft    │         3 │                  843 │      1.2k │ apache-2.0            │\n"
        f"│ 3 │ lab/stub  │         2 │                   43 │         ? │ {NOT_FETCHED:<21} │\n"
        "│ 4 │ ex/small  │         1 │                   60 │        90 │ apache-2.0            │\n"
        "│ 5 │ org/merge │         1 │                    3 │        40 │ bigscience-openrail-m │\n"
        "└───┴───────────┴───────────┴──────────────────────┴───────────┴───────────────────────┘\n"
    )


def test_rank_by_downloads_table(small: Path) -> None:
    # every fetched model, most downloaded first; the stub (no downloads) is not listed. The ranked value is the
    # downloads, so there is no second "downloads" column.
    assert run_text("rank", "--by", "downloads", "--db", str(small)) == (
        "Top models by downloads\n"
        "┏━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━┓\n"
        "┃ # ┃ model      ┃ downloads ┃ license               ┃\n"
        "┡━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━┩\n"
        "│ 1 │ org/base   │     5,000 │ apache-2.0            │\n"
        "│ 2 │ org/ft     │     1,200 │ apache-2.0            │\n"
        "│ 3 │ org/q      │       800 │ bigscience-openrail-m │\n"
        "│ 4 │ ex/small   │        90 │ apache-2.0            │\n"
        "│ 5 │ ex/small-q │        60 │ bigscience-openrail-m │\n"
        "│ 6 │ org/merge  │        40 │ bigscience-openrail-m │\n"
        "│ 7 │ org/lone   │         7 │ apache-2.0            │\n"
        f"│ 8 │ org/ad     │         3 │ {NO_LICENSE:<21} │\n"
        "└───┴────────────┴───────────┴───────────────────────┘\n"
    )


def test_rank_json_values_of_counts_are_integers(small: Path) -> None:
    # reach, downloads and exposure are counts: JSON gives 5000, not 5000.0 (equal in Python, so the type is checked)
    for by, first in (("reach", ("org/base", 4)), ("downloads", ("org/base", 5000)), ("exposure", ("org/base", 3))):
        models = run_json("rank", "--by", by, "--db", str(small))["models"]
        assert (models[0]["id"], models[0]["value"]) == first
        assert all(type(m["value"]) is int for m in models), by


def test_rank_by_reach_top_cuts_the_list(small: Path) -> None:
    doc = run_json("rank", "--by", "reach", "--top", "2", "--db", str(small))
    assert doc == {
        "schema": "graphsc.rank/1",
        "by": "reach",
        "notes": {},
        "models": [
            {
                "rank": 1,
                "id": "org/base",
                "value": 4,
                "downloads": 5000,
                "license": APACHE,
                "descendant_downloads": 2043,
            },
            {"rank": 2, "id": "org/ft", "value": 3, "downloads": 1200, "license": APACHE, "descendant_downloads": 843},
        ],
    }


def test_rank_by_exposure_json(small: Path) -> None:
    # distinct users of the model or of anything derived from it: org/base and org/ft reach acme/tool (org/ft),
    # acme/app (org/q) and the Space acme/demo (org/ad); lab/stub and org/merge reach acme/demo through org/ad;
    # org/q, org/ad and the isolated org/lone only their own user. Ties by id.
    doc = run_json("rank", "--by", "exposure", "--db", str(small))
    assert doc == {
        "schema": "graphsc.rank/1",
        "by": "exposure",
        "notes": {},
        "models": [
            {"rank": 1, "id": "org/base", "value": 3, "downloads": 5000, "license": APACHE, "repos": 2, "spaces": 1},
            {"rank": 2, "id": "org/ft", "value": 3, "downloads": 1200, "license": APACHE, "repos": 2, "spaces": 1},
            {"rank": 3, "id": "lab/stub", "value": 1, "downloads": None, "license": None, "repos": 0, "spaces": 1},
            {"rank": 4, "id": "org/ad", "value": 1, "downloads": 3, "license": None, "repos": 0, "spaces": 1},
            {"rank": 5, "id": "org/lone", "value": 1, "downloads": 7, "license": APACHE, "repos": 0, "spaces": 1},
            {"rank": 6, "id": "org/merge", "value": 1, "downloads": 40, "license": RAIL, "repos": 0, "spaces": 1},
            {"rank": 7, "id": "org/q", "value": 1, "downloads": 800, "license": RAIL, "repos": 1, "spaces": 0},
        ],
    }


def test_impact_table(small: Path) -> None:
    assert run_text("impact", "org/base", "--db", str(small)) == (
        "Impact of org/base\n"
        "  model          org/base  license apache-2.0  downloads 5.0k\n"
        # org/ft, org/q, org/merge, org/ad: 1200 + 800 + 40 + 3 = 2043 downloads
        "  descendants    4  (2.0k downloads)\n"
        # repositories acme/tool (org/ft) and acme/app (org/q); the Space acme/demo (org/ad): one, so singular
        "  reached        2 repositories, 1 Space\n"
        # depth 1: org/ft; 2: org/q, org/merge; 3: org/ad
        "Descendants by depth\n"
        f" depth 1  1  25.0%  {BAR * 20}\n"
        f" depth 2  2  50.0%  {BAR * 40}\n"
        f" depth 3  1  25.0%  {BAR * 20}\n"
        # each by the edge that first reached it
        "Descendants by relation\n"
        f"   adapter  1  25.0%  {BAR * 40}\n"
        f"  finetune  1  25.0%  {BAR * 40}\n"
        f"     merge  1  25.0%  {BAR * 40}\n"
        f" quantized  1  25.0%  {BAR * 40}\n"
        # org/base, org/ft; org/q, org/merge; org/ad (ties by name): shares of these 5
        "Licenses in the subtree (5 models, the model included)\n"
        f"            {APACHE}  2  40.0%  {BAR * 40}\n"
        f" {RAIL}  2  40.0%  {BAR * 40}\n"
        f" {NO_LICENSE:>21}  1  20.0%  {BAR * 20}\n"
        # one user each, ties by id; 3 usages (acme/tool, acme/app, acme/demo) in all
        "Usages by model in the subtree (3 in all; top 3 of 3 models)\n"
        f" org/ad  1  33.3%  {BAR * 40}\n"
        f" org/ft  1  33.3%  {BAR * 40}\n"
        f"  org/q  1  33.3%  {BAR * 40}\n"
    )


def test_stats_license_shares_are_of_all_fetched_models(small: Path) -> None:
    # --top 1 shows apache-2.0 only: 4 of the 8 fetched models is 50.0% (not 4 of the 4 shown, 100%)
    assert (
        "Declared licenses of 8 fetched models (top 1 of 3)\n"
        f" {APACHE}  4  50.0%  {BAR * 40}\n"  # the only label, so no padding
        "Generations of 9 models"
    ) in run_text("stats", "--top", "1", "--db", str(small))


def test_impact_usage_shares_are_of_every_usage(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Only the most used model is shown: org/ad (ties by id), 1 of the subtree's 3 usages, 33.3% (not 100%); its bar
    # is the largest shown, so full width.
    monkeypatch.setattr("graphsc.render.analytics_table.SHOWN_USERS", 1)
    assert (
        f"Usages by model in the subtree (3 in all; top 1 of 3 models)\n org/ad  1  33.3%  {BAR * 40}\n"
    ) in run_text("impact", "org/base", "--db", str(small))


def test_impact_table_of_a_model_with_one_descendant(small: Path) -> None:
    assert run_text("impact", "org/merge", "--db", str(small)) == (
        "Impact of org/merge\n"
        "  model          org/merge  license bigscience-openrail-m  downloads 40\n"
        # org/ad only: 3 downloads; lab/stub is a parent of org/merge, not below it
        "  descendants    1  (3 downloads)\n"
        # only the Space acme/demo (it uses org/ad): singular Space, plural for zero repositories
        "  reached        0 repositories, 1 Space\n"
        f"Descendants by depth\n depth 1  1  100.0%  {BAR * 40}\n"
        f"Descendants by relation\n adapter  1  100.0%  {BAR * 40}\n"
        # org/merge (RAIL) and org/ad (none): 1 of 2 each, ties by label ("(" sorts before "b")
        "Licenses in the subtree (2 models, the model included)\n"
        f" {NO_LICENSE:>21}  1  50.0%  {BAR * 40}\n"
        f" {RAIL}  1  50.0%  {BAR * 40}\n"
        # acme/demo → org/ad: one usage, one model
        "Usages by model in the subtree (1 in all; top 1 of 1 model)\n"
        f" org/ad  1  100.0%  {BAR * 40}\n"
    )


def test_impact_json(small: Path) -> None:
    assert run_json("impact", "org/merge", "--db", str(small)) == {
        "schema": "graphsc.impact/1",
        "model": "org/merge",
        "license": RAIL,
        # org/ad only (3 downloads); lab/stub is a parent of org/merge, not below it
        "descendants": {"count": 1, "downloads": 3, "by_depth": {"1": 1}, "by_relation": {"adapter": 1}},
        "licenses": {RAIL: 1, NO_LICENSE: 1},  # org/merge and org/ad
        "repos": [],
        "spaces": ["acme/demo"],
        "used_models": {"org/ad": 1},
        "cycles": [],
        # the small graph's records carry no file details: no flag, nothing exposed (docs/risks.md)
        "risks": {"flags": [], "own": [], "inherited": [], "exposed": None},
    }


def test_families_tree(small: Path) -> None:
    # bars: 30 cells for a family's largest generation
    assert run_text("families", "--db", str(small)) == (
        "Families (top 2 of 2)\n" + FAMILIES_TABLE + "#1 org/base  6 models, depth 3\n"
        "├── roots (2)\n"
        "│   ├── org/base\n"
        "│   └── lab/stub\n"
        "└── members by generation\n"
        f"    ├── gen 0: 2 {BAR * 30}\n"
        f"    ├── gen 1: 1 {BAR * 15}\n"
        f"    ├── gen 2: 2 {BAR * 30}\n"
        f"    └── gen 3: 1 {BAR * 15}\n"
        "#2 ex/small  2 models, depth 1\n"
        "├── roots (1)\n"
        "│   └── ex/small\n"
        "└── members by generation\n"
        f"    ├── gen 0: 1 {BAR * 30}\n"
        f"    └── gen 1: 1 {BAR * 30}\n"
    )


def test_families_json_top(small: Path) -> None:
    assert run_json("families", "--top", "1", "--db", str(small)) == {
        "schema": "graphsc.families/1",
        "count": 2,
        "families": FAMILIES[:1],
    }


def test_analyze_table(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Wall time and memory are the machine's: every step is made to take 0.25 s and the peak RSS 64 MiB, so what
    # is checked is which steps ran, in which order, and for how many models.
    clock = itertools.count(0, 0.25)
    monkeypatch.setattr("graphsc.analytics.analysis.time", SimpleNamespace(perf_counter=lambda: next(clock)))
    monkeypatch.setattr("graphsc.analytics.analysis.peak_rss_mib", lambda: 64.0)
    rows = "".join(
        f"│ {step:<11} │    0.25 │             64 │\n"
        for step in (
            "compact",
            "graph",
            "depth",
            "downloads",
            "families",
            "reach",
            "pagerank",
            "derivatives",
            "usage",
            "exposure",
            "betweenness",
            "metrics",
        )
    )
    # 9 models: the 8 with derivation edges and org/lone, which has none but is used (exposure only). The title is
    # wider than the table, so it wraps.
    assert run_text("analyze", "--db", str(small)) == (
        "Metrics for 9 models (not written; use\n"
        "--write)\n"
        "┏━━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━━━━━┓\n"
        "┃ step        ┃ seconds ┃ peak RSS (MiB) ┃\n"
        "┡━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━━━━┩\n" + rows + "└─────────────┴─────────┴────────────────┘\n"
    )


# ---- the real bundled families ----


def test_stats_json_is_consistent_on_real_families(db: Path) -> None:
    doc = run_json("stats", "--db", str(db))
    assert doc["schema"] == "graphsc.stats/1"
    assert doc["edges"]["DERIVED_FROM"] == sum(doc["relations"].values())
    depth = doc["depth"]
    assert (
        sum(depth["by_generation"].values())
        == depth["models_with_edges"]
        == doc["nodes"]["Model"] - depth["isolated_models"]
    )
    assert depth["max_generation"] == len(depth["longest_chains"][0]) - 1
    assert doc["families"]["largest"][0]["size"] <= depth["models_with_edges"]
    assert list(doc["licenses"]["top"].values()) == sorted(doc["licenses"]["top"].values(), reverse=True)


@pytest.mark.parametrize("by", ["reach", "pagerank", "betweenness", "downloads", "exposure"])
def test_rank_json_is_sorted_and_topped(db: Path, by: str) -> None:
    doc = run_json("rank", "--by", by, "--top", "5", "--db", str(db))
    values = [m["value"] for m in doc["models"]]
    assert len(values) == 5 and values == sorted(values, reverse=True)
    if by in ("reach", "pagerank", "exposure", "downloads"):
        assert doc["models"][0]["id"] == R1
    if by == "betweenness":
        assert doc["notes"]["sample"] == doc["notes"]["nodes"] and doc["notes"]["exact"]


def test_rank_betweenness_states_its_sample(db: Path) -> None:
    doc = run_json("rank", "--by", "betweenness", "--sample", "50", "--db", str(db))
    assert doc["notes"]["sample"] == 50 and not doc["notes"]["exact"]
    result = runner.invoke(app, ["rank", "--by", "betweenness", "--sample", "50", "--db", str(db)])
    assert "estimated from 50 of" in result.stdout


def test_impact_json_on_real_families(db: Path) -> None:
    doc = run_json("impact", R1, "--db", str(db))
    assert doc["descendants"]["count"] == sum(doc["descendants"]["by_depth"].values()) == 301
    assert sum(doc["licenses"].values()) == 302 and len(doc["spaces"]) > 0


def test_impact_shows_risk_flags_and_exposure_on_real_families(db: Path, family_records: list[dict[str, Any]]) -> None:
    # DeepSeek-R1's own record maps Auto classes to its repository's code (config.auto_map): custom code. Its 301
    # descendants are finetunes (new weights): exposed through provenance, none loads it through an adapter.
    (record,) = [r for r in family_records if r["id"] == R1]
    assert record["config"]["auto_map"]
    doc = run_json("impact", R1, "--db", str(db))
    spaces = len(doc["spaces"])
    assert doc["risks"]["flags"] == ["custom-code"] and doc["risks"]["inherited"] == []
    assert doc["risks"]["own"] == [
        {"flag": "custom-code", "severity": "warning", "source": R1, "path": [R1], "relations": []}
    ]
    assert doc["risks"]["exposed"] == {"descendants": 301, "inheriting": 0, "repos": 0, "spaces": spaces}
    text = run_text("impact", R1, "--db", str(db))
    assert "  risks          custom-code (warning)\n" in text
    assert (
        f"  exposed        301 descendants (0 loading it through adapters) and {spaces} repositories/Spaces exposed\n"
    ) in text


def test_impact_unknown_model_suggests(db: Path) -> None:
    result = runner.invoke(app, ["impact", "DeepSeek-R1", "--db", str(db)])
    assert result.exit_code == 1
    assert "Unknown model" in result.output and "Did you mean" in result.output and R1 in result.output
    assert "Traceback" not in result.output


def test_families_json_on_real_families(db: Path) -> None:
    doc = run_json("families", "--top", "3", "--db", str(db))
    assert doc["count"] >= 1 and doc["families"][0]["rank"] == 1
    assert sum(doc["families"][0]["by_generation"].values()) == doc["families"][0]["size"]


def test_analyze_write_stores_metrics(db: Path) -> None:
    doc = run_json("analyze", "--write", "--db", str(db))
    assert doc["written"] and {"graph", "depth", "pagerank", "betweenness", "exposure", "write"} <= set(doc["timings"])
    rows = sqlite3.connect(db).execute("SELECT count(*), max(generation), sum(pagerank) FROM model_metrics").fetchone()
    assert rows[0] == doc["models"] and rows[1] == 3 and rows[2] == pytest.approx(1.0)


@pytest.mark.parametrize("command", [["stats"], ["rank"], ["families"], ["analyze"]])
def test_no_progress_output_when_stderr_is_not_a_terminal(small: Path, command: list[str]) -> None:
    """The bar is for people watching a terminal: a log or a pipe gets nothing, not even a transient bar's blank
    line (CliRunner's stderr is not a terminal)."""
    result = runner.invoke(app, [*command, "--db", str(small)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
