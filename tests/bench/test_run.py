"""Smoke test of bench/run.py at a small scale: one whole run, and the JSON holds every measurement.

Neo4j is measured only when ``GRAPHSC_BENCH_NEO4J_URI`` names a scratch Neo4j (the run empties it).
"""

from __future__ import annotations

import copy
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
        assert neo["load_command"] in ("push", "import")
        assert_run(neo["load"])
        assert neo["cypher_lineage"]["count"] == SAMPLES and neo["cli_lineage"]["count"] == SAMPLES
        inc = neo["incremental"]
        assert inc["status"] == "measured", inc["reason"]
        assert inc["records"] == MODELS // 100 and inc["items"] >= inc["records"] and inc["items_per_second"] > 0
        assert_run(inc["ingest"])
        assert_run(inc["push"])
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


def test_baseline_and_its_ratios(result: dict[str, Any]) -> None:
    base = result["baseline"]
    assert base["nodes"] >= MODELS and base["edges"] > 0
    assert len(base["lineage_query_seconds"]) == SAMPLES and base["pagerank_seconds"] > 0
    assert_run(base["process"])
    assert set(result["ratios"]) == {"load", "lineage_cold", "lineage_warm", "pagerank", "peak_rss"}
    assert all(v > 0 for v in result["ratios"].values())


def test_peer_ran_on_the_same_data_root_and_sample(result: dict[str, Any]) -> None:
    peer, base, sample = result["peer"], result["baseline"], result["sample"]
    assert_run(peer["process"])
    assert peer["records"] == MODELS and peer["root"] == sample["largest_roots"][0]
    assert peer["sample"] == sample["largest_roots"] + sample["deep_leaves"] + sample["random"]
    # the same dump and edge rule as the baseline's DiGraph (which has no duplicate edges either)
    assert (peer["nodes"], peer["edges"]) == (base["nodes"], base["edges"])
    assert peer["parse_seconds"] > 0
    libs = peer["libraries"]
    assert set(libs) == {"igraph", "rustworkx"}
    for lib in libs.values():
        for step in ("build", "pagerank", "wcc", "descendants"):
            assert lib[f"{step}_seconds"] > 0
        assert lib["pagerank_sum"] == pytest.approx(1.0, abs=1e-6)
        assert len(lib["lineage_query_seconds"]) == SAMPLES and lib["lineage_query_median"] > 0
    # both libraries give the same answers
    for key in ("descendants", "components", "largest_component", "lineage_counts"):
        assert libs["igraph"][key] == libs["rustworkx"][key], key
    assert libs["igraph"]["descendants"] > 0.05 * MODELS  # the largest root: several percent of the models
    for (model_a, score_a), (model_b, score_b) in zip(
        libs["igraph"]["pagerank_top"], libs["rustworkx"]["pagerank_top"]
    ):
        assert model_a == model_b and score_a == pytest.approx(score_b, abs=1e-6)
    for name, task in peer["tasks"].items():
        assert task["seconds"] == min(task["igraph"], task["rustworkx"]) > 0, name
        assert task[task["library"]] == task["seconds"]
    assert peer["tasks"]["load"]["seconds"] >= peer["parse_seconds"]


def test_peer_ratios_and_targets(result: dict[str, Any]) -> None:
    tasks = result["peer"]["tasks"]
    ratios = result["peer_ratios"]
    assert set(ratios) == {*bench.PEER_TASKS, "lineage_warm", "peak_rss"}
    assert ratios["ingest"] == pytest.approx(result["ingest"]["snapshot"]["wall_seconds"] / tasks["load"]["seconds"])
    assert ratios["rank_pagerank"] == pytest.approx(
        result["analytics"]["rank_pagerank"]["wall_seconds"] / tasks["pagerank"]["seconds"]
    )
    assert all(v > 0 for v in ratios.values())

    rows = {row["measure"]: row for row in result["targets"]}
    expected = {
        "ingest snapshot (whole process)": "load",
        "rank --by pagerank": "pagerank",
        "families": "components",
        "impact": "descendants",
        "stats": "components",
    }
    for measure, task in expected.items():
        row = rows[measure]
        assert row["peer_task"] == task and row["peer_seconds"] == tasks[task]["seconds"]
        assert row["peer_library"] == tasks[task]["library"]
        assert row["ratio"] == pytest.approx(row["value"] / row["peer_seconds"])
        assert row["target"] == "≤ 3× peer" and row["passed"] == (row["ratio"] <= 3)
    assert "records/s" in rows["ingest snapshot (whole process)"]["note"]
    for fmt in ("tree", "json", "all"):
        assert rows[f"lineage {fmt}: median"]["target"] == "≤ 0.3 s"
        assert rows[f"lineage {fmt}: p95"]["target"] == "≤ 1 s"
    root = rows["lineage tree of the largest root"]
    assert root["target"] == "≤ 1 s" and root["note"] == result["sample"]["largest_roots"][0]
    assert rows["analyze"]["target"] == rows["licenses --format json"]["target"] == "≤ 15 s"
    assert rows["peak RSS, any command"]["target"] == "≤ 2 GiB"
    assert rows["peak RSS, any command"]["value"] == result["peak_rss_bytes"]
    neo = [row for row in result["targets"] if row["measure"].startswith("Neo4j")]
    assert [row["target"] for row in neo] == ["≥ 100,000 nodes+edges/s", "≥ 20,000 nodes+edges/s"]
    if result["neo4j"]["status"] == "measured":
        assert all(row["value"] > 0 for row in neo)
    else:  # a clearly labelled row each, not a silent gap
        assert all("not measured" in row["measure"] and row["passed"] is None and row["note"] for row in neo)
    for row in result["targets"]:
        if not row["measure"].startswith("Neo4j"):
            assert row["passed"] in (True, False), row
        assert row["ratio"] is None or row["unit"] == "s"
    untargeted = {"rank --by reach", "rank --by betweenness", "rank --by downloads", "rank --by exposure"}
    assert not untargeted & set(rows)


def test_neo4j_rows_when_measured(result: dict[str, Any]) -> None:
    """The Neo4j target rows and peak RSS from a measured Neo4j section (made up here: no Neo4j in this test)."""
    fake = copy.deepcopy(result)
    process = {**result["licenses"], "peak_rss_bytes": 3 * bench.GIB}
    incremental = {"status": "measured", "reason": None, "records": 30, "ingest": process, "push": process}
    incremental |= {"items": 150_000, "items_per_second": 30_000.0, "reported_per_second": 40_000.0}
    fake["neo4j"] = {"status": "measured", "load_command": "import", "load": process, "items_per_second": 90_000.0}
    fake["neo4j"]["incremental"] = incremental
    rows = {row["measure"]: row for row in bench.target_rows(fake)}
    load = rows["Neo4j initial load (graphsc neo4j import)"]
    assert (load["value"], load["passed"], load["target"]) == (90_000.0, False, "≥ 100,000 nodes+edges/s")
    inc = rows["Neo4j incremental (graphsc neo4j push --since-last)"]
    assert (inc["value"], inc["passed"]) == (30_000.0, True) and "150,000 nodes+edges" in inc["note"]
    assert max(r["peak_rss_bytes"] for r in bench.graphsc_runs(fake)) == 3 * bench.GIB
    fake["neo4j"]["incremental"] = {**incremental, "status": "failed", "reason": "exit 1", "items_per_second": None}
    rows = {row["measure"]: row for row in bench.target_rows(fake)}
    failed = rows["Neo4j incremental: not measured"]
    assert failed["passed"] is None and failed["note"] == "exit 1"


def test_written_items_reads_the_push_summary() -> None:
    text = "Pushed everything from a to b\n  nodes: Model 3\n  1,234,567 nodes+edges in 9.1 s (135,667/s); 9 rows read"
    assert bench.written_items(text) == 1_234_567
    assert bench.reported_rate(text) == 135_667
    assert bench.written_items("nothing") is None


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
