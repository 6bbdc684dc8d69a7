"""The one place that turns a repository's license as a source reports it into ``Repo.license``.

``Repo.license_raw`` keeps the source's values (ScanCode keys from PeaTMOSS, GitHub's SPDX id) joined with
`` AND ``; ``Repo.license`` gets a best-effort lowercase SPDX-like id or expression. This is deliberately tiny:
when ``graphsc.licenses.normalize`` lands, ``normalize_repo_license`` should call it instead of ``_ALIASES``.
"""

from __future__ import annotations

from collections.abc import Sequence

# ScanCode keys (and GitHub spellings) whose SPDX id differs from the key; other keys pass through lowercased.
_ALIASES: dict[str, str] = {
    "bsd-new": "bsd-3-clause",
    "bsd-simplified": "bsd-2-clause",
    "clear-bsd": "bsd-3-clause-clear",
    "gpl-1.0-plus": "gpl-1.0-or-later",
    "gpl-2.0-plus": "gpl-2.0-or-later",
    "gpl-3.0-plus": "gpl-3.0-or-later",
    "lgpl-2.0-plus": "lgpl-2.0-or-later",
    "lgpl-2.1-plus": "lgpl-2.1-or-later",
    "lgpl-3.0-plus": "lgpl-3.0-or-later",
    "agpl-3.0-plus": "agpl-3.0-or-later",
    "python": "psf-2.0",
    "noassertion": "other",  # GitHub: a license file it could not identify
}
_JOIN = " AND "


def normalize_repo_license(values: Sequence[str] | None) -> tuple[str | None, str | None]:
    """``(license, license_raw)`` for a repository reported to carry every one of ``values``.

    Several values become an ``AND`` expression (each license found in the repository applies); duplicates
    after normalisation are dropped. No values → ``(None, None)``.
    """
    raw = [v.strip() for v in values or () if v and v.strip()]
    if not raw:
        return None, None
    ids = list(dict.fromkeys(_ALIASES.get(v.lower(), v.lower()) for v in raw))
    return _JOIN.join(ids), _JOIN.join(raw)
