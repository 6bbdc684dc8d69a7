"""Which bases are lineage and with which relation (issue 10 C, E), on the shapes real cards and tags take.

Each expected value follows from the record by the rules in README "Identity and lineage": relation tags are the
lineage; card bases no tag confirms are notes; without a relation, the repository's own signals decide.
"""

from __future__ import annotations

import json

import pytest

from graphsc.ids import id_key
from graphsc.records import RELATIONS
from graphsc.samples import hf_family_files
from graphsc.sources.hub_records import model_record_from_hub


def edges(record: dict) -> dict[str, tuple[str, str]]:
    return {e.base: (e.relation, e.source) for e in model_record_from_hub(record).derived_from}


def notes(record: dict) -> set[tuple[str, str | None, str]]:
    return {(n.value, n.resolved, n.kind) for n in model_record_from_hub(record).notes}


# ── C: card bases the Hub did not take into its tree ──


def test_renamed_base_tag_follows_the_rename_card_keeps_the_old_name() -> None:
    record = {"id": "a/x", "tags": ["base_model:finetune:o/new"], "cardData": {"base_model": "o/old"}}
    assert edges(record) == {"o/new": ("finetune", "hub-tag")}
    assert notes(record) == {("o/old", "o/old", "unconfirmed")}


def test_extra_card_bases_are_not_merge_parents() -> None:
    # CynthiaAAAA/deepseek-chat in the bundled DeepSeek family: the card lists two, the Hub took one as finetune.
    record = {
        "id": "c/chat",
        "tags": ["base_model:deepseek-ai/DeepSeek-R1", "base_model:finetune:deepseek-ai/DeepSeek-R1"],
        "cardData": {"base_model": ["deepseek-ai/DeepSeek-R1", "deepseek-ai/DeepSeek-V3-0324"]},
    }
    assert edges(record) == {"deepseek-ai/DeepSeek-R1": ("finetune", "hub-tag")}
    assert notes(record) == {("deepseek-ai/DeepSeek-V3-0324", "deepseek-ai/DeepSeek-V3-0324", "unconfirmed")}


def test_card_base_matching_a_tag_in_other_casing_or_as_url_or_legacy_id_is_confirmed() -> None:
    record = {
        "id": "a/x",
        "tags": ["base_model:finetune:Qwen/Qwen2.5-0.5B", "base_model:adapter:openai-community/gpt2"],
        "cardData": {"base_model": ["qwen/qwen2.5-0.5b", "https://huggingface.co/openai-community/gpt2/tree/main"]},
    }
    assert edges(record) == {
        "Qwen/Qwen2.5-0.5B": ("finetune", "hub-tag"),
        "openai-community/gpt2": ("adapter", "hub-tag"),
    }
    assert model_record_from_hub(record).notes == ()
    legacy = {"id": "a/x", "tags": ["base_model:finetune:openai-community/gpt2"], "cardData": {"base_model": "GPT2"}}
    assert edges(legacy) == {"openai-community/gpt2": ("finetune", "hub-tag")}
    assert notes(legacy) == {("GPT2", "openai-community/gpt2", "legacy")}


def test_a_real_merge_keeps_every_tagged_parent() -> None:
    record = {
        "id": "m/merged",
        "tags": ["merge", "mergekit", "base_model:merge:a/one", "base_model:merge:b/two"],
        "cardData": {"base_model": ["a/one", "b/two"]},
    }
    assert edges(record) == {"a/one": ("merge", "hub-tag"), "b/two": ("merge", "hub-tag")}


def test_plain_tags_without_relation_tags_are_the_lineage_and_card_extras_are_notes() -> None:
    record = {"id": "a/x", "tags": ["base_model:o/base"], "cardData": {"base_model": ["o/base", "o/other"]}}
    assert edges(record) == {"o/base": ("finetune", "inferred:default")}
    assert notes(record) == {("o/other", "o/other", "unconfirmed")}


def test_record_without_tags_takes_the_card() -> None:
    assert edges({"id": "a/x", "cardData": {"base_model": ["o/one", "o/two"], "base_model_relation": "merge"}}) == {
        "o/one": ("merge", "card-relation"),
        "o/two": ("merge", "card-relation"),
    }


def test_a_record_naming_itself_is_not_its_own_base() -> None:
    record = {"id": "Org/Model", "cardData": {"base_model": ["org/model", "o/base"]}}
    assert edges(record) == {"o/base": ("finetune", "inferred:default")}
    assert notes(record) == {("org/model", "org/model", "self-reference")}


# ── A: local paths, in the card and echoed in tags ──


@pytest.mark.parametrize("path", ["/data/m/Qwen2.5-0.5B-Instruct", "D:\\Model\\bloom-560m", "./output", "~/ckpt/llama"])
def test_local_paths_in_card_or_tags_are_no_edge(path: str) -> None:
    for record in (
        {"id": "a/x", "cardData": {"base_model": path}},
        {"id": "a/x", "tags": [f"base_model:{path}"], "cardData": {"base_model": path}},
        {"id": "a/x", "tags": [f"base_model:finetune:{path}"]},
    ):
        converted = model_record_from_hub(record)
        assert converted.derived_from == ()
        assert {n.kind for n in converted.notes} == {"local-path"} and all(n.resolved is None for n in converted.notes)


def test_relation_tags_naming_only_local_paths_still_make_the_card_unconfirmed() -> None:
    # The Hub's tree holds what it resolved, even a path it echoed: the card's other base is not lineage.
    for tag in ("base_model:adapter:/data/x", "base_model:adapter:C:\\models\\x"):
        record = {"id": "tg/6", "tags": [tag], "cardData": {"base_model": "x/y"}}
        assert edges(record) == {}
        assert ("x/y", "x/y", "unconfirmed") in notes(record)


def test_a_base_tagged_twice_is_noted_once() -> None:
    converted = model_record_from_hub({"id": "one/rec", "tags": ["base_model:gpt2", "base_model:finetune:gpt2"]})
    assert [(n.value, n.resolved, n.kind) for n in converted.notes] == [("gpt2", "openai-community/gpt2", "legacy")]
    paths = model_record_from_hub({"id": "one/p", "tags": ["base_model:/x/y/z", "base_model:finetune:/x/y/z"]})
    assert [(n.value, n.kind) for n in paths.notes] == [("/x/y/z", "local-path")]


def test_dataset_spelling_is_the_tags_and_counts_are_never_negative() -> None:
    converted = model_record_from_hub(
        {
            "id": "a/x",
            "tags": ["dataset:HuggingFaceFW/fineweb"],
            "cardData": {"datasets": ["huggingfacefw/FINEWEB"]},
            "downloads": -5,
            "likes": -1,
        }
    )
    assert [(t.dataset, t.source) for t in converted.trained_on] == [("HuggingFaceFW/fineweb", "card")]
    assert (converted.model.downloads, converted.model.likes) == (None, None)


# ── E: relation from the repository's own signals ──

LLAMA3 = "meta-llama/Meta-Llama-3-8B-Instruct"


@pytest.mark.parametrize(
    ("extra", "relation", "source"),
    [
        ({"library_name": "gguf", "tags": ["gguf"]}, "quantized", "inferred:gguf"),
        ({"siblings": [{"rfilename": "model-Q4_K_M.gguf"}]}, "quantized", "inferred:gguf"),
        ({"gguf": {"total": 8030261248, "architecture": "llama"}}, "quantized", "inferred:gguf"),
        ({"tags": ["gptq", "4-bit"]}, "quantized", "inferred:gptq"),
        ({"tags": ["awq"]}, "quantized", "inferred:awq"),
        ({"tags": ["exl2"]}, "quantized", "inferred:exl2"),
        ({"tags": ["bitsandbytes", "8-bit"]}, "quantized", "inferred:bitsandbytes"),
        (
            {"config": {"quantization_config": {"quant_method": "gptq", "bits": 4}}},
            "quantized",
            "inferred:quantization_config",
        ),
        ({"cardData": {"quantized_by": "bartowski"}}, "quantized", "inferred:quantized_by"),
        (
            {"tags": ["mlx"], "config": {"quantization": {"group_size": 64, "bits": 4}}},
            "quantized",
            "inferred:mlx-quantized",
        ),
        ({"library_name": "peft"}, "adapter", "inferred:peft"),
        ({"tags": ["peft", "lora"]}, "adapter", "inferred:peft"),
        (
            {"siblings": [{"rfilename": "adapter_config.json"}, {"rfilename": "adapter_model.safetensors"}]},
            "adapter",
            "inferred:adapter-files",
        ),
        ({"siblings": [{"rfilename": "adapter_model.gguf"}]}, "adapter", "inferred:adapter-files"),  # a LoRA as GGUF
        # a QLoRA adapter carries bitsandbytes tags too: its adapter files decide
        (
            {"tags": ["4-bit", "bitsandbytes"], "siblings": [{"rfilename": "adapter_config.json"}]},
            "adapter",
            "inferred:adapter-files",
        ),
        # a native FP8 checkpoint (DeepSeek-V3/R1 style) is not a quantization of its base
        ({"config": {"quantization_config": {"quant_method": "fp8"}}}, "finetune", "inferred:default"),
        ({"library_name": "transformers", "tags": ["text-generation"]}, "finetune", "inferred:default"),
        # mergekit with a single base is not a merge
        ({"tags": ["mergekit", "merge"]}, "finetune", "inferred:default"),
    ],
)
def test_relation_from_repository_signals(extra: dict, relation: str, source: str) -> None:
    record = {"id": "q/Llama-3-8B-x", "tags": [f"base_model:{LLAMA3}"], "cardData": {"base_model": LLAMA3}}
    record["tags"] = record["tags"] + extra.get("tags", [])
    record["cardData"] = {**record["cardData"], **extra.get("cardData", {})}
    record.update({k: v for k, v in extra.items() if k not in ("tags", "cardData")})
    assert edges(record) == {LLAMA3: (relation, source)}


def test_merge_needs_a_merge_signal_and_two_bases() -> None:
    two = {"id": "m/x", "cardData": {"base_model": ["a/one", "b/two"]}}
    assert set(edges(two).values()) == {("finetune", "inferred:default")}
    for signal in (
        {"tags": ["merge"]},
        {"tags": ["mergekit"]},
        {"library_name": "mergekit"},
        {"siblings": [{"rfilename": "mergekit_config.yml"}]},
    ):
        assert set(edges({**two, **signal}).values()) == {("merge", "inferred:mergekit")}


def test_card_relation_beats_signals_and_tag_beats_card() -> None:
    card = {"id": "a/x", "tags": ["gguf"], "cardData": {"base_model": "o/b", "base_model_relation": "finetune"}}
    assert edges(card) == {"o/b": ("finetune", "card-relation")}
    tag = {**card, "tags": ["gguf", "base_model:adapter:o/b"]}
    assert edges(tag) == {"o/b": ("adapter", "hub-tag")}


# ── the bundled real families: wherever a record has relation tags, its edges are exactly those tags ──


def test_bundled_records_with_relation_tags_have_exactly_those_edges() -> None:
    records = [json.loads(line) for path in hf_family_files() for line in path.read_text().splitlines() if line.strip()]
    checked = 0
    for record in records:
        tagged = {
            (id_key(t.split(":", 2)[2]), t.split(":", 2)[1])
            for t in record.get("tags") or []
            if t.startswith("base_model:") and t.count(":") >= 2 and t.split(":", 2)[1] in RELATIONS
        }
        if not tagged:
            continue
        checked += 1
        got = {(id_key(e.base), e.relation) for e in model_record_from_hub(record).derived_from}
        assert got == tagged, record["id"]
    assert checked == sum(1 for r in records if any(t.startswith("base_model:finetune:") for t in r.get("tags") or []))
    merges = [e for r in records for e in model_record_from_hub(r).derived_from if e.relation == "merge"]
    assert merges == []  # the Hub tags every model of these families a finetune: no merge edge exists


def test_an_unconfirmed_card_base_is_noted_as_written() -> None:
    record = {
        "id": "a/x",
        "tags": ["base_model:finetune:o/b"],
        "cardData": {"base_model": ["o/b", "gpt2", "https://huggingface.co/x/y/tree/main"]},
    }
    assert notes(record) == {
        ("gpt2", "openai-community/gpt2", "legacy"),
        ("gpt2", "openai-community/gpt2", "unconfirmed"),
        ("https://huggingface.co/x/y/tree/main", "x/y", "unconfirmed"),
    }
