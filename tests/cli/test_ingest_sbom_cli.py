"""``graphsc ingest sbom`` and ``graphsc licenses --sbom`` on the SBOM fixtures (tests/sources/data/sbom)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.licenses.engine import check_store
from graphsc.records import DerivedFrom, GraphBatch, Model, Repo, Uses
from graphsc.store.sqlite import SQLiteStore

DATA = Path(__file__).parent.parent / "sources" / "data" / "sbom"
runner = CliRunner()


def test_ingest_app_sbom(tmp_path: Path) -> None:
    path = DATA / "chatbot.cdx.json"
    doc = json.loads(path.read_text())
    result = runner.invoke(app, ["ingest", "sbom", str(path), "--db", str(tmp_path / "g.db")])
    assert result.exit_code == 0, result.output
    assert "2 models used by acme/chatbot (repository, mit)" in result.output
    purl = doc["components"][1]["purl"].removeprefix("pkg:huggingface/").split("@")[0]
    assert f"  {purl}  [chatbot.cdx.json: components[1].purl]" in result.output


def test_python_environment_sbom_has_no_models(tmp_path: Path) -> None:
    path = DATA / "cyclonedx-py-requests-env.cdx.json"
    result = runner.invoke(app, ["ingest", "sbom", str(path), "--db", str(tmp_path / "g.db")])
    assert result.exit_code == 0, result.output
    assert f"no ML models found in {path}" in result.output


def test_bad_file_exits_1_naming_it_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "cut.json"
    bad.write_bytes((DATA / "chatbot.cdx.json").read_bytes()[:200])
    db = tmp_path / "g.db"
    result = runner.invoke(app, ["ingest", "sbom", str(DATA / "chatbot.cdx.json"), str(bad), "--db", str(db)])
    assert result.exit_code == 1
    assert f"Cannot read {bad}: not valid JSON" in result.output and "Traceback" not in result.output
    assert not db.exists()  # every file is read before anything is written


def test_licenses_sbom_reports_the_subjects_usage_conflicts(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    store = SQLiteStore(db)
    store.write(
        GraphBatch(
            models=[Model("facebook/nc-model", license="cc-by-nc-4.0"), Model("x/mit-model", license="mit")],
            repos=[Repo("other/app", license="mit")],
            uses=[Uses("other/app", "repo", "facebook/nc-model", "test")],  # a conflict of another application
        )
    )
    store.close()
    # the subject named by a vcs URL, one model by group + name, one by purl
    sbom = _cyclonedx(
        tmp_path / "app.cdx.json",
        {
            "name": "chatbot",
            "externalReferences": [{"type": "vcs", "url": "https://github.com/acme/chatbot"}],
        },
        [
            {"type": "machine-learning-model", "group": "facebook", "name": "nc-model"},
            {"type": "library", "name": "m", "purl": "pkg:huggingface/x/mit-model"},
        ],
    )
    args = ["licenses", "--sbom", str(sbom), "--db", str(db), "--format", "json", "--severity", "info"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    # MIT grants commercial use of a cc-by-nc-4.0 model: one usage conflict, of acme/chatbot only
    assert [(c["child"], c["base"], c["kind"]) for c in doc["conflicts"]] == [
        ("acme/chatbot", "facebook/nc-model", "non_commercial_dropped")
    ]
    severity = doc["conflicts"][0]["severity"]  # usage conflicts are warnings in graphsc's rules
    gated = runner.invoke(app, [*args, "--fail-on", severity])
    assert gated.exit_code == 1
    strictest = runner.invoke(app, [*args, "--fail-on", "error"])
    assert strictest.exit_code == (1 if severity == "error" else 0)


def test_licenses_sbom_without_models_has_no_conflicts(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    path = DATA / "cyclonedx-py-requests-env.cdx.json"
    result = runner.invoke(app, ["licenses", "--sbom", str(path), "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["conflicts"] == []


def test_licenses_sbom_and_model_together_is_a_usage_error(tmp_path: Path) -> None:
    path = DATA / "chatbot.cdx.json"
    result = runner.invoke(app, ["licenses", "--sbom", str(path), "--model", "a/b", "--db", str(tmp_path / "g.db")])
    assert result.exit_code == 2


def _cyclonedx(path: Path, subject: dict[str, object], components: list[dict[str, object]]) -> Path:
    """A CycloneDX 1.6 SBOM at ``path`` whose subject is an MIT-licensed application with ``subject``'s fields."""
    component = {"type": "application", "licenses": [{"license": {"id": "MIT"}}], **subject}
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "metadata": {"component": component}}
    path.write_text(json.dumps({**doc, "components": components}))
    return path


def _app_sbom(path: Path, models: list[str]) -> Path:
    """A CycloneDX SBOM of acme/app (MIT) using ``models`` (Hub ids, as pkg:huggingface purls)."""
    subject = {"name": "app", "purl": "pkg:github/acme/app"}
    return _cyclonedx(path, subject, [{"type": "library", "name": m, "purl": f"pkg:huggingface/{m}"} for m in models])


def test_licenses_sbom_judges_this_sboms_models_and_their_chains(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    with SQLiteStore(db) as store:
        store.write(
            GraphBatch(
                models=[
                    Model("test/nc-base", license="cc-by-nc-4.0"),
                    Model("test/leaf", license="apache-2.0"),  # drops the base's non-commercial clause
                    Model("test/nc-direct", license="cc-by-nc-4.0"),
                    Model("test/mit-model", license="mit"),
                ],
                derived_from=[DerivedFrom("test/leaf", "test/nc-base", "finetune", "test")],
            )
        )
    args = ["--db", str(db), "--format", "json", "--severity", "info"]
    first = _app_sbom(tmp_path / "v1.cdx.json", ["test/leaf", "test/nc-direct"])
    result = runner.invoke(app, ["licenses", "--sbom", str(first), *args, "--fail-on", "error"])
    with SQLiteStore(db, readonly=True) as store:
        everything = check_store(store).conflicts
    # expected: the app's use of its models, and what is dropped in their chains and reaches the app
    chain = [c for c in everything if c.child == "test/leaf" and "acme/app" in c.reached_repos]
    usage = [c for c in everything if c.child == "acme/app" and c.base == "test/nc-direct"]
    assert chain and chain[0].severity == "error" and usage
    doc = json.loads(result.stdout)
    reported = {(c["child"], c["base"], c["kind"]) for c in doc["conflicts"]}
    assert reported == {(c.child, c.base, c.kind) for c in chain + usage}
    assert result.exit_code == 1  # the chain finding is an error at the derivation edge

    # a later version of the SBOM uses neither: the earlier USES edges stay in the store but are not this SBOM's
    second = _app_sbom(tmp_path / "v2.cdx.json", ["test/mit-model"])
    result = runner.invoke(app, ["licenses", "--sbom", str(second), *args, "--fail-on", "error"])
    with SQLiteStore(db, readonly=True) as store:
        stale = [c for c in check_store(store).conflicts if "acme/app" in (c.child, *c.reached_repos)]
    assert stale  # the store still holds conflicts of the app through the earlier usages
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["conflicts"] == []


def test_help_says_any_cyclonedx_1_x() -> None:
    result = runner.invoke(app, ["ingest", "sbom", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "CycloneDX JSON (1.x)" in result.output and "1.6" not in result.output
