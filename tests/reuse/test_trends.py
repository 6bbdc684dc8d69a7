"""``graphsc.reuse.trends``: time buckets, the three series and the family scope, on synthetic stores with known
dates and on the bundled real families.

Every expected number is worked out here, by hand for the synthetic graph (its docstring lists what is in it) or
from the raw Hub records (``family_records``: ``createdAt``, ``base_model:<relation>:<id>`` tags, ``cardData``),
never read back from graphsc's output.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any

import pytest

from graphsc.errors import GraphscError, UnknownModelError
from graphsc.records import DerivedFrom, EvalResult, GraphBatch, Model, ModelDetails
from graphsc.reuse import dates
from graphsc.reuse import trends as trends_module
from graphsc.reuse.trends import Trends, compute_trends
from graphsc.store.sqlite import SQLiteStore

TAG = "hub-tag"
# Values that declare no license (as graphsc audit reads them), written out here rather than read from graphsc.
PLACEHOLDERS = {"unknown", "none", "n/a", "na", "noassertion", "tbd", "-", "?"}


def _month(year: int, month: int) -> int:
    return year * 12 + month - 1


def test_trends_uses_the_one_creation_date_rule() -> None:
    # the rule of graphsc audit (graphsc.reuse.dates, tested in its own right there), not a copy of it
    assert trends_module.creation_month is dates.creation_month
    assert not hasattr(trends_module, "LAST_YEAR")


def test_undated_follows_the_shared_rule(store: SQLiteStore) -> None:
    now = datetime.now(UTC)
    this_month = f"{now.year:04d}-{now.month:02d}"
    dates_of = {
        "d/lower-z": "2025-01-20T03:46:07.000z",  # a lower-case z is UTC: January 2025
        "d/offset": "2025-01-31T23:30:00-05:00",  # 04:30 UTC on 1 February
        "d/now": f"{this_month}-01",  # this month: dated
        "d/typo": "2099-01-01T00:00:00Z",  # in the future: a typo, undated
        "d/epoch": "1970-01-01T00:00:00Z",  # a placeholder, undated
        "d/late-1999": "1999-12-31",  # before 2000, undated
    }
    store.write(GraphBatch(models=[Model(m, created_at=c, fetched=True) for m, c in dates_of.items()]))
    t = compute_trends(store, "year")
    assert t.undated.models == 3
    assert {b.label: b.models for b in t.buckets if b.models} == (
        {"2025": 3} if now.year == 2025 else {"2025": 2, f"{now.year:04d}": 1}
    )
    months = compute_trends(store, since="2025-01", until="2025-02")
    assert [(b.label, b.models) for b in months.buckets] == [("2025-01", 1), ("2025-02", 1)]


@pytest.mark.parametrize(("since", "until"), [("2000-01", None), ("2025-01", "2099-12"), (None, "2099-12")])
def test_since_until_may_reach_into_the_future(store: SQLiteStore, since: str | None, until: str | None) -> None:
    t = compute_trends(store, "year", since=since, until=until)
    assert t.until == until and t.since == since


def test_since_before_2000_is_refused_with_the_rule_s_floor(store: SQLiteStore) -> None:
    with pytest.raises(GraphscError) as raised:
        compute_trends(store, since="1999-12")
    assert "from 2000" in (raised.value.hint or "")


# ---- a synthetic graph with known dates ----
#
# fetched models (id: created_at, license, card fields, reported results, bases):
#   a/root   2024-12-15  mit          datasets            results 0.5          (no base)
#   a/ft1    2025-01-02  apache-2.0   datasets            -                    finetune of a/root
#   a/q1     2025-01-30  (none)       -                   one non-numeric      quantized of a/ft1
#   a/merge  2025-03-10  cc-by-nc-4.0 datasets            results 1.0, 2.0     merge of a/root + b/root,
#                                                                              and finetune of a/ft1
#   b/root   2025-03-11  mit          -                   -                    (no base)
#   b/ad     2025-04-01  mit          datasets            -                    adapter of b/root and of x/stub
#   b/undated "not a date" mit        datasets            results 3.0          finetune of b/root
#   b/none   (none)      (none)       -                   -                    adapter of b/root
#   x/stub: an unfetched stub (someone's base).
# Every card sets "license" in its card fields; whether a license is declared is read from the record's license.
MODELS = {
    "a/root": ("2024-12-15T10:00:00.000Z", "mit"),
    "a/ft1": ("2025-01-02T00:00:00.000Z", "apache-2.0"),
    "a/q1": ("2025-01-30T00:00:00.000Z", None),
    "a/merge": ("2025-03-10T00:00:00.000Z", "cc-by-nc-4.0"),
    "b/root": ("2025-03-11T00:00:00.000Z", "mit"),
    "b/ad": ("2025-04-01T00:00:00.000Z", "mit"),
    "b/undated": ("not a date", "mit"),
    "b/none": (None, None),
}
CARD_DATASETS = {"a/root", "a/ft1", "a/merge", "b/ad", "b/undated"}
EDGES = [
    ("a/ft1", "a/root", "finetune"),
    ("a/q1", "a/ft1", "quantized"),
    ("a/merge", "a/root", "merge"),
    ("a/merge", "b/root", "merge"),
    ("a/merge", "a/ft1", "finetune"),
    ("b/ad", "b/root", "adapter"),
    ("b/ad", "x/stub", "adapter"),
    ("b/undated", "b/root", "finetune"),
    ("b/none", "b/root", "adapter"),
]
RESULTS = [
    EvalResult("a/root", 0, metric="acc", value=0.5),
    EvalResult("a/q1", 0, metric="acc", value=None, value_text="n/a"),
    EvalResult("a/merge", 0, metric="acc", value=1.0),
    EvalResult("a/merge", 1, metric="f1", value=2.0),
    EvalResult("b/undated", 0, metric="acc", value=3.0),
]


def write_synthetic(store: SQLiteStore) -> SQLiteStore:
    """``store`` with the synthetic graph above written into it (the CLI tests use it too)."""
    store.write(
        GraphBatch(
            models=[
                Model(m, license=lic, created_at=created, fetched=True, has_card=True)
                for m, (created, lic) in MODELS.items()
            ],
            derived_from=[DerivedFrom(c, b, r, TAG) for c, b, r in EDGES],
            details=[
                ModelDetails(m, card_fields=("datasets", "license") if m in CARD_DATASETS else ("license",))
                for m in MODELS
            ],
            eval_results=RESULTS,
        )
    )
    return store


@pytest.fixture
def synthetic(store: SQLiteStore) -> SQLiteStore:
    return write_synthetic(store)


def _labels(trends: Trends) -> list[str]:
    return [b.label for b in trends.buckets]


def _table(trends: Trends, what: str) -> dict[str, Any]:
    rows = [*trends.buckets, trends.undated]
    if what == "models":
        return {b.label: b.models for b in rows}
    if what == "derivatives":
        return {b.label: b.derivatives for b in rows}
    if what == "relations":
        return {b.label: dict(+b.by_relation) for b in rows}
    if what == "licenses":
        return {b.label: dict(+b.licenses) for b in rows}
    return {b.label: (b.models, b.datasets, b.eval_results, b.license) for b in rows}


def test_monthly_buckets_are_consecutive_with_undated_apart(synthetic: SQLiteStore) -> None:
    t = compute_trends(synthetic)
    # 2024-12 .. 2025-04, February empty; the stub x/stub is in no bucket; b/undated and b/none are undated.
    assert _labels(t) == ["2024-12", "2025-01", "2025-02", "2025-03", "2025-04"]
    assert [b.start for b in t.buckets] == ["2024-12-01", "2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"]
    assert _table(t, "models") == {"2024-12": 1, "2025-01": 2, "2025-02": 0, "2025-03": 2, "2025-04": 1, "undated": 2}
    assert (t.models, t.stubs, t.dated, t.undated.models, t.outside_range) == (8, 1, 6, 2, 0)
    assert t.without_details == 0


def test_quarter_and_year_buckets(synthetic: SQLiteStore) -> None:
    quarters = compute_trends(synthetic, "quarter")
    assert _labels(quarters) == ["2024-Q4", "2025-Q1", "2025-Q2"]
    assert [b.start for b in quarters.buckets] == ["2024-10-01", "2025-01-01", "2025-04-01"]
    assert _table(quarters, "models") == {"2024-Q4": 1, "2025-Q1": 4, "2025-Q2": 1, "undated": 2}
    years = compute_trends(synthetic, "year")
    assert _labels(years) == ["2024", "2025"]
    assert _table(years, "models") == {"2024": 1, "2025": 5, "undated": 2}
    # a/ft1 and a/q1 (January), a/merge (March) are Q1 derivatives; b/ad is Q2's
    assert _table(quarters, "derivatives") == {"2024-Q4": 0, "2025-Q1": 3, "2025-Q2": 1, "undated": 2}


def test_derivatives_count_once_per_relation(synthetic: SQLiteStore) -> None:
    t = compute_trends(synthetic)
    assert t.relations == ("finetune", "adapter", "quantized", "merge")  # graphsc.records.RELATIONS order
    assert _table(t, "derivatives") == {
        "2024-12": 0,
        "2025-01": 2,
        "2025-02": 0,
        "2025-03": 1,
        "2025-04": 1,
        "undated": 2,
    }
    assert _table(t, "relations") == {
        "2024-12": {},
        "2025-01": {"finetune": 1, "quantized": 1},
        "2025-02": {},
        # a/merge: merge (two bases, counted once) and finetune; b/root has no base
        "2025-03": {"merge": 1, "finetune": 1},
        # b/ad: adapter of two bases, one of them a stub: once
        "2025-04": {"adapter": 1},
        "undated": {"finetune": 1, "adapter": 1},
    }


def test_license_categories(synthetic: SQLiteStore) -> None:
    t = compute_trends(synthetic)
    # mit and apache-2.0 are permissive, cc-by-nc-4.0 non-commercial, no license unknown
    assert _table(t, "licenses") == {
        "2024-12": {"permissive": 1},
        "2025-01": {"permissive": 1, "unknown": 1},
        "2025-02": {},
        "2025-03": {"non-commercial": 1, "permissive": 1},
        "2025-04": {"permissive": 1},
        "undated": {"permissive": 1, "unknown": 1},
    }
    assert t.categories == ("non-commercial", "unknown", "permissive")  # most restrictive first
    for b in [*t.buckets, t.undated]:
        assert sum(b.licenses.values()) == b.models


def test_documentation_counts_and_shares(synthetic: SQLiteStore) -> None:
    t = compute_trends(synthetic)
    # (models, card lists datasets, numeric eval result, license declared)
    assert _table(t, "documentation") == {
        "2024-12": (1, 1, 1, 1),  # a/root
        "2025-01": (2, 1, 0, 1),  # a/ft1 datasets + license; a/q1 only a non-numeric result, no license
        "2025-02": (0, 0, 0, 0),
        "2025-03": (2, 1, 1, 2),  # a/merge datasets, two results (counted once), license; b/root license
        "2025-04": (1, 1, 0, 1),  # b/ad
        "undated": (2, 1, 1, 1),  # b/undated everything; b/none nothing
    }
    january = t.buckets[1].documentation
    assert (january.share("datasets"), january.share("eval_results"), january.share("license")) == (0.5, 0.0, 0.5)
    assert t.buckets[2].documentation.share("datasets") is None  # no models: no share


def test_a_placeholder_license_declares_nothing(store: SQLiteStore) -> None:
    licenses = {"p/unknown": "unknown", "p/na": " N/A ", "p/noassert": "NOASSERTION", "p/q": "?", "p/blank": "  "}
    licenses |= {"p/other": "other", "p/mit": "mit", "p/none": None}  # "other" is a declaration, if unrecognised
    store.write(
        GraphBatch(models=[Model(m, license=lic, created_at="2025-01-05", fetched=True) for m, lic in licenses.items()])
    )
    january = compute_trends(store).buckets[0]
    assert (january.models, january.license) == (8, 2)  # p/other and p/mit
    assert january.documentation.share("license") == 2 / 8


def test_a_window_inside_a_bucket_moves_its_start(synthetic: SQLiteStore) -> None:
    # buckets[].start is the first day the bucket covers: --since 2025-02 cuts 2025-Q1 (and 2025) to February on
    quarters = compute_trends(synthetic, "quarter", since="2025-02", until="2025-05")
    assert [(b.label, b.start) for b in quarters.buckets] == [("2025-Q1", "2025-02-01"), ("2025-Q2", "2025-04-01")]
    years = compute_trends(synthetic, "year", since="2025-02")
    assert [(b.label, b.start) for b in years.buckets] == [("2025", "2025-02-01")]
    # 2024-Q4 is cut to November on; the quarters after it keep their calendar start
    wide = compute_trends(synthetic, "quarter", since="2024-11")
    assert [b.start for b in wide.buckets] == ["2024-11-01", "2025-01-01", "2025-04-01"]
    assert compute_trends(synthetic, "month", since="2025-02").buckets[0].start == "2025-02-01"


def test_models_without_details_are_counted(store: SQLiteStore) -> None:
    store.write(GraphBatch(models=[Model("o/old", created_at="2025-01-01", license="mit")]))
    t = compute_trends(store)
    assert t.without_details == 1 and t.buckets[0].datasets == 0 and t.buckets[0].license == 1


def test_family_restricts_to_root_and_descendants(synthetic: SQLiteStore) -> None:
    # b/root's family: b/root, a/merge (merge of b/root), b/ad, b/undated, b/none. a/merge counts its merge with
    # b/root only: its finetune of a/ft1 and merge with a/root leave the family. x/stub is b/ad's other base.
    t = compute_trends(synthetic, family="B/Root")
    assert t.family == "b/root"
    assert _table(t, "models") == {"2025-03": 2, "2025-04": 1, "undated": 2}
    assert _table(t, "relations") == {
        "2025-03": {"merge": 1},
        "2025-04": {"adapter": 1},
        "undated": {"finetune": 1, "adapter": 1},
    }
    assert t.stubs == 0  # x/stub is not derived from b/root
    # a/root's family: a/root, a/ft1, a/q1, a/merge (b/root is a base, not a descendant)
    a = compute_trends(synthetic, family="a/root")
    assert _table(a, "models") == {"2024-12": 1, "2025-01": 2, "2025-02": 0, "2025-03": 1, "undated": 0}
    assert _table(a, "relations")["2025-03"] == {"merge": 1, "finetune": 1}


def test_unknown_family_is_a_clear_error(synthetic: SQLiteStore) -> None:
    with pytest.raises(UnknownModelError) as raised:
        compute_trends(synthetic, family="c/root")
    assert "a/root" in (raised.value.hint or "")


def test_since_until_keep_the_months_asked_for(synthetic: SQLiteStore) -> None:
    t = compute_trends(synthetic, since="2025-01", until="2025-06")
    # the range is filled to the months asked for; a/root (2024-12) is outside it; undated models stay undated
    assert _labels(t) == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    assert (t.since, t.until, t.outside_range, t.undated.models) == ("2025-01", "2025-06", 1, 2)
    q = compute_trends(synthetic, "quarter", since="2025-02")
    # a/root, a/ft1, a/q1 are before February; Q1 keeps a/merge and b/root
    assert _table(q, "models") == {"2025-Q1": 2, "2025-Q2": 1, "undated": 2}
    assert q.outside_range == 3


@pytest.mark.parametrize(("since", "until"), [("2025-13", None), (None, "25-01"), ("2025-03", "2025-01"), ("x", None)])
def test_bad_months_are_clear_errors(synthetic: SQLiteStore, since: str | None, until: str | None) -> None:
    with pytest.raises(GraphscError):
        compute_trends(synthetic, since=since, until=until)


def test_empty_store(store: SQLiteStore) -> None:
    t = compute_trends(store)
    assert (t.buckets, t.models, t.relations, t.categories) == ((), 0, (), ())


# ---- the bundled real families ----


def _record_relations(record: dict[str, Any]) -> set[str]:
    """The relations of a record's confirmed bases: its ``base_model:<relation>:<id>`` tags."""
    return {t.split(":")[1] for t in record.get("tags", []) if t.startswith("base_model:") and t.count(":") >= 2}


def test_monthly_derivatives_of_the_bundled_families(families_store: SQLiteStore, family_records: list[dict]) -> None:
    expected_models: Counter[str] = Counter()
    expected: dict[str, Counter[str]] = defaultdict(Counter)
    for r in family_records:
        month = r["createdAt"][:7]
        expected_models[month] += 1
        for relation in _record_relations(r):
            expected[month][relation] += 1
    t = compute_trends(families_store)
    dated = {b.label: b for b in t.buckets}
    assert {m: b.models for m, b in dated.items() if b.models} == dict(expected_models)
    assert {m: dict(+b.by_relation) for m, b in dated.items() if b.by_relation} == {
        m: dict(c) for m, c in expected.items()
    }
    assert t.undated.models == 0 and t.models == len(family_records)
    # months between the first and the last are all there
    assert _labels(t) == ["2024-11", "2024-12", "2025-01", "2025-02", "2025-03", "2025-04"]


def test_documentation_of_the_bundled_families(families_store: SQLiteStore, family_records: list[dict]) -> None:
    expected: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in family_records:
        card = r.get("cardData") or {}
        numeric = any(
            isinstance(m.get("value"), int | float)
            for entry in card.get("model-index") or []
            for result in entry.get("results") or []
            for m in result.get("metrics") or []
        )
        row = expected[r["createdAt"][:7]]
        row[0] += 1
        row[1] += bool(card.get("datasets"))
        row[2] += numeric
        declared = [card.get("license"), *(t[len("license:") :] for t in r.get("tags", []) if t.startswith("license:"))]
        row[3] += any(isinstance(v, str) and v.strip() and v.strip().lower() not in PLACEHOLDERS for v in declared)
    t = compute_trends(families_store)
    got = {b.label: [b.models, b.datasets, b.eval_results, b.license] for b in t.buckets if b.models}
    assert got == dict(expected)


def test_family_of_the_bundled_deepseek(families_store: SQLiteStore, family_records: list[dict]) -> None:
    root = "deepseek-ai/DeepSeek-R1"
    children: dict[str, set[str]] = defaultdict(set)
    for r in family_records:
        for t in r.get("tags", []):
            if t.startswith("base_model:") and t.count(":") >= 2:
                children[t.split(":", 2)[2].lower()].add(r["id"].lower())
    family, todo = {root.lower()}, [root.lower()]
    while todo:
        for child in children[todo.pop()]:
            if child not in family:
                family.add(child)
                todo.append(child)
    months = Counter(r["createdAt"][:7] for r in family_records if r["id"].lower() in family)
    t = compute_trends(families_store, family=root)
    assert t.family == root and t.models == len(family)
    assert {b.label: b.models for b in t.buckets if b.models} == dict(months)
