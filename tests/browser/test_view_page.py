"""graphsc view's page in headless Chromium: what it draws against the store and the license report, colours,
findings, folding and expanding, search, a clean console; a screenshot and load times (tests/browser/load-times.json).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from graphsc.ingest import ingest_snapshot
from graphsc.licenses.engine import check_store
from graphsc.render.view_html import view_html
from graphsc.store.sqlite import SQLiteStore
from graphsc.subgraph import subgraph_of
from tests.browser.conftest import console_problems, open_page
from tests.browser.families import ROOT, mixed_family_records, wide_family_records
from tests.snapshots import write_snapshot

REPO = Path(__file__).resolve().parents[2]
SCREENSHOT = REPO / "docs" / "images" / "view-deepseek-r1.png"
LOAD_TIMES = Path(__file__).with_name("load-times.json")
DEEPSEEK = "deepseek-ai/DeepSeek-R1"

DRAWN = """
const cy = window.graphscView.cy;
return {
  nodes: cy.nodes('.model').map(n => [n.id(), n.data('category'), n.style('background-color')]),
  edges: cy.edges().not('.to-group').map(e => [e.data('child'), e.data('base'), e.data('relation')]),
  highlighted: cy.edges('.finding-error, .finding-warning').map(e => [e.data('child'), e.data('base')]),
  reached: cy.nodes('.reached').map(n => n.id()),
  groups: cy.nodes('.group').map(n => n.id()),
  legend: [...document.querySelectorAll('#legend-categories .swatch')].map(s => [s.dataset.category, s.dataset.color]),
};
"""


def ingested(folder: Path, records: list[dict]) -> SQLiteStore:
    store = SQLiteStore(folder / "g.db")
    ingest_snapshot(store, [str(write_snapshot(folder / "records.jsonl", records))])
    return store


def page_of(store: SQLiteStore, folder: Path, fan_out: int = 25, **subject: str) -> Path:
    path = folder / "view.html"
    path.write_text(view_html(subgraph_of(store, check_store(store), **subject), fan_out=fan_out), encoding="utf-8")
    return path


def rgb(hex_color: str) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r},{g},{b})"


def record_load_time(name: str, measurement: dict[str, Any]) -> None:
    times = json.loads(LOAD_TIMES.read_text()) if LOAD_TIMES.exists() else {}
    times[name] = measurement
    LOAD_TIMES.write_text(json.dumps(times, indent=2, sort_keys=True) + "\n")
    print(f"load time {name}: {json.dumps(measurement)}")


def family_from_store(store: SQLiteStore, root: str) -> tuple[set[str], set[tuple[str, str, str]]]:
    edges = {(e.child, e.base, e.relation) for e in store.lineage_edges(root, "down")}
    merges = {c for c, _, r in edges if r == "merge"}
    edges |= {(e.child, e.base, e.relation) for m in merges for e in store.lineage_edges(m, "up") if e.child == m}
    return {root} | {c for c, _, _ in edges} | {b for _, b, _ in edges}, edges


def folded_under_root(records: list[dict], fan_out: int) -> set[str]:
    """The root's children beyond the fan_out most downloaded, and their descendants (from the records)."""
    children: dict[str, list[str]] = {}
    for r in records:
        base = r.get("cardData", {}).get("base_model")
        for b in [base] if isinstance(base, str) else base or []:
            children.setdefault(b, []).append(r["id"])
    downloads = {r["id"]: r.get("downloads", 0) for r in records}
    ordered = sorted(children[ROOT], key=lambda c: (-downloads[c], c))
    out, todo = set(), ordered[fan_out:]
    while todo:
        m = todo.pop()
        out.add(m)
        todo += children.get(m, [])
    return out


@pytest.fixture
def mixed(tmp_path: Path) -> tuple[SQLiteStore, Path]:
    store = ingested(tmp_path, mixed_family_records())
    yield store, page_of(store, tmp_path, family=ROOT)
    store.close()


def test_page_draws_the_family_with_colours_and_findings(driver: Any, mixed: tuple[SQLiteStore, Path]) -> None:
    store, page = mixed
    open_page(driver, page)
    drawn = driver.execute_script(DRAWN)
    ids, edges = family_from_store(store, ROOT)
    assert {n["id"] for n in driver.execute_script("return window.graphscView.data.nodes")} == ids
    hidden = folded_under_root(mixed_family_records(), 25)
    assert hidden == {f"acme/ft{i}" for i in range(8)} | {"acme/ft0-sub"}
    assert {n[0] for n in drawn["nodes"]} == ids - hidden
    assert {tuple(e) for e in drawn["edges"]} == {e for e in edges if e[0] not in hidden}
    assert drawn["groups"] == [f"more:{ROOT}"]
    # every relation and the merge with its parent outside the family (a stub)
    assert {e[2] for e in drawn["edges"]} == {"finetune", "adapter", "quantized", "merge", "distillation"}
    assert {e[1] for e in drawn["edges"] if e[0] == "acme/merged"} == {"acme/nc-relicensed", "other/outside"}
    # colours: each node's fill is its category's colour in the legend
    legend = dict(drawn["legend"])
    for node_id, category, colour in drawn["nodes"]:
        assert colour.replace(" ", "") == rgb(legend[category]), node_id
    # findings: origin edges and reached models, from the report
    report = check_store(store)
    expected = {
        (c.child, b)
        for c in report.conflicts
        if c.severity in ("error", "warning")
        for b in (c.bases or (c.base,))
        if c.child in ids and b in ids
    }
    assert expected == {("acme/nc-relicensed", "acme/nc")}
    assert {tuple(e) for e in drawn["highlighted"]} == expected
    assert set(drawn["reached"]) == {m for c in report.conflicts for m in c.reached_models if m in ids}
    selected = driver.execute_script("return window.graphscView.selectFinding(0)")
    assert selected["edges"] == [["acme/nc-relicensed", "acme/nc"]]
    assert set(selected["reached"]) == {"acme/nc-relicensed", "acme/merged"}
    assert driver.execute_script("return window.graphscView.cy.$(':selected').length") == 3
    assert console_problems(driver) == []


def test_expanding_a_group_adds_exactly_its_hidden_children(driver: Any, mixed: tuple[SQLiteStore, Path]) -> None:
    _, page = mixed
    open_page(driver, page)
    before = driver.execute_script("return window.graphscView.stats()")
    added = driver.execute_script(f"return window.graphscView.expand('more:{ROOT}')")
    assert set(added) == folded_under_root(mixed_family_records(), 25)
    after = driver.execute_script("return window.graphscView.stats()")
    assert after["drawnModels"] == before["drawnModels"] + len(added) == after["models"]
    assert after["drawnEdges"] == after["edges"] and after["groups"] == 0
    assert console_problems(driver) == []


def test_search_finds_and_reveals_a_folded_model(driver: Any, mixed: tuple[SQLiteStore, Path]) -> None:
    _, page = mixed
    open_page(driver, page)
    assert driver.execute_script("return window.graphscView.cy.getElementById('acme/ft0-sub').length") == 0
    box = driver.find_element("id", "search")
    box.send_keys("FT0-sub\n")
    deadline = time.monotonic() + 10
    while driver.find_element("id", "search-result").text == "" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert driver.find_element("id", "search-result").text == "1 match"
    assert driver.execute_script("return window.graphscView.cy.$(':selected').map(n => n.id())") == ["acme/ft0-sub"]
    assert driver.find_element("css selector", "#details h1").text == "acme/ft0-sub"
    assert driver.execute_script("return window.graphscView.search('acme/lora')") == ["acme/lora"]
    assert driver.execute_script("return window.graphscView.search('no-such-model')") == []
    assert console_problems(driver) == []


def test_deepseek_family_screenshot_and_load_time(driver: Any, families_store: SQLiteStore, tmp_path: Path) -> None:
    page = page_of(families_store, tmp_path, family=DEEPSEEK)
    ready_ms = open_page(driver, page)
    ids, edges = family_from_store(families_store, DEEPSEEK)
    drawn = driver.execute_script(DRAWN)
    assert {n["id"] for n in driver.execute_script("return window.graphscView.data.nodes")} == ids
    assert {tuple(e) for e in drawn["edges"]} <= edges and DEEPSEEK in {n[0] for n in drawn["nodes"]}
    assert console_problems(driver) == []
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOT))
    stats = driver.execute_script("return window.graphscView.stats()")
    record_load_time(
        "deepseek-r1-family",
        {"models": len(ids), "drawn_models": stats["drawnModels"], "fan_out": 25, "ready_ms": round(ready_ms)},
    )


@pytest.mark.parametrize("fan_out", [25, 100_000])
def test_synthetic_10k_family_load_time(driver: Any, tmp_path: Path, fan_out: int) -> None:
    records = wide_family_records(99, 100)
    assert len(records) == 10_000
    store = ingested(tmp_path, records)
    page = page_of(store, tmp_path, fan_out=fan_out, family="wide/root")
    store.close()
    ready_ms = open_page(driver, page, timeout=300)
    stats = driver.execute_script("return window.graphscView.stats()")
    assert stats["models"] == 10_000
    assert stats["drawnModels"] == (10_000 if fan_out > 100 else 1 + 25 + 25 * 25)
    assert console_problems(driver) == []
    record_load_time(
        f"synthetic-10k-fan-out-{fan_out}",
        {
            "models": 10_000,
            "drawn_models": stats["drawnModels"],
            "fan_out": fan_out,
            "html_bytes": page.stat().st_size,
            "ready_ms": round(ready_ms),
        },
    )


def test_a_use_finding_in_an_applications_page_selects_its_model(driver: Any, tmp_path: Path) -> None:
    """An application's page draws models, not the application: its use findings select the model used."""
    from graphsc.records import GraphBatch, Model, Repo, Uses

    store = SQLiteStore(tmp_path / "app.db")
    store.write(
        GraphBatch(
            models=[Model("lab/nc-model", license="cc-by-nc-4.0"), Model("lab/ok", license="mit")],
            uses=[Uses("acme/app", "repo", "lab/nc-model", "peatmoss"), Uses("acme/app", "repo", "lab/ok", "peatmoss")],
            repos=[Repo("acme/app", license="mit")],
        )
    )
    expected = {(c.child, c.base) for c in check_store(store).conflicts if c.edge == "uses"}
    assert expected == {("acme/app", "lab/nc-model")}
    page = page_of(store, tmp_path, repo="acme/app")
    store.close()
    open_page(driver, page)
    findings = driver.execute_script("return window.graphscView.data.findings.length")
    assert findings == 1
    selected = driver.execute_script("return window.graphscView.selectFinding(0)")
    assert selected["reached"] == ["lab/nc-model"]
    assert console_problems(driver) == []
