"""Downstream usage from GitHub code search into a store: Repo nodes and USES edges with file evidence.

For each model, every spelling code may use (its id and the legacy ids that redirect to it) is searched with
the queries of ``graphsc.sources.code_match``; a hit counts only if the matcher finds the id as a loader's
model argument in GitHub's matched fragment. Each kept repository is written with its GitHub metadata and
a USES edge whose evidence is ``path:line url``.

Resumable: a finished search is recorded in the store's state (``github:search:<query>``) and skipped on the
next run unless ``refresh``; repository metadata already fetched (``github:repo:<owner/name>``) likewise.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from graphsc.records import SOURCE_GITHUB_CODE_SEARCH, USER_REPO, GraphBatch, Repo, Uses, utc_timestamp
from graphsc.sources.code_match import CodeUse, find_uses, is_code_path, search_queries
from graphsc.sources.github import CodeHit, GitHubClient, InvalidQuery
from graphsc.sources.legacy_ids import model_id_spellings
from graphsc.sources.repo_license import normalize_repo_license
from graphsc.store.base import GraphStore

SEARCH_STATE = "github:search:"
REPO_STATE = "github:repo:"
DEFAULT_MAX_REPOS = 100


@dataclass(slots=True)
class GithubReport:
    """What a GitHub usage crawl did."""

    queries_run: int = 0
    queries_cached: int = 0
    invalid_queries: list[tuple[str, str]] = field(default_factory=list)
    hits: int = 0
    rejected: int = 0
    uses: dict[str, int] = field(default_factory=dict)  # model id → repositories using it (new and earlier)
    repos_fetched: int = 0
    seconds: float = 0.0


def ingest_github(
    store: GraphStore,
    client: GitHubClient,
    model_ids: Sequence[str],
    *,
    max_repos: int = DEFAULT_MAX_REPOS,
    refresh: bool = False,
    on_message: Callable[[str], None] | None = None,
) -> GithubReport:
    """Search GitHub for code that loads each of ``model_ids`` and write what is found (see module doc)."""
    started = time.perf_counter()
    report = GithubReport()
    say = on_message or (lambda _text: None)
    for requested in model_ids:
        spellings = model_id_spellings(requested)
        model_id = spellings[0]
        found = (
            set()
            if refresh
            else {
                u.user
                for u in store.uses_of([model_id])
                if u.source == SOURCE_GITHUB_CODE_SEARCH and u.user_kind == USER_REPO
            }
        )
        for spelling in spellings:
            for query in search_queries(spelling):
                if len(found) >= max_repos:
                    break
                if not refresh and _search_done(store, query, max_repos):
                    report.queries_cached += 1
                    continue
                say(f"searching {query}")
                try:
                    complete = _run_search(store, client, query, spelling, model_id, found, max_repos, refresh, report)
                except InvalidQuery as exc:
                    report.invalid_queries.append((query, str(exc)))
                    say(f"GitHub rejected the query {query} (422: {exc}); skipped")
                    continue
                report.queries_run += 1
                store.set_state(
                    {
                        SEARCH_STATE + query: json.dumps(
                            {"at": utc_timestamp(), "complete": complete, "max_repos": max_repos}
                        )
                    }
                )
        report.uses[model_id] = len(found)
    report.seconds = time.perf_counter() - started
    return report


def _search_done(store: GraphStore, query: str, max_repos: int) -> bool:
    """True if an earlier run finished this search, or stopped it at a ``--max-repos`` at least as high."""
    value = store.get_state(SEARCH_STATE + query)
    if value is None:
        return False
    try:
        state = json.loads(value)
    except json.JSONDecodeError:
        return False
    return bool(state.get("complete")) or int(state.get("max_repos", 0)) >= max_repos


def _run_search(
    store: GraphStore,
    client: GitHubClient,
    query: str,
    spelling: str,
    model_id: str,
    found: set[str],
    max_repos: int,
    refresh: bool,
    report: GithubReport,
) -> bool:
    """Run one search, writing each page's new uses; True if every result was seen."""
    for page in client.search_code(query):
        kept: list[tuple[CodeHit, CodeUse]] = []
        for hit in page:
            report.hits += 1
            if hit.repo in found:
                continue
            use = _first_use(hit, spelling)
            if use is None:
                report.rejected += 1
                continue
            found.add(hit.repo)
            kept.append((hit, use))
            if len(found) >= max_repos:
                break
        if kept:
            _write_uses(store, client, model_id, kept, refresh, report)
        if len(found) >= max_repos:
            return False
    return True


def _first_use(hit: CodeHit, model_id: str) -> CodeUse | None:
    if not is_code_path(hit.path):
        return None
    notebook = hit.path.lower().endswith(".ipynb")
    for fragment in hit.fragments:
        if uses := find_uses(fragment, model_id, notebook=notebook):
            return uses[0]
    return None


def _write_uses(
    store: GraphStore,
    client: GitHubClient,
    model_id: str,
    kept: list[tuple[CodeHit, CodeUse]],
    refresh: bool,
    report: GithubReport,
) -> None:
    fetched_at = utc_timestamp()
    batch = GraphBatch()
    fetched_repos: dict[str, str] = {}
    for hit, use in kept:
        if refresh or store.get_state(REPO_STATE + hit.repo) is None:
            batch.repos.append(_repo(client, hit.repo, fetched_at))
            fetched_repos[REPO_STATE + hit.repo] = fetched_at
            report.repos_fetched += 1
        batch.uses.append(
            Uses(hit.repo, USER_REPO, model_id, SOURCE_GITHUB_CODE_SEARCH, _evidence(client, hit, use), fetched_at)
        )
    store.write(batch)
    if fetched_repos:
        store.set_state(fetched_repos)


def _repo(client: GitHubClient, full_name: str, fetched_at: str) -> Repo:
    info = client.repo(full_name)
    if info is None:
        return Repo(full_name, fetched_at=fetched_at)
    license_id, raw = normalize_repo_license([info.license_spdx] if info.license_spdx else None)
    return Repo(full_name, license_id, raw, info.stars, info.archived, info.pushed_at, fetched_at)


def _evidence(client: GitHubClient, hit: CodeHit, use: CodeUse) -> str:
    """``path:line url#Lline`` when the matched line can be found in the file, else ``path url``."""
    needle = use.text.strip()
    text = client.file_text(hit.repo, hit.path, hit.ref) if needle else None
    if text is not None:
        for number, line in enumerate(text.splitlines(), start=1):
            if needle in line:
                return f"{hit.path}:{number} {hit.html_url}#L{number}"
    return f"{hit.path} {hit.html_url}"
