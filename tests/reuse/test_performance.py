"""Claimed vs reported performance (graphsc.reuse.performance) on a synthetic chain, worked out by hand::

    org/base   MMLU acc 0.70 (source: a leaderboard); gsm8k exact_match "n/a" (not a number, source: a paper URL)
      └─ finetune ─ org/ft   mmlu ACC 0.75 (no source); data/train acc 0.5 (listed: trained on it, source given);
                             GSM8K exact_match 0.6 (source given)
            └─ quantized ─ org/q   MMLU acc 0.74 (source given); trained on nothing

Dataset and metric match case-insensitively; difference = model − ancestor when both are numbers.
"""

from __future__ import annotations

import pytest

from graphsc.records import FINETUNE, QUANTIZED, DerivedFrom, EvalResult, GraphBatch, Model, TrainedOn
from graphsc.reuse.audit import audit_model
from graphsc.reuse.performance import (
    DATASET_NOT_LISTED,
    NO_SOURCE,
    NOT_NUMERIC,
    compare_performance,
    flags_of,
)
from graphsc.store.sqlite import SQLiteStore

LB = "Open LLM Leaderboard"
BASE_RESULTS = [
    EvalResult("org/base", 0, "text-generation", "MMLU", "MMLU", "acc", "accuracy", 0.70, None, False, LB, None),
    EvalResult("org/base", 1, dataset="gsm8k", metric="exact_match", value_text="n/a", source_url="https://paper"),
]
FT_RESULTS = [
    EvalResult("org/ft", 0, dataset="mmlu", metric="ACC", value=0.75),
    EvalResult("org/ft", 1, dataset="data/train", metric="acc", value=0.5, source_name="own eval"),
    EvalResult("org/ft", 2, dataset="GSM8K", metric="exact_match", value=0.6, source_name="own eval"),
]
Q_RESULTS = [EvalResult("org/q", 0, dataset="MMLU", metric="acc", value=0.74, source_name=LB)]


@pytest.fixture
def chain(store: SQLiteStore) -> SQLiteStore:
    store.write(
        GraphBatch(
            models=[Model("org/base"), Model("org/ft"), Model("org/q")],
            derived_from=[
                DerivedFrom("org/ft", "org/base", FINETUNE, "hub-tag"),
                DerivedFrom("org/q", "org/ft", QUANTIZED, "hub-tag"),
            ],
            trained_on=[TrainedOn("org/ft", "data/train", "card")],
            eval_results=BASE_RESULTS + FT_RESULTS + Q_RESULTS,
        )
    )
    return store


def test_flags_of_the_fine_tunes_results(chain: SQLiteStore) -> None:
    perf = audit_model(chain, "org/ft").performance
    assert [(c.result.dataset, c.flags) for c in perf.claimed] == [
        ("mmlu", (DATASET_NOT_LISTED, NO_SOURCE)),  # not trained on mmlu, and no source at all
        ("data/train", ()),  # it lists data/train among its datasets
        ("GSM8K", (DATASET_NOT_LISTED,)),
    ]
    assert perf.flagged(NO_SOURCE) == 1 and perf.flagged(DATASET_NOT_LISTED) == 2 and perf.flagged(NOT_NUMERIC) == 0


def test_the_fine_tune_next_to_its_base(chain: SQLiteStore) -> None:
    perf = audit_model(chain, "org/ft").performance
    assert [
        (c.result.position, c.ancestor, c.distance, c.base_result.position, c.difference) for c in perf.comparisons
    ] == [
        (0, "org/base", 1, 0, pytest.approx(0.05)),  # mmlu/ACC matches MMLU/acc: 0.75 − 0.70
        (2, "org/base", 1, 1, None),  # GSM8K/exact_match matches, but the base's value is "n/a"
    ]
    assert perf.ancestor_results == {"org/base": 2}


def test_the_quantized_model_next_to_both_ancestors(chain: SQLiteStore) -> None:
    perf = audit_model(chain, "org/q").performance
    # nearest ancestor first: org/ft's 0.75 (1 up), then org/base's 0.70 (2 up)
    assert [(c.ancestor, c.distance, c.difference) for c in perf.comparisons] == [
        ("org/ft", 1, pytest.approx(-0.01)),
        ("org/base", 2, pytest.approx(0.04)),
    ]
    assert perf.comparisons[1].difference == 0.04  # rounded: no 0.039999999999999925
    assert [c.flags for c in perf.claimed] == [(DATASET_NOT_LISTED,)]
    assert perf.ancestor_results == {"org/ft": 3, "org/base": 2}


def test_a_root_compares_with_nothing(chain: SQLiteStore) -> None:
    perf = audit_model(chain, "org/base").performance
    assert perf.comparisons == () and perf.ancestor_results == {}
    assert [c.flags for c in perf.claimed] == [(DATASET_NOT_LISTED,), (DATASET_NOT_LISTED, NOT_NUMERIC)]


def test_results_naming_no_dataset_or_metric_are_not_compared() -> None:
    own = [EvalResult("m", 0, metric="acc", value=1.0), EvalResult("m", 1, dataset="d", value=1.0)]
    base = [EvalResult("b", 0, dataset="d", metric="acc", value=0.5)]
    perf = compare_performance("m", own, [("b", 1)], {"b": base}, [])
    assert perf.comparisons == ()
    # no dataset named: nothing to be unlisted; both have no source
    assert [c.flags for c in perf.claimed] == [(NO_SOURCE,), (DATASET_NOT_LISTED, NO_SOURCE)]


def test_a_dataset_is_listed_by_its_type_or_its_name() -> None:
    result = EvalResult("m", 0, dataset="ifeval", dataset_name="HuggingFaceH4/IFEval", metric="acc", value=1.0)
    assert flags_of(result, {"huggingfaceh4/ifeval"}) == (NO_SOURCE,)
    assert flags_of(result, {"other/data"}) == (DATASET_NOT_LISTED, NO_SOURCE)
