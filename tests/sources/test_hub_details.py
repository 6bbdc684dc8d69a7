"""A Hub record's files, config, card fields and scan status (``ModelDetails``) and its card's reported results
(``EvalResult``): rules on examples, invariants on any JSON (Hypothesis), and the real families checked against
counts computed here from the raw records, by the crawler (real ``huggingface_hub`` against the fake Hub) and by
snapshot ingest."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from graphsc.errors import BadInputError
from graphsc.ingest import ingest_snapshot
from graphsc.ingest.hub import CrawlPlan, crawl_hub
from graphsc.records import CARD_FIELDS, SCAN_STATUSES, ModelDetails
from graphsc.sources.hf_hub import HubClient
from graphsc.sources.hub_details import eval_results_from_card, is_pickle_file, model_details_from_hub, weight_format
from graphsc.sources.hub_records import model_record_from_hub
from graphsc.sources.retry import RetryPolicy
from graphsc.store.sqlite import SQLiteStore
from tests.fake_hub import FakeHub
from tests.sources.test_hub_records_fuzz import SETTINGS, hub_records

FORMATS = {
    "safetensors",
    "gguf",
    "pickle",
    "onnx",
    "tensorflow",
    "keras",
    "flax",
    "tflite",
    "coreml",
    "ggml",
    "openvino",
}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("model-00001-of-000163.safetensors", "safetensors"),
        ("sub/dir/Model.SAFETENSORS", "safetensors"),
        ("DeepSeek-R1.Q5_K_M.gguf.part01of10", "gguf"),
        ("m-00001-of-00003.gguf", "gguf"),
        ("pytorch_model.bin", "pickle"),
        ("pytorch_model-00001-of-00002.bin", "pickle"),
        ("consolidated.00.pth", "pickle"),
        ("model.pt", "pickle"),
        ("last.ckpt", "pickle"),
        ("clf.pkl", "pickle"),
        ("clf.joblib", "pickle"),
        ("ggml-model-q4_0.bin", "ggml"),
        ("openvino_model.bin", "openvino"),
        ("model.onnx", "onnx"),
        ("tf_model.h5", "tensorflow"),
        ("flax_model.msgpack", "flax"),
        ("training_args.bin", None),
        ("optimizer.pt", None),
        ("rng_state_3.pth", None),
        ("checkpoint-10/optimizer.bin", None),
        ("checkpoint-10/scheduler.bin", None),
        ("checkpoint-10/random_states_0.pkl", None),
        ("global_step10/bf16_zero_pp_rank_0_mp_rank_00_optim_states.pt", None),
        ("global_step10/mp_rank_00_model_states.pt", "pickle"),
        ("model.safetensors.index.json", None),
        ("config.json", None),
        ("README.md", None),
    ],
)
def test_weight_format_of_a_file_name(name: str, expected: str | None) -> None:
    assert weight_format(name) == expected


def test_trainer_state_is_a_pickle_but_not_weights() -> None:
    assert is_pickle_file("training_args.bin") and weight_format("training_args.bin") is None
    accelerate = ["README.md", "checkpoint-10/optimizer.bin", "checkpoint-10/scheduler.bin"]
    state = details({"id": "o/m", "siblings": [{"rfilename": n} for n in [*accelerate, "c/random_states_0.pkl"]]})
    assert not state.pickle_only and state.weight_formats == () and state.pickle_files == 3
    assert not is_pickle_file("ggml-model.bin")


def details(record: dict[str, Any]) -> ModelDetails:
    card = record.get("cardData") or {}
    return model_details_from_hub(record["id"], record, card, record.get("tags") or [])


def test_pickle_only_means_no_safetensors_or_gguf_alternative() -> None:
    files = [{"rfilename": "pytorch_model.bin"}, {"rfilename": "training_args.bin"}, {"rfilename": "README.md"}]
    only = details({"id": "o/m", "siblings": files})
    assert only.pickle_only and only.weight_formats == ("pickle",) and only.pickle_files == 2 and only.files == 3
    both = details({"id": "o/m", "siblings": [*files, {"rfilename": "model.safetensors"}]})
    assert not both.pickle_only and both.weight_formats == ("pickle", "safetensors")
    state_only = details({"id": "o/m", "siblings": [{"rfilename": "adapter_model.safetensors"}, files[1]]})
    assert not state_only.pickle_only and state_only.pickle_files == 1


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ({"scansDone": True, "filesWithIssues": []}, "safe"),
        ({"scansDone": False, "filesWithIssues": []}, "pending"),
        ({"scansDone": True, "filesWithIssues": [{"path": "a.bin", "level": "unsafe"}]}, "unsafe"),
        ({"scansDone": True, "filesWithIssues": [{"path": "a.bin", "level": "caution"}]}, "caution"),
        ({"scansDone": True, "filesWithIssues": [{"path": "a.bin"}, {"path": "b.pt", "level": "UNSAFE"}]}, "unsafe"),
        ({"filesWithIssues": "nope"}, None),
        ("scanned", None),
        (None, None),
    ],
)
def test_security_scan_status(status: Any, expected: str | None) -> None:
    assert details({"id": "o/m", "securityRepoStatus": status}).scan_status == expected


def test_config_card_and_parameters() -> None:
    record = {
        "id": "o/m",
        "tags": ["custom_code"],
        "config": {
            "architectures": ["A", "A", 3, " B "],
            "model_type": "llama",
            "quantization_config": {"quant_method": "GPTQ"},
        },
        "safetensors": {"parameters": {"BF16": 10, "F32": 2}, "total": 12},
        "cardData": {"license": "mit", "datasets": [], "language": "en", "model-index": [{"results": []}]},
        "disabled": True,
    }
    got = details(record)
    assert got.architectures == ("A", "B") and got.model_type == "llama" and got.quant_method == "gptq"
    assert got.parameters == 12 and got.dtypes == ("BF16", "F32")
    assert got.custom_code and got.disabled
    assert got.card_fields == ("license", "language", "model-index")  # an empty datasets list is not set
    assert details({"id": "o/m", "gguf": {"total": 7}}).parameters == 7
    assert details({"id": "o/m", "config": {"auto_map": {"AutoModel": "m.M"}}}).custom_code
    assert not details({"id": "o/m", "config": {"auto_map": {}}}).custom_code


def test_eval_results_one_per_metric_with_values_as_numbers_or_text() -> None:
    card = {
        "model-index": [
            {
                "name": "x",
                "results": [
                    {
                        "task": {"type": "text-generation"},
                        "dataset": {"type": "HuggingFaceH4/ifeval", "name": "IFEval"},
                        "metrics": [
                            {"type": "acc", "value": 62.44, "verified": False},
                            {"type": "f1", "value": "0.5"},
                            {"type": "em", "value": "95%"},
                            {"type": "nan", "value": float("nan")},
                        ],
                        "source": {"name": "Open LLM Leaderboard", "url": "https://x"},
                    },
                    {"dataset": {"name": "only a name"}, "metrics": [{"name": "Accuracy", "value": True}]},
                    "not a result",
                ],
            },
            7,
        ]
    }
    got = eval_results_from_card("o/m", card)
    assert [(r.position, r.metric, r.value, r.value_text) for r in got] == [
        (0, "acc", 62.44, None),
        (1, "f1", 0.5, None),
        (2, "em", None, "95%"),
        (3, "nan", None, "nan"),
        (4, "Accuracy", None, "true"),  # as JSON writes it
    ]
    assert got[0].dataset == "HuggingFaceH4/ifeval" and got[0].dataset_name == "IFEval" and got[0].verified is False
    assert got[0].source_name == "Open LLM Leaderboard" and got[4].source_name is None and got[4].source_url is None
    assert got[4].dataset == "only a name" and got[4].task is None


@SETTINGS
@given(hub_records())
def test_any_record_gives_details_within_their_rules(record: dict[str, Any]) -> None:
    try:
        converted = model_record_from_hub(record)
    except BadInputError:  # only a record without a usable id is refused (test_hub_records_fuzz checks which)
        return
    got = converted.details
    assert got is not None and got.model == converted.model.id
    assert set(got.weight_formats) <= FORMATS and list(got.weight_formats) == sorted(set(got.weight_formats))
    assert got.files is None or got.pickle_files <= got.files
    assert got.parameters is None or 0 <= got.parameters < 2**63
    assert got.scan_status is None or got.scan_status in SCAN_STATUSES
    assert [f for f in CARD_FIELDS if f in got.card_fields] == list(got.card_fields)
    assert isinstance(got.custom_code, bool) and isinstance(got.disabled, bool)
    for position, result in enumerate(converted.eval_results):
        assert result.position == position and result.model == converted.model.id
        assert result.value is None or math.isfinite(result.value)


# --- the real families ---------------------------------------------------------------------------------------------

PICKLE = re.compile(r"\.(bin|pt|pth|ckpt|pkl)$")
TRAINER_STATE = {"training_args.bin", "optimizer.pt", "scheduler.pt", "scaler.pt"}


def expected_pickle_only(record: dict[str, Any]) -> bool:
    """Written here from the file names, independently of graphsc's reader."""
    names = [s["rfilename"].rsplit("/", 1)[-1].lower() for s in record.get("siblings") or []]
    pickles = [n for n in names if PICKLE.search(n) and n not in TRAINER_STATE and not n.startswith("rng_state")]
    safe = [n for n in names if n.endswith(".safetensors") or ".gguf" in n]
    return bool(pickles) and not safe


def expected_custom_code(record: dict[str, Any]) -> bool:
    return bool((record.get("config") or {}).get("auto_map")) or "custom_code" in (record.get("tags") or [])


def expected_metrics(record: dict[str, Any]) -> int:
    index = (record.get("cardData") or {}).get("model-index") or []
    return sum(len(result.get("metrics") or []) for entry in index for result in entry.get("results") or [])


def test_the_real_families_details_match_their_records(family_records: list[dict[str, Any]]) -> None:
    converted = {r["id"]: model_record_from_hub(r) for r in family_records}
    pickle_only = {i for i, c in converted.items() if c.details and c.details.pickle_only}
    assert pickle_only == {r["id"] for r in family_records if expected_pickle_only(r)}
    assert len(pickle_only) == 5
    custom = {i for i, c in converted.items() if c.details and c.details.custom_code}
    assert custom == {r["id"] for r in family_records if expected_custom_code(r)}
    assert {i: len(c.eval_results) for i, c in converted.items() if c.eval_results} == {
        r["id"]: n for r in family_records if (n := expected_metrics(r))
    }
    total = {
        r["id"]: (r.get("safetensors") or {}).get("total") or (r.get("gguf") or {}).get("total") for r in family_records
    }
    assert {i: c.details.parameters for i, c in converted.items() if c.details} == total


def test_snapshot_ingest_stores_every_fetched_model_s_details(
    families_store: SQLiteStore, family_records: list[dict[str, Any]]
) -> None:
    ids = [r["id"] for r in family_records]
    stored = families_store.details_of(ids)
    assert set(stored) == set(ids)
    assert sum(len(page) for page in families_store.iter_eval_results()) == sum(map(expected_metrics, family_records))
    assert {i for i, d in stored.items() if d.pickle_only} == {
        r["id"] for r in family_records if expected_pickle_only(r)
    }


def test_ingesting_twice_keeps_one_copy(tmp_path: Path, family_files: list[Path]) -> None:
    with SQLiteStore(tmp_path / "g.db") as store:
        ingest_snapshot(store, [str(p) for p in family_files])
        first = list(store.iter_eval_results())
        ingest_snapshot(store, [str(p) for p in family_files])
        assert list(store.iter_eval_results()) == first


def test_the_crawler_keeps_details_and_asks_the_hub_for_its_security_scan(
    tmp_path: Path, family_records: list[dict[str, Any]]
) -> None:
    root = "mistralai/Mistral-Small-24B-Base-2501"
    unsafe = {"scansDone": True, "filesWithIssues": [{"path": "pytorch_model.bin", "level": "unsafe"}]}
    with FakeHub(family_records, security={root: unsafe}) as hub, SQLiteStore(tmp_path / "g.db") as store:
        client = HubClient(endpoint=hub.url, timeout=2, policy=RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02))
        crawl_hub(store, client, CrawlPlan(models=(root,), max_depth=0))
        asked = [r for r in hub.requests if r.startswith("/api/models/mistralai")]
        got = store.details_of([root])[root]
    assert asked and all("securityStatus=true" in r for r in asked)
    record = next(r for r in family_records if r["id"] == root)
    assert got.scan_status == "unsafe"
    assert got.files == len(record["siblings"])
    assert got.weight_formats == ("safetensors",)
    assert got.parameters == record["safetensors"]["total"]


def test_crawled_children_keep_the_config_and_safetensors_a_listing_expands(
    tmp_path: Path, family_records: list[dict[str, Any]]
) -> None:
    root = "deepseek-ai/DeepSeek-R1"
    with FakeHub(family_records) as hub, SQLiteStore(tmp_path / "g.db") as store:
        client = HubClient(endpoint=hub.url, timeout=2, policy=RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02))
        crawl_hub(store, client, CrawlPlan(models=(root,), up=False, max_depth=1))
        listings = [r for r in hub.requests if r.startswith("/api/models?")]
        children = {e.child for e in store.lineage_edges(root, "down")}
        got = store.details_of(children)
    assert listings and all("expand=config" in r and "expand=safetensors" in r for r in listings)
    records = {r["id"]: r for r in family_records}
    assert children and set(got) == children  # every child came from a listing, not its own record
    assert {c for c in children if got[c].custom_code} == {c for c in children if expected_custom_code(records[c])}
    assert {c for c in children if got[c].custom_code}  # some do: e.g. perplexity-ai/r1-1776 maps Auto classes
    assert {c: got[c].parameters for c in children} == {
        c: (records[c].get("safetensors") or {}).get("total") or (records[c].get("gguf") or {}).get("total")
        for c in children
    }
