"""graphsc view's page: the data it embeds, no external resources, ids that cannot break out, the command."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.cli.view import default_output
from graphsc.licenses.engine import check_store
from graphsc.render.view_html import CATEGORY_COLORS, view_data, view_html
from graphsc.store.sqlite import SQLiteStore
from graphsc.subgraph import Subgraph, SubgraphEdge, SubgraphNode, subgraph_of

ROOT = "deepseek-ai/DeepSeek-R1"
DATA = re.compile(r'<script type="application/json" id="graphsc-data">(.*?)</script>', re.DOTALL)
HOSTILE = "</script><script>alert(1)</script>\"'<!-- ü 模型 \u2028&amp;"


def embedded(page: str) -> dict:
    """The JSON blob of a page, parsed back."""
    found = DATA.findall(page)
    assert len(found) == 1
    return json.loads(found[0])


def lineage_from_store(store: SQLiteStore, root: str) -> tuple[set[str], set[tuple[str, str, str]]]:
    """The family of ``root`` computed from ``store.lineage_edges`` alone: model ids and (child, base, relation)."""
    edges = {(e.child, e.base, e.relation) for e in store.lineage_edges(root, "down")}
    return {root} | {c for c, _, _ in edges} | {b for _, b, _ in edges}, edges


def test_page_embeds_the_family(families_store: SQLiteStore) -> None:
    page = view_html(subgraph_of(families_store, check_store(families_store), family=ROOT))
    data = embedded(page)
    ids, edges = lineage_from_store(families_store, ROOT)
    assert {n["id"] for n in data["nodes"]} == ids
    assert {(e["child"], e["base"], e["relation"]) for e in data["edges"]} == edges
    assert data["roots"] == [ROOT]
    assert data["focus"] == ROOT
    assert data["fanOut"] == 25
    assert {c["name"]: c["color"] for c in data["categories"]} == CATEGORY_COLORS
    # datasets and users are fields of the models, not nodes
    by_id = {n["id"]: n for n in data["nodes"]}
    assert any(n["datasets"] for n in data["nodes"])
    assert all(n["usersCount"] >= len(n["users"]) for n in data["nodes"])
    assert by_id[ROOT]["url"] == f"https://huggingface.co/{ROOT}"


def test_page_has_no_external_resources(families_store: SQLiteStore) -> None:
    page = view_html(subgraph_of(families_store, check_store(families_store), family=ROOT))
    assert page.startswith("<!DOCTYPE html>")
    assert re.findall(r"<script\b[^>]*\bsrc\s*=", page, re.IGNORECASE) == []
    hrefs = re.findall(r"<link\b[^>]*\bhref\s*=\s*\"([^\"]*)\"", page, re.IGNORECASE)
    assert all(h.startswith("data:") for h in hrefs), hrefs
    assert "cytoscape" in page and "/*GRAPHSC:" not in page


def hostile_subgraph() -> Subgraph:
    graph = Subgraph(f"Family of {HOSTILE}", HOSTILE)
    for node_id in (HOSTILE, "org/child"):
        graph.nodes[node_id] = SubgraphNode(
            node_id,
            "model",
            "MIT",
            "permissive",
            True,
            3,
            HOSTILE,
            None,
            (HOSTILE,),
            (HOSTILE,),
            "https://x/" + node_id,
        )
    graph.edges.append(SubgraphEdge("org/child", HOSTILE, "derived_from", "finetune", "hub-tag"))
    return graph


def test_hostile_ids_cannot_break_out() -> None:
    graph = hostile_subgraph()
    page = view_html(graph)
    # the page's own three scripts and nothing else: the id's </script> and <!-- stay inside the JSON text
    assert page.lower().count("</script") == 3
    assert page.count("<script") == 3
    assert "<!-- ü" not in page
    blob = DATA.findall(page)[0]
    assert "<" not in blob and ">" not in blob and "&" not in blob and "\u2028" not in blob
    data = json.loads(blob)
    assert data == json.loads(json.dumps(view_data(graph)))
    assert data["focus"] == HOSTILE and data["nodes"][0]["author"] == HOSTILE
    assert f"<title>Family of {HOSTILE}" not in page
    assert "<title>Family of &lt;/script&gt;" in page


def test_view_command_writes_the_page(families_store: SQLiteStore, tmp_path: Path) -> None:
    db = families_store.path
    out = tmp_path / "family.html"
    result = CliRunner().invoke(app, ["view", "--family", ROOT, "--db", str(db), "-o", str(out), "--fan-out", "5"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out)
    data = embedded(out.read_text(encoding="utf-8"))
    assert data["fanOut"] == 5
    assert {n["id"] for n in data["nodes"]} == lineage_from_store(families_store, ROOT)[0]


def test_view_command_default_output(
    families_store: SQLiteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    db = families_store.path
    model = "perplexity-ai/r1-1776"
    result = CliRunner().invoke(app, ["view", model, "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "graphsc-view-perplexity-ai_r1-1776.html"
    data = embedded((tmp_path / result.output.strip()).read_text(encoding="utf-8"))
    assert data["focus"] == model
    ids, _ = lineage_from_store(families_store, model)
    assert {n["id"] for n in data["nodes"]} == ids | {ROOT}  # its descendants and its base


@pytest.mark.parametrize("args", [[], ["a/b", "--family", "c/d"], ["--family", "a/b", "--repo", "c/d"]])
def test_view_command_wants_exactly_one_subject(args: list[str], tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["view", *args, "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert "one of them" in result.output


def test_default_output_is_a_safe_name() -> None:
    assert default_output("org/Model v1.5").name == "graphsc-view-org_Model_v1.5.html"
    assert default_output("../../etc/passwd").name == "graphsc-view-etc_passwd.html"
    assert default_output("///").name == "graphsc-view-graph.html"
