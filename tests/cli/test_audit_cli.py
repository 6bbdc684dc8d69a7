"""``graphsc audit [MODEL]`` through the CLI: exact views of a three-model chain worked out by hand, the JSON
documents checked against their documented shape (docs/audit.md), the real families, and an unknown model.

The chain (``chain_db``)::

    org/base  apache-2.0, text-generation, transformers, card, 100 downloads, created 2024; its card names
              ghost/base as base (no Hub tag confirms it: a note, not an edge); MMLU acc 0.7 (source: leaderboard);
              safetensors weights
    lab/stub  a stub, known only as org/ft's second base
      org/ft  finetune of org/base, merge of lab/stub; text-generation, card, trained on data/train, created 2025;
              mmlu ACC 0.75 (no source), data/train acc "n/a" (source https://x); lists files but no weights

Scores (license 20, base 15, data 20, evals 15, task 10, library 10, card 10): org/ft has base, data, evals, task,
card = 70; org/base has license, evals, task, library, card = 65 (its base is unconfirmed: ``?``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.records import (
    FINETUNE,
    MERGE,
    DerivedFrom,
    EvalResult,
    GraphBatch,
    IdNote,
    Model,
    ModelDetails,
    TrainedOn,
    Uses,
)
from graphsc.store.sqlite import SQLiteStore

runner = CliRunner()
TERMINAL = {"COLUMNS": "120", "FORCE_COLOR": None, "TTY_COMPATIBLE": None, "TTY_INTERACTIVE": None}
ATTRIBUTES = ["license", "base_model", "training_data", "eval_results", "task", "library", "card"]
WEIGHTS = {
    "license": 20,
    "base_model": 15,
    "training_data": 20,
    "eval_results": 15,
    "task": 10,
    "library": 10,
    "card": 10,
}
DEEP = "yentinglin/Mistral-Small-24B-Instruct-2501-reasoning"


@pytest.fixture
def chain_db(tmp_path: Path) -> Path:
    path = tmp_path / "chain.db"
    store = SQLiteStore(path)
    store.write(
        GraphBatch(
            models=[
                Model(
                    "org/base",
                    license="apache-2.0",
                    pipeline_tag="text-generation",
                    library_name="transformers",
                    has_card=True,
                    created_at="2024-03-01T00:00:00.000Z",
                    downloads=100,
                ),
                Model("org/ft", pipeline_tag="text-generation", has_card=True, created_at="2025-01-02T00:00:00.000Z"),
            ],
            derived_from=[
                DerivedFrom("org/ft", "org/base", FINETUNE, "hub-tag"),
                DerivedFrom("org/ft", "lab/stub", MERGE, "hub-tag"),
            ],
            trained_on=[TrainedOn("org/ft", "data/train", "card")],
            notes=[IdNote("org/base", "base_model", "ghost/base", "ghost/base", "unconfirmed")],
            details=[
                ModelDetails("org/base", files=4, weight_formats=("safetensors",)),
                ModelDetails("org/ft", files=2),
            ],
            eval_results=[
                EvalResult("org/base", 0, dataset="MMLU", metric="acc", value=0.7, source_name="leaderboard"),
                EvalResult("org/ft", 0, dataset="mmlu", metric="ACC", value=0.75),
                EvalResult("org/ft", 1, dataset="data/train", metric="acc", value_text="n/a", source_url="https://x"),
            ],
        )
    )
    store.close()
    return path


def run_text(*args: str) -> str:
    """The table view's stdout, each line's trailing spaces trimmed (rich pads cells and titles)."""
    result = runner.invoke(app, list(args), env=TERMINAL)
    assert result.exit_code == 0, result.output
    return "".join(line.rstrip() + "\n" for line in result.stdout.splitlines())


def run_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def test_model_audit_table(chain_db: Path) -> None:
    assert run_text("audit", "org/ft", "--db", str(chain_db)) == (
        "Completeness of org/ft: 70/100\n"
        # one letter per attribute (license, base, data, evals, task, library, card) when present, - when missing
        "up  score  LBDETYC  wts   model\n"
        "────────────────────────────────────────────────\n"
        " 0     70  -BDET-C  none  org/ft\n"
        # ancestors nearest first, ties by id: the stub is listed, not audited
        " 1      –                 lab/stub (not fetched)\n"
        # its base is declared on the card only: ?
        " 1     65  L?-ETYC  yes   org/base\n"
        "L license  B base  D data  E evals  T task  Y library  C card\n"
        "the letter: present, - missing, ? a base declared (card or tag) but not lineage\n"
        "wts (weight files): yes, none (files but no weights), ? (no file list)\n"
        "? org/base: declared on the card, unconfirmed: ghost/base\n"
        "Ancestors: 2 (1 not fetched, not audited)\n"
        "  1 of 1 ancestor has no confirmed base model\n"
        "  1 of 1 ancestor declares no training data\n"
        "Claimed performance: 2 results; 1 citing a dataset the card does not list, 1 without a source, 1 not "
        "numeric.\n"
        "dataset     metric  value  source     flags\n"
        "───────────────────────────────────────────────────────────────────\n"
        "mmlu        ACC      0.75  (none)     dataset-not-listed, no-source\n"
        "data/train  acc       n/a  https://x  not-numeric\n"
        "Next to the ancestors' results (difference: this model − ancestor):\n"
        "dataset  metric  this model  ancestor  up  ancestor's  difference\n"
        "─────────────────────────────────────────────────────────────────\n"
        # mmlu/ACC matches MMLU/acc case-insensitively: 0.75 − 0.7
        "mmlu     ACC           0.75  org/base   1         0.7       +0.05\n"
        "Ancestors reporting results: org/base (1)\n"
    )


def test_graph_audit_table(chain_db: Path) -> None:
    bar20, bar40 = "█" * 20, "█" * 40
    assert run_text("audit", "--db", str(chain_db)) == (
        # scores 70 and 65
        "Completeness of 2 fetched models (1 not fetched, not audited): mean score 67.5, median 67.5 of 100.\n"
        "Models with each attribute (weight)\n"
        f"       license (20)  1   50.0%  {bar20}\n"
        f"    base_model (15)  1   50.0%  {bar20}\n"
        f" training_data (20)  1   50.0%  {bar20}\n"
        f"  eval_results (15)  2  100.0%  {bar40}\n"
        f"          task (10)  2  100.0%  {bar40}\n"
        f"       library (10)  1   50.0%  {bar20}\n"
        f"          card (10)  2  100.0%  {bar40}\n"
        "Scores out of 100\n"
        "   0-19  0    0.0%\n"
        "  20-39  0    0.0%\n"
        "  40-59  0    0.0%\n"
        f"  60-79  2  100.0%  {bar40}\n"
        " 80-100  0    0.0%\n"
        "Weight files: 1 list weights, 1 list files but no weights (e.g. README-only), 0 list no files.\n"
        "1 model with no confirmed base names a base on the card or in a base_model tag that is not lineage (not "
        "counted).\n"
        "Groups: % of their fetched models with each attribute, and listing files but no weights (no wts):\n"
        "L license  B base  D data  E evals  T task  Y library  C card\n"
        # one family: roots org/base (100 downloads) and lab/stub (none): named org/base
        "By family (1 largest of 1; % with each attribute)\n"
        "models  score    L    B    D    E    T    Y    C  no wts  family\n"
        "──────────────────────────────────────────────────────────────────\n"
        "     2   67.5   50   50   50  100  100   50  100      50  org/base\n"
        # org/ft counts under both of its relations
        "By relation to the base (% with each attribute)\n"
        "models  score    L    B    D    E    T    Y    C  no wts  relation\n"
        "──────────────────────────────────────────────────────────────────\n"
        "     1   70.0    0  100  100  100  100    0  100     100  finetune\n"
        "     1   70.0    0  100  100  100  100    0  100     100  merge\n"
        "     1   65.0  100    0    0  100  100  100  100       0  root\n"
        "By year created, UTC (% with each attribute)\n"
        "models  score    L    B    D    E    T    Y    C  no wts  year\n"
        "──────────────────────────────────────────────────────────────\n"
        "     1   65.0  100    0    0  100  100  100  100       0  2024\n"
        "     1   70.0    0  100  100  100  100    0  100     100  2025\n"
    )


def _check_row(row: dict[str, Any]) -> None:
    assert set(row) == {"model", "distance", "fetched", "score", "present", "missing", "details", "weight_files"}
    if row["fetched"]:
        assert sorted(row["present"] + row["missing"], key=ATTRIBUTES.index) == ATTRIBUTES
        assert row["score"] == sum(WEIGHTS[a] for a in row["present"])
        assert set(row["details"]) == set(ATTRIBUTES)
    else:
        assert row["score"] is None and row["present"] == row["missing"] == [] and row["details"] == {}


def _check_group(group: dict[str, Any]) -> None:
    assert set(group) == {"name", "models", "mean_score", "attributes", "no_weight_files"}
    assert list(group["attributes"]) == ATTRIBUTES
    assert all(0 <= n <= group["models"] for n in group["attributes"].values())


def test_model_audit_json(chain_db: Path) -> None:
    doc = run_json("audit", "org/ft", "--db", str(chain_db))
    assert set(doc) == {"schema", "scope", "model", "known_as", "weights", "rows", "ancestors", "performance"}
    assert doc["known_as"] is None  # fetched
    assert (doc["schema"], doc["scope"], doc["model"], doc["weights"]) == (
        "graphsc.audit/1",
        "model",
        "org/ft",
        WEIGHTS,
    )
    for row in doc["rows"]:
        _check_row(row)
    assert [(r["model"], r["distance"], r["score"]) for r in doc["rows"]] == [
        ("org/ft", 0, 70),
        ("lab/stub", 1, None),
        ("org/base", 1, 65),
    ]
    assert doc["rows"][2]["details"]["base_model"] == "declared on the card, unconfirmed: ghost/base"
    assert [r["weight_files"] for r in doc["rows"]] == [False, None, True]
    ancestors = doc["ancestors"]
    assert set(ancestors) == {"count", "fetched", "not_fetched", "missing", "summaries"}
    assert (ancestors["count"], ancestors["fetched"], ancestors["not_fetched"]) == (2, 1, 1)
    assert ancestors["missing"] == {a: int(a in ("base_model", "training_data")) for a in ATTRIBUTES}
    # only the attributes some fetched ancestor lacks, as the table words them (one ancestor: singular)
    assert ancestors["summaries"] == [
        "1 of 1 ancestor has no confirmed base model",
        "1 of 1 ancestor declares no training data",
    ]
    perf = doc["performance"]
    assert set(perf) == {"claimed", "flagged", "comparisons", "ancestor_results"}
    assert [(c["dataset"], c["value"], c["value_text"], c["flags"]) for c in perf["claimed"]] == [
        ("mmlu", 0.75, None, ["dataset-not-listed", "no-source"]),
        ("data/train", None, "n/a", ["not-numeric"]),
    ]
    assert perf["flagged"] == {"dataset-not-listed": 1, "no-source": 1, "not-numeric": 1}
    assert perf["comparisons"] == [
        {
            "dataset": "mmlu",
            "metric": "ACC",
            "position": 0,
            "value": 0.75,
            "value_text": None,
            "ancestor": "org/base",
            "distance": 1,
            "ancestor_position": 0,
            "ancestor_value": 0.7,
            "ancestor_value_text": None,
            "ancestor_source_name": "leaderboard",
            "ancestor_source_url": None,
            "difference": 0.05,
        }
    ]
    assert perf["ancestor_results"] == {"org/base": 1}


def test_graph_audit_json(chain_db: Path) -> None:
    doc = run_json("audit", "--db", str(chain_db))
    assert set(doc) == {
        "schema", "scope", "weights", "models", "fetched", "not_fetched", "attributes", "score",
        "base_declared_unconfirmed", "weight_files", "without_details", "families", "by_relation", "by_year",
    }  # fmt: skip
    assert (doc["schema"], doc["scope"], doc["models"], doc["fetched"], doc["not_fetched"]) == (
        "graphsc.audit/1", "graph", 3, 2, 1,
    )  # fmt: skip
    assert doc["attributes"]["license"] == {"count": 1, "share": 0.5}
    assert doc["score"] == {
        "mean": 67.5,
        "median": 67.5,
        "buckets": {"0-19": 0, "20-39": 0, "40-59": 0, "60-79": 2, "80-100": 0},
    }
    assert doc["base_declared_unconfirmed"] == 1
    assert doc["weight_files"] == {"present": 1, "none": 1, "unknown": 0}
    assert doc["without_details"] == 0  # both records gave details
    assert doc["families"]["count"] == 1
    for group in doc["families"]["shown"] + doc["by_relation"] + doc["by_year"]:
        _check_group(group)
    assert [(g["name"], g["models"], g["mean_score"]) for g in doc["by_relation"]] == [
        ("finetune", 1, 70.0),
        ("merge", 1, 70.0),
        ("root", 1, 65.0),
    ]


def test_real_families_json(families_store: SQLiteStore, family_records: list[dict[str, Any]]) -> None:
    db = str(families_store.path)
    doc = run_json("audit", "--db", db)
    assert doc["fetched"] == len(family_records)
    # independent counts from the raw records: a license is the card's or a license: tag's, not a placeholder
    placeholders = {"unknown", "none", "n/a", "na", "noassertion", "tbd", "-", "?"}

    def declared(r: dict[str, Any]) -> bool:
        values = [(r.get("cardData") or {}).get("license")]
        values += [t.split(":", 1)[1] for t in r.get("tags") or [] if t.startswith("license:")]
        return any(isinstance(v, str) and v.strip() and v.strip().lower() not in placeholders for v in values)

    licensed = sum(1 for r in family_records if declared(r))
    with_task = sum(1 for r in family_records if r.get("pipeline_tag") or (r.get("cardData") or {}).get("pipeline_tag"))
    assert doc["attributes"]["license"]["count"] == licensed == 282  # 7 cards say "license: unknown"
    assert doc["attributes"]["task"]["count"] == with_task
    assert doc["attributes"]["license"]["share"] == round(licensed / len(family_records), 4)
    assert sum(doc["score"]["buckets"].values()) == len(family_records)
    assert sum(g["models"] for g in doc["families"]["shown"]) == len(family_records)
    one = run_json("audit", DEEP, "--db", db)
    assert [r["distance"] for r in one["rows"]] == [0, 1, 2]
    assert len(one["performance"]["claimed"]) == 4


def test_unknown_model_is_a_clear_error(families_store: SQLiteStore) -> None:
    result = runner.invoke(app, ["audit", "DeepSeek-R1", "--db", str(families_store.path)])
    assert result.exit_code == 1
    assert "Unknown model" in result.output and "Did you mean" in result.output
    assert "deepseek-ai/DeepSeek-R1" in result.output and "Traceback" not in result.output


def test_bad_format_is_refused(chain_db: Path) -> None:
    result = runner.invoke(app, ["audit", "--format", "xml", "--db", str(chain_db)])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_a_stub_has_no_record_to_audit(chain_db: Path) -> None:
    out = run_text("audit", "lab/stub", "--db", str(chain_db))
    assert " 0      –                lab/stub (not fetched)\n" in out
    assert out.endswith(
        "lab/stub has no ancestor in the graph.\n"
        "lab/stub is not fetched: graphsc has no record of it (known only as a base).\n"
    )
    doc = run_json("audit", "lab/stub", "--db", str(chain_db))
    assert doc["known_as"] == "base"
    assert doc["rows"] == [
        {
            "model": "lab/stub",
            "distance": 0,
            "fetched": False,
            "score": None,
            "present": [],
            "missing": [],
            "details": {},
            "weight_files": None,
        }
    ]


def test_an_empty_graph(store: SQLiteStore) -> None:
    db = str(store.path)
    assert run_text("audit", "--db", db) == (
        "No fetched model in the graph (0 stubs): nothing to audit. Run `graphsc ingest` first.\n"
    )
    doc = run_json("audit", "--db", db)
    assert (doc["fetched"], doc["score"]["mean"], doc["score"]["median"]) == (0, None, None)
    assert doc["attributes"]["card"] == {"count": 0, "share": None}
    assert doc["families"] == {"count": 0, "shown": []}


def test_a_stub_says_how_it_is_known(tmp_path: Path) -> None:
    path = tmp_path / "stubs.db"
    store = SQLiteStore(path)
    store.write(
        GraphBatch(
            models=[Model("org/used", fetched=False), Model("org/named", fetched=False)],
            uses=[Uses("someone/app", "space", "org/used", "hub-spaces")],
        )
    )
    store.close()
    db = str(path)
    # a model only a Space uses is nobody's base
    assert run_text("audit", "org/used", "--db", db).endswith(
        "org/used is not fetched: graphsc has no record of it (known only from usage).\n"
    )
    assert run_json("audit", "org/used", "--db", db)["known_as"] == "usage"
    assert run_text("audit", "org/named", "--db", db).endswith(
        "org/named is not fetched: graphsc has no record of it (known only by name).\n"
    )
    assert run_json("audit", "org/named", "--db", db)["known_as"] == "name"


def _lines_at(width: int, *args: str) -> list[str]:
    result = runner.invoke(app, list(args), env={**TERMINAL, "COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    return [line.rstrip() for line in result.stdout.splitlines()]


@pytest.mark.parametrize("width", [80, 120])
def test_ids_stay_whole_at_any_width(
    families_store: SQLiteStore, family_records: list[dict[str, Any]], width: int
) -> None:
    db = str(families_store.path)
    by_id = {r["id"]: r for r in family_records}
    # the chain from the records' base_model:<relation>: tags, DEEP first
    chain, frontier = [DEEP], [DEEP]
    while frontier:
        tags = by_id[frontier.pop()].get("tags") or []
        bases = [t.split(":", 2)[2] for t in tags if t.startswith("base_model:finetune:")]
        chain += bases
        frontier += bases
    assert len(chain) == 3
    lines = _lines_at(width, "audit", DEEP, "--db", db)
    for distance, model in enumerate(chain):
        assert any(line.startswith(f" {distance}") and line.endswith(f"  {model}") for line in lines), model
    assert not any("…" in line for line in lines)
    # the whole graph: each family's root (a record with no base tag) is one line's last field
    roots = [r["id"] for r in family_records if not any(t.startswith("base_model:") for t in r.get("tags") or [])]
    assert len(roots) == 2
    lines = _lines_at(width, "audit", "--db", db)
    for root in roots:
        assert sum(1 for line in lines if line.endswith(f"  {root}")) == 1, root
    assert not any("…" in line for line in lines)
    if width >= 120:  # wide enough: no line is longer than the console
        assert max(len(line) for line in lines) <= width


def test_top_short_form_and_output_file(families_store: SQLiteStore, tmp_path: Path) -> None:
    db, out = str(families_store.path), tmp_path / "audit.json"
    result = runner.invoke(app, ["audit", "-n", "1", "--format", "json", "-o", str(out), "--db", db])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # the document went to the file
    doc = json.loads(out.read_text())
    assert [g["name"] for g in doc["families"]["shown"]] == ["deepseek-ai/DeepSeek-R1"]  # the largest only
    assert doc == run_json("audit", "--top", "1", "--db", db)
    refused = runner.invoke(app, ["audit", "-o", str(tmp_path / "t.txt"), "--db", db])
    assert refused.exit_code == 2 and "Traceback" not in refused.output
    assert not (tmp_path / "t.txt").exists()


def test_huge_values_are_shown_in_full(tmp_path: Path) -> None:
    path = tmp_path / "huge.db"
    store = SQLiteStore(path)
    huge = 12345678901234567890.0
    store.write(
        GraphBatch(
            models=[Model("org/base"), Model("org/ft")],
            derived_from=[DerivedFrom("org/ft", "org/base", FINETUNE, "hub-tag")],
            eval_results=[
                EvalResult("org/ft", 0, dataset="d", metric="loss", value=huge, source_name="s"),
                EvalResult("org/base", 0, dataset="d", metric="loss", value=2.5e-7, source_name="s"),
            ],
        )
    )
    store.close()
    out = run_text("audit", "org/ft", "--db", str(path))
    assert f"{int(huge):,}" in out  # 12,345,678,901,234,567,168: the float's exact value
    assert "e+" not in out
    assert "2.5e-07" in out  # a small value keeps its short form


def test_models_ingested_without_details_are_counted_and_named(tmp_path: Path) -> None:
    """A store written before graphsc kept details: its evaluation results and files are unknown, and audit says so
    instead of reading silence as "none"."""
    db = tmp_path / "old.db"
    with SQLiteStore(db) as store:
        store.write(GraphBatch(models=[Model("o/old-a"), Model("o/old-b")], details=[ModelDetails("o/old-b", files=1)]))
    doc = json.loads(runner.invoke(app, ["audit", "--db", str(db), "--format", "json"]).stdout)
    assert (doc["fetched"], doc["without_details"]) == (2, 1)
    text = runner.invoke(app, ["audit", "--db", str(db)], env=TERMINAL).stdout
    assert "1 fetched model without stored details (ingested before graphsc kept them)" in text
