"""How values read in the human views: a missing license, download counts, counts with their noun, shares, the
colour of each relation.

A missing license reads ``NO_LICENSE`` (``(no license)``) in every table and tree, and ``NOT_FETCHED`` for a model
known only as someone's base; JSON keeps ``null``. Both constants live in ``graphsc.records`` because the license
engine and the analytics also use them as labels and count keys.
"""

from __future__ import annotations

from collections.abc import Callable

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


def counted(n: int, singular: str, plural: str | None = None, number: Callable[[int], str] = "{:,}".format) -> str:
    """``n`` and the noun that agrees with it: ``counted(1, "child", "children")`` → '1 child',
    ``counted(2_000, "model")`` → '2,000 models' (``plural`` defaults to ``singular + "s"``; ``number`` writes
    the count, e.g. ``human_count``)."""
    return f"{number(n)} {singular if n == 1 else (plural or singular + 's')}"


NO_SHARE = "–"  # a share of nothing (an empty whole) has no percentage


def share(n: int, total: int) -> str:
    """``n`` as a percentage of ``total`` to one decimal ('42.7%'), or ``NO_SHARE`` when ``total`` is 0."""
    return f"{100 * n / total:.1f}%" if total else NO_SHARE
