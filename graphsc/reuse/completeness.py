"""Completeness: which reuse attributes a fetched model's record gives, and a weighted score for them.

The attributes are the ones the seed studies of pre-trained model (PTM) reuse name as the "missing attributes"
reusers look for — provenance (license, base model, training data), performance (evaluation results) and
portability (intended task, library), with the model card as their carrier: W. Jiang et al., "An Empirical Study
of Pre-Trained Model Reuse in the Hugging Face Deep Learning Model Registry" (ICSE 2023), and W. Jiang et al.,
"PeaTMOSS: A Dataset and Initial Analysis of Pre-Trained Models in Open-Source Software" (MSR 2024). The weights
follow the OWASP AIBOM generator's completeness score (https://github.com/aetheris-ai/aibom-generator, now under the
OWASP GenAI Security Project), which scores 100 points over field categories (required fields 20, metadata 20,
component basics 20, model card 30, external references 10) and ranks fields in tiers (critical 3, important 2,
supplementary 1). Here the tiers are kept, over the attributes a Hub record carries: critical 20, important 15,
supplementary 10.

==============  ======  ============================================================================================
attribute       weight  present when (``ATTRIBUTES``, ``WEIGHTS``)
==============  ======  ============================================================================================
license             20  the model declares a license (card ``license`` or a ``license:`` tag)
base_model          15  at least one DERIVED_FROM edge: a base by graphsc's lineage rules
                        (``graphsc.sources.hub_records``): the ``base_model:<relation>:<id>`` tags when the record
                        has any, else its plain ``base_model:<id>`` tags (older dumps), else, with no
                        ``base_model`` tag at all, the card's ``base_model``. A base named on the card or in a tag
                        that these rules do not take is a note, not an edge: it does not count (its detail says
                        where it was declared: "declared on the card, unconfirmed: <id>")
training_data       20  at least one TRAINED_ON edge (the card's ``datasets`` or a ``dataset:`` tag)
eval_results        15  at least one evaluation result (``model-index``) with a numeric value
task                10  an intended task (``pipeline_tag``)
library             10  a library (``library_name``)
card                10  a model card with metadata
==============  ======  ============================================================================================

Why these weights (they sum to 100): license and training data are critical: a reuser cannot recover them from
anywhere else, and they decide whether the model may be used at all (obligations, data provenance): 20 each. A base model and evaluation
results carry provenance and claimed performance, but a root model legitimately has no base and results are often
on a leaderboard instead of the card: 15 each. Task, library and the card itself are descriptive, 10 each.

Also recorded, not scored: whether the repository lists any weight files (``weight_files``: False for a
repository whose file list holds no weights — a README-only "fine-tune" — None when the record lists no files).
Unfetched stubs (models known only as someone's base, from usage data or by name) have no record and are not
audited.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from graphsc.records import EvalResult, Model, ModelDetails

LICENSE = "license"
BASE_MODEL = "base_model"
TRAINING_DATA = "training_data"
EVAL_RESULTS = "eval_results"
TASK = "task"
LIBRARY = "library"
CARD = "card"
ATTRIBUTES: tuple[str, ...] = (LICENSE, BASE_MODEL, TRAINING_DATA, EVAL_RESULTS, TASK, LIBRARY, CARD)
WEIGHTS: dict[str, int] = {
    LICENSE: 20,
    BASE_MODEL: 15,
    TRAINING_DATA: 20,
    EVAL_RESULTS: 15,
    TASK: 10,
    LIBRARY: 10,
    CARD: 10,
}
# What a model lacking each attribute "declares no ...", for summaries ("3 of 5 ancestors declare no training data").
MISSING_PHRASES: dict[str, str] = {
    LICENSE: "declare no license",
    BASE_MODEL: "have no confirmed base model",
    TRAINING_DATA: "declare no training data",
    EVAL_RESULTS: "report no numeric evaluation results",
    TASK: "declare no task",
    LIBRARY: "declare no library",
    CARD: "have no model card",
}
assert sum(WEIGHTS.values()) == 100 and tuple(WEIGHTS) == ATTRIBUTES

# Where a base that is not lineage was declared: ``IdNote.field`` -> "card" or "tag".
BASE_DECLARED_IN: dict[str, str] = {"base_model": "card", "base_model tag": "tag"}
_DECLARED_WHERE = {"card": "on the card", "tag": "in a base_model tag"}


class UnconfirmedBase(NamedTuple):
    """A base the record names that is not lineage: ``base`` (the id, or the value as written when it is not one),
    ``where`` it was declared (``card`` or ``tag``), and the note's ``kind`` (``unconfirmed``: no tag confirms it;
    ``local-path``, ``malformed``, ``wrong-type``: not a usable id)."""

    base: str
    where: str
    kind: str = "unconfirmed"


def unconfirmed_text(bases: Sequence[UnconfirmedBase]) -> str:
    """'declared on the card, unconfirmed: a/b; declared in a base_model tag, malformed: x' (card first)."""
    parts: dict[tuple[str, str], list[str]] = {}
    for b in sorted(bases, key=lambda b: (b.where != "card", b.kind != "unconfirmed", b.kind)):
        parts.setdefault((b.where, b.kind), []).append(b.base)
    return "; ".join(
        f"declared {_DECLARED_WHERE.get(where, where)}, {kind}: {', '.join(ids)}"
        for (where, kind), ids in parts.items()
    )


@dataclass(frozen=True, slots=True)
class Completeness:
    """One fetched model's reuse attributes: ``present`` (in ``ATTRIBUTES`` order), the ``score`` (0–100, the sum
    of the present attributes' ``WEIGHTS``), a short ``details`` text per attribute, and ``weight_files`` (True: the
    repository lists weight files; False: it lists files but no weights; None: it lists no files, unknown)."""

    model: str
    present: tuple[str, ...]
    score: int
    details: dict[str, str]
    weight_files: bool | None

    def has(self, attribute: str) -> bool:
        return attribute in self.present

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(a for a in ATTRIBUTES if a not in self.present)


def score_of(present: Iterable[str]) -> int:
    """The completeness score of the attributes ``present``: the sum of their weights."""
    return sum(WEIGHTS[a] for a in set(present))


def weight_files_of(details: ModelDetails | None) -> bool | None:
    """True when the record lists weight files, False when it lists files but none is weights, None when unknown
    (no details, or no file list)."""
    if details is None or details.files is None:
        return None
    return bool(details.weight_formats)


# Values a card gives for "no license information": they declare nothing (SPDX's NOASSERTION, and common spellings).
LICENSE_PLACEHOLDERS = frozenset({"unknown", "none", "n/a", "na", "noassertion", "tbd", "-", "?"})


def declares_license(license: str | None) -> bool:
    """The model's card or ``license:`` tag declares a license: a value that is not a placeholder for "no license
    information" (``LICENSE_PLACEHOLDERS``: ``license: unknown`` declares nothing). An unrecognised name still
    counts: the author declared something."""
    text = (license or "").strip().lower()
    return bool(text) and text not in LICENSE_PLACEHOLDERS


@functools.cache
def present_of(flags: tuple[bool, ...]) -> tuple[str, ...]:
    """The attributes whose flag is set, ``flags`` being one bool per attribute in ``ATTRIBUTES`` order."""
    return tuple(a for a, ok in zip(ATTRIBUTES, flags, strict=True) if ok)


def attribute_flags(
    license: str | None,
    task: str | None,
    library: str | None,
    has_card: bool | int | None,
    *,
    has_base: bool,
    has_data: bool,
    has_numeric_results: bool,
) -> tuple[bool, ...]:
    """One bool per attribute (``ATTRIBUTES`` order) for a fetched model's fields and what its edges and results
    say: the one rule both the single-model and the whole-graph audit apply (``has_card`` may come as 0/1)."""
    return (
        declares_license(license),
        has_base,
        has_data,
        has_numeric_results,
        bool(task),
        bool(library),
        bool(has_card),
    )


def attributes_present(model: Model, *, has_base: bool, has_data: bool, has_numeric_results: bool) -> tuple[str, ...]:
    """The attributes fetched ``model`` has, in ``ATTRIBUTES`` order."""
    return present_of(
        attribute_flags(
            model.license,
            model.pipeline_tag,
            model.library_name,
            model.has_card,
            has_base=has_base,
            has_data=has_data,
            has_numeric_results=has_numeric_results,
        )
    )


def completeness_of(
    model: Model,
    *,
    bases: Sequence[str] = (),
    unconfirmed_bases: Sequence[UnconfirmedBase] = (),
    datasets: int = 0,
    results: int = 0,
    numeric_results: int = 0,
    details: ModelDetails | None = None,
) -> Completeness:
    """The completeness of fetched ``model``: ``bases`` its confirmed bases (DERIVED_FROM targets),
    ``unconfirmed_bases`` the bases its card or tags name that are not lineage (notes, not edges), ``datasets`` its TRAINED_ON edges,
    ``results``/``numeric_results`` how many evaluation results its card reports / with a number, ``details`` its
    stored ``ModelDetails``."""
    present = attributes_present(
        model, has_base=bool(bases), has_data=datasets > 0, has_numeric_results=numeric_results > 0
    )
    if bases:
        base_text = ", ".join(bases)
    elif unconfirmed_bases:
        base_text = unconfirmed_text(unconfirmed_bases)
    else:
        base_text = "none"
    if numeric_results:
        eval_text = _counted(numeric_results, "numeric result")
    elif results:
        eval_text = _counted(results, "result") + ", none numeric"
    else:
        eval_text = "none"
    details_text = {
        LICENSE: model.license or "none declared",
        BASE_MODEL: base_text,
        TRAINING_DATA: _counted(datasets, "dataset") if datasets else "none",
        EVAL_RESULTS: eval_text,
        TASK: model.pipeline_tag or "none",
        LIBRARY: model.library_name or "none",
        CARD: "present" if model.has_card else "none",
    }
    return Completeness(
        model=model.id,
        present=present,
        score=score_of(present),
        details=details_text,
        weight_files=weight_files_of(details),
    )


def _counted(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def numeric_count(results: Iterable[EvalResult]) -> int:
    """How many of ``results`` report a number."""
    return sum(1 for r in results if r.value is not None)
