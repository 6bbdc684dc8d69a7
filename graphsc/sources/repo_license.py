"""The one place that turns a repository's license as a source reports it into ``Repo.license``.

``Repo.license_raw`` keeps the source's values (ScanCode keys from PeaTMOSS, GitHub's SPDX id) joined with
`` AND ``; ``Repo.license`` gets the canonical id of each value from ``graphsc.license_table.normalize`` (the license
table is the only mapping), joined the same way. A value the table does not know is kept lowercased.
"""

from __future__ import annotations

from collections.abc import Sequence

from graphsc.license_table.normalize import normalize_license

_JOIN = " AND "


def canonical_repo_license_id(value: str) -> str:
    """The table's canonical id for one reported value (``bsd-new`` → ``bsd-3-clause``, GitHub's
    ``NOASSERTION`` → ``other``); the value lowercased when the table does not resolve it to one id."""
    return normalize_license(value).id or value.lower()


def normalize_repo_license(values: Sequence[str] | None) -> tuple[str | None, str | None]:
    """``(license, license_raw)`` for a repository reported to carry every one of ``values``.

    Several values become an ``AND`` expression (each license found in the repository applies); duplicates
    after normalisation are dropped. No values → ``(None, None)``.
    """
    raw = [v.strip() for v in values or () if v and v.strip()]
    if not raw:
        return None, None
    ids = list(dict.fromkeys(canonical_repo_license_id(v) for v in raw))
    return _JOIN.join(ids), _JOIN.join(raw)
