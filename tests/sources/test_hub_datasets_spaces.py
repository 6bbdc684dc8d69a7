"""Hub dataset and Space records → graphsc records: each rule by example, any JSON never a crash (Hypothesis), and
the real dataset sample against counts computed here from the raw records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphsc import samples
from graphsc.errors import BadInputError
from graphsc.records import (
    SOURCE_CARD,
    SOURCE_SOURCE_DATASETS,
    SOURCE_SPACE_CARD,
    USER_SPACE,
    Dataset,
    DatasetDerivedFrom,
    Space,
    Uses,
)
from graphsc.sources.hub_datasets import dataset_record_from_hub, source_dataset_id
from graphsc.sources.hub_spaces import space_record_from_hub

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


def test_a_list_api_dataset_record_gives_every_field() -> None:
    record = dataset_record_from_hub(
        {
            "id": "AILAB-VNUHCM/vivos",
            "author": "AILAB-VNUHCM",
            "downloads": 840,
            "likes": 10,
            "gated": False,
            "createdAt": "2022-03-02T23:29:22.000Z",
            "lastModified": "2023-06-14T08:29:21.000Z",
            "tags": [
                "task_categories:automatic-speech-recognition",
                "source_datasets:original",
                "license:cc-by-nc-sa-4.0",
            ],
        },
        "2026-11-30T00:00:00Z",
    )
    assert record.dataset == Dataset(
        "AILAB-VNUHCM/vivos",
        "cc-by-nc-sa-4.0",
        None,
        None,
        "AILAB-VNUHCM",
        840,
        10,
        "2022-03-02T23:29:22.000Z",
        "2023-06-14T08:29:21.000Z",
        "false",
        True,
        "2026-11-30T00:00:00Z",
    )
    assert record.derived_from == ()  # "original": nothing upstream


def test_the_card_license_wins_and_a_list_means_every_license_applies() -> None:
    card = {"id": "o/d", "cardData": {"license": ["mit", "cc-by-4.0"], "license_name": "x", "license_link": "LICENSE"}}
    record = dataset_record_from_hub({**card, "tags": ["license:apache-2.0"]})
    assert (record.dataset.license, record.dataset.license_name, record.dataset.license_link) == (
        "mit AND cc-by-4.0",
        "x",
        "LICENSE",
    )
    # Without a card, every license tag applies (the Hub writes one per entry of the card's list).
    tags = dataset_record_from_hub({"id": "o/d", "tags": ["license:mit", "license:cc-by-4.0", 7, None]})
    assert tags.dataset.license == "mit AND cc-by-4.0"
    assert dataset_record_from_hub({"id": "o/d", "tags": ["other"]}).dataset.license is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("original", None),
        ("extended", None),
        ("extended|other", None),
        ("extended|other-80-Million-Tiny-Images", None),
        ("other-wider", None),
        ("extended|squad", "squad"),
        ("extended|rajpurkar/squad", "rajpurkar/squad"),
        ("EXTENDED|glue", "glue"),
        ("Extended | squad", "squad"),
        ("extended|", None),
        ("nyu-mll/glue", "nyu-mll/glue"),
        ("https://huggingface.co/datasets/nyu-mll/glue", "nyu-mll/glue"),
        ("extended|/home/me/data", None),
        ("", None),
        (3, None),
        (None, None),
    ],
)
def test_each_source_datasets_form(value: Any, expected: str | None) -> None:
    assert source_dataset_id(value) == expected


def test_source_datasets_become_dataset_edges_once_never_to_itself() -> None:
    record = dataset_record_from_hub(
        {
            "id": "google/xquad",
            "tags": [
                "source_datasets:extended|squad",
                "source_datasets:extended|SQuAD",
                "source_datasets:extended|google/xquad",
                "source_datasets:original",
            ],
        },
        "t",
    )
    assert record.derived_from == (DatasetDerivedFrom("google/xquad", "squad", SOURCE_SOURCE_DATASETS, "t"),)
    # The card's field, when present, is what the Hub's tags were made from: it is read instead.
    card = dataset_record_from_hub(
        {"id": "o/d", "cardData": {"source_datasets": "extended|a/b"}, "tags": ["source_datasets:extended|c/d"]}
    )
    assert card.derived_from == (DatasetDerivedFrom("o/d", "a/b", SOURCE_CARD),)


def test_a_dataset_moved_under_legacy_datasets_is_not_derived_from_its_own_old_id() -> None:
    record = dataset_record_from_hub(
        {"id": "legacy-datasets/common_voice", "tags": ["source_datasets:extended|common_voice"]}
    )
    assert record.derived_from == ()
    # Elsewhere the old id is a source as written (graphsc ships no table of the Hub's dataset moves).
    other = dataset_record_from_hub(
        {"id": "mozilla-foundation/common_voice_11_0", "tags": ["source_datasets:extended|common_voice"]}
    )
    assert [e.base for e in other.derived_from] == ["common_voice"]


@pytest.mark.parametrize("data", [[], "x", 3, None, {"id": 3}, {"id": "/home/x/data"}, {"tags": []}])
def test_a_record_without_a_usable_id_is_refused(data: Any) -> None:
    with pytest.raises(BadInputError):
        dataset_record_from_hub(data)
    with pytest.raises(BadInputError):
        space_record_from_hub(data)


def test_a_space_record_gives_license_sdk_and_the_models_it_declares() -> None:
    record = space_record_from_hub(
        {
            "id": "acme/chat",
            "sdk": "gradio",
            "likes": 4,
            "createdAt": "2024-01-01T00:00:00.000Z",
            "cardData": {"license": "mit", "models": ["org/Extra", "https://huggingface.co/org/base"]},
            "models": ["org/base", "ORG/BASE", "gpt2", "./local", 5],
            "tags": ["license:apache-2.0"],
        },
        "t",
    )
    assert record.space == Space("acme/chat", "mit", "gradio", "acme", 4, "2024-01-01T00:00:00.000Z", None, True, "t")
    assert record.uses == (
        Uses("acme/chat", USER_SPACE, "org/base", SOURCE_SPACE_CARD, None, "t"),
        Uses("acme/chat", USER_SPACE, "openai-community/gpt2", SOURCE_SPACE_CARD, None, "t"),
        Uses("acme/chat", USER_SPACE, "org/Extra", SOURCE_SPACE_CARD, None, "t"),
    )
    bare = space_record_from_hub({"id": "a/s", "cardData": {"sdk": "streamlit"}, "tags": ["license:mit"]})
    assert (bare.space.license, bare.space.sdk, bare.uses) == ("mit", "streamlit", ())


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)
FIELDS = (
    "id",
    "author",
    "tags",
    "cardData",
    "downloads",
    "likes",
    "createdAt",
    "lastModified",
    "gated",
    "sdk",
    "models",
)


@SETTINGS
@given(
    st.fixed_dictionaries(
        {},
        optional={
            **dict.fromkeys(FIELDS, json_values),
            "id": st.sampled_from(["o/d", "O/D", "squad", "x/" + "y" * 100]) | json_values,
            "tags": st.lists(
                st.sampled_from(["license:mit", "source_datasets:extended|a/b", "source_datasets:original"])
                | st.text(max_size=20)
                | json_values,
                max_size=5,
            ),
        },
    )
)
def test_any_json_in_any_field_is_ignored_or_refuses_the_record(data: dict[str, Any]) -> None:
    for convert in (dataset_record_from_hub, space_record_from_hub):
        try:
            record = convert(data, None)
        except BadInputError:
            continue
        assert isinstance(record[0].id, str) and record[0].id
        assert record[0].license is None or isinstance(record[0].license, str)


def _sample() -> list[dict[str, Any]]:
    [path] = samples.hf_dataset_files()
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


def test_the_real_sample_gives_its_licenses_and_dataset_edges() -> None:
    raw = _sample()
    records = [dataset_record_from_hub(r) for r in raw]
    assert len(records) == 300
    licensed = {r["id"]: [t[8:] for t in r["tags"] if t.startswith("license:")] for r in raw}
    assert {r.dataset.id: r.dataset.license for r in records} == {
        i: (" AND ".join(v) if v else None) for i, v in licensed.items()
    }
    assert sum(1 for r in records if r.dataset.license) == 225
    expected = set()
    for r in raw:
        for tag in r["tags"]:
            if tag.startswith("source_datasets:extended|"):
                base = tag.split("|", 1)[1]
                own_old_name = r["id"].startswith("legacy-datasets/") and r["id"].split("/")[1] == base
                if not base.startswith("other") and not own_old_name:
                    expected.add((r["id"], base))
    assert {(e.child, e.base) for r in records for e in r.derived_from} == expected
    assert len(expected) == 15  # 28 extended| tags: 12 name sources off the Hub (other, other-…), 1 the record itself
    assert {r.dataset.gated for r in records} == {"false", "auto", "manual"}
