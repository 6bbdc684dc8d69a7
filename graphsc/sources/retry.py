"""Retries for remote sources: exponential backoff with jitter, ``Retry-After``, and a pause shared by threads.

A source classifies each failure (``Retry`` or give up); ``Retrier.call`` does the waiting. When one worker is
told to wait (a 429 with ``Retry-After``), every worker sharing the ``Retrier`` waits too, so a thread pool does
not keep hammering a server that asked it to slow down.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

from graphsc.settings import env_number

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to retry.

    ``attempts`` counts every try (1 = no retries). The n-th wait is ``base_delay * 2**n`` capped at ``max_delay``,
    with "equal jitter" (half fixed, half random). A ``Retry-After`` up to ``max_retry_after`` seconds is honoured
    as given (plus up to 10% jitter); a longer one gives up at once, since the caller can resume later.
    """

    attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 30.0
    max_retry_after: float = 300.0

    @classmethod
    def from_env(cls) -> RetryPolicy:
        """The default policy, overridden by ``GRAPHSC_HF_RETRIES`` (attempts, a whole number >= 1) and
        ``GRAPHSC_HF_BACKOFF`` (base delay, seconds >= 0). Raises ``ConfigError`` for any other value."""
        default = cls()
        return cls(
            attempts=int(
                env_number(
                    "GRAPHSC_HF_RETRIES",
                    default.attempts,
                    minimum=1,
                    maximum=100,
                    integer=True,
                    allowed="a whole number of attempts from 1 to 100 (1 = no retries)",
                )
            ),
            base_delay=env_number(
                "GRAPHSC_HF_BACKOFF",
                default.base_delay,
                minimum=0.0,
                maximum=300.0,
                allowed="a number of seconds from 0 to 300",
            ),
        )

    def backoff(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (0-based) when the server gave no ``Retry-After``."""
        ceiling = min(self.max_delay, self.base_delay * (2**retry))
        return ceiling / 2 + random.uniform(0, ceiling / 2)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delay-seconds or an HTTP date; None if absent or unreadable."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = datetime.now(UTC).timestamp() if now is None else now
    return max(0.0, when.timestamp() - current)


@dataclass(frozen=True, slots=True)
class Retry:
    """A failure worth retrying: ``reason`` for the final message, ``retry_after`` if the server said when."""

    reason: str
    retry_after: float | None = None
    rate_limited: bool = False


class GiveUp(Exception):
    """Raised by ``Retrier.call`` after the last attempt (or a too-long ``Retry-After``)."""

    def __init__(self, reason: str, attempts: int, rate_limited: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.attempts = attempts
        self.rate_limited = rate_limited


class Retrier:
    """Runs calls under a ``RetryPolicy``; thread-safe, with one shared pause for all threads using it.

    ``stop`` (if given) cuts waits short: a waiting call then gives up, so an interrupted crawl ends quickly.
    """

    def __init__(self, policy: RetryPolicy, stop: threading.Event | None = None) -> None:
        self.policy = policy
        self.stop = stop or threading.Event()
        self._lock = threading.Lock()
        self._resume_at = 0.0
        self.retries = 0

    def call(self, fn: Callable[[], T], classify: Callable[[BaseException], Retry | None]) -> T:
        """Call ``fn`` until it returns; an exception ``classify`` maps to None propagates unchanged."""
        attempt = 0
        while True:
            self._wait_for_pause()
            try:
                return fn()
            except Exception as exc:
                retry = classify(exc)
                if retry is None:
                    raise
            attempt += 1
            too_long = retry.retry_after is not None and retry.retry_after > self.policy.max_retry_after
            if attempt >= self.policy.attempts or too_long or self.stop.is_set():
                raise GiveUp(retry.reason, attempt, retry.rate_limited) from None
            if retry.retry_after is not None:
                self._pause(retry.retry_after * (1 + random.uniform(0, 0.1)))
            else:
                self._sleep(self.policy.backoff(attempt - 1))
            with self._lock:
                self.retries += 1

    def _pause(self, seconds: float) -> None:
        with self._lock:
            self._resume_at = max(self._resume_at, time.monotonic() + seconds)

    def _wait_for_pause(self) -> None:
        with self._lock:
            remaining = self._resume_at - time.monotonic()
        if remaining > 0:
            self._sleep(remaining)

    def _sleep(self, seconds: float) -> None:
        if self.stop.wait(seconds):
            raise GiveUp("stopped", 0, False)
