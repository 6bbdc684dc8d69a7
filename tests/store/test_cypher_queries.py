"""Every file of the query library runs, through ``graphsc query``, against a real Neo4j holding the bundled
families, and its rows are checked against the embedded store holding the same records."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.ingest import ingest_snapshot
from graphsc.lineage import compute_lineage
from graphsc.querylib import list_queries
from graphsc.records import (
    Dataset,
    DatasetDerivedFrom,
    DerivedFrom,
    GraphBatch,
    Model,
    ModelDetails,
    Space,
    TrainedOn,
    Uses,
)
from graphsc.samples import hf_dataset_files
from graphsc.store.neo4j import Neo4jStore
from graphsc.store.sqlite import SQLiteStore

pytestmark = pytest.mark.neo4j
runner = CliRunner()
ROOTS = ("deepseek-ai/DeepSeek-R1", "mistralai/Mistral-Small-24B-Base-2501")
# Constructed license cases (the bundled families are all MIT / Apache-2.0): restrictive bases, permissive children;
# and merges (the bundled families have none: the Hub tags every model in them as a finetune).
LICENSE_CASES = GraphBatch(
    models=[
        Model("meta-llama/Llama-3.1-8B", license="llama3.1"),
        Model("x/llama-ft", license="mit"),
        Model("x/llama-ft-gguf", license="apache-2.0"),
        Model("x/llama-ft-nc", license="cc-by-nc-4.0"),
        Model("x/nc-base", license="cc-by-nc-4.0"),
        Model("x/nc-child", license="Apache-2.0"),
        Model("x/merge-a", license="mit"),
        Model("x/merge-b", license="apache-2.0"),
    ],
    derived_from=[
        DerivedFrom("x/llama-ft", "meta-llama/Llama-3.1-8B", "finetune", "card"),
        DerivedFrom("x/llama-ft-gguf", "x/llama-ft", "quantized", "card"),
        DerivedFrom("x/llama-ft-nc", "meta-llama/Llama-3.1-8B", "finetune", "card"),
        DerivedFrom("x/nc-child", "x/nc-base", "adapter", "card"),
        *(
            DerivedFrom(child, base, "merge", "hub-tag")
            for child in ("x/merge-a", "x/merge-b")
            for base in ("deepseek-ai/DeepSeek-R1", "mistralai/Mistral-Small-24B-Base-2501")
        ),
    ],
)


# Constructed dataset cases (the bundled dataset records declare no NC dataset a model names): a chain of datasets
# made from an NC dataset, models trained on each, and Spaces with their own records using a model.
DATASET_CASES = GraphBatch(
    datasets=[
        Dataset("x/nc-data", license="cc-by-nc-4.0"),
        Dataset("x/from-nc", license="mit"),
        Dataset("x/from-from-nc", license="apache-2.0"),
        Dataset("x/nc-sa", license="CC-BY-NC-SA-4.0"),
        Dataset("x/clean", license="apache-2.0"),
        Dataset("x/stub-source", fetched=False),
    ],
    dataset_derived_from=[
        DatasetDerivedFrom("x/from-nc", "x/nc-data", "source-datasets"),
        DatasetDerivedFrom("x/from-from-nc", "x/from-nc", "source-datasets"),
        DatasetDerivedFrom("x/clean", "x/stub-source", "source-datasets"),
    ],
    trained_on=[
        TrainedOn("x/llama-ft", "x/from-from-nc", "card"),
        TrainedOn("x/merge-a", "x/nc-data", "card"),
        TrainedOn("x/merge-a", "x/from-nc", "card"),
        TrainedOn("x/merge-b", "x/clean", "card"),
        TrainedOn("x/nc-child", "x/nc-sa", "hub-tag"),
    ],
    spaces=[Space("acme/space-a", license="mit", sdk="gradio"), Space("acme/space-b", sdk="docker")],
    uses=[
        Uses("acme/space-a", "space", "deepseek-ai/DeepSeek-R1", "space-card"),
        Uses("acme/space-b", "space", "deepseek-ai/DeepSeek-R1", "space-card"),
    ],
)
# NC by the query's documented rule: the declared license id contains "-nc" (any casing)
NC_DATASETS = {"x/nc-data", "x/nc-sa"}


class Both:
    """The two stores with the same records; ``run`` runs a library query through the CLI on Neo4j."""

    def __init__(self, embedded: SQLiteStore, neo4j: Neo4jStore) -> None:
        self.embedded = embedded
        self.neo4j = neo4j
        self.uri = neo4j.uri

    def run(self, name: str, output: str = "json", **params: Any) -> list[dict[str, Any]]:
        args = ["query", name, "--format", output, *(a for k, v in params.items() for a in ("--param", f"{k}={v}"))]
        result = runner.invoke(app, args, env={"NEO4J_URI": self.uri, "GRAPHSC_STORE": "neo4j"})
        assert result.exit_code == 0, result.output
        if output == "csv":
            return list(csv.DictReader(io.StringIO(result.stdout)))
        return json.loads(result.stdout)


@pytest.fixture
def both(families_store: SQLiteStore, neo4j_families: Neo4jStore) -> Both:
    for store in (families_store, neo4j_families):
        store.write(LICENSE_CASES)
        ingest_snapshot(store, [str(p) for p in hf_dataset_files()], kind="datasets")
        store.write(DATASET_CASES)
    return Both(families_store, neo4j_families)


def all_datasets(store: SQLiteStore) -> dict[str, Dataset]:
    return {d.id: d for page in store.iter_datasets() for d in page}


def all_trained_on(store: SQLiteStore) -> list[TrainedOn]:
    return [t for page in store.iter_trained_on() for t in page]


def dataset_edges(store: SQLiteStore) -> list[DatasetDerivedFrom]:
    return [e for page in store.iter_dataset_derived_from() for e in page]


def all_edges(store: SQLiteStore) -> list[DerivedFrom]:
    return [e for page in store.iter_derived_from() for e in page]


def model_ids(store: SQLiteStore) -> list[str]:
    return [m.id for page in store.iter_models() for m in page]


def check_schema(both: Both) -> None:
    assert both.run("schema") == [] and both.run("schema") == []
    with both.neo4j._driver.session() as session:
        names = {r["name"] for r in session.run("SHOW CONSTRAINTS YIELD name")}
    assert {"model_id", "dataset_id", "repo_id", "space_id", "graphsc_state_key"} <= names


def check_counts(both: Both) -> None:
    counts = both.embedded.counts()
    assert counts.dataset_derived_from == len(dataset_edges(both.embedded)) > 0
    assert {(r["kind"], r["name"]): r["count"] for r in both.run("counts")} == {
        **{("node", k): v for k, v in counts.nodes.items()},
        **{("edge", k): v for k, v in counts.edges.items()},  # DERIVED_FROM: between models only
        ("dataset_edge", "DERIVED_FROM"): counts.dataset_derived_from,
    }


def check_ancestors(both: Both) -> None:
    for model_id in model_ids(both.embedded)[::7]:
        rows = both.run("ancestors", id=model_id)
        assert {(r["child"], r["relation"], r["base"], r["source"]) for r in rows} == {
            (e.child, e.relation, e.base, e.source) for e in both.embedded.lineage_edges(model_id, "up")
        }


def check_descendants(both: Both) -> None:
    edges = {(e.child, e.base): e.relation for e in all_edges(both.embedded)}
    for root in ROOTS:
        for max_depth in (1, 2, 3):
            depth = dict(compute_lineage(both.embedded, root, "down", max_depth).descendant_depth)
            depth.pop(root)
            rows = both.run("descendants", id=root, max_depth=max_depth)
            assert {r["model"]: r["depth"] for r in rows} == depth and len(rows) == len(depth)
            for r in rows:
                assert edges[(r["model"], r["base"])] == r["relation"] and (
                    r["base"] == root or depth[r["base"]] == r["depth"] - 1
                )


def check_roots_and_generation(both: Both) -> None:
    for model_id in model_ids(both.embedded)[::5]:
        lineage = compute_lineage(both.embedded, model_id, "up")
        [row] = both.run("roots_and_generation", id=model_id)
        assert (row["model"], row["generation"], sorted(row["roots"])) == (
            model_id,
            lineage.generation,
            list(lineage.roots),
        )


def _roots_with_children(store: SQLiteStore) -> set[str]:
    edges = all_edges(store)
    return {e.base for e in edges} - {e.child for e in edges}


def check_largest_families(both: Both) -> None:
    rows = both.run("largest_families", limit=1000)
    assert {r["root"] for r in rows} == _roots_with_children(both.embedded)
    assert [r["size"] for r in rows] == sorted((r["size"] for r in rows), reverse=True)
    for r in rows:
        lineage = compute_lineage(both.embedded, r["root"], "down")
        assert (r["size"], r["depth"]) == (lineage.descendant_count + 1, max(lineage.descendant_depth.values()))
    assert [r["root"] for r in both.run("largest_families", limit=2)] == [r["root"] for r in rows[:2]]


def check_top_base_models(both: Both) -> None:
    edges = all_edges(both.embedded)
    direct: dict[str, Counter[str]] = defaultdict(Counter)
    for e in edges:
        direct[e.base][e.relation] += 1
    rows = both.run("top_base_models", limit=10_000)
    assert {r["model"] for r in rows} == set(direct)
    for r in rows:
        assert r["descendants"] == compute_lineage(both.embedded, r["model"], "down").descendant_count
        assert r["direct_by_relation"] == [f"{k}: {v}" for k, v in sorted(direct[r["model"]].items())]
    assert [r["descendants"] for r in rows] == sorted((r["descendants"] for r in rows), reverse=True)
    assert both.run("top_base_models", limit=3) == rows[:3]


def check_merges(both: Both) -> None:
    parents: dict[str, list[str]] = defaultdict(list)
    for e in all_edges(both.embedded):
        if e.relation == "merge":
            parents[e.child].append(e.base)
    rows = both.run("merges", limit=10_000)
    assert {r["model"]: r["parents"] for r in rows} == {k: sorted(v) for k, v in parents.items()}
    assert all(r["parent_count"] == len(r["parents"]) for r in rows) and len(both.run("merges", limit=2)) == 2


def check_trained_on(both: Both) -> None:
    by_dataset: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for page in both.embedded.iter_trained_on():
        for e in page:
            by_dataset[e.dataset].add((e.model, e.source))
    for dataset in [*sorted(by_dataset, key=lambda d: -len(by_dataset[d]))[:5], "no/such-dataset"]:
        rows = both.run("trained_on", "csv", dataset=dataset)
        assert {(r["model"], r["source"]) for r in rows} == by_dataset.get(dataset, set())


def check_users_of_model(both: Both) -> None:
    for model_id in (*ROOTS, "mistralai/Mistral-Small-24B-Instruct-2501"):
        reached = compute_lineage(both.embedded, model_id, "down").descendant_depth
        expected = {(u.user_kind, u.user, u.model, u.source) for u in both.embedded.uses_of(reached)}
        rows = both.run("users_of_model", id=model_id)
        assert {(r["kind"], r["user"], r["model"], r["source"]) for r in rows} == expected and expected


def check_license_conflicts(both: Both) -> None:
    rows = both.run("license_conflicts", limit=100)
    assert {(r["model"], r["base"]) for r in rows} == {
        ("x/llama-ft", "meta-llama/Llama-3.1-8B"),
        ("x/llama-ft-gguf", "meta-llama/Llama-3.1-8B"),
        ("x/nc-child", "x/nc-base"),
    }


def check_model_risks(both: Both) -> None:
    details = {d.model: d for page in both.embedded.iter_details() for d in page}
    pickled = min(
        m for m, d in details.items() if "pickle" in d.weight_formats and "safetensors" not in d.weight_formats
    )
    chain = GraphBatch(  # adapters load their base at run time; a finetune of an adapter has its own weights
        models=[Model("x/lora"), Model("x/lora-of-lora"), Model("x/ft-of-lora"), Model("x/cyc-a"), Model("x/cyc-b")],
        derived_from=[
            DerivedFrom("x/lora", pickled, "adapter", "card"),
            DerivedFrom("x/lora-of-lora", "x/lora", "adapter", "card"),
            DerivedFrom("x/ft-of-lora", "x/lora", "finetune", "card"),
            DerivedFrom("x/cyc-a", "x/cyc-b", "finetune", "card"),  # a cycle: neither is its own descendant
            DerivedFrom("x/cyc-b", "x/cyc-a", "finetune", "card"),
            DerivedFrom("x/cyc-a", "ghost/never-fetched", "finetune", "card"),  # a stub base: unverified
        ],
        details=[
            ModelDetails("x/cyc-a", weight_formats=("pickle",)),
            ModelDetails("x/cyc-b", scan_status="caution", disabled=True),
        ],
    )
    for store in (both.embedded, both.neo4j):
        store.write(chain)
    details = {d.model: d for page in both.embedded.iter_details() for d in page}
    fetched = {m.id: m.fetched for page in both.embedded.iter_models() for m in page}
    edges = all_edges(both.embedded)
    bases = {e.base for e in edges}
    adapters: dict[str, set[str]] = defaultdict(set)  # base -> adapters of it
    for e in edges:
        if e.relation == "adapter":
            adapters[e.base].add(e.child)

    def loaded_by(model_id: str) -> int:
        seen: set[str] = set()
        todo = [model_id]
        while todo:
            for child in adapters[todo.pop()] - seen:
                seen.add(child)
                todo.append(child)
        return len(seen - {model_id})

    expected = {}
    for model_id in {*details, *(b for b in bases if not fetched[b])}:
        d = details.get(model_id, ModelDetails(model_id))
        flags = [
            name
            for name, on in (
                ("pickle-only", "pickle" in d.weight_formats and not {"safetensors", "gguf"} & set(d.weight_formats)),
                ("custom-code", d.custom_code),
                ("unsafe-scan", d.scan_status == "unsafe"),
                ("scan-caution", d.scan_status == "caution"),
                ("disabled", d.disabled),
                ("unverified-base", not fetched[model_id]),
            )
            if on
        ]
        if flags:
            below = compute_lineage(both.embedded, model_id, "down").descendant_depth
            expected[model_id] = (flags, len(set(below) - {model_id}), loaded_by(model_id))
    rows = both.run("model_risks", limit=10_000)
    assert {r["model"]: (r["flags"], r["descendants"], r["loaded_by_adapters"]) for r in rows} == expected
    assert len(expected) == 21  # 5 pickle-only and 13 custom-code models in the bundled families, 3 made here
    assert expected[pickled][2] == 2  # x/lora and x/lora-of-lora
    assert expected["x/cyc-a"] == (["pickle-only"], 1, 0) and expected["x/cyc-b"] == (
        ["scan-caution", "disabled"],
        1,
        0,
    )
    assert expected["ghost/never-fetched"] == (["unverified-base"], 2, 0)
    assert [r["descendants"] for r in rows] == sorted((r["descendants"] for r in rows), reverse=True)


def _distances(start: str, links: dict[str, set[str]]) -> dict[str, int]:
    distance, frontier = {start: 0}, [start]
    while frontier:
        nxt = []
        for node in frontier:
            for other in sorted(links.get(node, ())):
                if other not in distance:
                    distance[other] = distance[node] + 1
                    nxt.append(other)
        frontier = nxt
    distance.pop(start)
    return distance


def check_dataset_lineage(both: Both) -> None:
    edges = {(e.child, e.base) for e in dataset_edges(both.embedded)}
    up: dict[str, set[str]] = defaultdict(set)
    down: dict[str, set[str]] = defaultdict(set)
    for child, base in edges:
        up[child].add(base)
        down[base].add(child)
    datasets = all_datasets(both.embedded)
    checked = set()
    for dataset in sorted({i for e in edges for i in e}):
        rows = both.run("dataset_lineage", dataset=dataset)
        for direction, links in (("source", up), ("derived", down)):
            expected = _distances(dataset, links)
            got = [r for r in rows if r["direction"] == direction]
            assert {r["dataset"]: r["depth"] for r in got} == expected and len(got) == len(expected), dataset
            for r in got:  # reached through an edge from a dataset one step nearer
                edge = (r["via"], r["dataset"]) if direction == "source" else (r["dataset"], r["via"])
                assert edge in edges and (r["via"] == dataset or expected[r["via"]] == r["depth"] - 1)
                record = datasets[r["dataset"]]
                assert (r["license"], r["fetched"]) == (record.license, record.fetched)
            if got:
                checked.add(direction)
    assert checked == {"source", "derived"}
    assert [(r["dataset"], r["depth"]) for r in both.run("dataset_lineage", dataset="x/from-from-nc")] == [
        ("x/from-nc", 1),
        ("x/nc-data", 2),
    ]


def check_datasets_by_license(both: Both) -> None:
    datasets = all_datasets(both.embedded)
    models: dict[str, set[str]] = defaultdict(set)
    for t in all_trained_on(both.embedded):
        models[t.dataset].add(t.model)
    rows = both.run("datasets_by_license", limit=100_000)
    assert {r["dataset"]: (r["license"], r["fetched"], r["models"], r["downloads"]) for r in rows} == {
        d.id: (d.license, d.fetched, len(models[d.id]), d.downloads) for d in datasets.values()
    }
    assert [(-r["models"], r["dataset"]) for r in rows] == sorted((-r["models"], r["dataset"]) for r in rows)
    assert both.run("datasets_by_license", limit=3) == rows[:3]


def check_models_trained_on_nc_data(both: Both) -> None:
    up: dict[str, set[str]] = defaultdict(set)
    for e in dataset_edges(both.embedded):
        up[e.child].add(e.base)
    datasets = all_datasets(both.embedded)
    expected = set()
    for t in all_trained_on(both.embedded):
        for source, hops in {t.dataset: 0, **_distances(t.dataset, up)}.items():
            record = datasets.get(source)
            if record is not None and "-nc" in (record.license or "").lower():
                expected.add((t.model, t.dataset, source, record.license, hops))
    rows = both.run("models_trained_on_nc_data", limit=10_000)
    assert {(r["model"], r["dataset"], r["nc_dataset"], r["nc_license"], r["hops"]) for r in rows} == expected
    assert {source for _, _, source, _, _ in expected} == NC_DATASETS
    assert ("x/llama-ft", "x/from-from-nc", "x/nc-data", "cc-by-nc-4.0", 2) in expected  # through two sources
    assert [(r["model"], r["dataset"], r["nc_dataset"]) for r in rows] == sorted(
        (r["model"], r["dataset"], r["nc_dataset"]) for r in rows
    )


def check_space_users(both: Both) -> None:
    spaces = {s.id: s for page in both.embedded.iter_spaces() for s in page}
    for model_id in (*ROOTS, "mistralai/Mistral-Small-24B-Instruct-2501"):
        expected = {
            (u.user, spaces[u.user].license, spaces[u.user].sdk, spaces[u.user].fetched, u.source)
            for u in both.embedded.uses_of([model_id])
            if u.user_kind == "space"
        }
        rows = both.run("space_users", id=model_id)
        assert {(r["space"], r["license"], r["sdk"], r["fetched"], r["source"]) for r in rows} == expected and expected
        assert [r["space"] for r in rows] == sorted(r["space"] for r in rows)
    assert ("acme/space-a", "mit", "gradio", True, "space-card") in {
        (r["space"], r["license"], r["sdk"], r["fetched"], r["source"]) for r in both.run("space_users", id=ROOTS[0])
    }


CHECKS: dict[str, Callable[[Both], None]] = {
    name.removeprefix("check_"): check for name, check in globals().items() if name.startswith("check_")
}


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_library_query_against_neo4j(name: str, both: Both) -> None:
    assert name in CHECKS, f"cypher/{name}.cypher has no check in this module"
    CHECKS[name](both)


def test_table_output_and_embedded_store_refusal(both: Both) -> None:
    result = runner.invoke(app, ["query", "merges", "--param", "limit=2"], env={"NEO4J_URI": both.uri})
    assert result.exit_code == 0 and "parent_count" in result.stdout and "2 rows" in result.stdout
    refused = runner.invoke(app, ["query", "merges", "--param", "limit=2", "--store", "embedded"])
    assert refused.exit_code == 1 and "graphsc neo4j push" in refused.output and "Traceback" not in refused.output


def test_library_queries_take_ids_in_any_spelling(both: Both) -> None:
    root = ROOTS[0]
    exact = both.run("descendants", id=root, max_depth=2)
    assert exact
    for spelling in (root.upper(), root.lower(), f"https://huggingface.co/{root}/tree/main"):
        assert both.run("descendants", id=spelling, max_depth=2) == exact
    dataset_rows = {}
    for page in both.embedded.iter_trained_on():
        for e in page:
            dataset_rows.setdefault(e.dataset, set()).add(e.model)
    dataset = max(dataset_rows, key=lambda d: len(dataset_rows[d]))
    rows = both.run("trained_on", dataset=dataset.swapcase())
    assert {r["model"] for r in rows} == dataset_rows[dataset]
