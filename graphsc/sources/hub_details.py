"""A Hub model record's files, config, card fields and scan status → ``ModelDetails``; its card's ``model-index`` →
``EvalResult``s. Called by ``graphsc.sources.hub_records`` for every record, live or from a dump.

Like the rest of the record conversion, any field may hold any JSON type: a value of the wrong type counts as
absent, never an exception.

**Weight formats** are read from the file names of ``siblings`` (lower-cased, a split suffix ``.partNofM`` or
``-NNNNN-of-NNNNN.gguf`` read through): ``*.safetensors`` (safetensors), ``*.gguf`` (GGUF), ``*.onnx`` (ONNX),
``*.h5``/``*.keras`` (TensorFlow/Keras HDF5), ``*.msgpack`` (Flax), ``*.tflite``, ``*.mlmodel``, and the
pickle-based formats PyTorch and scikit-learn save (``*.bin``, ``*.pt``, ``*.pth``, ``*.ckpt``, ``*.pkl``,
``*.pickle``, ``*.joblib``) — the extensions the Hub's own pickle scanner looks at
(https://huggingface.co/docs/hub/security-pickle). A ``.bin`` named after GGML or OpenVINO is those formats, not a
pickle. Trainer state saved beside the weights (``training_args.bin``, ``optimizer.pt``/``.bin``,
``scheduler.pt``/``.bin``, ``scaler.pt``, ``rng_state*.pth``, Accelerate's ``random_states_N.pkl``, DeepSpeed's
``*_optim_states.pt``) is pickle too and counts in ``pickle_files``, but is not a weight format.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from graphsc.ids import shown, storable
from graphsc.records import CARD_FIELDS, EvalResult, ModelDetails

PICKLE_SUFFIXES: tuple[str, ...] = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib")
_FORMAT_SUFFIXES: tuple[tuple[str, str], ...] = (
    (".safetensors", "safetensors"),
    (".gguf", "gguf"),
    (".onnx", "onnx"),
    (".h5", "tensorflow"),
    (".keras", "keras"),
    (".msgpack", "flax"),
    (".tflite", "tflite"),
    (".mlmodel", "coreml"),
)
# What trainers save beside the weights (transformers' Trainer, Accelerate's save_state, DeepSpeed's optimizer shards).
_TRAINER_STATE = re.compile(
    r"^(training_args\.bin|(optimizer|scheduler|scaler)\.(pt|bin)|rng_state.*\.pth|random_states_\d+\.pkl"
    r"|.*_optim_states\.pt)$"
)
_SPLIT_SUFFIX = re.compile(r"\.part\d+of\d+$")
_MAX_EVAL_RESULTS = 1000  # per model: a card is metadata, not a leaderboard dump
_MAX_TEXT = 200
_INT64_MAX = 2**63 - 1


def weight_format(filename: str) -> str | None:
    """The weight format of a repository file (a ``siblings`` ``rfilename``), ``pickle`` for pickle-based weights,
    or None when the file is not weights (configs, tokenizers, trainer state, docs).

    >>> weight_format("model-00001-of-00002.safetensors"), weight_format("pytorch_model.bin")
    ('safetensors', 'pickle')
    >>> weight_format("DeepSeek-R1.Q2_K.gguf.part1of5"), weight_format("training_args.bin")
    ('gguf', None)
    """
    name = _SPLIT_SUFFIX.sub("", filename.rsplit("/", 1)[-1].lower())
    for suffix, found in _FORMAT_SUFFIXES:
        if name.endswith(suffix):
            return found
    if name.endswith(PICKLE_SUFFIXES) and not _TRAINER_STATE.match(name):
        if name.endswith(".bin") and "ggml" in name:
            return "ggml"
        if name.endswith(".bin") and name.startswith("openvino"):
            return "openvino"
        return "pickle"
    return None


def is_pickle_file(filename: str) -> bool:
    """Python's pickle loads the file (weights or trainer state); GGML and OpenVINO ``.bin`` files are not."""
    return _file_kind(filename)[1]


@lru_cache(maxsize=1 << 16)
def _file_kind(filename: str) -> tuple[str | None, bool]:
    """``(weight format, pickle-based)`` of a file name: both read once per distinct name (``config.json``, shard
    names and ``README.md`` repeat across millions of records)."""
    found = weight_format(filename)
    name = filename.rsplit("/", 1)[-1].lower()
    return found, name.endswith(PICKLE_SUFFIXES) and found not in ("ggml", "openvino")


def _text(value: Any) -> str | None:
    if type(value) is str and value.strip():
        return storable(value.strip())[:_MAX_TEXT]
    return None


def _is_set(value: Any) -> bool:
    """A card field counts as set unless it is missing, null, blank or an empty list/object."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | dict):
        return bool(value)
    return True


def _scan_status(value: Any) -> str | None:
    """``securityRepoStatus`` (``{"scansDone": bool, "filesWithIssues": [{"path", "level"}]}``) summarised as one
    of ``graphsc.records.SCAN_STATUSES``, or None when the record has no usable scan."""
    if not isinstance(value, Mapping):
        return None
    issues = value.get("filesWithIssues")
    flagged = [i for i in issues if isinstance(i, Mapping)] if isinstance(issues, list) else []
    if any(str(i.get("level", "")).lower() in ("unsafe", "dangerous", "malicious") for i in flagged):
        return "unsafe"
    if flagged:
        return "caution"
    done = value.get("scansDone")
    if done is True:
        return "safe"
    if done is False:
        return "pending"
    return None


def _parameters(data: Mapping[str, Any]) -> tuple[int | None, tuple[str, ...]]:
    """``(total parameters, safetensors dtypes)`` from ``safetensors`` (``{"parameters": {dtype: n}, "total"}``),
    the total falling back to ``gguf.total``."""
    total: int | None = None
    dtypes: tuple[str, ...] = ()
    for field in ("safetensors", "gguf"):
        info = data.get(field)
        if type(info) is not dict:
            continue
        count = info.get("total")
        if total is None and type(count) is int and 0 <= count <= _INT64_MAX:
            total = count
        if field == "safetensors" and type(info.get("parameters")) is dict:
            dtypes = tuple(sorted({d for k in info["parameters"] if (d := _text(k))}))
    return total, dtypes


def model_details_from_hub(
    model_id: str, data: Mapping[str, Any], card: Mapping[str, Any], tags: list[str]
) -> ModelDetails:
    """The ``ModelDetails`` of one Hub model record (``data``, its ``cardData`` ``card`` and its string ``tags``).

    Reads ``siblings`` (file names), ``config`` (``architectures``, ``model_type``, ``auto_map``,
    ``quantization_config``), ``safetensors``/``gguf`` (parameter totals, dtypes), the card's fields, ``disabled``
    and ``securityRepoStatus``. Never raises on field types. (JSON objects arrive as ``dict``s, from the dump
    readers and from ``graphsc.sources.hf_hub.hub_dict``: the checks below are ``type(x) is dict``, the fast ones,
    as this runs for every record of a two-million-record dump.)"""
    siblings = data.get("siblings")
    names = (
        [n for s in siblings if type(s) is dict and type(n := s.get("rfilename")) is str]
        if type(siblings) is list
        else []
    )
    formats: set[str] = set()
    pickle_files = 0
    for name in names:
        found, pickled = _file_kind(name)
        if found is not None:
            formats.add(found)
        pickle_files += pickled
    config = data.get("config")
    if type(config) is dict:
        architectures = config.get("architectures")
        quant = config.get("quantization_config")
        method = _text(quant.get("quant_method")) if type(quant) is dict else None
        auto_map = config.get("auto_map")
        custom_code = bool(type(auto_map) in (dict, list) and auto_map)
        model_type = _text(config.get("model_type"))
    else:
        architectures = method = model_type = None
        custom_code = False
    parameters, dtypes = _parameters(data)
    return ModelDetails(
        model_id,
        len(names) or None,
        _sorted(frozenset(formats)),
        pickle_files,
        custom_code or "custom_code" in tags,
        tuple(dict.fromkeys(a for x in architectures if (a := _text(x)))) if type(architectures) is list else (),
        model_type,
        method.lower() if method else None,
        parameters,
        dtypes,
        tuple(f for f in CARD_FIELDS if f in card and _is_set(card[f])),
        data.get("disabled") is True,
        _scan_status(data.get("securityRepoStatus")),
    )


@lru_cache(maxsize=256)
def _sorted(formats: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(formats))


def _field(container: Any, key: str) -> str | None:
    return _text(container.get(key)) if isinstance(container, Mapping) else None


def _value(raw: Any) -> tuple[float | None, str | None]:
    """``(number, None)`` for a finite number (or a string holding one), else ``(None, the value as written)``."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        number = float(raw)
        return (number, None) if math.isfinite(number) else (None, str(raw))
    if isinstance(raw, str):
        try:
            number = float(raw.strip())
        except ValueError:
            return None, _text(raw)
        return (number, None) if math.isfinite(number) else (None, _text(raw))
    return None, (shown(raw)[:_MAX_TEXT] if raw is not None else None)


def eval_results_from_card(model_id: str, card: Mapping[str, Any]) -> tuple[EvalResult, ...]:
    """Every metric the card's ``model-index`` reports, one ``EvalResult`` each, in card order (at most 1000).

    The shape (Hugging Face model card metadata): ``model-index: [{name, results: [{task: {type, name},
    dataset: {type, name, ...}, metrics: [{type, name, value, verified}], source: {name, url}}]}]``. Entries of
    another shape are skipped."""
    index = card.get("model-index")
    if not isinstance(index, list):
        return ()
    found: list[EvalResult] = []
    for entry in index:
        results = entry.get("results") if isinstance(entry, Mapping) else None
        for result in results if isinstance(results, list) else []:
            if not isinstance(result, Mapping):
                continue
            metrics = result.get("metrics")
            task, dataset, source = result.get("task"), result.get("dataset"), result.get("source")
            for metric in metrics if isinstance(metrics, list) else []:
                if not isinstance(metric, Mapping) or len(found) >= _MAX_EVAL_RESULTS:
                    continue
                value, value_text = _value(metric.get("value"))
                verified = metric.get("verified")
                found.append(
                    EvalResult(
                        model=model_id,
                        position=len(found),
                        task=_field(task, "type") or _field(task, "name"),
                        dataset=_field(dataset, "type") or _field(dataset, "name"),
                        dataset_name=_field(dataset, "name"),
                        metric=_field(metric, "type") or _field(metric, "name"),
                        metric_name=_field(metric, "name"),
                        value=value,
                        value_text=value_text,
                        verified=verified if isinstance(verified, bool) else None,
                        source_name=_field(source, "name"),
                        source_url=_field(source, "url"),
                    )
                )
    return tuple(found)
