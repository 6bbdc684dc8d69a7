"""The policy engine on the bundled real families (tests/conftest.py ``families_store``), checked against walks
of the stored records."""

from __future__ import annotations

from datetime import date

from graphsc.ids import id_key
from graphsc.license_table.table import default_table
from graphsc.licenses.engine import check_store
from graphsc.policy import Scope, check_policy, parse_policy, policy_datasets
from graphsc.records import DerivedFrom, Model, TrainedOn, Uses
from graphsc.snapshot.state import state_from_store
from graphsc.store.sqlite import SQLiteStore


def _records(store: SQLiteStore) -> tuple[list[Model], list[DerivedFrom], list[TrainedOn], list[Uses]]:
    models = [m for batch in store.iter_models() for m in batch]
    edges = [e for batch in store.iter_derived_from() for e in batch]
    trained = [t for batch in store.iter_trained_on() for t in batch]
    uses = [u for batch in store.iter_uses() for u in batch]
    return models, edges, trained, uses


def _ancestors(edges: list[DerivedFrom], start: set[str]) -> set[str]:
    bases: dict[str, set[str]] = {}
    for e in edges:
        bases.setdefault(id_key(e.child), set()).add(id_key(e.base))
    out: set[str] = set()
    todo = list(start)
    while todo:
        for b in bases.get(todo.pop(), ()):
            if b not in out:
                out.add(b)
                todo.append(b)
    return out


def test_real_families(families_store: SQLiteStore) -> None:
    report = check_store(families_store)
    state = state_from_store(families_store, "families", report)
    models, edges, trained, uses = _records(families_store)
    everything = parse_policy('version = 1\n[[rules]]\nid = "all"\naction = "warn"\n')

    # one model's chain: the model with the most ancestors
    deepest = max(models, key=lambda m: len(_ancestors(edges, {id_key(m.id)})))
    ancestors = _ancestors(edges, {id_key(deepest.id)})
    assert ancestors
    chain_models = ancestors | {id_key(deepest.id)}
    datasets = {id_key(t.dataset) for t in trained if id_key(t.model) in chain_models}
    result = check_policy(everything, state, report, Scope(model=deepest.id), today=date(2026, 1, 1))
    assert {id_key(v.node) for v in result.violations if v.node_kind == "model"} == chain_models
    assert {id_key(v.node) for v in result.violations if v.node_kind == "dataset"} == datasets
    for v in result.violations:
        assert v.chain[-1].id == deepest.id  # every chain ends at the subject

    # one repository's usage: the repository using the most models
    users: dict[str, set[str]] = {}
    for u in uses:
        users.setdefault(u.user, set()).add(id_key(u.model))
    repo = max(sorted(users), key=lambda r: len(users[r]))
    used = users[repo]
    expected = used | _ancestors(edges, used)
    result = check_policy(everything, state, report, Scope(repo=repo), today=date(2026, 1, 1))
    assert {id_key(v.node) for v in result.violations if v.node_kind == "model"} == expected
    assert {id_key(v.node) for v in result.violations if "used" in v.positions} == used

    # whole graph, one condition each
    gated = parse_policy('version = 1\n[[rules]]\nid = "g"\naction = "deny"\ngated = true\n')
    result = check_policy(gated, state, report, today=date(2026, 1, 1), datasets=policy_datasets(families_store))
    stored = [d for batch in families_store.iter_datasets() for d in batch]
    assert {v.node for v in result.violations} == {
        r.id for r in (*models, *stored) if r.gated not in (None, "false", "False", "")
    }
    table = default_table()
    rail = parse_policy('version = 1\n[[rules]]\nid = "r"\naction = "deny"\ncategory = "rail"\nnode = "model"\n')
    result = check_policy(rail, state, report, today=date(2026, 1, 1))

    def is_rail(license_text: str | None) -> bool:
        lic = table.lookup(license_text) if license_text else None
        return lic is not None and lic.category == "rail"

    expected_rail = {m.id for m in models if m.fetched and is_rail(m.license)}
    assert expected_rail
    assert {v.node for v in result.violations} == expected_rail
    # base model subjects: every descendant that is a model of the graph
    for v in result.violations:
        assert v.subject_count >= 1
