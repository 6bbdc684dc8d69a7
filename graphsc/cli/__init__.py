"""The ``graphsc`` command line: a thin layer that wires sources, stores, analytics and renderers.

Each command lives in its own module and imports its heavy dependencies inside the command, so that
``graphsc lineage`` does not pay for NetworkX or the Hub client.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from graphsc.cli import (
    analytics,
    audit,
    bom,
    check,
    demo,
    diff,
    export,
    ingest,
    ingest_usage,
    licenses,
    lineage,
    neo4j,
    quality,
    query,
    risks,
    snapshot,
    trends,
    view,
)
from graphsc.cli.common import GraphscGroup
from graphsc.cli.errors import INTERRUPT_NOTE, interrupted, report_error, silence_closed_stdout

EXIT_PIPE_CLOSED = 0  # the reader of stdout went away (`graphsc licenses | head -1`): not an error, not a gate hit


# typer (0.29) checks option values with pydantic, whose message for a rejected value starts with this
VALIDATOR_PREFIX = "Value error, "


def without_validator_prefix(message: str) -> str:
    """An invalid option value's message without pydantic's ``Value error, `` prefix, which typer passes on:
    ``Invalid value for '--format': 'xml' is not one of 'tree', 'json'.``"""
    return message.removeprefix(VALIDATOR_PREFIX)


class RootGroup(GraphscGroup):
    """The ``graphsc`` group: ``GraphscGroup``, plus a reader closing stdout early ends the command quietly with
    ``EXIT_PIPE_CLOSED`` instead of click's exit 1 (the code of a ``--fail-on`` hit), and Ctrl-C in any command
    is the ``Interrupted`` error (exit 130) saying what the command keeps (``note_on_interrupt``), the one place
    ``KeyboardInterrupt`` is handled. An invalid option value's message loses typer's ``Value error, ``.
    """

    def invoke(self, ctx: Any) -> Any:
        token = INTERRUPT_NOTE.set(None)  # no note left over from an earlier command (tests run many)
        try:
            return super().invoke(ctx)
        except typer.BadParameter as error:
            error.message = without_validator_prefix(error.message)
            raise
        except BrokenPipeError:
            silence_closed_stdout()
            raise typer.Exit(EXIT_PIPE_CLOSED) from None
        except KeyboardInterrupt:
            raise typer.Exit(report_error(interrupted())) from None
        finally:
            INTERRUPT_NOTE.reset(token)


def _hide_flag_types() -> None:
    """Help shows no type where it says nothing useful: ``<bool>`` for on/off flags (``--write``, ``--help``: a flag
    takes no value) and ``<list[str]>`` for repeatable options and variadic arguments (their metavar says what to
    give). typer's rich help prints a Python type for every parameter; this patches ``display_type_rich`` of its
    option and argument classes once, and leaves a typer without it alone."""
    try:
        from typer.core import TyperArgument, TyperOption
    except ImportError:  # pragma: no cover - other typer layouts
        return
    for cls in (TyperOption, TyperArgument):
        shown = getattr(cls, "display_type_rich", None)
        if shown is None or getattr(shown, "graphsc_hides_types", False):
            continue

        def display_type_rich(self: Any, ctx: Any, _shown: Any = shown) -> str | None:
            if getattr(self, "is_flag", False) and self.metavar is None:
                return None
            if getattr(self, "multiple", False) or getattr(self, "nargs", 1) != 1:
                return None
            shown_type: str | None = _shown(self, ctx)
            return shown_type

        display_type_rich.graphsc_hides_types = True  # type: ignore[attr-defined]
        cls.display_type_rich = display_type_rich  # type: ignore[method-assign]


def package_version() -> str:
    """The installed graphsc distribution's version (``importlib.metadata``), or ``unknown`` when graphsc runs
    from a source tree that was never installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("graphsc")
    except PackageNotFoundError:
        return "unknown"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"graphsc {package_version()}")
        raise typer.Exit()


_hide_flag_types()
app = typer.Typer(
    cls=RootGroup,
    name="graphsc",
    help="The supply chain of pre-trained ML models as a graph: lineage, downstream use, licenses.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", is_eager=True, callback=_print_version, help="Print graphsc's version and exit."),
    ] = False,
) -> None:
    """Options of ``graphsc`` itself (``--version``); the commands do the work."""


ingest_usage.register(ingest.app)
app.add_typer(ingest.app, name="ingest")
lineage.register(app)
licenses.register(app)
demo.register(app)
analytics.register(app)
query.register(app)
neo4j.register(app)
quality.register(app)
bom.register(app)
snapshot.register(app)
diff.register(app)
check.register(app)
export.register(app)
view.register(app)
audit.register(app)
risks.register(app)
trends.register(app)


def main() -> None:
    """Console-script entry point. Output still buffered at exit is flushed here, so a reader that went away
    (``graphsc stats | head -1``) costs no ``BrokenPipeError`` message; the exit code stays the command's."""
    try:
        app()
    finally:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            silence_closed_stdout()
