"""``graphsc ingest peatmoss``, ``graphsc ingest usage`` and ``graphsc ingest github``: who uses a model downstream."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from graphsc.cli.common import DbOption, StoreOption, open_cli_store
from graphsc.cli.errors import note_on_interrupt
from graphsc.cli.ingest import ProblemPrinter, stderr_console
from graphsc.render.labels import counted, share
from graphsc.render.text import literal

if TYPE_CHECKING:
    from rich.console import Console

    from graphsc.ingest.usage import UsageReport

INTERRUPT_KEEPS = "The batches written before the interruption are kept; re-run to finish (writes are idempotent)."


def peatmoss(
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            help="PeaTMOSS gh_to_hf_mapping.csv (.csv or .csv.gz; - for stdin) (default: the bundled copy).",
            show_default=False,
        ),
    ] = None,
    licenses: Annotated[
        Path | None,
        typer.Option(
            "--licenses",
            help="PeaTMOSS gh_licenses.json (.json or .json.gz) (default: the bundled copy).",
            show_default=False,
        ),
    ] = None,
    db_file: Annotated[
        Path | None,
        typer.Option("--db-file", help="Also load a PeaTMOSS SQLite database (e.g. PeaTMOSS.db).", show_default=False),
    ] = None,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Import PeaTMOSS's GitHub repository → HF model usages, with the repositories' licenses.

    Exits 1 when no usable row could be read."""
    from graphsc import samples
    from graphsc.ingest.peatmoss import ingest_peatmoss

    console = stderr_console()
    warn = ProblemPrinter(console)
    with open_cli_store(db, store, write=True) as graph:
        note_on_interrupt(INTERRUPT_KEEPS)
        report = ingest_peatmoss(
            graph,
            mapping or samples.peatmoss_mapping_file(),
            licenses or samples.peatmoss_licenses_file(),
            db_file,
            on_problem=warn,
        )
    warn.finish()
    print_usage_report(console, report, graph.kind, graph.location)


def usage(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help='Usage file: a JSON object {"owner/repo": ["model-id", ...]}, or CSV/TSV with a header row naming '
            "the repository and model columns (.json/.csv/.tsv, also .gz; - for stdin).",
            show_default=False,
        ),
    ],
    licenses: Annotated[
        Path | None,
        typer.Option(
            "--licenses",
            help='Repository licenses: a JSON object {"owner/repo": "MIT" | ["bsd-new", ...] | null} '
            "(SPDX ids or ScanCode keys; NOASSERTION means unknown).",
            show_default=False,
        ),
    ] = None,
    repo_column: Annotated[
        str | None,
        typer.Option(
            "--repo-column",
            metavar="NAME",
            help="CSV/TSV: the column of GitHub repositories (default: recognised by name, e.g. repo, github_repo_url).",
            show_default=False,
        ),
    ] = None,
    model_column: Annotated[
        str | None,
        typer.Option(
            "--model-column",
            metavar="NAME",
            help="CSV/TSV: the column of Hugging Face models (default: recognised by name, e.g. model, hf_model_id).",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Import GitHub repository → HF model usages from a JSON or CSV/TSV file, with the repositories' licenses.

    Exits 1 when no usable row could be read. See docs/usage-files.md."""
    from graphsc.ingest.usage import ingest_usage_file

    console = stderr_console()
    warn = ProblemPrinter(console)
    with open_cli_store(db, store, write=True) as graph:
        note_on_interrupt(INTERRUPT_KEEPS)
        report = ingest_usage_file(
            graph, file, licenses, repo_column=repo_column, model_column=model_column, on_problem=warn
        )
    warn.finish()
    print_usage_report(console, report, graph.kind, graph.location)


def print_usage_report(console: Console, report: UsageReport, kind: str, location: str) -> None:
    """The summary of a usage import (PeaTMOSS or a usage file); ``typer.Exit(1)`` when no usable row was read."""
    console.print(
        literal(
            f"Imported {counted(report.usages, 'usage')} ({counted(report.rows, 'row')}) into {kind} store "
            f"{location}: {counted(report.repos, 'repository', 'repositories')} ({report.licensed_repos:,} with "
            f"a license), {counted(report.models, 'model')}; {report.usages_to_fetched:,} of the usages "
            f"({share(report.usages_to_fetched, report.usages)}) reach a fetched model; {report.seconds:.2f} s."
        )
    )
    if report.legacy_resolved:
        console.print(
            f"Resolved {counted(len(report.legacy_resolved), 'legacy model id')} (e.g. gpt2 → openai-community/gpt2)."
        )
    if report.legacy_unresolved:
        line = literal(f"{counted(len(report.legacy_unresolved), 'legacy model id')} not resolved", "yellow")
        line.append_text(literal(" (kept as they are): " + ", ".join(sorted(report.legacy_unresolved))))
        console.print(line)
    if report.skipped:
        console.print(literal(f"Skipped {counted(report.skipped, 'unusable row')}.", "yellow"))
    if report.license_problems:
        console.print(
            literal(
                f"Skipped {counted(report.license_problems, 'unusable license entry', 'unusable license entries')}.",
                "yellow",
            )
        )
    if report.cut_short:
        console.print(
            literal(
                f"{counted(report.cut_short, 'file')} cut short: the rows "
                "before the damage were imported, the rest could not be read.",
                "yellow",
            )
        )
    if not report.rows:
        console.print(literal("No usable rows were read from the inputs.", "red"))
        raise typer.Exit(1)


def github(
    models: Annotated[
        list[str],
        typer.Argument(metavar="MODEL", help="Model ids, e.g. openai-community/gpt2 (legacy ids are searched too)."),
    ],
    max_repos: Annotated[
        int, typer.Option("--max-repos", min=1, help="Stop after this many repositories per model.")
    ] = 100,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Repeat searches and repository look-ups done before.")
    ] = False,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Find GitHub repositories whose code loads MODEL (code search; needs GITHUB_TOKEN)."""
    from graphsc.cli.countdown import countdown_waiter
    from graphsc.ingest.github import ingest_github
    from graphsc.sources.github import GitHubClient, token_from_env

    console = stderr_console()
    client = GitHubClient(token_from_env(), wait=countdown_waiter(console))
    with open_cli_store(db, store, write=True) as graph:
        note_on_interrupt("Finished searches are kept; re-run to continue.")
        report = ingest_github(
            graph,
            client,
            [m.strip() for m in models],
            max_repos=max_repos,
            refresh=refresh,
            on_message=lambda text: console.print(literal(text, "dim")),
        )
    for model_id, count in report.uses.items():
        console.print(
            literal(f"{model_id}: used by {counted(count, 'repository', 'repositories')} (GitHub code search)")
        )
    console.print(
        f"{counted(report.queries_run, 'search', 'searches')} run, {report.queries_cached} already done (use "
        f"--refresh to repeat); {counted(report.hits, 'result')}, {report.rejected:,} rejected as not a model "
        f"argument; {counted(report.repos_fetched, 'repository', 'repositories')} looked up; {report.seconds:.1f} s."
    )
    for query, reason in report.invalid_queries:
        line = literal("GitHub rejected ", "yellow")
        line.append_text(literal(f"{query}: {reason}"))
        console.print(line)


def register(app: typer.Typer) -> None:
    """Add the usage commands to ``graphsc ingest``."""
    app.command("peatmoss")(peatmoss)
    app.command("usage")(usage)
    app.command("github")(github)
    from graphsc.cli.ingest_sbom import sbom

    app.command("sbom")(sbom)
