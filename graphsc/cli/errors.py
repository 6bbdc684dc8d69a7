"""The one table that turns graphsc errors into what the CLI prints and the exit code it returns."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.markup import escape

from graphsc.errors import (
    ConfigError, GraphscError, InputFileError, MalformedRecordError, SourceError, StoreError, UnknownLicenseError, UnknownModelError,
)

# error class → the headline printed before the message
HEADLINES: tuple[tuple[type[GraphscError], str], ...] = (
    (UnknownModelError, "Unknown model"),
    (UnknownLicenseError, "Unknown license"),
    (MalformedRecordError, "Malformed record"),
    (InputFileError, "Input file"),
    (StoreError, "Store error"),
    (SourceError, "Source error"),
    (ConfigError, "Setting"),
    (GraphscError, "Error"),
)


def headline(error: GraphscError) -> str:
    return next(text for cls, text in HEADLINES if isinstance(error, cls))


def report_error(error: GraphscError, console: Console | None = None) -> int:
    """Print ``error`` (headline, message, hint) to stderr without a traceback; return the exit code."""
    console = console or Console(stderr=True, file=sys.stderr, highlight=False, soft_wrap=True)
    # message and hint quote user input and data (ids, licenses): printed literally, never as rich markup
    console.print(f"[bold red]{headline(error)}:[/] {escape(error.message)}", markup=True)
    if error.hint:
        console.print(f"[yellow]hint:[/] {escape(error.hint)}", markup=True)
    return error.exit_code
