"""Review fixes for dataset findings, through the real commands on the embedded store:

1. a dataset's finding (``dataset_derived``) reaches the models trained on its data and their descendants (never a
   dataset in ``reached_models``; the datasets are ``reached_datasets``), with their downloads and users, so it ranks
   and filters (``--min-impact``) by them and the CI formats say so;
2. every view of a training-data or dataset finding names the dataset where the obligation originates (its
   ``chain``): the ``--model`` path, the table's chain line, the CSV ``chain`` column, SARIF's related locations;
3. a model declaring no license trained on non-commercial data is ``D-UNK-CHILD`` (as a derivative with an unknown
   license is), not "licensed for commercial use"; its descendants carry that finding on;
4. ``--model`` naming a dataset says it is a dataset and where its reach is shown.

The graph (every expectation worked out by hand below):

    data/nc (CC BY-NC 4.0)
      └ source_datasets → data/derived (MIT)                      D-NC: MIT drops NC
            ├ trained_on → org/m (Apache-2.0, 100 downloads)      T-NC: chain data/nc → data/derived
            │     ├ finetune → org/m-ft (Apache-2.0, 20 dl)       carries org/m's drop on
            │     ├ used by Space sp/demo (MIT)                   MIT drops NC: reached
            │     └ used by repo acme/app (MIT)                   reached
            └ trained_on → org/nc-model (CC BY-NC 4.0, 7 dl)      honours NC: not reached, no finding
    data/other (MIT) → org/other (Apache-2.0, 1000 dl)            nothing to drop: not reached
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.licenses.engine import check_licenses
from graphsc.licenses.explain import explain
from graphsc.records import Dataset, DatasetDerivedFrom, DerivedFrom, Model, TrainedOn
from tests.licenses.test_end_to_end_chain import _build, _dataset, _model

runner = CliRunner()
DNC = "D-NC/dataset_derived:data/derived<-data/nc"
TNC = "T-NC/trained_on:org/m<-data/derived"


def _hub_model(model_id: str, license_id: str, downloads: int, datasets: tuple[str, ...] = (), base: str = "") -> dict:
    record = _model(model_id, license_id, *datasets)
    record["downloads"] = downloads
    if base:
        record["cardData"]["base_model"] = base
        record["tags"].append(f"base_model:finetune:{base}")
    return record


def _db(tmp_path: Path) -> Path:
    return _build(
        tmp_path,
        [
            _dataset("data/nc", "cc-by-nc-4.0"),
            _dataset("data/derived", "mit", "data/nc"),
            _dataset("data/other", "mit"),
        ],
        [
            _hub_model("org/m", "apache-2.0", 100, ("data/derived",)),
            _hub_model("org/m-ft", "apache-2.0", 20, base="org/m"),
            _hub_model("org/nc-model", "cc-by-nc-4.0", 7, ("data/derived",)),
            _hub_model("org/other", "apache-2.0", 1000, ("data/other",)),
        ],
        spaces=[{"id": "sp/demo", "sdk": "gradio", "cardData": {"license": "mit", "models": ["org/m"]}}],
        repo_uses=[("acme/app", "org/m", "apache-2.0")],
        repo_licenses={"acme/app": ["mit"]},
    )


def _run(db: Path, *args: str) -> Any:
    result = runner.invoke(app, ["licenses", *args, "--db", str(db)])
    assert result.exit_code == 0, result.output
    return result


def _doc(db: Path, *args: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(_run(db, "--format", "json", "--severity", "info", *args).stdout)
    return found


def _by_key(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f"{c['rule']}/{c['edge']}:{c['child']}<-{c['base']}": c for c in doc["conflicts"]}


# ── 1. reach ──


def test_a_dataset_finding_reaches_the_models_trained_on_it_and_their_descendants_and_users(tmp_path: Path) -> None:
    doc = _doc(_db(tmp_path))
    found = _by_key(doc)
    assert set(found) == {DNC, TNC}  # org/nc-model honours NC, org/other has nothing to drop
    d = found[DNC]
    # org/m drops NC (its own T-NC), org/m-ft inherits it; org/nc-model restores it; org/other is not below
    assert d["reached_models"] == ["org/m", "org/m-ft"]
    assert d["reached_datasets"] == ["data/derived"]
    assert d["reached_downloads"] == 100 + 20
    assert d["reached_repos"] == ["acme/app", "sp/demo"]  # MIT users of org/m, sorted
    assert d["impact"] == {"models": 2, "downloads": 120, "repos": 2}
    t = found[TNC]  # the model's own finding reaches the same models and users
    assert (t["reached_models"], t["reached_downloads"], t["reached_repos"]) == (
        ["org/m", "org/m-ft"],
        120,
        ["acme/app", "sp/demo"],
    )
    assert t["reached_datasets"] == []


def test_min_impact_counts_the_models_and_users_a_dataset_finding_reaches(tmp_path: Path) -> None:
    db = _db(tmp_path)
    # reach = 2 models + 2 repositories/Spaces = 4 for both findings
    shown = _doc(db, "--min-impact", "4")
    assert {c["rule"] for c in shown["conflicts"]} == {"D-NC", "T-NC"}
    hidden = _doc(db, "--min-impact", "5")
    assert hidden["conflicts"] == [] and hidden["not_shown"]["below_min_impact"] == 2


def test_ci_formats_say_what_a_dataset_finding_reaches(tmp_path: Path) -> None:
    db = _db(tmp_path)
    sarif = json.loads(_run(db, "--format", "sarif", "--severity", "info").stdout)
    (result,) = [r for r in sarif["runs"][0]["results"] if r["properties"]["key"] == DNC]
    assert result["message"]["text"].endswith(
        "Reaches 2 models (120 downloads) and 2 repositories/Spaces; carried on by 1 dataset."
    )
    props = result["properties"]
    assert (props["reached_models"], props["reached_downloads"], props["reached_repos"]) == (2, 120, 2)
    assert props["reached_datasets"] == 1 and props["chain"] == ["data/nc"]
    junit = _run(db, "--format", "junit", "--severity", "info").stdout
    assert "Reaches 2 models (120 downloads) and 2 repositories/Spaces; carried on by 1 dataset." in junit
    assert "Reaches 1 model" not in junit


def test_a_dataset_finding_reaches_nothing_when_every_model_trained_on_it_honours_the_terms() -> None:
    # d/derived (MIT) relicenses d/nc's NC away; the only model trained on it is CC BY-NC 4.0: no model, no user.
    report = check_licenses(
        [Model("m/nc", license="cc-by-nc-4.0", downloads=5)],
        trained_on=[TrainedOn("m/nc", "d/derived", "card")],
        datasets=[Dataset("d/nc", license="cc-by-nc-4.0"), Dataset("d/derived", license="mit")],
        dataset_derived_from=[DatasetDerivedFrom("d/derived", "d/nc", "card")],
    )
    (d,) = report.conflicts
    assert (d.rule, d.reached_models, d.reached_datasets, d.impact) == ("D-NC", (), ("d/derived",), (0, 0, 0))


# ── 2. the chain in every view ──


def test_the_model_view_names_the_dataset_where_the_obligation_originates(tmp_path: Path) -> None:
    db = _db(tmp_path)
    doc = _doc(db, "--model", "org/m-ft")
    paths = {c["rule"]: (c["role"], [(h["id"], h["role"], h["relation"]) for h in c["path"]]) for c in doc["conflicts"]}
    assert paths == {
        # the obligation's source is data/nc; data/derived is made from it; org/m drops it; org/m-ft inherits
        "T-NC": (
            "inherited",
            [
                ("data/nc", "source", None),
                ("data/derived", "via", "source_datasets"),
                ("org/m", "origin", "trained_on"),
                ("org/m-ft", "inherited", "finetune"),
            ],
        ),
        # the dataset's drop reaches org/m-ft through org/m, trained on the data
        "D-NC": (
            "inherited",
            [
                ("data/nc", "source", None),
                ("data/derived", "origin", "source_datasets"),
                ("org/m", "inherited", "trained_on"),
                ("org/m-ft", "inherited", "finetune"),
            ],
        ),
    }
    (t,) = [c for c in doc["conflicts"] if c["rule"] == "T-NC"]
    assert [h["license"] for h in t["path"]][:2] == ["CC-BY-NC-4.0", "MIT"]
    table = " ".join(_run(db, "--model", "org/m-ft", "--severity", "info").stdout.split())  # rich pads and wraps
    assert "data/nc [CC-BY-NC-4.0] — source of the obligation" in table
    assert "data/derived [MIT] — source of the obligation" not in table
    assert "↳ source_datasets data/derived [MIT] — made from it, carries the obligation" in table


def test_the_table_shows_the_chain_of_a_training_data_finding(tmp_path: Path) -> None:
    table = " ".join(_run(_db(tmp_path), "--severity", "info").stdout.split())  # rich pads and wraps
    assert "chain" in table
    assert "data/nc [CC-BY-NC-4.0] → data/derived [MIT] → org/m [Apache-2.0]" in table
    assert "2 models · 120 downloads · 2 repos · 1 dataset" in table  # the dataset finding's reach


def test_the_csv_has_the_chain_and_the_datasets_reached(tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(_run(_db(tmp_path), "--format", "csv", "--severity", "info").stdout)))
    by_rule = {r["rule"]: r for r in rows}
    assert by_rule["T-NC"]["chain"] == "data/nc | data/derived"
    assert by_rule["T-NC"]["reached_datasets"] == "0"
    assert (by_rule["D-NC"]["chain"], by_rule["D-NC"]["reached_datasets"]) == ("data/nc", "1")
    assert (by_rule["D-NC"]["reached_models"], by_rule["D-NC"]["reached_repos"]) == ("2", "2")


def test_sarif_relates_a_training_data_finding_to_the_dataset_where_the_obligation_originates(tmp_path: Path) -> None:
    sarif = json.loads(_run(_db(tmp_path), "--format", "sarif", "--severity", "info").stdout)
    (result,) = [r for r in sarif["runs"][0]["results"] if r["properties"]["key"] == TNC]
    related = [loc["physicalLocation"]["artifactLocation"]["uri"] for loc in result["relatedLocations"]]
    assert related == [
        "https://huggingface.co/datasets/data/nc/blob/main/README.md",  # where the obligation originates
        "https://huggingface.co/datasets/data/derived/blob/main/README.md",  # the base: the data trained on
    ]
    assert result["properties"]["chain"] == ["data/nc", "data/derived"]


# ── 3. a model without a license ──


def test_a_model_without_a_license_trained_on_nc_data_is_an_unknown_license_finding() -> None:
    report = check_licenses(
        [Model("m/nolic"), Model("m/nolic-ft", license="apache-2.0")],
        derived_from=[DerivedFrom("m/nolic-ft", "m/nolic", "finetune", "card")],
        trained_on=[TrainedOn("m/nolic", "d/nc", "card")],
        datasets=[Dataset("d/nc", license="cc-by-nc-4.0")],
    )
    # m/nolic-ft also has D-UNK-BASE (info): its base declares no license, whatever its training data
    assert sorted((f.rule, f.child) for f in report.conflicts) == [
        ("D-UNK-BASE", "m/nolic-ft"),
        ("D-UNK-CHILD", "m/nolic"),
    ]
    (c,) = [f for f in report.conflicts if f.rule == "D-UNK-CHILD"]
    assert (c.rule, c.kind, c.severity, c.edge, c.child, c.child_license, c.base) == (
        "D-UNK-CHILD",
        "unknown_license_in_chain",
        "warning",
        "trained_on",
        "m/nolic",
        "(no license)",
        "d/nc",
    )
    assert "licensed for commercial use" not in c.description and "license unknown" in c.description
    assert c.chain == ("d/nc",) and c.dropped == ("non commercial (cc-by-nc-4.0)",)
    # The finetune declares Apache-2.0, but the NC terms reach it only through its base's training data: it carries
    # the base's finding on (as it would a T-NC), rather than a derivative finding (D-NC, error) of its own.
    assert c.reached_models == ("m/nolic", "m/nolic-ft")


def test_a_licensed_model_still_gets_t_nc_and_explain_lists_both_training_rules() -> None:
    report = check_licenses(
        [Model("m/apache", license="apache-2.0")],
        trained_on=[TrainedOn("m/apache", "d/nc", "card")],
        datasets=[Dataset("d/nc", license="cc-by-nc-4.0")],
    )
    assert [c.rule for c in report.conflicts] == ["T-NC"]
    (nc,) = [o for o in explain("cc-by-nc-4.0")["obligations"] if o["kind"] == "non_commercial"]
    assert nc["rules"]["trained_on"] == ["T-NC", "D-UNK-CHILD"]


# ── 4. --model naming a dataset ──


def test_model_option_naming_a_dataset_says_it_is_a_dataset(tmp_path: Path) -> None:
    db = _db(tmp_path)
    for given, dataset in (("data/derived", "data/derived"), ("datasets/data/nc", "data/nc")):
        result = runner.invoke(app, ["licenses", "--model", given, "--db", str(db)])
        assert result.exit_code == 1, result.output
        text = " ".join(result.stderr.split())  # rich wraps long lines
        assert f"'{dataset}' is a dataset, not a model" in text
        assert f"graphsc impact {dataset}" in text and f"graphsc lineage {dataset}" in text
        assert "Unknown model" not in text and "local path" not in text and "ingest hf" not in text


def test_model_option_naming_neither_still_says_unknown_model(tmp_path: Path) -> None:
    result = runner.invoke(app, ["licenses", "--model", "nobody/nothing", "--db", str(_db(tmp_path))])
    assert result.exit_code == 1
    assert "Unknown model" in result.stderr
