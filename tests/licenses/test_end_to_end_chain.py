"""The whole chain through the real commands, on the embedded store: Hub dataset records (``graphsc ingest snapshot
--kind datasets``) → Hub model records (``graphsc ingest snapshot``) → a GitHub repository's usage (``graphsc ingest
peatmoss``) or a Space's (``--kind spaces``) → ``graphsc licenses --format json``.

Each graph is a few records written here, small enough to work out by hand; each expectation says why.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from graphsc.cli import app

runner = CliRunner()

NC_CLAUSE = "cc-by-nc-4.0.commercial_use: CC BY-NC 4.0 §1(i), §2(a)(1)"


def _jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def _invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _dataset(dataset_id: str, license_id: str, *sources: str) -> dict[str, Any]:
    card: dict[str, Any] = {"license": license_id}
    if sources:
        card["source_datasets"] = [f"extended|{s}" for s in sources]
    return {"id": dataset_id, "cardData": card, "tags": [f"license:{license_id}"]}


def _model(model_id: str, license_id: str, *datasets: str) -> dict[str, Any]:
    card: dict[str, Any] = {"license": license_id}
    if datasets:
        card["datasets"] = list(datasets)
    return {"id": model_id, "cardData": card, "tags": [f"license:{license_id}"]}


def _build(
    tmp_path: Path,
    datasets: list[dict[str, Any]],
    models: list[dict[str, Any]],
    spaces: Sequence[dict[str, Any]] = (),
    repo_uses: Sequence[tuple[str, str, str]] = (),
    repo_licenses: dict[str, list[str]] | None = None,
) -> Path:
    """An embedded store filled by the ingest commands; ``repo_uses`` are (repository, model, model license) rows of
    a PeaTMOSS mapping, ``repo_licenses`` the repositories' ScanCode keys."""
    db = tmp_path / "g.db"
    _invoke("ingest", "snapshot", "--kind", "datasets", str(_jsonl(tmp_path / "d.jsonl", datasets)), "--db", str(db))
    _invoke("ingest", "snapshot", str(_jsonl(tmp_path / "m.jsonl", models)), "--db", str(db))
    if spaces:
        spaces_file = _jsonl(tmp_path / "s.jsonl", list(spaces))
        _invoke("ingest", "snapshot", "--kind", "spaces", str(spaces_file), "--db", str(db))
    if repo_uses:
        mapping = tmp_path / "mapping.csv"
        mapping.write_text("".join(f"github.com/{r},{m},https://huggingface.co/{m},{lic}\n" for r, m, lic in repo_uses))
        licenses = tmp_path / "licenses.json"
        licenses.write_text(json.dumps(repo_licenses or {}))
        _invoke("ingest", "peatmoss", "--mapping", str(mapping), "--licenses", str(licenses), "--db", str(db))
    return db


def _licenses(db: Path) -> dict[str, Any]:
    result = runner.invoke(app, ["licenses", "--format", "json", "--severity", "info", "--db", str(db)])
    assert result.exit_code == 0, result.output
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def _by_rule(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for c in doc["conflicts"]:
        out.setdefault(c["rule"], []).append(c)
    return out


def test_nc_dataset_to_apache_model_to_mit_repository(tmp_path: Path) -> None:
    # acme/nc-data (CC BY-NC 4.0) → acme/model (Apache-2.0, card datasets: [acme/nc-data]) → gh acme/app (MIT).
    # The model drops NC: T-NC. The repository uses a model that carries the dropped obligation: the usage is in
    # conflict and reached by that finding (reported once, at its origin), not a second finding.
    db = _build(
        tmp_path,
        [_dataset("acme/nc-data", "cc-by-nc-4.0")],
        [_model("acme/model", "apache-2.0", "acme/nc-data")],
        repo_uses=[("acme/app", "acme/model", "apache-2.0")],
        repo_licenses={"acme/app": ["mit"]},
    )
    doc = _licenses(db)
    rules = _by_rule(doc)
    assert sorted(rules) == ["T-NC"]
    (t,) = rules["T-NC"]
    assert (t["edge"], t["child"], t["child_type"], t["base"], t["child_license"], t["base_license"]) == (
        "trained_on",
        "acme/model",
        "model",
        "acme/nc-data",
        "Apache-2.0",
        "CC-BY-NC-4.0",
    )
    assert t["clauses"] == [NC_CLAUSE] and t["origin_licenses"] == ["cc-by-nc-4.0"]
    assert t["chain"] == ["acme/nc-data"]
    assert t["reached_repos"] == ["acme/app"] and t["impact"]["repos"] == 1
    uses = doc["summary"]["uses"]
    assert (uses["total"], uses["checkable"], uses["in_conflict"]) == (1, 1, 1)
    assert uses["by_kind"] == {"restricted_training_data": 1}


def test_a_repository_using_a_non_commercial_model_gets_the_usage_finding(tmp_path: Path) -> None:
    # The usage finding of its own: gh acme/app (MIT) uses acme/nc-model (CC BY-NC 4.0) directly: U-NC.
    db = _build(
        tmp_path,
        [_dataset("acme/nc-data", "cc-by-nc-4.0")],
        [_model("acme/nc-model", "cc-by-nc-4.0", "acme/nc-data")],
        repo_uses=[("acme/app", "acme/nc-model", "cc-by-nc-4.0")],
        repo_licenses={"acme/app": ["mit"]},
    )
    rules = _by_rule(_licenses(db))
    assert sorted(rules) == ["U-NC"]  # the NC model honours its NC training data: no T-NC
    (u,) = rules["U-NC"]
    assert (u["edge"], u["child"], u["child_type"], u["base"], u["clauses"]) == (
        "uses",
        "acme/app",
        "repo",
        "acme/nc-model",
        [NC_CLAUSE],
    )


def test_nc_dataset_to_derived_dataset_to_model_to_repository(tmp_path: Path) -> None:
    # acme/nc-data (CC BY-NC 4.0) → acme/derived (MIT, source_datasets: extended|acme/nc-data) → acme/model
    # (Apache-2.0) → gh acme/app (MIT): NC dropped at the derived dataset (D-NC, a dataset finding) and again by the
    # model (T-NC naming the chain); the repository is reached by both (through the model).
    db = _build(
        tmp_path,
        [_dataset("acme/nc-data", "cc-by-nc-4.0"), _dataset("acme/derived", "mit", "acme/nc-data")],
        [_model("acme/model", "apache-2.0", "acme/derived")],
        repo_uses=[("acme/app", "acme/model", "apache-2.0")],
        repo_licenses={"acme/app": ["mit"]},
    )
    doc = _licenses(db)
    rules = _by_rule(doc)
    assert sorted(rules) == ["D-NC", "T-NC"]
    (t,) = rules["T-NC"]
    assert (t["child"], t["base"], t["base_license"]) == ("acme/model", "acme/derived", "MIT")
    assert t["chain"] == ["acme/nc-data", "acme/derived"] and t["origin_licenses"] == ["cc-by-nc-4.0"]
    assert t["clauses"] == [NC_CLAUSE] and t["reached_repos"] == ["acme/app"]
    assert "(from acme/nc-data)" in t["detail"]
    (d,) = rules["D-NC"]
    assert (d["edge"], d["child"], d["child_type"], d["base"], d["relation"], d["severity"]) == (
        "dataset_derived",
        "acme/derived",
        "dataset",
        "acme/nc-data",
        "source_datasets",
        "error",
    )
    assert d["clauses"] == [NC_CLAUSE] and d["reached_repos"] == ["acme/app"]
    assert d["reached_models"] == ["acme/model"] and d["reached_datasets"] == ["acme/derived"]
    assert doc["summary"]["uses"]["in_conflict"] == 1


def test_nc_chain_to_a_space(tmp_path: Path) -> None:
    # The same chain, used by a Space declared MIT (its card's models), which also uses a CC BY-NC 4.0 model: the
    # Space is reached by the model's T-NC and has its own U-NC, exactly as a repository would.
    db = _build(
        tmp_path,
        [_dataset("acme/nc-data", "cc-by-nc-4.0"), _dataset("acme/derived", "mit", "acme/nc-data")],
        [_model("acme/model", "apache-2.0", "acme/derived"), _model("acme/nc-model", "cc-by-nc-4.0")],
        spaces=[
            {"id": "acme/demo", "sdk": "gradio", "cardData": {"license": "mit", "models": ["acme/model"]}},
            {"id": "acme/nc-demo", "sdk": "gradio", "cardData": {"license": "mit", "models": ["acme/nc-model"]}},
        ],
    )
    doc = _licenses(db)
    rules = _by_rule(doc)
    assert sorted(rules) == ["D-NC", "T-NC", "U-NC"]
    (t,) = rules["T-NC"]
    assert t["chain"] == ["acme/nc-data", "acme/derived"] and t["reached_repos"] == ["acme/demo"]
    (u,) = rules["U-NC"]
    assert (u["child"], u["child_type"], u["child_license"], u["base"], u["clauses"]) == (
        "acme/nc-demo",
        "space",
        "MIT",
        "acme/nc-model",
        [NC_CLAUSE],
    )
    assert "Space" in u["description"]
    uses = doc["summary"]["uses"]
    assert (uses["total"], uses["checkable"], uses["in_conflict"]) == (2, 2, 2)


@pytest.mark.parametrize("gate", ["error", "warning"])
def test_the_gate_fails_on_the_chain(tmp_path: Path, gate: str) -> None:
    # D-NC (error) at the derived dataset, T-NC (warning) at the model: both gates fail.
    db = _build(
        tmp_path,
        [_dataset("acme/nc-data", "cc-by-nc-4.0"), _dataset("acme/derived", "mit", "acme/nc-data")],
        [_model("acme/model", "apache-2.0", "acme/derived")],
    )
    result = runner.invoke(app, ["licenses", "--format", "json", "--fail-on", gate, "--db", str(db)])
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["gate"] == {"fail_on": gate, "failed": True}
