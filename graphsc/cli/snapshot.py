"""``graphsc snapshot save|list|delete``: the graph's state recorded by name, for ``graphsc diff`` later."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from graphsc.cli.common import DbOption, StoreOption, open_cli_store

if TYPE_CHECKING:
    from graphsc.snapshot.state import GraphState

CURRENT = "current graph"  # the label of the store's own state in a diff

app = typer.Typer(
    name="snapshot",
    help="Record the graph's state by name (models, licenses, edges, usage, findings) for a later `graphsc diff`.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def snapshots_of(db: Path | None, store: str | None) -> Path:
    """The directory holding the named snapshots of the store chosen with ``--db`` / ``--store``."""
    from graphsc.snapshot.files import snapshot_dir
    from graphsc.store import StoreConfig

    return snapshot_dir(db, StoreConfig(kind=store, db_path=db).resolved_kind())


def current_state(db: Path | None, store: str | None) -> GraphState:
    """The state of the store chosen with ``--db`` / ``--store`` (read whole, with a license check)."""
    from graphsc.snapshot.state import state_from_store

    with open_cli_store(db, store, write=False) as graph:
        return state_from_store(graph, CURRENT)


def resolve_state(text: str, db: Path | None, store: str | None) -> GraphState:
    """The state ``text`` names: an existing file (a snapshot or a graphsc database), else a saved snapshot's
    name. Raises ``SnapshotError`` naming the saved snapshots when it is neither."""
    from graphsc.snapshot.files import SnapshotError, list_snapshots, load_state, named_path, state_from_file

    path = Path(text).expanduser()
    if path.is_file():
        return state_from_file(path)
    directory = snapshots_of(db, store)
    try:
        named = named_path(directory, text)
    except SnapshotError:
        named = None
    if named is not None and named.is_file():
        state = load_state(named)
        state.label = text
        return state
    saved = [name for name, _ in list_snapshots(directory)]
    raise SnapshotError(
        f"{text!r} is neither a file nor a saved snapshot (in {directory}).",
        ("Saved snapshots: " + ", ".join(saved) + "." if saved else "No snapshot is saved for this store yet.")
        + " Save one with `graphsc snapshot save NAME`.",
    )


@app.command("save")
def save(
    name: Annotated[str, typer.Argument(help="A name for this state, e.g. before-refresh or 2026-11-30.")],
    file: Annotated[
        Path | None,
        typer.Option("--file", help="Write the snapshot to this file instead of the store's snapshot directory."),
    ] = None,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Record the graph's state as NAME, for a later `graphsc diff`.

    Keeps every model with its license, author, gated and fetched; lineage, training and usage edges; aliases;
    and the license findings, by their stable keys. Replaces an earlier snapshot of the same name."""
    import time

    from graphsc.render.labels import counted
    from graphsc.render.text import console, literal
    from graphsc.snapshot.files import SnapshotError, check_name, named_path, save_state
    from graphsc.snapshot.state import state_from_store

    check_name(name)
    started = time.perf_counter()
    if file is not None:
        if not file.parent.is_dir():
            raise SnapshotError(f"Cannot write the snapshot to {file}: no directory {file.parent}.", "Create it first.")
        target = file
    else:
        directory = snapshots_of(db, store)
        directory.mkdir(parents=True, exist_ok=True)
        target = named_path(directory, name)
    with open_cli_store(db, store, write=False) as graph:
        state = state_from_store(graph, name)
    save_state(state, target)
    parts = [
        counted(len(state.models), "model"),
        counted(len(state.lineage), "lineage edge"),
        counted(len(state.usage), "usage", "usages"),
        counted(len(state.findings), "finding"),
    ]
    console().print(
        literal(f"Saved snapshot {name}: {', '.join(parts)} in {time.perf_counter() - started:.1f} s → {target}")
    )


@app.command("list")
def list_saved(db: DbOption = None, store: StoreOption = None) -> None:
    """List the saved snapshots of the store: name, when it was taken, and its file."""
    from graphsc.render.text import console, literal
    from graphsc.snapshot.files import list_snapshots, load_meta

    directory = snapshots_of(db, store)
    saved = list_snapshots(directory)
    out = console()
    if not saved:
        out.print(literal(f"No snapshots in {directory}. Save one with `graphsc snapshot save NAME`."))
        return
    from rich.table import Table

    table = Table("snapshot", "taken at (UTC)", "file", box=None)
    for name, path in saved:
        table.add_row(literal(name), literal(load_meta(path).get("taken_at", "?")), literal(str(path)))
    out.print(table)


@app.command("delete")
def delete(
    name: Annotated[str, typer.Argument(help="The snapshot to delete.")],
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Delete the saved snapshot NAME."""
    from graphsc.render.text import console, literal
    from graphsc.snapshot.files import SnapshotError, named_path

    path = named_path(snapshots_of(db, store), name)
    if not path.is_file():
        raise SnapshotError(f"No saved snapshot {name!r} ({path}).", "`graphsc snapshot list` shows the saved ones.")
    path.unlink()
    console().print(literal(f"Deleted snapshot {name}."))


def register(root: typer.Typer) -> None:
    """Add ``graphsc snapshot`` to ``root``."""
    root.add_typer(app, name="snapshot")
