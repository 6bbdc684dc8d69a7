"""A visible wait: a live countdown on stderr, then one line saying what was waited for."""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.console import Console


def countdown_waiter(console: Console) -> Callable[[float, str], None]:
    """A ``wait(seconds, reason)`` that counts down on ``console`` (for ``graphsc.sources.github``)."""

    def wait(seconds: float, reason: str) -> None:
        end = time.monotonic() + max(0.0, seconds)
        with console.status(f"{reason}: waiting {seconds:.0f} s") as status:
            while (left := end - time.monotonic()) > 0:
                status.update(f"{reason}: waiting {left:.0f} s (Ctrl-C stops; a re-run resumes)")
                time.sleep(min(0.2, left))
        console.print(f"[yellow]waited {seconds:.0f} s[/] for {reason}", markup=True)

    return wait
