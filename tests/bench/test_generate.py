"""Tests for bench/generate.py: determinism, record shape, relation mix, fan-out, Parquet == JSONL."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from bench import generate as g
from graphsc.samples import hf_family_files

N = 20_000
SEED = 7


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _bases(rec: dict[str, Any]) -> list[str]:
    bm = (rec.get("cardData") or {}).get("base_model")
    return [bm] if isinstance(bm, str) else list(bm or [])


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("gen")
    g.main(
        [
            "--models",
            str(N),
            "--seed",
            str(SEED),
            "--out",
            str(d / "m.jsonl"),
            "--workers",
            "1",
            "--repos-out",
            str(d / "map.csv"),
        ]
    )
    g.main(["--models", str(N), "--seed", str(SEED), "--out", str(d / "m.parquet"), "--workers", "1"])
    return d


@pytest.fixture(scope="module")
def records(out: Path) -> list[dict[str, Any]]:
    return _read_jsonl(out / "m.jsonl")


@pytest.fixture(scope="module")
def lineage(records: list[dict[str, Any]]) -> nx.DiGraph:
    """child -> base edges from card base_model, with the relation from the tags."""
    graph = nx.DiGraph()
    for rec in records:
        graph.add_node(rec["id"])
        rel = {
            t.split(":", 2)[2]: t.split(":", 2)[1]
            for t in rec.get("tags", [])
            if t.count(":") >= 2 and t.startswith("base_model:")
        }
        for b in _bases(rec):
            graph.add_edge(rec["id"], b, relation=rel.get(b))
    return graph


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path: Path, out: Path) -> None:
    g.main(["--models", str(N), "--seed", str(SEED), "--out", str(tmp_path / "a.jsonl"), "--workers", "1"])
    assert (tmp_path / "a.jsonl").read_bytes() == (out / "m.jsonl").read_bytes()
    g.main(["--models", str(N), "--seed", str(SEED + 1), "--out", str(tmp_path / "b.jsonl"), "--workers", "1"])
    assert (tmp_path / "b.jsonl").read_bytes() != (out / "m.jsonl").read_bytes()


def test_output_does_not_depend_on_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(g, "CHUNK", 1_000)
    s = g.build_structure(5_000, 3)
    g.write_jsonl(tmp_path / "w1.jsonl", s, workers=1)
    g.write_jsonl(tmp_path / "w2.jsonl", s, workers=2)
    assert (tmp_path / "w1.jsonl").read_bytes() == (tmp_path / "w2.jsonl").read_bytes()


def test_record_shape_matches_real_files(records: list[dict[str, Any]]) -> None:
    real = [r for f in hf_family_files() for r in _read_jsonl(f)]  # the real DeepSeek/Mistral records
    real_keys = set().union(*(r.keys() for r in real))
    always = set.intersection(*(set(r) for r in real))
    real_types = {k: {type(r[k]) for r in real if k in r} for k in real_keys}
    ids = [r["id"] for r in records]
    assert len(set(ids)) == len(ids) == N
    card_only = [r for r in records if set(r) == {"id", "cardData"}]
    assert 0 < len(card_only) < 0.02 * N
    for rec in records:
        if rec in card_only:
            continue
        assert always <= set(rec) <= real_keys, set(rec) ^ real_keys
        assert list(rec) == sorted(rec)
        for k, v in rec.items():
            assert type(v) in real_types[k], (k, v)
        assert rec["modelId"] == rec["id"] and rec["id"].split("/")[0] == rec["author"]
        assert rec["_id"][:8] == format(int(g.np.datetime64(rec["createdAt"][:19]).astype("int64")), "08x")
        assert len(rec["sha"]) == 40 and rec["createdAt"] <= rec["lastModified"]


def test_tags_agree_with_card(records: list[dict[str, Any]]) -> None:
    for rec in records:
        if "tags" not in rec:
            continue
        card, tags = rec["cardData"], rec["tags"]
        lic = card.get("license")
        assert [t for t in tags if t.startswith("license:")] == ([f"license:{lic}"] if lic else [])
        assert {t[8:] for t in tags if t.startswith("dataset:")} == set(card.get("datasets", []))
        if lic == "other":
            assert "license_name" in card and "license_link" in card
        bases = [b for b in _bases(rec) if b != rec["id"]]
        bm_tags = [t for t in tags if t.startswith("base_model:")]
        assert len(bm_tags) == 2 * len(bases)
        for b in bases:
            assert f"base_model:{b}" in tags
            assert sum(t.endswith(":" + b) and t.count(":") >= 2 for t in bm_tags) == 1


def test_relation_mix(records: list[dict[str, Any]], lineage: nx.DiGraph) -> None:
    with_base = sum(1 for r in records if _bases(r))
    assert 0.25 <= with_base / N <= 0.30
    assert 0.26 <= lineage.number_of_edges() / N <= 0.31  # ~570k edges at 2M
    rels = Counter(rel for _, _, rel in lineage.edges(data="relation") if rel)
    total = sum(rels.values())
    assert set(rels) == {"adapter", "finetune", "quantized", "merge"}
    assert rels["adapter"] > rels["quantized"] > rels["merge"] and rels["finetune"] > rels["quantized"]
    assert 0.28 <= rels["finetune"] / total <= 0.40
    merges = [r for r in records if len(_bases(r)) > 1]
    assert merges and all(2 <= len(_bases(r)) <= 5 for r in merges)
    quantized = {c for c, _, rel in lineage.edges(data="relation") if rel == "quantized"}
    used_as_base = {b for _, b in lineage.edges()}
    assert len(quantized & used_as_base) <= 0.02 * len(quantized)  # ~99% of quantized are leaves


def test_fan_out_depth_and_cycles(records: list[dict[str, Any]], lineage: nx.DiGraph) -> None:
    known = {r["id"] for r in records}
    families = sorted((len(c) for c in nx.weakly_connected_components(lineage.subgraph(known))), reverse=True)
    assert 0.06 * N <= families[0] <= 0.09 * N  # Qwen-like: ~150k of 2M
    assert families[0] > 2 * families[1] and families[4] > 0.005 * N  # a few more big roots
    assert sum(1 for f in families if 2 <= f <= 10) > 100  # long tail of small families
    assert sum(1 for f in families if f == 1) > 0.6 * N  # many isolated models
    top_root = max(lineage.nodes, key=lineage.in_degree)
    assert lineage.in_degree(top_root) > 0.02 * N  # heavy fan-out at the root
    dag = lineage.subgraph(known).copy()
    cycles = list(nx.simple_cycles(dag))
    assert any(len(c) == 1 for c in cycles) and any(len(c) == 2 for c in cycles)
    dag.remove_edges_from([(c[0], c[-1 if len(c) == 1 else 1]) for c in cycles])
    assert nx.is_directed_acyclic_graph(dag)
    assert nx.dag_longest_path_length(dag) >= 6
    assert any(b not in known for r in records for b in _bases(r))  # dangling references exist


def test_license_mix(records: list[dict[str, Any]]) -> None:
    lic = Counter((r["cardData"].get("license")) for r in records)
    assert 0.2 < lic[None] / N < 0.4 and lic["apache-2.0"] > lic["mit"] > lic["cc-by-nc-4.0"]
    for restrictive in (
        "llama2",
        "llama3.1",
        "gemma",
        "creativeml-openrail-m",
        "openrail++",
        "cc-by-nc-4.0",
        "bigscience-bloom-rail-1.0",
        "other",
        "unknown",
    ):
        assert lic[restrictive] > 0, restrictive


def test_parquet_has_the_same_records(out: Path, records: list[dict[str, Any]]) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    table = pq.read_table(out / "m.parquet")
    meta = pq.ParquetFile(out / "m.parquet").metadata
    assert meta.num_row_groups == -(-N // g.CHUNK)
    assert table.schema.field("tags").type == g.parquet_schema().field("tags").type
    rows = [g.parquet_row_to_record(row) for row in table.to_pylist()]
    assert rows == records


def test_repos_output(out: Path, records: list[dict[str, Any]]) -> None:
    with open(out / "map.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    licenses = json.loads((out / "gh_licenses.json").read_text())
    by_id = {r["id"]: r for r in records}
    assert rows and all(len(row) == 4 for row in rows)
    for url, mid, hf_url, hf_license in rows:
        assert url.startswith("github.com/") and url[len("github.com/") :] in licenses
        assert hf_url == f"https://huggingface.co/{mid}"
        assert hf_license == (by_id[mid]["cardData"].get("license") or "")
    per_model = Counter(row[1] for row in rows)
    assert max(per_model.values()) > 10 * (len(rows) / len(per_model))  # heavy-tailed usage
    assert any(v is None for v in licenses.values()) and any(v and len(v) > 1 for v in licenses.values())
