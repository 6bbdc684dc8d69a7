"""Retries for remote sources: exponential backoff with jitter, ``Retry-After``, and a pause shared by threads.

The one retry engine of graphsc (the Hub and GitHub clients both use it; huggingface_hub's ``http_backoff`` is
the model). A source classifies each failure (``Retry`` or give up); ``Retrier.call`` does the waiting. When one
worker is told to wait (a 429 with ``Retry-After``), every worker sharing the ``Retrier`` waits too, so a thread
pool does not keep hammering a server that asked it to slow down. A ``Retry-After`` longer than the policy allows
(or not a number at all: ``inf``, ``nan``) gives up at once instead of waiting; setting ``stop`` ends a wait at
once, with or without a waiter (a waiter is given the event and returns when it is set).
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
    ``rate_limit_waits``: None counts rate-limited retries as attempts; a number counts them apart, allowing at
    most that many (a rate limit is the server's schedule, not a failure: GitHub's reset an hour away).
    """

    attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 30.0
    max_retry_after: float = 300.0
    rate_limit_waits: int | None = None

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
        return float(ceiling / 2 + random.uniform(0, ceiling / 2))


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
    """A failure worth retrying: ``reason`` for the final message (and the wait's note), ``retry_after`` if the
    server said when, ``status`` the HTTP status if there was an answer."""

    reason: str
    retry_after: float | None = None
    rate_limited: bool = False
    status: int | None = None


class GiveUp(Exception):
    """Raised by ``Retrier.call`` after the last attempt, for a too-long ``Retry-After`` (``too_long``: the
    server asked for ``retry_after`` seconds), or when stopped (``reason`` "stopped")."""

    def __init__(
        self,
        reason: str,
        attempts: int,
        rate_limited: bool,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        too_long: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.attempts = attempts
        self.rate_limited = rate_limited
        self.status = status
        self.retry_after = retry_after
        self.too_long = too_long


Waiter = Callable[[float, str, threading.Event], None]
"""``waiter(seconds, note, stop)``: wait ``seconds`` (e.g. showing a countdown with ``note``), returning as soon as
``stop`` is set; ``stop.wait(seconds)`` is the silent one."""


class Retrier:
    """Runs calls under a ``RetryPolicy``; thread-safe, with one shared pause for all threads using it.

    ``stop`` (if given) cuts waits short: a waiting call then gives up (``GiveUp`` "stopped", with the attempts
    made), so an interrupted crawl ends quickly. ``waiter`` (if given) does the waiting instead of a silent
    ``stop.wait``: ``waiter(seconds, note, stop)`` with a note saying why (``reason``, ``retry n/m`` for a
    backoff, and what the call was), e.g. to show a countdown, and the stop event, on which it must return early.
    """

    def __init__(
        self,
        policy: RetryPolicy,
        stop: threading.Event | None = None,
        waiter: Waiter | None = None,
    ) -> None:
        self.policy = policy
        self.stop = stop or threading.Event()
        self.waiter = waiter
        self._lock = threading.Lock()
        self._resume_at = 0.0
        self._pause_note = ""
        self.retries = 0

    def call(self, fn: Callable[[], T], classify: Callable[[BaseException], Retry | None], what: str = "") -> T:
        """Call ``fn`` until it returns; an exception ``classify`` maps to None propagates unchanged. ``what``
        names the call in the waiter's notes."""
        attempt = failures = limited = 0
        suffix = f" ({what})" if what else ""
        retry: Retry | None = None
        while True:
            self._wait_for_pause(attempt, retry)
            try:
                return fn()
            except Exception as exc:
                retry = classify(exc)
                if retry is None:
                    raise
            attempt += 1
            apart = retry.rate_limited and self.policy.rate_limit_waits is not None
            if apart:
                limited += 1
            else:
                failures += 1
            # ``not <=``: a NaN wait is too long too
            too_long = retry.retry_after is not None and not retry.retry_after <= self.policy.max_retry_after
            spent = limited > (self.policy.rate_limit_waits or 0) if apart else failures >= self.policy.attempts
            if spent or too_long or self.stop.is_set():
                raise GiveUp(
                    retry.reason,
                    attempt,
                    retry.rate_limited,
                    status=retry.status,
                    retry_after=retry.retry_after,
                    too_long=too_long,
                ) from None
            if retry.retry_after is not None:
                self._pause(retry.retry_after * (1 + random.uniform(0, 0.1)), retry.reason + suffix)
            else:
                note = f"{retry.reason}, retry {failures}/{self.policy.attempts - 1}{suffix}"
                self._sleep(self.policy.backoff(failures - 1), note, attempt, retry)
            with self._lock:
                self.retries += 1

    def _pause(self, seconds: float, note: str) -> None:
        with self._lock:
            until = time.monotonic() + seconds
            if until > self._resume_at:
                self._resume_at, self._pause_note = until, note

    def _wait_for_pause(self, attempts: int, last: Retry | None) -> None:
        with self._lock:
            remaining = self._resume_at - time.monotonic()
            note = self._pause_note
        if remaining > 0:
            self._sleep(remaining, note, attempts, last)

    def _sleep(self, seconds: float, note: str, attempts: int, last: Retry | None) -> None:
        """Wait ``seconds`` (through the waiter, if any), or until ``stop`` is set: then raise ``GiveUp``
        "stopped" with the ``attempts`` this call made and the ``last`` failure's status."""
        if not self.stop.is_set():
            if self.waiter is not None:
                self.waiter(seconds, note, self.stop)
            else:
                self.stop.wait(seconds)
        if self.stop.is_set():
            raise GiveUp(
                "stopped",
                attempts,
                last.rate_limited if last is not None else False,
                status=last.status if last is not None else None,
                retry_after=last.retry_after if last is not None else None,
            )
