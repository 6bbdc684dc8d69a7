"""``graphsc diff`` on the bundled real families: a snapshot saved, then one model relicensed (apache-2.0 →
cc-by-nc-4.0, ``tests.snapshot.families.RELICENSED``) and one usage added (``NEW_USE``). What the diff must say
is computed here from the mutation, the original records and the license engine run on each store, never from
``graphsc diff``'s own output."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from junitparser import Failure, JUnitXml
from typer.testing import CliRunner, Result

from graphsc.cli import app
from graphsc.ids import id_key
from graphsc.ingest import ingest_snapshot
from graphsc.licenses.engine import check_store
from graphsc.records import GraphBatch, Repo
from graphsc.samples import hf_family_files
from graphsc.store.sqlite import SQLiteStore
from tests.render.test_ci_sarif import schema_errors
from tests.snapshot.families import NC_LICENSE, NEW_USE, NEW_USER, RELICENSED, base_tags, children_of
from tests.snapshots import write_snapshot

runner = CliRunner()
WIDE = {"COLUMNS": "300"}
SAVED = "before"
CHANGE_KINDS_WITH_CONTENT = {"licenses_changed", "usage_added", "findings_new"}


def run(*args: str) -> Result:
    return runner.invoke(app, ["diff", *args], env=WIDE)


def records() -> list[dict[str, Any]]:
    return [json.loads(line) for path in hf_family_files() for line in path.read_text().splitlines() if line.strip()]


def record(model_id: str) -> dict[str, Any]:
    return next(r for r in records() if r["id"] == model_id)


def finding_keys(db: Path) -> dict[str, str]:
    """Finding key → severity, by the license engine over the whole store."""
    with SQLiteStore(db, readonly=True) as store:
        return {c.key: c.severity for c in check_store(store).conflicts}


class Stores:
    """``old``: the families as bundled; ``new``: a copy where the snapshot ``before`` was saved, then the change
    applied (the current graph of ``new`` differs from ``before`` by exactly the change)."""

    def __init__(self, old: Path, new: Path) -> None:
        self.old = old
        self.new = new
        self.snapshot_file = new.with_name(new.name + ".snapshots") / f"{SAVED}.snapshot"
        before, after = finding_keys(old), finding_keys(new)
        self.new_findings = {k: s for k, s in after.items() if k not in before}
        self.resolved = {k: s for k, s in before.items() if k not in after}

    def json(self, *args: str, db: Path | None = None) -> dict[str, Any]:
        result = run(*args, "--db", str(db or self.new), "--format", "json")
        assert result.exit_code == 0, result.output
        doc: dict[str, Any] = json.loads(result.stdout)
        return doc


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stores]:
    folder = tmp_path_factory.mktemp("diff")
    old = folder / "old.db"
    with SQLiteStore(old) as store:
        ingest_snapshot(store, [str(p) for p in hf_family_files()])
    new = folder / "new.db"
    shutil.copy(old, new)
    saved = runner.invoke(app, ["snapshot", "save", SAVED, "--db", str(new)])
    assert saved.exit_code == 0, saved.output
    relicensed = copy.deepcopy(record(RELICENSED))
    relicensed["tags"] = [f"license:{NC_LICENSE}" if t.startswith("license:") else t for t in relicensed["tags"]]
    relicensed["cardData"]["license"] = NC_LICENSE
    with SQLiteStore(new) as store:
        ingest_snapshot(store, [str(write_snapshot(folder / "relicensed.jsonl", [relicensed]))])
        store.write(GraphBatch(repos=[Repo(NEW_USER, "apache-2.0", "apache-2.0")], uses=[NEW_USE]))
    yield Stores(old, new)


def commercial_children() -> list[str]:
    """The children of RELICENSED whose own card declares a commercial license: each must get a D-NC finding."""
    recs = records()
    return [
        c
        for c in children_of(recs, RELICENSED)
        if (next(r for r in recs if r["id"] == c).get("cardData") or {}).get("license") in ("apache-2.0", "mit")
    ]


def dnc_key(child: str) -> str:
    return f"D-NC/derived:{child.lower()}<-{RELICENSED.lower()}"


USAGE_ROW = {
    "user": NEW_USE.user,
    "user_kind": NEW_USE.user_kind,
    "model": NEW_USE.model,
    "source": NEW_USE.source,
    "evidence": NEW_USE.evidence,
}
USAGE_KEY = f"U-NC/uses:{NEW_USER.lower()}<-{RELICENSED.lower()}"


def assert_the_change(doc: dict[str, Any], stores: Stores) -> None:
    """``doc`` (a graphsc.diff/1 document) says exactly: RELICENSED relicensed, NEW_USE added, the new findings."""
    changes = doc["changes"]
    assert {k for k, v in changes.items() if v and k != "findings_unchanged"} == CHANGE_KINDS_WITH_CONTENT
    (lic,) = changes["licenses_changed"]
    assert (lic["id"], lic["kind"], lic["old_ids"], lic["new_ids"]) == (
        RELICENSED,
        "model",
        ["apache-2.0"],
        [NC_LICENSE],
    )
    assert changes["usage_added"] == [USAGE_ROW]
    new = {f["key"]: f["severity"] for f in changes["findings_new"]}
    assert new == stores.new_findings
    assert stores.resolved == {} and changes["findings_resolved"] == []
    # independently of the engine: every commercial child now drops the NC terms, and the new usage does too
    assert {dnc_key(c) for c in commercial_children()} <= set(new)
    assert {k for k in new if k.startswith("D-NC/")} == {dnc_key(c) for c in commercial_children()}
    assert USAGE_KEY in new
    assert all(f["base"] == RELICENSED for f in changes["findings_new"])
    counts = doc["counts"]
    assert counts["findings_new"] == len(stores.new_findings) and counts["licenses_changed"] == 1
    assert counts["findings_unchanged"] == len(finding_keys(stores.old)) == len(changes["findings_unchanged"])
    assert doc["empty"] is False and doc["findings_compared"] is True and doc["schema"] == "graphsc.diff/1"


def test_saved_name_against_the_current_graph(stores: Stores) -> None:
    doc = stores.json(SAVED)
    assert_the_change(doc, stores)
    assert doc["old"]["label"] == SAVED and doc["new"]["label"] == "current graph" and doc["scope"] is None


def test_two_database_files(stores: Stores) -> None:
    doc = stores.json(str(stores.old), str(stores.new))
    assert_the_change(doc, stores)
    assert doc["old"]["label"] == str(stores.old) and doc["new"]["label"] == str(stores.new)


def test_snapshot_file_path_as_old(stores: Stores) -> None:
    doc = stores.json(str(stores.snapshot_file))
    assert_the_change(doc, stores)


def test_reversed_the_findings_are_resolved(stores: Stores) -> None:
    doc = stores.json(str(stores.new), str(stores.old))
    changes = doc["changes"]
    assert {f["key"] for f in changes["findings_resolved"]} == set(stores.new_findings)
    assert changes["findings_new"] == [] and changes["usage_removed"] == [USAGE_ROW]
    (lic,) = changes["licenses_changed"]
    assert (lic["old_ids"], lic["new_ids"]) == ([NC_LICENSE], ["apache-2.0"])


def test_an_identical_graph_is_empty(stores: Stores) -> None:
    doc = stores.json(str(stores.old), str(stores.old))
    assert doc["empty"] is True
    assert all(n == 0 for k, n in doc["counts"].items() if k != "findings_unchanged")


def test_unknown_name_lists_the_saved_snapshots(stores: Stores) -> None:
    result = run("no-such-snapshot", "--db", str(stores.new))
    assert result.exit_code == 1
    err = " ".join(result.stderr.split())
    assert "'no-such-snapshot' is neither a file nor a saved snapshot" in err
    assert f"Saved snapshots: {SAVED}." in err
    assert "Traceback" not in result.output


def test_unknown_name_without_any_snapshot_says_so(stores: Stores) -> None:
    result = run("nothing", "--db", str(stores.old))
    assert result.exit_code == 1
    assert "No snapshot is saved for this store yet" in " ".join(result.stderr.split())


def _bad_file(kind: str, stores: Stores, tmp_path: Path) -> Path:
    if kind == "text":
        path = tmp_path / "notes.txt"
        path.write_text("this is not a graph\n" * 50)
    elif kind == "empty":
        path = tmp_path / "empty.snapshot"
        path.write_bytes(b"")
    else:
        data = stores.snapshot_file.read_bytes()
        path = tmp_path / "half.snapshot"
        path.write_bytes(data[: len(data) // 2])
    return path


@pytest.mark.parametrize("kind", ["text", "truncated", "empty"])
@pytest.mark.parametrize("position", ["old", "new"])
def test_a_file_that_is_neither_snapshot_nor_database(stores: Stores, tmp_path: Path, kind: str, position: str) -> None:
    bad = _bad_file(kind, stores, tmp_path)
    size = bad.stat().st_size
    args = [str(bad)] if position == "old" else [str(stores.snapshot_file), str(bad)]
    result = run(*args, "--db", str(stores.new))
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    err = " ".join(result.stderr.split())
    said = "damaged SQLite file" if kind == "truncated" else "neither a graphsc snapshot"
    assert str(bad) in err and said in err, err
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # a handled error, not an exception escaping
    assert bad.stat().st_size == size  # read only: never "repaired" or initialised as a store


def in_model_scope(key: str, members: set[str]) -> bool:
    """A finding in a model scope: dropped at an edge into a member, or (a use) by a user of a member."""
    rule_edge, rest = key.split(":", 1)
    child, bases = rest.split("<-", 1)
    if rule_edge.endswith("/uses"):
        return bool(set(bases.split("+")) & members)
    return child in members


def test_model_scope_limits_the_output(stores: Stores) -> None:
    recs = records()
    # a commercial leaf child of RELICENSED: its base's license change and new usage, and the findings dropped at
    # an edge into a model of its chain, or by a use of one (a sibling's own D-NC is not in scope)
    leaf = next(c for c in commercial_children() if not children_of(recs, c))
    ancestors: set[str] = set()
    todo = [leaf]
    by_id = {r["id"]: r for r in recs}
    while todo:
        for _, base in base_tags(by_id.get(todo.pop(), {})):
            if base not in ancestors:
                ancestors.add(base)
                todo.append(base)
    members = {id_key(m) for m in {leaf, *ancestors}}
    assert id_key(RELICENSED) in members
    doc = stores.json(SAVED, "--model", leaf)
    changes = doc["changes"]
    assert doc["scope"]["model"] == leaf and doc["scope"]["repo"] is None
    assert doc["scope"]["models"] == len(members)
    expected = {k for k in stores.new_findings if in_model_scope(k, members)}
    assert dnc_key(leaf) in expected
    assert any(k.split(":")[0].endswith("/uses") for k in expected)
    assert len(expected) < len(stores.new_findings)  # the siblings' findings are left out
    assert {f["key"] for f in changes["findings_new"]} == expected
    assert [c["id"] for c in changes["licenses_changed"]] == [RELICENSED]
    assert changes["usage_added"] == [USAGE_ROW]


def test_model_scope_outside_the_change_is_empty(stores: Stores) -> None:
    recs = records()
    touched = {RELICENSED, *children_of(recs, RELICENSED)}
    # a model of the other family: neither the relicensed model, its lineage, nor a user of it
    other = next(r["id"] for r in recs if r["id"].startswith("deepseek-ai/") and r["id"] not in touched)
    doc = stores.json(SAVED, "--model", other)
    assert doc["empty"] is True and doc["changes"]["findings_new"] == []


def test_repo_scope_limits_the_output(stores: Stores) -> None:
    doc = stores.json(SAVED, "--repo", NEW_USER)
    changes = doc["changes"]
    assert doc["scope"]["repo"] == NEW_USER
    assert [f["key"] for f in changes["findings_new"]] == [USAGE_KEY]
    assert changes["usage_added"] == [USAGE_ROW]
    assert [c["id"] for c in changes["licenses_changed"]] == [RELICENSED]


def test_unknown_scope_model_is_an_error(stores: Stores) -> None:
    result = run(SAVED, "--db", str(stores.new), "--model", "nobody/nothing")
    assert result.exit_code == 1
    assert "nobody/nothing" in result.stderr and "Traceback" not in result.output


def test_fail_on_new_error_exits_1_on_a_new_error(stores: Stores) -> None:
    assert any(s == "error" for s in stores.new_findings.values())
    result = run(SAVED, "--db", str(stores.new), "--fail-on-new", "error", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["counts"]["findings_new"] == len(stores.new_findings)  # printed, then failed


def test_fail_on_new_passes_on_an_identical_graph(stores: Stores) -> None:
    for gate in ("error", "warning"):
        assert run(str(stores.old), "--db", str(stores.old), "--fail-on-new", gate).exit_code == 0
        assert run(SAVED, str(stores.snapshot_file), "--db", str(stores.new), "--fail-on-new", gate).exit_code == 0


def test_fail_on_new_follows_the_severity(stores: Stores) -> None:
    # in the new usage's scope the only new finding is the usage's own, a warning (U-NC)
    assert stores.new_findings[USAGE_KEY] == "warning"
    base = [SAVED, "--db", str(stores.new), "--repo", NEW_USER]
    assert run(*base, "--fail-on-new", "error").exit_code == 0
    assert run(*base, "--fail-on-new", "warning").exit_code == 1
    assert run(*base).exit_code == 0


def test_markdown_has_the_heading_and_tables(stores: Stores) -> None:
    result = run(SAVED, "--db", str(stores.new), "--format", "markdown")
    assert result.exit_code == 0, result.output
    text = result.stdout
    lines = text.splitlines()
    assert lines[0].startswith("## graphsc diff: ") and SAVED in lines[0] and "current graph" in lines[0]
    assert "| change | count |" in lines and "|---|---|" in lines
    assert f"| New findings | {len(stores.new_findings)} |" in lines
    assert f"<details open><summary>New findings ({len(stores.new_findings)})</summary>" in lines
    # every new finding's child appears in the new-findings table (escaped for Markdown)
    rows = [line for line in lines if line.startswith(("| error |", "| warning |"))]
    assert len(rows) == len(stores.new_findings)
    unescaped = "\n".join(rows).replace("\\", "").lower()
    assert all(key.split(":", 1)[1].split("<-")[0] in unescaped for key in stores.new_findings)
    assert "Usages added" in text and "Model licenses changed" in text


def test_markdown_of_nothing_says_no_changes(stores: Stores) -> None:
    result = run(str(stores.old), str(stores.old), "--format", "markdown")
    assert result.exit_code == 0
    assert "No changes." in result.stdout and "<details" not in result.stdout


def test_sarif_results_are_exactly_the_new_findings(stores: Stores) -> None:
    new = stores.json(SAVED)["changes"]["findings_new"]
    result = run(SAVED, "--db", str(stores.new), "--format", "sarif")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert schema_errors(doc) == []
    (sarif_run,) = doc["runs"]
    results = sarif_run["results"]
    assert sorted(r["partialFingerprints"]["graphsc/v1"] for r in results) == sorted(stores.new_findings)
    assert [r["partialFingerprints"]["graphsc/v1"] for r in results] == [f["key"] for f in new]
    levels = {"error": "error", "warning": "warning", "info": "note"}
    assert [r["level"] for r in results] == [levels[f["severity"]] for f in new]
    assert {r["id"] for r in sarif_run["tool"]["driver"]["rules"]} == {f["rule"] for f in new}


def test_sarif_of_an_identical_graph_has_no_results(stores: Stores) -> None:
    result = run(str(stores.old), str(stores.old), "--format", "sarif")
    doc = json.loads(result.stdout)
    assert schema_errors(doc) == [] and doc["runs"][0]["results"] == []


def test_sarif_records_the_gate_exit_code(stores: Stores) -> None:
    result = run(SAVED, "--db", str(stores.new), "--format", "sarif", "--fail-on-new", "error")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["runs"][0]["invocations"] == [{"executionSuccessful": True, "exitCode": 1}]


def test_junit_failures_are_the_new_errors_and_warnings(stores: Stores) -> None:
    result = run(SAVED, "--db", str(stores.new), "--format", "junit")
    assert result.exit_code == 0, result.output
    xml = JUnitXml.fromstring(result.stdout.encode())
    failing = sum(1 for s in stores.new_findings.values() if s in ("error", "warning"))
    assert failing > 0
    assert xml.failures == failing and xml.tests == len(stores.new_findings)
    cases = [case for suite in xml for case in suite]
    assert sorted(case.name for case in cases) == sorted(stores.new_findings)
    assert sum(1 for case in cases if any(isinstance(x, Failure) for x in case.result)) == failing


def test_output_writes_the_file(stores: Stores, tmp_path: Path) -> None:
    target = tmp_path / "diff.json"
    result = run(SAVED, "--db", str(stores.new), "--format", "json", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert_the_change(json.loads(target.read_text()), stores)
    assert "{" not in result.stdout


def test_output_with_table_is_refused(stores: Stores, tmp_path: Path) -> None:
    target = tmp_path / "diff.txt"
    result = run(SAVED, "--db", str(stores.new), "-o", str(target))
    assert result.exit_code == 2
    assert "--output" in result.stderr and not target.exists()


def test_model_and_repo_together_are_refused(stores: Stores) -> None:
    result = run(SAVED, "--db", str(stores.new), "--model", RELICENSED, "--repo", NEW_USER)
    assert result.exit_code == 2
    assert "--model or --repo" in " ".join(result.stderr.split())


def test_table_shows_the_changes(stores: Stores) -> None:
    result = run(SAVED, "--db", str(stores.new))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert RELICENSED in out and NEW_USER in out
    assert str(len(stores.new_findings)) in out
