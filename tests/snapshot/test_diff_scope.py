"""``diff_states`` limited to a model (it, its ancestors and descendants) or to a repository (its usages, the
models it uses and their ancestors), on the changed families. The expected scope is computed here from the
original records' lineage tags."""

from __future__ import annotations

from typing import Any

import pytest

from graphsc.errors import GraphscError
from graphsc.ids import id_key
from graphsc.snapshot.diff import DiffScope, GraphDiff, diff_states
from graphsc.snapshot.state import GraphState
from tests.snapshot.families import (
    NC_DATASET,
    NC_TRAINED,
    NEW_USER,
    RELICENSED,
    REMOVED_BASE,
    REMOVED_LEAF,
    RENAMED_NEW,
    RENAMED_OLD,
    base_tags,
)

DEEPSEEK = "deepseek-ai/DeepSeek-R1"


def lineage_closure(records: list[dict[str, Any]], model: str, down: bool = True) -> set[str]:
    """``model`` with its ancestors (and descendants when ``down``), as keys, from the records' base tags."""
    up_edges: dict[str, set[str]] = {}
    down_edges: dict[str, set[str]] = {}
    for r in records:
        for _, base in base_tags(r):
            up_edges.setdefault(id_key(r["id"]), set()).add(id_key(base))
            down_edges.setdefault(id_key(base), set()).add(id_key(r["id"]))
    found = {id_key(model)}
    for edges in (up_edges, down_edges) if down else (up_edges,):
        todo = [id_key(model)]
        seen = {id_key(model)}
        while todo:
            for nxt in edges.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        found |= seen
    return found


def model_ids(d: GraphDiff) -> set[str]:
    """Every model a diff's model, edge, training and usage changes name (as child/user side)."""
    ids = {m.id for m in (*d.models_added, *d.models_removed)}
    ids |= {c.id for c in d.licenses_changed} | {c.id for c in d.fields_changed}
    ids |= {e.child for e in (*d.edges_added, *d.edges_removed)}
    ids |= {c.new.child for c in (*d.bases_renamed, *d.relations_changed)}
    ids |= {t.model for t in (*d.training_added, *d.training_removed)}
    ids |= {u.model for u in (*d.usage_added, *d.usage_removed)}
    return {id_key(i) for i in ids}


def test_scope_of_the_relicensed_model(
    old_state: GraphState, new_state: GraphState, original_records: list[dict[str, Any]]
) -> None:
    members = lineage_closure(original_records, RELICENSED)
    d = diff_states(old_state, new_state, DiffScope(model=RELICENSED))
    assert d.scope_models == len(members)
    assert model_ids(d) <= members
    assert [c.id for c in d.licenses_changed] == [RELICENSED]
    assert [u.user for u in d.usage_added] == [NEW_USER]
    assert d.models_removed == [] and d.training_added == [] and d.datasets_added == []
    assert d.models_renamed == [] and d.bases_renamed == []  # the renamed base is a sibling, not in the scope
    assert d.findings_new
    for f in d.findings_new:
        assert {id_key(f.child), id_key(f.base or "")} & members


def test_scope_of_the_deepseek_root(
    old_state: GraphState, new_state: GraphState, original_records: list[dict[str, Any]]
) -> None:
    members = lineage_closure(original_records, DEEPSEEK)
    d = diff_states(old_state, new_state, DiffScope(model=DEEPSEEK.upper()))
    assert model_ids(d) <= members
    assert [m.id for m in d.models_removed] == [REMOVED_LEAF]
    assert [(t.model, t.dataset) for t in d.training_added] == [(NC_TRAINED, NC_DATASET)]
    assert [n.id for n in d.datasets_added] == [NC_DATASET]
    assert [c.id for c in d.licenses_changed] == [REMOVED_BASE]
    assert d.usage_added == []  # the new usage is of a Mistral model
    assert RELICENSED not in {c.id for c in d.licenses_changed}


def test_scope_through_a_renamed_id(old_state: GraphState, new_state: GraphState) -> None:
    # The old id: a model in OLD, an alias in NEW; both resolve to one scope with the rename and its children.
    for given in (RENAMED_OLD, RENAMED_NEW):
        d = diff_states(old_state, new_state, DiffScope(model=given))
        assert [(r.old.id, r.new.id) for r in d.models_renamed] == [(RENAMED_OLD, RENAMED_NEW)]
        assert len(d.bases_renamed) == 5
        assert d.licenses_changed == []


def test_scope_of_a_repository(
    old_state: GraphState, new_state: GraphState, original_records: list[dict[str, Any]]
) -> None:
    members = lineage_closure(original_records, RELICENSED, down=False)
    d = diff_states(old_state, new_state, DiffScope(repo=NEW_USER.lower()))
    assert d.scope_models == len(members)
    assert model_ids(d) <= members
    assert [(u.user, u.model) for u in d.usage_added] == [(NEW_USER, RELICENSED)]
    assert [c.id for c in d.licenses_changed] == [RELICENSED]
    assert [f.key for f in d.findings_new] == [f"U-NC/uses:{NEW_USER.lower()}<-{RELICENSED.lower()}"]
    assert d.bases_renamed == [] and d.usage_removed == []


def test_scope_of_a_space_that_went_away(old_state: GraphState, new_state: GraphState) -> None:
    space = next(u.user for u in old_state.usage.values() if u.model == REMOVED_BASE)
    d = diff_states(old_state, new_state, DiffScope(repo=space))
    assert [(u.user, u.model) for u in d.usage_removed] == [(space, REMOVED_BASE)]
    assert d.usage_added == []


def test_unknown_scope_says_so(old_state: GraphState, new_state: GraphState) -> None:
    with pytest.raises(GraphscError, match="neither") as err:
        diff_states(old_state, new_state, DiffScope(model="nobody/nothing"))
    assert err.value.hint
    with pytest.raises(GraphscError, match="neither") as err:
        diff_states(old_state, new_state, DiffScope(repo="nobody/nothing"))
    assert err.value.hint
    with pytest.raises(GraphscError, match="not both"):
        DiffScope(model=RELICENSED, repo=NEW_USER)


def test_an_empty_scope_is_the_whole_graph(old_state: GraphState, new_state: GraphState) -> None:
    whole = diff_states(old_state, new_state)
    d = diff_states(old_state, new_state, DiffScope())
    assert d.scope is None and d.counts() == whole.counts()
