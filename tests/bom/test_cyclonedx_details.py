"""What a model's record says beyond its license and edges, in its CycloneDX ML-BOM component: the card's reported
evaluation results (``modelCard.quantitativeAnalysis.performanceMetrics``), the config's architecture, weight formats
and model-file risk flags (``graphsc:`` properties). Expected values come from the raw records written here or read
from the bundled files; every document is validated against the official CycloneDX schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graphsc import samples
from graphsc.bom.pedigree import model_pedigree
from graphsc.records import QUANTIZED, DerivedFrom, GraphBatch
from graphsc.render.bom_cyclonedx import cyclonedx_model_bom
from graphsc.store.sqlite import SQLiteStore
from tests.bom.test_cyclonedx import NS, _ancestor_components, _props, _snapshot_store, _valid

REASONING = "yentinglin/Mistral-Small-24B-Instruct-2501-reasoning"


def _record(model_id: str) -> dict[str, Any]:
    for path in samples.hf_family_files():
        for line in path.read_text().splitlines():
            record = json.loads(line)
            if record["id"] == model_id:
                return record
    raise AssertionError(model_id)


def test_reported_results_architecture_and_formats_of_a_real_model(families_store: SQLiteStore) -> None:
    record = _record(REASONING)
    expected_metrics = [
        {
            "type": metric["type"],
            "value": str(float(metric["value"])),
            "slice": f"{result['dataset']['name']} ({result['task']['type']})",
        }
        for entry in record["cardData"]["model-index"]
        for result in entry["results"]
        for metric in result["metrics"]
    ]
    doc = _valid(cyclonedx_model_bom(model_pedigree(families_store, REASONING)))
    subject = doc["metadata"]["component"]
    card = subject["modelCard"]
    assert card["quantitativeAnalysis"]["performanceMetrics"] == expected_metrics and len(expected_metrics) == 4
    parameters = card["modelParameters"]
    assert parameters["architectureFamily"] == record["config"]["model_type"]
    assert parameters["modelArchitecture"] == record["config"]["architectures"][0]
    names = [s["rfilename"] for s in record["siblings"]]
    assert any(n.endswith(".safetensors") for n in names) and not any(n.endswith((".bin", ".pt")) for n in names)
    assert _props(subject)[f"{NS}weight-formats"] == ["safetensors"]
    assert not [name for name in _props(subject) if name.startswith(f"{NS}risk:")]


def test_risk_flags_of_the_model_and_its_ancestors(tmp_path: Path) -> None:
    store = _snapshot_store(
        tmp_path,
        [
            {
                "id": "me/lora",
                "cardData": {"license": "mit", "base_model": "lab/pickled"},
                "tags": ["base_model:adapter:lab/pickled"],
                "siblings": [{"rfilename": "adapter_model.safetensors"}, {"rfilename": "adapter_config.json"}],
            },
            {
                "id": "lab/pickled",
                "cardData": {"license": "mit", "base_model": "lab/stub"},
                "tags": ["base_model:finetune:lab/stub", "custom_code"],
                "siblings": [{"rfilename": "pytorch_model.bin"}, {"rfilename": "training_args.bin"}],
                "config": {"auto_map": {"AutoModel": "modeling.M"}},
            },
        ],
    )
    store.write(GraphBatch(derived_from=[DerivedFrom("lab/stub", "lab/root-stub", QUANTIZED, "test")]))
    doc = _valid(cyclonedx_model_bom(model_pedigree(store, "me/lora")))
    subject = doc["metadata"]["component"]
    ancestors = _ancestor_components(subject)

    def risks(component: dict[str, Any]) -> dict[str, list[str]]:
        return {k.removeprefix(f"{NS}risk:"): v for k, v in _props(component).items() if k.startswith(f"{NS}risk:")}

    assert risks(subject) == {}  # its own files are safetensors; what it loads is in its ancestors' components
    assert _props(subject)[f"{NS}weight-formats"] == ["safetensors"]
    pickled = ancestors["lab/pickled"]
    assert risks(pickled) == {"pickle-only": ["warning"], "custom-code": ["warning"]}
    assert _props(pickled)[f"{NS}weight-formats"] == ["pickle"] and _props(pickled)[f"{NS}pickle-files"] == ["2"]
    assert risks(ancestors["lab/stub"]) == {"unverified-base": ["note"]}
    assert risks(ancestors["lab/root-stub"]) == {"unverified-base": ["note"]}
    assert "modelCard" not in pickled or "quantitativeAnalysis" not in pickled["modelCard"]
