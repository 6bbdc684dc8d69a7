"""The ``GraphStore`` contract (``graphsc.store.base``), run on every backend: the embedded SQLite store and a real
Neo4j (``neo4j`` marker; skipped when none is reachable, unless ``GRAPHSC_REQUIRE_NEO4J=1``).

Every test here runs on each backend of ``BACKENDS`` (``tests/store/conftest.py``). A test that does not apply to
a backend is named in ``SKIPS`` with the reason, so what is not checked where is written down in one place (as in
GUAC's ``internal/testing/backend/main_test.go``). Backend-specific behaviour (files, servers, faults) is tested in
``test_sqlite_store.py``, ``test_sqlite_faults.py`` and ``test_neo4j_store.py``; identity (one node per Hub repo)
in ``test_identity.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from graphsc.errors import StoreError
from graphsc.ingest import ingest_snapshot
from graphsc.records import (
    Alias,
    Dataset,
    DatasetDerivedFrom,
    DerivedFrom,
    EvalResult,
    GraphBatch,
    IdNote,
    Model,
    ModelDetails,
    Repo,
    Space,
    TrainedOn,
    Uses,
)
from graphsc.store.base import GraphStore
from graphsc.store.neo4j import Neo4jStore
from graphsc.store.sqlite import SQLiteStore
from tests.store.records import batch, flat

# test name -> {backend: why the test does not apply to it}. Every contract test runs on every backend.
SKIPS: dict[str, dict[str, str]] = {}


@pytest.fixture(autouse=True)
def _skip_matrix(request: pytest.FixtureRequest) -> None:
    backend = request.node.callspec.params["any_store"]
    reason = SKIPS.get(request.node.originalname, {}).get(backend)
    if reason:
        pytest.skip(f"{backend}: {reason}")


@pytest.fixture
def store(any_store: GraphStore) -> GraphStore:
    """A fresh, empty store of each backend."""
    return any_store


@pytest.fixture
def families(any_store: GraphStore, family_files: list[Path]) -> GraphStore:
    """Each backend with the bundled real families ingested."""
    ingest_snapshot(any_store, [str(p) for p in family_files])
    return any_store


FULL = Model(
    "org/full",
    author="org",
    license="llama2",
    license_name="llama2",
    license_link="https://x/LICENSE",
    pipeline_tag="text-generation",
    library_name="transformers",
    downloads=12_345_678_901,
    likes=0,
    created_at="2024-01-02T03:04:05.000Z",
    last_modified="2025-01-01T00:00:00.000Z",
    gated="manual",
    fetched=True,
    fetched_at="2026-01-01T00:00:00Z",
    has_card=True,
)
SPARSE = Model("bare-name", gated=None, downloads=None)


# --- the store as an object ---


def test_store_satisfies_the_protocol(store: GraphStore, tmp_path: Path) -> None:
    assert isinstance(store, GraphStore)
    if isinstance(store, Neo4jStore):
        assert store.kind == "neo4j" and store.location.startswith("bolt://")
    else:
        assert isinstance(store, SQLiteStore)
        assert store.kind == "embedded" and store.location == str(tmp_path / "graph.db")


def test_a_store_is_a_context_manager_that_closes(store: GraphStore) -> None:
    store.write(batch([Model("o/m")]))
    with store as entered:
        assert entered is store
        assert entered.models(["o/m"])["o/m"].fetched
    with pytest.raises(Exception):  # noqa: B017 - closed: each backend's driver says so its own way
        store.models(["o/m"])
    store.close()  # closing again does nothing


def test_leaving_with_an_error_closes_and_lets_the_error_through(store: GraphStore) -> None:
    with pytest.raises(KeyError, match="boom"), store:
        raise KeyError("boom")
    with pytest.raises(Exception):  # noqa: B017
        store.get_state("x")


def test_a_bug_inside_a_store_call_is_not_reported_as_a_store_fault(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``ValueError`` (or any exception) graphsc raises while a store works keeps its type and traceback."""

    def broken(*_: Any) -> None:
        raise ValueError("a bug in graphsc")

    monkeypatch.setattr(sys.modules[type(store).__module__], "plan_write", broken)
    with pytest.raises(ValueError, match="a bug in graphsc") as caught:
        store.write(batch([Model("o/m")]))
    assert not isinstance(caught.value, StoreError)


def test_unknown_model_fields_are_a_value_error_when_called(store: GraphStore) -> None:
    store.write(batch([Model("o/m", downloads=3)]))
    with pytest.raises(ValueError, match="not Model fields: nope"):
        store.iter_model_fields(["downloads", "nope"])
    assert flat(store.iter_model_fields(["downloads"])) == [("o/m", 3)]


# --- writes ---


def test_records_round_trip_exactly(store: GraphStore) -> None:
    repos = [
        Repo("gh/a", "mit", "MIT License", 10, True, "2025-01-01", "t"),
        Repo("gh/b", archived=False),
        Repo("gh/c"),
    ]
    edges = [DerivedFrom("org/full", "bare-name", "quantized", "hub-tag", "t1")]
    trained = [TrainedOn("org/full", "d/set", "card", "t2")]
    uses = [
        Uses("gh/a", "repo", "org/full", "peatmoss", "src/app.py", "t3"),
        Uses("s/x", "space", "org/full", "hub-spaces"),
    ]
    store.write(
        GraphBatch(
            models=[FULL, SPARSE],
            datasets=[Dataset("d/set", "cc-by-4.0")],
            repos=repos,
            spaces=[Space("s/x", "mit")],
            derived_from=edges,
            trained_on=trained,
            uses=uses,
        )
    )
    assert store.models(["org/full", "bare-name", "missing"]) == {"org/full": FULL, "bare-name": SPARSE}
    assert sorted(flat(store.iter_models())) == [SPARSE, FULL]
    assert flat(store.iter_repos()) == repos
    assert flat(store.iter_datasets()) == [Dataset("d/set", "cc-by-4.0")]
    assert flat(store.iter_spaces()) == [Space("s/x", "mit")]
    assert flat(store.iter_derived_from()) == edges
    assert flat(store.iter_trained_on()) == trained
    assert sorted(flat(store.iter_uses()), key=lambda u: u.user) == uses
    assert store.trained_on(["org/full"]) == trained
    assert sorted(store.uses_of(["org/full", "org/full"]), key=lambda u: u.user) == uses
    assert store.lineage_edges("bare-name", "down") == edges


def test_stub_never_overwrites_fetched_model(store: GraphStore) -> None:
    store.write(batch([Model("o/base", license="mit", downloads=5)]))
    store.write(batch([Model("o/child")], [DerivedFrom("o/child", "o/base", "finetune", "inferred")]))
    store.write(batch([Model("o/base", fetched=False)]))
    base = store.models(["o/base"])["o/base"]
    assert base.fetched and base.license == "mit" and base.downloads == 5


def test_an_unfetched_model_s_license_is_set_on_its_stub_only(store: GraphStore) -> None:
    store.write(batch([Model("o/fetched", license="mit")]))
    store.write(
        batch([Model("o/fetched", license="gpl-3.0", fetched=False), Model("x/stub", license="gpl-3.0", fetched=False)])
    )
    stored = store.models(["o/fetched", "x/stub"])
    assert stored["o/fetched"].license == "mit" and stored["o/fetched"].fetched
    assert stored["x/stub"] == Model("x/stub", author="x", license="gpl-3.0", fetched=False)


def test_edge_endpoint_becomes_unfetched_stub(store: GraphStore) -> None:
    store.write(batch([Model("o/child")], [DerivedFrom("o/child", "x/base", "finetune", "inferred")]))
    stub = store.models(["x/base"])["x/base"]
    assert not stub.fetched and stub.author == "x"
    assert store.counts().unfetched_models == 1


def test_edge_endpoints_become_stubs(store: GraphStore) -> None:
    store.write(
        batch(
            [Model("o/child")],
            [DerivedFrom("o/child", "x/base", "finetune", "inferred")],
            [TrainedOn("o/child", "d/x", "card")],
            [Uses("gh/r", "repo", "y/used", "peatmoss")],
        )
    )
    assert store.models(["x/base"])["x/base"] == Model("x/base", author="x", fetched=False)
    counts = store.counts()
    assert counts.unfetched_models == 2
    assert counts.nodes == {"Model": 3, "Dataset": 1, "Repo": 1, "Space": 0}


def test_fetching_a_stub_fills_it_in(store: GraphStore) -> None:
    store.write(batch([Model("o/child")], [DerivedFrom("o/child", "o/base", "merge", "card")]))
    store.write(batch([Model("o/base", license="apache-2.0")]))
    assert store.models(["o/base"])["o/base"] == Model("o/base", license="apache-2.0")
    assert len(store.lineage_edges("o/base", "down")) == 1


def test_refetched_model_replaces_its_outgoing_hub_edges(store: GraphStore) -> None:
    store.write(
        batch(
            [Model("o/c")],
            [DerivedFrom("o/c", "o/old", "finetune", "inferred")],
            [TrainedOn("o/c", "d/old", "card")],
            [Uses("s/old", "space", "o/c", "hub-spaces"), Uses("gh/repo", "repo", "o/c", "peatmoss")],
        )
    )
    store.write(
        batch(
            [Model("o/c")],
            [DerivedFrom("o/c", "o/new", "adapter", "hub-tag")],
            [],
            [Uses("s/new", "space", "o/c", "hub-spaces")],
        )
    )
    assert [(e.base, e.relation) for e in store.lineage_edges("o/c", "up")] == [("o/new", "adapter")]
    assert store.trained_on(["o/c"]) == []
    assert sorted(u.user for u in store.uses_of(["o/c"])) == ["gh/repo", "s/new"]
    assert store.counts().edges == {"DERIVED_FROM": 1, "TRAINED_ON": 0, "USES": 2}


def test_refetched_model_replaces_its_notes(store: GraphStore) -> None:
    note = IdNote("o/c", "base_model", "not an id", None, "invalid")
    store.write(GraphBatch(models=[Model("o/c")], notes=[note]))
    assert store.notes_of(["o/c", "o/c"]) == [note]
    store.write(batch([Model("o/c")]))
    assert store.notes_of(["o/c"]) == []


FULL_DETAILS = ModelDetails(
    "org/full",
    files=12,
    weight_formats=("pickle", "safetensors"),
    pickle_files=3,
    custom_code=True,
    architectures=("DeepseekV3ForCausalLM", "Ünïcode"),
    model_type="deepseek_v3",
    quant_method="fp8",
    parameters=671_026_419_200,
    dtypes=("BF16", "F8_E4M3"),
    card_fields=("license", "model-index"),
    disabled=True,
    scan_status="unsafe",
)
RESULTS = [
    EvalResult("org/full", 0, "text-generation", "MATH", "MATH-500", "pass@1", "pass@1", 0.95, None, False, "lb", "u"),
    EvalResult("org/full", 1, metric="acc", value=None, value_text="95%"),
    EvalResult("org/full", 2, metric="pass@1", value=0.5333, verified=True),
]


def test_details_and_eval_results_round_trip_exactly(store: GraphStore) -> None:
    sparse = ModelDetails("bare-name")
    store.write(GraphBatch(models=[FULL, SPARSE], details=[FULL_DETAILS, sparse], eval_results=RESULTS))
    assert store.details_of(["org/full", "bare-name", "missing", "org/full"]) == {
        "org/full": FULL_DETAILS,
        "bare-name": sparse,
    }
    assert flat(store.iter_details()) == [sparse, FULL_DETAILS]  # by model id
    assert store.eval_results_of(["org/full", "bare-name"]) == RESULTS
    assert flat(store.iter_eval_results(batch_size=2)) == RESULTS


def test_refetched_model_replaces_its_details_and_eval_results(store: GraphStore) -> None:
    store.write(GraphBatch(models=[FULL], details=[FULL_DETAILS], eval_results=RESULTS))
    store.write(batch([Model("o/child")], [DerivedFrom("o/child", "org/full", "finetune", "card")]))
    assert store.details_of(["org/full"]) == {"org/full": FULL_DETAILS}  # naming it as a base keeps them
    newer = ModelDetails("org/full", files=2, weight_formats=("safetensors",))
    store.write(GraphBatch(models=[FULL], details=[newer]))
    assert store.details_of(["org/full"]) == {"org/full": newer}
    assert store.eval_results_of(["org/full"]) == []
    store.write(GraphBatch(models=[FULL]))  # a fetched record without details leaves none behind
    assert store.details_of(["org/full"]) == {}


def test_details_follow_the_one_node_of_a_repo_whatever_the_casing(store: GraphStore) -> None:
    store.write(GraphBatch(models=[Model("Org/M")], details=[ModelDetails("Org/M", files=1)]))
    store.write(
        GraphBatch(
            models=[Model("org/m")],
            details=[ModelDetails("ORG/M", files=2)],
            eval_results=[EvalResult("oRg/M", 0, metric="acc", value=1.0)],
        )
    )
    assert store.details_of(["org/m"]) == {"org/m": ModelDetails("org/m", files=2)}
    assert store.eval_results_of(["org/m"]) == [EvalResult("org/m", 0, metric="acc", value=1.0)]
    assert store.details_of(["Org/M"]) == {}


def test_details_move_with_a_renamed_model(store: GraphStore) -> None:
    store.write(
        GraphBatch(
            models=[Model("o/old")],
            details=[ModelDetails("o/old", custom_code=True)],
            eval_results=[EvalResult("o/old", 0, metric="acc", value=0.5)],
        )
    )
    store.write(GraphBatch(aliases=[Alias("o/old", "o/new", "renamed")], models=[Model("o/new", fetched=False)]))
    assert store.details_of(["o/new", "o/old"]) == {"o/new": ModelDetails("o/new", custom_code=True)}
    assert store.eval_results_of(["o/new", "o/old"]) == [EvalResult("o/new", 0, metric="acc", value=0.5)]


def test_a_merged_node_keeps_its_own_details(store: GraphStore) -> None:
    store.write(GraphBatch(models=[Model("o/new")], details=[ModelDetails("o/new", files=7)]))
    store.write(
        GraphBatch(
            models=[Model("o/old")],
            details=[ModelDetails("o/old", files=1)],
            eval_results=[EvalResult("o/old", 0, metric="acc", value=0.5)],
        )
    )
    store.write(GraphBatch(aliases=[Alias("o/old", "o/new", "renamed")], models=[Model("o/new", fetched=False)]))
    assert store.details_of(["o/new", "o/old"]) == {"o/new": ModelDetails("o/new", files=7)}
    assert store.eval_results_of(["o/new"]) == [EvalResult("o/new", 0, metric="acc", value=0.5)]  # it had none


def test_an_edge_written_twice_is_one_edge_with_the_last_properties(store: GraphStore) -> None:
    store.write(batch([], [DerivedFrom("a", "b", "finetune", "card"), DerivedFrom("a", "b", "merge", "hub-tag")]))
    assert flat(store.iter_derived_from()) == [DerivedFrom("a", "b", "merge", "hub-tag")]
    store.write(batch([], [DerivedFrom("a", "b", "adapter", "card")]))
    assert flat(store.iter_derived_from()) == [DerivedFrom("a", "b", "adapter", "card")]


def test_a_batch_may_repeat_a_record_with_different_fields(store: GraphStore) -> None:
    """Dumps repeat models; sorting a batch must not compare None with a value (the later record wins)."""
    store.write(
        batch(
            [Model("o/m", downloads=None), Model("o/m", downloads=5)],
            [
                DerivedFrom("o/m", "o/b", "finetune", "inferred", None),
                DerivedFrom("o/m", "o/b", "adapter", "hub-tag", "t"),
            ],
        )
    )
    assert store.models(["o/m"])["o/m"].downloads == 5
    assert [e.relation for e in store.lineage_edges("o/m", "up")] == ["adapter"]


def test_repository_fields_merge(store: GraphStore) -> None:
    store.write(GraphBatch(repos=[Repo("gh/a", "mit", "MIT License", 10, False, "2025-01-01", "t1")]))
    store.write(GraphBatch(repos=[Repo("gh/a", stars=20, fetched_at="t2")]))
    assert flat(store.iter_repos()) == [Repo("gh/a", "mit", "MIT License", 20, False, "2025-01-01", "t2")]


def test_rewriting_is_idempotent(families: GraphStore, family_files: list[Path]) -> None:
    before = families.counts()
    edges = [e._replace(fetched_at=None) for e in flat(families.iter_derived_from())]
    ingest_snapshot(families, [str(p) for p in family_files])
    assert families.counts() == before
    assert [e._replace(fetched_at=None) for e in flat(families.iter_derived_from())] == edges  # but the time read


def test_a_failed_write_stores_nothing_of_its_batch(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    store.write(batch([Model("o/kept")]))
    module = sys.modules[type(store).__module__]
    real = module.plan_write

    def plan_then_fail(b: GraphBatch, index: Any) -> Any:
        plan = real(b, index)
        plan.renamed.append((object(), "x"))  # not a value a store can take: the last step fails, the rest is done
        return plan

    monkeypatch.setattr(module, "plan_write", plan_then_fail)
    with pytest.raises(Exception):  # noqa: B017 - each backend refuses the value its own way
        store.write(batch([Model("o/lost")], uses=[Uses("gh/r", "repo", "o/lost", "peatmoss")]))
    monkeypatch.undo()
    assert set(store.models(["o/kept", "o/lost"])) == {"o/kept"}
    assert store.counts().nodes == {"Model": 1, "Dataset": 0, "Repo": 0, "Space": 0}


# --- reads ---


def test_iterators_page_by_batch_size(store: GraphStore) -> None:
    models = [Model(f"o/m{i:02d}") for i in range(25)]
    store.write(batch(models, [DerivedFrom(f"o/m{i:02d}", "o/m00", "finetune", "card") for i in range(1, 25)]))
    assert [len(p) for p in store.iter_models(batch_size=10)] == [10, 10, 5]
    assert [len(p) for p in store.iter_derived_from(batch_size=10)] == [10, 10, 4]
    assert sorted(flat(store.iter_models(batch_size=10))) == models
    assert [len(p) for p in store.iter_model_fields(["license"], batch_size=10)] == [10, 10, 5]
    assert list(store.iter_datasets(batch_size=10)) == []


ITERATORS: dict[str, tuple[Any, ...]] = {
    "iter_models": (),
    "iter_model_fields": (["license"],),
    "iter_datasets": (),
    "iter_repos": (),
    "iter_spaces": (),
    "iter_derived_from": (),
    "iter_trained_on": (),
    "iter_uses": (),
    "iter_notes": (),
    "iter_aliases": (),
    "iter_details": (),
    "iter_eval_results": (),
    "iter_dataset_derived_from": (),
    "iter_edge_endpoints": ("USES",),
}


def test_edge_endpoints_are_the_edges_as_plain_tuples(store: GraphStore) -> None:
    store.write(
        GraphBatch(
            models=[Model("o/a"), Model("o/b")],
            derived_from=[DerivedFrom("o/b", "o/a", "adapter", "card"), DerivedFrom("o/x", "o/a", "merge", "tags")],
            uses=[Uses("gh/r", "repo", "o/a", "peatmoss"), Uses("gh/r", "space", "o/b", "hub-spaces")],
            trained_on=[TrainedOn("o/a", "d/one", "card")],
        )
    )
    derived = sorted((e.child, e.base, e.relation, e.source) for e in flat(store.iter_derived_from()))
    assert sorted(flat(store.iter_edge_endpoints("DERIVED_FROM", batch_size=1))) == derived
    uses = sorted((u.model, u.user, u.user_kind) for u in flat(store.iter_uses()))
    assert (
        sorted(flat(store.iter_edge_endpoints("USES"))) == uses == [("o/a", "gh/r", "repo"), ("o/b", "gh/r", "space")]
    )
    assert flat(store.iter_edge_endpoints("TRAINED_ON")) == [("o/a", "d/one", "card")]


def test_every_iterator_of_the_protocol_is_checked_here(store: GraphStore) -> None:
    assert set(ITERATORS) == {name for name in dir(GraphStore) if name.startswith("iter_")}
    assert set(ITERATORS) == {name for name in dir(type(store)) if name.startswith("iter_")}


@pytest.mark.parametrize("size", [0, -1, -50_000, 2.5, True])
def test_a_batch_size_below_1_is_a_value_error_when_called(store: GraphStore, size: Any) -> None:
    store.write(batch([Model("o/a"), Model("o/b")], [DerivedFrom("o/b", "o/a", "finetune", "card")]))
    for name, args in ITERATORS.items():
        with pytest.raises(ValueError, match="batch_size"):
            getattr(store, name)(*args, batch_size=size)  # raised by the call, before any iteration


def test_every_iterator_pages_by_exactly_batch_size(store: GraphStore) -> None:
    models = [Model(f"o/m{i}", fetched=True) for i in range(3)]
    store.write(
        GraphBatch(
            models=models,
            derived_from=[
                DerivedFrom("o/m1", "o/m0", "finetune", "card"),
                DerivedFrom("o/m2", "o/m0", "finetune", "card"),
                DerivedFrom("o/m2", "o/m1", "merge", "card"),
            ],
            trained_on=[
                TrainedOn("o/m0", "d/one", "card"),
                TrainedOn("o/m1", "d/one", "card"),
                TrainedOn("o/m2", "d/two", "card"),
            ],
            uses=[
                Uses("r/a", "repo", "o/m0", "github"),
                Uses("r/b", "repo", "o/m0", "github"),
                Uses("r/a", "repo", "o/m1", "github"),
            ],
            datasets=[Dataset("d/one"), Dataset("d/two"), Dataset("d/three")],
            repos=[Repo("r/a"), Repo("r/b"), Repo("r/c")],
            spaces=[Space("s/a"), Space("s/b"), Space("s/c")],
            dataset_derived_from=[
                DatasetDerivedFrom("d/one", "d/two", "card"),
                DatasetDerivedFrom("d/one", "d/three", "card"),
                DatasetDerivedFrom("d/two", "d/three", "card"),
            ],
            notes=[IdNote("o/m0", "base_model", f"not an id {i}", None, "invalid") for i in range(3)],
            aliases=[Alias(f"o/old{i}", "o/m0", "renamed") for i in range(3)],
            details=[ModelDetails(m.id) for m in models],
            eval_results=[EvalResult("o/m0", i, metric="acc", value=float(i)) for i in range(3)],
        )
    )
    for name, args in ITERATORS.items():
        pages = list(getattr(store, name)(*args, batch_size=2))
        assert [len(page) for page in pages] == [2, 1], name  # 3 of each: a full page, then the rest


def test_ordered_iterators_come_in_key_order_whatever_the_write_order(store: GraphStore) -> None:
    store.write(
        GraphBatch(
            datasets=[Dataset("d/b"), Dataset("d/a")],
            repos=[Repo("gh/z"), Repo("gh/b")],
            spaces=[Space("s/y"), Space("s/c")],
            derived_from=[DerivedFrom("m/z", "m/a", "finetune", "card"), DerivedFrom("m/b", "m/z", "merge", "card")],
        )
    )
    store.write(
        GraphBatch(
            datasets=[Dataset("d/0")],
            repos=[Repo("gh/a")],
            spaces=[Space("s/a")],
            derived_from=[DerivedFrom("m/b", "m/a", "adapter", "card"), DerivedFrom("m/a", "m/0", "merge", "card")],
        )
    )
    assert [d.id for d in flat(store.iter_datasets(batch_size=2))] == ["d/0", "d/a", "d/b"]
    assert [r.id for r in flat(store.iter_repos(batch_size=2))] == ["gh/a", "gh/b", "gh/z"]
    assert [s.id for s in flat(store.iter_spaces(batch_size=2))] == ["s/a", "s/c", "s/y"]
    assert [(e.child, e.base) for e in flat(store.iter_derived_from(batch_size=2))] == [
        ("m/a", "m/0"),
        ("m/b", "m/a"),
        ("m/b", "m/z"),
        ("m/z", "m/a"),
    ]


def test_lineage_edges_terminate_on_cycles(store: GraphStore) -> None:
    store.write(
        batch(
            [Model("a"), Model("b"), Model("c"), Model("s")],
            [
                DerivedFrom("a", "b", "finetune", "inferred"),
                DerivedFrom("b", "a", "finetune", "inferred"),
                DerivedFrom("c", "a", "adapter", "card"),
                DerivedFrom("s", "s", "finetune", "inferred"),
            ],
        )
    )
    up = {(e.child, e.base) for e in store.lineage_edges("a", "up")}
    down = {(e.child, e.base) for e in store.lineage_edges("a", "down")}
    assert up == {("a", "b"), ("b", "a")}
    assert down == {("b", "a"), ("a", "b"), ("c", "a")}
    assert {(e.child, e.base) for e in store.lineage_edges("s", "down")} == {("s", "s")}
    assert store.lineage_edges("missing", "up") == []


def test_lineage_of_a_diamond_lists_each_edge_once(store: GraphStore) -> None:
    edges = [
        DerivedFrom("l", "r", "finetune", "card"),
        DerivedFrom("m1", "l", "merge", "card"),
        DerivedFrom("m2", "l", "merge", "card"),
        DerivedFrom("x", "m1", "merge", "card"),
        DerivedFrom("x", "m2", "merge", "card"),
    ]
    store.write(batch([], edges))
    assert sorted(store.lineage_edges("r", "down"), key=lambda e: (e.child, e.base)) == sorted(
        edges, key=lambda e: (e.child, e.base)
    )
    assert len(store.lineage_edges("x", "up")) == 5


def test_counts_by_label_type_and_relation(store: GraphStore) -> None:
    store.write(
        GraphBatch(
            models=[Model("a"), Model("b")],
            spaces=[Space("s/1")],
            derived_from=[
                DerivedFrom("a", "b", "finetune", "c"),
                DerivedFrom("b", "z", "quantized", "c"),
                DerivedFrom("a", "z", "quantized", "c"),
            ],
            trained_on=[TrainedOn("a", "d", "card")],
            uses=[Uses("s/1", "space", "a", "hub-spaces")],
        )
    )
    counts = store.counts()
    assert counts.nodes == {"Model": 3, "Dataset": 1, "Repo": 0, "Space": 1}
    assert counts.edges == {"DERIVED_FROM": 3, "TRAINED_ON": 1, "USES": 1}
    assert counts.relations == {"finetune": 1, "quantized": 2}
    assert counts.unfetched_models == 1


def test_state_round_trips(store: GraphStore) -> None:
    assert store.get_state("hf:down:x") is None
    store.set_state({"hf:down:x": "2026-01-01", "hf:down:y": "done"})
    store.set_state({"hf:down:x": "2026-02-02"})
    assert store.get_state("hf:down:x") == "2026-02-02"
    assert store.get_state("hf:down:y") == "done"
    assert store.counts().nodes["Model"] == 0


def test_ids_are_found_in_any_casing(store: GraphStore) -> None:
    store.write(batch([Model("Org/Model")], [DerivedFrom("Org/Model", "x/Base", "finetune", "card")]))
    assert store.find_model_id("org/model") == "Org/Model"
    assert store.find_model_id("https://huggingface.co/ORG/MODEL") == "Org/Model"
    assert store.find_model_id("org/nothing") is None
    assert store.stored_model_ids(["org/model", "x/base", "y/none"]) == {"org/model": "Org/Model", "x/base": "x/Base"}
    assert store.models(["org/model"]) == {}  # reads by id take the stored id as it is


def test_similar_ids_suggest_close_matches(families: GraphStore) -> None:
    assert "deepseek-ai/DeepSeek-R1" in families.similar_model_ids("deepseek-ai/DeepSeek-R")
    assert "deepseek-ai/DeepSeek-R1" in families.similar_model_ids("deepseek-ai/deepseek-r1")
    assert families.similar_model_ids("") == []
    assert families.similar_model_ids("someone/") == []
    assert len(families.similar_model_ids("deepseek", limit=2)) == 2


def test_similar_ids_fall_back_to_close_ids_when_none_contains_the_name(store: GraphStore) -> None:
    store.write(batch([Model("o/llama-7b"), Model("o/mistral")]))
    assert store.similar_model_ids("o/llamma-7b") == ["o/llama-7b"]
