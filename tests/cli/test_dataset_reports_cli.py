"""Datasets and Spaces in the reports: ``graphsc lineage`` (a model's training data; a dataset's own lineage),
``graphsc impact DATASET`` and ``graphsc stats``, on a small graph worked out by hand (both stores), and on the
bundled real samples (expected values computed here from the raw records).

The small graph (made up; written straight into a store as graphsc records)::

    models (child ← base, relation)             downloads  license
    org/base                                        5000   apache-2.0
      └─ finetune ─ org/ft                          1200   apache-2.0
                      ├─ quantized ─ org/q           800   bigscience-openrail-m
                      └─ finetune ── org/tuned        50   mit
    lab/other                                         10   (none)
    data/mix  (a model with a dataset's id)            1   mit

    datasets (child ← source, dataset DERIVED_FROM)  downloads  license
    data/mix-v2  ← data/mix                               5   (none)
    data/mix     ← data/web, data/books                 300   cc-by-nc-4.0
    data/web     ← common/crawl (a stub)                900   cc-by-4.0
    data/books                                           20   unknown (a placeholder: no license)
    data/ghost   (a stub: named only as training data)

    TRAINED_ON: org/base → data/web; org/ft → data/mix; org/tuned → data/mix-v2, data/ghost; lab/other → data/web
    USES: repository acme/tool → org/ft; Space acme/demo → org/q (a stub Space); Space acme/chat → org/tuned
    (the Space's own record: license mit, sdk gradio)
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.ingest import ingest_snapshot
from graphsc.records import (
    USER_REPO,
    USER_SPACE,
    Dataset,
    DatasetDerivedFrom,
    DerivedFrom,
    GraphBatch,
    Model,
    Space,
    TrainedOn,
    Uses,
)
from graphsc.samples import hf_dataset_files, hf_family_files
from graphsc.store.base import GraphStore
from graphsc.store.sqlite import SQLiteStore

runner = CliRunner()
SOURCE = "test"
APACHE, RAIL, NC = "apache-2.0", "bigscience-openrail-m", "cc-by-nc-4.0"
NO_LICENSE, NOT_FETCHED = "(no license)", "(not fetched)"
BAR = "█"
TERMINAL = {"FORCE_COLOR": None, "TTY_COMPATIBLE": None, "TTY_INTERACTIVE": None}

MODELS = {  # id -> (license, downloads)
    "org/base": (APACHE, 5000),
    "org/ft": (APACHE, 1200),
    "org/q": (RAIL, 800),
    "org/tuned": ("mit", 50),
    "lab/other": (None, 10),
    "data/mix": ("mit", 1),
}
DATASETS = {  # id -> (license, downloads)
    "data/mix-v2": (None, 5),
    "data/mix": (NC, 300),
    "data/web": ("cc-by-4.0", 900),
    "data/books": ("unknown", 20),
}
STUB_DATASETS = ["data/ghost", "common/crawl"]


def dataset_graph() -> GraphBatch:
    return GraphBatch(
        models=[Model(i, author=i.split("/")[0], license=lic, downloads=n) for i, (lic, n) in MODELS.items()],
        datasets=[
            *(Dataset(i, license=lic, author=i.split("/")[0], downloads=n) for i, (lic, n) in DATASETS.items()),
            *(Dataset(i, fetched=False) for i in STUB_DATASETS),
        ],
        spaces=[Space("acme/chat", license="mit", sdk="gradio", author="acme")],
        derived_from=[
            DerivedFrom("org/ft", "org/base", "finetune", SOURCE),
            DerivedFrom("org/q", "org/ft", "quantized", SOURCE),
            DerivedFrom("org/tuned", "org/ft", "finetune", SOURCE),
        ],
        dataset_derived_from=[
            DatasetDerivedFrom("data/mix-v2", "data/mix", SOURCE),
            DatasetDerivedFrom("data/mix", "data/web", SOURCE),
            DatasetDerivedFrom("data/mix", "data/books", SOURCE),
            DatasetDerivedFrom("data/web", "common/crawl", SOURCE),
        ],
        trained_on=[
            TrainedOn("org/base", "data/web", SOURCE),
            TrainedOn("org/ft", "data/mix", SOURCE),
            TrainedOn("org/tuned", "data/mix-v2", SOURCE),
            TrainedOn("org/tuned", "data/ghost", SOURCE),
            TrainedOn("lab/other", "data/web", SOURCE),
        ],
        uses=[
            Uses("acme/tool", USER_REPO, "org/ft", SOURCE),
            Uses("acme/demo", USER_SPACE, "org/q", SOURCE),
            Uses("acme/chat", USER_SPACE, "org/tuned", SOURCE),
        ],
    )


def cli_options(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The CLI options that read ``store`` (closed first if embedded, so the CLI opens the file itself)."""
    if isinstance(store, SQLiteStore):
        store.close()
        return ["--store", "embedded", "--db", str(store.path)]
    monkeypatch.setenv("NEO4J_URI", store.uri)  # type: ignore[attr-defined]
    return ["--store", "neo4j"]


@pytest.fixture
def graph(any_store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The small graph in a store of each backend: the CLI options that read it."""
    any_store.write(dataset_graph())
    return cli_options(any_store, monkeypatch)


def run_text(args: list[str], columns: int = 120) -> str:
    """The terminal view's stdout at ``columns`` wide, each line's trailing spaces trimmed."""
    result = runner.invoke(app, args, env={**TERMINAL, "COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return "".join(line.rstrip() + "\n" for line in result.stdout.splitlines())


def run_json(args: list[str]) -> dict[str, Any]:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def dataset_doc(dataset_id: str) -> dict[str, Any]:
    """A dataset of the small graph as JSON documents list it (every Dataset field; unset ones null)."""
    fields = dict.fromkeys(Dataset._fields)
    if dataset_id in STUB_DATASETS:
        return {**fields, "id": dataset_id, "fetched": False}
    license, downloads = DATASETS[dataset_id]
    return {**fields, "id": dataset_id, "license": license, "author": "data", "downloads": downloads, "fetched": True}


def model_doc(model_id: str) -> dict[str, Any]:
    license, downloads = MODELS[model_id]
    return {
        **dict.fromkeys(Model._fields),
        "id": model_id,
        "author": model_id.split("/")[0],
        "license": license,
        "downloads": downloads,
        "fetched": True,
    }


# ---- graphsc lineage MODEL: the training data of the model and its ancestors ----


def test_lineage_tree_shows_training_data_and_dataset_lineage_at_80_columns(graph: list[str]) -> None:
    assert run_text(["lineage", "org/tuned", *graph], 80) == (
        "Ancestors of org/tuned\n"
        "org/tuned  [mit]  50↓\n"
        "└── finetune org/ft  [apache-2.0]  1.2k↓\n"
        "    └── finetune org/base  [apache-2.0]  5.0k↓\n"
        "Descendants of org/tuned\n"
        "org/tuned  [mit]  50↓\n"
        "Used by (1)\n"
        "org/tuned\n"
        f"└── space acme/chat  {SOURCE}\n"
        # org/tuned's own datasets (data/ghost, data/mix-v2), org/ft's (data/mix), org/base's (data/web): 4
        "Trained on (4 datasets)\n"
        # the model first, then its ancestors nearest first; datasets by id
        "org/tuned\n"
        f"├── data/ghost  [{NOT_FETCHED}]\n"
        # each dataset's sources below it, recursively: mix-v2 ← mix ← books, web ← common/crawl
        f"└── data/mix-v2  [{NO_LICENSE}]\n"
        f"    └── data/mix  [{NC}]\n"
        "        ├── data/books  [unknown]\n"
        "        └── data/web  [cc-by-4.0]\n"
        f"            └── common/crawl  [{NOT_FETCHED}]\n"
        # a dataset whose sources are drawn already is not drawn again
        "org/ft\n"
        f"└── data/mix  [{NC}]  (shown above)\n"
        "org/base\n"
        "└── data/web  [cc-by-4.0]  (shown above)\n"
        "  model            org/tuned  license mit  downloads 50\n"
        "  generation       2\n"
        "  roots            org/base\n"
        "  ancestors        2\n"
        "  descendants      0\n"
        "    by relation    -\n"
        "    by depth       -\n"
        "  used by          1 space\n"
        # data/books and common/crawl are only sources
        "  trained on       4 datasets, 2 more as sources\n"
        # declared: data/mix (NC), data/web; none: data/mix-v2, data/books ("unknown" is a placeholder);
        # not fetched: data/ghost, common/crawl
        "    licenses       2 declared, 2 none, 2 not fetched\n"
    )


def test_lineage_down_shows_the_models_own_training_data_only(graph: list[str]) -> None:
    text = run_text(["lineage", "org/ft", "--direction", "down", *graph])
    assert (
        "Trained on (1 dataset)\n"
        "org/ft\n"
        f"└── data/mix  [{NC}]\n"
        "    ├── data/books  [unknown]\n"
        "    └── data/web  [cc-by-4.0]\n"
        f"        └── common/crawl  [{NOT_FETCHED}]\n"
    ) in text
    assert (
        "  trained on       1 dataset, 3 more as sources\n    licenses       2 declared, 1 none, 1 not fetched\n"
        in text
    )


def test_lineage_json_training_data(graph: list[str]) -> None:
    doc = run_json(["lineage", "org/ft", "--direction", "up", *graph])
    assert doc["training_data"] == {
        "count": 2,  # org/ft's data/mix, org/base's data/web
        "trained_on": [  # by (model, dataset)
            {"model": "org/base", "dataset": "data/web", "source": SOURCE},
            {"model": "org/ft", "dataset": "data/mix", "source": SOURCE},
        ],
        "dataset_edges": [  # up from those datasets, by (child, base)
            {"child": "data/mix", "base": "data/books", "source": SOURCE},
            {"child": "data/mix", "base": "data/web", "source": SOURCE},
            {"child": "data/web", "base": "common/crawl", "source": SOURCE},
        ],
        "datasets": {d: dataset_doc(d) for d in ("common/crawl", "data/books", "data/mix", "data/web")},
    }
    # the rest of the document is the model lineage, as before
    assert doc["schema"] == "graphsc.lineage/1" and doc["ancestors"]["count"] == 1


def test_a_model_wins_over_a_dataset_with_its_id(graph: list[str]) -> None:
    doc = run_json(["lineage", "data/mix", *graph])
    assert doc["schema"] == "graphsc.lineage/1" and doc["model"] == model_doc("data/mix")
    assert doc["training_data"]["count"] == 0


# ---- graphsc lineage DATASET ----


def test_dataset_lineage_tree(graph: list[str]) -> None:
    assert run_text(["lineage", "data/web", *graph], 80) == (
        "Sources of data/web\n"
        "data/web  [cc-by-4.0]\n"
        f"└── common/crawl  [{NOT_FETCHED}]\n"
        "Datasets made from data/web\n"
        "data/web  [cc-by-4.0]\n"
        f"└── data/mix  [{NC}]\n"
        f"    └── data/mix-v2  [{NO_LICENSE}]\n"
        # TRAINED_ON into data/web, data/mix, data/mix-v2; per dataset, nearest first, models most downloaded first
        "Models trained on it or on datasets made from it (4)\n"
        "data/web  [cc-by-4.0]\n"
        "├── org/base  [apache-2.0]  5.0k↓\n"
        f"└── lab/other  [{NO_LICENSE}]  10↓\n"
        f"data/mix  [{NC}]\n"
        "└── org/ft  [apache-2.0]  1.2k↓\n"
        f"data/mix-v2  [{NO_LICENSE}]\n"
        "└── org/tuned  [mit]  50↓\n"
        "  dataset           data/web  license cc-by-4.0  downloads 900\n"
        "  sources           1\n"
        "  made from it      2\n"
        "  trained models    4\n"
    )


def test_dataset_lineage_json(graph: list[str]) -> None:
    doc = run_json(["lineage", "data/mix-v2", *graph])
    assert doc == {
        "schema": "graphsc.dataset_lineage/1",
        "dataset": dataset_doc("data/mix-v2"),
        "direction": "both",
        "max_depth": None,
        "cycles": [],
        "sources": {
            "count": 4,  # data/mix, data/books, data/web, common/crawl
            "edges": [
                {"child": "data/mix", "base": "data/books", "source": SOURCE},
                {"child": "data/mix", "base": "data/web", "source": SOURCE},
                {"child": "data/mix-v2", "base": "data/mix", "source": SOURCE},
                {"child": "data/web", "base": "common/crawl", "source": SOURCE},
            ],
        },
        "derived": {"count": 0, "by_depth": {}, "edges": []},
        "trained_on": [{"model": "org/tuned", "dataset": "data/mix-v2", "source": SOURCE}],
        "datasets": {d: dataset_doc(d) for d in ("common/crawl", "data/books", "data/mix", "data/mix-v2", "data/web")},
        "models": {"org/tuned": model_doc("org/tuned")},
    }
    down = run_json(["lineage", "data/web", "--direction", "down", "--max-depth", "1", *graph])
    assert "sources" not in down and down["derived"] == {
        "count": 1,
        "by_depth": {"1": 1},
        "edges": [{"child": "data/mix", "base": "data/web", "source": SOURCE}],
    }
    assert {(t["model"], t["dataset"]) for t in down["trained_on"]} == {
        ("lab/other", "data/web"),
        ("org/base", "data/web"),
        ("org/ft", "data/mix"),
    }


def test_dataset_lineage_has_no_picture_formats(graph: list[str]) -> None:
    result = runner.invoke(app, ["lineage", "data/web", "--format", "mermaid", *graph])
    assert result.exit_code == 1 and "is a dataset" in result.output and "Traceback" not in result.output


# ---- graphsc impact DATASET ----


def test_impact_of_a_dataset_table_at_80_columns(graph: list[str]) -> None:
    assert run_text(["impact", "data/web", *graph], 80) == (
        "Impact of dataset data/web\n"
        "  dataset          data/web  license cc-by-4.0  downloads 900\n"
        # data/mix (depth 1), data/mix-v2 (depth 2)
        "  made from it     2 datasets\n"
        # org/base, lab/other on data/web itself; org/ft on data/mix; org/tuned on data/mix-v2
        "  trained on it    4 models (2 on the dataset itself)\n"
        # below those: org/q (800 downloads); org/ft and org/tuned are trained on it themselves, so not counted
        "  descendants      1  (800 downloads)\n"
        # acme/tool uses org/ft; acme/demo org/q; acme/chat org/tuned
        "  reached          1 repository, 2 Spaces\n"
        "Datasets made from it, by depth\n"
        f" depth 1  1  50.0%  {BAR * 40}\n"
        f" depth 2  1  50.0%  {BAR * 40}\n"
        "Dataset licenses (3 datasets, the dataset included)\n"
        f" {NO_LICENSE}  1  33.3%  {BAR * 40}\n"
        f"    cc-by-4.0  1  33.3%  {BAR * 40}\n"
        f" {NC}  1  33.3%  {BAR * 40}\n"
        "Trained models by dataset (4 edges)\n"
        f"    data/web  2  50.0%  {BAR * 40}\n"
        f"    data/mix  1  25.0%  {BAR * 20}\n"
        f" data/mix-v2  1  25.0%  {BAR * 20}\n"
        "Descendants by depth\n"
        f" depth 1  1  100.0%  {BAR * 40}\n"
        "Descendants by relation\n"
        f" quantized  1  100.0%  {BAR * 40}\n"
        # the 4 trained models and org/q
        "Model licenses (5 models, descendants included)\n"
        f"            apache-2.0  2  40.0%  {BAR * 40}\n"
        f"          {NO_LICENSE}  1  20.0%  {BAR * 20}\n"
        f" {RAIL}  1  20.0%  {BAR * 20}\n"
        f"                   mit  1  20.0%  {BAR * 20}\n"
        "Usages by model (3 in all; top 3 of 3 models)\n"
        f"    org/ft  1  33.3%  {BAR * 40}\n"
        f"     org/q  1  33.3%  {BAR * 40}\n"
        f" org/tuned  1  33.3%  {BAR * 40}\n"
    )


def test_impact_of_a_dataset_json(graph: list[str]) -> None:
    assert run_json(["impact", "data/mix", "--dataset", *graph]) == {
        "schema": "graphsc.dataset_impact/1",
        "dataset": "data/mix",
        "license": NC,
        "fetched": True,
        "derived_datasets": {"count": 1, "by_depth": {"1": 1}, "ids": ["data/mix-v2"]},
        "dataset_licenses": {NO_LICENSE: 1, NC: 1},
        "trained_models": {
            "count": 2,
            "directly": 1,  # org/ft; org/tuned through data/mix-v2
            "by_dataset": {"data/mix": 1, "data/mix-v2": 1},
            "ids": ["org/ft", "org/tuned"],
        },
        # org/q, a quantization of org/ft (org/tuned is trained on data/mix-v2 itself: depth 0, not a descendant)
        "descendants": {"count": 1, "downloads": 800, "by_depth": {"1": 1}, "by_relation": {"quantized": 1}},
        "licenses": {APACHE: 1, RAIL: 1, "mit": 1},
        "repos": ["acme/tool"],
        "spaces": ["acme/chat", "acme/demo"],
        "used_models": {"org/ft": 1, "org/q": 1, "org/tuned": 1},
        "cycles": [],
    }


def test_impact_model_wins_over_a_dataset_unless_dataset_is_given(graph: list[str]) -> None:
    model = run_json(["impact", "data/mix", *graph])
    assert model["schema"] == "graphsc.impact/1" and model["model"] == "data/mix"
    assert run_json(["impact", "DATA/MIX-V2", *graph])["dataset"] == "data/mix-v2"  # no such model: the dataset
    missing = runner.invoke(app, ["impact", "org/ft", "--dataset", *graph])
    assert missing.exit_code == 1 and "No dataset 'org/ft'" in missing.output and "Traceback" not in missing.output


def test_a_dataset_with_nothing_downstream(graph: list[str]) -> None:
    doc = run_json(["impact", "data/ghost", *graph])
    assert (doc["fetched"], doc["dataset_licenses"], doc["trained_models"]["ids"]) == (
        False,
        {NOT_FETCHED: 1},
        ["org/tuned"],
    )
    books = run_json(["impact", "data/books", *graph])  # made into data/mix, and so into data/mix-v2
    assert books["derived_datasets"]["ids"] == ["data/mix", "data/mix-v2"] and books["dataset_licenses"] == {
        NO_LICENSE: 1,
        NC: 1,
        "unknown": 1,
    }


# ---- graphsc stats ----


def test_stats_counts_datasets_and_spaces(graph: list[str]) -> None:
    assert run_text(["stats", *graph]).endswith(
        "Datasets and Spaces\n"
        "             fetched    with license    stubs    with license\n"
        # fetched: data/mix-v2 (none), data/mix, data/web, data/books ("unknown": none); stubs: data/ghost, common/crawl
        "  Dataset          4               2        2               0\n"
        # acme/chat has its own record (mit); acme/demo is known only as a user
        "  Space            1               1        1               0\n"
        "dataset DERIVED_FROM edges: 4\n"
        # org/base → data/web, org/ft → data/mix, lab/other → data/web (not org/tuned's two)
        "TRAINED_ON edges reaching a dataset with a license: 3 of 5 (60.0%)\n"
        "Declared licenses of 4 fetched datasets (top 4 of 4)\n"
        f" {NO_LICENSE}  1  25.0%  {BAR * 40}\n"
        f"    cc-by-4.0  1  25.0%  {BAR * 40}\n"
        f" {NC}  1  25.0%  {BAR * 40}\n"
        f"      unknown  1  25.0%  {BAR * 40}\n"
    )
    doc = run_json(["stats", "--top", "2", *graph])
    assert doc["datasets"] == {
        "datasets": {"fetched": 4, "fetched_licensed": 2, "stubs": 2, "stubs_licensed": 0},
        "spaces": {"fetched": 1, "fetched_licensed": 1, "stubs": 1, "stubs_licensed": 0},
        "derived_from": 4,
        "trained_on": {"count": 5, "licensed_dataset": 3},
        "licenses": {"distinct": 4, "top": {NO_LICENSE: 1, "cc-by-4.0": 1}},
    }
    assert doc["edges"]["DERIVED_FROM"] == 3  # model edges only: dataset edges are counted apart


# ---- the bundled real samples: expected values from the raw records ----

PLACEHOLDERS = {"unknown", "none", "n/a", "na", "noassertion", "tbd", "-", "?"}


def raw_dataset_licenses() -> dict[str, str | None]:
    """Each bundled dataset record's declared license, read from its ``license:`` tags here (a list joined with
    AND, as documented for ``Dataset.license``), keyed by lower-cased id."""
    licenses: dict[str, str | None] = {}
    for path in hf_dataset_files():
        for line in path.read_text().splitlines():
            record = json.loads(line)
            tags = [t.split(":", 1)[1] for t in record.get("tags", []) if t.startswith("license:")]
            licenses[record["id"].lower()] = " AND ".join(tags) if tags else None
    return licenses


def raw_source_edges() -> int:
    """The ``source_datasets:extended|<id>`` tags naming a dataset (not ``original``, ``extended`` alone or the
    ``other``/``other-...`` pseudo-sources), but a ``legacy-datasets/`` dataset's own old, namespace-less id."""
    edges = set()
    for path in hf_dataset_files():
        for line in path.read_text().splitlines():
            record = json.loads(line)
            for tag in record.get("tags", []):
                value = tag.removeprefix("source_datasets:extended|")
                own_old_id = record["id"].lower() == f"legacy-datasets/{value.lower()}"
                if value != tag and value != "other" and not value.startswith("other-") and not own_old_id:
                    edges.add((record["id"].lower(), value.lower()))
    return len(edges)


@pytest.fixture
def real(any_store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    ingest_snapshot(any_store, [str(p) for p in hf_family_files()])
    ingest_snapshot(any_store, [str(p) for p in hf_dataset_files()], kind="datasets")
    return cli_options(any_store, monkeypatch)


def test_stats_of_the_real_samples(real: list[str]) -> None:
    licenses = raw_dataset_licenses()
    declared = {i for i, lic in licenses.items() if lic and lic.strip().lower() not in PLACEHOLDERS}
    doc = run_json(["stats", "--top", "5", *real])["datasets"]
    assert doc["datasets"]["fetched"] == len(licenses) == 300
    assert doc["datasets"]["fetched_licensed"] == len(declared)
    assert doc["spaces"]["fetched"] == 0 and doc["spaces"]["stubs"] > 0  # the families' records name Spaces only
    assert doc["derived_from"] == raw_source_edges()
    counts = Counter(lic or NO_LICENSE for lic in licenses.values())
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    assert doc["licenses"] == {"distinct": len(counts), "top": dict(top)}
    # every TRAINED_ON edge into a dataset whose record declares a license: the edges the lineage views show
    reached = 0
    for dataset_id in ("Anthropic/hh-rlhf", "OpenAssistant/oasst1", "rajpurkar/squad", "legacy-datasets/common_voice"):
        impact = run_json(["impact", dataset_id, "--dataset", *real])
        assert impact["license"] == licenses[dataset_id.lower()] and impact["trained_models"]["directly"] >= 1
        reached += impact["trained_models"]["by_dataset"].get(impact["dataset"], 0)
    assert doc["trained_on"]["licensed_dataset"] == reached == 4


def test_lineage_of_a_real_model_trained_on_a_fetched_dataset(real: list[str]) -> None:
    doc = run_json(["lineage", "rajpurkar/squad", *real])  # no model has the id: the dataset's lineage
    assert doc["schema"] == "graphsc.dataset_lineage/1" and doc["dataset"]["license"] == "cc-by-sa-4.0"
    [model] = doc["models"]
    training = run_json(["lineage", model, *real])["training_data"]
    datasets = training["datasets"]
    assert "rajpurkar/squad" in {t["dataset"] for t in training["trained_on"] if t["model"] == model}
    licenses = raw_dataset_licenses()
    for dataset_id, record in datasets.items():  # a fetched dataset carries its record's license; others are stubs
        assert record["fetched"] == (dataset_id.lower() in licenses)
        assert record["license"] == licenses.get(dataset_id.lower())
    assert {"child": "rajpurkar/squad", "base": "wikipedia", "source": "source-datasets"} in training["dataset_edges"]


# ---- store-level reads, on both backends ----


def test_training_data_and_dataset_impact_read_from_either_store(any_store: GraphStore) -> None:
    from graphsc.analytics.impact import compute_dataset_impact
    from graphsc.lineage import compute_dataset_lineage, compute_lineage

    any_store.write(dataset_graph())
    assert compute_lineage(any_store, "org/tuned").training is None  # only when asked for
    training = compute_lineage(any_store, "ORG/TUNED", "up", datasets=True).training
    assert training is not None
    assert training.dataset_ids == ["common/crawl", "data/books", "data/ghost", "data/mix", "data/mix-v2", "data/web"]
    assert [training.datasets_of(m) for m in ("org/tuned", "org/ft", "org/base")] == [
        ["data/ghost", "data/mix-v2"],
        ["data/mix"],
        ["data/web"],
    ]
    assert training.sources_of("data/mix") == ["data/books", "data/web"]
    assert set(training.datasets) == {*DATASETS, "data/ghost", "common/crawl"}  # the stubs are stored too
    lineage = compute_dataset_lineage(any_store, "data/web", "both", max_depth=1)
    assert (dict(lineage.source_distance), dict(lineage.derived_depth)) == (
        {"data/web": 0, "common/crawl": 1},
        {"data/web": 0, "data/mix": 1},
    )
    assert lineage.trained_models == ["lab/other", "org/base", "org/ft"]  # data/mix-v2 is two edges down
    impact = compute_dataset_impact(any_store, "data/web")
    assert dict(impact.downstream.depth) == {"lab/other": 0, "org/base": 0, "org/ft": 0, "org/tuned": 0, "org/q": 1}
    assert impact.downstream.descendant_count == 1 and impact.downstream.repos == ["acme/tool"]


def test_lineage_reads_only_what_the_view_shows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = SQLiteStore(tmp_path / "d.db")
    store.write(dataset_graph())
    store.close()
    calls: list[tuple[str, Any]] = []
    for name in ("trained_on", "dataset_lineage_edges", "datasets"):
        original = getattr(SQLiteStore, name)

        def spy(self: SQLiteStore, *args: Any, _name: str = name, _original: Any = original) -> Any:
            calls.append((_name, args[0] if _name == "dataset_lineage_edges" else sorted(args[0])))
            return _original(self, *args)

        monkeypatch.setattr(SQLiteStore, name, spy)
    options = ["--db", str(tmp_path / "d.db")]
    run_text(["lineage", "org/tuned", "--format", "mermaid", *options])
    assert calls == []  # a picture of model lineage reads no dataset
    run_text(["lineage", "org/tuned", *options])
    assert calls == [
        ("trained_on", ["org/base", "org/ft", "org/tuned"]),
        # by id; data/web was reached as a source of data/mix, so its lineage is not asked for again
        ("dataset_lineage_edges", "data/ghost"),
        ("dataset_lineage_edges", "data/mix"),
        ("dataset_lineage_edges", "data/mix-v2"),
        ("datasets", ["common/crawl", "data/books", "data/ghost", "data/mix", "data/mix-v2", "data/web"]),
    ]
