"""The words ``graphsc licenses`` uses to explain a license it cannot judge, through the real pipeline.

Hub records are written to a snapshot file, ingested with ``graphsc ingest snapshot`` into an embedded store and
reported with ``graphsc licenses``. Each shape of "unknown terms" must say what was declared and why it is not
understood: an unrecognised license, ``other`` the card does not identify, an unrecognised symbol inside an SPDX
expression, a license list, a card declaring nothing, and only for a model that was never fetched (known only
as someone's base) "not fetched". Expected texts are written from the records below, not copied from output.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.licenses.engine import check_store
from graphsc.licenses.select import Filters, hotspots, select
from graphsc.lineage import compute_lineage
from graphsc.store.sqlite import SQLiteStore
from tests.snapshots import ingested_db

runner = CliRunner()

UNKNOWN_BASE = "an ancestor's license is unknown: the derivative's license cannot be verified"


def finetune(child: str, base: str, license: object = "mit") -> dict:
    """A fetched fine-tune of ``base`` as the Hub lists it: card base_model plus the relation tag."""
    return {"id": child, "cardData": {"base_model": base, "license": license}, "tags": [f"base_model:finetune:{base}"]}


def merge(child: str, bases: list[str], license: str) -> dict:
    return {
        "id": child,
        "cardData": {"base_model": bases, "license": license},
        "tags": [f"base_model:merge:{b}" for b in bases],
    }


RECORDS: list[dict] = [
    # an unrecognised license string, declared by a fetched model
    {"id": "x/base", "cardData": {"license": "acme-license-1.0"}},
    finetune("a/child", "x/base"),
    # `other`, with no license_name / license_link
    {"id": "o/other", "cardData": {"license": "other"}},
    finetune("o/child", "o/other"),
    # `other`, with a license_name and license_link the table does not know
    {"id": "o/named", "cardData": {"license": "other", "license_name": "acme-custom", "license_link": "LICENSE"}},
    finetune("o/named-child", "o/named"),
    # a license_name with no license id at all
    {"id": "n/name-only", "cardData": {"license_name": "acme-name"}},
    finetune("n/name-only-child", "n/name-only"),
    # an SPDX expression with one unrecognised symbol
    {"id": "e/expr", "cardData": {"license": "MIT AND acme-1.0"}},
    finetune("e/child", "e/expr"),
    # a license list whose every entry is unrecognised (a card's list: all of them apply)
    {"id": "l/list", "cardData": {"license": ["acme-1.0", "acme-2.0"]}},
    finetune("l/child", "l/list"),
    # a license list with one known entry, as the child of a non-commercial model
    {"id": "l/nc", "cardData": {"license": "cc-by-nc-4.0"}},
    finetune("l/list-child", "l/nc", ["mit", "acme-2.0"]),
    # a fetched model declaring nothing
    {"id": "n/none", "cardData": {}},
    finetune("n/child", "n/none"),
    # a base that has no record: an unfetched stub
    finetune("s/child", "s/stub"),
    # two merges of the same two parents: each parent reads with its own license everywhere (GPL-3.0 §10 admits
    # no further restriction, so no license can carry both parents' obligations)
    {"id": "p/gpl", "cardData": {"license": "gpl-3.0"}},
    {"id": "p/nc", "cardData": {"license": "cc-by-nc-4.0"}},
    merge("m/one", ["p/gpl", "p/nc"], "gpl-3.0"),
    merge("m/two", ["p/gpl", "p/nc"], "gpl-3.0"),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ingested_db(tmp_path_factory.mktemp("explain"), RECORDS)


def licenses(db: Path, *args: str) -> str:
    result = runner.invoke(app, ["licenses", *args, "--severity", "info", "--db", str(db)], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def doc(db: Path) -> dict:
    return json.loads(licenses(db, "--format", "json"))


def conflict(doc: dict, child: str, base: str) -> dict:
    found = [c for c in doc["conflicts"] if c["child"] == child and c["base"] == base]
    assert len(found) == 1, [(c["child"], c["base"], c["rule"]) for c in doc["conflicts"]]
    return found[0]


def words(c: dict) -> dict:
    """The explaining fields of a conflict."""
    keys = ("rule", "child_license", "base_license", "origin_licenses", "clauses", "dropped", "detail")
    return {k: c[k] for k in keys}


def unknown_base(child: str, base: str, base_license: str, origin: str, clauses: list[str], why: str) -> dict:
    """What a D-UNK-BASE finding at ``child ← base`` must say (the child declares MIT)."""
    return {
        "rule": "D-UNK-BASE",
        "child_license": "MIT",
        "base_license": base_license,
        "origin_licenses": [origin],
        "clauses": clauses,
        "dropped": [f"unknown terms ({why})"],
        "detail": f"{UNKNOWN_BASE}: {child} [MIT] ← {base} [{base_license}]: unknown terms ({why})",
    }


# ── one shape each ──


def test_fetched_model_with_an_unrecognised_license_names_it(doc: dict) -> None:
    assert words(conflict(doc, "a/child", "x/base")) == unknown_base(
        "a/child",
        "x/base",
        "acme-license-1.0",
        "acme-license-1.0",
        ["acme-license-1.0: not in the license table"],
        "acme-license-1.0",
    )


def test_other_without_license_name_or_link_says_so(doc: dict) -> None:
    assert words(conflict(doc, "o/child", "o/other")) == unknown_base(
        "o/child",
        "o/other",
        "other",
        "other",
        ["other: no license_name or license_link identifies the license"],
        "other",
    )


def test_other_with_unrecognised_license_name_and_link_names_them(doc: dict) -> None:
    assert words(conflict(doc, "o/named-child", "o/named")) == unknown_base(
        "o/named-child",
        "o/named",
        "other",
        "other",
        ["other: license_name 'acme-custom' and license_link 'LICENSE' are not in the license table"],
        "other",
    )


def test_license_name_without_a_license_id_is_not_no_license(doc: dict) -> None:
    assert words(conflict(doc, "n/name-only-child", "n/name-only")) == unknown_base(
        "n/name-only-child",
        "n/name-only",
        "acme-name",
        "acme-name",
        ["no license id declared; license_name 'acme-name' is not in the license table"],
        "acme-name",
    )


def test_unrecognised_symbol_in_an_spdx_expression_is_named(doc: dict) -> None:
    assert words(conflict(doc, "e/child", "e/expr")) == unknown_base(
        "e/child", "e/expr", "MIT AND acme-1.0", "acme-1.0", ["acme-1.0: not in the license table"], "acme-1.0"
    )


def test_license_list_of_unrecognised_licenses_names_every_entry(doc: dict) -> None:
    assert words(conflict(doc, "l/child", "l/list")) == unknown_base(
        "l/child",
        "l/list",
        "acme-1.0 AND acme-2.0",
        "acme-1.0 AND acme-2.0",
        ["acme-1.0: not in the license table", "acme-2.0: not in the license table"],
        "acme-1.0 AND acme-2.0",
    )


def test_license_list_child_reads_as_all_its_licenses(doc: dict) -> None:
    # MIT AND acme-2.0: MIT grants commercial use, but the unknown acme-2.0 may not: cannot be judged.
    c = conflict(doc, "l/list-child", "l/nc")
    assert (c["rule"], c["child_license"], c["base_license"]) == ("D-UNK-CHILD", "MIT AND acme-2.0", "CC-BY-NC-4.0")
    assert "not fetched" not in json.dumps(c)


def test_fetched_model_declaring_nothing_says_no_license_declared(doc: dict) -> None:
    assert words(conflict(doc, "n/child", "n/none")) == unknown_base(
        "n/child", "n/none", "(no license)", "(no license)", ["no license declared"], "no license declared"
    )


def test_unfetched_stub_still_says_not_fetched(doc: dict) -> None:
    assert words(conflict(doc, "s/child", "s/stub")) == unknown_base(
        "s/child",
        "s/stub",
        "(not fetched)",
        "(not fetched)",
        ["license not known: model not fetched"],
        "model not fetched",
    )


# ── across the report ──


def test_not_fetched_and_none_appear_only_where_they_are_true(doc: dict) -> None:
    for c in doc["conflicts"]:
        text = json.dumps(c)
        assert ("not fetched" in text) == (c["base"] == "s/stub"), c
        assert ("(no license)" in text or "no license declared" in text) == (c["base"] == "n/none"), c


def test_table_explains_the_unrecognised_license(db: Path) -> None:
    out = licenses(db)
    assert "a/child [MIT] ← finetune  x/base [acme-license-1.0]" in out
    assert "clause   acme-license-1.0: not in the license table" in out
    assert "unknown terms (acme-license-1.0)" in out
    # only the stub's block says "not fetched": its edge, its dropped obligation and its clause
    assert "s/child [MIT] ← finetune  s/stub [(not fetched)]" in out
    assert "unknown terms (model not fetched)" in out and "license not known: model not fetched" in out
    assert out.count("not fetched") == 3


def test_model_path_reads_the_base_license_as_declared(db: Path) -> None:
    doc = json.loads(licenses(db, "--format", "json", "--model", "a/child"))
    assert doc["model"] == {"id": "a/child", "license": "MIT"}
    (c,) = doc["conflicts"]
    assert [(h["id"], h["license"], h["role"]) for h in c["path"]] == [
        ("x/base", "acme-license-1.0", "source"),
        ("a/child", "MIT", "origin"),
    ]


def test_merge_parents_read_with_their_own_licenses_in_hotspots(db: Path) -> None:
    out = licenses(db, "--kind", "merge_incompatible", "--kind", "non_commercial_dropped")
    hotspot_lines = [
        line.strip()
        for line in out.split("Upstream models whose terms are dropped most often")[1]
        .split("Models and repositories")[0]
        .splitlines()[1:]
    ]
    p_nc = [line for line in hotspot_lines if " p/nc " in f" {line} "]
    p_gpl = [line for line in hotspot_lines if " p/gpl " in f" {line} "]
    # p/nc: 2 merges + the 2 merges' D-NC findings; p/gpl: the 2 merges (their children keep gpl-3.0)
    assert p_nc == ["4  p/nc [CC-BY-NC-4.0]"]
    assert p_gpl == ["2  p/gpl [GPL-3.0-only]"]


def test_merge_parent_path_labels_without_a_store_lookup(db: Path) -> None:
    store = SQLiteStore(db)
    try:
        report = check_store(store)
        lineage = compute_lineage(store, "p/gpl", "up")
    finally:
        store.close()
    selection = select(report, Filters(model="p/gpl", min_severity="info"), lineage)  # no lookup
    merges = [e for e in selection.matched if e.conflict.rule == "M-INCOMPAT"]
    assert len(merges) == 2
    for e in merges:
        assert {(h.id, h.license) for h in e.path if h.role == "source"} == {
            ("p/gpl", "GPL-3.0-only"),
            ("p/nc", "CC-BY-NC-4.0"),
        }
    # the hotspots as ``graphsc demo`` computes them (from the selection alone)
    upstream, _ = hotspots(select(report, Filters(kinds=("merge_incompatible",))).matched)
    assert {(h.id, h.license, h.conflicts) for h in upstream} == {
        ("p/gpl", "GPL-3.0-only", 2),
        ("p/nc", "CC-BY-NC-4.0", 2),
    }
