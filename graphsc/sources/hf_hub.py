"""The live Hugging Face Hub as a source of model, dataset and Space records, over the real ``huggingface_hub`` client.

``huggingface_hub`` objects (``ModelInfo``, ``DatasetInfo``, ``SpaceInfo``) never leave this module: each is turned
back into the Hub JSON shape and converted by ``graphsc.sources.hub_records`` (``hub_datasets``, ``hub_spaces``) like
every other Hub record, a dump's included: one conversion, at the edge.

A dataset or Space the Hub would not give is a ``BadInput`` named by its huggingface.co path (``datasets/<id>``,
``spaces/<id>``, in the ``model_id`` field every Hub problem uses: ``repo_problem``), so a report can tell the kinds
apart and list them together.

Facts about ``huggingface_hub`` 2.x this relies on (read from its source):

- It speaks HTTP through ``httpx2`` with one shared client whose default timeout is None (wait forever).
  ``model_info``, ``dataset_info`` and ``space_info`` take ``timeout=`` and do not retry. ``list_models`` follows the ``Link: <...>; rel="next"``
  cursor through ``http_backoff`` (so do ``list_datasets`` and ``list_spaces``), which retries 429/5xx/network errors itself (5 retries, 1–8 s, integer
  ``Retry-After`` only) with no timeout and no way to configure either. So listings are paged here with the
  same session, headers and error mapping (``get_session``, ``build_hf_headers``, ``hf_raise_for_status``), one
  retry policy for everything, a timeout on every request, and retries per page that keep the cursor.
- ``HF_ENDPOINT`` is read once, when ``huggingface_hub`` is imported; ``HubClient`` reads it when it is created.
  ``HF_TOKEN`` is read by ``huggingface_hub`` on every request unless a token is passed.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import partial
from typing import Any, Literal, TypeVar

import httpx2
from huggingface_hub import DatasetInfo, HfApi, ModelInfo, SpaceInfo
from huggingface_hub.errors import HfHubHTTPError, HFValidationError
from huggingface_hub.repocard_data import CardData, ModelCardData
from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status, parse_ratelimit_headers

from graphsc.errors import BadInput, BadInputError, SourceError
from graphsc.ids import shown
from graphsc.records import DatasetRecord, ModelRecord, SpaceRecord, utc_timestamp
from graphsc.redact import redact_text
from graphsc.settings import env_number
from graphsc.sources.hub_datasets import dataset_record_from_hub
from graphsc.sources.hub_records import model_record_from_hub
from graphsc.sources.hub_spaces import space_record_from_hub
from graphsc.sources.retry import GiveUp, Retrier, Retry, RetryPolicy, parse_retry_after

DEFAULT_ENDPOINT = "https://huggingface.co"
DEFAULT_TIMEOUT = 10.0
MIN_TIMEOUT = 0.1  # as ``graphsc ingest hf --timeout`` allows
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# What ``ModelInfo(**record)`` (in ``model_info`` and for listing items) raises on a record whose fields have types it
# does not expect (e.g. ``siblings: [5]``, ``evalResults: [null]``, ``inferenceProviderMapping: [null]``), or
# nested too deep for the standard library's JSON decoder: the record is reported, not the crawl stopped.
UNREADABLE_RECORD = (TypeError, KeyError, ValueError, AttributeError, IndexError, RecursionError)

T = TypeVar("T")
R = TypeVar("R")

# A fetched record, or a model the Hub would not give us (unknown, gated/private) or whose record is unusable: a
# ``BadInput`` with ``model_id`` (and the ``url`` and ``status`` of the answer when there was one).
Fetched = ModelRecord | BadInput
# The same for a dataset or a Space: the ``BadInput`` names it ``datasets/<id>`` or ``spaces/<id>`` (``repo_problem``).
FetchedDataset = DatasetRecord | BadInput
FetchedSpace = SpaceRecord | BadInput

RepoKind = Literal["model", "dataset", "space"]
ListedKind = Literal["dataset", "space"]  # the kinds ``HubClient.repo_pages`` lists
# What each kind is called in messages, and the prefix of its huggingface.co path (which names it in a ``BadInput``).
KIND_NAMES: dict[str, str] = {"model": "model", "dataset": "dataset", "space": "Space"}
KIND_PREFIXES: dict[str, str] = {"model": "", "dataset": "datasets/", "space": "spaces/"}


# The model properties a listing asks for (the Hub's ``expand``: ``full=true`` leaves out ``config``, ``safetensors`` and
# ``gguf``, which custom code, parameters and quantization are read from). ``securityRepoStatus`` is not a listing
# property: only a model's own record (``model_info(securityStatus=True)``) carries the Hub's scan.
LISTING_EXPAND: tuple[str, ...] = (
    "author",
    "cardData",
    "config",
    "createdAt",
    "disabled",
    "downloads",
    "gated",
    "gguf",
    "lastModified",
    "library_name",
    "likes",
    "pipeline_tag",
    "private",
    "safetensors",
    "sha",
    "siblings",
    "spaces",
    "tags",
)
# The same for dataset and Space listings: every field ``dataset_record_from_hub`` / ``space_record_from_hub`` reads
# (``full=true`` would do for datasets too, but ``expand`` names the fields and keeps the three listings alike).
DATASET_LISTING_EXPAND: tuple[str, ...] = (
    "author",
    "cardData",
    "createdAt",
    "disabled",
    "downloads",
    "gated",
    "lastModified",
    "likes",
    "private",
    "sha",
    "tags",
)
SPACE_LISTING_EXPAND: tuple[str, ...] = (
    "author",
    "cardData",
    "createdAt",
    "datasets",
    "disabled",
    "lastModified",
    "likes",
    "models",
    "private",
    "sdk",
    "sha",
    "tags",
)


def repo_problem(
    kind: RepoKind, repo_id: str, reason: str, status: int | None = None, url: str | None = None
) -> BadInput:
    """A repo the Hub would not give (or whose record is unusable), named by its huggingface.co path: ``<id>`` for a
    model (``BadInput.of_model``), ``datasets/<id>``, ``spaces/<id>``."""
    return BadInput.of_model(KIND_PREFIXES[kind] + repo_id, reason, status, url)


class HubClient:
    """Fetches model records and listings from the Hub, with timeouts and retries; safe to share between threads.

    ``endpoint`` defaults to ``HF_ENDPOINT`` then huggingface.co, ``token`` to ``HF_TOKEN`` (then a saved login),
    ``timeout`` (seconds per request) to ``GRAPHSC_HF_TIMEOUT`` then 10, ``policy`` to ``RetryPolicy.from_env()``.
    Setting ``stop`` makes waiting calls give up and listings end early. Raises ``ConfigError`` when
    ``GRAPHSC_HF_TIMEOUT``, ``GRAPHSC_HF_RETRIES`` or ``GRAPHSC_HF_BACKOFF`` holds a value it cannot use.
    """

    def __init__(
        self,
        endpoint: str | None = None,
        token: str | None = None,
        timeout: float | None = None,
        policy: RetryPolicy | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.endpoint = (endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")
        self.token = token or os.environ.get("HF_TOKEN") or None
        self.timeout = (
            timeout
            if timeout is not None
            else env_number(
                "GRAPHSC_HF_TIMEOUT",
                DEFAULT_TIMEOUT,
                minimum=MIN_TIMEOUT,
                maximum=3600.0,
                allowed=f"a number of seconds from {MIN_TIMEOUT} to 3600",
            )
        )
        self.retrier = Retrier(policy or RetryPolicy.from_env(), stop)
        self._api = HfApi(endpoint=self.endpoint, token=self.token, library_name="graphsc")
        self._lock = threading.Lock()
        self.requests = 0

    @property
    def stop(self) -> threading.Event:
        return self.retrier.stop

    def model(self, model_id: str, fetched_at: str | None = None) -> Fetched:
        """One model's record (``GET /api/models/{id}``), or a ``BadInput`` if the Hub has none for us.

        The record's id is the Hub's canonical one, which need not be ``model_id``: the Hub looks ids up ignoring
        case, and answers a renamed repo's old id with a redirect (followed here) to the new one. The caller
        compares the two (``graphsc.ingest.hub`` records the old id as an alias)."""
        url = f"{self.endpoint}/api/models/{model_id}"
        info = self._info(
            "model", model_id, url, lambda: self._api.model_info(model_id, timeout=self.timeout, securityStatus=True)
        )
        return info if isinstance(info, BadInput) else _record(info, fetched_at, model_id, url)

    def dataset(self, dataset_id: str, fetched_at: str | None = None) -> FetchedDataset:
        """One dataset's record (``GET /api/datasets/{id}``, ``HfApi.dataset_info``), or a ``BadInput`` named
        ``datasets/<id>`` if the Hub has none for us. As for models, the record's id is the Hub's canonical one.
        Raises ``SourceError`` when the Hub fails past retrying (the caller decides whether the crawl goes on)."""
        url = f"{self.endpoint}/api/datasets/{dataset_id}"
        info = self._info("dataset", dataset_id, url, lambda: self._api.dataset_info(dataset_id, timeout=self.timeout))
        return info if isinstance(info, BadInput) else _dataset_record(info, fetched_at, dataset_id, url)

    def space(self, space_id: str, fetched_at: str | None = None) -> FetchedSpace:
        """One Space's record (``GET /api/spaces/{id}``, ``HfApi.space_info``), or a ``BadInput`` named
        ``spaces/<id>`` if the Hub has none for us. Raises ``SourceError`` when the Hub fails past retrying."""
        url = f"{self.endpoint}/api/spaces/{space_id}"
        info = self._info("space", space_id, url, lambda: self._api.space_info(space_id, timeout=self.timeout))
        return info if isinstance(info, BadInput) else _space_record(info, fetched_at, space_id, url)

    def _info(self, kind: RepoKind, repo_id: str, url: str, call: Callable[[], T]) -> T | BadInput:
        """``call``'s answer (retried), or the ``BadInput`` for a repo the Hub would not give or cannot be read."""
        try:
            return self._retrying(url, call)
        except HFValidationError:
            return repo_problem(kind, repo_id, f"not a valid {KIND_NAMES[kind]} id")
        except HfHubHTTPError as exc:
            status = exc.response.status_code if exc.response is not None else None
            return repo_problem(kind, repo_id, _unavailable_reason(status), status, _shown_url(url))
        except UNREADABLE_RECORD as exc:
            reason = f"unusable record: huggingface_hub cannot read it ({_error(exc)})"
            return repo_problem(kind, repo_id, reason, url=_shown_url(url))

    def pages(
        self,
        *,
        filter: str | None = None,
        author: str | None = None,
        search: str | None = None,
        limit: int | None = None,
        fetched_at: str | None = None,
    ) -> Iterator[list[Fetched]]:
        """``GET /api/models`` with the properties graphsc reads (``LISTING_EXPAND``), one page at a time, at most
        ``limit`` records."""
        optional = {"filter": filter, "author": author, "search": search, "limit": limit}
        return self._listing(
            "models", LISTING_EXPAND, optional, limit, partial(_record_from_json, fetched_at=fetched_at)
        )

    def repo_pages(
        self,
        kind: ListedKind,
        *,
        author: str | None = None,
        search: str | None = None,
        limit: int | None = None,
        fetched_at: str | None = None,
    ) -> Iterator[list[FetchedDataset | FetchedSpace]]:
        """``GET /api/datasets`` or ``/api/spaces`` (what ``HfApi.list_datasets``/``list_spaces(author=, search=,
        expand=)`` ask) with the properties graphsc reads (``DATASET_LISTING_EXPAND``/``SPACE_LISTING_EXPAND``), one
        page at a time, at most ``limit`` records."""
        api, expand, from_json = _REPO_LISTINGS[kind]
        optional = {"author": author, "search": search, "limit": limit}
        return self._listing(api, expand, optional, limit, partial(from_json, fetched_at=fetched_at))

    def _listing(
        self,
        api: str,
        expand: tuple[str, ...],
        optional: dict[str, Any],
        limit: int | None,
        convert: Callable[[Any], R],
    ) -> Iterator[list[R]]:
        """``GET /api/<api>`` page by page (following the ``Link`` cursor), each item ``convert``ed, at most
        ``limit`` items. A 4xx is a ``SourceError`` at once; other failures are retried per page."""
        params: dict[str, Any] = {"expand": list(expand)} | {k: v for k, v in optional.items() if v is not None}
        url: str | None = f"{self.endpoint}/api/{api}"
        remaining = limit
        while url is not None and not self.stop.is_set():
            try:
                page, url = self._retrying(url, partial(self._get_page, url, params, api))
            except HfHubHTTPError as exc:  # a 4xx: retrying will not help
                status = exc.response.status_code if exc.response is not None else None
                raise SourceError(
                    f"Hugging Face Hub {url}",
                    f"HTTP {'?' if status is None else status}",
                    _hint(self.endpoint),
                    url=url,
                    status=status,
                    attempts=1,
                ) from None
            params = {}  # the next link carries the query
            if remaining is not None:
                page = page[:remaining]
                remaining -= len(page)
                if remaining <= 0:
                    url = None
            yield [convert(item) for item in page]

    def children(self, model_id: str, fetched_at: str | None = None) -> Iterator[list[Fetched]]:
        """The models whose Hub tags name ``model_id`` as a base (``filter=base_model:<id>``), page by page."""
        return self.pages(filter=f"base_model:{model_id}", fetched_at=fetched_at)

    def _get_page(self, url: str, params: dict[str, Any], what: str = "models") -> tuple[list[Any], str | None]:
        headers = build_hf_headers(token=self.token, library_name="graphsc")
        try:
            response = get_session().get(url, params=params or None, headers=headers, timeout=self.timeout)
        except (httpx2.InvalidURL, httpx2.UnsupportedProtocol) as exc:
            # a URL the client cannot request: the endpoint or a server's next-page Link; retrying cannot help
            raise SourceError(
                f"Hugging Face Hub {shown(url)}",
                f"not a URL that can be requested ({exc})",
                _hint(self.endpoint),
                url=shown(url),
            ) from None
        hf_raise_for_status(response)
        page = response.json()
        if not isinstance(page, list):
            raise SourceError(
                f"Hugging Face Hub {url}",
                f"expected a JSON list of {what}, got {type(page).__name__}",
                _hint(self.endpoint),
                url=url,
                status=response.status_code,
            )
        return page, response.links.get("next", {}).get("url")

    def _retrying(self, url: str, fn: Callable[[], T]) -> T:
        def counted() -> T:
            with self._lock:
                self.requests += 1
            return fn()

        try:
            return self.retrier.call(counted, self._classify)
        except GiveUp as exc:
            raise self._source_error(url, exc) from None

    def _classify(self, exc: BaseException) -> Retry | None:
        if isinstance(exc, HfHubHTTPError) and exc.response is not None:
            status = exc.response.status_code
            if status not in RETRY_STATUSES:
                return None
            headers = exc.response.headers
            wait = parse_retry_after(headers.get("Retry-After"))
            limit = parse_ratelimit_headers(headers) if status == 429 else None
            if wait is None and limit is not None and limit.remaining == 0:
                wait = float(limit.reset_in_seconds)
            return Retry(f"HTTP {status}" + (" (rate limited)" if status == 429 else ""), wait, status == 429, status)
        if isinstance(exc, httpx2.TimeoutException):
            return Retry(f"no response within {self.timeout:g} s")
        if isinstance(exc, httpx2.TransportError):
            return Retry(f"connection failed ({exc or type(exc).__name__})")
        if isinstance(exc, json.JSONDecodeError):
            return Retry(f"truncated or invalid JSON response ({exc.msg})")
        return None

    def _source_error(self, url: str, exc: GiveUp) -> SourceError:
        fields: dict[str, Any] = {"url": url, "status": exc.status, "attempts": exc.attempts}
        if exc.reason == "stopped":
            return SourceError(f"Hugging Face Hub {url}", "stopped", **fields)
        attempts = f"after {exc.attempts} attempt{'s' if exc.attempts != 1 else ''}"
        if exc.rate_limited:
            hint = (
                "The Hub limits API calls (about 500 per 5 minutes anonymous, 1,000 with a token): set HF_TOKEN, "
                "use fewer --workers, or re-run later; completed work is kept and skipped on re-run."
            )
        else:
            hint = _hint(self.endpoint)
        return SourceError(f"Hugging Face Hub {url}", f"{exc.reason} {attempts}", hint, **fields)


def _hint(endpoint: str) -> str:
    return (
        f"Check the network and the Hub endpoint ({endpoint}; HF_ENDPOINT overrides it), then re-run: completed "
        "work is kept and skipped. GRAPHSC_HF_TIMEOUT / GRAPHSC_HF_RETRIES tune the timeout and retries."
    )


def _unavailable_reason(status: int | None) -> str:
    if status == 404:
        return "not found on the Hub (deleted, renamed or mistyped)"
    if status in (401, 403):
        return "private or gated: not visible with the current token (set HF_TOKEN to a token with access)"
    return f"the Hub answered HTTP {status}"


def _iso(value: datetime | None) -> str | None:
    """A datetime as the Hub writes it: ``2025-01-20T03:46:07.000Z``."""
    return None if value is None else utc_timestamp(value, milliseconds=True)


def hub_dict(info: ModelInfo) -> dict[str, Any]:
    """A ``ModelInfo`` back in the Hub JSON shape ``model_record_from_hub`` reads."""
    card = info.card_data
    return {
        "id": info.id,
        "author": info.author,
        "sha": info.sha,
        "createdAt": _iso(info.created_at),
        "lastModified": _iso(info.last_modified),
        "private": info.private,
        "gated": info.gated,
        "disabled": info.disabled,
        "downloads": info.downloads,
        "likes": info.likes,
        "library_name": info.library_name,
        "pipeline_tag": info.pipeline_tag,
        "tags": info.tags,
        "cardData": card.to_dict() if isinstance(card, ModelCardData) else card,  # type: ignore[no-untyped-call]
        "spaces": info.spaces,
        # the repository's own signals of how it was made (adapter files, GGUF, quantization config)
        "siblings": [{"rfilename": s.rfilename, "size": s.size} for s in info.siblings]
        if isinstance(info.siblings, list)
        else None,
        "config": info.config,
        "gguf": info.gguf,
        # what graphsc.sources.hub_details reads for audit and risks (parameters, the Hub's security scan)
        "safetensors": {"parameters": info.safetensors.parameters, "total": info.safetensors.total}
        if info.safetensors is not None
        else None,
        "securityRepoStatus": info.security_repo_status,
    }


def _record(info: ModelInfo, fetched_at: str | None, asked: str = "?", url: str | None = None) -> Fetched:
    """``info`` as a ``ModelRecord`` (its id is the record's own, the canonical one), or a ``BadInput`` named
    after the record's id, else ``asked``, if the record is unusable (``url``: where it was fetched from)."""
    url = _shown_url(url) if url is not None else None
    try:
        data = hub_dict(info)
    except UNREADABLE_RECORD as exc:  # e.g. a card ModelCardData cannot give back
        return BadInput.of_model(asked, f"unusable record: huggingface_hub cannot read it ({_error(exc)})", url=url)
    try:
        return model_record_from_hub(data, fetched_at)
    except BadInputError as exc:
        model_id = info.id if isinstance(info.id, str) and info.id else asked
        return BadInput.of_model(model_id, f"unusable record: {exc.reason}", url=url)


def _record_from_json(item: Any, fetched_at: str | None) -> Fetched:
    """A listing item, read through ``ModelInfo`` as ``list_models`` does, so both paths convert alike."""
    raw_id = item.get("id") if isinstance(item, dict) else None
    model_id = raw_id if isinstance(raw_id, str) and raw_id else "?"
    try:
        info = ModelInfo(**{**item, "siblings": item.get("siblings")})  # type: ignore[no-untyped-call]
    except UNREADABLE_RECORD as exc:
        return BadInput.of_model(model_id, f"unusable record: huggingface_hub cannot read it ({_error(exc)})")
    return _record(info, fetched_at, model_id)


def _shown_url(url: str) -> str:
    """A URL for a report: control characters visible (``shown``), credentials redacted."""
    return redact_text(shown(url))


def _error(exc: BaseException) -> str:
    """An exception as a short one-line reason."""
    return shown(f"{type(exc).__name__}: {exc}")


def _card(card: Any) -> Any:
    """A record's card metadata as the Hub JSON has it (``huggingface_hub`` wraps a dict in a ``CardData``)."""
    return card.to_dict() if isinstance(card, CardData) else card  # type: ignore[no-untyped-call]


def dataset_hub_dict(info: DatasetInfo) -> dict[str, Any]:
    """A ``DatasetInfo`` back in the Hub JSON shape ``dataset_record_from_hub`` reads."""
    return {
        "id": info.id,
        "author": info.author,
        "sha": info.sha,
        "createdAt": _iso(info.created_at),
        "lastModified": _iso(info.last_modified),
        "private": info.private,
        "gated": info.gated,
        "disabled": info.disabled,
        "downloads": info.downloads,
        "likes": info.likes,
        "tags": info.tags,
        "cardData": _card(info.card_data),
    }


def space_hub_dict(info: SpaceInfo) -> dict[str, Any]:
    """A ``SpaceInfo`` back in the Hub JSON shape ``space_record_from_hub`` reads."""
    return {
        "id": info.id,
        "author": info.author,
        "sha": info.sha,
        "createdAt": _iso(info.created_at),
        "lastModified": _iso(info.last_modified),
        "private": info.private,
        "gated": info.gated,
        "disabled": info.disabled,
        "likes": info.likes,
        "sdk": info.sdk,
        "tags": info.tags,
        "models": info.models,
        "datasets": info.datasets,
        "cardData": _card(info.card_data),
    }


def _dataset_record(
    info: DatasetInfo, fetched_at: str | None, asked: str = "?", url: str | None = None
) -> FetchedDataset:
    """``info`` as a ``DatasetRecord``, or a ``BadInput`` (``datasets/<id>``) if the record is unusable."""
    url = _shown_url(url) if url is not None else None
    try:
        return dataset_record_from_hub(dataset_hub_dict(info), fetched_at)
    except UNREADABLE_RECORD as exc:
        return repo_problem(
            "dataset", asked, f"unusable record: huggingface_hub cannot read it ({_error(exc)})", url=url
        )
    except BadInputError as exc:
        dataset_id = info.id if isinstance(info.id, str) and info.id else asked
        return repo_problem("dataset", dataset_id, f"unusable record: {exc.reason}", url=url)


def _space_record(info: SpaceInfo, fetched_at: str | None, asked: str = "?", url: str | None = None) -> FetchedSpace:
    """``info`` as a ``SpaceRecord``, or a ``BadInput`` (``spaces/<id>``) if the record is unusable."""
    url = _shown_url(url) if url is not None else None
    try:
        return space_record_from_hub(space_hub_dict(info), fetched_at)
    except UNREADABLE_RECORD as exc:
        return repo_problem("space", asked, f"unusable record: huggingface_hub cannot read it ({_error(exc)})", url=url)
    except BadInputError as exc:
        space_id = info.id if isinstance(info.id, str) and info.id else asked
        return repo_problem("space", space_id, f"unusable record: {exc.reason}", url=url)


def _item_id(item: Any) -> str:
    raw_id = item.get("id") if isinstance(item, dict) else None
    return raw_id if isinstance(raw_id, str) and raw_id else "?"


def _dataset_from_json(item: Any, fetched_at: str | None) -> FetchedDataset:
    """A dataset listing item, read through ``DatasetInfo`` as ``list_datasets`` does."""
    try:
        info = DatasetInfo(**item)  # type: ignore[no-untyped-call]
    except UNREADABLE_RECORD as exc:
        reason = f"unusable record: huggingface_hub cannot read it ({_error(exc)})"
        return repo_problem("dataset", _item_id(item), reason)
    return _dataset_record(info, fetched_at, _item_id(item))


def _space_from_json(item: Any, fetched_at: str | None) -> FetchedSpace:
    """A Space listing item, read through ``SpaceInfo`` as ``list_spaces`` does."""
    try:
        info = SpaceInfo(**item)  # type: ignore[no-untyped-call]
    except UNREADABLE_RECORD as exc:
        return repo_problem("space", _item_id(item), f"unusable record: huggingface_hub cannot read it ({_error(exc)})")
    return _space_record(info, fetched_at, _item_id(item))


# What ``HubClient.repo_pages`` asks and how it reads each kind: the API path, the listing's ``expand``, the converter.
_REPO_LISTINGS: dict[str, tuple[str, tuple[str, ...], Callable[..., FetchedDataset | FetchedSpace]]] = {
    "dataset": ("datasets", DATASET_LISTING_EXPAND, _dataset_from_json),
    "space": ("spaces", SPACE_LISTING_EXPAND, _space_from_json),
}
