"""The retry engine on its own: ``stop`` ends every wait at once, and a stopped call reports what it did."""

from __future__ import annotations

import threading

import pytest

from graphsc.sources.retry import GiveUp, Retrier, Retry, RetryPolicy

LONG = 300.0


class Flaky(Exception):
    pass


def rate_limited(exc: BaseException) -> Retry | None:
    return Retry("rate limit", LONG, rate_limited=True, status=429) if isinstance(exc, Flaky) else None


def server_error(exc: BaseException) -> Retry | None:
    return Retry("HTTP 503", status=503) if isinstance(exc, Flaky) else None


def failing() -> None:
    raise Flaky


def run_until_stopped(retrier: Retrier, classify: object, started: threading.Event) -> GiveUp:
    """Run a call that always fails in a thread, set ``stop`` once a wait started, return the ``GiveUp``."""
    raised: list[BaseException] = []

    def run() -> None:
        try:
            retrier.call(failing, classify)  # type: ignore[arg-type]
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            raised.append(exc)

    thread = threading.Thread(target=run, daemon=True)  # daemon: a wait that ignores stop does not hold pytest
    thread.start()
    assert started.wait(30), "the call never waited"
    retrier.stop.set()
    thread.join(10)  # generous next to the 300 s wait
    assert not thread.is_alive(), "stop did not end the wait"
    assert len(raised) == 1 and isinstance(raised[0], GiveUp), raised
    return raised[0]


def test_a_waiter_gets_the_stop_event_and_a_stop_ends_a_long_wait() -> None:
    started = threading.Event()
    seen: list[threading.Event] = []

    def waiter(seconds: float, note: str, stop: threading.Event) -> None:
        seen.append(stop)
        started.set()
        stop.wait(seconds)

    retrier = Retrier(RetryPolicy(max_retry_after=LONG * 2), waiter=waiter)
    gave_up = run_until_stopped(retrier, rate_limited, started)
    assert seen == [retrier.stop]
    assert (gave_up.reason, gave_up.attempts, gave_up.status, gave_up.rate_limited) == ("stopped", 1, 429, True)


def test_without_a_waiter_a_stop_ends_a_long_backoff_and_counts_the_attempts() -> None:
    policy = RetryPolicy(attempts=10, base_delay=LONG, max_delay=LONG)
    started = threading.Event()
    retrier = Retrier(policy)
    attempts = 0

    def counting(exc: BaseException) -> Retry | None:
        nonlocal attempts
        attempts += 1
        started.set()
        return server_error(exc)

    gave_up = run_until_stopped(retrier, counting, started)
    assert (gave_up.reason, gave_up.attempts, gave_up.status) == ("stopped", attempts, 503)
    assert gave_up.attempts == 1  # one try, then stopped in its 150-300 s backoff


def test_a_stop_after_several_tries_reports_them_all() -> None:
    waits: list[float] = []
    stop = threading.Event()

    def waiter(seconds: float, note: str, stop_event: threading.Event) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            stop_event.set()

    retrier = Retrier(RetryPolicy(attempts=10, base_delay=0.0), stop, waiter)
    with pytest.raises(GiveUp) as caught:
        retrier.call(failing, server_error)
    assert (caught.value.reason, caught.value.attempts, caught.value.status) == ("stopped", 2, 503)
