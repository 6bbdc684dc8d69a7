"""Hub repo ids: what is one, how other spellings reduce to one, and identity.

Every source (cards, tags, usage files, SBOMs, CLI arguments) passes what it read through ``parse_repo_id`` once,
at the edge; stores compare ids by ``id_key``.

Facts this follows:
- A Hub repo id is ``name`` or ``namespace/name``: ASCII letters, digits, ``-``, ``_``, ``.``, at most 96 characters
  a part, starting and ending with a letter or digit, no ``--`` or ``..`` (``huggingface_hub.utils.validate_repo_id``,
  which this calls, mirrors the Hub's own check).
- Ids are case-insensitive on the Hub (``huggingface.co/qwen/qwen2.5-0.5b`` is ``Qwen/Qwen2.5-0.5B``), so identity is
  the lower-cased id and the display casing is the one the repo's own record gives.
- URL forms (``https://huggingface.co/<id>``, ``hf.co/<id>``, ``hf://<id>``, with ``/tree/<rev>``, ``/resolve/…``,
  ``/blob/…`` tails, ``?query``, ``#fragment`` or an ``@<revision>``) name the repo they point at.
- Ids without a namespace (``gpt2``, ``bert-base-uncased``) are legacy ids the Hub moved under organisations in
  2024 and still redirects; ``graphsc/data/legacy_model_ids.json`` lists them.
- Anything else (``/data/m/Qwen2.5-0.5B``, ``D:\\Model\\bloom-560m``, ``./out``, ``~/ckpt``) is not an id; training
  tools write such local paths into cards, and the Hub echoes them in ``base_model:`` tags.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib.resources import files
from typing import Any, Literal, NamedTuple

RepoType = Literal["model", "dataset", "space"]
# The organisation the Hub moved the old namespace-less canonical datasets to, keeping their names
# (``common_voice`` → ``legacy-datasets/common_voice``).
LEGACY_DATASETS_OWNER = "legacy-datasets"

# How a value became an id: as written, reduced from a URL, renamed from a legacy id.
Resolution = Literal["plain", "url", "legacy"]
# Why a value is not an id.
Rejection = Literal["local-path", "malformed", "not-a-string", "empty"]

_FAST_ID = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?(?:/[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?)?")
_URL = re.compile(r"(?:(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/|hf://)(?P<rest>.*)", re.IGNORECASE)
_HOST_PREFIXES = ("hf.co/", "huggingface.co/", "www.huggingface.co/")
_DRIVE = re.compile(r"[A-Za-z]:[\\/]")
_TYPE_PREFIXES: dict[RepoType, str] = {"dataset": "datasets", "space": "spaces", "model": "models"}
# URL path segments after an id that name a page of the repo, not part of the id.
_REPO_PAGES = frozenset(
    {"tree", "resolve", "blob", "raw", "commit", "commits", "discussions", "edit", "viewer", "files"}
)
MAX_VALUE_SHOWN = 200
_SHOWN_DEPTH = 16
_SURROGATE = re.compile("[\ud800-\udfff]")


class ParsedId(NamedTuple):
    """What a value names: ``id`` (None when it is not a repo id), how it was resolved, or why it was rejected."""

    id: str | None
    resolution: Resolution | None = None
    rejection: Rejection | None = None


def id_key(repo_id: str) -> str:
    """The identity of a repo id: two ids with the same key are the same repo (the Hub compares ids ignoring case)."""
    return repo_id.lower()


def is_repo_id(value: str) -> bool:
    """True if ``value`` is a syntactically valid Hub repo id (``name`` or ``namespace/name``)."""
    if _FAST_ID.fullmatch(value) and "--" not in value and ".." not in value:
        return all(len(part) <= 96 for part in value.split("/"))
    # The Hub client's own rule for the rest; imported here, not at the top: it loads the HTTP stack (0.1-0.2 s),
    # which most commands never need.
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    try:
        validate_repo_id(value)
    except HFValidationError:
        return False
    return value.count("/") <= 1


def looks_like_local_path(value: str) -> bool:
    """True for values shaped like a filesystem path rather than a repo id (absolute, relative, home, Windows)."""
    return (
        value.startswith(("/", "./", "../", "~", ".\\", "..\\", "\\\\", "file:"))
        or "\\" in value
        or bool(_DRIVE.match(value))
        or value.count("/") >= 2
        or value in (".", "..")
    )


def storable(text: str) -> str:
    """``text`` with lone surrogates (which JSON escapes like ``"\\ud800"`` can produce, and which no UTF-8 store or
    terminal accepts) replaced by U+FFFD; any other text is returned as it is."""
    if text.isascii() or not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub("\ufffd", text)


def _clipped(value: Any, depth: int) -> Any:
    """``value`` with containers nested deeper than ``depth`` replaced by ``"…"`` and dict keys made strings."""
    if isinstance(value, dict):
        return {str(k): _clipped(v, depth - 1) for k, v in value.items()} if depth > 0 else "…"
    if isinstance(value, list | tuple):
        return [_clipped(v, depth - 1) for v in value] if depth > 0 else "…"
    return value


def shown(value: Any) -> str:
    """``value`` as a short printable string for reports (JSON for non-strings, cut at ``MAX_VALUE_SHOWN``).

    Takes any value, however deeply nested; never raises.
    """
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, default=str, ensure_ascii=False)
        except (RecursionError, ValueError, TypeError):  # nested too deep for the encoder, a cycle, odd dict keys
            text = json.dumps(_clipped(value, _SHOWN_DEPTH), default=str, ensure_ascii=False)
    text = storable(text)
    return text if len(text) <= MAX_VALUE_SHOWN else text[: MAX_VALUE_SHOWN - 1] + "…"


def _from_url(rest: str, repo_type: RepoType) -> str | None:
    rest = rest.split("?", 1)[0].split("#", 1)[0].strip("/")
    parts = [p for p in rest.split("/") if p]
    if parts and parts[0] == "api":  # the API's own URL: /api/models/<id>
        parts = parts[1:]
    prefix = _TYPE_PREFIXES[repo_type]
    if parts and parts[0] in _TYPE_PREFIXES.values():
        if parts[0] != prefix:
            return None
        parts = parts[1:]
    elif repo_type != "model":
        return None
    if not parts:
        return None
    if len(parts) >= 2 and parts[1] not in _REPO_PAGES:
        # ``:<tag>`` is a quantization tag in Ollama-style references (hf.co/user/repo:Q4_K_M), never part of an id
        return f"{parts[0]}/{parts[1].split(':', 1)[0]}"
    return parts[0]


def parse_repo_id(value: Any, repo_type: RepoType = "model", *, legacy: bool = True, cached: bool = True) -> ParsedId:
    """Read a repo id from a value a source gave (a card field, a tag, a CSV cell, a CLI argument).

    Takes any JSON value; returns a ``ParsedId`` whose ``id`` is the repo id (URL forms reduced, ``@revision``
    dropped, legacy model ids renamed to their current id unless ``legacy`` is False, for a caller that reports
    the renames itself) or None with the ``rejection`` reason. Never raises. ``cached=False`` for values that
    rarely repeat (a record's own id), which would only crowd the cache.
    """
    if type(value) is not str or not cached:
        return _parse_text(value, repo_type, legacy) if isinstance(value, str) else _NOT_A_STRING
    cache = _PARSED[repo_type][legacy]
    found = cache.get(value)
    if found is None:
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        found = cache[value] = _parse_text(value, repo_type, legacy)
    return found


_NOT_A_STRING = ParsedId(None, rejection="not-a-string")
# Parsed values by repo type and legacy flag: bases, datasets and Spaces repeat across a dump's records, and this
# is ingest's hottest call (a plain dict: functools.lru_cache's wrapper costs more than most parses).
_CACHE_SIZE = 1 << 17
_PARSED: dict[str, dict[bool, dict[str, ParsedId]]] = {t: {True: {}, False: {}} for t in ("model", "dataset", "space")}


def _parse_text(value: str, repo_type: RepoType, legacy: bool) -> ParsedId:
    if (
        len(value) <= 96
        and "/" in value
        and _FAST_ID.fullmatch(value)
        and "--" not in value
        and ".." not in value
        and not value.endswith(".git")
        and not value.lower().startswith(_HOST_PREFIXES)
    ):
        return ParsedId(value, "plain")
    text = value.strip()
    if text.endswith("/") and text.count("/") == 2 and not looks_like_local_path(text[:-1]):
        text = text[:-1]  # owner/name/ — a trailing slash, not a path
    if text.endswith(".git"):  # a clone URL or id names the repo without it
        text = text[:-4]
    if not text:
        return ParsedId(None, rejection="empty")
    resolution: Resolution = "plain"
    url = _URL.match(text)
    if url:
        reduced = _from_url(url.group("rest"), repo_type)
        if reduced is None:
            return ParsedId(None, rejection="malformed")
        text, resolution = reduced, "url"
    elif repo_type != "model" and text.startswith(_TYPE_PREFIXES[repo_type] + "/"):
        text = text[len(_TYPE_PREFIXES[repo_type]) + 1 :]
    if "@" in text and not looks_like_local_path(text):
        text = text.split("@", 1)[0]
        resolution = "url"
    if not is_repo_id(text):
        return ParsedId(None, rejection="local-path" if looks_like_local_path(text) else "malformed")
    if legacy and repo_type == "model" and "/" not in text:
        current = legacy_model_ids().get(id_key(text))
        if current is not None:
            return ParsedId(current, "legacy")
    return ParsedId(text, resolution)


@cache
def legacy_model_ids() -> dict[str, str]:
    """The shipped table, keyed by ``id_key``: legacy model id → current ``namespace/name`` id."""
    text = (files("graphsc") / "data" / "legacy_model_ids.json").read_text(encoding="utf-8")
    return {id_key(old): new for old, new in json.loads(text)["renames"].items()}


def legacy_spellings(model_id: str) -> list[str]:
    """The legacy ids that redirect to ``model_id`` (as the table spells them), sorted."""
    text = (files("graphsc") / "data" / "legacy_model_ids.json").read_text(encoding="utf-8")
    key = id_key(model_id)
    return sorted(old for old, new in json.loads(text)["renames"].items() if id_key(new) == key)
