"""How long computations report progress without knowing about the terminal."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Receives the phase a computation is in and how far it got (``total`` None: unknown)."""

    def phase(self, name: str, total: int | None = None) -> None: ...

    def advance(self, n: int = 1) -> None: ...


class NoProgress:
    """A ``Progress`` that reports nothing."""

    def phase(self, name: str, total: int | None = None) -> None:
        return None

    def advance(self, n: int = 1) -> None:
        return None


NO_PROGRESS = NoProgress()
