"""The license engine on real data: the bundled Hub model families plus the 300 real Hub dataset records, ingested by
the real commands, against an independent computation from the raw JSON and the license table's TOML.

The expectations parse the records here (models' card ``datasets`` and ``dataset:`` tags, datasets' card
``license`` or ``license:`` tags and ``source_datasets``, ids compared ignoring case) and read the TOML directly, not
through graphsc's sources, rules or engine. Provenance of the data: ``graphsc/data/samples/README.md``.
"""

from __future__ import annotations

import json
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from graphsc import samples
from graphsc.cli import app
from graphsc.licenses.engine import check_store
from graphsc.licenses.graph import EDGE_TRAINED_ON, graph_from_store
from graphsc.store.sqlite import SQLiteStore

runner = CliRunner()

DOC = tomllib.loads(resources.files("graphsc.license_table").joinpath("data/licenses.toml").read_text())
TABLE: dict[str, dict[str, Any]] = DOC["licenses"]
ALIASES = {a.lower(): lid for lid, entry in TABLE.items() for a in (lid, *entry.get("aliases", []))}
# Where the shared copy of the sample lives when the package does not bundle it (yet).
SHARED_SAMPLE = Path("/work/shared/data/hf-datasets/datasets-sample.jsonl")
NO_UPSTREAM = {"original", "extended", "other", "unknown"}


def dataset_sample_files() -> list[Path]:
    """The real dataset records: the package's bundled copy, else the shared one (skip when neither is there)."""
    try:
        bundled = samples.hf_dataset_files()
    except FileNotFoundError:
        bundled = []
    if bundled:
        return bundled
    if SHARED_SAMPLE.exists():
        return [SHARED_SAMPLE]
    pytest.skip("no real dataset sample")


def _records(paths: list[Path]) -> list[dict[str, Any]]:
    return [json.loads(line) for path in paths for line in path.open() if line.strip()]


def _strings(value: Any) -> list[str]:
    return (
        [value]
        if isinstance(value, str)
        else [v for v in value if isinstance(v, str)]
        if isinstance(value, list)
        else []
    )


def _declared(record: dict[str, Any]) -> list[str]:
    """The license ids a record declares: the card's ``license`` (a list: all of them), else its ``license:`` tags."""
    card = record.get("cardData") or {}
    found = _strings(card.get("license"))
    return found or [t.removeprefix("license:") for t in record.get("tags") or [] if t.startswith("license:")]


def _known(ids: list[str]) -> list[tuple[str, dict[str, Any]]] | None:
    """(table id, entry) of each declared id, None unless every one is in the table with known terms."""
    found = [ALIASES.get(i.strip().lower()) for i in ids]
    if not found or any(lid is None or TABLE[lid].get("status", "known") != "known" for lid in found):
        return None
    return [(lid, TABLE[lid]) for lid in found if lid is not None]


def _training_pairs(models: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """(model key, dataset key) pairs, from each model's card ``datasets`` and ``dataset:`` tags."""
    out: set[tuple[str, str]] = set()
    for r in models:
        names = _strings((r.get("cardData") or {}).get("datasets"))
        names += [t.removeprefix("dataset:") for t in r.get("tags") or [] if t.startswith("dataset:")]
        for name in names:
            out.add((r["id"].lower(), name.strip().lower()))
    return out


def _obligations_binding_models(entry: dict[str, Any]) -> set[str]:
    """What a dataset license imposes on models trained on the data, read from its TOML clauses: nothing when its
    Results are unrestricted; else NC, share-alike/same-license (the accepted ids), no-derivatives, use
    restrictions."""
    if entry.get("results_unrestricted", {}).get("value"):
        return set()
    found = set()
    if entry.get("commercial_use", {}).get("value") is False:
        found.add("nc")
    for clause in ("copyleft", "derivatives_same_license", "agreement_copy"):
        if clause in entry and entry[clause].get("value"):
            found.add("same")
    if entry.get("no_derivatives", {}).get("value"):
        found.add("nd")
    if entry.get("use_restrictions_must_pass", {}).get("value"):
        found.add("ur")
    return found


def _model_keeps(ob: str, dataset_id: str, model: list[tuple[str, dict[str, Any]]] | None) -> bool:
    """Does a model declaring ``model`` ((table id, entry) pairs, None: unknown) keep the obligation ``ob`` of the
    dataset license ``dataset_id``?"""
    if model is None:
        return False
    if ob == "nc":
        return any(e.get("commercial_use", {}).get("value") is False for _, e in model)
    if ob == "same":
        accepted = {dataset_id} | {
            c
            for clause in ("copyleft", "derivatives_same_license", "agreement_copy")
            for c in TABLE[dataset_id].get(clause, {}).get("compatible", [])
        }
        return any(lid in accepted or e.get("family") in accepted for lid, e in model)
    if ob == "ur":
        raise AssertionError("no dataset in the sample carries use restrictions: extend this check when one does")
    return False  # nd: a trained model never keeps it


@pytest.fixture(scope="module")
def real_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("real-datasets") / "g.db"
    for args in (
        ["ingest", "snapshot", *map(str, samples.hf_family_files())],
        ["ingest", "snapshot", "--kind", "datasets", *map(str, dataset_sample_files())],
    ):
        result = runner.invoke(app, [*args, "--db", str(db)])
        assert result.exit_code == 0, result.output
    return db


@pytest.fixture(scope="module")
def doc(real_db: Path) -> dict[str, Any]:
    result = runner.invoke(app, ["licenses", "--format", "json", "--severity", "info", "--db", str(real_db)])
    assert result.exit_code in (0, 1), result.output
    found: dict[str, Any] = json.loads(result.stdout)
    return found


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    """Every number the engine should give, computed from the raw JSON and the TOML."""
    models = _records(samples.hf_family_files())
    datasets = {r["id"].lower(): r for r in _records(dataset_sample_files())}
    model_licenses = {r["id"].lower(): _known(_declared(r)) for r in models}
    known_edges: list[tuple[str, str]] = []
    findings: set[tuple[str, str, str]] = set()
    for model_key, dataset_key in _training_pairs(models):
        record = datasets.get(dataset_key)
        entries = _known(_declared(record)) if record is not None else None
        if entries is None:
            continue
        known_edges.append((model_key, dataset_key))
        dropped = {
            ob
            for dataset_license, entry in entries
            for ob in _obligations_binding_models(entry)
            if not _model_keeps(ob, dataset_license, model_licenses.get(model_key))
        }
        if "nc" in dropped:
            findings.add(("T-NC", model_key, dataset_key))
        if dropped - {"nc"}:
            findings.add(("T-OTHER", model_key, dataset_key))
    sources = set()
    for r in datasets.values():
        card = r.get("cardData") or {}
        values = _strings(card.get("source_datasets")) or [
            t.removeprefix("source_datasets:") for t in r.get("tags") or [] if t.startswith("source_datasets:")
        ]
        for value in values:
            base = value.split("|", 1)[1].strip() if value.lower().startswith("extended|") else value.strip()
            if base.lower() in NO_UPSTREAM or base.lower().startswith("other-") or base.lower() == r["id"].lower():
                continue
            if r["id"].lower().startswith("legacy-datasets/") and base.lower() == r["id"].split("/", 1)[1].lower():
                continue  # the Hub moved canonical datasets there: the old id is the record itself
            sources.add((r["id"].lower(), base.lower()))
    # a derived dataset's finding needs its source's license to impose something on the data
    fetched_sources = [
        (child, base)
        for child, base in sources
        if base in datasets
        and (e := _known(_declared(datasets[base])))
        and any(_obligations_binding_models(entry) for _, entry in e)
    ]
    return {
        "known_edges": sorted(known_edges),
        "findings": findings,
        "dataset_edges": len(sources),
        "dataset_sources_with_obligations": len(fetched_sources),
    }


def test_training_edges_reaching_a_dataset_with_a_known_license(real_db: Path, expected: dict[str, Any]) -> None:
    store = SQLiteStore(real_db)
    try:
        graph = graph_from_store(store)
    finally:
        store.close()
    found = sorted(
        (graph.node_ids[child].lower(), graph.node_ids[graph.parent_idx[pos]].lower())
        for child in range(graph.n_models)
        for pos in graph.parents(child)
        if graph.parent_kind[pos] == EDGE_TRAINED_ON
        and not graph.profiles[graph.node_profile[graph.parent_idx[pos]]].unknown
    )
    assert found == expected["known_edges"]
    assert len(found) == 4  # the bundled families train on 4 datasets of the sample with a known license


def test_training_data_findings_are_the_independent_ones(doc: dict[str, Any], expected: dict[str, Any]) -> None:
    training = [c for c in doc["conflicts"] if c["edge"] == "trained_on"]
    assert {(c["rule"], c["child"].lower(), c["base"].lower()) for c in training} == expected["findings"]
    assert len(training) == len(expected["findings"]) == 1  # an MIT model trained on CC BY-SA 4.0 SQuAD
    assert doc["summary"]["by_kind"].get("restricted_training_data", 0) == len(training)
    for c in training:
        assert c["clauses"] and c["chain"] == [c["base"]]  # no dataset of the sample is made from another of it


def test_dataset_lineage_of_the_sample(real_db: Path, doc: dict[str, Any], expected: dict[str, Any]) -> None:
    store = SQLiteStore(real_db)
    try:
        report = check_store(store)
    finally:
        store.close()
    assert report.dataset_lineage_edges == expected["dataset_edges"] == 15  # "squad", "wikipedia", "glue", ...
    # every source the sample names is outside it (or imposes nothing on the data): no finding between datasets
    assert expected["dataset_sources_with_obligations"] == 0
    assert [c for c in doc["conflicts"] if c["edge"] == "dataset_derived"] == []
