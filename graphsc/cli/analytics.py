"""``graphsc stats | rank | impact | families | analyze``: whole-graph analytics (definitions: docs/analytics.md).

Thin commands: ``graphsc.analytics`` computes, ``graphsc.render`` shows. NetworkX and numpy are imported inside
the commands. Progress goes to stderr, so ``--format json`` output on stdout stays parseable.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from graphsc.cli.common import DbOption, FormatOption, OutputFormat, StoreOption, open_cli_store
from graphsc.render import emit

if TYPE_CHECKING:
    from graphsc.analytics.analysis import Analysis


class RankBy(str, Enum):
    reach = "reach"
    pagerank = "pagerank"
    betweenness = "betweenness"
    downloads = "downloads"
    exposure = "exposure"


TopOption = Annotated[int, typer.Option("--top", "-n", min=1, help="How many to list.")]
SampleOption = Annotated[int, typer.Option("--sample", "-k", min=1, help="Betweenness: source models sampled.")]
SeedOption = Annotated[int, typer.Option("--seed", help="Betweenness: sampling seed.")]


class _RichProgress:
    """Adapts ``graphsc.analytics.progress.Progress`` to the shared rich progress bar."""

    def __init__(self, bar: Any, task: int) -> None:
        self._bar = bar
        self._task = task

    def phase(self, name: str, total: int | None = None) -> None:
        self._bar.update(self._task, description=name, total=total, completed=0)

    def advance(self, n: int = 1) -> None:
        self._bar.advance(self._task, n)


@contextmanager
def _analysis(
    db: Any, store: Any, sample: int | None = None, seed: int | None = None, write: bool = False
) -> Iterator[Analysis]:
    from graphsc.analytics.analysis import Analysis
    from graphsc.analytics.centrality import BETWEENNESS_SAMPLE, BETWEENNESS_SEED
    from graphsc.cli.progress import progress_bar

    with open_cli_store(db, store, write=write, create=False) as graph:  # metrics of an existing graph
        with progress_bar("analysing") as (bar, task):
            yield Analysis(
                graph,
                _RichProgress(bar, task),
                sample or BETWEENNESS_SAMPLE,
                BETWEENNESS_SEED if seed is None else seed,
            )


def stats(
    top: TopOption = 10,
    output_format: FormatOption = OutputFormat.table,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Nodes and edges by kind and relation, top licenses, the depth distribution and the largest families.

    Then datasets and Spaces (fetched and stubs, with a license or not), dataset lineage edges, TRAINED_ON edges
    reaching a licensed dataset, and the top dataset licenses."""
    from graphsc.analytics.stats import graph_stats
    from graphsc.render.analytics_json import stats_document
    from graphsc.render.analytics_table import render_stats
    from graphsc.reuse.completeness import declares_license

    with _analysis(db, store) as analysis:
        result = graph_stats(analysis, top, declares=declares_license)
    emit(output_format, document=lambda: stats_document(result), terminal=lambda console: render_stats(result, console))


def rank(
    by: Annotated[RankBy, typer.Option("--by", help="The metric to rank by.")] = RankBy.reach,
    top: TopOption = 20,
    sample: SampleOption = 50_000,
    seed: SeedOption = 42,
    output_format: FormatOption = OutputFormat.table,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """The top models by descendant reach, PageRank, betweenness, downloads or downstream exposure."""
    from graphsc.analytics.ranking import rank_models
    from graphsc.render.analytics_json import rank_document
    from graphsc.render.analytics_table import render_rank

    with _analysis(db, store, sample, seed) as analysis:
        result = rank_models(analysis, by.value, top)
    emit(output_format, document=lambda: rank_document(result), terminal=lambda console: render_rank(result, console))


def impact(
    model: Annotated[
        str,
        typer.Argument(
            metavar="MODEL",
            help="Model id, e.g. deepseek-ai/DeepSeek-R1; or a dataset id (when no model has it, or with --dataset).",
        ),
    ],
    dataset: Annotated[
        bool, typer.Option("--dataset", help="MODEL is a dataset id, even if a model has the same id.")
    ] = False,
    output_format: FormatOption = OutputFormat.table,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Blast radius of MODEL: descendants by depth and relation, repos and Spaces reached, licenses downstream.

    With the model's risk flags (own and inherited: graphsc risks) and what below it is exposed to them. Given a
    dataset: the datasets made from it, the models trained on any of them, their descendants and their users."""
    from graphsc.analytics.impact import compute_dataset_impact, compute_impact
    from graphsc.compact import compact_graph
    from graphsc.errors import GraphscError
    from graphsc.render.analytics_json import dataset_impact_document, impact_document
    from graphsc.render.analytics_table import render_dataset_impact, render_impact
    from graphsc.reuse.risks import impact_risks

    text = model.strip()
    with open_cli_store(db, store, write=False) as graph:
        dataset_id = graph.find_dataset_id(text) if dataset or graph.find_model_id(text) is None else None
        if dataset and dataset_id is None:
            raise GraphscError(
                f"No dataset {text!r} in the graph.",
                "Datasets come from model records (TRAINED_ON) and dataset records: "
                "graphsc ingest snapshot --kind datasets FILE.",
            )
        if dataset_id is not None:
            found = compute_dataset_impact(graph, dataset_id)
        else:  # a model, or neither: the unknown-model error lists close model ids
            result = compute_impact(graph, text, compact_graph(graph))
            risks = impact_risks(graph, result)
    if dataset_id is not None:
        emit(
            output_format,
            document=lambda: dataset_impact_document(found),
            terminal=lambda console: render_dataset_impact(found, console),
        )
        return
    emit(
        output_format,
        document=lambda: impact_document(result, risks),
        terminal=lambda console: render_impact(result, console, risks),
    )


def families(
    top: TopOption = 10,
    output_format: FormatOption = OutputFormat.table,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """The largest model families (weakly connected components of derivation edges)."""
    from graphsc.render.analytics_json import families_document
    from graphsc.render.analytics_table import render_families

    with _analysis(db, store) as analysis:
        found = analysis.families
        count, summaries = len(found), found.top(analysis.graph, analysis.depth, top)
    emit(
        output_format,
        document=lambda: families_document(count, summaries),
        terminal=lambda console: render_families(count, summaries, console),
    )


def analyze(
    write: Annotated[bool, typer.Option("--write", help="Store the metrics as model properties.")] = False,
    sample: SampleOption = 50_000,
    seed: SeedOption = 42,
    output_format: FormatOption = OutputFormat.table,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Compute every metric of every model (with --write, store them); report time and memory per step."""
    from graphsc.analytics.metrics import model_metrics
    from graphsc.records import utc_timestamp
    from graphsc.render.analytics_json import analyze_document
    from graphsc.render.analytics_table import render_timings

    with _analysis(db, store, sample, seed, write=write) as analysis:
        analysis.compute_all()
        rows = analysis.timed("metrics", lambda: list(model_metrics(analysis)))
        written = None
        if write:
            analysis.timed("write", lambda: analysis.store.write_model_metrics(rows))
            between = analysis.betweenness
            analysis.store.set_state(
                {
                    "metrics.computed_at": utc_timestamp(),
                    "metrics.betweenness_sample": str(between.sample),
                    "metrics.betweenness_seed": str(between.seed),
                    "metrics.models": str(len(rows)),
                }
            )
            written = f"{analysis.store.kind} store {analysis.store.location}"
        between = analysis.betweenness
        timings = dict(analysis.timings)
    emit(
        output_format,
        document=lambda: analyze_document(len(rows), written, between, timings),
        terminal=lambda console: render_timings(timings, len(rows), written, console),
    )


def register(app: typer.Typer) -> None:
    """Add the analytics commands to ``app``."""
    for command in (stats, rank, impact, families, analyze):
        app.command(command.__name__)(command)
