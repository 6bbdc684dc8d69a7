"""Data printed into terminals literally: ids, licenses and card values are written by strangers on the internet."""

from __future__ import annotations

import re

# C0 and C1 control characters (ESC starts terminal sequences: clear screen, OSC 52 clipboard writes, hyperlinks)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` with every control character shown as its escape (``\\x1b``, ``\\n``), so it cannot act on the
    terminal. Wrap the result in ``rich.text.Text`` (never a markup string) to print it."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
