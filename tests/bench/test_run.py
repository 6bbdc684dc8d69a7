"""Smoke test of bench/run.py at a small scale: one whole run, and the JSON holds every measurement.

Neo4j is measured only when ``GRAPHSC_BENCH_NEO4J_URI`` names a scratch Neo4j (the run empties it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from bench import run as bench
from bench.baseline import record_bases

MODELS = 3_000
SEED = 5
SAMPLES = 8

RUN_FIELDS = {"argv", "wall_seconds", "cpu_seconds", "peak_rss_bytes", "exit_code", "stdout_bytes", "load_1m"}


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench")
    uri = os.environ.get("GRAPHSC_BENCH_NEO4J_URI")
    args = ["--models", str(MODELS), "--seed", str(SEED), "--out", str(out), "--lineage-samples", str(SAMPLES)]
    args += ["--neo4j-uri", uri, "--neo4j-wipe"] if uri else ["--no-neo4j"]
    assert bench.main(args) == 0
    return json.loads((out / f"{MODELS}-{SEED}.json").read_text())


def assert_run(run: dict[str, Any]) -> None:
    assert set(run) >= RUN_FIELDS
    assert run["exit_code"] == 0
    assert run["wall_seconds"] > 0 and run["cpu_seconds"] > 0
    assert run["peak_rss_bytes"] > 10 * bench.MIB  # a Python process: the child's RSS, not zero or the parent's


def test_every_measurement_is_there(result: dict[str, Any]) -> None:
    assert result["schema"] == bench.SCHEMA and result["models"] == MODELS and result["seed"] == SEED
    assert {"cpus", "memory_bytes", "load_start", "load_end"} <= set(result["machine"])
    snapshot, peatmoss = result["ingest"]["snapshot"], result["ingest"]["peatmoss"]
    assert_run(snapshot)
    assert_run(peatmoss)
    assert snapshot["records"] == MODELS and snapshot["records_per_second"] > 0
    assert snapshot["reported_records_per_second"] > 0
    assert result["ingest"]["store_bytes"] > 0 and peatmoss["rows"] > 0
    assert set(result["analytics"]) == set(bench.ANALYTICS)
    for run in (*result["analytics"].values(), result["licenses"]):
        assert_run(run)
    assert result["licenses"]["stdout_bytes"] > 0 and result["licenses"]["engine_seconds"] >= 0
    assert result["licenses"]["conflicts"] > 0
    assert {"graph", "pagerank", "betweenness"} <= set(result["analytics"]["analyze"]["steps"])
    neo = result["neo4j"]
    assert neo["status"] in ("measured", "skipped")
    if neo["status"] == "measured":
        assert neo["items_per_second"] > 0 and neo["reported_per_second"] > 0
        assert_run(neo["load"])
        assert neo["cypher_lineage"]["count"] == SAMPLES and neo["cli_lineage"]["count"] == SAMPLES
    assert result["peak_rss_bytes"] == max(r["peak_rss_bytes"] for r in bench.graphsc_runs(result))


def test_lineage_sample_covers_roots_deep_leaves_and_random(result: dict[str, Any]) -> None:
    sample, lineage = result["sample"], result["lineage"]
    assert len(sample["largest_roots"]) == bench.LARGEST_ROOTS and len(sample["deep_leaves"]) == bench.DEEP_LEAVES
    ids = sample["largest_roots"] + sample["deep_leaves"] + sample["random"]
    assert len(ids) == len(set(ids)) == SAMPLES
    assert sample["deep_leaf_generation"] >= 3
    assert len(lineage["calls"]) == 2 * SAMPLES
    for call in lineage["calls"]:
        assert_run(call)
        assert call["stdout_bytes"] > 0
    root_json = next(c for c in lineage["calls"] if c["model"] == sample["largest_roots"][0] and c["format"] == "json")
    assert root_json["kind"] == "largest_root"
    for fmt in ("tree", "json", "all"):
        assert 0 < lineage[fmt]["median"] <= lineage[fmt]["p95"] <= lineage[fmt]["max"]


def test_baseline_ratios_and_targets(result: dict[str, Any]) -> None:
    base = result["baseline"]
    assert base["nodes"] >= MODELS and base["edges"] > 0
    assert len(base["lineage_query_seconds"]) == SAMPLES and base["pagerank_seconds"] > 0
    assert_run(base["process"])
    assert set(result["ratios"]) == {"load", "lineage_cold", "lineage_warm", "pagerank", "peak_rss"}
    assert all(v > 0 for v in result["ratios"].values())
    measures = {row["measure"] for row in result["targets"]}
    assert "ingest snapshot (whole process)" in measures and "peak RSS, any command" in measures
    assert {"lineage all: median", "lineage all: p95", "licenses --format json"} <= measures
    assert all(row["passed"] in (True, False) for row in result["targets"])


def test_data_is_reused(tmp_path: Path) -> None:
    files = bench.DataFiles.at(tmp_path, 200, 1)
    first = bench.ensure_data(files, 200, 1)
    assert not first["reused"] and files.models.exists()
    again = bench.ensure_data(files, 200, 1)
    assert again["reused"] and again["generate"] == first["generate"]


def test_summary_percentiles() -> None:
    s = bench.summary([float(i) for i in range(1, 101)])
    assert (s["median"], s["p95"], s["max"]) == (50.5, 95.0, 100.0)
    assert bench.summary([2.0])["p95"] == 2.0


def test_record_bases_reads_card_and_tags() -> None:
    record = {"cardData": {"base_model": ["a/x"]}, "tags": ["base_model:b/y", "base_model:finetune:b/y", "x"]}
    assert record_bases(record) == {"a/x", "b/y"}
    assert record_bases({"cardData": {"base_model": "c/z"}}) == {"c/z"}
