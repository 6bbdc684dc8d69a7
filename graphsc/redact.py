"""Keeping credentials out of what graphsc prints, logs and stores.

A URL may carry credentials in its userinfo (``bolt://neo4j:secret@host:7687``,
``https://TOKEN@github.com``). Every URL that reaches a message, a log line or a stored key goes through
``redact_url`` (one URL) or ``redact_text`` (free text that may quote URLs, e.g. a driver's error message).
"""

from __future__ import annotations

import re

MASK = "***"

# scheme://userinfo@ — the userinfo runs to the last "@" of the URL (a password may hold "@", "#", "/" or "?").
_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)(?P<userinfo>\S*)@")
# ?password=... / &token=... in a query string
_SECRET_PARAMS = re.compile(
    r"(?i)(?P<key>[?&;](?:password|passwd|pwd|pass|token|secret|api[_-]?key|auth)=)[^&#\s:,;)]*"
)


def _masked_userinfo(userinfo: str) -> str:
    """``user:password`` as ``user:***``; a lone user part (often a token) as ``***``."""
    user, sep, _password = userinfo.partition(":")
    return f"{user}:{MASK}" if sep else MASK


def redact_url(url: str) -> str:
    """``url`` with its credentials replaced by ``***``: the userinfo (``bolt://neo4j:***@host:7687``; everything
    before the last ``@``, also without a scheme: ``neo4j:***@host``) and secret query parameters
    (``?password=***``). Takes any string (free text is passed to ``redact_text``); returns it unchanged when it
    has none. Never raises."""
    if any(c.isspace() for c in url.strip()):
        return redact_text(url)
    if "@" in url:
        head, _, host = url.rpartition("@")
        scheme, sep, userinfo = head.partition("://")
        if not sep:
            scheme, userinfo = "", head
        url = (f"{scheme}://" if sep else "") + _masked_userinfo(userinfo) + "@" + host
    return _SECRET_PARAMS.sub(lambda m: m.group("key") + MASK, url)


def redact_text(text: str) -> str:
    """``text`` with the credentials of every URL in it replaced by ``***`` (userinfo and secret query parameters,
    see ``redact_url``). Never raises."""
    if "@" in text:
        text = _USERINFO.sub(lambda m: m.group("scheme") + _masked_userinfo(m.group("userinfo")) + "@", text)
    return _SECRET_PARAMS.sub(lambda m: m.group("key") + MASK, text)


def has_credentials(url: str) -> bool:
    """Whether ``url`` carries a userinfo part (``user[:password]@``) or a secret query parameter."""
    return "@" in url or _SECRET_PARAMS.search(url) is not None
