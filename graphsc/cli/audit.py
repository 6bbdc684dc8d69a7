"""``graphsc audit``: placeholder until its command lands (issue 19)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add ``graphsc audit`` to ``app``."""
