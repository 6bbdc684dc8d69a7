"""``graphsc diff OLD [NEW]``: what changed between two states of the graph, and which findings are new."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from graphsc.cli.common import DbOption, StoreOption
from graphsc.render import emit

EXIT_NEW_FINDING = 1  # --fail-on-new found a new finding at or above its severity


class DiffFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"
    junit = "junit"


class FailOnNew(str, Enum):
    error = "error"
    warning = "warning"


def diff(
    old: Annotated[
        str,
        typer.Argument(
            metavar="OLD",
            help="A saved snapshot's name, a snapshot file, or a graphsc database file.",
            show_default=False,
        ),
    ],
    new: Annotated[
        str | None,
        typer.Argument(
            metavar="[NEW]",
            help="The same kinds as OLD; default: the current graph (--db / --store).",
            show_default=False,
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option("--model", "-m", help="Only MODEL's lineage (ancestors and descendants) and what it reaches."),
    ] = None,
    repo: Annotated[
        str | None,
        typer.Option(
            "--repo", metavar="OWNER/NAME", help="Only what a repository or Space uses: its usage and those chains."
        ),
    ] = None,
    output_format: Annotated[
        DiffFormat,
        typer.Option(
            "--format",
            "-f",
            help="table (terminal), json (graphsc.diff/1), markdown (a PR comment), sarif (new findings, SARIF 2.1.0) "
            "or junit (new findings as failing test cases).",
        ),
    ] = DiffFormat.table,
    fail_on_new: Annotated[
        FailOnNew | None,
        typer.Option(
            "--fail-on-new",
            help="Exit 1 if a finding this severe or worse is new in NEW (after printing the diff).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")] = None,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Compare two states of the graph: what changed, and which license findings are new or resolved.

    Reports models added, removed or renamed; licenses changed (old and new canonical ids); lineage edges added,
    removed, relation changed or base renamed; training and usage edges; license findings new, resolved and
    unchanged (matched by their stable keys).

    OLD and NEW are each a snapshot saved with `graphsc snapshot save`, a snapshot file, or a graphsc database file;
    without NEW, OLD is compared with the current graph. Exit codes: 0 done; 1 --fail-on-new hit, or an error;
    2 bad options."""
    if model is not None and repo is not None:
        raise typer.BadParameter("give --model or --repo, not both", param_hint="--model")
    if output is not None and output_format is DiffFormat.table:
        raise typer.BadParameter("--output needs --format json, markdown, sarif or junit", param_hint="--output")
    from graphsc.cli.snapshot import current_state, resolve_state
    from graphsc.render.ci_junit import junit_text
    from graphsc.render.ci_sarif import sarif_text
    from graphsc.render.diff_ci import diff_ci
    from graphsc.render.diff_json import diff_document
    from graphsc.render.diff_markdown import diff_markdown
    from graphsc.render.diff_table import render_diff
    from graphsc.snapshot.diff import DiffScope, diff_states

    old_state = resolve_state(old, db, store)
    new_state = resolve_state(new, db, store) if new is not None else current_state(db, store)
    scope = DiffScope(model=model.strip() if model else None, repo=repo.strip() if repo else None)
    changes = diff_states(old_state, new_state, scope if model or repo else None)
    gate_hit = fail_on_new is not None and bool(changes.new_findings_at(fail_on_new.value))
    exit_code = EXIT_NEW_FINDING if gate_hit else 0
    emit(
        output_format,
        document=lambda: diff_document(changes),
        terminal=lambda console: render_diff(changes, console),
        texts={
            DiffFormat.markdown.value: lambda: diff_markdown(changes),
            DiffFormat.sarif.value: lambda: sarif_text(diff_ci(changes, exit_code)),
            DiffFormat.junit.value: lambda: junit_text(diff_ci(changes, exit_code)),
        },
        output=output,
    )
    if gate_hit:
        raise typer.Exit(EXIT_NEW_FINDING)


def register(app: typer.Typer) -> None:
    """Add ``graphsc diff`` to ``app``."""
    app.command("diff")(diff)
