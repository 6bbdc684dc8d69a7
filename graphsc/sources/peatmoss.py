"""PeaTMOSS (MSR 2024) downstream-usage data → plain usage rows.

Three inputs, all optional but the mapping:
- the mapping CSV (no header: ``github_repo_url, hf_model_id, hf_model_url, hf_license``), plain or gzipped;
- the repositories' licenses, ``{"owner/repo": ["scancode-key", ...] | null}``, plain or gzipped JSON;
- the PeaTMOSS SQLite database (tables ``reuse_repository``, ``model_to_reuse_repository``, ``model``, and
  where present ``model_to_license``/``license`` and ``reuse_file``).

Rows come out as ``PeatmossUsage`` with ids as PeaTMOSS spells them (URL forms reduced); ``graphsc.ingest.peatmoss``
resolves legacy model ids (reporting each) and builds graph records.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from graphsc.errors import BadInput, InputFileError
from graphsc.ids import parse_repo_id
from graphsc.license_table.normalize import join_licenses
from graphsc.sources.snapshot import STREAM_ERRORS, check_input_file, open_binary, open_text

_GITHUB_HOSTS = ("github.com", "www.github.com")
_HF_PREFIXES = ("https://huggingface.co/", "http://huggingface.co/", "huggingface.co/")
MAPPING_EVIDENCE = "PeaTMOSS mapping"
DB_EVIDENCE = "PeaTMOSS database"


@dataclass(frozen=True, slots=True)
class PeatmossUsage:
    """GitHub repository ``repo`` (``owner/name``) uses HF model ``model``, whose card declared ``model_license``."""

    repo: str
    model: str
    model_license: str | None
    evidence: str


_GITHUB_OWNER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")
_GITHUB_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")


def repo_id_from_url(url: str) -> str | None:
    """``owner/name`` from a GitHub repository URL (with or without scheme), or None if it is not one."""
    text = url.strip()
    for scheme in ("https://", "http://", "git://"):
        if text.startswith(scheme):
            text = text[len(scheme) :]
            break
    parts = [p for p in text.split("/") if p]
    if len(parts) < 3 or parts[0].lower() not in _GITHUB_HOSTS:
        return None
    owner, name = parts[1], parts[2].removesuffix(".git")
    # GitHub's own rules: owners are letters, digits and single hyphens (39 at most); names letters, digits, ., -, _
    if not _GITHUB_OWNER.fullmatch(owner) or not _GITHUB_NAME.fullmatch(name) or name in (".", ".."):
        return None
    return f"{owner}/{name}"


PEATMOSS_HINT = (
    "Check the path and that the file is PeaTMOSS's gh_to_hf_mapping.csv(.gz), its gh_licenses.json(.gz) "
    "or its SQLite database (--db-file)."
)


def _existing(path: Path) -> Path:
    """``path`` if it names a readable file (or is ``-``, stdin); else ``InputFileError`` saying why."""
    try:
        return check_input_file(path)
    except InputFileError as error:
        raise InputFileError(error.path, error.reason, PEATMOSS_HINT) from None


class _Lines:
    """The decoded lines of a byte stream for ``csv.reader``; ``line`` is the number of the last line read and
    ``undecodable`` the numbers of lines that are not UTF-8 (left out, for the caller to report)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.line = 0
        self.undecodable: list[int] = []

    def __iter__(self) -> Iterator[str]:
        for raw in self._stream:
            self.line += 1
            try:
                yield raw.decode("utf-8-sig" if self.line == 1 else "utf-8")
            except UnicodeDecodeError:
                self.undecodable.append(self.line)


def _text(value: str) -> str:
    """A cell for a message: shortened, quoted."""
    return repr(value if len(value) <= 120 else value[:117] + "...")


def read_mapping(path: Path) -> Iterator[PeatmossUsage | BadInput]:
    """Yield each row of the mapping CSV (plain or gzipped; ``-`` is stdin) as a usage, or a ``BadInput`` saying why
    it is unusable: a line that is not UTF-8 text or not CSV is one ``BadInput`` and reading goes on; a cut or corrupt
    gzip stream ends with a ``BadInput`` (``lost`` 0: the rest is unread) after every row read before it.
    Raises ``InputFileError`` if the file cannot be opened."""
    name = str(_existing(path))
    stream = open_binary(path)
    lines = _Lines(stream)
    reader = csv.reader(lines)
    with stream:
        while True:
            try:
                row = next(reader, None)
            except csv.Error as exc:  # e.g. a field over csv's size limit: that line is skipped, reading goes on
                yield BadInput.at_line(name, lines.line, f"not a CSV line ({exc})")
                continue
            except STREAM_ERRORS as exc:
                yield BadInput.at_line(
                    name,
                    lines.line + 1,
                    f"file is truncated or corrupt after line {lines.line:,}, the rest "
                    f"is unreadable ({type(exc).__name__}: {exc})",
                    lost=0,
                )
                return
            while lines.undecodable:
                yield BadInput.at_line(name, lines.undecodable.pop(0), "not UTF-8 text")
            if row is None:
                return
            yield from _mapping_row(name, lines.line, row)


def _mapping_row(name: str, line_no: int, row: list[str]) -> Iterator[PeatmossUsage | BadInput]:
    """The usage one CSV row gives, or a ``BadInput`` saying why it gives none (blank rows give nothing)."""
    if not row or not any(cell.strip() for cell in row):
        return
    if len(row) < 2:
        yield BadInput.at_line(name, line_no, f"expected 4 columns, got {len(row)}")
        return
    repo = repo_id_from_url(row[0])
    model = _model_id(row[1])
    if repo is None:
        yield BadInput.at_line(name, line_no, f"not a GitHub repository URL: {_text(row[0])}")
    elif model is None:
        rejection = parse_repo_id(row[1], legacy=False).rejection
        yield BadInput.at_line(name, line_no, f"not a model id ({rejection}): {_text(row[1])}")
    else:
        license_id = row[3].strip() if len(row) > 3 and row[3].strip() else None
        yield PeatmossUsage(repo, model, license_id, MAPPING_EVIDENCE)


def read_repo_licenses(path: Path) -> dict[str, list[str]]:
    """The licensed repositories of ``gh_licenses.json``: ``owner/repo`` → ScanCode keys (repos with none omitted)."""
    name = str(_existing(path))
    try:
        with open_text(path) as stream:
            data = json.load(stream)
    except (ValueError, RecursionError, *STREAM_ERRORS) as exc:  # ValueError: bad JSON, not UTF-8, huge numbers
        raise InputFileError(
            name, f"not a JSON object of repository licenses ({type(exc).__name__}: {exc})", PEATMOSS_HINT
        ) from None
    if not isinstance(data, dict):
        raise InputFileError(name, f"expected a JSON object, got {type(data).__name__}", PEATMOSS_HINT)
    return {
        repo: [k for k in keys if isinstance(k, str)]
        for repo, keys in data.items()
        if isinstance(keys, list) and any(isinstance(k, str) for k in keys)
    }


def _model_id(value: Any) -> str | None:
    return parse_repo_id(value, legacy=False).id


def hf_model_id(context_id: Any, repo_url: Any) -> str | None:
    """The HF id of a PeaTMOSS ``model`` row: from its Hub URL, else its ``context_id``; None for other hubs."""
    if isinstance(repo_url, str) and repo_url.strip():
        url = repo_url.strip()
        return _model_id(url) if url.startswith(_HF_PREFIXES) else None
    if isinstance(context_id, str) and not context_id.isdigit():
        return _model_id(context_id)
    return None


_USAGE_SQL = """
SELECT r.id, r.owner, r.name, r.url, m.id, m.context_id, m.repo_url
FROM model_to_reuse_repository mr
JOIN reuse_repository r ON r.id = mr.reuse_repository_id
JOIN model m ON m.id = mr.model_id
"""


def read_peatmoss_db(path: Path) -> Iterator[PeatmossUsage | BadInput]:
    """Yield the model → reuse-repository links of a PeaTMOSS SQLite database (HF models only)."""
    name = str(_existing(path))
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            missing = {"reuse_repository", "model_to_reuse_repository", "model"} - tables
            if missing:
                raise InputFileError(
                    name, f"not a PeaTMOSS database (missing tables: {', '.join(sorted(missing))})", PEATMOSS_HINT
                )
            licenses = _model_licenses(db) if {"license", "model_to_license"} <= tables else {}
            files = _reuse_files(db) if "reuse_file" in tables else {}
            for repo_pk, owner, repo_name, url, model_pk, context_id, repo_url in db.execute(_USAGE_SQL):
                repo = f"{owner}/{repo_name}" if owner and repo_name else repo_id_from_url(url or "")
                model = hf_model_id(context_id, repo_url)
                where = f"reuse_repository {repo_pk} / model {model_pk}"
                if repo is None:
                    yield BadInput.at_line(name, 0, f"{where}: no GitHub owner/name ({url!r})")
                elif model is None:
                    yield BadInput.at_line(name, 0, f"{where}: not a Hugging Face model ({repo_url or context_id!r})")
                else:
                    path_in_repo = files.get((model_pk, repo_pk))
                    evidence = f"{DB_EVIDENCE} reuse_file {path_in_repo}" if path_in_repo else DB_EVIDENCE
                    yield PeatmossUsage(repo, model, licenses.get(model_pk), evidence)
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise InputFileError(name, f"cannot read as a PeaTMOSS SQLite database ({exc})", PEATMOSS_HINT) from None


def _model_licenses(db: sqlite3.Connection) -> dict[int, str]:
    names: dict[int, list[str]] = {}
    query = "SELECT ml.model_id, l.name FROM model_to_license ml JOIN license l ON l.id = ml.license_id ORDER BY l.name"
    for model_pk, license_name in db.execute(query):
        if license_name:
            names.setdefault(model_pk, []).append(str(license_name))
    return {pk: joined for pk, values in names.items() if (joined := join_licenses(values))}


def _reuse_files(db: sqlite3.Connection) -> dict[tuple[int, int], str]:
    query = "SELECT model_id, reuse_repository_id, min(path) FROM reuse_file WHERE path IS NOT NULL GROUP BY 1, 2"
    return {(m, r): p for m, r, p in db.execute(query)}
