"""Repository → model usage in the shapes researchers publish, and the repositories' licenses, as usage rows.

Two shapes of usage file (plain or gzipped, decided by content; ``-`` is stdin):
- a JSON object ``{"owner/repo": ["model-id", ...], ...}`` (a single model id string is accepted as a value);
- CSV or TSV with a header row naming the repository column and the model column (common names are recognised,
  ``repo_column``/``model_column`` pick others).

The shape is chosen by the name (``.json``, ``.csv``, ``.tsv``, each also ``.gz``), else by the content: a first
non-blank line starting with ``{`` is JSON, one with more tabs than commas TSV, anything else CSV (a ``.csv`` whose
header has tabs and no comma is read as TSV, and the other way round).

Repositories are ``owner/repo`` or GitHub URLs (``https://github.com/owner/repo``, ``github.com/owner/repo/tree/…``,
``….git``, ``git@github.com:owner/repo.git``); models are Hub ids or Hub URLs, read by ``parse_repo_id`` without the
legacy renames (``graphsc.ingest.usage`` resolves and reports those). Unusable rows and entries come out as
``BadInput`` with the file line (a JSON entry's is the line of its key, which the reason names); a file cut short
keeps the rows before the damage. A file that cannot be opened or has none of these shapes raises
``InputFileError``.

The licenses file is a JSON object ``{"owner/repo": "MIT" | ["bsd-new", ...] | null}`` (SPDX ids or ScanCode keys;
``NOASSERTION`` means unknown).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from graphsc.errors import BadInput, InputFileError
from graphsc.ids import parse_repo_id, shown
from graphsc.sources.peatmoss import repo_id_from_url
from graphsc.sources.snapshot import STDIN, STREAM_ERRORS, check_input_file, open_binary

EVIDENCE_PREFIX = "usage file"

# Header names recognised for each column, most specific first; compared after ``header_key`` (lower case,
# runs of anything but letters and digits as one ``_``). The first name a header has wins.
REPO_HEADERS: tuple[str, ...] = (
    "repo",
    "repository",
    "github_repo",
    "github_repository",
    "gh_repo",
    "full_name",
    "repo_full_name",
    "repo_name",
    "repo_id",
    "name_with_owner",
    "namewithowner",
    "github_repo_url",
    "github_repository_url",
    "github_url",
    "gh_repo_url",
    "repo_url",
    "repository_url",
    "github",
)
MODEL_HEADERS: tuple[str, ...] = (
    "model",
    "model_id",
    "modelid",
    "hf_model",
    "hf_model_id",
    "hf_id",
    "hf_repo",
    "hf_repo_id",
    "huggingface_model",
    "huggingface_model_id",
    "huggingface_id",
    "hugging_face_model",
    "hugging_face_model_id",
    "model_name",
    "hf_model_name",
    "hf_model_url",
    "huggingface_model_url",
    "huggingface_url",
    "hf_url",
    "model_url",
)
# The recognised names an error message lists.
_REPO_EXAMPLES = ("repo", "repository", "github_repo", "full_name", "repo_url", "github_repo_url")
_MODEL_EXAMPLES = ("model", "model_id", "hf_model_id", "huggingface_model", "hf_model_url")

USAGE_FILE_HINT = (
    'A usage file is a JSON object {"owner/repo": ["model-id", ...]} (.json) or CSV/TSV (.csv, .tsv; also .gz) with '
    "a header row naming the repository and model columns; see docs/usage-files.md."
)
LICENSES_HINT = (
    'The licenses file is a JSON object {"owner/repo": "MIT" | ["bsd-new", ...] | null} (.json or .json.gz); '
    "see docs/usage-files.md."
)
NO_ASSERTION = "noassertion"  # SPDX's "the license is not known": no license, not GitHub's ``other``
_MAX_HEADERS_SHOWN = 20
_JSON_WS = re.compile(r"[ \t\n\r]*")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_SCP = re.compile(r"^(?:ssh://)?git@(?:www\.)?github\.com[:/]", re.IGNORECASE)
_DECODER = json.JSONDecoder()


@dataclass(frozen=True, slots=True)
class UsageRow:
    """GitHub repository ``repo`` (``owner/name``) uses Hub model ``model`` (as the file names it, legacy ids not
    resolved); ``evidence`` says which file (and line) said so. Usage files declare no model license."""

    repo: str
    model: str
    evidence: str
    model_license: str | None = None


def github_repo_id(value: Any) -> str | None:
    """``owner/name`` from ``owner/name`` or a GitHub URL (scheme optional; ``/tree/…`` tails, ``.git``,
    ``?query``, ``#fragment`` and ``git@github.com:`` forms accepted); None for anything else. Never raises."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text[:4].lower() == "git+":  # git+https://github.com/… (package metadata)
        text = text[4:]
    text = _SCP.sub("github.com/", text)
    text = _SCHEME.sub(lambda m: m.group(0).lower(), text)
    text = re.split(r"[?#]", text, maxsplit=1)[0]
    head = text.split("/", 1)[0]
    if "://" in text or "." in head or ":" in head:  # a URL or a host name (GitHub owners have neither . nor :)
        return repo_id_from_url(text)
    parts = text.removesuffix("/").split("/")
    if len(parts) != 2:
        return None
    return repo_id_from_url("github.com/" + "/".join(parts))


def header_key(name: str) -> str:
    """A header cell as compared with the recognised names: ``GitHub Repo-URL`` → ``github_repo_url``."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def _text(value: str) -> str:
    """A cell or key for a message: shortened, quoted."""
    return repr(value if len(value) <= 120 else value[:117] + "...")


def _label(name: str) -> str:
    """The file as evidence names it: its base name, ``stdin`` for ``-``."""
    return "stdin" if name == STDIN else Path(name).name


def _shape_by_name(name: str) -> str | None:
    lowered = name.lower().removesuffix(".gz")
    for suffix, shape in ((".json", "json"), (".csv", "csv"), (".tsv", "tsv"), (".tab", "tsv")):
        if lowered.endswith(suffix):
            return shape
    return None


def _existing(path: Path, hint: str) -> str:
    try:
        return str(check_input_file(path))
    except InputFileError as error:
        raise InputFileError(error.path, error.reason, hint) from None


def _open(path: Path, name: str, hint: str) -> BinaryIO:
    try:
        return open_binary(path)
    except InputFileError as error:
        raise InputFileError(name, error.reason, hint) from None


def _damage_reason(line: int, exc: BaseException) -> str:
    return f"file is truncated or corrupt after line {line:,}, the rest is unreadable ({type(exc).__name__}: {exc})"


def read_usage_file(
    path: Path, *, repo_column: str | None = None, model_column: str | None = None
) -> Iterator[UsageRow | BadInput]:
    """Yield the usages of a usage file (JSON object, CSV or TSV; plain or gzipped; ``-`` is stdin), each a
    ``UsageRow`` or a ``BadInput`` for an unusable row or entry (with its line); a cut or corrupt file ends with a
    ``BadInput`` whose ``lost`` is 0, after every row read before the damage. ``repo_column``/``model_column``
    name the CSV/TSV columns (matched like the recognised names, ignoring case). Raises ``InputFileError`` if the
    file cannot be opened or is none of the shapes (checked before the first row is yielded)."""
    name = _existing(path, USAGE_FILE_HINT)
    stream = _open(path, name, USAGE_FILE_HINT)
    with stream:
        head, damage = _leading_lines(stream)
        first = next((line for line in head if line.strip()), b"")
        if not first:
            reason = _damage_reason(len(head), damage) if damage is not None else "the file is empty"
            raise InputFileError(name, reason, USAGE_FILE_HINT)
        shape = _shape_by_name(name)
        sniffed = _sniff(first)
        if shape is None or (shape != "json" != sniffed and first.count(b"," if shape == "csv" else b"\t") == 0):
            shape = sniffed  # no telling name, or a header without the named delimiter (a TSV named .csv)
        if shape == "json":
            data = b"".join(head)
            if damage is None:
                data, damage = _read_rest(stream, data)
            yield from _json_usages(name, data.decode("utf-8-sig", errors="replace"), damage)
        else:
            yield from _table_usages(
                name, head, stream, damage, "\t" if shape == "tsv" else ",", repo_column, model_column
            )


def _leading_lines(stream: BinaryIO) -> tuple[list[bytes], BaseException | None]:
    """The lines up to and including the first non-blank one (to tell the shape), and the damage met, if any."""
    lines: list[bytes] = []
    try:
        for raw in stream:
            lines.append(raw)
            if raw.strip():
                break
    except STREAM_ERRORS as exc:
        return lines, exc
    return lines, None


def _read_rest(stream: BinaryIO, data: bytes) -> tuple[bytes, BaseException | None]:
    chunks = [data]
    # read1 hands out what was decompressed before a cut in the gzip stream; read would lose it with the error
    read = getattr(stream, "read1", stream.read)
    try:
        while chunk := read(1 << 16):
            chunks.append(chunk)
    except STREAM_ERRORS as exc:
        return b"".join(chunks), exc
    return b"".join(chunks), None


def _sniff(first: bytes) -> str:
    text = first.decode("utf-8-sig", errors="replace").lstrip()
    if text.startswith(("{", "[")):
        return "json"
    return "tsv" if text.count("\t") > text.count(",") else "csv"


# --- JSON --------------------------------------------------------------------------------------------------------


def _json_type(value: Any) -> str:
    """A value's JSON type, as JSON names it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


class _JsonDamage(Exception):
    """The object's text stops making sense at ``pos`` (cut short, or not JSON from there)."""

    def __init__(self, pos: int, reason: str, trailing: bool = False) -> None:
        super().__init__(reason)
        self.pos = pos
        self.reason = reason
        self.trailing = trailing  # the object is whole; more data follows it


class _LineAt:
    """Line numbers of positions in ``text``, asked for in increasing order."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._pos = 0
        self._line = 1

    def __call__(self, pos: int) -> int:
        pos = min(pos, len(self._text))
        if pos > self._pos:
            self._line += self._text.count("\n", self._pos, pos)
            self._pos = pos
        return self._line


def _json_entries(text: str) -> Iterator[tuple[int, str, Any]]:
    """The ``(position of the key, key, value)`` entries of the JSON object that ``text`` is, in file order.

    Raises ``_JsonDamage`` where the text stops being that object (entries before it were yielded), with
    ``pos`` -1 if it holds no JSON object at all."""
    pos = _skip_ws(text, 0)
    if pos >= len(text) or text[pos] != "{":
        try:
            value = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise _JsonDamage(-1, f"not JSON ({type(exc).__name__}: {exc})") from None
        raise _JsonDamage(-1, f"expected a JSON object, got {_json_type(value)}") from None
    pos = _skip_ws(text, pos + 1)
    if text.startswith("}", pos):
        _end(text, pos + 1)
        return
    while True:
        if not text.startswith('"', pos):
            raise _JsonDamage(pos, "expected a key string" if pos < len(text) else "the object is not closed")
        key_pos = pos
        key, pos = _decode(text, pos)
        pos = _skip_ws(text, pos)
        if not text.startswith(":", pos):
            raise _JsonDamage(pos, "expected ':' after a key")
        value, pos = _decode(text, _skip_ws(text, pos + 1))
        yield key_pos, key, value
        pos = _skip_ws(text, pos)
        if text.startswith(",", pos):
            pos = _skip_ws(text, pos + 1)
        elif text.startswith("}", pos):
            _end(text, pos + 1)
            return
        else:
            raise _JsonDamage(pos, "expected ',' or '}'" if pos < len(text) else "the object is not closed")


def _skip_ws(text: str, pos: int) -> int:
    """The position of the first character at or after ``pos`` that is not JSON whitespace."""
    match = _JSON_WS.match(text, pos)
    return match.end() if match else pos


def _decode(text: str, pos: int) -> tuple[Any, int]:
    try:
        return _DECODER.raw_decode(text, pos)
    except json.JSONDecodeError as exc:
        raise _JsonDamage(exc.pos, exc.msg) from None
    except (ValueError, RecursionError) as exc:  # a number too long for int(), nesting too deep
        raise _JsonDamage(pos, f"{type(exc).__name__}: {exc}") from None


def _end(text: str, pos: int) -> None:
    pos = _skip_ws(text, pos)
    if pos < len(text):
        raise _JsonDamage(pos, "more data after the JSON object (ignored)", trailing=True)


def _json_object(
    name: str, text: str, damage: BaseException | None, hint: str
) -> Iterator[tuple[int, str, Any] | BadInput]:
    """``(line, key, value)`` for each entry of the JSON object in ``text``, then a ``BadInput`` (``lost`` 0) if
    it stops early or the stream was damaged. ``InputFileError`` if ``text`` holds no entry of a JSON object."""
    line_at = _LineAt(text)
    entries = 0
    try:
        for pos, key, value in _json_entries(text):
            entries += 1
            yield line_at(pos), key, value
    except _JsonDamage as stop:
        if stop.pos < 0 or (entries == 0 and damage is None and not stop.trailing):
            reason = stop.reason if stop.pos < 0 else f"not a JSON object ({stop.reason})"
            raise InputFileError(name, reason, hint) from None
        line = line_at(stop.pos)
        if damage is not None:
            yield BadInput.at_line(name, line, _damage_reason(line - 1, damage), lost=0)
        elif stop.trailing:
            yield BadInput.at_line(name, line, stop.reason, lost=0)
        else:
            yield BadInput.at_line(
                name, line, f"not JSON from line {line:,} ({stop.reason}): the rest of the file is unread", lost=0
            )
        return
    if damage is not None:  # the object is whole, but the stream was cut or corrupt after it
        line = line_at(len(text))
        yield BadInput.at_line(name, line, _damage_reason(line, damage), lost=0)


def _json_usages(name: str, text: str, damage: BaseException | None) -> Iterator[UsageRow | BadInput]:
    evidence = f"{EVIDENCE_PREFIX} {_label(name)}"
    for item in _json_object(name, text, damage, USAGE_FILE_HINT):
        if isinstance(item, BadInput):
            yield item
            continue
        line, key, value = item
        repo = github_repo_id(key)
        if repo is None:
            yield BadInput.at_line(name, line, f"key {_text(key)}: not a GitHub repository (owner/name or URL)")
            continue
        if isinstance(value, str):
            values: list[tuple[str, Any]] = [("", value)]
        elif isinstance(value, list):
            values = [(f"[{index}]", v) for index, v in enumerate(value)]
        else:
            yield BadInput.at_line(
                name, line, f"key {_text(key)}: expected a list of model ids or one model id, got {_json_type(value)}"
            )
            continue
        for index, model in values:
            parsed = parse_repo_id(model, legacy=False)
            if parsed.id is None:
                yield BadInput.at_line(
                    name,
                    line,
                    f"key {_text(key)}{index}: not a model id ({parsed.rejection}): "
                    f"{_text(model) if isinstance(model, str) else shown(model)}",
                )
            else:
                yield UsageRow(repo, parsed.id, evidence)


# --- CSV / TSV ----------------------------------------------------------------------------------------------------


class _Lines:
    """The decoded lines of a byte stream for ``csv.reader``. ``line`` is the number of the last line read,
    ``start`` the number of the first line handed out since it was last set to None (where a record starts),
    ``undecodable`` the lines that are not UTF-8 (left out, for the caller to report), ``damage`` what stopped the
    stream (a cut or corrupt gzip), if anything did."""

    def __init__(self, head: Iterable[bytes], stream: BinaryIO, damage: BaseException | None) -> None:
        self._head = head
        self._stream = stream
        self.damage = damage
        self.line = 0
        self.start: int | None = None
        self.undecodable: list[int] = []

    def _raw(self) -> Iterator[bytes]:
        yield from self._head
        if self.damage is not None:
            return
        try:
            yield from self._stream
        except STREAM_ERRORS as exc:
            self.damage = exc

    def __iter__(self) -> Iterator[str]:
        for raw in self._raw():
            self.line += 1
            try:
                text = raw.decode("utf-8-sig" if self.line == 1 else "utf-8")
            except UnicodeDecodeError:
                self.undecodable.append(self.line)
                continue
            if self.start is None:
                self.start = self.line
            yield text


def _table_usages(
    name: str,
    head: list[bytes],
    stream: BinaryIO,
    damage: BaseException | None,
    delimiter: str,
    repo_column: str | None,
    model_column: str | None,
) -> Iterator[UsageRow | BadInput]:
    lines = _Lines(head, stream, damage)
    reader = csv.reader(lines, delimiter=delimiter)
    header: list[str] | None = None
    while header is None:
        try:
            row = next(reader, None)
        except csv.Error as exc:
            raise InputFileError(name, f"the header row is not CSV ({exc})", USAGE_FILE_HINT) from None
        if row is None:
            reason = "no header row" if lines.damage is None else _damage_reason(lines.line, lines.damage)
            raise InputFileError(name, reason, USAGE_FILE_HINT)
        if any(cell.strip() for cell in row):
            header = row
    repo_index, model_index = _columns(name, header, repo_column, model_column)
    columns = (header[repo_index].strip(), header[model_index].strip())
    label = _label(name)
    while True:
        lines.start = None
        try:
            row = next(reader, None)
        except csv.Error as exc:  # e.g. a field over csv's size limit: that line is skipped, reading goes on
            yield BadInput.at_line(name, lines.line, f"not a CSV line ({exc})")
            continue
        while lines.undecodable:
            yield BadInput.at_line(name, lines.undecodable.pop(0), "not UTF-8 text")
        if row is None:
            break
        yield from _table_row(name, label, lines.start or lines.line, row, repo_index, model_index, columns)
    if lines.damage is not None:
        yield BadInput.at_line(name, lines.line + 1, _damage_reason(lines.line, lines.damage), lost=0)


def _table_row(
    name: str, label: str, line: int, row: list[str], repo_index: int, model_index: int, columns: tuple[str, str]
) -> Iterator[UsageRow | BadInput]:
    if not any(cell.strip() for cell in row):
        return
    repo_name, model_name = columns
    if len(row) <= max(repo_index, model_index):
        missing = repo_name if len(row) <= repo_index else model_name
        yield BadInput.at_line(name, line, f"no {_text(missing)} column (the row has {len(row)} fields)")
        return
    repo_cell, model_cell = row[repo_index].strip(), row[model_index].strip()
    repo = github_repo_id(repo_cell)
    if not repo_cell:
        yield BadInput.at_line(name, line, f"empty {_text(repo_name)} (no repository)")
    elif repo is None:
        yield BadInput.at_line(name, line, f"not a GitHub repository (owner/name or URL): {_text(repo_cell)}")
    elif not model_cell:
        yield BadInput.at_line(name, line, f"empty {_text(model_name)} (no model id)")
    else:
        parsed = parse_repo_id(model_cell, legacy=False)
        if parsed.id is None:
            yield BadInput.at_line(name, line, f"not a model id ({parsed.rejection}): {_text(model_cell)}")
        else:
            yield UsageRow(repo, parsed.id, f"{EVIDENCE_PREFIX} {label} line {line}")


def _columns(name: str, header: Sequence[str], repo_column: str | None, model_column: str | None) -> tuple[int, int]:
    """The indexes of the repository and model columns in ``header``; ``InputFileError`` naming the headers found
    and the options when one is not there."""
    keys = [header_key(cell) for cell in header]
    found = ", ".join(_text(cell) for cell in header[:_MAX_HEADERS_SHOWN])
    if len(header) > _MAX_HEADERS_SHOWN:
        found += f", … ({len(header):,} columns)"

    def pick(option: str | None, names: tuple[str, ...], flag: str) -> int | None:
        if option is not None:
            wanted = header_key(option)
            if wanted not in keys:
                raise InputFileError(
                    name,
                    f"no column {_text(option)} (given with {flag}) in the header: {found}",
                    f"Give {flag} one of the header's column names.",
                )
            return keys.index(wanted)
        return next((keys.index(n) for n in names if n in keys), None)

    repo_index = pick(repo_column, REPO_HEADERS, "--repo-column")
    model_index = pick(model_column, MODEL_HEADERS, "--model-column")
    if repo_index is None or model_index is None:
        missing = " and ".join(
            what for what, index in (("repository column", repo_index), ("model column", model_index)) if index is None
        )
        raise InputFileError(
            name,
            f"no {missing} found in the header row: {found}",
            "Name the columns with --repo-column NAME and --model-column NAME; recognised names include "
            f"{', '.join(_REPO_EXAMPLES)} and {', '.join(_MODEL_EXAMPLES)} (any case). "
            "A PeaTMOSS mapping without a header: graphsc ingest peatmoss --mapping FILE.",
        )
    if repo_index == model_index:
        raise InputFileError(
            name,
            f"the repository and model columns are the same column ({_text(header[repo_index])})",
            "Give --repo-column and --model-column two different columns.",
        )
    return repo_index, model_index


# --- licenses ----------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class UsageLicenses:
    """The licenses file read: each repository's license values (``NOASSERTION`` and nulls left out: unknown),
    keyed by the lower-cased ``owner/name`` (GitHub ids ignore case), and the entries that could not be used."""

    by_repo: dict[str, list[str]] = field(default_factory=dict)
    problems: list[BadInput] = field(default_factory=list)

    def of(self, repo: str) -> list[str] | None:
        """The license values of ``repo`` (``owner/name``, any case), or None when unknown."""
        return self.by_repo.get(repo.lower())


def read_usage_licenses(path: Path) -> UsageLicenses:
    """Read a licenses file (JSON object, plain or gzipped): keys ``owner/repo`` or GitHub URLs, values a license
    (SPDX id or ScanCode key), a list of them, or null. Keys that are not repositories and values of another type
    are kept as problems (the rest is used); a file cut short keeps the entries before the damage. Raises
    ``InputFileError`` if the file cannot be opened or holds no JSON object."""
    name = _existing(path, LICENSES_HINT)
    result = UsageLicenses()
    with _open(path, name, LICENSES_HINT) as stream:
        data, damage = _read_rest(stream, b"")
    for item in _json_object(name, data.decode("utf-8-sig", errors="replace"), damage, LICENSES_HINT):
        if isinstance(item, BadInput):
            result.problems.append(item)
            continue
        line, key, value = item
        repo = github_repo_id(key)
        if repo is None:
            result.problems.append(
                BadInput.at_line(name, line, f"key {_text(key)}: not a GitHub repository (owner/name or URL)")
            )
            continue
        values: list[Any]
        if value is None:
            values = []
        elif isinstance(value, str):
            values = [value]
        elif isinstance(value, list):
            values = value
        else:
            result.problems.append(
                BadInput.at_line(
                    name,
                    line,
                    f"key {_text(key)}: expected a license, a list of licenses or null, got {_json_type(value)}",
                )
            )
            continue
        licenses = result.by_repo.setdefault(repo.lower(), [])
        for index, license_value in enumerate(values):
            if not isinstance(license_value, str):
                result.problems.append(
                    BadInput.at_line(
                        name,
                        line,
                        f"key {_text(key)}[{index}]: expected a license string, got {_json_type(license_value)}",
                    )
                )
            elif license_value.strip() and license_value.strip().lower() != NO_ASSERTION:
                licenses.append(license_value.strip())
    result.by_repo = {repo: values for repo, values in result.by_repo.items() if values}
    return result
