"""A visible wait: a live countdown on stderr, then one line saying what was waited for."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from rich.console import Console

from graphsc.render.text import escaped


def countdown_waiter(console: Console) -> Callable[[float, str, threading.Event], None]:
    """A ``wait(seconds, reason, stop)`` that counts down on ``console`` (for ``graphsc.sources.github``) and ends
    early when ``stop`` is set; ``reason`` may quote a server's message, so it is printed literally."""

    def wait(seconds: float, reason: str, stop: threading.Event) -> None:
        end = time.monotonic() + max(0.0, seconds)
        shown = escaped(reason)
        with console.status(f"{shown}: waiting {seconds:.0f} s") as status:
            while (left := end - time.monotonic()) > 0 and not stop.is_set():
                status.update(f"{shown}: waiting {left:.0f} s (Ctrl-C stops; a re-run resumes)")
                stop.wait(min(0.2, left))
        waited = seconds - max(0.0, end - time.monotonic())
        console.print(f"[yellow]waited {waited:.0f} s[/] for {shown}", markup=True)

    return wait
