"""One node per Hub repo, on every backend (issue 10 B, D, renamed repos): ids compare ignoring case, the display
casing is the fetched record's, legacy ids and redirected old ids resolve, and a stub is renamed or merged when
the real record arrives. Every test runs on the embedded store and on a real Neo4j."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphsc.analytics.impact import compute_impact
from graphsc.errors import UnknownModelError
from graphsc.lineage import compute_lineage
from graphsc.records import Alias, GraphBatch
from graphsc.sources.hub_records import model_record_from_hub
from graphsc.store.base import GraphStore

QWEN = "Qwen/Qwen2.5-0.5B-Instruct"


@pytest.fixture
def store(any_store: GraphStore) -> GraphStore:
    return any_store


def write(store: GraphStore, *records: dict, aliases: tuple[Alias, ...] = ()) -> None:
    batch = GraphBatch(aliases=list(aliases))
    for record in records:
        batch.add(model_record_from_hub(record, "2026-11-30T00:00:00Z"))
    store.write(batch)


def model_ids(store: GraphStore) -> list[str]:
    return sorted(m.id for page in store.iter_models() for m in page)


def edges(store: GraphStore) -> set[tuple[str, str, str]]:
    return {(e.child, e.base, e.relation) for page in store.iter_derived_from() for e in page}


def test_a_base_in_other_casing_is_the_same_node(store: GraphStore) -> None:
    write(
        store,
        {"id": QWEN, "cardData": {"license": "apache-2.0"}},
        {"id": "a/x", "cardData": {"base_model": "Qwen/qwen2.5-0.5b-Instruct"}},
    )
    assert model_ids(store) == [QWEN, "a/x"]
    assert edges(store) == {("a/x", QWEN, "finetune")}
    assert compute_impact(store, QWEN).lineage.descendant_count == 1
    for spelling in ("qwen/qwen2.5-0.5b-instruct", "QWEN/QWEN2.5-0.5B-INSTRUCT", f"https://huggingface.co/{QWEN}"):
        assert store.find_model_id(spelling) == QWEN
        assert compute_lineage(store, spelling, "down").model.id == QWEN


def test_a_stub_keeps_the_first_casing_until_the_record_arrives_then_takes_its_casing(store: GraphStore) -> None:
    write(store, {"id": "a/x", "cardData": {"base_model": "qwen/QWEN2.5-0.5b-instruct"}})
    write(store, {"id": "b/y", "cardData": {"base_model": "Qwen/qwen2.5-0.5b-Instruct"}})
    assert model_ids(store) == ["a/x", "b/y", "qwen/QWEN2.5-0.5b-instruct"]
    write(store, {"id": QWEN, "cardData": {"license": "apache-2.0"}})
    assert model_ids(store) == [QWEN, "a/x", "b/y"]
    assert edges(store) == {("a/x", QWEN, "finetune"), ("b/y", QWEN, "finetune")}
    assert store.models([QWEN])[QWEN].fetched and store.models([QWEN])[QWEN].license == "apache-2.0"
    aliases = {(a.alias, a.id, a.kind) for page in store.iter_aliases() for a in page}
    assert ("qwen/QWEN2.5-0.5b-instruct", QWEN, "case") in aliases


def test_a_record_and_its_children_in_one_batch_in_mixed_casing(store: GraphStore) -> None:
    write(
        store,
        {"id": "a/x", "tags": ["base_model:finetune:QWEN/qwen2.5-0.5B-instruct"]},
        {"id": QWEN},
        {"id": "A/X-gguf", "tags": ["base_model:quantized:a/X"]},
    )
    assert model_ids(store) == ["A/X-gguf", QWEN, "a/x"]
    assert edges(store) == {("a/x", QWEN, "finetune"), ("A/X-gguf", "a/x", "quantized")}


def test_legacy_ids_hang_under_the_canonical_model(store: GraphStore) -> None:
    write(
        store,
        {"id": "google-bert/bert-base-uncased", "cardData": {"license": "apache-2.0"}},
        {"id": "a/x", "cardData": {"base_model": "bert-base-uncased"}},
    )
    assert model_ids(store) == ["a/x", "google-bert/bert-base-uncased"]
    assert compute_lineage(store, "google-bert/bert-base-uncased", "down").descendant_count == 1
    assert store.find_model_id("bert-base-uncased") == "google-bert/bert-base-uncased"
    assert [(n.value, n.resolved, n.kind) for n in store.notes_of(["a/x"])] == [
        ("bert-base-uncased", "google-bert/bert-base-uncased", "legacy")
    ]


def test_a_redirected_old_id_merges_into_the_canonical_node(store: GraphStore) -> None:
    # A child written while only the old name was known (a card-only record), then the Hub's redirect.
    write(store, {"id": "c/child", "cardData": {"base_model": "old-org/Old-Name"}})
    write(
        store,
        {"id": "new-org/New-Name", "cardData": {"license": "mit"}},
        aliases=(Alias("old-org/Old-Name", "new-org/New-Name", "renamed"),),
    )
    assert model_ids(store) == ["c/child", "new-org/New-Name"]
    assert edges(store) == {("c/child", "new-org/New-Name", "finetune")}
    assert store.find_model_id("OLD-ORG/old-name") == "new-org/New-Name"
    # later records naming the old id resolve through the stored alias
    write(store, {"id": "d/other", "cardData": {"base_model": "old-org/old-name"}})
    assert ("d/other", "new-org/New-Name", "finetune") in edges(store)
    # and a card keeping the old name beside the tag's new one is a followed rename, not an unconfirmed base
    write(
        store,
        {
            "id": "e/tagged",
            "tags": ["base_model:finetune:new-org/New-Name"],
            "cardData": {"base_model": "old-org/Old-Name"},
        },
    )
    assert [(n.value, n.resolved, n.kind) for n in store.notes_of(["e/tagged"])] == [
        ("old-org/Old-Name", "new-org/New-Name", "renamed")
    ]


def test_unknown_spelling_is_still_an_error_with_close_matches(store: GraphStore) -> None:
    write(store, {"id": QWEN})
    with pytest.raises(UnknownModelError) as info:
        compute_lineage(store, "Qwen/Qwen2.5-0.5B-Instruct-GGUF")
    assert QWEN in info.value.suggestions


def test_datasets_in_other_casing_are_one_node(store: GraphStore) -> None:
    write(
        store,
        {"id": "a/x", "cardData": {"datasets": ["HuggingFaceH4/UltraChat_200k"]}},
        {"id": "b/y", "tags": ["dataset:huggingfaceh4/ultrachat_200k"]},
    )
    datasets = [d.id for page in store.iter_datasets() for d in page]
    assert datasets == ["HuggingFaceH4/UltraChat_200k"]
    assert {(t.model, t.dataset) for page in store.iter_trained_on() for t in page} == {
        ("a/x", "HuggingFaceH4/UltraChat_200k"),
        ("b/y", "HuggingFaceH4/UltraChat_200k"),
    }


def test_notes_are_replaced_when_the_record_is_ingested_again(store: GraphStore) -> None:
    write(
        store, {"id": "a/x", "cardData": {"base_model": ["/data/m/Qwen", "o/b"]}, "tags": ["base_model:finetune:o/b"]}
    )
    assert {n.kind for n in store.notes_of(["a/x"])} == {"local-path"}
    write(store, {"id": "a/x", "tags": ["base_model:finetune:o/b"], "cardData": {"base_model": "o/b"}})
    assert store.notes_of(["a/x"]) == []


@pytest.mark.parametrize("batch_size", [1, 10])
def test_a_record_repeated_in_a_dump_counts_once_its_last_copy(
    store: GraphStore, batch_size: int, tmp_path: Path
) -> None:
    from graphsc.ingest import ingest_snapshot

    records = [
        {
            "id": "mm/x",
            "tags": ["base_model:merge:p/a", "base_model:merge:p/b", "dataset:ds/one"],
            "cardData": {"base_model": ["p/a", "p/b"], "base_model_relation": "merge"},
        },
        {
            "id": "MM/X",
            "tags": ["base_model:finetune:p/a", "dataset:ds/two"],
            "cardData": {"base_model": ["p/a", "p/b"]},
        },
    ]
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    ingest_snapshot(store, [str(path)], batch_size=batch_size)
    assert edges(store) == {("MM/X", "p/a", "finetune")}
    assert {(t.model, t.dataset) for page in store.iter_trained_on() for t in page} == {("MM/X", "ds/two")}
    assert [(n.value, n.kind) for n in store.notes_of(["MM/X"])] == [("p/b", "unconfirmed")]


def test_case_aliases_and_notes_follow_the_node_whatever_the_order(store: GraphStore) -> None:
    write(store, {"id": "c/one", "cardData": {"base_model": "org/base-model"}})
    write(store, {"id": "c/two", "cardData": {"base_model": "ORG/BASE-MODEL"}})
    write(
        store,
        {
            "id": "c/three",
            "tags": ["base_model:finetune:c/two"],
            "cardData": {"base_model": ["c/two", "Org/BASE-model"]},
        },
    )
    write(store, {"id": "Org/Base-Model"})
    assert {a.id for page in store.iter_aliases() for a in page} == {"Org/Base-Model"}
    assert [(n.value, n.resolved) for n in store.notes_of(["c/three"])] == [("Org/BASE-model", "Org/Base-Model")]
    # a note naming a model already stored resolves to the stored spelling, in any batch
    write(
        store,
        {
            "id": "c/four",
            "tags": ["base_model:finetune:c/one"],
            "cardData": {"base_model": ["c/one", "org/BASE-MODEL"]},
        },
    )
    assert [(n.value, n.resolved) for n in store.notes_of(["c/four"])] == [("org/BASE-MODEL", "Org/Base-Model")]


def test_a_fetched_model_with_notes_reingested_in_other_casing_takes_it(store: GraphStore) -> None:
    write(store, {"id": "m/x", "cardData": {"base_model": ["c/d", "/data/local"]}, "tags": ["base_model:finetune:a/b"]})
    write(store, {"id": "M/X", "cardData": {"base_model": ["c/d", "/data/local"]}, "tags": ["base_model:finetune:a/b"]})
    assert model_ids(store) == ["M/X", "a/b"]
    assert edges(store) == {("M/X", "a/b", "finetune")}
    assert sorted((n.value, n.kind) for n in store.notes_of(["M/X"])) == [
        ("/data/local", "local-path"),
        ("c/d", "unconfirmed"),
    ]


def test_spellings_do_not_depend_on_the_batch_size(tmp_path: Path) -> None:
    from graphsc.ingest import ingest_snapshot
    from graphsc.store.sqlite import SQLiteStore

    records = [
        {"id": "u/ft", "tags": ["base_model:finetune:Acme/BASE-7b", "dataset:Org/DataSet-One"]},
        {"id": "u/other", "tags": ["base_model:finetune:acme/base-7b", "dataset:org/dataset-ONE"]},
        {"id": "U/FT", "tags": ["base_model:finetune:ACME/base-7B"]},
    ]
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    answers = []
    for size in (1, 2, 100):
        db = SQLiteStore(tmp_path / f"{size}.db")
        ingest_snapshot(db, [str(path)], batch_size=size)
        answers.append(
            (
                model_ids(db),
                sorted(d.id for page in db.iter_datasets() for d in page),
                sorted((a.alias, a.id) for page in db.iter_aliases() for a in page),
            )
        )
        db.close()
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == ["Acme/BASE-7b", "U/FT", "u/other"]
    assert answers[0][1] == ["Org/DataSet-One"]


def test_a_batch_of_datasets_alone_resolves_against_stored_spellings(store: GraphStore) -> None:
    from graphsc.records import Dataset

    write(store, {"id": "a/x", "tags": ["dataset:Org/DataSet-One"]})
    # An unfetched dataset with a license (what an SBOM declares) keeps the stored spelling and sets the stub's license.
    store.write(GraphBatch(datasets=[Dataset("org/dataset-ONE", "mit", fetched=False)]))
    assert [(d.id, d.license, d.fetched) for page in store.iter_datasets() for d in page] == [
        ("Org/DataSet-One", "mit", False)
    ]


def test_a_fetched_dataset_record_brings_its_casing_and_its_edges_follow(store: GraphStore) -> None:
    from graphsc.records import Dataset, DatasetDerivedFrom

    write(store, {"id": "a/x", "tags": ["dataset:org/DATASET-one"]})
    store.write(
        GraphBatch(
            datasets=[Dataset("d/child", "mit")],
            dataset_derived_from=[DatasetDerivedFrom("d/child", "org/dataset-one", "card")],
        )
    )
    store.write(GraphBatch(datasets=[Dataset("Org/DataSet-One", "cc-by-nc-4.0")]))
    datasets = {d.id: d for page in store.iter_datasets() for d in page}
    assert sorted(datasets) == ["Org/DataSet-One", "d/child"]
    assert datasets["Org/DataSet-One"].license == "cc-by-nc-4.0" and datasets["Org/DataSet-One"].fetched
    assert [(t.model, t.dataset) for t in store.trained_on(["a/x"])] == [("a/x", "Org/DataSet-One")]
    assert [(e.child, e.base) for page in store.iter_dataset_derived_from() for e in page] == [
        ("d/child", "Org/DataSet-One")
    ]
    # A later stub spelling changes nothing: the fetched record's casing stays.
    store.write(GraphBatch(datasets=[Dataset("ORG/dataset-one", "mit", fetched=False)]))
    assert [(d.id, d.license) for d in store.datasets(["Org/DataSet-One"]).values()] == [
        ("Org/DataSet-One", "cc-by-nc-4.0")
    ]


def test_an_unconfirmed_card_base_becomes_a_followed_rename_when_the_redirect_is_learned_later(
    store: GraphStore,
) -> None:
    write(
        store,
        {
            "id": "kid/card-old",
            "tags": ["base_model:finetune:NewOrg/Model-V2"],
            "cardData": {"base_model": "OLDORG/Model-V1"},
        },
    )
    assert [(n.value, n.kind) for n in store.notes_of(["kid/card-old"])] == [("OLDORG/Model-V1", "unconfirmed")]
    write(store, {"id": "NewOrg/Model-V2"}, aliases=(Alias("oldorg/model-v1", "NewOrg/Model-V2", "renamed"),))
    assert [(n.value, n.resolved, n.kind) for n in store.notes_of(["kid/card-old"])] == [
        ("OLDORG/Model-V1", "NewOrg/Model-V2", "renamed")
    ]


def test_an_id_that_changes_casing_back_and_forth_is_never_its_own_alias(store: GraphStore) -> None:
    # found by a tester: o/child, then O/Child, then o/child again (each fetched) left an alias o/child → o/child,
    # so `graphsc quality` counted a case merge more at --batch-size 1 than at the default
    for spelling, base in (("o/child", "b/one"), ("O/Child", "b/two"), ("o/child", "b/three")):
        write(store, {"id": spelling, "cardData": {"base_model": base}})
    aliases = [a for page in store.iter_aliases() for a in page]
    assert all(a.alias != a.id for a in aliases), aliases
    assert model_ids(store) == ["b/one", "b/three", "b/two", "o/child"]
    assert {a.alias for a in aliases} == {"O/Child"}
