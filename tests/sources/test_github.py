"""GitHub usage crawl: the real PyGithub client against the local fake GitHub, faults included."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from email.utils import formatdate

import pytest

from graphsc.errors import SourceError
from graphsc.ingest.github import ingest_github
from graphsc.records import SOURCE_GITHUB_CODE_SEARCH as SOURCE
from graphsc.sources.github import MAX_RATE_LIMIT_SECONDS, GitHubClient, rate_limit_wait, sleep_wait
from graphsc.store.sqlite import SQLiteStore
from tests.fake_github import (
    GPT2,
    SECONDARY_MESSAGE,
    FakeGitHub,
    Fault,
    invalid_query,
    populate,
    primary_limit,
    secondary_limit,
    server_error,
    too_many_requests,
)


class Waits:
    """Records waits and really sleeps them (rate-limit resets are a second or two ahead)."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, str]] = []

    def __call__(self, seconds: float, reason: str, stop: threading.Event) -> None:
        self.calls.append((seconds, reason))
        stop.wait(min(seconds, 3.0))


def client_for(fake: FakeGitHub, waits: Waits | None = None, **kw: float) -> GitHubClient:
    return GitHubClient(
        "test-token",
        fake.url,
        wait=waits or Waits(),
        backoff=kw.get("backoff", 0.01),
        retries=int(kw.get("retries", 3)),
        min_interval=0.0,
    )


def test_real_uses_become_repos_and_edges(store: SQLiteStore, fake_github: FakeGitHub) -> None:
    populate(fake_github)
    report = ingest_github(store, client_for(fake_github), [GPT2])
    uses = {u.user: u for u in store.uses_of([GPT2])}
    assert set(uses) == {"alice/chatbot", "bob/legacy-app"}  # legacy "gpt2" spelling found too
    assert all(u.source == SOURCE for u in uses.values())
    assert uses["alice/chatbot"].evidence == (
        "src/train.py:6 https://github.com/alice/chatbot/blob/0123456789abcdef0123456789abcdef01234567/src/train.py#L6"
    )
    assert uses["bob/legacy-app"].evidence.startswith("app.py:3 ")
    repos = {r.id: r for batch in store.iter_repos() for r in batch}
    assert repos["alice/chatbot"].license == "apache-2.0" and repos["alice/chatbot"].license_raw == "Apache-2.0"
    assert repos["alice/chatbot"].stars == 42 and repos["alice/chatbot"].pushed_at == "2025-03-01T00:00:00Z"
    assert repos["bob/legacy-app"].license is None and repos["bob/legacy-app"].archived is True
    assert set(repos) == {"alice/chatbot", "bob/legacy-app"}  # false positives leave no trace
    assert report.rejected >= 3 and report.uses == {GPT2: 2}
    search = [q for route, _, q in fake_github.requests if route == "search"]
    assert search and all(q.get("per_page") == ["100"] for q in search)


def test_text_match_media_type_is_requested(store: SQLiteStore, fake_github: FakeGitHub) -> None:
    populate(fake_github)
    client = client_for(fake_github)
    hits = [h for page in client.search_code(f'"{GPT2}" from_pretrained') for h in page]
    assert {h.repo for h in hits} >= {"alice/chatbot", "carol/commented"}
    assert all(h.fragments and h.fragments[0] for h in hits)
    assert hits[0].ref == "0123456789abcdef0123456789abcdef01234567"


def test_rerun_skips_finished_searches_unless_refresh(store: SQLiteStore, fake_github: FakeGitHub) -> None:
    populate(fake_github)
    first = ingest_github(store, client_for(fake_github), [GPT2])
    searches, repo_lookups = fake_github.count("search"), fake_github.count("repo")
    again = ingest_github(store, client_for(fake_github), [GPT2])
    assert again.queries_run == 0 and again.queries_cached == first.queries_run
    assert fake_github.count("search") == searches and fake_github.count("repo") == repo_lookups
    refreshed = ingest_github(store, client_for(fake_github), [GPT2], refresh=True)
    assert refreshed.queries_run == first.queries_run and fake_github.count("repo") > repo_lookups
    assert len(store.uses_of([GPT2])) == 2


def test_max_repos_stops_early_and_a_higher_limit_resumes(store: SQLiteStore, fake_github: FakeGitHub) -> None:
    populate(fake_github)
    ingest_github(store, client_for(fake_github), [GPT2], max_repos=1)
    assert len(store.uses_of([GPT2])) == 1
    ingest_github(store, client_for(fake_github), [GPT2], max_repos=5)
    assert len(store.uses_of([GPT2])) == 2


@pytest.mark.parametrize(
    "fault", [secondary_limit(1), primary_limit(1), too_many_requests(1)], ids=["secondary", "primary", "429"]
)
def test_rate_limits_wait_then_continue(store: SQLiteStore, fake_github: FakeGitHub, fault: object) -> None:
    populate(fake_github)
    fake_github.fail("search", fault)  # type: ignore[arg-type]
    fake_github.fail("repo", secondary_limit(1))
    waits = Waits()
    started = time.monotonic()
    ingest_github(store, client_for(fake_github, waits), [GPT2])
    assert len(store.uses_of([GPT2])) == 2
    assert len(waits.calls) == 2 and all("rate limit" in reason for _, reason in waits.calls)
    assert all(0 < seconds <= 3 for seconds, _ in waits.calls)
    assert time.monotonic() - started >= 1.0


def test_invalid_query_is_reported_and_skipped(store: SQLiteStore, fake_github: FakeGitHub) -> None:
    populate(fake_github)
    fake_github.fail("search", invalid_query())
    report = ingest_github(store, client_for(fake_github), [GPT2])
    assert len(report.invalid_queries) == 1
    assert report.invalid_queries[0][0] == f'"{GPT2}" from_pretrained'
    assert {u.user for u in store.uses_of([GPT2])} == {"bob/legacy-app"}  # found through another query
    assert store.get_state(f'github:search:"{GPT2}" from_pretrained') is None  # not recorded as done
    rerun = ingest_github(store, client_for(fake_github), [GPT2])
    assert rerun.queries_run == 1 and not rerun.invalid_queries
    assert {u.user for u in store.uses_of([GPT2])} == {"alice/chatbot", "bob/legacy-app"}


def test_server_errors_are_retried_with_backoff(store: SQLiteStore, fake_github: FakeGitHub) -> None:
    populate(fake_github)
    fake_github.fail("search", server_error(502), server_error(503))
    waits = Waits()
    ingest_github(store, client_for(fake_github, waits), [GPT2])
    assert [r for _, r in waits.calls if "HTTP 50" in r] and len(store.uses_of([GPT2])) == 2


def test_persistent_server_errors_raise_source_error(store: SQLiteStore, fake_github: FakeGitHub) -> None:
    populate(fake_github)
    fake_github.fail("search", *[server_error(500)] * 10)
    with pytest.raises(SourceError, match="still failing after 3 retries"):
        ingest_github(store, client_for(fake_github), [GPT2])


def test_rate_limit_wait_rules() -> None:
    assert rate_limit_wait(403, {"retry-after": "7"}, "") == (7.0, "secondary")
    assert rate_limit_wait(403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1010"}, "", now=1000.0) == (
        11.0,
        "primary",
    )
    assert rate_limit_wait(403, {}, "Resource not accessible by integration") is None
    assert rate_limit_wait(500, {"retry-after": "1"}, "") is None
    date = "Wed, 21 Oct 2015 07:28:00 GMT"  # an HTTP date (RFC 9110), 30 s after ``now``
    assert rate_limit_wait(403, {"retry-after": date}, "", now=1445412450.0) == (30.0, "secondary")
    assert rate_limit_wait(403, {"retry-after": "soon"}, "") == (60.0, "secondary")  # unreadable: the default


def test_a_rate_limit_asking_for_an_endless_wait_stops_with_a_source_error() -> None:
    # found by a tester: Retry-After: inf (or a reset days away) was obeyed with no upper bound
    from github import GithubException

    from graphsc.errors import SourceError
    from graphsc.sources.github import GitHubClient

    waited: list[float] = []
    client = GitHubClient("t0ken", base_url="http://127.0.0.1:9", wait=lambda s, reason, stop: waited.append(s))

    def refused() -> None:
        raise GithubException(429, {"message": "slow down"}, {"Retry-After": "inf"})

    with pytest.raises(SourceError, match="asks to wait inf s"):
        client._call("search", refused)
    assert waited == []


def test_an_http_date_retry_after_is_honoured(store: SQLiteStore, fake_github: FakeGitHub) -> None:
    # RFC 9110 lets Retry-After be a date; GitHub now reads it through the shared retry engine (was: 60 s default)
    populate(fake_github)
    when = formatdate(time.time() + 2, usegmt=True)
    fake_github.fail("search", Fault(403, {"Retry-After": when}, {"message": SECONDARY_MESSAGE}))
    waits = Waits()
    ingest_github(store, client_for(fake_github, waits), [GPT2])
    assert len(store.uses_of([GPT2])) == 2
    assert len(waits.calls) == 1 and "secondary rate limit" in waits.calls[0][1]
    assert 0 < waits.calls[0][0] <= 2.0 * 1.1  # the date's whole seconds, plus at most 10% jitter


def test_a_retry_after_date_beyond_the_cap_stops_at_once_with_the_fields(fake_github: FakeGitHub) -> None:
    populate(fake_github)
    when = formatdate(time.time() + 2 * MAX_RATE_LIMIT_SECONDS, usegmt=True)
    fake_github.fail("search", Fault(429, {"Retry-After": when}, {"message": "slow down"}))
    waits = Waits()
    with pytest.raises(SourceError, match="secondary rate limit asks to wait") as caught:
        next(client_for(fake_github, waits).search_code(f'"{GPT2}"'))
    assert waits.calls == [] and fake_github.count("search") == 1
    error = caught.value
    assert (error.source, error.status, error.attempts) == ("GitHub", 429, 1)
    assert error.url is not None and error.url.startswith(f"{fake_github.url}/search/code?q=")
    assert "Re-run later" in (error.hint or "")


def test_rate_limit_waits_stop_cleanly_after_the_cap(fake_github: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("graphsc.sources.github.MAX_RATE_LIMIT_WAITS", 2)
    populate(fake_github)
    fake_github.fail("repo", *[secondary_limit(0)] * 5)
    waits = Waits()
    with pytest.raises(SourceError, match="still limited after 2 waits") as caught:
        client_for(fake_github, waits).repo("alice/chatbot")
    assert fake_github.count("repo") == 3  # the first try and two waits, then a clean stop
    assert (caught.value.status, caught.value.attempts) == (403, 3)
    assert caught.value.url == f"{fake_github.url}/repos/alice/chatbot"


def test_persistent_server_errors_keep_status_attempts_and_url(fake_github: FakeGitHub) -> None:
    populate(fake_github)
    fake_github.fail("repo", *[server_error(503)] * 10)
    waits = Waits()
    with pytest.raises(SourceError, match="HTTP 503, still failing after 3 retries") as caught:
        client_for(fake_github, waits).repo("alice/chatbot")
    assert (caught.value.status, caught.value.attempts) == (503, 4)
    assert caught.value.reason == "repository alice/chatbot: HTTP 503, still failing after 3 retries"
    assert [reason for _, reason in waits.calls] == [
        f"GitHub HTTP 503, retry {n}/3 (repository alice/chatbot)" for n in (1, 2, 3)
    ]
    assert all(seconds <= 0.01 * 2**n for n, (seconds, _) in enumerate(waits.calls))  # jittered, never above


def test_a_stop_during_a_wait_ends_the_call(fake_github: FakeGitHub) -> None:
    populate(fake_github)
    fake_github.fail("repo", secondary_limit(1))
    stop = threading.Event()
    client = GitHubClient(
        "test-token", fake_github.url, wait=lambda seconds, reason, _stop: stop.set(), stop=stop, min_interval=0.0
    )
    with pytest.raises(SourceError, match="repository alice/chatbot: stopped"):
        client.repo("alice/chatbot")
    assert fake_github.count("repo") == 1


def _call_in_a_thread(call: Callable[[], object]) -> tuple[threading.Thread, list[BaseException]]:
    raised: list[BaseException] = []

    def run() -> None:
        try:
            call()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            raised.append(exc)

    thread = threading.Thread(target=run, daemon=True)  # daemon: a wait that ignores stop does not hold pytest
    thread.start()
    return thread, raised


@pytest.mark.parametrize("waiter", ["default", "countdown-like"])
def test_stop_cuts_a_long_rate_limit_wait_short(fake_github: FakeGitHub, waiter: str) -> None:
    """A 300 s secondary rate limit: setting ``stop`` ends the wait (default waiter, or one taking the event)."""
    populate(fake_github)
    fake_github.fail("repo", secondary_limit(300))
    stop = threading.Event()
    waiting = threading.Event()
    waits: list[tuple[float, str]] = []

    def stoppable_wait(seconds: float, reason: str, stop: threading.Event) -> None:
        waits.append((seconds, reason))
        waiting.set()
        stop.wait(seconds)

    def default_wait(seconds: float, reason: str, stop: threading.Event) -> None:
        waiting.set()
        sleep_wait(seconds, reason, stop)

    wait = stoppable_wait if waiter == "countdown-like" else default_wait
    client = GitHubClient("test-token", fake_github.url, wait=wait, stop=stop, min_interval=0.0)
    thread, raised = _call_in_a_thread(lambda: client.repo("alice/chatbot"))
    assert waiting.wait(30), "the call never started its wait"
    stop.set()
    thread.join(10)  # generous: the wait is 300 s
    assert not thread.is_alive(), "stop did not end the 300 s wait"
    assert len(raised) == 1 and isinstance(raised[0], SourceError), raised
    error = raised[0]
    assert error.reason == "repository alice/chatbot: stopped"
    assert (error.status, error.attempts) == (403, 1)  # the attempt made, not 0
    assert fake_github.count("repo") == 1


def test_the_default_waiter_returns_when_stop_is_set() -> None:
    stop = threading.Event()
    timer = threading.Timer(0.1, stop.set)
    timer.start()
    thread, _ = _call_in_a_thread(lambda: sleep_wait(300.0, "test", stop))
    thread.join(10)
    timer.cancel()
    assert not thread.is_alive()


def test_a_bad_token_error_keeps_its_fields_without_the_token(fake_github: FakeGitHub) -> None:
    populate(fake_github)
    fake_github.fail("repo", Fault(401, body={"message": "Bad credentials"}))
    with pytest.raises(SourceError, match="bad credentials") as caught:
        client_for(fake_github).repo("alice/chatbot")
    assert (caught.value.status, caught.value.attempts) == (401, 1)
    assert "test-token" not in str(vars(caught.value))
