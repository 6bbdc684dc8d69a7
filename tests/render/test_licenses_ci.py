"""License conflicts as CI results, on hand-built conflicts: a merge of several bases, a use by a repository (located at
the file its evidence names), a training on a dataset, a Space; and arbitrary strings in every field."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from junitparser import JUnitXml

from graphsc.licenses.findings import Conflict, LicenseReport, UsesSummary
from graphsc.licenses.rules import RULES
from graphsc.licenses.select import Entry, Filters, Selection
from graphsc.records import Uses
from graphsc.render.ci_junit import junit_text
from graphsc.render.ci_results import CiReport, card_url
from graphsc.render.ci_sarif import sarif_document
from graphsc.render.licenses_ci import licenses_ci, usage_evidence, usage_models
from tests.render.test_ci_sarif import schema_errors

DERIVED = Conflict(
    "naming_requirement",
    "warning",
    "D-NAME",
    "derived",
    "Acme/my-ft",
    "model",
    "MIT",
    "meta-llama/Llama-2-7b-hf",
    "llama2",
    "finetune",
    ("llama2",),
    ("llama2.naming: §1.b.i",),
    ("name starts with Llama (llama2)",),
    RULES["D-NAME"].description,
    reached_models=("Acme/my-ft", "Acme/my-ft-gguf"),
    reached_repos=("o/app",),
    reached_downloads=1234,
)
MERGE = Conflict(
    "merge_incompatible",
    "error",
    "M-INCOMPAT",
    "merge",
    "x/merged",
    "model",
    "apache-2.0",
    "b/second",
    "cc-by-nc-4.0",
    "merge",
    ("cc-by-nc-4.0", "gpl-3.0"),
    ("cc-by-nc-4.0.commercial_use: CC BY-NC 4.0 §1(i)", "gpl-3.0.copyleft: GPL-3.0 §5"),
    ("merge incompatible",),
    RULES["M-INCOMPAT"].description,
    bases=("b/second", "a/first"),
    reached_models=("x/merged",),
)
USES = Conflict(
    "non_commercial_dropped",
    "warning",
    "U-NC",
    "uses",
    "Owner/App",
    "repo",
    "MIT",
    "b/nc-model",
    "cc-by-nc-4.0",
    None,
    ("cc-by-nc-4.0",),
    ("cc-by-nc-4.0.commercial_use: CC BY-NC 4.0 §1(i)",),
    ("non commercial (cc-by-nc-4.0)",),
    RULES["U-NC"].description,
    reached_repos=("Owner/App",),
)
TRAINED = Conflict(
    "restricted_training_data",
    "info",
    "T-OTHER",
    "trained_on",
    "t/model",
    "model",
    "MIT",
    "d/data",
    "cc-by-sa-4.0",
    None,
    ("cc-by-sa-4.0",),
    ("cc-by-sa-4.0.copyleft: CC BY-SA 4.0 §3(b)",),
    ("share alike (cc-by-sa-4.0)",),
    RULES["T-OTHER"].description,
    reached_models=("t/model",),
)
SPACE = Conflict(
    "non_commercial_dropped",
    "warning",
    "U-NC",
    "uses",
    "s/demo",
    "space",
    "MIT",
    "b/nc-model",
    "cc-by-nc-4.0",
    None,
    ("cc-by-nc-4.0",),
    ("cc-by-nc-4.0.commercial_use: CC BY-NC 4.0 §1(i)",),
    ("non commercial (cc-by-nc-4.0)",),
    RULES["U-NC"].description,
    reached_repos=("s/demo",),
)
CONFLICTS = [MERGE, DERIVED, USES, TRAINED, SPACE]
EVIDENCE = [
    Uses("owner/app", "repo", "B/NC-Model", "peatmoss", "PeaTMOSS mapping"),
    Uses(
        "Owner/App",
        "repo",
        "b/nc-model",
        "github_code_search",
        "src/run.py:17 https://github.com/Owner/App/blob/9f/src/run.py#L17",
    ),
    Uses("Other/Repo", "repo", "b/nc-model", "peatmoss", "PeaTMOSS mapping"),
    Uses("s/demo", "space", "b/nc-model", "hub_spaces", None),
]


def selection_of(conflicts: list[Conflict], limit: int | None = None) -> tuple[LicenseReport, Selection]:
    report = LicenseReport(list(conflicts), UsesSummary(), 10, 10, [], 0.0, {"a/first": "gpl-3.0"})
    entries = [Entry(c, parent_licenses=("cc-by-nc-4.0", "gpl-3.0") if c.bases else ()) for c in conflicts]
    return report, Selection(Filters(min_severity="info", limit=limit), entries)


def ci(conflicts: list[Conflict] = CONFLICTS, exit_code: int = 0, limit: int | None = None) -> CiReport:
    report, selection = selection_of(conflicts, limit)
    return licenses_ci(report, selection, exit_code, usage_evidence(EVIDENCE))


def test_one_result_per_matched_conflict_even_beyond_the_limit() -> None:
    r = ci(limit=1)
    assert [x.key for x in r.results] == [c.key for c in CONFLICTS]
    assert r.command == "licenses"


def test_rules_are_those_used_in_rule_table_order_with_cited_clauses() -> None:
    r = ci()
    assert [x.id for x in r.rules] == [i for i in RULES if i in {c.rule for c in CONFLICTS}]
    by_id = {x.id: x for x in r.rules}
    assert by_id["D-NAME"].name == "naming_requirement"
    assert by_id["D-NAME"].default_level == "warning" and by_id["T-OTHER"].default_level == "note"
    assert "- llama2.naming: §1.b.i" in by_id["D-NAME"].help_text
    assert by_id["M-INCOMPAT"].help_text.count("- ") == 2  # both parents' clauses
    assert by_id["U-NC"].help_text.count("cc-by-nc-4.0.commercial_use") == 1  # cited once per rule
    assert by_id["D-NAME"].short_description == "Derivative's name does not begin with the required prefix."


def test_levels_messages_and_properties() -> None:
    merge, derived, uses, trained, space = ci().results
    assert [x.level for x in (merge, derived, uses, trained, space)] == [
        "error",
        "warning",
        "warning",
        "note",
        "warning",
    ]
    assert derived.message.startswith(DERIVED.detail)
    assert "Reaches 2 models (1,234 downloads) and 1 repository/Space." in derived.message
    p = derived.properties
    assert (p["kind"], p["severity"], p["edge"], p["relation"], p["key"]) == (
        "naming_requirement",
        "warning",
        "derived",
        "finetune",
        DERIVED.key,
    )
    assert (p["reached_models"], p["reached_downloads"], p["reached_repos"]) == (2, 1234, 1)
    assert p["origin_licenses"] == ["llama2"] and "llama2" in p["license_texts"]


def test_a_model_child_is_located_at_its_card_its_bases_related() -> None:
    merge, derived, *_ = ci().results
    assert [loc.uri for loc in derived.locations] == [card_url("Acme/my-ft")]
    assert [loc.uri for loc in derived.related] == [card_url("meta-llama/Llama-2-7b-hf")]
    assert [loc.uri for loc in merge.related] == [card_url("b/second"), card_url("a/first")]
    assert [loc.description for loc in merge.related] == [
        "b/second [cc-by-nc-4.0]: where the obligation comes from",
        "a/first [gpl-3.0]: where the obligation comes from",
    ]
    assert merge.key == "M-INCOMPAT/merge:x/merged<-a/first+b/second"


def test_a_training_edge_relates_the_dataset_card() -> None:
    trained = ci().results[3]
    assert [loc.uri for loc in trained.related] == ["https://huggingface.co/datasets/d/data/blob/main/README.md"]


def test_a_repository_is_located_at_the_file_its_evidence_names() -> None:
    uses = ci().results[2]
    (loc,) = uses.locations
    assert (loc.uri, loc.line, loc.logical) == ("https://github.com/Owner/App/blob/HEAD/src/run.py", 17, "Owner/App")
    assert [x.uri for x in uses.related] == [card_url("b/nc-model")]


def test_without_evidence_a_repository_is_located_at_its_url() -> None:
    report, selection = selection_of([USES])
    (result,) = licenses_ci(report, selection, 0).results
    assert result.locations[0].uri == "https://github.com/Owner/App"


def test_a_space_is_located_at_its_card() -> None:
    space = ci().results[4]
    assert space.locations[0].uri == "https://huggingface.co/spaces/s/demo/blob/main/README.md"


def test_usage_evidence_prefers_evidence_naming_a_file() -> None:
    found = usage_evidence(EVIDENCE)
    assert found[("owner/app", "b/nc-model")].startswith("src/run.py:17")
    assert found[("other/repo", "b/nc-model")] == "PeaTMOSS mapping"
    assert ("s/demo", "b/nc-model") not in found  # Spaces are located at their cards
    assert usage_models(selection_of(CONFLICTS)[1]) == {"b/nc-model"}


def test_the_mapping_is_valid_sarif_and_junit() -> None:
    r = ci(exit_code=1)
    doc = sarif_document(r)
    assert schema_errors(doc) == []
    assert doc["runs"][0]["invocations"][0]["exitCode"] == 1
    xml = JUnitXml.fromstring(junit_text(r).encode())
    assert (xml.tests, xml.failures, xml.skipped) == (5, 4, 0)
    assert len(xml) == len(r.rules)


ids = st.text(min_size=1, max_size=30)
text = st.text(max_size=30)


@st.composite
def conflicts(draw: st.DrawFn) -> Conflict:
    rule = draw(st.sampled_from(list(RULES.values())))
    edge = draw(st.sampled_from(["derived", "merge", "trained_on", "uses"]))
    child_type = draw(st.sampled_from(["repo", "space"])) if edge == "uses" else "model"
    bases = tuple(draw(st.lists(ids, min_size=2, max_size=3))) if edge == "merge" else ()
    base = bases[0] if bases else draw(st.none() | ids)
    strings = st.lists(text, max_size=3).map(tuple)
    return Conflict(
        rule.kind,
        rule.severity,
        rule.id,
        edge,  # type: ignore[arg-type]
        draw(ids),
        child_type,  # type: ignore[arg-type]
        draw(text),
        base,
        draw(st.none() | text),
        draw(st.none() | text),
        draw(strings),
        draw(strings),
        draw(strings),
        draw(text),
        bases,
        draw(strings),
        draw(strings),
        draw(st.integers(0, 10**12)),
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(conflicts(), max_size=5), st.lists(st.builds(Uses, ids, st.just("repo"), ids, text, text), max_size=3))
def test_any_conflicts_make_valid_sarif_and_parseable_junit(found: list[Conflict], uses: list[Uses]) -> None:
    report, selection = selection_of(found)
    r = licenses_ci(report, selection, 0, usage_evidence(uses))
    assert schema_errors(sarif_document(r)) == []
    xml = JUnitXml.fromstring(junit_text(r).encode())
    assert xml.tests == len(found)
    assert xml.failures == sum(1 for c in found if c.severity in ("error", "warning"))
