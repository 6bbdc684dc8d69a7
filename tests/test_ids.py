"""graphsc.ids: what a Hub repo id is, how other spellings reduce to one, and what is rejected (issue 10 A, B, D).

Expected values are read off the inputs by the Hub's rules (README "Identity and lineage"), not from graphsc.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphsc.ids import id_key, is_repo_id, parse_repo_id

LEGACY_TABLE = json.loads((Path(__file__).parents[1] / "graphsc" / "data" / "legacy_model_ids.json").read_text())[
    "renames"
]


@pytest.mark.parametrize(
    "value",
    [
        "/data/m/Qwen2.5-0.5B-Instruct",  # LLaMA-Factory / TRL output dirs (absolute)
        "D:\\Model\\bloom-560m",  # Windows
        "C:/Users/me/models/llama",  # Windows with forward slashes
        "./outputs/checkpoint-500",  # relative
        "../base",
        "~/models/mistral-7b",  # home
        "/root/.cache/huggingface/hub/models--Qwen--Qwen2.5-7B/snapshots/abc",
        "models/llama/7b",  # three segments: a path, not owner/name
        "file:///tmp/model",
        ".\\model",
    ],
)
def test_local_paths_are_not_ids(value: str) -> None:
    parsed = parse_repo_id(value)
    assert parsed.id is None and parsed.rejection == "local-path"


@pytest.mark.parametrize(
    "value",
    [
        "has space/in it",
        "a/b c",
        "-leading/dash",
        "trailing/dash-",
        "a--b/c",
        "a/b..c",
        "a/",
        "/",
        "org/名前",
        "x" * 97,
        "a/b\nc",
    ],
)
def test_malformed_values_are_not_ids(value: str) -> None:
    parsed = parse_repo_id(value)
    assert parsed.id is None and parsed.rejection in ("malformed", "local-path")


@pytest.mark.parametrize("value", [None, 3, 2.5, True, ["a/b"], {"id": "a/b"}])
def test_non_strings_are_not_ids(value: object) -> None:
    assert parse_repo_id(value) == (None, None, "not-a-string")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://huggingface.co/Qwen/Qwen2.5-0.5B", "Qwen/Qwen2.5-0.5B"),
        ("http://huggingface.co/Qwen/Qwen2.5-0.5B/", "Qwen/Qwen2.5-0.5B"),
        ("huggingface.co/Qwen/Qwen2.5-0.5B", "Qwen/Qwen2.5-0.5B"),
        ("https://www.huggingface.co/Qwen/Qwen2.5-0.5B", "Qwen/Qwen2.5-0.5B"),
        ("hf.co/Qwen/Qwen2.5-0.5B", "Qwen/Qwen2.5-0.5B"),
        ("https://hf.co/Qwen/Qwen2.5-0.5B", "Qwen/Qwen2.5-0.5B"),
        ("https://huggingface.co/Qwen/Qwen2.5-0.5B/tree/main", "Qwen/Qwen2.5-0.5B"),
        ("https://huggingface.co/Qwen/Qwen2.5-0.5B/resolve/main/config.json", "Qwen/Qwen2.5-0.5B"),
        ("https://huggingface.co/Qwen/Qwen2.5-0.5B/blob/main/README.md", "Qwen/Qwen2.5-0.5B"),
        ("https://huggingface.co/Qwen/Qwen2.5-0.5B?library=transformers", "Qwen/Qwen2.5-0.5B"),
        ("https://huggingface.co/Qwen/Qwen2.5-0.5B#model-card", "Qwen/Qwen2.5-0.5B"),
        ("hf://Qwen/Qwen2.5-0.5B", "Qwen/Qwen2.5-0.5B"),
        ("Qwen/Qwen2.5-0.5B@main", "Qwen/Qwen2.5-0.5B"),
        ("  Qwen/Qwen2.5-0.5B \n", "Qwen/Qwen2.5-0.5B"),
        ("https://huggingface.co/gpt2/tree/main", "openai-community/gpt2"),  # URL of a legacy id
        ("https://huggingface.co/Qwen/Qwen2.5-0.5B.git", "Qwen/Qwen2.5-0.5B"),  # a clone URL
        ("Qwen/Qwen2.5-0.5B.git", "Qwen/Qwen2.5-0.5B"),
        ("HuggingFace.co/Qwen/Qwen2.5-0.5B", "Qwen/Qwen2.5-0.5B"),  # hosts in any casing
        ("https://huggingface.co/api/models/Qwen/Qwen2.5-0.5B", "Qwen/Qwen2.5-0.5B"),  # the API's own URL
        ("hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", "bartowski/Llama-3.2-1B-Instruct-GGUF"),  # Ollama
        ("Qwen/Qwen2.5-0.5B/", "Qwen/Qwen2.5-0.5B"),  # trailing slash
        ("hf.co/GPT2", "openai-community/gpt2"),
    ],
)
def test_url_forms_reduce_to_the_id(value: str, expected: str) -> None:
    assert parse_repo_id(value).id == expected


def test_dataset_urls_and_prefixes() -> None:
    assert (
        parse_repo_id("https://huggingface.co/datasets/HuggingFaceH4/ultrachat_200k", "dataset").id
        == "HuggingFaceH4/ultrachat_200k"
    )
    assert parse_repo_id("datasets/tatsu-lab/alpaca", "dataset").id == "tatsu-lab/alpaca"
    # a dataset URL is not a model id
    assert parse_repo_id("https://huggingface.co/datasets/tatsu-lab/alpaca").id is None


@pytest.mark.parametrize("legacy", [*sorted(LEGACY_TABLE)[:10], "BERT-BASE-UNCASED", "GPT2"])
def test_legacy_ids_resolve_in_any_casing(legacy: str) -> None:
    expected = LEGACY_TABLE[legacy.lower()]
    parsed = parse_repo_id(legacy)
    assert (parsed.id, parsed.resolution) == (expected, "legacy")


def test_a_bare_name_not_in_the_table_stays_as_written() -> None:
    assert parse_repo_id("my-local-name") == ("my-local-name", "plain", None)


def test_identity_ignores_case() -> None:
    assert id_key("Qwen/Qwen2.5-0.5B-Instruct") == id_key("qwen/QWEN2.5-0.5b-instruct")
    assert is_repo_id("Qwen/Qwen2.5-0.5B-Instruct") and not is_repo_id("a/b/c")
