"""The completeness rule (graphsc.reuse.completeness) on a synthetic store, every number worked out by hand.

The store (``rule_store``)::

    org/full     license, task, library, card, a TRAINED_ON dataset, a numeric result; safetensors files
      └─ finetune ─ org/ft    no license, card; its card also names ghost/other as a base (unconfirmed: a note)
    org/claims   card names ghost/base as its base, no Hub tag confirms it (a note, no edge); README-only files
    org/textual  a result whose value is not a number ("95%"), no card; no file list
    org/merge    merged from org/full and lab/stub, a stub known only as its base

Weights (docs/audit.md): license 20, base model 15, training data 20, eval results 15, task 10, library 10, card 10.
"""

from __future__ import annotations

import pytest

from graphsc.records import (
    FINETUNE,
    MERGE,
    DerivedFrom,
    EvalResult,
    GraphBatch,
    IdNote,
    Model,
    ModelDetails,
    TrainedOn,
)
from graphsc.reuse.audit import AttributeSummary, audit_graph, audit_model, summary_texts
from graphsc.reuse.completeness import ATTRIBUTES, WEIGHTS, completeness_of, score_of
from graphsc.store.sqlite import SQLiteStore

MODELS = [
    Model("org/full", license="apache-2.0", pipeline_tag="text-generation", library_name="transformers", has_card=True),
    Model("org/ft", has_card=True),
    Model("org/claims", license="mit", has_card=True),
    Model("org/textual", license="mit", has_card=False),
    Model("org/merge", license="apache-2.0", has_card=True),
]


@pytest.fixture
def rule_store(store: SQLiteStore) -> SQLiteStore:
    store.write(
        GraphBatch(
            models=MODELS,
            derived_from=[
                DerivedFrom("org/ft", "org/full", FINETUNE, "hub-tag"),
                DerivedFrom("org/merge", "org/full", MERGE, "hub-tag"),
                DerivedFrom("org/merge", "lab/stub", MERGE, "hub-tag"),
            ],
            trained_on=[TrainedOn("org/full", "data/one", "card")],
            notes=[
                IdNote("org/ft", "base_model", "ghost/other", "ghost/other", "unconfirmed"),
                IdNote("org/claims", "base_model", "ghost/base", "ghost/base", "unconfirmed"),
            ],
            details=[
                ModelDetails("org/full", files=5, weight_formats=("safetensors",)),
                ModelDetails("org/claims", files=2, weight_formats=()),
                ModelDetails("org/ft", files=3, weight_formats=("pickle",), pickle_files=1),
            ],
            eval_results=[
                EvalResult("org/full", 0, "text-generation", "data/test", "Test", "acc", "accuracy", 0.9, None, False),
                EvalResult("org/textual", 0, metric="acc", value=None, value_text="95%"),
            ],
        )
    )
    return store


def test_weights_sum_to_100_in_attribute_order() -> None:
    assert sum(WEIGHTS.values()) == 100
    assert list(WEIGHTS) == list(ATTRIBUTES)
    assert score_of(ATTRIBUTES) == 100 and score_of([]) == 0


def test_each_rule_on_the_synthetic_store(rule_store: SQLiteStore) -> None:
    rows = {r.model: r.completeness for r in audit_model(rule_store, "org/merge").rows}
    assert set(rows) == {"org/merge", "org/full", "lab/stub"}
    assert rows["lab/stub"] is None  # a stub: not audited
    full = rows["org/full"]
    assert full is not None
    # everything but a base (it is a root): 20 + 20 + 15 + 10 + 10 + 10
    assert full.present == ("license", "training_data", "eval_results", "task", "library", "card")
    assert full.score == 85 and full.weight_files is True
    assert full.details["eval_results"] == "1 numeric result" and full.details["training_data"] == "1 dataset"
    merge = rows["org/merge"]
    assert merge is not None
    assert merge.present == ("license", "base_model", "card") and merge.score == 45
    assert merge.details["base_model"] == "lab/stub, org/full"
    assert merge.weight_files is None  # no details: file list unknown


def test_an_unconfirmed_base_does_not_count(rule_store: SQLiteStore) -> None:
    claims = audit_model(rule_store, "org/claims").own.completeness
    assert claims is not None
    assert "base_model" not in claims.present
    assert claims.details["base_model"] == "declared on the card, unconfirmed: ghost/base"
    assert claims.score == 20 + 10  # license, card
    assert claims.weight_files is False  # lists files, none of them weights: README-only
    # a confirmed base wins over an unconfirmed note: org/ft has both
    ft = audit_model(rule_store, "org/ft").own.completeness
    assert ft is not None and ft.has("base_model") and ft.details["base_model"] == "org/full"
    assert ft.score == 15 + 10


def test_results_without_a_number_do_not_count(rule_store: SQLiteStore) -> None:
    textual = audit_model(rule_store, "org/textual").own.completeness
    assert textual is not None
    assert not textual.has("eval_results") and not textual.has("card")
    assert textual.details["eval_results"] == "1 result, none numeric"
    assert textual.score == 20


def test_the_graph_audit_applies_the_same_rule(rule_store: SQLiteStore) -> None:
    audit = audit_graph(rule_store)
    assert (audit.models, audit.fetched, audit.not_fetched) == (6, 5, 1)
    singles = {r.model: r.completeness for m in MODELS for r in audit_model(rule_store, m.id).rows[:1]}
    scores = sorted(c.score for c in singles.values() if c is not None)
    assert scores == [20, 25, 30, 45, 85]
    assert audit.overall.score_total == sum(scores) and audit.median_score == 30
    assert audit.overall.with_attribute == {
        "license": 4,  # all but org/ft
        "base_model": 2,  # org/ft, org/merge (org/claims' base is unconfirmed)
        "training_data": 1,
        "eval_results": 1,  # org/textual's result is not a number
        "task": 1,
        "library": 1,
        "card": 4,  # all but org/textual
    }
    assert audit.buckets == {"0-19": 0, "20-39": 3, "40-59": 1, "60-79": 0, "80-100": 1}
    assert audit.weight_files == {"present": 2, "none": 1, "unknown": 2}
    assert audit.base_unconfirmed == 1  # org/claims (org/ft has a confirmed base too)
    # families: org/full's (org/full, org/ft, org/merge and the stub; named after its most downloaded root — no
    # downloads anywhere, so the smallest root id: lab/stub < org/full), then the models with no edge
    assert [(g.name, g.models) for g in audit.by_family] == [("lab/stub", 3), ("(no lineage)", 2)]
    assert audit.families == 1
    # relations: org/ft finetune; org/merge merge (once, though two merge edges); the rest roots
    assert [(g.name, g.models) for g in audit.by_relation] == [("finetune", 1), ("merge", 1), ("root", 3)]
    assert [(g.name, g.models) for g in audit.by_year] == [("unknown", 5)]


def test_completeness_of_a_bare_model() -> None:
    bare = completeness_of(Model("x/y"))
    assert bare.present == () and bare.score == 0 and bare.missing == ATTRIBUTES
    assert bare.details == {
        "license": "none declared",
        "base_model": "none",
        "training_data": "none",
        "eval_results": "none",
        "task": "none",
        "library": "none",
        "card": "none",
    }


def test_where_an_unconfirmed_base_was_declared(store: SQLiteStore) -> None:
    # org/tagged: an older dump's plain base_model tag left out because relation tags exist (field "base_model
    # tag"); org/both: a card base and a tag naming a local path; org/confirmed: a DERIVED_FROM edge and a note
    store.write(
        GraphBatch(
            models=[Model("org/tagged"), Model("org/both"), Model("org/confirmed"), Model("org/root")],
            derived_from=[DerivedFrom("org/confirmed", "org/root", FINETUNE, "hub-tag")],
            notes=[
                IdNote("org/tagged", "base_model tag", "old/base", "old/base", "unconfirmed"),
                IdNote("org/both", "base_model", "card/base", "card/base", "unconfirmed"),
                IdNote("org/both", "base_model tag", "./local", None, "local-path"),
                IdNote("org/confirmed", "base_model", "x/y", "x/y", "unconfirmed"),
                IdNote("org/root", "datasets", "not/base", "not/base", "unconfirmed"),  # not a base: ignored
            ],
        )
    )
    tagged = audit_model(store, "org/tagged").own.completeness
    assert tagged is not None and not tagged.has("base_model")
    assert tagged.details["base_model"] == "declared in a base_model tag, unconfirmed: old/base"
    both = audit_model(store, "org/both").own.completeness
    assert both is not None
    assert both.details["base_model"] == (
        "declared on the card, unconfirmed: card/base; declared in a base_model tag, local-path: ./local"
    )
    root = audit_model(store, "org/root").own.completeness
    assert root is not None and root.details["base_model"] == "none"
    # the whole graph counts org/tagged and org/both: no DERIVED_FROM edge, a base named on the card or in a tag
    assert audit_graph(store).base_unconfirmed == 2


def test_summary_sentences_agree_in_number() -> None:
    assert AttributeSummary("license", 1, 1).text == "1 of 1 ancestor declares no license"
    assert AttributeSummary("license", 2, 3).text == "2 of 3 ancestors declare no license"
    assert AttributeSummary("base_model", 1, 2).text == "1 of 2 ancestors has no confirmed base model"
    assert AttributeSummary("card", 2, 2).text == "2 of 2 ancestors have no model card"
    # an attribute every fetched ancestor has makes no sentence
    assert summary_texts([AttributeSummary("license", 0, 1), AttributeSummary("task", 1, 1)]) == [
        "1 of 1 ancestor declares no task"
    ]


def test_years_follow_the_creation_date_rule(store: SQLiteStore) -> None:
    # worked out by hand: UTC, no year before 2000, nothing after the current month (this test runs after 2025)
    dates = {
        "a/offset": "1999-12-31T23:59:59-01:00",  # 2000-01-01T00:59:59Z: 2000, not 1999
        "a/new-year": "2024-12-31T23:30:00-02:00",  # 2025-01-01T01:30:00Z: 2025
        "a/lower-z": "2023-05-01T00:00:00.000z",  # 2023
        "a/month-13": "2025-13-01",  # not a date
        "a/epoch": "1970-01-01T00:00:00Z",  # a placeholder year
        "a/future": "2999-01-01T00:00:00Z",  # after the current month
        "a/text": "yesterday",
        "a/none": None,
    }
    store.write(GraphBatch(models=[Model(m, created_at=d) for m, d in dates.items()]))
    years = {g.name: g.models for g in audit_graph(store).by_year}
    assert years == {"2000": 1, "2023": 1, "2025": 1, "unknown": 5}
    assert list(years) == ["2000", "2023", "2025", "unknown"]
