"""Paths to the real sample data bundled with the package (see graphsc/data/samples/README.md)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

_SAMPLES = files("graphsc") / "data" / "samples"


def hf_family_files() -> list[Path]:
    """The bundled Hub model-family JSONL files (DeepSeek-R1, Mistral-Small-24B)."""
    return sorted(Path(str(p)) for p in (_SAMPLES / "hf").iterdir() if p.name.endswith(".jsonl"))


def hf_dataset_files() -> list[Path]:
    """The bundled Hub dataset-record JSONL files (300 real records from the LiAgent study's artifact)."""
    return sorted(Path(str(p)) for p in (_SAMPLES / "hf-datasets").iterdir() if p.name.endswith(".jsonl"))


def peatmoss_mapping_file() -> Path:
    """PeaTMOSS's GitHub repo → HF model usage mapping (gzipped CSV, no header)."""
    return Path(str(_SAMPLES / "peatmoss" / "gh_to_hf_mapping.csv.gz"))


def peatmoss_licenses_file() -> Path:
    """PeaTMOSS's repository licenses (gzipped JSON of ScanCode keys)."""
    return Path(str(_SAMPLES / "peatmoss" / "gh_licenses.json.gz"))
