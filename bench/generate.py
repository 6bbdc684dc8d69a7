"""Generate synthetic, Hub-shaped model records for scale tests and benchmarks.

The records look like the Hub API's ``GET /api/models/{id}`` JSON (the shape of
``/work/shared/data/hf/*.jsonl``): ``_id, author, cardData, createdAt, disabled, downloads, gated, id,
lastModified, library_name, likes, modelId, pipeline_tag, private, safetensors, sha, spaces, tags,
usedStorage`` with ``base_model:<id>``, ``base_model:<relation>:<id>``, ``license:<id>`` and
``dataset:<id>`` tags.  Every distribution is documented in ``bench/README.md`` together with where its
shape comes from and which numbers are assumptions.

Usage::

    python bench/generate.py --models 2000000 --seed 1 --out models.jsonl \
        [--format jsonl|jsonl.gz|parquet] [--repos-out gh_to_hf_mapping.csv] [--stats]

How it works, in two phases so memory stays bounded (a few small numpy arrays per model, never a
dict per model):

1. ``build_structure`` decides, vectorised in numpy, everything that links models to each other:
   family membership, primary parent, merge parents, relation, author, license, creation time and
   popularity.  Families are laid out as contiguous blocks (root first), so a parent always has a
   smaller *layout index* than its child; ids are a pure function of the layout index.
2. ``render_chunk`` walks a random permutation of the layout (real dumps are unordered) in chunks of
   ``CHUNK`` records and renders each chunk to dicts with a per-chunk RNG, so the output only depends
   on ``(n, seed)``, not on how many ``--workers`` render chunks.  Writers stream those chunks to JSONL, gzip'd JSONL or Parquet.
"""

from __future__ import annotations

import argparse
import csv
import gc
import gzip
import json
import multiprocessing as mp
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")

CHUNK = 100_000
"""Records rendered per chunk; also the Parquet row-group size."""

RELATIONS: tuple[str, ...] = ("adapter", "finetune", "quantized", "merge")
ADAPTER, FINETUNE, QUANTIZED, MERGE = range(4)
ROOT = -1

# --------------------------------------------------------------------------------------------------
# Distribution parameters (see bench/README.md for sources; "assumption" marks guessed numbers)
# --------------------------------------------------------------------------------------------------

DERIVED_FRACTION = 0.265
"""Share of models with a base model (DESIGN.md: ~570k edges at ~2M models)."""

RELATION_WEIGHTS = np.array([0.36, 0.36, 0.24, 0.04])
"""Relation of a derived model: adapter, finetune, quantized, merge (assumption, see README)."""

MERGE_PARENT_COUNTS = np.array([2, 3, 4, 5])
MERGE_PARENT_WEIGHTS = np.array([0.60, 0.25, 0.10, 0.05])

QUANTIZED_PARENT_PROB = 0.01
"""Chance that a quantized model is itself used as a base (DESIGN.md: 99% of quantized are leaves)."""

ROOT_ATTACH_PROB = 0.50
"""Chance a derived model hangs directly off its family root (assumption)."""

ATTACH_EXPONENT = 1.6
"""Otherwise parent = eligible[floor(k * u**ATTACH_EXPONENT)]: > 1 prefers older, shallower models."""

TAIL_ZIPF_A = 2.0
"""Exponent of the Zipf law for the sizes (descendant counts) of the long tail of families."""

DANGLING_FRACTION = 0.005
"""Derived models whose (primary) base is not in the dump (deleted/private/renamed upstream)."""

CARD_ONLY_FRACTION = 0.005
"""Records that carry only ``id`` and ``cardData`` (the source had no API metadata)."""

SELF_REF_PER_MODEL = 1 / 200_000
TWO_CYCLE_PER_MODEL = 1 / 400_000

AUTHORS_PER_MODEL = 1 / 8
AUTHOR_SKEW = 2.5
"""Author rank = floor(n_authors * u**AUTHOR_SKEW): the top account uploads ~0.7% of all models."""
DATASETS_PER_MODEL = 1 / 20
SPACES_PER_MODEL = 1 / 10
REPOS_PER_MODEL = 1 / 50

START = np.datetime64("2020-01-01T00:00:00", "s").astype(np.int64)
END = np.datetime64("2025-06-01T00:00:00", "s").astype(np.int64)


@dataclass(frozen=True)
class MegaFamily:
    """A hand-specified big family, imitating a real one (ids carry ``-synth`` so they never clash)."""

    author: str
    name: str
    license: str
    gated: bool | str
    pipeline_tag: str
    library_name: str
    fraction: float  # descendants as a fraction of all models
    created: str


MEGA_FAMILIES: tuple[MegaFamily, ...] = (
    MegaFamily(
        "Qwen-synth", "Qwen2.5-7B-Instruct", "apache-2.0", False, "text-generation", "transformers", 0.075, "2024-09-16"
    ),
    MegaFamily(
        "meta-llama-synth",
        "Llama-3.1-8B-Instruct",
        "llama3.1",
        "manual",
        "text-generation",
        "transformers",
        0.025,
        "2024-07-18",
    ),
    MegaFamily(
        "mistralai-synth",
        "Mistral-7B-v0.1",
        "apache-2.0",
        "auto",
        "text-generation",
        "transformers",
        0.020,
        "2023-09-20",
    ),
    MegaFamily(
        "meta-llama-synth", "Llama-2-7b-hf", "llama2", "manual", "text-generation", "transformers", 0.015, "2023-07-13"
    ),
    MegaFamily(
        "google-synth", "gemma-2-9b-it", "gemma", "manual", "text-generation", "transformers", 0.012, "2024-06-24"
    ),
    MegaFamily(
        "stabilityai-synth",
        "stable-diffusion-xl-base-1.0",
        "openrail++",
        False,
        "text-to-image",
        "diffusers",
        0.010,
        "2023-07-25",
    ),
    MegaFamily(
        "runwayml-synth",
        "stable-diffusion-v1-5",
        "creativeml-openrail-m",
        False,
        "text-to-image",
        "diffusers",
        0.008,
        "2022-10-19",
    ),
    MegaFamily(
        "meta-llama-synth",
        "Llama-3.2-1B-Instruct",
        "llama3.2",
        "manual",
        "text-generation",
        "transformers",
        0.006,
        "2024-09-18",
    ),
    MegaFamily(
        "google-synth", "bert-base-uncased", "apache-2.0", False, "fill-mask", "transformers", 0.005, "2022-03-02"
    ),
    MegaFamily(
        "bigscience-synth",
        "bloom-560m",
        "bigscience-bloom-rail-1.0",
        False,
        "text-generation",
        "transformers",
        0.004,
        "2022-05-19",
    ),
    MegaFamily(
        "meta-llama-synth",
        "Meta-Llama-3-8B-Instruct",
        "llama3",
        "manual",
        "text-generation",
        "transformers",
        0.004,
        "2024-04-17",
    ),
    MegaFamily("microsoft-synth", "phi-2", "mit", False, "text-generation", "transformers", 0.003, "2023-12-13"),
    MegaFamily(
        "openai-synth",
        "whisper-small",
        "apache-2.0",
        False,
        "automatic-speech-recognition",
        "transformers",
        0.003,
        "2022-09-26",
    ),
    MegaFamily(
        "CohereForAI-synth", "aya-23-8B", "cc-by-nc-4.0", "auto", "text-generation", "transformers", 0.002, "2024-05-19"
    ),
    MegaFamily(
        "meta-llama-synth",
        "Llama-3.3-70B-Instruct",
        "llama3.3",
        "manual",
        "text-generation",
        "transformers",
        0.002,
        "2024-11-26",
    ),
)

# License ids exactly as cards declare them; ``None`` means the card has no license.
LICENSES: tuple[str | None, ...] = (
    None,
    "apache-2.0",
    "mit",
    "other",
    "unknown",
    "cc-by-4.0",
    "cc-by-nc-4.0",
    "cc-by-sa-4.0",
    "cc-by-nc-sa-4.0",
    "openrail",
    "creativeml-openrail-m",
    "openrail++",
    "bigscience-openrail-m",
    "bigscience-bloom-rail-1.0",
    "bigcode-openrail-m",
    "llama2",
    "llama3",
    "llama3.1",
    "llama3.2",
    "llama3.3",
    "gemma",
    "gpl-3.0",
    "agpl-3.0",
    "bsd-3-clause",
    "afl-3.0",
    "cc0-1.0",
    "artistic-2.0",
    "lgpl-3.0",
    "wtfpl",
    "deepfloyd-if-license",
)
LICENSE_CODE = {lic: i for i, lic in enumerate(LICENSES)}

ROOT_LICENSE_WEIGHTS: dict[str | None, float] = {
    None: 0.30,
    "apache-2.0": 0.33,
    "mit": 0.14,
    "other": 0.04,
    "unknown": 0.01,
    "cc-by-4.0": 0.02,
    "cc-by-nc-4.0": 0.025,
    "cc-by-sa-4.0": 0.01,
    "cc-by-nc-sa-4.0": 0.01,
    "openrail": 0.02,
    "creativeml-openrail-m": 0.02,
    "openrail++": 0.005,
    "bigscience-openrail-m": 0.003,
    "bigscience-bloom-rail-1.0": 0.002,
    "bigcode-openrail-m": 0.002,
    "llama2": 0.005,
    "llama3": 0.004,
    "llama3.1": 0.004,
    "llama3.2": 0.002,
    "llama3.3": 0.001,
    "gemma": 0.004,
    "gpl-3.0": 0.01,
    "agpl-3.0": 0.002,
    "bsd-3-clause": 0.004,
    "afl-3.0": 0.003,
    "cc0-1.0": 0.003,
    "artistic-2.0": 0.001,
    "lgpl-3.0": 0.001,
    "wtfpl": 0.001,
    "deepfloyd-if-license": 0.001,
}
"""Declared license of a model that has no base (assumption shaped by the real files, see README)."""

DRIFT_LICENSE_WEIGHTS: dict[str | None, float] = {
    None: 0.30,
    "apache-2.0": 0.36,
    "mit": 0.16,
    "other": 0.05,
    "unknown": 0.02,
    "cc-by-4.0": 0.02,
    "cc-by-nc-4.0": 0.03,
    "cc-by-sa-4.0": 0.005,
    "cc-by-nc-sa-4.0": 0.005,
    "openrail": 0.015,
    "creativeml-openrail-m": 0.005,
    "llama3": 0.005,
    "llama3.1": 0.005,
    "gemma": 0.002,
    "gpl-3.0": 0.01,
    "agpl-3.0": 0.002,
    "bsd-3-clause": 0.002,
    "afl-3.0": 0.002,
    "cc0-1.0": 0.002,
    "wtfpl": 0.001,
}
"""License a derivative declares when it does not copy its base's (Anatomy: drift to permissive)."""

INHERIT_LICENSE_PROB = np.array([0.55, 0.55, 0.80, 0.40])
"""Per relation (adapter, finetune, quantized, merge): chance the card repeats the base's license."""

OTHER_LICENSE_DETAILS: tuple[tuple[str | None, str | None], ...] = (
    ("qwen", "https://huggingface.co/Qwen/Qwen2.5-72B-Instruct/blob/main/LICENSE"),
    ("mrl", "https://mistral.ai/licenses/MRL-0.1.md"),
    ("flux-1-dev-non-commercial-license", "LICENSE.md"),
    ("custom", "LICENSE"),
    ("research-only", "LICENSE"),
    (None, None),
)

PIPELINES_TEXT = (
    "text-generation",
    "text-classification",
    "token-classification",
    "question-answering",
    "translation",
    "summarization",
    "fill-mask",
    "feature-extraction",
    "text2text-generation",
    "sentence-similarity",
)
PIPELINES_OTHER = (
    "image-classification",
    "text-to-image",
    "automatic-speech-recognition",
    "reinforcement-learning",
    "object-detection",
    "image-to-text",
    "any-to-any",
    "text-to-speech",
)
LIBRARIES = (
    "transformers",
    "peft",
    "diffusers",
    "gguf",
    "sentence-transformers",
    "timm",
    "stable-baselines3",
    "ml-agents",
    "keras",
    "pytorch",
    "mlx",
    "vllm",
    "fastai",
    "flair",
)

QUANT_SUFFIXES = ("GGUF", "i1-GGUF", "AWQ", "GPTQ", "4bit", "8bit", "bnb-4bit", "mlx-4bit", "exl2", "Q4_K_M-GGUF")
ADAPTER_SUFFIXES = ("lora", "LoRA", "qlora", "adapter", "peft", "lora-r16")
MERGE_SUFFIXES = ("merge", "slerp", "ties", "dare-ties", "della", "model-stock")
FINETUNE_SUFFIXES = ("finetuned", "sft", "dpo", "orpo", "instruct", "chat", "v2", "uncensored", "abliterated", "grpo")
WORDS = (
    "alpha",
    "nova",
    "orca",
    "zephyr",
    "hermes",
    "atlas",
    "ember",
    "lumen",
    "sage",
    "pixel",
    "quill",
    "raven",
    "tiny",
    "mini",
    "base",
    "large",
    "small",
    "medical",
    "legal",
    "code",
    "math",
    "vision",
    "speech",
    "bert",
    "gpt",
    "t5",
    "vit",
    "resnet",
    "roberta",
    "distil",
    "neo",
    "sentiment",
    "ner",
    "qa",
    "summ",
    "translate",
    "ppo",
    "dqn",
    "unit",
    "detr",
    "yolo",
    "clip",
    "wav2vec",
    "llava",
    "mamba",
    "rwkv",
    "phi",
    "falcon",
)
SYLLABLES = (
    "ka",
    "ri",
    "to",
    "mo",
    "na",
    "shi",
    "lu",
    "ve",
    "za",
    "po",
    "de",
    "xi",
    "an",
    "el",
    "or",
    "um",
    "ba",
    "ce",
    "fi",
    "go",
    "hu",
    "jo",
    "ky",
    "le",
    "mi",
    "ne",
    "qu",
    "ra",
    "se",
    "ti",
    "vo",
    "wu",
)

# GitHub repo license keys (ScanCode keys, as in PeaTMOSS gh_licenses.json); weights rounded from the real
# file (36,884 repos): 46% unlicensed (null), then mit, apache-2.0, gpl-3.0, ...
REPO_LICENSE_WEIGHTS: dict[str | None, float] = {
    None: 0.461,
    "mit": 0.307,
    "apache-2.0": 0.134,
    "gpl-3.0": 0.040,
    "bsd-new": 0.022,
    "cc-by-nc-4.0": 0.010,
    "bsd-simplified": 0.008,
    "proprietary-license": 0.008,
    "agpl-3.0": 0.007,
    "cc-by-nc-sa-4.0": 0.007,
    "unknown-license-reference": 0.006,
    "cc-by-4.0": 0.003,
    "cc0-1.0": 0.003,
    "mit-0": 0.002,
    "gpl-2.0": 0.002,
    "mpl-2.0": 0.002,
    "unlicense": 0.001,
    "lgpl-3.0": 0.001,
    "stable-diffusion-2022-08-22": 0.001,
}
REPO_MULTI_LICENSE_PROB = 0.045
"""Among licensed repos, share with several license keys (857 of 19,895 in PeaTMOSS)."""


def _weights(table: dict[str | None, float]) -> tuple[np.ndarray, np.ndarray]:
    """(license codes, normalised probabilities) for a license weight table."""
    codes = np.array([LICENSE_CODE[k] for k in table], dtype=np.int8)
    p = np.array(list(table.values()), dtype=np.float64)
    return codes, p / p.sum()


# --------------------------------------------------------------------------------------------------
# Phase 1: structure
# --------------------------------------------------------------------------------------------------


@dataclass
class Structure:
    """Everything about the models that links one model to another, indexed by layout index."""

    n: int
    seed: int
    family: np.ndarray  # int32, family number or -1 for isolated models
    family_root: np.ndarray  # int32, layout index of each family's root
    parent: np.ndarray  # int32, primary parent layout index, -1 for none
    relation: np.ndarray  # int8, RELATIONS index or ROOT
    merge_ptr: np.ndarray  # int64 CSR pointers into merge_extra, one row per merge model in merge_rows
    merge_rows: np.ndarray  # int32 layout indices of merge models (sorted)
    merge_extra: np.ndarray  # int32 extra parents (beyond the primary)
    dangling: np.ndarray  # bool, primary parent is a ghost id not present in the dump
    author: np.ndarray  # int32 index into authors
    authors: list[str]
    license: np.ndarray  # int8 LICENSES code
    created: np.ndarray  # int64 epoch seconds
    popularity: np.ndarray  # float32, drives downloads, likes, spaces and repo usage
    card_only: np.ndarray  # bool
    perm: np.ndarray  # int32 output position -> layout index
    n_mega: int

    def model_id(self, idx: int) -> str:
        """Hub id of the model at layout index ``idx``."""
        return model_ids(self, np.array([idx]))[0]


def _author_names(n_authors: int) -> list[str]:
    """Deterministic, pronounceable, unique author names (index encoded in syllables)."""
    base = len(SYLLABLES)
    names = []
    for k in range(n_authors):
        parts = []
        v = k
        while True:
            parts.append(SYLLABLES[v % base])
            v //= base
            if v == 0:
                break
        stem = "".join(parts).capitalize() if k % 3 == 0 else "".join(parts)
        names.append(stem + ("-ai" if k % 7 == 0 else "-lab" if k % 11 == 0 else ""))
    return names


def _family_sizes(n: int, rng: np.random.Generator) -> np.ndarray:
    """Descendant counts: the mega families first, then a Zipf tail summing to the derived target."""
    derived_target = round(DERIVED_FRACTION * n)
    mega = np.array([max(1, round(f.fraction * n)) for f in MEGA_FAMILIES], dtype=np.int64)
    tail_target = max(0, derived_target - int(mega.sum()))
    cap = max(2, int(0.002 * n))
    guess = int(tail_target / 4) + 16
    sizes = np.minimum(rng.zipf(TAIL_ZIPF_A, size=guess), cap)
    while sizes.sum() < tail_target:
        sizes = np.concatenate([sizes, np.minimum(rng.zipf(TAIL_ZIPF_A, size=guess), cap)])
    cum = np.cumsum(sizes)
    k = int(np.searchsorted(cum, tail_target)) + 1
    sizes = sizes[:k].copy()
    if k:
        sizes[-1] -= int(cum[k - 1] - tail_target)
        sizes = sizes[sizes > 0]
    return np.concatenate([mega, sizes.astype(np.int64)])


def _pointer_jump(src: np.ndarray) -> np.ndarray:
    """Follow ``src`` (an acyclic forest where roots point to themselves) to each element's root."""
    out = src.copy()
    while True:
        nxt = out[out]
        if np.array_equal(nxt, out):
            return out
        out = nxt


def build_structure(n: int, seed: int) -> Structure:
    """Decide families, parents, relations, authors, licenses, times and popularity for ``n`` models."""
    if n < 100:
        raise ValueError("need at least 100 models")
    rng = np.random.default_rng([seed, 0])
    desc = _family_sizes(n, rng)
    block = desc + 1  # root + descendants
    n_fam = len(block)
    in_families = int(block.sum())
    if in_families > n:
        raise ValueError("family sizes exceed n")
    starts = np.zeros(n_fam, dtype=np.int64)
    starts[1:] = np.cumsum(block)[:-1]

    family = np.full(n, -1, dtype=np.int32)
    family[:in_families] = np.repeat(np.arange(n_fam, dtype=np.int32), block)
    idx = np.arange(n, dtype=np.int64)
    local = np.zeros(n, dtype=np.int64)
    local[:in_families] = idx[:in_families] - np.repeat(starts, block)
    is_derived = (family >= 0) & (local > 0)

    relation = np.full(n, ROOT, dtype=np.int8)
    n_der = int(is_derived.sum())
    relation[is_derived] = rng.choice(4, size=n_der, p=RELATION_WEIGHTS / RELATION_WEIGHTS.sum())

    # Eligible parents: roots, non-quantized derivatives, and a few quantized ones.
    eligible = (family >= 0) & ((relation != QUANTIZED) | (rng.random(n) < QUANTIZED_PARENT_PROB))
    eligible_idx = np.flatnonzero(eligible).astype(np.int64)
    cum_before = np.cumsum(eligible) - eligible  # eligible models strictly before each index
    der = np.flatnonzero(is_derived)
    fam_start = starts[family[der]]
    first = cum_before[fam_start]  # position of the family root in eligible_idx
    avail = cum_before[der] - first  # eligible family members before this model (>= 1, the root)
    u = rng.random(len(der))
    k = np.floor(avail * u**ATTACH_EXPONENT).astype(np.int64)
    k[rng.random(len(der)) < ROOT_ATTACH_PROB] = 0
    parent = np.full(n, -1, dtype=np.int32)
    parent[der] = eligible_idx[first + np.minimum(k, avail - 1)]

    # Merges: extra parents drawn uniformly among earlier eligible members of the family.
    merge_rows = np.flatnonzero(relation == MERGE).astype(np.int32)
    m_pos = np.searchsorted(der, merge_rows)
    n_par = rng.choice(MERGE_PARENT_COUNTS, size=len(merge_rows), p=MERGE_PARENT_WEIGHTS)
    n_extra = np.minimum(n_par - 1, avail[m_pos] - 1)  # cannot have more distinct parents than exist
    # Sample extra parents without replacement-ish: draw, then drop duplicates of the primary/others.
    rep_rows = np.repeat(np.arange(len(merge_rows)), n_extra)
    draws = eligible_idx[
        first[m_pos][rep_rows] + np.floor(avail[m_pos][rep_rows] * rng.random(len(rep_rows))).astype(np.int64)
    ]
    primary = parent[merge_rows][rep_rows]
    keep = draws != primary
    pair = np.stack([rep_rows, draws]).T
    _, uniq = np.unique(pair, axis=0, return_index=True)
    keep &= np.isin(np.arange(len(draws)), uniq)
    rep_rows, draws = rep_rows[keep], draws[keep]
    counts = np.bincount(rep_rows, minlength=len(merge_rows))
    merge_ptr = np.zeros(len(merge_rows) + 1, dtype=np.int64)
    merge_ptr[1:] = np.cumsum(counts)
    merge_extra = draws.astype(np.int32)
    # A "merge" that ended up with one parent (tiny families) is declared as a finetune instead.
    relation[merge_rows[counts == 0]] = FINETUNE

    # Authors: heavy-tailed (a few accounts upload thousands of models, e.g. quantizers).
    n_authors = max(10, int(n * AUTHORS_PER_MODEL))
    authors = _author_names(n_authors)
    rank = np.floor(n_authors * rng.random(n) ** AUTHOR_SKEW).astype(np.int64)
    author = ((rank * 2654435761 + 7) % n_authors).astype(np.int32)

    # Licenses: roots draw from the root table, mega roots are fixed, derivatives inherit or drift.
    codes, p = _weights(ROOT_LICENSE_WEIGHTS)
    license_ = codes[rng.choice(len(codes), size=n, p=p)]
    dcodes, dp = _weights(DRIFT_LICENSE_WEIGHTS)
    license_[der] = dcodes[rng.choice(len(dcodes), size=len(der), p=dp)]
    n_mega = len(MEGA_FAMILIES)
    for f, mf in enumerate(MEGA_FAMILIES):
        license_[starts[f]] = LICENSE_CODE[mf.license]
    inherit = np.zeros(n, dtype=bool)
    inherit[der] = rng.random(len(der)) < INHERIT_LICENSE_PROB[relation[der].clip(0)]
    src = np.where(inherit, parent, idx).astype(np.int64)
    license_ = license_[_pointer_jump(src)]

    # Creation times: children after their parents (monotone in layout position within a family).
    u_t = rng.random(n)
    created = START + ((END - START) * u_t**0.45).astype(np.int64)  # Hub growth skews to recent years
    for f, mf in enumerate(MEGA_FAMILIES):
        created[starts[f]] = np.datetime64(mf.created + "T12:00:00", "s").astype(np.int64)
    root_t = created[starts][family[der]]
    frac = local[der] / block[family[der]]
    created[der] = root_t + ((END - root_t) * frac).astype(np.int64) + rng.integers(0, 3600, len(der))

    # Popularity: Pareto, boosted for family roots by family size.
    popularity = (rng.pareto(1.1, size=n) + 0.05).astype(np.float32)
    popularity[starts] *= (1 + desc).astype(np.float32) ** 0.9
    popularity[relation == QUANTIZED] *= 2.0

    dangling = np.zeros(n, dtype=bool)
    dangling[der[rng.random(len(der)) < DANGLING_FRACTION]] = True

    # Rare self-references (isolated models naming themselves) and 2-cycles (a tail-family root whose
    # card names one of its own direct non-quantized children as base).
    isolated = np.arange(in_families, n)
    n_self = max(1, round(n * SELF_REF_PER_MODEL))
    self_ref = rng.choice(isolated, size=min(n_self, len(isolated)), replace=False)
    parent[self_ref] = self_ref
    relation[self_ref] = FINETUNE
    n_cyc = max(1, round(n * TWO_CYCLE_PER_MODEL))
    tail_roots = starts[n_mega:]
    child_of_root = der[
        (parent[der] == starts[family[der]])
        & (relation[der] != QUANTIZED)
        & (relation[der] != MERGE)
        & ~dangling[der]
        & (family[der] >= n_mega)
    ]
    if len(child_of_root) and len(tail_roots):
        picks = rng.choice(child_of_root, size=min(n_cyc, len(child_of_root)), replace=False)
        _, first_per_root = np.unique(family[picks], return_index=True)
        picks = picks[first_per_root]
        roots = starts[family[picks]]
        parent[roots] = picks
        relation[roots] = FINETUNE

    card_only = rng.random(n) < CARD_ONLY_FRACTION
    card_only[starts[:n_mega]] = False
    perm = rng.permutation(n).astype(np.int32)
    return Structure(
        n=n,
        seed=seed,
        family=family,
        family_root=starts.astype(np.int32),
        parent=parent,
        relation=relation,
        merge_ptr=merge_ptr,
        merge_rows=merge_rows,
        merge_extra=merge_extra,
        dangling=dangling,
        author=author,
        authors=authors,
        license=license_,
        created=created,
        popularity=popularity,
        card_only=card_only,
        perm=perm,
        n_mega=n_mega,
    )


# --------------------------------------------------------------------------------------------------
# Ids (vectorised: one call per chunk, not per model)
# --------------------------------------------------------------------------------------------------

_HASH = 2654435761


def _hash_pick(keys: np.ndarray, n_options: int, salt: int) -> np.ndarray:
    """Deterministic option numbers in ``[0, n_options)`` keyed by integer ``keys``."""
    return (((keys.astype(np.int64) + salt) * _HASH) >> 7) % n_options


_SUFFIX_TABLE: tuple[tuple[str, ...], ...] = (ADAPTER_SUFFIXES, FINETUNE_SUFFIXES, QUANT_SUFFIXES, MERGE_SUFFIXES)
_STEMS: list[str] = [f"{a}-{b}" for a in WORDS for b in WORDS] + [mf.name for mf in MEGA_FAMILIES]
_SUFFIXES: list[str] = [""] + [x + "-" for group in _SUFFIX_TABLE for x in group]
_SUFFIX_OFFSET = np.cumsum([1] + [len(g) for g in _SUFFIX_TABLE])[:-1]
_SUFFIX_COUNT = np.array([len(g) for g in _SUFFIX_TABLE])


def model_ids(s: Structure, idxs: np.ndarray) -> list[str]:
    """Hub ids for layout indices: ``author/Stem-[suffix-]<hex idx>``; mega roots keep their own names.

    The stem is shared by a family (the mega family's name, else two words hashed from the root), the
    suffix says the relation (``-GGUF``, ``-lora``, ``-slerp``, ...), the hex index makes ids unique.
    """
    idxs = np.asarray(idxs, dtype=np.int64)
    fam = s.family[idxs]
    in_fam = fam >= 0
    root = np.where(in_fam, s.family_root[np.maximum(fam, 0)], idxs)
    n_words = len(WORDS)
    stem = _hash_pick(root, n_words, 1) * n_words + _hash_pick(root, n_words, 2)
    mega = in_fam & (fam < s.n_mega)
    stem[mega] = n_words * n_words + fam[mega]
    rel = s.relation[idxs].astype(np.int64)
    named_as_root = (rel == ROOT) | (root == idxs) | (s.parent[idxs] == idxs)
    relc = np.maximum(rel, 0)
    suffix = np.where(named_as_root, 0, _SUFFIX_OFFSET[relc] + _hash_pick(idxs, 1 << 20, 3) % _SUFFIX_COUNT[relc])
    authors = s.authors
    out = [
        f"{authors[a]}/{_STEMS[st]}-{_SUFFIXES[sf]}{i:x}"
        for a, st, sf, i in zip(s.author[idxs].tolist(), stem.tolist(), suffix.tolist(), idxs.tolist())
    ]
    for j in np.flatnonzero(mega & (root == idxs)).tolist():
        mf = MEGA_FAMILIES[int(fam[j])]
        out[j] = f"{mf.author}/{mf.name}"
    return out


def ghost_id(idx: int) -> str:
    """Id of a base model that is referenced but absent from the dump (deleted, private, renamed)."""
    return f"deleted-user-{idx % 997:x}/gone-model-{idx:x}"


def parent_ids(s: Structure, idxs: np.ndarray) -> list[list[str]]:
    """Base model ids each model's card declares, primary first (``[]`` for none)."""
    idxs = np.asarray(idxs, dtype=np.int64)
    prim = s.parent[idxs].astype(np.int64)
    has = np.flatnonzero(prim >= 0)
    out: list[list[str]] = [[] for _ in range(len(idxs))]
    for j, pid in zip(has.tolist(), model_ids(s, prim[has])):
        out[j].append(ghost_id(int(idxs[j])) if s.dangling[idxs[j]] else pid)
    is_merge = np.flatnonzero(s.relation[idxs] == MERGE)
    if len(is_merge):
        rows = np.searchsorted(s.merge_rows, idxs[is_merge])
        lo, hi = s.merge_ptr[rows], s.merge_ptr[rows + 1]
        extra_ids = iter(model_ids(s, np.concatenate([s.merge_extra[a:b] for a, b in zip(lo, hi)])))
        for j, k in zip(is_merge.tolist(), (hi - lo).tolist()):
            out[j].extend(next(extra_ids) for _ in range(k))
    return out


def _named_ids(s: Structure, ks: np.ndarray, salt: int, kind: str) -> list[str]:
    """Synthetic ``owner/words-<kind>-<hex k>`` ids for datasets, Spaces and GitHub repos."""
    ks = np.asarray(ks, dtype=np.int64)
    names = _hash_pick(ks, len(WORDS) ** 2, salt).tolist()
    owners = _hash_pick(ks, len(s.authors), salt + 1).tolist()
    return [f"{s.authors[o]}/{_STEMS[st]}-{kind}-{k:x}" for o, st, k in zip(owners, names, ks.tolist())]


def dataset_ids(s: Structure, ks: np.ndarray) -> list[str]:
    """Synthetic dataset ids (smaller number = more popular)."""
    return _named_ids(s, ks, 11, "data")


def space_ids(s: Structure, ks: np.ndarray) -> list[str]:
    """Synthetic Space ids."""
    return _named_ids(s, ks, 13, "demo")


def repo_ids(s: Structure, ks: np.ndarray) -> list[str]:
    """Synthetic GitHub ``owner/name`` repository ids."""
    return _named_ids(s, ks, 21, "app")


# --------------------------------------------------------------------------------------------------
# Phase 2: records
# --------------------------------------------------------------------------------------------------


def _iso(seconds: np.ndarray) -> list[str]:
    """Hub-style timestamps (``2025-01-20T03:46:07.000Z``)."""
    return [t + "Z" for t in np.datetime_as_string(seconds.astype("datetime64[s]"), unit="ms").tolist()]


def _pipelines_and_libraries(
    s: Structure, idxs: np.ndarray, r: np.ndarray
) -> tuple[list[str | None], list[str | None]]:
    """pipeline_tag and library_name per model (either may be absent); ``r`` is 4 uniforms per model."""
    fam = s.family[idxs]
    rel = s.relation[idxs]
    key = np.where(fam >= 0, s.family_root[np.maximum(fam, 0)], idxs)  # a family shares its task
    text_p = _hash_pick(key, len(PIPELINES_TEXT), 5)
    other_p = _hash_pick(key, len(PIPELINES_OTHER), 6)
    other_l = _hash_pick(idxs, len(LIBRARIES), 7)
    pipes: list[str | None] = []
    libs: list[str | None] = []
    for j, (f, rl, r0, r1, r2, r3) in enumerate(zip(fam.tolist(), rel.tolist(), *r.T.tolist())):
        is_mega = 0 <= f < s.n_mega
        if is_mega:
            pipe: str | None = MEGA_FAMILIES[f].pipeline_tag
            lib: str | None = MEGA_FAMILIES[f].library_name
        else:
            pipe = PIPELINES_TEXT[text_p[j]] if r0 < 0.7 else PIPELINES_OTHER[other_p[j]]
            lib = "transformers" if r1 < 0.7 else LIBRARIES[other_l[j]]
        if rl == ADAPTER and r1 < 0.8:
            lib = "peft"
        if rl == QUANTIZED:
            lib = "gguf" if r1 < 0.3 else ("transformers" if r1 < 0.5 else None)
        elif r2 < 0.4:
            lib = None
        if not (is_mega and rl == ROOT) and r3 < 0.4:
            pipe = None
        pipes.append(pipe)
        libs.append(lib)
    return pipes, libs


def render_chunk(s: Structure, chunk_no: int) -> list[dict[str, Any]]:
    """Records for output positions ``[chunk_no*CHUNK, (chunk_no+1)*CHUNK)``, keys in sorted order."""
    lo, hi = chunk_no * CHUNK, min(s.n, (chunk_no + 1) * CHUNK)
    idxs = s.perm[lo:hi].astype(np.int64)
    m = len(idxs)
    rng = np.random.default_rng([s.seed, 1, chunk_no])
    n_datasets = max(20, int(s.n * DATASETS_PER_MODEL))
    n_spaces = max(20, int(s.n * SPACES_PER_MODEL))

    created = s.created[idxs]
    created_s = _iso(created)
    modified_s = _iso(created + rng.exponential(20 * 86400, m).astype(np.int64))
    oid_time = [f"{t:08x}" for t in created.tolist()]
    hexes = rng.bytes(28 * m).hex()
    pop = s.popularity[idxs]
    downloads = np.where(rng.random(m) < 0.35, 0, (pop * rng.lognormal(2.0, 1.5, m))).astype(np.int64).tolist()
    likes = np.floor(np.sqrt(pop) * rng.exponential(0.4, m)).astype(np.int64).tolist()
    r = rng.random((m, 12))
    pipes, libs = _pipelines_and_libraries(s, idxs, r[:, 8:12])
    n_ds = np.where(r[:, 0] < 0.3, rng.integers(1, 4, m), 0)
    ds_k = np.minimum(rng.zipf(1.4, size=(m, 3)), n_datasets) - 1
    ds_names = dataset_ids(s, ds_k.ravel())
    n_sp = np.where(pop > 20, np.minimum(rng.zipf(1.5, m), 100 + (pop > 10_000) * 200), 0)
    sp_start = np.concatenate([[0], np.cumsum(n_sp)])
    sp_names = space_ids(s, rng.integers(0, n_spaces, int(sp_start[-1])))
    params = (10 ** rng.uniform(6, 11, m)).astype(np.int64)
    storage = (params * rng.uniform(1, 8, m)).astype(np.int64).tolist()
    params_l = params.tolist()
    ids = model_ids(s, idxs)
    bases_l = parent_ids(s, idxs)
    rel_l = s.relation[idxs].tolist()
    lic_l = s.license[idxs].tolist()
    card_only_l = s.card_only[idxs].tolist()
    fam_l = s.family[idxs].tolist()
    gated_mega = {int(s.family_root[f]): mf.gated for f, mf in enumerate(MEGA_FAMILIES)}
    n_ds_l, sp_start_l = n_ds.tolist(), sp_start.tolist()

    out: list[dict[str, Any]] = []
    for j, rj in enumerate(r.tolist()):
        mid, rel, bases = ids[j], rel_l[j], bases_l[j]
        lic, pipe, lib = LICENSES[lic_l[j]], pipes[j], libs[j]
        datasets = sorted(set(ds_names[3 * j : 3 * j + n_ds_l[j]]))
        card: dict[str, Any] = {}
        if bases:
            card["base_model"] = bases if (len(bases) > 1 or rj[2] < 0.6) else bases[0]
            if rj[3] < 0.05:
                card["base_model_relation"] = RELATIONS[rel]
        if datasets:
            card["datasets"] = datasets
        if rj[4] < 0.5:
            card["language"] = ["en"] if rj[4] < 0.4 else ["en", "zh"]
        if lib is not None and rj[5] < 0.6:
            card["library_name"] = lib
        if lic is not None:
            card["license"] = lic
            if lic == "other":
                name, link = OTHER_LICENSE_DETAILS[int(rj[6] * len(OTHER_LICENSE_DETAILS))]
                card["license_link"] = link
                card["license_name"] = name
        if pipe is not None and rj[5] < 0.4:
            card["pipeline_tag"] = pipe
        if card_only_l[j]:
            out.append({"cardData": card, "id": mid})
            continue

        tags: list[str] = []
        if lib is not None:
            tags.append(lib)
        tags.append("gguf" if rel == QUANTIZED and lib != "transformers" else "safetensors")
        if pipe is not None:
            tags.append(pipe)
            if pipe == "text-generation" and rj[7] < 0.5:
                tags.append("conversational")
        tags.extend(["dataset:" + d for d in datasets])
        rel_name = RELATIONS[rel] if rel >= 0 else ""
        for b in bases:
            if b != mid:  # assumption: the Hub does not tag a self-reference
                tags.append("base_model:" + b)
                tags.append(f"base_model:{rel_name}:{b}")
        if lic is not None:
            tags.append("license:" + lic)
        tags.append("region:us")

        idx = int(idxs[j])
        gated: bool | str = (
            gated_mega.get(idx, False)
            if 0 <= fam_l[j] < s.n_mega
            else (False if rj[6] < 0.95 else ("auto" if rj[6] < 0.99 else "manual"))
        )
        off = 56 * j
        rec: dict[str, Any] = {
            "_id": oid_time[j] + hexes[off : off + 16],
            "author": mid.split("/", 1)[0],
            "cardData": card,
            "createdAt": created_s[j],
            "disabled": False,
            "downloads": downloads[j],
            "gated": gated,
            "id": mid,
            "lastModified": modified_s[j],
        }
        if lib is not None:
            rec["library_name"] = lib
        rec["likes"] = likes[j]
        rec["modelId"] = mid
        if pipe is not None:
            rec["pipeline_tag"] = pipe
        rec["private"] = False
        if rj[7] > 0.75:
            rec["safetensors"] = {"parameters": {"BF16": params_l[j]}, "total": params_l[j]}
        rec["sha"] = hexes[off + 16 : off + 56]
        rec["siblings"] = _siblings(rel, lib, mid)
        rec["spaces"] = sp_names[sp_start_l[j] : sp_start_l[j + 1]]
        rec["tags"] = tags
        rec["usedStorage"] = storage[j]
        out.append(rec)
    return out


def n_chunks(s: Structure) -> int:
    """Number of chunks (and Parquet row groups) for ``s``."""
    return (s.n + CHUNK - 1) // CHUNK


# --------------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------------

PARQUET_JSON_COLUMNS = ("cardData", "safetensors")
"""Columns stored as JSON text in Parquet (as hub-stats stores cardData: free-form card YAML)."""
PARQUET_TIME_COLUMNS = ("createdAt", "lastModified")


def parquet_schema() -> Any:
    """Arrow schema of the Parquet output (one column per record key)."""
    import pyarrow as pa

    ts = pa.timestamp("ms", tz="UTC")
    return pa.schema(
        [
            ("_id", pa.string()),
            ("author", pa.string()),
            ("cardData", pa.string()),
            ("createdAt", ts),
            ("disabled", pa.bool_()),
            ("downloads", pa.int64()),
            ("gated", pa.string()),
            ("id", pa.string()),
            ("lastModified", ts),
            ("library_name", pa.string()),
            ("likes", pa.int64()),
            ("modelId", pa.string()),
            ("pipeline_tag", pa.string()),
            ("private", pa.bool_()),
            ("safetensors", pa.string()),
            ("sha", pa.string()),
            ("siblings", pa.list_(pa.struct([("rfilename", pa.string())]))),
            ("spaces", pa.list_(pa.string())),
            ("tags", pa.list_(pa.string())),
            ("usedStorage", pa.int64()),
        ]
    )


def _to_column(name: str, values: list[Any]) -> Any:
    """Convert one record field to its Parquet column representation."""
    if name in PARQUET_JSON_COLUMNS:
        return [None if v is None else json.dumps(v) for v in values]
    if name in PARQUET_TIME_COLUMNS:  # numpy parses ISO text in C; strptime would dominate the Parquet run
        import pyarrow as pa

        stamps = np.array(["NaT" if v is None else v.rstrip("Z") for v in values], dtype="datetime64[ms]")
        return pa.array(stamps, type=pa.timestamp("ms", tz="UTC"), from_pandas=True)
    if name == "gated":
        return [None if v is None else (v if isinstance(v, str) else "false") for v in values]
    return values


def _siblings(rel: int, lib: str | None, mid: str) -> list[dict[str, Any]]:
    """The repository's files as the API lists them (``siblings``): what a repo of that relation holds, so the
    relation signals graphsc reads from files (GGUF weights, PEFT adapter files) are there as on the Hub."""
    files = [".gitattributes", "README.md"]
    if rel == QUANTIZED and lib != "transformers":
        files.append(mid.rsplit("/", 1)[-1] + "-Q4_K_M.gguf")
    elif lib == "peft":
        files += ["adapter_config.json", "adapter_model.safetensors"]
    else:
        files += ["config.json", "model.safetensors"]
    return [{"rfilename": f} for f in files]


def parquet_row_to_record(row: dict[str, Any]) -> dict[str, Any]:
    """Turn a row of the Parquet output back into the JSON record it was written from."""
    rec: dict[str, Any] = {}
    for k, v in row.items():
        if v is None:
            continue
        if k in PARQUET_JSON_COLUMNS:
            v = json.loads(v)
        elif k in PARQUET_TIME_COLUMNS:
            v = v.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{v.microsecond // 1000:03d}Z"
        elif k == "gated":
            v = False if v == "false" else v
        rec[k] = v
    return rec


_WORKER_STRUCTURE: Structure | None = None
"""The structure forked worker processes render from (inherited copy-on-write, never pickled)."""


def _jsonl_chunk(chunk_no: int) -> str:
    """One chunk as JSON lines (worker side)."""
    assert _WORKER_STRUCTURE is not None
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    return "".join([dumps(rec) + "\n" for rec in render_chunk(_WORKER_STRUCTURE, chunk_no)])


def _table_chunk(chunk_no: int) -> Any:
    """One chunk as an Arrow table in ``parquet_schema()`` (worker side)."""
    import pyarrow as pa

    assert _WORKER_STRUCTURE is not None
    chunk = render_chunk(_WORKER_STRUCTURE, chunk_no)
    schema = parquet_schema()
    return pa.table({name: _to_column(name, [rec.get(name) for rec in chunk]) for name in schema.names}, schema=schema)


def _rendered(s: Structure, fn: Callable[[int], T], workers: int) -> Iterator[T]:
    """``fn(chunk_no)`` for every chunk in order, in ``workers`` forked processes when > 1.

    Output does not depend on ``workers``: every chunk has its own RNG stream.
    """
    global _WORKER_STRUCTURE
    _WORKER_STRUCTURE = s
    # Rendering allocates millions of acyclic dicts/lists; the cyclic GC only burns time scanning them.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        if workers <= 1:
            yield from map(fn, range(n_chunks(s)))
            return
        with mp.get_context("fork").Pool(workers, initializer=gc.disable) as pool:
            yield from pool.imap(fn, range(n_chunks(s)))
    finally:
        _WORKER_STRUCTURE = None
        if gc_was_enabled:
            gc.enable()


def write_jsonl(path: Path, s: Structure, compress: bool = False, workers: int = 1) -> int:
    """Write records one JSON object per line (gzip'd if ``compress``); returns the record count."""
    with (
        gzip.open(path, "wt", encoding="utf-8", compresslevel=1) if compress else open(path, "w", encoding="utf-8")
    ) as fh:
        for text in _rendered(s, _jsonl_chunk, workers):
            fh.write(text)
    return s.n


def write_parquet(path: Path, s: Structure, workers: int = 1) -> int:
    """Write records as Parquet (zstd), one row group per ``CHUNK`` records; returns the record count."""
    import pyarrow.parquet as pq

    with pq.ParquetWriter(path, parquet_schema(), compression="zstd") as writer:
        for table in _rendered(s, _table_chunk, workers):
            writer.write_table(table, row_group_size=CHUNK)
    return s.n


# --------------------------------------------------------------------------------------------------
# Downstream usage (PeaTMOSS gh_to_hf_mapping.csv + gh_licenses.json shape)
# --------------------------------------------------------------------------------------------------


def write_repos(s: Structure, csv_path: Path, licenses_path: Path) -> int:
    """Write GitHub repo -> HF model usage rows and the repos' licenses; returns the row count.

    Repos use models in proportion to popularity (PeaTMOSS: per model median 2 repos, max 2,014; per repo
    median 1 model, mean 2.9).  ``hf_license`` is the card's license as declared, ``""`` when absent.
    """
    rng = np.random.default_rng([s.seed, 2])
    n_repos = max(10, int(s.n * REPOS_PER_MODEL))
    visible = np.flatnonzero(~s.card_only)
    w = s.popularity[visible].astype(np.float64) ** 1.3
    cdf = np.cumsum(w)
    cdf /= cdf[-1]
    per_repo = np.minimum(rng.zipf(2.1, n_repos), 400)
    codes = list(REPO_LICENSE_WEIGHTS)
    p = np.array(list(REPO_LICENSE_WEIGHTS.values()))
    lic_pick = rng.choice(len(codes), size=n_repos, p=p / p.sum())
    multi = rng.random(n_repos) < REPO_MULTI_LICENSE_PROB
    repo_names = repo_ids(s, np.arange(n_repos))
    used = [np.unique(visible[np.searchsorted(cdf, rng.random(int(k)))]) for k in per_repo]
    used_ids = iter(model_ids(s, np.concatenate(used)))
    licenses: dict[str, list[str] | None] = {}
    rows = 0
    with open(csv_path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        for repo, models, lic_k, several in zip(repo_names, used, lic_pick.tolist(), multi.tolist()):
            for idx in models.tolist():
                mid = next(used_ids)
                out.writerow(
                    [f"github.com/{repo}", mid, f"https://huggingface.co/{mid}", LICENSES[int(s.license[idx])] or ""]
                )
                rows += 1
            key = codes[lic_k]
            if key is None:
                licenses[repo] = None
            else:
                licenses[repo] = sorted({key, "unknown-license-reference"}) if several else [key]
    with open(licenses_path, "w", encoding="utf-8") as fh:
        json.dump(licenses, fh, indent=2, sort_keys=True)
    return rows


# --------------------------------------------------------------------------------------------------
# Stats and CLI
# --------------------------------------------------------------------------------------------------


def primary_depth(s: Structure) -> np.ndarray:
    """Each model's depth in the acyclic primary-parent forest (cycles and dangling bases cut), by pointer jumping."""
    idx = np.arange(s.n)
    ok = (s.parent >= 0) & ~s.dangling & (s.family >= 0) & (s.parent != idx)
    ok &= ~np.isin(idx, s.family_root)
    anc = np.where(ok, s.parent, idx).astype(np.int64)
    depth = ok.astype(np.int64)
    while True:
        nxt = anc[anc]
        if np.array_equal(nxt, anc):
            return depth
        depth = depth + depth[anc] * (anc != idx)
        anc = nxt


def structure_stats(s: Structure) -> dict[str, Any]:
    """Summary of the generated graph (edges by relation, family sizes, depth) from the structure."""
    has = s.parent >= 0
    n_edges_rel = {name: int(((s.relation == i) & has).sum()) for i, name in enumerate(RELATIONS)}
    n_edges_rel["merge"] += len(s.merge_extra)
    fam_sizes = np.bincount(s.family[s.family >= 0])
    depth = primary_depth(s)
    return {
        "models": s.n,
        "with_base": int(has.sum()),
        "edges": int(sum(n_edges_rel.values())),
        "edges_by_relation": n_edges_rel,
        "largest_families": sorted(fam_sizes.tolist(), reverse=True)[:8],
        "families_with_children": int((fam_sizes > 1).sum()),
        "max_depth": int(depth.max()),
        "depth_histogram": np.bincount(depth).tolist(),
        "dangling": int(s.dangling.sum()),
        "card_only": int(s.card_only.sum()),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", type=int, required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument(
        "--format",
        choices=("jsonl", "jsonl.gz", "parquet"),
        default=None,
        help="default: from the --out suffix, else jsonl",
    )
    ap.add_argument(
        "--repos-out",
        type=Path,
        default=None,
        help="CSV like PeaTMOSS gh_to_hf_mapping.csv; licenses go to --repo-licenses-out",
    )
    ap.add_argument(
        "--repo-licenses-out",
        type=Path,
        default=None,
        help="JSON like PeaTMOSS gh_licenses.json (default: gh_licenses.json next to --repos-out)",
    )
    ap.add_argument(
        "--workers",
        type=int,
        default=min(4, os.cpu_count() or 1),
        help="processes rendering chunks (output is identical for any value)",
    )
    ap.add_argument("--stats", action="store_true", help="print a JSON summary of the graph to stderr")
    a = ap.parse_args(argv)
    fmt = a.format or ("parquet" if a.out.suffix == ".parquet" else "jsonl.gz" if a.out.suffix == ".gz" else "jsonl")
    t0 = time.perf_counter()
    s = build_structure(a.models, a.seed)
    t1 = time.perf_counter()
    if fmt == "parquet":
        n = write_parquet(a.out, s, workers=a.workers)
    else:
        n = write_jsonl(a.out, s, compress=fmt == "jsonl.gz", workers=a.workers)
    t2 = time.perf_counter()
    print(f"wrote {n} records to {a.out} ({fmt}) in {t2 - t0:.1f}s (structure {t1 - t0:.1f}s)", file=sys.stderr)
    if a.repos_out is not None:
        lic_path = a.repo_licenses_out or a.repos_out.with_name("gh_licenses.json")
        rows = write_repos(s, a.repos_out, lic_path)
        print(f"wrote {rows} usage rows to {a.repos_out}, licenses to {lic_path}", file=sys.stderr)
    if a.stats:
        print(json.dumps(structure_stats(s), indent=1), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
