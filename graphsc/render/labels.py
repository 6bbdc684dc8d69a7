"""How values read in the human views: a missing license, download counts, the colour of each relation.

A missing license reads ``NO_LICENSE`` (``(no license)``) in every table and tree, and ``NOT_FETCHED`` for a model
known only as someone's base; JSON keeps ``null``. Both constants live in ``graphsc.records`` because the license
engine and the analytics also use them as labels and count keys.
"""

from __future__ import annotations

from graphsc.records import ADAPTER, DISTILLATION, FINETUNE, MERGE, NO_LICENSE, NOT_FETCHED, QUANTIZED, Model

RELATION_STYLE: dict[str, str] = {
    FINETUNE: "green",
    ADAPTER: "cyan",
    QUANTIZED: "magenta",
    MERGE: "yellow",
    DISTILLATION: "blue",
}


def human_count(n: int | None) -> str:
    """1234567 → '1.2M'; None → '?'."""
    if n is None:
        return "?"
    for limit, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if n >= limit:
            return f"{n / limit:.1f}{suffix}"
    return str(n)


def license_text(license: str | None, fetched: bool = True) -> str:
    """A model's license as shown to people: as declared; if none, ``NO_LICENSE`` for a fetched model and
    ``NOT_FETCHED`` for a stub known only as someone's base (whose license is not known)."""
    return license or (NO_LICENSE if fetched else NOT_FETCHED)


def model_license_text(model: Model) -> str:
    """``license_text`` of ``model``."""
    return license_text(model.license, model.fetched)
