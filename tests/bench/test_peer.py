"""bench/peer.py on a hand-made dump: its answers checked against values worked out here, by hand and with
NetworkX, so a broken parse, build or algorithm in either library fails."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from bench import peer

ROOT = Path(__file__).resolve().parents[2]

# Ten nodes: nine records and one base without a record (h/missing). Edges point child → base.
RECORDS: list[dict[str, Any]] = [
    {"id": "a/root", "tags": ["license:apache-2.0"]},
    {"id": "b/ft1", "cardData": {"base_model": "a/root"}},
    {"id": "c/ft2", "tags": ["base_model:finetune:a/root", "base_model:a/root"]},  # one base, named twice
    {"id": "d/q1", "cardData": {"base_model": ["b/ft1"]}},
    {"id": "e/merge", "cardData": {"base_model": ["b/ft1"]}, "tags": ["base_model:merge:c/ft2"]},
    {"id": "f/lone", "cardData": {"license": "mit"}},
    {"id": "g/x", "cardData": {"base_model": "h/missing"}},
    {"id": "i/y", "tags": ["base_model:adapter:g/x"]},
    {"id": "j/card"},
]
EDGES = {
    ("b/ft1", "a/root"),
    ("c/ft2", "a/root"),
    ("d/q1", "b/ft1"),
    ("e/merge", "b/ft1"),
    ("e/merge", "c/ft2"),
    ("g/x", "h/missing"),
    ("i/y", "g/x"),
}
NODES = {r["id"] for r in RECORDS} | {"h/missing"}
SAMPLE = ["e/merge", "a/root", "i/y", "j/card"]
# (bases up to the roots, everything derived from it), worked out by hand from EDGES
LINEAGE = {"e/merge": [3, 0], "a/root": [0, 4], "i/y": [2, 0], "j/card": [0, 0]}


@pytest.fixture(scope="module")
def dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("peer") / "models.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    return path


@pytest.fixture(scope="module")
def report(dump: Path) -> dict[str, Any]:
    """The peer as bench/run.py runs it: a child process printing one JSON document."""
    sample = dump.parent / "sample.json"
    sample.write_text(json.dumps(SAMPLE))
    done = subprocess.run(
        [sys.executable, "-m", "bench.peer", str(dump), str(sample), "a/root"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return json.loads(done.stdout)


def reference() -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(NODES)
    graph.add_edges_from(EDGES)
    return graph


def test_parse_numbers_every_model_and_base(dump: Path) -> None:
    ids, edges, records = peer.parse(dump)
    assert records == len(RECORDS)
    assert len(ids) == len(set(ids)) and set(ids) == NODES
    assert ids[:2] == ["a/root", "b/ft1"]  # numbered in order of first appearance
    assert ids.index("h/missing") == ids.index("g/x") + 1  # the base without a record, when first named
    assert len(edges) == len(EDGES) and {(ids[c], ids[b]) for c, b in edges} == EDGES


def test_counts(report: dict[str, Any]) -> None:
    assert (report["records"], report["nodes"], report["edges"]) == (len(RECORDS), len(NODES), len(EDGES))
    assert report["root"] == "a/root" and report["sample"] == SAMPLE
    assert set(report["libraries"]) == set(peer.LIBRARIES)


@pytest.mark.parametrize("library", peer.LIBRARIES)
def test_descendants_components_and_lineage(report: dict[str, Any], library: str) -> None:
    lib, graph = report["libraries"][library], reference()
    assert lib["descendants"] == len(nx.ancestors(graph, "a/root")) == 4  # b, c, d, e derive from the root
    components = [len(c) for c in nx.weakly_connected_components(graph)]
    assert lib["components"] == len(components) == 4  # {a b c d e}, {f}, {g h i}, {j}
    assert lib["largest_component"] == max(components) == 5
    expected = [[len(nx.descendants(graph, m)), len(nx.ancestors(graph, m))] for m in SAMPLE]
    assert lib["lineage_counts"] == expected == [LINEAGE[m] for m in SAMPLE]


@pytest.mark.parametrize("library", peer.LIBRARIES)
def test_pagerank_agrees_with_networkx(report: dict[str, Any], library: str) -> None:
    lib = report["libraries"][library]
    expected = nx.pagerank(reference(), alpha=0.85, tol=1e-14, max_iter=10_000)
    assert lib["pagerank_sum"] == pytest.approx(1.0, abs=1e-9)
    top = dict(lib["pagerank_top"])
    assert len(top) == len(NODES)  # PAGERANK_TOP ≥ 10: every node is listed
    for model, score in top.items():
        assert score == pytest.approx(expected[model], abs=1e-6)
    scores = [score for _, score in lib["pagerank_top"]]
    assert scores == sorted(scores, reverse=True)
    assert lib["pagerank_top"][0][0] == max(expected, key=lambda m: expected[m]) == "a/root"


@pytest.mark.parametrize("library", peer.LIBRARIES)
def test_timings(report: dict[str, Any], library: str) -> None:
    lib = report["libraries"][library]
    for step in ("import", "build", "pagerank", "wcc", "descendants"):
        assert lib[f"{step}_seconds"] > 0
    assert len(lib["lineage_query_seconds"]) == len(SAMPLE)
    assert 0 < lib["lineage_query_median"] <= lib["lineage_query_p95"] <= max(lib["lineage_query_seconds"])
    assert lib["peak_rss_bytes"] > 10 * 1024**2 and lib["version"]
    assert report["parse_seconds"] > 0 and report["peak_rss_bytes"] >= lib["peak_rss_bytes"]


def test_tasks_take_the_faster_library(report: dict[str, Any]) -> None:
    libs, parse = report["libraries"], report["parse_seconds"]
    steps = {
        "load": lambda lib: parse + lib["build_seconds"],
        "pagerank": lambda lib: lib["build_seconds"] + lib["pagerank_seconds"],
        "components": lambda lib: lib["build_seconds"] + lib["wcc_seconds"],
        "descendants": lambda lib: lib["build_seconds"] + lib["descendants_seconds"],
        "lineage_median": lambda lib: lib["lineage_query_median"],
        "lineage_p95": lambda lib: lib["lineage_query_p95"],
    }
    assert set(report["tasks"]) == set(steps)
    for name, seconds in steps.items():
        task = report["tasks"][name]
        times = {library: seconds(libs[library]) for library in peer.LIBRARIES}
        assert {library: task[library] for library in peer.LIBRARIES} == pytest.approx(times)
        assert task["seconds"] == pytest.approx(min(times.values()))
        assert task["library"] == min(times, key=lambda library: times[library])


def test_unknown_root_is_an_error(dump: Path) -> None:
    sample = dump.parent / "empty.json"
    sample.write_text("[]")
    with pytest.raises(SystemExit, match="no/such"):
        peer.measure(dump, [], "no/such")
    assert peer.main([str(dump), str(sample)]) == 2  # ROOT_ID missing: usage


def test_no_sample_leaves_out_the_lineage_tasks(dump: Path) -> None:
    result = peer.measure(dump, [], "g/x")
    assert set(result["tasks"]) == {"load", "pagerank", "components", "descendants"}
    assert all(result["libraries"][lib]["descendants"] == 1 for lib in peer.LIBRARIES)  # i/y
