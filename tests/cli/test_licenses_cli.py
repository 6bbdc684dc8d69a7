"""``graphsc licenses`` on the bundled real data (two Hub families + PeaTMOSS usages) and on a small lineage.

Expectations come from the data: the engine's own report over the same store (counts, ranking), one output
format checked against another (CSV against JSON, the table against JSON), and filters checked against the
unfiltered document — never typed-in numbers, except on graphs of a few models small enough to work out by hand
(each such expectation says why it is what it is).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from graphsc import samples
from graphsc.cli import app
from graphsc.licenses.engine import check_store
from graphsc.licenses.rules import SEVERITY_ORDER
from graphsc.licenses.select import KINDS
from graphsc.records import Dataset, DerivedFrom, GraphBatch, Model, Repo, TrainedOn, Uses
from graphsc.render.licenses_csv import CSV_COLUMNS
from graphsc.store.sqlite import SQLiteStore
from tests.test_readme import json_example

runner = CliRunner()


def run(db: Path, *args: str, width: int = 100) -> Result:
    return runner.invoke(app, ["licenses", *args, "--db", str(db)], env={"COLUMNS": str(width)})


def doc_of(db: Path, *args: str) -> dict:
    result = run(db, "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def real_report(real_db: Path):
    store = SQLiteStore(real_db)
    try:
        return check_store(store)
    finally:
        store.close()


@pytest.fixture(scope="module")
def everything(real_db: Path) -> dict:
    """Every conflict, info included, as JSON."""
    return doc_of(real_db, "--severity", "info")


# A Llama 2 fine-tune relicensed MIT, quantized, fine-tuned again, then merged with a non-commercial model.
CHAIN = [
    ("a/ft", "meta/Llama-2-7b", "finetune"),
    ("b/ft-gguf", "a/ft", "quantized"),
    ("c/ft2", "b/ft-gguf", "finetune"),
    ("e/merge", "c/ft2", "merge"),
    ("e/merge", "d/nc", "merge"),
]


@pytest.fixture
def chain_db(tmp_path: Path) -> Path:
    path = tmp_path / "chain.db"
    store = SQLiteStore(path)
    licenses = {
        "meta/Llama-2-7b": "llama2",
        "a/ft": "mit",
        "b/ft-gguf": "mit",
        "c/ft2": "apache-2.0",
        "d/nc": "cc-by-nc-sa-4.0",
        "e/merge": "apache-2.0",
    }
    store.write(
        GraphBatch(
            models=[Model(m, license=lic, downloads=10) for m, lic in licenses.items()],
            derived_from=[DerivedFrom(c, b, rel, "test") for c, b, rel in CHAIN],
            repos=[Repo("gh/app", license="mit")],
            uses=[Uses("gh/app", "repo", "c/ft2", "test")],
        )
    )
    store.close()
    return path


# ── JSON ──


def test_json_summary_is_the_engines_report(everything: dict, real_report) -> None:
    s = everything["summary"]
    assert everything["schema"] == "graphsc.licenses/1"
    assert s["by_kind"] == dict(real_report.counts_by_kind())
    assert s["by_severity"] == dict(real_report.counts_by_severity())
    assert {k: sum(v.values()) for k, v in s["by_kind_severity"].items()} == s["by_kind"]
    u = real_report.uses
    assert (s["uses"]["total"], s["uses"]["checkable"], s["uses"]["in_conflict"]) == (
        u.total,
        u.checkable,
        u.in_conflict,
    )
    assert s["uses"]["share_of_checkable"] == round(u.in_conflict / u.checkable, 4)
    # Along their true lineage (the Hub's relation tags) the bundled families hold no license finding: every
    # conflict in the bundled data is a repository's usage. (Phantom merges from card-only bases used to add some.)
    assert {c["edge"] for c in everything["conflicts"]} == {"uses"}


def test_json_lists_every_conflict_ranked_by_impact(everything: dict, real_report) -> None:
    rows = everything["conflicts"]
    assert len(rows) == everything["matched"] == len(real_report.conflicts)
    impacts = [(r["impact"]["models"], r["impact"]["downloads"], r["impact"]["repos"]) for r in rows]
    assert impacts == sorted(impacts, reverse=True)
    for r in rows:
        assert r["impact"] == {
            "models": len(r["reached_models"]),
            "downloads": r["reached_downloads"],
            "repos": len(r["reached_repos"]),
        }
        assert r["clauses"] and r["role"] is None and r["path"] is None


def test_default_selection_is_errors_and_warnings_and_says_what_it_left_out(real_db: Path, everything: dict) -> None:
    doc = doc_of(real_db)
    info = everything["summary"]["by_severity"].get("info", 0)
    assert doc["filters"]["min_severity"] == "warning"
    assert [c["severity"] for c in doc["conflicts"]] == [
        c["severity"] for c in everything["conflicts"] if c["severity"] != "info"
    ]
    assert doc["not_shown"] == {"below_min_severity": info, "other_kinds": 0, "below_min_impact": 0, "beyond_limit": 0}


def test_readme_json_example_has_the_fields_the_command_prints(real_db: Path, chain_db: Path) -> None:
    example = json_example("#### licenses JSON")
    actual = doc_of(real_db, "--limit", "1")
    assert set(example) == set(actual)
    for part in ("summary", "filters", "not_shown"):
        assert set(example[part]) == set(actual[part]), part
    assert set(example["summary"]["uses"]) == set(actual["summary"]["uses"])
    assert set(example["conflicts"][0]) == set(actual["conflicts"][0])
    with_model = doc_of(chain_db, "--model", "c/ft2")
    assert set(example["model"]) == set(with_model["model"])
    assert set(example["gate"]) == set(doc_of(chain_db, "--fail-on", "error")["gate"])
    assert set(example["conflicts"][0]["path"][0]) == set(with_model["conflicts"][0]["path"][0])


# ── CSV ──


def test_csv_has_one_row_per_conflict_matching_json(real_db: Path) -> None:
    result = run(real_db, "--format", "csv")
    assert result.exit_code == 0
    reader = csv.DictReader(io.StringIO(result.stdout))
    rows = list(reader)
    assert tuple(reader.fieldnames) == CSV_COLUMNS
    conflicts = doc_of(real_db)["conflicts"]
    assert len(rows) == len(conflicts)
    for i, (row, c) in enumerate(zip(rows, conflicts), 1):
        assert (int(row["rank"]), row["severity"], row["kind"], row["rule"], row["child"], row["base"]) == (
            i,
            c["severity"],
            c["kind"],
            c["rule"],
            c["child"],
            c["base"] or "",
        )
        assert (int(row["reached_models"]), int(row["reached_downloads"]), int(row["reached_repos"])) == tuple(
            c["impact"].values()
        )
        assert row["clauses"].split(" | ") == c["clauses"]


# ── filters ──


def test_kind_filter_is_repeatable(real_db: Path, everything: dict) -> None:
    kinds = sorted(everything["summary"]["by_kind"])[:2]
    doc = doc_of(real_db, "--severity", "info", *[a for k in kinds for a in ("--kind", k)])
    assert len(doc["conflicts"]) == sum(everything["summary"]["by_kind"][k] for k in kinds)
    assert {c["kind"] for c in doc["conflicts"]} == set(kinds)
    assert doc["not_shown"]["other_kinds"] == len(everything["conflicts"]) - len(doc["conflicts"])


@pytest.mark.parametrize("floor", ["error", "warning", "info"])
def test_severity_is_a_minimum_and_min_severity_is_its_alias(real_db: Path, everything: dict, floor: str) -> None:
    expected = [c["child"] for c in everything["conflicts"] if SEVERITY_ORDER[c["severity"]] <= SEVERITY_ORDER[floor]]
    assert [c["child"] for c in doc_of(real_db, "--severity", floor)["conflicts"]] == expected
    assert [c["child"] for c in doc_of(real_db, "--min-severity", floor)["conflicts"]] == expected


def test_min_impact_counts_models_and_repos_reached(chain_db: Path) -> None:
    every = doc_of(chain_db, "--severity", "info")["conflicts"]
    reach = {(c["rule"], c["child"]): len(c["reached_models"]) + len(c["reached_repos"]) for c in every}
    threshold = max(reach.values())
    assert threshold > 1 and min(reach.values()) < threshold
    doc = doc_of(chain_db, "--severity", "info", "--min-impact", str(threshold))
    assert {(c["rule"], c["child"]) for c in doc["conflicts"]} == {k for k, n in reach.items() if n >= threshold}
    assert doc["not_shown"]["below_min_impact"] == sum(n < threshold for n in reach.values())


def test_limit_keeps_the_top_and_counts_the_rest(real_db: Path) -> None:
    full = doc_of(real_db)
    doc = doc_of(real_db, "--limit", "5")
    assert doc["conflicts"] == full["conflicts"][:5]
    assert doc["not_shown"]["beyond_limit"] == len(full["conflicts"]) - 5


def test_unknown_kind_is_an_error_listing_the_kinds(real_db: Path) -> None:
    result = run(real_db, "--kind", "no_such_kind")
    assert result.exit_code == 1
    assert "no_such_kind" in result.output and all(k in result.output for k in KINDS)


# ── --model ──


def test_model_shows_the_path_from_the_origin_through_inherited_models(chain_db: Path) -> None:
    doc = doc_of(chain_db, "--model", "c/ft2")
    assert doc["model"] == {"id": "c/ft2", "license": "Apache-2.0"}
    inherited = [c for c in doc["conflicts"] if c["role"] == "inherited"]
    assert {c["kind"] for c in inherited} == {"agreement_copy_missing", "use_restrictions_dropped"}
    for c in inherited:
        assert (c["child"], c["base"]) == ("a/ft", "meta/Llama-2-7b")
        path = [(h["id"], h["role"], h["relation"], h["is_model"]) for h in c["path"]]
        assert path == [
            ("meta/Llama-2-7b", "source", None, False),
            ("a/ft", "origin", "finetune", False),
            ("b/ft-gguf", "inherited", "quantized", False),
            ("c/ft2", "inherited", "finetune", True),
        ]
    (merge,) = [c for c in doc["conflicts"] if c["role"] == "downstream"]
    assert merge["kind"] == "merge_incompatible" and set(merge["bases"]) == {"c/ft2", "d/nc"}
    assert [(h["id"], h["license"], h["role"]) for h in merge["path"]] == [
        ("c/ft2", "Apache-2.0", "source"),
        ("d/nc", "CC-BY-NC-SA-4.0", "source"),
        ("e/merge", "Apache-2.0", "origin"),
    ]


def test_model_table_names_each_hop_with_its_license(chain_db: Path) -> None:
    result = run(chain_db, "--model", "e/merge")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Conflicts touching e/merge [Apache-2.0]" in out
    assert "meta/Llama-2-7b [llama2] — source of the obligation" in out
    assert "↳ finetune  a/ft [MIT] — origin: dropped here" in out
    assert "↳ merge  e/merge [Apache-2.0] — inherited (this model)" in out
    assert "llama2.agreement_copy: Llama 2 Community License §1.b.i" in out
    assert "llama2: https://github.com/meta-llama/llama-models/blob/main/models/llama2/LICENSE" in out


def test_model_on_real_data_lists_the_repositories_dropping_its_terms(real_db: Path, everything: dict) -> None:
    most_dropped, n = Counter(c["base"] for c in everything["conflicts"] if c["edge"] == "uses").most_common(1)[0]
    doc = doc_of(real_db, "--model", most_dropped, "--severity", "info")
    assert len(doc["conflicts"]) == n and {c["role"] for c in doc["conflicts"]} == {"downstream"}
    assert all(c["path"][0]["id"] == most_dropped and c["path"][-1]["id"] == c["child"] for c in doc["conflicts"])


def test_model_that_originates_a_finding_on_real_data(real_db: Path, tmp_path: Path) -> None:
    # A real OpenRAIL model of the bundled families, and a (constructed) MIT finetune of it: use restrictions dropped.
    records = [json.loads(line) for path in samples.hf_family_files() for line in path.read_text().splitlines()]
    rail = next(r["id"] for r in records if (r.get("cardData") or {}).get("license") == "openrail")
    db = tmp_path / "g.db"
    shutil.copy(real_db, db)
    child = tmp_path / "child.jsonl"
    child.write_text(
        json.dumps({"id": "x/rail-ft", "cardData": {"license": "mit"}, "tags": [f"base_model:finetune:{rail}"]})
    )
    assert runner.invoke(app, ["ingest", "snapshot", str(child), "--db", str(db)]).exit_code == 0
    doc = doc_of(db, "--model", "X/RAIL-FT", "--severity", "info")
    mine = [c for c in doc["conflicts"] if c["role"] == "origin"]
    assert ("D-UR", rail) in {(c["rule"], c["base"]) for c in mine}
    assert doc["model"]["id"] == "x/rail-ft"
    assert all(c["path"][-1] == {**c["path"][-1], "id": "x/rail-ft", "is_model": True} for c in mine)


def test_unknown_model_is_the_lineage_commands_error_with_close_matches(real_db: Path) -> None:
    store = SQLiteStore(real_db)
    try:
        close = store.similar_model_ids("deepseek-ai/DeepSeek-R2")
    finally:
        store.close()
    result = run(real_db, "--model", "deepseek-ai/DeepSeek-R2")
    assert result.exit_code == 1 and close
    assert "Unknown model" in result.output and "Did you mean" in result.output
    assert all(m in result.output for m in close)


# ── --fail-on ──


@pytest.mark.parametrize("gate", ["error", "warning"])
def test_fail_on_exit_code_follows_the_selected_conflicts(real_db: Path, everything: dict, gate: str) -> None:
    severe = any(SEVERITY_ORDER[c["severity"]] <= SEVERITY_ORDER[gate] for c in everything["conflicts"])
    result = run(real_db, "--fail-on", gate, "--format", "json")
    assert result.exit_code == (1 if severe else 0)
    doc = json.loads(result.stdout)  # the report is printed either way
    assert doc["gate"] == {"fail_on": gate, "failed": severe}


def test_fail_on_only_sees_what_the_filters_select(chain_db: Path) -> None:
    assert run(chain_db, "--fail-on", "error").exit_code == 1
    assert run(chain_db, "--fail-on", "error", "--kind", "unknown_license_in_chain").exit_code == 0
    assert run(chain_db, "--fail-on", "error", "--limit", "1", "--format", "csv").exit_code == 1


# ── the terminal report ──


def test_table_fits_100_columns_and_matches_the_json(real_db: Path, everything: dict) -> None:
    result = run(real_db, "--limit", "5")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert max(len(line.rstrip()) for line in out.splitlines()) <= 100
    by_kind_severity = everything["summary"]["by_kind_severity"]
    for kind, counts in by_kind_severity.items():
        row = next(line.split() for line in out.splitlines() if line.split()[:1] == [kind])
        assert row[1:] == [f"{counts[s]:,}" for s in ("error", "warning", "info")] + [f"{sum(counts.values()):,}"]
    u = everything["summary"]["uses"]
    assert f"{u['in_conflict']:,} of {u['checkable']:,} checkable" in out
    shown = doc_of(real_db, "--limit", "5")
    top = shown["conflicts"][0]
    assert f"  1  {top['severity'].upper()}  {top['kind']}" in out and top["clauses"][0] in out
    info = everything["summary"]["by_severity"].get("info", 0)
    words = " ".join(out.split())  # the closing line wraps at 100 columns
    assert (f"{info:,} conflicts below --severity warning" in words) == (info > 0)
    assert f"{shown['not_shown']['beyond_limit']:,} conflicts beyond --limit 5" in words


def test_summary_counts_derivation_edges_only_and_agrees_in_number(tmp_path: Path) -> None:
    # Worked out by hand: b/ft is a finetune of a/base (1 DERIVED_FROM edge) trained on two non-commercial
    # datasets (2 TRAINED_ON edges, not lineage); one repository without a license uses b/ft (1 usage, not
    # checkable: 0 of 0, no percentage). Each dataset's NC term is dropped at b/ft (apache-2.0): the conflict
    # reaches b/ft alone (1 download) and no repository (gh/app's license is unknown, so it is never judged).
    path = tmp_path / "trained.db"
    store = SQLiteStore(path)
    store.write(
        GraphBatch(
            models=[
                Model("a/base", license="apache-2.0", downloads=10),
                Model("b/ft", license="apache-2.0", downloads=1),
            ],
            datasets=[Dataset("ds/one", license="cc-by-nc-4.0"), Dataset("ds/two", license="cc-by-nc-4.0")],
            derived_from=[DerivedFrom("b/ft", "a/base", "finetune", "test")],
            trained_on=[TrainedOn("b/ft", "ds/one", "test"), TrainedOn("b/ft", "ds/two", "test")],
            repos=[Repo("gh/app")],
            uses=[Uses("gh/app", "repo", "b/ft", "test")],
        )
    )
    store.close()
    summary = doc_of(path)["summary"]
    assert (summary["models"], summary["lineage_edges"], summary["uses"]["total"]) == (2, 1, 1)
    out = " ".join(run(path, "--severity", "info").stdout.split())  # lines wrap at 100 columns
    assert "License propagation over 2 models, 1 lineage edge and 1 repository/Space usage (engine" in out
    assert "usages in conflict: 0 of 0 checkable (–); 1 usage in all (0.0%), 1 not checkable" in out
    assert "reach 1 model · 1 download · 0 repos" in out


def test_table_hotspots_count_conflicts_per_upstream_model(real_db: Path, everything: dict) -> None:
    out = run(real_db).stdout
    selected = [c for c in everything["conflicts"] if c["severity"] != "info"]
    ((base, n),) = Counter(c["base"] for c in selected).most_common(1)
    assert "Upstream models whose terms are dropped most often" in out
    assert f"{n:>5,}  {base} [" in out


def test_demo_ends_with_the_license_summary(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = runner.invoke(app, ["demo", "--db", str(db)], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    summary = doc_of(db)["summary"]
    assert summary["uses"]["total"] > 0  # the demo imported the PeaTMOSS usages
    out = result.stdout
    assert "DeepSeek-R1" in out and "Top 3 of" in out and "  3  " in out and "  4  " not in out
    for kind, total in summary["by_kind"].items():
        assert any(line.split()[:1] == [kind] and line.split()[-1] == f"{total:,}" for line in out.splitlines())


def test_each_finding_names_the_license_text_it_was_checked_against(chain_db: Path) -> None:
    doc = doc_of(chain_db, "--severity", "info")
    (ur,) = [c for c in doc["conflicts"] if c["rule"] == "D-UR"]
    assert ur["license_texts"] == {
        "llama2": {
            "url": "https://github.com/meta-llama/llama-models/blob/main/models/llama2/LICENSE",
            "read_at": "https://github.com/meta-llama/llama-models/blob/1f0feb795a4130697ced243fb53051670d591653/models/llama2/LICENSE",
            "verified": True,
        }
    }
    (nc,) = [c for c in doc["conflicts"] if c["rule"] == "D-NC"]
    assert nc["license_texts"]["cc-by-nc-sa-4.0"]["url"] == "https://spdx.org/licenses/CC-BY-NC-SA-4.0.html"
