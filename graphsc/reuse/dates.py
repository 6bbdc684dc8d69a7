"""When a model was created, as every view over time reads it (``audit`` by year, ``trends`` by month).

One rule, so the same model is never in 2024 in one report and 2025 in another: ``created_at`` (the Hub's
``createdAt``, ISO 8601) converted to UTC; a value that is not a date, or whose year is before ``FIRST_YEAR`` or
that lies after the current month (a creation date cannot be in the future: a typo such as 2099), is undated.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

# The Hub opened in 2016; earlier years are placeholders (1970) or typos.
FIRST_YEAR = 2000
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def month_number(year: int, month: int) -> int:
    """``year * 12 + month - 1``: months as consecutive integers."""
    return year * 12 + month - 1


def current_month() -> int:
    """This month (UTC) as a month number."""
    now = datetime.now(UTC)
    return month_number(now.year, now.month)


def creation_month(value: object, latest: int | None = None) -> int | None:
    """The UTC month of a ``created_at`` value as a month number (``month_number``), or None when it is not a usable
    creation date: not text, not ISO 8601 (``2025-01-20T03:46:07.000Z``, ``…z``, ``2025-01-20``, ``2025-01``), a
    year before ``FIRST_YEAR``, or after ``latest`` (default: the current month). A time with an offset is converted
    to UTC first (``1999-12-31T23:59:59-01:00`` is January 2000)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    whole_month = _MONTH.fullmatch(text)
    if whole_month:
        year, month = int(whole_month[1]), int(whole_month[2])
    else:
        if text[-1:] in ("z", "Z"):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except (ValueError, OverflowError):
            return None
        if moment.tzinfo is not None:
            try:
                moment = moment.astimezone(UTC)
            except (ValueError, OverflowError):  # year 1 or 9999 pushed out of range by the offset
                return None
        year, month = moment.year, moment.month
    if year < FIRST_YEAR or not 1 <= month <= 12:
        return None
    found = month_number(year, month)
    return found if found <= (current_month() if latest is None else latest) else None


def creation_year(value: object, latest: int | None = None) -> int | None:
    """The UTC year of a ``created_at`` value under ``creation_month``'s rule, or None."""
    month = creation_month(value, latest)
    return None if month is None else month // 12
