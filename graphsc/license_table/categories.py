"""License categories (the table's ``category`` of each license) and the one a node shows when it has several."""

from __future__ import annotations

from collections.abc import Iterable

from graphsc.license_table.table import default_table

# License categories from the most to the least restrictive: a node whose licenses fall in several shows the first.
CATEGORY_ORDER: tuple[str, ...] = (
    "non-commercial",
    "proprietary",
    "copyleft",
    "rail",
    "model-community",
    "unknown",
    "permissive",
    "public-domain",
)


def category(license_ids: Iterable[str]) -> str:
    """The license category a node shows: the most restrictive (``CATEGORY_ORDER``) of its licenses' categories in
    the license table; ``unknown`` when none is known."""
    table = default_table()
    found = {table.licenses[i].category for i in license_ids if i in table.licenses}
    found |= {"unknown" for i in license_ids if i in table.licenses and table.licenses[i].status != "known"}
    for name in CATEGORY_ORDER:
        if name in found:
            return name
    return next(iter(sorted(found)), "unknown")
