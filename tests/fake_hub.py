"""A local stand-in for the Hugging Face Hub API, for running the real ``huggingface_hub`` client in tests.

``FakeHub(records)`` serves, on 127.0.0.1 from a thread:

- ``GET /api/models/{id}``: the record, or 404 (401 for ids in ``private``) with the Hub's ``X-Error-Code``.
  Ids are matched ignoring case, as on the Hub: ``/api/models/QWEN/qwen2.5-0.5b`` answers the record stored as
  ``Qwen/Qwen2.5-0.5B``, whose ``id`` keeps the canonical casing. An id in ``renames`` (old id → new id, a repo
  renamed on the Hub) is answered, in any casing, with ``307 Temporary Redirect`` and ``Location:
  /api/models/<new id>`` (query kept), which ``huggingface_hub``'s HTTP client follows;
- ``GET /api/models?filter=&search=&author=&limit=&full=&cardData=&cursor=``: matching records in data order,
  ``page_size`` per page, with a ``Link: <...>; rel="next"`` cursor like the Hub. A filter matches a record with a
  tag equal to it ignoring case (so ``filter=base_model:X`` lists X's children, in any casing of X; a filter does
  not follow ``renames``: children tagged with a repo's old id are listed under the old id only),
  ``search`` is a case-insensitive substring of the id, ``author`` the id's namespace. ``cardData`` is only
  included when asked for, as on the Hub; with ``expand=<property>`` (repeated) an item holds its id and exactly
  those properties;
- the same for datasets and Spaces: ``GET /api/datasets/{id}``, ``GET /api/spaces/{id}`` (from ``datasets`` and
  ``spaces``; no renames, no security status) and their listings ``GET /api/datasets``, ``GET /api/spaces`` with the
  same query, pagination and ``expand`` rules;
- ``GET /api/{models,datasets,spaces}/{id}/revision/{revision}`` (what ``model_info``/``dataset_info``/``space_info``
  ask with ``revision=``): the record, whatever the revision.

An id in ``private`` answers 401: a model's id as it is, a dataset's or Space's as ``datasets/<id>`` or
``spaces/<id>`` (its huggingface.co path).

``identity_records()`` and ``IDENTITY_RENAMES`` are a small made-up Hub for id-identity tests: a renamed repo, a
child whose card still names the old id, a child tagged before the rename, and a model tagged in other casing.
``hub_model_record`` and ``space_record`` make up records in the Hub API's shape (for datasets, tests use real ones:
``tests/data/hub/datasets.jsonl``).

Faults (``add_fault``) make chosen requests fail: an HTTP status (e.g. 429 with ``Retry-After``, 500), a sleep
(longer than the client's timeout), a body cut short with a matching ``Content-Length`` (invalid JSON) or a
connection closed mid-body. A fault's ``match`` is a substring of the request target, so one fault can hit every
kind (``""``), one kind (``"/api/datasets"``) or one repo (``"/api/datasets/owner/name"``). Every request is counted, faulted or not. ``latency`` delays every answer (to see
what parallel requests buy).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

FaultKind = Literal["status", "sleep", "bad_json", "cut"]
KINDS = ("models", "datasets", "spaces")  # the API path of each kind of repo: /api/<kind>
LIST_FIELDS = (
    "_id",
    "id",
    "modelId",
    "author",
    "createdAt",
    "lastModified",
    "private",
    "gated",
    "disabled",
    "downloads",
    "likes",
    "library_name",
    "pipeline_tag",
    "tags",
)


@dataclass(slots=True)
class Fault:
    """Make matching requests fail. ``match`` is a substring of the raw request target ("" matches all);
    ``after`` skips the first N requests the server sees; ``times`` is how many requests it hits (None: all)."""

    kind: FaultKind
    match: str = ""
    times: int | None = 1
    after: int = 0
    status: int = 500
    retry_after: str | None = None
    seconds: float = 0.0


def load_records(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Hub records from JSONL files."""
    return [json.loads(line) for path in paths for line in Path(path).read_text().splitlines() if line.strip()]


class FakeHub:
    """The server; use as a context manager. ``url`` is its endpoint, ``requests`` the targets it was sent.

    ``records`` are the models, ``datasets`` and ``spaces`` the other kinds' records. ``private`` ids answer 401
    (``datasets/<id>``, ``spaces/<id>`` for the other kinds), ``renames`` (old model id → new) redirect,
    ``security`` (id → ``securityRepoStatus``) is added to a model's record when the request asks for it."""

    def __init__(
        self,
        records: list[dict[str, Any]],
        page_size: int = 5,
        private: Iterable[str] = (),
        latency: float = 0.0,
        renames: Mapping[str, str] | None = None,
        security: Mapping[str, Any] | None = None,
        datasets: Iterable[dict[str, Any]] = (),
        spaces: Iterable[dict[str, Any]] = (),
    ) -> None:
        self.records = {r["id"]: r for r in records}
        self.datasets = {r["id"]: r for r in datasets}
        self.spaces = {r["id"]: r for r in spaces}
        self.by_kind = {"models": self.records, "datasets": self.datasets, "spaces": self.spaces}
        # ``securityRepoStatus`` by model id: the Hub adds it to a model's record only when asked
        # (``?securityStatus=true``, what ``model_info(securityStatus=True)`` sends).
        self.security = {k.lower(): v for k, v in (security or {}).items()}
        self.renames = {old.lower(): new for old, new in (renames or {}).items()}
        self.latency = latency
        self.page_size = page_size
        self.private = {p.lower() for p in private}
        self.requests: list[str] = []
        self.faults: list[Fault] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-hub", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeHub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def add_fault(self, kind: FaultKind, **kwargs: Any) -> Fault:
        fault = Fault(kind, **kwargs)
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.requests)

    def reset_count(self) -> None:
        with self._lock:
            self.requests.clear()

    def _arrive(self, target: str) -> Fault | None:
        with self._lock:
            seen = len(self.requests)
            self.requests.append(target)
            for fault in self.faults:
                if seen >= fault.after and fault.match in target and (fault.times is None or fault.times > 0):
                    if fault.times is not None:
                        fault.times -= 1
                    return fault
        return None

    def record(self, model_id: str, kind: str = "models") -> dict[str, Any] | None:
        """The record ``GET /api/<kind>/{model_id}`` answers: ``model_id`` in any casing, as on the Hub."""
        records = self.by_kind[kind]
        found = records.get(model_id)
        if found is None:
            key = model_id.lower()
            found = next((r for rid, r in records.items() if rid.lower() == key), None)
        return found

    def listing(
        self, query: dict[str, list[str]], kind: str = "models"
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        """One page of ``GET /api/<kind>`` and the query of the next page (None on the last)."""
        filters = [f.lower() for f in query.get("filter", [])]
        search = query.get("search", [""])[0].lower()
        author = query.get("author", [None])[0]
        found = [
            r
            for r in self.by_kind[kind].values()
            if all(f in {t.lower() for t in r.get("tags") or [] if isinstance(t, str)} for f in filters)
            and search in r["id"].lower()
            and (author is None or r["id"].split("/", 1)[0] == author)
        ]
        size = min(self.page_size, int(query["limit"][0])) if "limit" in query else self.page_size
        start = int(query.get("cursor", ["0"])[0])
        page = [self._list_item(r, query) for r in found[start : start + size]]
        if start + size >= len(found):
            return page, None
        following = {k: v[0] if len(v) == 1 else v for k, v in query.items() if k != "cursor"}
        return page, {**following, "cursor": str(start + size)}

    @staticmethod
    def _list_item(record: dict[str, Any], query: dict[str, list[str]]) -> dict[str, Any]:
        if "expand" in query:  # exactly the properties asked for, besides the id (the Hub's ``expand`` rule)
            return {"_id": record.get("_id"), "id": record["id"]} | {
                k: record[k] for k in query["expand"] if k in record
            }
        full = query.get("full", ["false"])[0].lower() == "true"
        item = dict(record) if full else {k: record[k] for k in LIST_FIELDS if k in record}
        if query.get("cardData", ["false"])[0].lower() != "true":
            item.pop("cardData", None)
        elif "cardData" in record:
            item["cardData"] = record["cardData"]
        return item


def _handler_class(hub: FakeHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            try:
                self._serve()
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def _serve(self) -> None:
            fault = hub._arrive(self.path)
            if hub.latency:
                time.sleep(hub.latency)
            if fault is not None and fault.kind == "status":
                headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
                self._send(fault.status, {"error": f"injected HTTP {fault.status}"}, headers)
                return
            if fault is not None and fault.kind == "sleep":
                time.sleep(fault.seconds)
            status, body, headers = self._route()
            self._send(status, body, headers, fault.kind if fault is not None else None)

        def _route(self) -> tuple[int, Any, dict[str, str]]:
            parts = urlsplit(self.path)
            path = unquote(parts.path)
            for kind in KINDS:
                if path == f"/api/{kind}":
                    page, following = hub.listing(parse_qs(parts.query), kind)
                    headers = {}
                    if following is not None:
                        headers["Link"] = f'<{hub.url}/api/{kind}?{urlencode(following, doseq=True)}>; rel="next"'
                    return 200, page, headers
                if path.startswith(f"/api/{kind}/"):
                    repo_id = path[len(f"/api/{kind}/") :]
                    if "/revision/" in repo_id:  # ``<id>/revision/<revision>``: any revision is the record
                        repo_id = repo_id.split("/revision/", 1)[0]
                    return self._repo(kind, repo_id, parts.query)
            return 404, {"error": "Not found"}, {}

        def _repo(self, kind: str, repo_id: str, query: str) -> tuple[int, Any, dict[str, str]]:
            key = repo_id.lower()
            private = key if kind == "models" else f"{kind}/{key}"
            if private in hub.private:
                return 401, {"error": "Invalid username or password."}, {"X-Error-Code": "RepoNotFound"}
            if kind == "models" and key in hub.renames:
                location = f"/api/models/{hub.renames[key]}" + (f"?{query}" if query else "")
                return 307, {"error": "Repository moved", "url": location}, {"Location": location}
            found = hub.record(repo_id, kind)
            if found is not None:
                if kind == "models" and parse_qs(query).get("securityStatus") == ["true"] and key in hub.security:
                    found = {**found, "securityRepoStatus": hub.security[key]}
                return 200, found, {}
            return 404, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"}

        def _send(self, status: int, body: Any, headers: dict[str, str], damage: str | None = None) -> None:
            data = json.dumps(body).encode()
            sent = data[: len(data) // 2] if damage in ("bad_json", "cut") else data
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data) if damage == "cut" else len(sent)))
            for key, value in headers.items():
                self.send_header(key, value)
            if damage == "cut":
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(sent)
            self.wfile.flush()

    return Handler


def descendants_in_data(records: Iterable[dict[str, Any]], root: str, max_depth: int) -> dict[str, int]:
    """Every model within ``max_depth`` levels below ``root`` by the records' ``base_model:<id>`` tags, with its
    depth: what a crawl of ``root`` should find, worked out from the data rather than from the server."""
    children: dict[str, list[str]] = {}
    for record in records:
        for tag in record.get("tags") or []:
            if tag.startswith("base_model:") and tag.count(":") == 1:
                children.setdefault(tag[len("base_model:") :], []).append(record["id"])
    depth = {root: 0}
    frontier = [root]
    for level in range(1, max_depth + 1):
        frontier = [c for parent in frontier for c in children.get(parent, []) if c not in depth]
        depth.update((c, level) for c in frontier)
    return depth


# A made-up corner of the Hub for identity tests (ids in their canonical casing unless said otherwise).
RENAMED_OLD = "old-org/Old-Name"
RENAMED_NEW = "new-org/New-Name"
IDENTITY_RENAMES = {RENAMED_OLD: RENAMED_NEW}
CARD_KEEPS_OLD = "someone/Tuned-After-Rename"  # tags name the new id, the card still names the old one
TAGGED_OLD = "someone/Tuned-Before-Rename"  # tagged (and carded) with the old id, before the rename
QWEN = "Qwen/Qwen2.5-0.5B"
QWEN_LOWER_TAG = "someone/qwen-lowercase-tag"  # its card and tags spell its base qwen/qwen2.5-0.5b
QWEN_CHILD = "someone/Qwen-Child"  # tagged with the canonical casing


def _hub_record(
    model_id: str, base: str | None = None, card_base: str | None = None, relation: str = "finetune"
) -> dict[str, Any]:
    """A Hub API record (``GET /api/models/{id}`` shape) for ``model_id``: tagged ``base_model:<base>`` and
    ``base_model:<relation>:<base>`` as the Hub tags a derivative, its card naming ``card_base`` (default ``base``)."""
    return hub_model_record(model_id, base, card_base, relation)


def hub_model_record(
    model_id: str,
    base: str | None = None,
    card_base: str | None = None,
    relation: str = "finetune",
    datasets: Iterable[str] = (),
    spaces: Iterable[str] = (),
) -> dict[str, Any]:
    """A made-up Hub API model record (``GET /api/models/{id}`` shape) for ``model_id``: tagged ``base_model:<base>``
    and ``base_model:<relation>:<base>`` as the Hub tags a derivative, its card naming ``card_base`` (default
    ``base``); trained on ``datasets`` (card ``datasets`` and ``dataset:<id>`` tags, as the Hub writes them), used by
    the Spaces ``spaces`` (the record's ``spaces``)."""
    tags = ["transformers", "safetensors", "text-generation", "license:apache-2.0", "region:us"]
    card: dict[str, Any] = {"license": "apache-2.0", "library_name": "transformers"}
    if base is not None:
        tags[3:3] = [f"base_model:{base}", f"base_model:{relation}:{base}"]
    if card_base or base:
        card["base_model"] = card_base or base
    datasets = list(datasets)
    if datasets:
        card["datasets"] = datasets
        tags[3:3] = [f"dataset:{d}" for d in datasets]
    return {
        "_id": hashlib.sha1(model_id.encode()).hexdigest()[:24],
        "id": model_id,
        "modelId": model_id,
        "author": model_id.split("/", 1)[0],
        "sha": "0" * 40,
        "createdAt": "2025-01-02T03:04:05.000Z",
        "lastModified": "2025-02-03T04:05:06.000Z",
        "private": False,
        "gated": False,
        "disabled": False,
        "downloads": 10,
        "likes": 1,
        "library_name": "transformers",
        "pipeline_tag": "text-generation",
        "tags": tags,
        "cardData": card,
        "spaces": list(spaces),
    }


def space_record(
    space_id: str,
    sdk: str | None = "gradio",
    license: str | list[str] | None = "mit",
    models: Iterable[str] = (),
    card_models: Iterable[str] = (),
    likes: int = 3,
) -> dict[str, Any]:
    """A made-up Hub API Space record (``GET /api/spaces/{id}`` shape): the card's ``license`` (the Hub adds a
    ``license:`` tag per entry) and ``sdk``, the record's ``models`` (what the Hub fills from the card's ``models``;
    ``card_models`` adds some to the card only)."""
    licenses = [license] if isinstance(license, str) else list(license or [])
    card: dict[str, Any] = {"title": space_id.rsplit("/", 1)[-1], "sdk": sdk, "license": license}
    if card_models:
        card["models"] = list(card_models)
    return {
        "_id": hashlib.sha1(space_id.encode()).hexdigest()[:24],
        "id": space_id,
        "author": space_id.split("/", 1)[0],
        "sha": "1" * 40,
        "createdAt": "2025-03-04T05:06:07.000Z",
        "lastModified": "2025-04-05T06:07:08.000Z",
        "private": False,
        "gated": False,
        "disabled": False,
        "likes": likes,
        "sdk": sdk,
        "tags": [sdk, *(f"license:{x}" for x in licenses), "region:us"] if sdk else ["region:us"],
        "models": list(models),
        "datasets": [],
        "cardData": {k: v for k, v in card.items() if v is not None},
        "subdomain": space_id.replace("/", "-").lower(),
    }


def identity_records() -> list[dict[str, Any]]:
    """The identity-test Hub: ``RENAMED_NEW`` (once ``RENAMED_OLD``, which redirects to it with
    ``IDENTITY_RENAMES``) with two children, ``CARD_KEEPS_OLD`` (tag ``base_model:finetune:<new>``, card
    ``base_model: <old>``) and ``TAGGED_OLD`` (tags and card name ``<old>``); ``QWEN`` with ``QWEN_CHILD`` (tagged in
    the canonical casing) and ``QWEN_LOWER_TAG`` (tags and card spell ``qwen/qwen2.5-0.5b``)."""
    return [
        _hub_record(RENAMED_NEW),
        _hub_record(CARD_KEEPS_OLD, base=RENAMED_NEW, card_base=RENAMED_OLD),
        _hub_record(TAGGED_OLD, base=RENAMED_OLD),
        _hub_record(QWEN),
        _hub_record(QWEN_CHILD, base=QWEN, relation="quantized"),
        _hub_record(QWEN_LOWER_TAG, base=QWEN.lower(), relation="adapter"),
    ]
