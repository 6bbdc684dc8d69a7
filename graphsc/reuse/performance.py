"""Claimed vs reported performance: a model's evaluation results (its card's ``model-index``) next to its ancestors'.

graphsc cannot re-run an evaluation; it shows what each card claims, where it says the number comes from, and
what disagrees along the chain:

- a *comparison* pairs one of the model's results with an ancestor's result on the same dataset and metric —
  matched case-insensitively on ``EvalResult.dataset`` (the card's dataset ``type``, else its name) and
  ``EvalResult.metric`` (the metric ``type``, else its name) — with ``difference`` = model − ancestor when both
  values are numbers (no rescaling: a card writing 0.95 and another 95 for the same metric differ by 94.05, and
  the view shows both values so a reader sees why);
- *flags* on the model's own results: ``dataset-not-listed`` (the result cites a dataset the model's card does not
  list among its datasets, i.e. not one of its TRAINED_ON datasets: the card documents no data for the benchmark it
  reports — often a held-out test set, so a reason to look, not an error), ``no-source`` (neither a source name nor a
  URL: nobody can check it), ``not-numeric`` (the value is not a number; its text is kept).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from graphsc.records import EvalResult

DATASET_NOT_LISTED = "dataset-not-listed"
NO_SOURCE = "no-source"
NOT_NUMERIC = "not-numeric"
FLAGS: tuple[str, ...] = (DATASET_NOT_LISTED, NO_SOURCE, NOT_NUMERIC)
_DIGITS = 10  # a difference is rounded to this many decimals: 0.95 − 0.9 is 0.05, not 0.04999999999999993


@dataclass(frozen=True, slots=True)
class ClaimedResult:
    """One of the model's own results and its ``flags`` (in ``FLAGS`` order)."""

    result: EvalResult
    flags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    """The model's ``result`` next to ``ancestor``'s ``base_result`` (``distance`` edges up) on the same dataset and
    metric; ``difference`` = model − ancestor when both are numbers, else None."""

    result: EvalResult
    ancestor: str
    distance: int
    base_result: EvalResult
    difference: float | None


@dataclass(frozen=True, slots=True)
class Performance:
    """What the model's card claims (``claimed``, in card order), how it compares with its ancestors'
    (``comparisons``, by the model's result then nearest ancestor), and how many results each ancestor's card
    reports (``ancestor_results``, ancestors reporting none left out, nearest first)."""

    model: str
    claimed: tuple[ClaimedResult, ...]
    comparisons: tuple[Comparison, ...]
    ancestor_results: dict[str, int]

    def flagged(self, flag: str) -> int:
        """How many of the model's results carry ``flag``."""
        return sum(1 for c in self.claimed if flag in c.flags)


def match_key(result: EvalResult) -> tuple[str, str] | None:
    """The ``(dataset, metric)`` a result is compared on, lower-cased; None when it names either not."""
    if not result.dataset or not result.metric:
        return None
    return result.dataset.strip().lower(), result.metric.strip().lower()


def flags_of(result: EvalResult, listed_datasets: Collection[str]) -> tuple[str, ...]:
    """The flags of one of the model's results; ``listed_datasets``: the model's TRAINED_ON dataset ids, lower-cased.
    A result cites a listed dataset when its dataset type or name is one of them (case-insensitively)."""
    cited = {v.strip().lower() for v in (result.dataset, result.dataset_name) if v}
    flags: list[str] = []
    if cited and not cited & set(listed_datasets):
        flags.append(DATASET_NOT_LISTED)
    if not result.source_name and not result.source_url:
        flags.append(NO_SOURCE)
    if result.value is None:
        flags.append(NOT_NUMERIC)
    return tuple(flags)


def compare_performance(
    model_id: str,
    own: Iterable[EvalResult],
    ancestors: Sequence[tuple[str, int]],
    results_of: Mapping[str, Sequence[EvalResult]],
    listed_datasets: Iterable[str],
) -> Performance:
    """Compare ``model_id``'s results ``own`` with those of its ``ancestors`` (``(id, distance)``, nearest first);
    ``results_of`` holds each ancestor's results, ``listed_datasets`` the model's TRAINED_ON dataset ids."""
    listed = {d.lower() for d in listed_datasets}
    own_sorted = sorted(own, key=lambda r: r.position)
    claimed = tuple(ClaimedResult(r, flags_of(r, listed)) for r in own_sorted)
    comparisons: list[Comparison] = []
    for result in own_sorted:
        key = match_key(result)
        if key is None:
            continue
        for ancestor, distance in ancestors:
            for base_result in sorted(results_of.get(ancestor, ()), key=lambda r: r.position):
                if match_key(base_result) != key:
                    continue
                difference = (
                    round(result.value - base_result.value, _DIGITS)
                    if result.value is not None and base_result.value is not None
                    else None
                )
                comparisons.append(Comparison(result, ancestor, distance, base_result, difference))
    return Performance(
        model=model_id,
        claimed=claimed,
        comparisons=tuple(comparisons),
        ancestor_results={a: n for a, _ in ancestors if (n := len(results_of.get(a, ())))},
    )
