"""Properties of ``diff_states`` on random small graph states (no aliases): what it reports added, removed and
changed equals the set differences computed directly, in any casing, and a state against itself is empty."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from graphsc.ids import id_key
from graphsc.records import UserKind
from graphsc.snapshot.diff import diff_states
from graphsc.snapshot.state import EdgeFacts, GraphState, ModelFacts, UsageFacts
from tests.snapshot.families import recased

MODEL_IDS = [f"Org/M{i}" for i in range(6)]
USERS = ["gh/App", "gh/Tool"]
LICENSES = ["mit", "apache-2.0", "cc-by-nc-4.0"]
RELATIONS = ["finetune", "adapter", "quantized"]
KINDS: list[UserKind] = ["repo", "space"]


CASINGS: list[Callable[[str], str]] = [str, str.lower, str.upper, str.swapcase, str.title]


def cased(draw: st.DrawFn, value: str) -> str:
    """``value`` in one of several casings."""
    return draw(st.sampled_from(CASINGS))(value)


@st.composite
def states(draw: st.DrawFn) -> GraphState:
    state = GraphState("random")
    for model in draw(st.sets(st.sampled_from(MODEL_IDS))):
        lic = draw(st.sampled_from(LICENSES))
        downloads = draw(st.integers(0, 10**6))
        state.models[id_key(model)] = ModelFacts(cased(draw, model), lic, (lic,), "org", None, True, downloads)
    for child, base in draw(st.sets(st.tuples(st.sampled_from(MODEL_IDS), st.sampled_from(MODEL_IDS)))):
        relation = draw(st.sampled_from(RELATIONS))
        state.lineage[id_key(child), id_key(base)] = EdgeFacts(cased(draw, child), cased(draw, base), relation, "card")
    for kind, user, model in draw(
        st.sets(st.tuples(st.sampled_from(KINDS), st.sampled_from(USERS), st.sampled_from(MODEL_IDS)))
    ):
        state.usage[kind, id_key(user), id_key(model)] = UsageFacts(user, kind, model, "sbom", None)
    return state


@settings(max_examples=150, deadline=None)
@given(states(), states())
def test_changes_are_the_set_differences(a: GraphState, b: GraphState) -> None:
    d = diff_states(a, b)
    assert {id_key(m.id) for m in d.models_added} == b.models.keys() - a.models.keys()
    assert {id_key(m.id) for m in d.models_removed} == a.models.keys() - b.models.keys()
    assert d.models_renamed == []
    both = a.models.keys() & b.models.keys()
    assert {id_key(c.id) for c in d.licenses_changed} == {k for k in both if a.models[k].license != b.models[k].license}
    assert {(id_key(e.child), id_key(e.base)) for e in d.edges_added} == b.lineage.keys() - a.lineage.keys()
    assert {(id_key(e.child), id_key(e.base)) for e in d.edges_removed} == a.lineage.keys() - b.lineage.keys()
    assert {(id_key(c.new.child), id_key(c.new.base)) for c in d.relations_changed} == {
        k for k in a.lineage.keys() & b.lineage.keys() if a.lineage[k].relation != b.lineage[k].relation
    }
    assert d.bases_renamed == []
    usage_keys = {(u.user_kind, id_key(u.user), id_key(u.model)) for u in d.usage_added}
    assert usage_keys == b.usage.keys() - a.usage.keys()
    assert {(u.user_kind, id_key(u.user), id_key(u.model)) for u in d.usage_removed} == a.usage.keys() - b.usage.keys()
    assert d.is_empty == (
        a.models.keys() == b.models.keys()
        and not d.licenses_changed
        and a.lineage.keys() == b.lineage.keys()
        and not d.relations_changed
        and a.usage.keys() == b.usage.keys()
    )


@settings(max_examples=100, deadline=None)
@given(states())
def test_a_state_against_itself_or_recased_is_empty(a: GraphState) -> None:
    assert diff_states(a, a).is_empty
    assert diff_states(a, recased(a)).is_empty
