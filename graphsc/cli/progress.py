"""Progress display shared by long-running commands (to stderr, so stdout stays parseable)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rich.progress costs ~30 ms to import; only long-running commands need it
    from rich.console import Console
    from rich.progress import Progress, TaskID


def stderr_console() -> Console:
    """The console for messages and progress (stderr, soft-wrapped, no highlighting, no emoji codes)."""
    from graphsc.render.text import console

    return console(stderr=True)


@contextmanager
def progress_bar(description: str, total: int | None = None) -> Iterator[tuple[Progress, TaskID]]:
    """A rich progress bar on stderr; yields the Progress and its task id."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = [
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]
    console = stderr_console()
    # Off when stderr is not a terminal: a log or a pipe gets no bar, and not the blank line a transient one leaves.
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        yield progress, progress.add_task(description, total=total)
