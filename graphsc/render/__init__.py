"""Every view of graphsc's results, and the one place a command's output is written (``emit``).

Each renderer module is one format of one view, named ``<view>_<format>``: ``table``/``tree`` print on a rich
console, ``json`` builds a JSON-ready document (a ``graphsc.<command>/1`` schema), ``csv`` returns CSV text.
The other modules are parts the renderers share: ``text`` (data printed literally, consoles), ``labels`` (how
values read: a missing license, counts, relation colours), ``bars`` (bar charts), ``csv_rows`` (CSV writers),
``licenses_shared`` (numbers and links every licenses format shows), ``query_values`` (Cypher values as data).

A command computes its result, then calls ``emit`` with the format the user chose and a renderer per format it
offers; ``emit`` picks one (as pipdeptree's ``render(options, tree)`` does). JSON text is made only by
``json_text``, CSV only by the ``*_csv`` renderers on ``csv_rows``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

if TYPE_CHECKING:
    from rich.console import Console

JSON = "json"
CSV = "csv"
TERMINAL_FORMATS = frozenset({"table", "tree"})  # the human views: a table, or lineage's trees

# orjson, not the standard library: its indenting encoder is pure Python (2.7 of 4.4 s for a 15,000-descendant
# lineage document; 30% of a whole-Hub licenses report). Numpy scalars are written as the numbers they hold.
_JSON_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY


def json_text(doc: object, *, inline: bool = False) -> str:
    """``doc`` as JSON text, no trailing newline: indented by 2, non-ASCII written as is (control characters
    escaped), floats in their shortest round-trip form, NaN and infinities as ``null``.

    ``inline``: on one line, spaced as people read it (``{"a": 1, "b": [1, 2]}``), for a map inside a table or CSV
    cell; orjson has no spaced compact form, so this one small case uses the standard library."""
    if inline:
        return json.dumps(doc, ensure_ascii=False)
    return orjson.dumps(doc, option=_JSON_OPTIONS).decode()


def emit(
    output_format: str,
    *,
    terminal: Callable[[Console], None] | None = None,
    document: Callable[[], object] | None = None,
    csv: Callable[[], str] | None = None,
    texts: Mapping[str, Callable[[], str]] | None = None,
    output: Path | None = None,
) -> None:
    """Write a command's output in ``output_format`` (a format name or a ``str`` enum of them) on stdout, or into
    the file ``output`` when given:

    - ``json``: ``document()`` as ``json_text`` and a newline;
    - ``csv``: the text ``csv()`` returns;
    - a name in ``texts`` (e.g. a BOM format, ``cyclonedx``): the text its renderer returns, ending in a newline;
    - ``table`` / ``tree``: ``terminal`` prints the view on graphsc's console (``graphsc.render.text.console``).

    Each factory is called only for its format, so a command builds nothing it does not show. A format the command
    gave no renderer for is a ``ValueError`` (the command's ``--format`` choices should not allow it)."""
    output_format = str(getattr(output_format, "value", output_format))
    if output_format == JSON and document is not None:
        _write(json_text(document()) + "\n", output)
    elif output_format == CSV and csv is not None:
        _write(csv(), output)
    elif texts is not None and output_format in texts:
        text = texts[output_format]()
        _write(text if text.endswith("\n") else text + "\n", output)
    elif output_format in TERMINAL_FORMATS and terminal is not None and output is None:
        from graphsc.render.text import console

        terminal(console())
    else:
        raise ValueError(f"no renderer for --format {output_format}" + (" into a file" if output else ""))


def _write(text: str, output: Path | None) -> None:
    """``text`` on stdout (also for ``output`` ``-``), or into the file ``output``: a regular file (or a new one) is written whole beside it,
    then renamed into place, so a reader never sees half a document; a symlink is followed to its target; anything
    else that exists (a FIFO, ``/dev/stdout``, a device) is written into as it is, never replaced. The directory
    must exist. Raises ``GraphscError`` when the file cannot be written."""
    if output is None or str(output) == "-":  # "-" is stdout, as ingest reads "-" as stdin
        sys.stdout.write(text)
        return
    from graphsc.errors import GraphscError

    if not output.name:
        raise GraphscError(f"--output {str(output)!r} names no file.", "Give a file path, or - for stdout.")

    target = output.resolve() if output.is_symlink() else output
    partial = target.with_name(target.name + ".partial")
    try:
        if target.exists() and not target.is_file():
            with target.open("w", encoding="utf-8") as stream:
                stream.write(text)
            return
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise GraphscError(
            f"Cannot write {output}: {exc.strerror or exc}", "Check the directory exists and is writable."
        ) from None
