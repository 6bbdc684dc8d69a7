"""A local stand-in for the GitHub REST API (127.0.0.1, stdlib ``ThreadingHTTPServer``).

Answers ``/search/code`` (with ``text_matches`` fragments when asked for the text-match media type),
``/repos/{owner}/{repo}``, ``/repos/{owner}/{repo}/license`` and ``/repos/{owner}/{repo}/contents/{path}``
with real-shaped JSON, so the real PyGithub client can be pointed at it with ``base_url``. Faults are queued
per route (``search``, ``repo``, ``license``, ``contents``) and served before normal answers.
"""

from __future__ import annotations

import base64
import json
import re
import shlex
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlparse

SECONDARY_MESSAGE = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
PRIMARY_MESSAGE = "API rate limit exceeded for user ID 1."


@dataclass
class FakeFile:
    repo: str
    path: str
    content: str
    ref: str = "0123456789abcdef0123456789abcdef01234567"


@dataclass
class FakeRepo:
    full_name: str
    spdx_id: str | None = "MIT"
    stars: int = 0
    archived: bool = False
    pushed_at: str = "2025-01-02T03:04:05Z"


@dataclass
class Fault:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None


def secondary_limit(retry_after: int = 1) -> Fault:
    return Fault(403, {"Retry-After": str(retry_after)}, {"message": SECONDARY_MESSAGE})


def primary_limit(reset_in: int = 1) -> Fault:
    headers = {
        "X-RateLimit-Limit": "10",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": str(int(time.time()) + reset_in),
    }
    return Fault(403, headers, {"message": PRIMARY_MESSAGE})


def too_many_requests(reset_in: int = 1) -> Fault:
    fault = primary_limit(reset_in)
    return Fault(429, fault.headers, fault.body)


def invalid_query() -> Fault:
    return Fault(422, body={"message": "Validation Failed", "errors": [{"message": "ERROR_TYPE_QUERY_PARSING_FATAL"}]})


def server_error(status: int = 502) -> Fault:
    return Fault(status, body={"message": "Server Error"})


class FakeGitHub:
    """The fake's data, fault queues and request log; ``start()`` serves it, ``url`` is the base URL."""

    def __init__(self) -> None:
        self.files: list[FakeFile] = []
        self.repos: dict[str, FakeRepo] = {}
        self.faults: dict[str, deque[Fault]] = defaultdict(deque)
        self.requests: list[tuple[str, str, dict[str, list[str]]]] = []  # (route, path, query)
        self.require_auth = True
        self._server: ThreadingHTTPServer | None = None

    def add_file(self, repo: str, path: str, content: str, **repo_fields: Any) -> None:
        self.files.append(FakeFile(repo, path, content))
        self.repos.setdefault(repo, FakeRepo(repo, **repo_fields))

    def fail(self, route: str, *faults: Fault) -> None:
        self.faults[route].extend(faults)

    def count(self, route: str) -> int:
        return sum(1 for r, _, _ in self.requests if r == route)

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeGitHub:
        fake = self

        class Handler(_Handler):
            github = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # answers

    def search(self, query: str, page: int, per_page: int, text_match: bool) -> dict[str, Any]:
        terms = [t for t in shlex.split(query) if ":" not in t or t.startswith("hf-hub:")]
        hits = [f for f in self.files if all(t in f.content for t in terms)]
        chunk = hits[(page - 1) * per_page : page * per_page]
        return {
            "total_count": len(hits),
            "incomplete_results": False,
            "items": [self._item(f, terms[0] if terms else "", text_match) for f in chunk],
        }

    def _item(self, file: FakeFile, term: str, text_match: bool) -> dict[str, Any]:
        base = self.url
        owner, name = file.repo.split("/")
        item: dict[str, Any] = {
            "name": file.path.rsplit("/", 1)[-1],
            "path": file.path,
            "sha": "a" * 40,
            "url": f"{base}/repos/{file.repo}/contents/{quote(file.path)}?ref={file.ref}",
            "git_url": f"{base}/repos/{file.repo}/git/blobs/{'a' * 40}",
            "html_url": f"https://github.com/{file.repo}/blob/{file.ref}/{file.path}",
            "repository": {
                "id": abs(hash(file.repo)) % 10**8,
                "name": name,
                "full_name": file.repo,
                "owner": {"login": owner, "id": 1, "type": "User"},
                "private": False,
                "html_url": f"https://github.com/{file.repo}",
                "url": f"{base}/repos/{file.repo}",
            },
            "score": 1.0,
        }
        if text_match:
            item["text_matches"] = [_text_match(file, term)]
        return item

    def repo(self, full_name: str) -> dict[str, Any] | None:
        repo = self.repos.get(full_name)
        if repo is None:
            return None
        owner, name = full_name.split("/")
        return {
            "id": abs(hash(full_name)) % 10**8,
            "name": name,
            "full_name": full_name,
            "owner": {"login": owner, "id": 1, "type": "User"},
            "private": False,
            "html_url": f"https://github.com/{full_name}",
            "url": f"{self.url}/repos/{full_name}",
            "stargazers_count": repo.stars,
            "watchers_count": repo.stars,
            "archived": repo.archived,
            "pushed_at": repo.pushed_at,
            "default_branch": "main",
            "license": _license(repo.spdx_id),
        }

    def contents(self, full_name: str, path: str) -> dict[str, Any] | None:
        for f in self.files:
            if f.repo == full_name and f.path == path:
                return {
                    "type": "file",
                    "encoding": "base64",
                    "name": path.rsplit("/", 1)[-1],
                    "path": path,
                    "sha": "a" * 40,
                    "size": len(f.content.encode()),
                    "content": base64.encodebytes(f.content.encode()).decode(),
                    "url": f"{self.url}/repos/{full_name}/contents/{quote(path)}",
                }
        return None


def _license(spdx_id: str | None) -> dict[str, Any] | None:
    if spdx_id is None:
        return None
    key = "other" if spdx_id == "NOASSERTION" else spdx_id.lower()
    return {"key": key, "name": spdx_id, "spdx_id": spdx_id, "url": None, "node_id": "L"}


def _text_match(file: FakeFile, term: str) -> dict[str, Any]:
    """A fragment like GitHub's: the lines around the first occurrence of ``term``."""
    lines = file.content.split("\n")
    at = next((i for i, line in enumerate(lines) if term and term in line), 0)
    fragment = "\n".join(lines[max(0, at - 3) : at + 4])
    start = fragment.find(term)
    return {
        "object_url": f"https://api.github.com/repositories/1/contents/{file.path}",
        "object_type": "FileContent",
        "property": "content",
        "fragment": fragment,
        "matches": [{"text": term, "indices": [start, start + len(term)]}] if start >= 0 else [],
    }


_REPO = re.compile(r"^/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)(?P<rest>/.*)?$")


class _Handler(BaseHTTPRequestHandler):
    github: FakeGitHub

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        url = urlparse(self.path)
        query = parse_qs(url.query)
        route, match = self._route(url.path)
        self.github.requests.append((route, url.path, query))
        if self.github.require_auth and not self.headers.get("Authorization"):
            return self._json(401, {"message": "Requires authentication"})
        faults = self.github.faults.get(route)
        if faults:
            fault = faults.popleft()
            return self._json(fault.status, fault.body or {"message": "error"}, fault.headers)
        if route == "search":
            text_match = "text-match" in (self.headers.get("Accept") or "")
            page = int(query.get("page", ["1"])[0])
            per_page = int(query.get("per_page", ["30"])[0])
            return self._json(200, self.github.search(query.get("q", [""])[0], page, per_page, text_match))
        if match is None:
            return self._json(404, {"message": "Not Found"})
        full_name = f"{match['owner']}/{match['name']}"
        if route == "repo":
            body = self.github.repo(full_name)
        elif route == "license":
            repo = self.github.repo(full_name)
            body = (
                None
                if repo is None or repo["license"] is None
                else {
                    "name": "LICENSE",
                    "path": "LICENSE",
                    "type": "file",
                    "encoding": "base64",
                    "content": "",
                    "license": repo["license"],
                }
            )
        else:
            body = self.github.contents(full_name, unquote(match["rest"][len("/contents/") :]))
        if body is None:
            return self._json(404, {"message": "Not Found"})
        return self._json(200, body)

    @staticmethod
    def _route(path: str) -> tuple[str, re.Match[str] | None]:
        if path == "/search/code":
            return "search", None
        match = _REPO.match(path)
        if match is None:
            return "other", None
        rest = match["rest"] or ""
        if rest == "":
            return "repo", match
        if rest == "/license":
            return "license", match
        if rest.startswith("/contents/"):
            return "contents", match
        return "other", match

    def _json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


# A small population of real-looking repositories: two real uses of GPT-2 and three false positives.
GPT2 = "openai-community/gpt2"

TRAIN = """import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


def main():
    tokenizer = AutoTokenizer.from_pretrained("openai-community/gpt2")
    model = AutoModelForCausalLM.from_pretrained("openai-community/gpt2")
    return model
"""
LEGACY = 'from transformers import pipeline\n\ngen = pipeline("text-generation", model="gpt2")\nprint(gen("hi"))\n'
COMMENTED = (
    '# model = AutoModel.from_pretrained("openai-community/gpt2")\nmodel = AutoModel.from_pretrained(args.model)\n'
)
LONGER = 'model = AutoModel.from_pretrained("openai-community/gpt2-large")\n'
README = 'Load it with `AutoModel.from_pretrained("openai-community/gpt2")`.\n'


def populate(fake: FakeGitHub) -> None:
    fake.add_file(
        "alice/chatbot", "src/train.py", TRAIN, spdx_id="Apache-2.0", stars=42, pushed_at="2025-03-01T00:00:00Z"
    )
    fake.add_file("bob/legacy-app", "app.py", LEGACY, spdx_id=None, stars=3, archived=True)
    fake.add_file("carol/commented", "main.py", COMMENTED)
    fake.add_file("dave/large", "run.py", LONGER)
    fake.add_file("erin/docs", "README.md", README)
