"""A dataset that relicenses away its source's obligation (``dataset_derived``) is a finding the CI formats and
policies handle as a dataset: SARIF points at the dataset's card (validated against the SARIF schema), a policy
rule can select the edge, the chain names datasets, and a waiver by the finding's key (dataset ids, not resolved
as models) waives it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from graphsc.cli import app
from tests.render.test_ci_sarif import schema_errors

runner = CliRunner()
# lab/nc (CC BY-NC 4.0) → lab/derived (MIT, source_datasets: extended|lab/nc) → acme/model (Apache-2.0) trained on it
DNC_KEY = "D-NC/dataset_derived:lab/derived<-lab/nc"


def _graph(tmp_path: Path) -> Path:
    datasets = [
        {"id": "lab/nc", "tags": ["license:cc-by-nc-4.0"]},
        {"id": "lab/derived", "tags": ["license:mit", "source_datasets:extended|lab/nc"]},
    ]
    models = [{"id": "acme/model", "cardData": {"license": "apache-2.0", "datasets": ["lab/derived"]}}]
    db = tmp_path / "g.db"
    for kind, records in (("datasets", datasets), ("models", models)):
        path = tmp_path / f"{kind}.json"
        path.write_text(json.dumps(records))  # the list API's shape: one JSON array
        result = runner.invoke(app, ["ingest", "snapshot", "--kind", kind, str(path), "--db", str(db)])
        assert result.exit_code == 0, result.output
    return db


def test_the_dataset_finding_and_the_models_own(tmp_path: Path) -> None:
    db = _graph(tmp_path)
    result = runner.invoke(app, ["licenses", "--format", "json", "--severity", "info", "--db", str(db)])
    doc = json.loads(result.stdout)
    (dnc,) = [c for c in doc["conflicts"] if c["rule"] == "D-NC"]
    assert (dnc["edge"], dnc["child_type"], dnc["child"], dnc["base"]) == (
        "dataset_derived",
        "dataset",
        "lab/derived",
        "lab/nc",
    )
    # The model trained on the relicensed data still carries NC, through the chain of datasets.
    (t,) = [c for c in doc["conflicts"] if c["rule"] == "T-NC"]
    assert (t["child"], t["base"], t["chain"]) == ("acme/model", "lab/derived", ["lab/nc", "lab/derived"])


def test_sarif_locates_a_dataset_finding_at_the_datasets_card(tmp_path: Path) -> None:
    db = _graph(tmp_path)
    result = runner.invoke(app, ["licenses", "--format", "sarif", "--severity", "info", "--db", str(db)])
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    assert schema_errors(doc) == []
    (dnc,) = [r for r in doc["runs"][0]["results"] if r["properties"]["key"] == DNC_KEY]
    uri = dnc["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    related = [loc["physicalLocation"]["artifactLocation"]["uri"] for loc in dnc["relatedLocations"]]
    assert uri == "https://huggingface.co/datasets/lab/derived/blob/main/README.md"  # the card declares the license
    assert related == ["https://huggingface.co/datasets/lab/nc/blob/main/README.md"]


def test_a_policy_selects_the_edge_and_a_waiver_by_key_waives_it(tmp_path: Path) -> None:
    db = _graph(tmp_path)
    policy = tmp_path / "policy.toml"
    policy.write_text(
        'version = 1\n[[rules]]\nid = "no-dropped-data-terms"\naction = "deny"\non = "finding"\n'
        'edge = "dataset_derived"\n'
    )
    result = runner.invoke(app, ["check", "--policy", str(policy), "--format", "json", "--db", str(db)])
    doc = json.loads(result.stdout)
    assert result.exit_code == 1, result.output
    (v,) = doc["violations"]
    assert (v["finding"], v["status"]) == (DNC_KEY, "violation"), v
    assert [(h["id"], h["kind"]) for h in v["chain"]] == [("lab/nc", "dataset"), ("lab/derived", "dataset")]
    policy.write_text(
        policy.read_text()
        + f'[[waivers]]\nfinding = "{DNC_KEY.upper()}"\nreason = "Accepted"\nowner = "legal@acme.example"\n'
        "expires = 2999-01-01\n"
    )
    waived = runner.invoke(app, ["check", "--policy", str(policy), "--format", "json", "--db", str(db)])
    assert waived.exit_code == 0, waived.output
    assert [v["status"] for v in json.loads(waived.stdout)["violations"]] == ["waived"]
