"""Data printed into terminals literally: ids, licenses and card values are written by strangers on the internet.

The one rule for every human output: graphsc's own fixed strings may use rich markup; every piece of data (ids,
licenses, paths, values from records, messages from servers) goes through ``literal`` (a ``rich.text.Text``, never
parsed as markup) or ``escaped`` (for the rare place that must build a markup string), and every console comes from
``console`` (emoji codes and highlighting off).
"""

from __future__ import annotations

import errno
import re
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.text import Text

# C0 and C1 control characters (ESC starts terminal sequences: clear screen, OSC 52 clipboard writes, hyperlinks)
# and the invisible formatting characters that reorder or hide text (bidi overrides and isolates as in
# "Trojan Source", CVE-2021-42574; zero-width characters; the byte order mark).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def visible(text: str) -> str:
    """``text`` with every control or invisible formatting character shown as its escape (``\\x1b``, ``\\n``,
    ``\\u202e``), so it cannot act on the terminal or reorder what is shown. Wrap the result in
    ``rich.text.Text`` (never a markup string) to print it."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def literal(value: object, style: str = "") -> Text:
    """Any value as inert text for rich: ``str(value)`` with control characters made visible, never read as markup
    or emoji codes. ``None`` prints as an empty string."""
    return Text("" if value is None else visible(str(value)), style=style)


def escaped(value: object) -> str:
    """Any value for a rich *markup* string: control characters made visible and ``[`` escaped, so ``[/]`` or
    ``[link=...]`` in data stays text. Prefer ``literal`` where a ``Text`` can be used."""
    return escape(visible("" if value is None else str(value)))


class _PipeAwareConsole(Console):
    """A rich ``Console`` that lets the CLI decide what a closed pipe means: rich's default exits with status 1 on
    ``BrokenPipeError``, the code of a ``graphsc licenses --fail-on`` hit."""

    def on_broken_pipe(self) -> None:
        """Print nothing more on this console and raise ``BrokenPipeError`` for the caller (``graphsc.cli``)."""
        self.quiet = True
        raise BrokenPipeError(errno.EPIPE, "the reader of this output closed it")


class _Stderr:
    """``sys.stderr`` for messages and progress, where a reader that went away (``graphsc ingest ... 2>&1 | head``)
    must not stop the work: writes to a closed pipe are dropped, so the command finishes and keeps its exit code.

    The stream is looked up at each write (tests swap ``sys.stderr``), unwrapping rich's own redirect: while a
    progress bar runs, rich replaces ``sys.stderr`` with a proxy that prints to the console — which writes here —
    so writing to the proxy would loop forever."""

    def __init__(self) -> None:
        self.closed_pipe = False

    @staticmethod
    def _stream() -> Any:
        stream = sys.stderr
        return getattr(stream, "rich_proxied_file", stream)

    def write(self, text: str) -> int:
        if not self.closed_pipe:
            try:
                written: int = self._stream().write(text)
                return written
            except BrokenPipeError:
                self.closed_pipe = True
        return len(text)

    def flush(self) -> None:
        if not self.closed_pipe:
            try:
                self._stream().flush()
            except BrokenPipeError:
                self.closed_pipe = True

    def isatty(self) -> bool:
        return bool(self._stream().isatty())

    def fileno(self) -> int:
        return int(self._stream().fileno())

    @property
    def encoding(self) -> str:
        return getattr(self._stream(), "encoding", "utf-8") or "utf-8"


STDERR = _Stderr()


def console(stderr: bool = False, **options: object) -> Console:
    """A rich console for graphsc's human output: no emoji codes (``:100:`` stays text), no automatic highlighting
    of numbers or URLs in data; ``stderr`` for messages and progress. A closed pipe raises ``BrokenPipeError``
    (rich itself would exit with status 1)."""
    base: dict[str, object] = {"highlight": False, "emoji": False}
    if stderr:
        base.update(stderr=True, file=STDERR, soft_wrap=True)
    base.update(options)
    return _PipeAwareConsole(**base)  # type: ignore[arg-type]
