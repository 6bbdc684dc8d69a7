"""Progress display shared by long-running commands (to stderr, so stdout stays parseable)."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from collections.abc import Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


def stderr_console() -> Console:
    return Console(stderr=True, file=sys.stderr, highlight=False, soft_wrap=True)


@contextmanager
def progress_bar(description: str, total: int | None = None) -> Iterator[tuple[Progress, int]]:
    """A rich progress bar on stderr; yields the Progress and its task id."""
    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn()]
    with Progress(*columns, console=stderr_console(), transient=True) as progress:
        yield progress, progress.add_task(description, total=total)
