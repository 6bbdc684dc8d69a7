from __future__ import annotations

import pytest

from graphsc.errors import BadInputError
from graphsc.sources.hub_records import clean_repo_id, model_record_from_hub


def relations(record: dict) -> dict[str, tuple[str, str]]:
    return {e.base: (e.relation, e.source) for e in model_record_from_hub(record).derived_from}


def test_relation_read_from_hub_tag_wins_over_card() -> None:
    record = {
        "id": "a/child",
        "tags": ["base_model:a/base", "base_model:quantized:a/base"],
        "cardData": {"base_model": "a/base", "base_model_relation": "finetune"},
    }
    assert relations(record) == {"a/base": ("quantized", "hub-tag")}


def test_relation_from_card_base_model_relation_when_no_tag() -> None:
    record = {"id": "a/child", "cardData": {"base_model": "a/base", "base_model_relation": "adapter"}}
    assert relations(record) == {"a/base": ("adapter", "card-relation")}


def test_relation_defaults_to_finetune_and_several_bases_alone_are_not_a_merge() -> None:
    assert relations({"id": "a/c", "cardData": {"base_model": "a/b"}}) == {"a/b": ("finetune", "inferred:default")}
    several = relations({"id": "a/c", "cardData": {"base_model": ["a/x", "b/y", "c/z"]}})
    assert several == {
        "a/x": ("finetune", "inferred:default"),
        "b/y": ("finetune", "inferred:default"),
        "c/z": ("finetune", "inferred:default"),
    }
    merged = relations({"id": "a/c", "tags": ["mergekit"], "cardData": {"base_model": ["a/x", "b/y"]}})
    assert merged == {"a/x": ("merge", "inferred:mergekit"), "b/y": ("merge", "inferred:mergekit")}


def test_plain_base_model_tag_without_relation_is_an_edge() -> None:
    assert relations({"id": "a/c", "tags": ["base_model:org/base"]}) == {"org/base": ("finetune", "inferred:default")}


def test_base_model_urls_and_blanks_are_cleaned() -> None:
    record = {"id": "a/c", "cardData": {"base_model": ["https://huggingface.co/org/base/", "  ", None]}}
    assert relations(record) == {"org/base": ("finetune", "inferred:default")}
    assert clean_repo_id("has space/in it") is None


def test_model_fields_license_other_and_gated() -> None:
    record = {
        "id": "org/m",
        "author": "org",
        "downloads": 12,
        "likes": 3,
        "gated": "manual",
        "pipeline_tag": "text-generation",
        "library_name": "transformers",
        "createdAt": "2025-01-01T00:00:00.000Z",
        "lastModified": "2025-02-01T00:00:00.000Z",
        "cardData": {
            "license": "other",
            "license_name": "mrl",
            "license_link": "https://mistral.ai/licenses/MRL-0.1.md",
        },
    }
    model = model_record_from_hub(record, "2026-01-01T00:00:00Z").model
    assert (model.license, model.license_name, model.license_link) == (
        "other",
        "mrl",
        "https://mistral.ai/licenses/MRL-0.1.md",
    )
    assert (model.downloads, model.likes, model.gated, model.fetched) == (12, 3, "manual", True)
    assert model.created_at == "2025-01-01T00:00:00.000Z" and model.fetched_at == "2026-01-01T00:00:00Z"


def test_license_falls_back_to_tag_and_gated_false_is_kept() -> None:
    model = model_record_from_hub({"id": "o/m", "tags": ["license:apache-2.0"], "gated": False}).model
    assert model.license == "apache-2.0" and model.gated == "false"


def test_datasets_from_card_and_tags_and_spaces_become_uses() -> None:
    record = {
        "id": "o/m",
        "tags": ["dataset:org/d1", "dataset:org/d2"],
        "cardData": {"datasets": ["org/d1", "https://huggingface.co/datasets/org/d3"]},
        "spaces": ["s/one", "s/two", "s/one"],
    }
    converted = model_record_from_hub(record)
    assert {(t.dataset, t.source) for t in converted.trained_on} == {
        ("org/d1", "card"),
        ("org/d3", "card"),
        ("org/d2", "hub-tag"),
    }
    assert [(u.user, u.user_kind, u.model) for u in converted.used_by] == [
        ("s/one", "space", "o/m"),
        ("s/two", "space", "o/m"),
    ]


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ([1, 2], "expected a JSON object"),
        ({"author": "x"}, "no model id"),
        ({"id": 7}, "no model id"),
        ({"id": "/home/me/ckpt"}, "not a Hub repo id"),
    ],
)
def test_unusable_records_raise_with_reason(record: object, reason: str) -> None:
    with pytest.raises(BadInputError, match=reason):
        model_record_from_hub(record)


def test_fields_of_the_wrong_type_are_ignored_not_fatal() -> None:
    record = {"id": "o/m", "cardData": "license: mit", "tags": "a,b", "downloads": "12", "gated": 3}
    converted = model_record_from_hub(record)
    assert converted.model == model_record_from_hub({"id": "o/m", "cardData": None})._replace(notes=()).model
    assert (converted.derived_from, converted.trained_on, converted.model.has_card) == ((), (), False)
