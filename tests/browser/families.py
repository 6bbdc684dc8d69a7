"""Hub-shaped families for graphsc view's tests: one with every relation, stubs, a merge and license findings,
and wide trees (a root, its children, their children) of any size."""

from __future__ import annotations

ROOT = "acme/base"
NC = "acme/nc"
RELICENSED = "acme/nc-relicensed"
FT_COUNT = 30  # small finetunes of the root: with the adapter, distillation and NC model, more than 25 children


def _derived(model_id: str, license_id: str, base: str, relation: str, downloads: int) -> dict:
    record: dict = {"id": model_id, "downloads": downloads, "cardData": {"license": license_id, "base_model": base}}
    if relation == "distillation":
        record["cardData"]["base_model_relation"] = "distillation"
    else:
        record["tags"] = [f"base_model:{relation}:{base}"]
    return record


def mixed_family_records() -> list[dict]:
    """``acme/base`` (Apache-2.0) with a non-commercial finetune relicensed as Apache-2.0 below it (a finding),
    an adapter, a quantization, a distillation, a merge with a parent outside the family that was never fetched
    (a stub), and ``FT_COUNT`` little-downloaded finetunes, one of which has a derivative of its own."""
    records = [
        {"id": ROOT, "downloads": 100_000, "cardData": {"license": "apache-2.0"}},
        _derived(NC, "cc-by-nc-4.0", ROOT, "finetune", 9_000),
        _derived(RELICENSED, "apache-2.0", NC, "finetune", 8_000),
        _derived("acme/nc-gguf", "cc-by-nc-4.0", NC, "quantized", 7_000),
        _derived("acme/lora", "apache-2.0", ROOT, "adapter", 6_000),
        _derived("acme/distilled", "mit", ROOT, "distillation", 5_000),
        {
            "id": "acme/merged",
            "downloads": 4_000,
            "cardData": {"license": "apache-2.0", "base_model": [RELICENSED, "other/outside"]},
            "tags": [f"base_model:merge:{RELICENSED}", "base_model:merge:other/outside"],
        },
    ]
    records += [_derived(f"acme/ft{i}", "mit", ROOT, "finetune", i) for i in range(FT_COUNT)]
    records.append(_derived("acme/ft0-sub", "mit", "acme/ft0", "finetune", 0))
    return records


def wide_family_records(children: int, grandchildren: int, prefix: str = "wide") -> list[dict]:
    """``<prefix>/root`` with ``children`` finetunes, each with ``grandchildren`` finetunes (MIT; downloads fall
    with the index, so the first children are the most downloaded): 1 + c + c·g models."""
    root = f"{prefix}/root"
    records = [{"id": root, "downloads": 10**9, "cardData": {"license": "mit"}}]
    for i in range(children):
        child = f"{prefix}/c{i}"
        records.append(_derived(child, "mit", root, "finetune", 10**6 - i))
        records += [_derived(f"{child}-g{j}", "mit", child, "finetune", 1000 - j) for j in range(grandchildren)]
    return records
