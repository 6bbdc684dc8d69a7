"""``diff_states`` on the bundled families against a copy with deliberate changes (``tests.snapshot.families``):
a relicensed base, a new NC dataset, a dropped leaf, a dropped base, a renamed base, a new usage. Every expected
value is computed here from the mutation and the original records."""

from __future__ import annotations

from typing import Any

import pytest

from graphsc.ids import id_key
from graphsc.records import NOT_FETCHED
from graphsc.snapshot.diff import CHANGE_KINDS, DiffScope, FieldChange, GraphDiff, diff_states
from graphsc.snapshot.state import FindingFacts, GraphState, ModelFacts
from tests.snapshot.families import (
    NC_DATASET,
    NC_LICENSE,
    NC_TRAINED,
    NEW_USE,
    NEW_USER,
    RELICENSED,
    REMOVED_BASE,
    REMOVED_LEAF,
    RENAMED_NEW,
    RENAMED_OLD,
    base_tags,
    children_of,
    recased,
)


@pytest.fixture(scope="module")
def diff(old_state: GraphState, new_state: GraphState) -> GraphDiff:
    return diff_states(old_state, new_state)


def _record(records: list[dict[str, Any]], model_id: str) -> dict[str, Any]:
    return next(r for r in records if r["id"] == model_id)


def test_a_state_against_itself_is_empty(old_state: GraphState, new_state: GraphState) -> None:
    for state in (old_state, new_state):
        d = diff_states(state, state)
        assert d.is_empty
        assert all(n == 0 for k, n in d.counts().items() if k != "findings_unchanged")
        assert d.counts()["findings_unchanged"] == len(state.findings)


def test_other_casing_is_no_change(old_state: GraphState, new_state: GraphState, diff: GraphDiff) -> None:
    assert diff_states(old_state, recased(old_state)).is_empty
    assert diff_states(recased(new_state), new_state).is_empty
    assert diff_states(recased(old_state), new_state).counts() == diff.counts()


def test_relicensed_model(diff: GraphDiff) -> None:
    change = next(c for c in diff.licenses_changed if c.id == RELICENSED)
    assert (change.kind, change.old_ids, change.new_ids) == ("model", ("apache-2.0",), (NC_LICENSE,))
    assert change.old_license.lower() == "apache-2.0" and change.new_license.lower() == NC_LICENSE
    # The relicensed model and the dropped base (now a stub) are the only license changes.
    assert [c.id for c in diff.licenses_changed] == sorted([RELICENSED, REMOVED_BASE], key=str.lower)


def test_relicensing_a_base_flags_its_commercial_children(
    diff: GraphDiff, original_records: list[dict[str, Any]]
) -> None:
    commercial = [
        c
        for c in children_of(original_records, RELICENSED)
        if (_record(original_records, c).get("cardData") or {}).get("license") in ("apache-2.0", "mit")
    ]
    expected = {f"D-NC/derived:{c.lower()}<-{RELICENSED.lower()}" for c in commercial}
    assert {f.key for f in diff.findings_new if f.rule == "D-NC"} == expected
    assert all(f.severity == "error" for f in diff.findings_new if f.rule == "D-NC")


def test_new_nc_dataset(diff: GraphDiff) -> None:
    assert [(n.id, n.kind, n.license_ids) for n in diff.datasets_added] == [(NC_DATASET, "dataset", (NC_LICENSE,))]
    assert [(t.model, t.dataset) for t in diff.training_added] == [(NC_TRAINED, NC_DATASET)]
    assert diff.training_removed == [] and diff.datasets_removed == []
    key = f"T-NC/trained_on:{NC_TRAINED.lower()}<-{NC_DATASET.lower()}"
    assert key in {f.key for f in diff.findings_new}


def test_removed_leaf(diff: GraphDiff, original_records: list[dict[str, Any]]) -> None:
    assert [m.id for m in diff.models_removed] == [REMOVED_LEAF]
    assert diff.models_added == []
    expected = {
        (model, base)
        for model in (REMOVED_LEAF, REMOVED_BASE)
        for _, base in base_tags(_record(original_records, model))
    }
    assert {(e.child, e.base) for e in diff.edges_removed} == expected
    assert diff.edges_added == []


def test_removed_base_stays_as_a_stub(diff: GraphDiff, original_records: list[dict[str, Any]]) -> None:
    # Its 11 children still name it, so it is no removal: it is known only as their base now.
    assert REMOVED_BASE not in {m.id for m in diff.models_removed}
    # only "fetched": a stub knows no author or gated flag, which is no change of them
    assert [c for c in diff.fields_changed if c.id == REMOVED_BASE] == [
        FieldChange(REMOVED_BASE, "fetched", True, False)
    ]
    change = next(c for c in diff.licenses_changed if c.id == REMOVED_BASE)
    assert (change.old_ids, change.new_license, change.new_ids) == (("mit",), NOT_FETCHED, ())
    assert not any(id_key(e.base) == id_key(REMOVED_BASE) for e in diff.edges_removed)
    spaces = set(_record(original_records, REMOVED_BASE)["spaces"])
    assert {u.user for u in diff.usage_removed} == spaces
    assert {u.model for u in diff.usage_removed} == {REMOVED_BASE}


def test_renamed_base(diff: GraphDiff, original_records: list[dict[str, Any]]) -> None:
    assert [(r.old.id, r.new.id) for r in diff.models_renamed] == [(RENAMED_OLD, RENAMED_NEW)]
    assert RENAMED_OLD not in {m.id for m in diff.models_removed}
    children = children_of(original_records, RENAMED_OLD)
    assert len(children) == 5
    assert [(c.new.child, c.old.base, c.new.base) for c in diff.bases_renamed] == [
        (child, RENAMED_OLD, RENAMED_NEW) for child in sorted(children, key=str.lower)
    ]
    assert diff.relations_changed == []
    # Nothing else moves with the rename: its own edge, its Spaces and its children's edges are the same.
    moved = {id_key(RENAMED_OLD), id_key(RENAMED_NEW)}
    for kind in ("edges_added", "edges_removed"):
        assert not any(id_key(e.child) in moved or id_key(e.base) in moved for e in getattr(diff, kind))
    assert not any(id_key(u.model) in moved for u in (*diff.usage_added, *diff.usage_removed))
    # The rename's new owner shows as an author change of the new id.
    assert FieldChange(RENAMED_NEW, "author", "unsloth", "unsloth-ai") in diff.fields_changed


def test_new_usage(diff: GraphDiff) -> None:
    assert [(u.user, u.user_kind, u.model, u.evidence) for u in diff.usage_added] == [
        (NEW_USE.user, NEW_USE.user_kind, NEW_USE.model, NEW_USE.evidence)
    ]
    assert f"U-NC/uses:{NEW_USER.lower()}<-{RELICENSED.lower()}" in {f.key for f in diff.findings_new}


def test_downloads_are_no_change(old_state: GraphState) -> None:
    bumped = recased(old_state)
    bumped.models = {k: m._replace(downloads=(m.downloads or 0) + 1) for k, m in old_state.models.items()}
    assert diff_states(old_state, bumped).is_empty


def test_reversed_diff(old_state: GraphState, new_state: GraphState, diff: GraphDiff) -> None:
    back = diff_states(new_state, old_state)
    assert {f.key for f in back.findings_resolved} == {f.key for f in diff.findings_new}
    assert back.findings_new == []
    assert [m.id for m in back.models_added if m.id != RENAMED_OLD] == [REMOVED_LEAF]
    assert {(c.id, c.old_ids, c.new_ids) for c in back.licenses_changed} == {
        (c.id, c.new_ids, c.old_ids) for c in diff.licenses_changed
    }


def test_counts_and_lists_are_sorted(diff: GraphDiff) -> None:
    assert list(diff.counts()) == [*CHANGE_KINDS, "findings_unchanged"]
    assert diff.counts()["models_renamed"] == 1
    assert not diff.is_empty
    keys = [f.key for f in diff.findings_new]
    assert keys == sorted(keys)
    users = [(u.user_kind, u.user.lower(), u.model.lower()) for u in diff.usage_removed]
    assert users == sorted(users)


def test_new_findings_at(diff: GraphDiff) -> None:
    order = {"error": 0, "warning": 1, "info": 2}
    for severity in order:
        expected = [f.key for f in diff.findings_new if order[f.severity] <= order[severity]]
        assert [f.key for f in diff.new_findings_at(severity)] == expected
    assert {f.rule for f in diff.new_findings_at("error")} == {"D-NC"}
    assert {"T-NC", "U-NC", "D-NC"} <= {f.rule for f in diff.new_findings_at("warning")}
    with pytest.raises(ValueError, match="severity"):
        diff.new_findings_at("fatal")


def _finding(key: str, severity: str, child: str = "a/child", base: str = "a/base") -> FindingFacts:
    return FindingFacts(
        key, "D-NC", "non_commercial_dropped", severity, "derived", child, "model", "mit", base, "cc-by-nc-4.0",
        (), "finetune", ("cc-by-nc-4.0",), (), ("non commercial",), "derivative grants commercial use", 1, 0, (),
    )  # fmt: skip


def test_finding_severity_changes() -> None:
    old = GraphState("old", findings={"k1": _finding("k1", "warning"), "k2": _finding("k2", "error")})
    new = GraphState("new", findings={"k1": _finding("k1", "error"), "k2": _finding("k2", "error")})
    d = diff_states(old, new)
    assert [(c.old.severity, c.new.severity) for c in d.findings_changed] == [("warning", "error")]
    assert [f.key for f in d.findings_unchanged] == ["k2"]
    assert d.findings_new == [] and d.findings_resolved == []
    assert [f.key for f in d.new_findings_at("error")] == ["k1"]  # rose to error: new at error
    assert diff_states(new, old).new_findings_at("error") == []


def test_findings_not_compared_without_a_check() -> None:
    old = GraphState("old", findings={"k1": _finding("k1", "error")})
    new = GraphState("new", findings_checked=False)
    d = diff_states(old, new)
    assert not d.findings_compared
    assert d.findings_resolved == [] and d.is_empty


def test_a_model_merged_into_one_both_hold_is_a_rename() -> None:
    facts = ModelFacts("org/Old", "MIT", ("mit",), "org", None, True, 1)
    target = facts._replace(id="org/New")
    old = GraphState("old", models={"org/old": facts, "org/new": target})
    new = GraphState("new", models={"org/new": target}, aliases={"org/old": "org/New"})
    d = diff_states(old, new)
    assert [(r.old.id, r.new.id) for r in d.models_renamed] == [("org/Old", "org/New")]
    assert d.models_removed == [] and d.models_added == []


@pytest.mark.parametrize("renamed", ["base", "child"])
def test_a_finding_at_a_renamed_model_is_the_same_finding(renamed: str) -> None:
    """The Hub renamed a model between two states: its findings keep their identity (not new + resolved), so
    --fail-on-new does not fire and a waiver keeps matching."""
    old_base, old_child = "Org/Base", "Lab/Child"
    new_base = "Org2/Base" if renamed == "base" else old_base
    new_child = "Lab2/Child" if renamed == "child" else old_child
    models = {
        id_key(i): ModelFacts(i, "MIT", ("mit",), i.split("/")[0], None, True, 1)
        for i in (old_base, old_child, new_base, new_child)
    }

    def state(label: str, base: str, child: str, aliases: dict[str, str]) -> GraphState:
        key = f"D-NC/derived:{child.lower()}<-{base.lower()}"
        finding = _finding(key, "error", child=child, base=base)
        kept = {k: v for k, v in models.items() if k in (id_key(base), id_key(child))}
        return GraphState(label, models=kept, findings={key: finding}, aliases=aliases)

    renames = {id_key(old_base): new_base} if renamed == "base" else {id_key(old_child): new_child}
    d = diff_states(state("old", old_base, old_child, {}), state("new", new_base, new_child, renames))
    assert d.findings_new == [] and d.findings_resolved == []
    assert len(d.findings_unchanged) == 1
    assert d.new_findings_at("warning") == []
    assert len(d.models_renamed) == 1


@pytest.mark.parametrize(
    "given", ["gpt2", "GPT2", "https://huggingface.co/openai-community/gpt2", "hf.co/openai-community/GPT2"]
)
def test_a_scope_reads_legacy_ids_and_urls_as_every_command_does(given: str) -> None:
    facts = ModelFacts("openai-community/gpt2", "MIT", ("mit",), "openai-community", None, True, 1)
    state = GraphState("s", models={"openai-community/gpt2": facts})
    assert state.resolve(given) == "openai-community/gpt2"
    d = diff_states(state, state, DiffScope(model=given))
    assert d.scope_models == 1
