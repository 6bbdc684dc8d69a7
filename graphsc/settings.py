"""Settings read from the environment, checked at the edge: a value graphsc cannot use is a ``ConfigError`` naming
the variable, the value (credentials redacted) and what is allowed — never a ``ValueError`` deep inside a client."""

from __future__ import annotations

import math
import os

from graphsc.errors import ConfigError


def env_url(name: str) -> str | None:
    """The http(s) URL environment variable ``name`` holds (e.g. ``HF_ENDPOINT``), or None when unset or blank.

    Checked before any client library reads it (huggingface_hub parses ``HF_ENDPOINT`` at import). Raises
    ``ConfigError`` (the value shown with credentials redacted) for anything but ``http(s)://host[:port][/path]``
    with a port in 1-65535 and no whitespace or control characters.
    """
    from urllib.parse import urlsplit

    from graphsc.redact import redact_text

    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return None
    allowed = "an http(s) URL: http(s)://host[:port][/path]"
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in raw):
        raise ConfigError(name, redact_text(raw), allowed)
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise ConfigError(name, redact_text(raw), allowed) from None
    if parts.scheme not in ("http", "https") or not parts.hostname or port == 0:
        raise ConfigError(name, redact_text(raw), allowed)
    return raw


def env_number(
    name: str, default: float, *, minimum: float, integer: bool = False, allowed: str, maximum: float = math.inf
) -> float:
    """The number environment variable ``name`` holds, or ``default`` when it is unset or blank.

    Takes the variable's name, its default, the smallest value allowed, whether it must be a whole number, and
    ``allowed`` (what to tell the user). Returns the value (an ``int`` when ``integer``). Raises ``ConfigError``
    naming the variable, its value and ``allowed`` for anything else (text, NaN, infinity, below ``minimum``).
    """
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    text = raw.strip()
    try:
        value: float = int(text) if integer else float(text)
    except (ValueError, OverflowError):
        raise ConfigError(name, raw, allowed) from None
    if not math.isfinite(value) or value < minimum or value > maximum:
        raise ConfigError(name, raw, allowed)
    return value
