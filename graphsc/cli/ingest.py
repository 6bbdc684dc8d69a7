"""``graphsc ingest ...``: bring records into the store."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from graphsc.cli.common import DbOption, StoreOption, open_cli_store
from graphsc.cli.errors import note_on_interrupt
from graphsc.cli.progress import progress_bar
from graphsc.render.labels import counted
from graphsc.render.text import console as text_console
from graphsc.render.text import literal

if TYPE_CHECKING:
    from rich.console import Console

    from graphsc.errors import BadInput
    from graphsc.ingest.hub import CrawlReport, RepoCount

MAX_SHOWN_PROBLEMS = 20


class ProblemPrinter:
    """Prints the first ``MAX_SHOWN_PROBLEMS`` problems of an ingestion (``skipped FILE:LINE: REASON``, the data
    printed literally: no markup, no emoji), counts the rest; ``finish`` says how many were not printed."""

    def __init__(self, console: Console, limit: int = MAX_SHOWN_PROBLEMS) -> None:
        self.console = console
        self.limit = limit
        self.seen = 0

    def __call__(self, problem: BadInput) -> None:
        """Print (or count) one problem."""
        self.seen += 1
        if self.seen <= self.limit:
            line = literal("skipped ", "yellow")
            line.append_text(literal(str(problem)))
            self.console.print(line)

    def finish(self) -> None:
        """Print ``… and N more problems not shown`` when more than ``limit`` were reported."""
        if self.seen > self.limit:
            self.console.print(
                literal(
                    f"… and {counted(self.seen - self.limit, 'more problem')} not shown "
                    f"({self.seen:,} in all; graphsc quality lists them by reason)",
                    "yellow",
                )
            )


def stderr_console() -> Console:
    """The console for ingest messages: stderr, no emoji codes, no highlighting."""
    return text_console(stderr=True)


def interrupt_note(written: int, batch_size: int, stdin: bool) -> str:
    """What Ctrl-C in ``ingest snapshot`` keeps: the records written so far (whole batches of ``batch_size``; the
    batch being read is lost), and how to finish: re-run with files; with stdin (``-``), which cannot be read
    again, pipe the input in again (records already stored are rewritten, not duplicated)."""
    if not stdin:
        return "Everything written before the interruption is kept; re-run to finish."
    kept = (
        f"{written:,} record{'' if written == 1 else 's'} written before the interruption "
        f"{'is' if written == 1 else 'are'} kept"
        if written
        else f"No record was written yet (records are written {batch_size:,} at a time)"
    )
    return (
        f"{kept}; stdin cannot be read again, so pipe the input in again to finish "
        "(records already stored are rewritten, not duplicated)."
    )


app = typer.Typer(no_args_is_help=True)


@app.callback()
def ingest() -> None:
    """Bring models, datasets, Spaces and repositories into the store."""


class RecordKindOption(str, Enum):
    """``--kind`` of ``graphsc ingest snapshot``: which Hub API records the files hold."""

    models = "models"
    datasets = "datasets"
    spaces = "spaces"


@app.command("snapshot")
def snapshot(
    files: Annotated[
        list[str],
        typer.Argument(
            metavar="FILE",
            help="JSONL (.jsonl, .jsonl.gz), JSON array (.json) or Parquet files of Hub records; - reads stdin.",
            show_default=False,
        ),
    ],
    kind: Annotated[
        RecordKindOption,
        typer.Option(
            "--kind",
            help="What the files hold: Hub model, dataset or Space records (models.parquet, datasets.parquet, "
            "spaces.parquet of a hub-stats dump).",
        ),
    ] = RecordKindOption.models,
    strict: Annotated[bool, typer.Option("--strict", help="Stop at the first malformed record.")] = False,
    batch_size: Annotated[
        int | None,
        typer.Option("--batch-size", min=1, help="Records per write transaction (default 50,000).", show_default=False),
    ] = None,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Ingest Hub API model, dataset or Space records from dump files (streamed; bad records reported, skipped).

    Exits 1 when no record could be read from the inputs."""
    from graphsc.ingest import DEFAULT_BATCH_SIZE, ingest_snapshot
    from graphsc.sources.snapshot import STDIN, check_input_file

    console = stderr_console()
    if files.count(STDIN) > 1:
        raise typer.BadParameter("stdin (-) can be read only once", param_hint="FILES")
    for file in files:
        check_input_file(file)  # InputFileError before the store is opened
    size = batch_size or DEFAULT_BATCH_SIZE
    stdin = STDIN in files
    with open_cli_store(db, store, write=True) as graph:
        warn = ProblemPrinter(console)
        note_on_interrupt(interrupt_note(0, size, stdin))
        with progress_bar("ingesting records") as (bar, task):
            written = 0

            def on_written(count: int) -> None:
                nonlocal written
                written += count
                bar.advance(task, count)
                note_on_interrupt(interrupt_note(written, size, stdin))

            report = ingest_snapshot(
                graph,
                list(files),
                batch_size=size,
                strict=strict,
                kind=kind.value,
                on_written=on_written,
                on_problem=warn,
            )
    from graphsc.render.quality_table import quality_summary_line

    warn.finish()
    what = "" if kind is RecordKindOption.models else f"{kind.value[:-1]} "  # "dataset ", "space "
    skipped = f", skipped {report.skipped:,} malformed" if report.skipped else ""
    cut = (
        f", {report.cut_short:,} file{'s' if report.cut_short != 1 else ''} cut short (the rest unreadable)"
        if report.cut_short
        else ""
    )
    console.print(
        literal(
            f"Ingested {report.records:,} {what}record{'' if report.records == 1 else 's'} into {graph.kind} store {graph.location}{skipped}{cut} "
            f"in {report.seconds:.2f} s ({report.records_per_second:,.0f} records/s)."
        )
    )
    if summary := quality_summary_line(report.quality):
        console.print(literal(summary))
    if mistaken := report.mistaken_kind(kind.value):
        other, count = mistaken
        console.print(
            literal(
                f"{count:,} of the records read look like {other[:-1]} records, not {kind.value[:-1]} records; "
                f"if so, ingest them again with --kind {other} (into a fresh --db: these are stored as "
                f"{kind.value}).",
                "yellow",
            )
        )
    if not report.records:
        why = "every line was unusable" if report.problems_seen else "the inputs hold no records"
        console.print(literal(f"No records were read from the inputs: {why}.", "red"))
        raise typer.Exit(1)


@app.command("hf")
def hf(
    models: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="MODEL",
            help="Model ids (or huggingface.co URLs) to crawl from, e.g. deepseek-ai/DeepSeek-R1.",
            show_default=False,
        ),
    ] = None,
    up: Annotated[bool, typer.Option("--up/--no-up", help="Fetch every ancestor (base model) up to the roots.")] = True,
    down: Annotated[
        bool, typer.Option("--down/--no-down", help="List descendants (models tagged base_model:<id>), level by level.")
    ] = True,
    max_depth: Annotated[
        int | None,
        typer.Option("--max-depth", min=1, help="Descendant levels to list (default: unlimited).", show_default=False),
    ] = None,
    author: Annotated[str | None, typer.Option("--author", help="Also crawl from this author's models.")] = None,
    search: Annotated[
        str | None, typer.Option("--search", help="Also crawl from models whose id contains this.")
    ] = None,
    filter_: Annotated[
        str | None, typer.Option("--filter", help="Also crawl from models with this Hub tag (e.g. license:mit, gguf).")
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=1,
            help="At most this many records from each listing: models (--author/--search/--filter), datasets "
            "(--datasets-author/--datasets-search), Spaces (--spaces-author/--spaces-search).",
        ),
    ] = None,
    datasets: Annotated[
        bool,
        typer.Option(
            "--datasets/--no-datasets",
            help="Fetch the record (license, author, downloads, gated, source datasets) of every dataset the "
            "crawled models are trained on.",
        ),
    ] = True,
    datasets_author: Annotated[
        str | None, typer.Option("--datasets-author", help="Also fetch this author's datasets.", show_default=False)
    ] = None,
    datasets_search: Annotated[
        str | None,
        typer.Option("--datasets-search", help="Also fetch datasets whose id contains this.", show_default=False),
    ] = None,
    spaces: Annotated[
        bool,
        typer.Option(
            "--spaces/--no-spaces",
            help="Fetch the record (license, sdk, declared models) of every Space the crawled models' records list "
            "(a popular model lists hundreds).",
        ),
    ] = False,
    spaces_author: Annotated[
        str | None, typer.Option("--spaces-author", help="Also fetch this author's Spaces.", show_default=False)
    ] = None,
    spaces_search: Annotated[
        str | None,
        typer.Option("--spaces-search", help="Also fetch Spaces whose id contains this.", show_default=False),
    ] = None,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Fetch again what an earlier run already fetched.")
    ] = False,
    workers: Annotated[int, typer.Option("--workers", min=1, max=32, help="Parallel requests to the Hub.")] = 8,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            min=0.1,
            help="Seconds to wait for each response (env: GRAPHSC_HF_TIMEOUT; default: 10).",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Crawl the live Hugging Face Hub: MODELs and their ancestors, descendants, datasets and (--spaces) Spaces.

    Seeds are the MODELs and the --author/--search/--filter picks; the datasets they are trained on are fetched too
    (--no-datasets: not), and with --spaces the Spaces their records list.

    --datasets-author/--datasets-search and --spaces-author/--spaces-search fetch datasets and Spaces by listing
    (no MODEL needed).

    Endpoint and token: HF_ENDPOINT and HF_TOKEN (a token raises the Hub's rate limit).

    429s, 5xx, timeouts and cut connections are retried with backoff, honouring Retry-After (GRAPHSC_HF_RETRIES).

    Unknown, private or gated models are reported and skipped; the crawl goes on. A MODEL that is not a Hub id
    (a local path) is an error; legacy ids (gpt2) are crawled as their current id (openai-community/gpt2). A dataset
    or Space the Hub will not give, or that fails past retrying, is reported and stays a stub.

    Records are written as they arrive (every 500 records or 2 seconds): an interrupted crawl keeps them, and a
    re-run skips finished work (models, listings, datasets and Spaces fetched before; --refresh fetches them again).
    """
    from graphsc.settings import env_url

    env_url("HF_ENDPOINT")  # ConfigError before huggingface_hub (which parses it at import) is loaded
    from graphsc.ingest.hub import CrawlPlan, crawl_hub, parse_seeds
    from graphsc.sources.hf_hub import HubClient

    seeds = parse_seeds(m for m in models or () if m.strip())  # InvalidSeedError: reported, no traceback
    plan = CrawlPlan(
        models=seeds.ids,
        up=up,
        down=down,
        max_depth=max_depth,
        author=author,
        search=search,
        filter=filter_,
        limit=limit,
        refresh=refresh,
        workers=workers,
        datasets=datasets,
        spaces=spaces,
        datasets_author=datasets_author,
        datasets_search=datasets_search,
        spaces_author=spaces_author,
        spaces_search=spaces_search,
    )
    if not plan.models and not plan.selects and not plan.lists_datasets and not plan.lists_spaces:
        raise typer.BadParameter(
            "give at least one MODEL, or --author/--search/--filter, --datasets-author/--datasets-search or "
            "--spaces-author/--spaces-search",
            param_hint="MODEL",
        )
    console = stderr_console()
    for given, current in seeds.legacy:
        console.print(literal(f"{given} is a legacy id: crawling {current}."))
    client = HubClient(timeout=timeout)  # ConfigError for bad GRAPHSC_HF_* values, before the store is opened
    with open_cli_store(db, store, write=True) as graph:
        note_on_interrupt("Everything written before the interruption is kept; re-run to resume.")
        with progress_bar("models fetched") as (bar, task):
            listings = bar.add_task("listings done", total=None)
            others = bar.add_task("datasets and Spaces fetched", total=None, visible=False)

            def show(report: CrawlReport) -> None:
                bar.update(task, completed=report.models)
                bar.update(listings, completed=report.listings)
                if report.datasets.asked or report.spaces.asked:
                    bar.update(others, completed=report.datasets.records + report.spaces.records, visible=True)

            report = crawl_hub(graph, client, plan, on_progress=show)
    print_crawl_report(console, report, f"{graph.kind} store {graph.location}")


def print_crawl_report(console: Console, report: CrawlReport, where: str) -> None:
    """The end-of-crawl summary, the models, datasets and Spaces that were skipped and why (ids and reasons printed
    literally: a dataset as ``datasets/<id>``, a Space as ``spaces/<id>``), a line each for datasets and Spaces when
    the crawl fetched them, and what the records' conversion noted (rejected or unconfirmed references)."""
    from graphsc.render.quality_table import quality_summary_line

    problems = [*report.problems, *report.datasets.problems, *report.spaces.problems]
    for problem in problems[:MAX_SHOWN_PROBLEMS]:
        line = literal("skipped ", "yellow")
        line.append_text(literal(str(problem)))
        console.print(line)
    if len(problems) > MAX_SHOWN_PROBLEMS:
        console.print(literal(f"… and {len(problems) - MAX_SHOWN_PROBLEMS:,} more skipped", "yellow"))
    reused = f", {report.reused:,} reused from an earlier run" if report.reused else ""
    retries = f" ({report.retries:,} retried)" if report.retries else ""
    console.print(
        f"Crawled {counted(report.models, 'model')} ({report.fetched:,} fetched, {report.listed:,} from listings) "
        f"and {counted(report.listings, 'listing')}{reused} into {where} in {report.seconds:.2f} s with "
        f"{counted(report.requests, 'request')}{retries}.",
        markup=False,
    )
    for noun, counts in (("dataset", report.datasets), ("Space", report.spaces)):
        if counts.asked:
            console.print(literal(_repo_line(noun, counts)))
    if summary := quality_summary_line(report.quality):
        console.print(literal(summary))


def _repo_line(noun: str, counts: RepoCount) -> str:
    """``Fetched 3 datasets (2 by id, 1 from listings); 1 failed (left as stubs); 4 skipped, fetched by an earlier
    run.``"""
    return (
        f"Fetched {counted(counts.records, noun)} ({counts.fetched:,} by id, {counts.listed:,} from listings); "
        f"{len(counts.problems):,} failed (left as stubs); {counts.reused:,} skipped, fetched by an earlier run."
    )
