"""Keeping credentials out of what graphsc prints, logs and stores.

A URL may carry credentials in its userinfo (``bolt://neo4j:secret@host:7687``,
``https://TOKEN@github.com``). Every URL that reaches a message, a log line or a stored key goes through
``redact_url`` (one URL) or ``redact_text`` (free text that may quote URLs, e.g. a driver's error message).
"""

from __future__ import annotations

import re

MASK = "***"

# scheme://userinfo@ — the userinfo runs to the last "@" before the host (a password may contain "@").
_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)(?P<userinfo>[^\s/?#'\"<>]*)@")


def _masked_userinfo(userinfo: str) -> str:
    """``user:password`` as ``user:***``; a lone user part (often a token) as ``***``."""
    user, sep, _password = userinfo.partition(":")
    return f"{user}:{MASK}" if sep else MASK


def redact_url(url: str) -> str:
    """``url`` with the credentials in its userinfo replaced by ``***`` (``bolt://neo4j:***@host:7687``).

    Takes any string; returns it unchanged when it has no ``scheme://...@`` part. Never raises.
    """
    return redact_text(url)


def redact_text(text: str) -> str:
    """``text`` with the credentials of every URL in it replaced by ``***`` (see ``redact_url``). Never raises."""
    if "@" not in text:
        return text
    return _USERINFO.sub(lambda m: m.group("scheme") + _masked_userinfo(m.group("userinfo")) + "@", text)


def has_credentials(url: str) -> bool:
    """Whether ``url`` carries a userinfo part (``user[:password]@``)."""
    return _USERINFO.search(url) is not None
