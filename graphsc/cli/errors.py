"""The one table that turns graphsc errors into what the CLI prints and the exit code it returns."""

from __future__ import annotations

import os
import sys
from contextvars import ContextVar

from rich.console import Console

from graphsc.errors import (
    BadInputError,
    ConfigError,
    GraphscError,
    InputFileError,
    Interrupted,
    SourceError,
    StoreError,
    UnknownLicenseError,
    UnknownModelError,
)

# error class → the headline printed before the message
HEADLINES: tuple[tuple[type[GraphscError], str], ...] = (
    (UnknownModelError, "Unknown model"),
    (UnknownLicenseError, "Unknown license"),
    (BadInputError, "Malformed record"),
    (InputFileError, "Input file"),
    (StoreError, "Store error"),
    (SourceError, "Source error"),
    (ConfigError, "Setting"),
    (Interrupted, "Interrupted"),
    (GraphscError, "Error"),
)


def headline(error: GraphscError) -> str:
    """The headline for ``error``'s class (the most specific entry of ``HEADLINES``)."""
    return next(text for cls, text in HEADLINES if isinstance(error, cls))


def report_error(error: GraphscError, console: Console | None = None) -> int:
    """Print ``error`` (headline, message, hint) to stderr without a traceback; return the exit code."""
    from graphsc.render.text import console as text_console
    from graphsc.render.text import escaped

    console = console or text_console(stderr=True)
    # message and hint quote user input and data (ids, licenses): printed literally (control characters visible),
    # never as rich markup or emoji codes
    console.print(f"[bold red]{headline(error)}:[/] {escaped(error.message)}", markup=True)
    for line in error.details:
        console.print(f"  {escaped(line)}", markup=True)
    if error.hint:
        console.print(f"[yellow]hint:[/] {escaped(error.hint)}", markup=True)
    return error.exit_code


# What Ctrl-C keeps in the running command (``note_on_interrupt``); the root group resets it for each command.
INTERRUPT_NOTE: ContextVar[str | None] = ContextVar("graphsc_interrupt_note", default=None)


def note_on_interrupt(kept: str) -> None:
    """Say what an interruption (Ctrl-C) of the running command keeps and how to go on; the root group shows it
    as the ``Interrupted`` error's message."""
    INTERRUPT_NOTE.set(kept)


def interrupted() -> Interrupted:
    """The ``Interrupted`` error for a ``KeyboardInterrupt`` in the running command (with its note, if any)."""
    return Interrupted(INTERRUPT_NOTE.get())


def silence_closed_stdout() -> None:
    """After a reader closed stdout (``BrokenPipeError``): point stdout's file descriptor at the null device, so
    the interpreter's last flush of what is still buffered neither fails nor prints a second error (the recipe of
    the Python docs, "Note on SIGPIPE"). A stdout without a file descriptor (a test runner's) is left alone."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)
