"""``graphsc audit`` on the bundled real families (graphsc.reuse.audit): every expected number is computed here from
the raw Hub records (``family_records``), with the rule of docs/audit.md written out again, not read from graphsc.

The raw reading: license = the card's ``license`` or a ``license:`` tag, unless it is a placeholder for "no
license information" (``unknown``, ``none``, ``n/a``, ``na``, ``noassertion``, ``tbd``, ``-``, ``?``); base = a ``base_model:<relation>:<id>`` tag
(the Hub's confirmation); training data = the card's ``datasets`` or a ``dataset:`` tag; evaluation results = a
``model-index`` metric whose value is a number; task / library = the record's or the card's ``pipeline_tag`` /
``library_name``; card = non-empty ``cardData``; weight files = a sibling whose name ends in a weight suffix (or a
split part of one).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from graphsc.errors import UnknownModelError
from graphsc.reuse.audit import audit_graph, audit_model
from graphsc.store.sqlite import SQLiteStore

WEIGHT = {
    "license": 20,
    "base_model": 15,
    "training_data": 20,
    "eval_results": 15,
    "task": 10,
    "library": 10,
    "card": 10,
}
RELATION_TAG = re.compile(r"^base_model:(finetune|adapter|quantized|merge):(.+)$")
# a weight file's suffix, also on a split file's part (DeepSeek-R1.IQ4_XS.gguf.part1of8)
WEIGHT_FILE = re.compile(r"\.(safetensors|gguf|bin|pt|pth|ckpt|pkl|onnx|h5|msgpack)(\.part\d+of\d+)?$")
PLACEHOLDERS = {"unknown", "none", "n/a", "na", "noassertion", "tbd", "-", "?"}
DEEP = "yentinglin/Mistral-Small-24B-Instruct-2501-reasoning"  # two generations below Mistral-Small-24B-Base-2501


def _bases(record: dict[str, Any]) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for t in record.get("tags") or [] if (m := RELATION_TAG.match(t))]


def _licensed(record: dict[str, Any]) -> bool:
    """The card's license, else the first ``license:`` tag, is there and not a placeholder."""
    card = record.get("cardData") or {}
    value = card.get("license")
    if isinstance(value, list):
        value = value[0] if value else None
    if not value:
        value = next((t.split(":", 1)[1] for t in record.get("tags") or [] if t.startswith("license:")), None)
    return bool(value) and str(value).strip().lower() not in PLACEHOLDERS


def _attributes(record: dict[str, Any]) -> set[str]:
    card = record.get("cardData") or {}
    tags = record.get("tags") or []
    metrics = [
        m
        for entry in card.get("model-index") or []
        for result in entry.get("results") or []
        for m in result.get("metrics") or []
    ]
    found = {
        "license": _licensed(record),
        "base_model": bool(_bases(record)),
        "training_data": bool(card.get("datasets")) or any(t.startswith("dataset:") for t in tags),
        "eval_results": any(isinstance(m.get("value"), int | float) for m in metrics),
        "task": bool(record.get("pipeline_tag") or card.get("pipeline_tag")),
        "library": bool(record.get("library_name") or card.get("library_name")),
        "card": bool(card),
    }
    return {a for a, ok in found.items() if ok}


def _has_weights(record: dict[str, Any]) -> bool:
    return any(WEIGHT_FILE.search(s["rfilename"]) for s in record.get("siblings") or [])


@pytest.fixture
def by_id(family_records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in family_records}


def _ancestors(by_id: dict[str, dict[str, Any]], model: str) -> dict[str, int]:
    """Every ancestor of ``model`` and its fewest edges up, from the relation tags."""
    distance: dict[str, int] = {}
    frontier, d = [model], 0
    while frontier:
        d += 1
        nxt = []
        for m in frontier:
            for _, base in _bases(by_id.get(m, {})):
                if base not in distance and base != model:
                    distance[base] = d
                    nxt.append(base)
        frontier = nxt
    return distance


def test_audit_of_a_deep_real_model(families_store: SQLiteStore, by_id: dict[str, dict[str, Any]]) -> None:
    ancestors = _ancestors(by_id, DEEP)
    assert len(ancestors) == 2 and max(ancestors.values()) == 2  # a real depth-2 chain
    audit = audit_model(families_store, DEEP.upper())  # any casing resolves
    assert audit.model == DEEP
    assert [(r.model, r.distance) for r in audit.rows] == [
        (DEEP, 0),
        *sorted(ancestors.items(), key=lambda kv: (kv[1], kv[0])),
    ]
    for row in audit.rows:
        c = row.completeness
        assert c is not None
        expected = _attributes(by_id[row.model])
        assert set(c.present) == expected, row.model
        assert c.score == sum(WEIGHT[a] for a in expected)
        assert c.weight_files is _has_weights(by_id[row.model])
    missing = {a: sum(1 for m in ancestors if a not in _attributes(by_id[m])) for a in WEIGHT}
    assert {s.attribute: (s.missing, s.of) for s in audit.summaries} == {a: (n, 2) for a, n in missing.items()}
    assert missing["training_data"] == 2
    texts = [s.text for s in audit.summaries]
    assert "2 of 2 ancestors declare no training data" in texts
    assert "1 of 2 ancestors has no confirmed base model" in texts  # the root, Mistral-Small-24B-Base-2501


def test_real_claimed_performance(families_store: SQLiteStore, by_id: dict[str, dict[str, Any]]) -> None:
    card = by_id[DEEP]["cardData"]
    raw = [
        (result["dataset"]["type"], m["type"], m["value"], result.get("source"))
        for entry in card["model-index"]
        for result in entry["results"]
        for m in result["metrics"]
    ]
    listed = {d.lower() for d in card.get("datasets") or []}
    perf = audit_model(families_store, DEEP).performance
    assert [(c.result.dataset, c.result.metric, c.result.value) for c in perf.claimed] == [r[:3] for r in raw]
    assert perf.flagged("no-source") == sum(1 for r in raw if not r[3])
    assert perf.flagged("dataset-not-listed") == sum(1 for r in raw if r[0].lower() not in listed)
    assert perf.comparisons == ()  # no ancestor's card reports results


def test_whole_graph_shares_match_the_records(
    families_store: SQLiteStore, family_records: list[dict[str, Any]], by_id: dict[str, dict[str, Any]]
) -> None:
    audit = audit_graph(families_store)
    attributes = {r["id"]: _attributes(r) for r in family_records}
    assert audit.fetched == len(family_records) == 369 and audit.not_fetched == 0
    assert audit.overall.with_attribute == {a: sum(1 for s in attributes.values() if a in s) for a in WEIGHT}
    scores = [sum(WEIGHT[a] for a in s) for s in attributes.values()]
    assert audit.overall.mean_score == pytest.approx(statistics.mean(scores))
    assert audit.median_score == statistics.median(scores)
    no_weights = sum(1 for r in family_records if r.get("siblings") and not _has_weights(r))
    assert audit.weight_files == {"present": 369 - no_weights, "none": no_weights, "unknown": 0}
    assert no_weights > 200  # most DeepSeek-R1 "fine-tunes" are README-only repositories

    # families: each record's root, walking its relation tags up
    def root(m: str) -> str:
        bases = _bases(by_id.get(m, {}))
        return root(bases[0][1]) if bases else m

    sizes = Counter(root(r["id"]) for r in family_records)
    assert [(g.name, g.models) for g in audit.by_family] == sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0]))
    relations = Counter(rel for r in family_records for rel in {b[0] for b in _bases(r)} or {"root"})
    assert {g.name: g.models for g in audit.by_relation} == dict(relations)
    years = Counter(
        str(datetime.fromisoformat(r["createdAt"].replace("Z", "+00:00")).astimezone(UTC).year) for r in family_records
    )
    assert {g.name: g.models for g in audit.by_year} == dict(years)


def test_unknown_model_suggests(families_store: SQLiteStore) -> None:
    with pytest.raises(UnknownModelError) as raised:
        audit_model(families_store, "DeepSeek-R1")
    assert "deepseek-ai/DeepSeek-R1" in raised.value.suggestions
