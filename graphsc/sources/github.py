"""GitHub through PyGithub: code search with text matches, repository metadata, file contents.

PyGithub objects stay in this module; callers get ``CodeHit`` and ``RepoInfo``. PyGithub's own ``GithubRetry``
is switched off (``retry=None``): it sleeps inside urllib3 where nobody can see it and does not know 429s, so
this client retries through graphsc's one retry engine (``graphsc.sources.retry``, as the Hub client does) and
reports every wait through ``wait(seconds, reason, stop)`` (the CLI shows a countdown). What is GitHub's own is how a
failure is classified (``GitHubClient._classify``):

- rate limits — 403/429 with ``Retry-After`` (secondary; delay-seconds or an HTTP date) or
  ``X-RateLimit-Remaining: 0`` + ``X-RateLimit-Reset`` (primary): wait as told (plus a little jitter), then repeat
  the request, up to ``MAX_RATE_LIMIT_WAITS`` times; a wait beyond ``MAX_RATE_LIMIT_SECONDS`` (or ``inf``) is
  a ``SourceError`` at once;
- 5xx and connection errors: retry with capped exponential backoff and jitter, then ``SourceError``;
- 422 (GitHub rejects the query): ``InvalidQuery``, for the caller to report and skip;
- 401: ``SourceError`` naming the token.
"""

from __future__ import annotations

import base64
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar
from urllib.parse import parse_qs, quote, urlencode, urlparse

from graphsc.errors import GraphscError, SourceError
from graphsc.sources.retry import (
    GiveUp,
    Retrier,
    Retry,
    RetryPolicy,
    Waiter,
    parse_retry_after,
)

DEFAULT_API_URL = "https://api.github.com"
SEARCH_RESULT_CAP = 1_000  # GitHub returns at most this many results per search
DEFAULT_SECONDARY_WAIT = 60.0
MAX_RATE_LIMIT_WAITS = 50
MAX_BACKOFF_SECONDS = 60.0  # the cap of one backoff wait after a 5xx or connection error
# The longest wait graphsc accepts from a rate limit: GitHub's primary limit resets within the hour.
MAX_RATE_LIMIT_SECONDS = 3_700.0

T = TypeVar("T")


class InvalidQuery(Exception):
    """GitHub answered 422: the search query is not valid (the message says why)."""


class NotFound(Exception):
    """GitHub answered 404."""


@dataclass(frozen=True, slots=True)
class CodeHit:
    """One code-search result: the file and the text fragments GitHub matched in it."""

    repo: str
    path: str
    html_url: str
    ref: str | None
    fragments: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RepoInfo:
    """What graphsc keeps of ``GET /repos/{owner}/{repo}``; ``license_spdx`` is GitHub's detected SPDX id."""

    full_name: str
    license_spdx: str | None
    stars: int | None
    archived: bool | None
    pushed_at: str | None


def sleep_wait(seconds: float, reason: str, stop: threading.Event | None = None) -> None:
    """The default waiter: sleep, silently, until ``seconds`` have passed or ``stop`` is set."""
    if stop is None:
        time.sleep(max(0.0, seconds))
    else:
        stop.wait(max(0.0, seconds))


def rate_limit_wait(
    status: int, headers: dict[str, str], message: str, now: float | None = None
) -> tuple[float, str] | None:
    """``(seconds, kind)`` to wait before repeating a request GitHub refused for rate limiting, else None.

    ``Retry-After`` may be delay-seconds or an HTTP date (RFC 9110); one that is neither waits the default."""
    if status not in (403, 429):
        return None
    if (retry_after := headers.get("retry-after")) is not None:
        seconds = parse_retry_after(retry_after, now)
        return (DEFAULT_SECONDARY_WAIT if seconds is None else seconds), "secondary"
    if headers.get("x-ratelimit-remaining") == "0" and (reset := headers.get("x-ratelimit-reset", "")).isdigit():
        return max(0.0, int(reset) - (time.time() if now is None else now)) + 1.0, "primary"
    lowered = message.lower()
    if status == 429 or "rate limit" in lowered:
        return DEFAULT_SECONDARY_WAIT, "secondary"
    return None


def token_from_env() -> str:
    """``$GITHUB_TOKEN``, or a ``GraphscError`` explaining that code search needs one."""
    token = os.environ.get("GITHUB_TOKEN", "").strip()
    if not token:
        raise GraphscError(
            "GitHub code search requires authentication, and GITHUB_TOKEN is not set.",
            "Create a token (a fine-grained token with public read access is enough) and `export GITHUB_TOKEN=...`.",
        )
    return token


class GitHubClient:
    """A thin, retrying wrapper over PyGithub for the calls graphsc makes."""

    def __init__(
        self,
        token: str,
        base_url: str | None = None,
        *,
        wait: Waiter = sleep_wait,
        per_page: int = 100,
        retries: int = 4,
        backoff: float = 2.0,
        timeout: float = 30.0,
        min_interval: float = 0.25,
        stop: threading.Event | None = None,
    ) -> None:
        """``base_url`` defaults to ``$GITHUB_API_URL`` or api.github.com; ``min_interval`` is PyGithub's pause
        between requests (GitHub asks clients not to fire requests concurrently or in tight loops). ``retries``
        and ``backoff`` (the first backoff wait, seconds) shape the retries of 5xx and connection errors; setting
        ``stop`` makes a waiting call end at once with a ``SourceError`` ("stopped"). ``wait(seconds, reason,
        stop)`` does each wait and must return as soon as ``stop`` is set (``sleep_wait`` does); a two-argument
        ``wait(seconds, reason)`` is accepted, but a stop then takes effect only when it returns."""
        from github import Auth, Github

        from graphsc.settings import env_url

        self.base_url = (base_url or env_url("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")
        self._gh = Github(
            auth=Auth.Token(token),
            base_url=self.base_url,
            per_page=per_page,
            retry=None,
            timeout=int(timeout),
            seconds_between_requests=min_interval,
        )
        self._wait = wait
        self._per_page = per_page
        self.retrier = Retrier(
            RetryPolicy(
                attempts=retries + 1,
                base_delay=backoff,
                max_delay=max(backoff, MAX_BACKOFF_SECONDS),
                max_retry_after=MAX_RATE_LIMIT_SECONDS,
                rate_limit_waits=MAX_RATE_LIMIT_WAITS,
            ),
            stop,
            waiter=lambda seconds, note, stop: self._wait(seconds, f"GitHub {note}", stop),
        )

    def search_code(self, query: str, max_results: int = SEARCH_RESULT_CAP) -> Iterator[list[CodeHit]]:
        """Yield the results of a code search page by page (with text-match fragments); raises ``InvalidQuery``."""
        results = self._gh.search_code(query, highlight=True)
        seen = 0
        for page in range(SEARCH_RESULT_CAP // self._per_page):
            url = f"{self.base_url}/search/code?" + urlencode({"q": query, "page": page + 1})
            items = self._call(f"search {query!r} page {page + 1}", partial(results.get_page, page), url=url)
            if not items:
                return
            yield [_hit(item) for item in items]
            seen += len(items)
            if seen >= min(results.totalCount, max_results, SEARCH_RESULT_CAP) or len(items) < self._per_page:
                return

    def repo(self, full_name: str) -> RepoInfo | None:
        """The repository's metadata, or None if it no longer exists (or is not visible)."""
        try:
            data = self._call(
                f"repository {full_name}",
                lambda: self._gh.get_repo(full_name).raw_data,
                url=f"{self.base_url}/repos/{full_name}",
            )
        except NotFound:
            return None
        license_data = data.get("license") or {}
        return RepoInfo(
            full_name=str(data.get("full_name") or full_name),
            license_spdx=license_data.get("spdx_id") or license_data.get("key"),
            stars=data.get("stargazers_count"),
            archived=data.get("archived"),
            pushed_at=data.get("pushed_at"),
        )

    def file_text(self, repo: str, path: str, ref: str | None) -> str | None:
        """The text of a file at ``ref``, or None if it cannot be read (gone, binary, a directory)."""
        url = f"/repos/{repo}/contents/{quote(path)}"
        parameters = {"ref": ref} if ref else None
        try:
            _, data = self._call(
                f"file {repo}/{path}",
                lambda: self._gh.requester.requestJsonAndCheck("GET", url, parameters=parameters),
                url=self.base_url + url + (f"?{urlencode(parameters)}" if parameters else ""),
            )
        except NotFound:
            return None
        if not isinstance(data, dict) or data.get("encoding") != "base64" or not isinstance(data.get("content"), str):
            return None  # a directory, a submodule, or a file too large for the contents API
        try:
            return base64.b64decode(data["content"]).decode("utf-8")
        except (UnicodeDecodeError, ValueError):
            return None

    def _call(self, what: str, request: Callable[[], T], *, url: str | None = None) -> T:
        """``request()`` through the retry engine; GitHub's refusals mapped to ``InvalidQuery`` (422),
        ``NotFound`` (404) or ``SourceError`` (with ``url``, ``status`` and ``attempts``)."""
        from github import GithubException

        try:
            return self.retrier.call(request, self._classify, what)
        except GiveUp as exc:
            raise self._gave_up(what, url, exc) from None
        except GithubException as exc:
            status = int(exc.status or 0)
            message = _message(exc.data)
            if status == 422:
                raise InvalidQuery(message or "invalid query") from None
            if status == 404:
                raise NotFound(what) from None
            if status == 401:
                raise SourceError(
                    "GitHub",
                    f"{what}: bad credentials (401)",
                    "Check GITHUB_TOKEN: it may be expired or revoked.",
                    url=url,
                    status=status,
                    attempts=1,
                ) from None
            raise SourceError(
                "GitHub", f"{what}: HTTP {status} {message}".rstrip(), url=url, status=status, attempts=1
            ) from None

    @staticmethod
    def _classify(exc: BaseException) -> Retry | None:
        """GitHub's rules: which failures are retried (rate limits, 5xx, connection errors) and how long to wait."""
        import requests
        from github import GithubException

        if isinstance(exc, GithubException):
            status = int(exc.status or 0)
            headers = {str(k).lower(): str(v) for k, v in (exc.headers or {}).items()}
            limited = rate_limit_wait(status, headers, _message(exc.data))
            if limited is not None:
                return Retry(f"{limited[1]} rate limit", limited[0], rate_limited=True, status=status)
            return Retry(f"HTTP {status}", status=status) if status >= 500 else None
        if isinstance(exc, requests.RequestException):
            return Retry(f"connection error ({type(exc).__name__})")
        return None

    def _gave_up(self, what: str, url: str | None, exc: GiveUp) -> SourceError:
        fields: dict[str, Any] = {"url": url, "status": exc.status, "attempts": exc.attempts}
        if exc.reason == "stopped":
            return SourceError("GitHub", f"{what}: stopped", **fields)
        if exc.too_long:
            return SourceError(
                "GitHub",
                f"{what}: {exc.reason} asks to wait {exc.retry_after:.0f} s",
                "Re-run later (completed work is kept), or use a token with a higher limit.",
                **fields,
            )
        if exc.rate_limited:
            return SourceError(
                "GitHub",
                f"{what}: {exc.reason} (HTTP {exc.status}), still limited after {MAX_RATE_LIMIT_WAITS} waits",
                "Re-run later (completed work is kept), or use a token with a higher limit.",
                **fields,
            )
        retries = self.retrier.policy.attempts - 1
        return SourceError(
            "GitHub",
            f"{what}: {exc.reason}, still failing after {retries} retries",
            "GitHub may be having trouble; re-run later (finished searches are kept).",
            **fields,
        )


def _message(data: Any) -> str:
    if isinstance(data, dict):
        return str(data.get("message") or "")
    return str(data or "")


def _hit(item: Any) -> CodeHit:
    """A PyGithub ``ContentFileSearchResult`` → ``CodeHit`` (reads only what the search response carried)."""
    fragments = tuple(
        str(m.get("fragment") or "") for m in (item.text_matches or []) if m.get("property", "content") == "content"
    )
    ref = parse_qs(urlparse(item.url).query).get("ref", [None])[0] if item.url else None
    return CodeHit(item.repository.full_name, item.path, item.html_url, ref, fragments)
