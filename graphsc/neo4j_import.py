"""``graphsc neo4j import``: the initial load of an empty Neo4j at bulk-import speed.

``graphsc neo4j push`` sends every row through Cypher (``UNWIND ... MERGE``, an index seek per node and edge
endpoint, a transaction log entry per change): right for updates, slow for a first load of millions of rows.
This module writes the embedded store as CSV files in the format of Neo4j's batch importer (the one
``neo4j-admin database import full`` runs) and has it build the database files directly, offline; Neo4j then
creates graphsc's constraints and indexes over the finished data in one pass each.

**The same graph as a push.** The files hold exactly what ``neo4j push`` into an empty database leaves (the
rules of ``graphsc.store.neo4j_cypher`` and ``graphsc.store.assemble`` applied to a consistent store):

- ``Model``: a fetched model with every non-null field, ``key`` (its lower-cased id) and, when it has details,
  ``has_details`` and the ``ModelDetails`` fields (lists as string arrays, an empty list an empty array); an
  unfetched one (a stub) with ``author`` (the owner part of its id), ``fetched`` false, ``key``, and its
  ``license`` when it carries one. ``Dataset`` and ``Space`` alike (their stubs have no ``author``); ``Repo`` with
  its non-null fields and ``key``.
- ``DERIVED_FROM`` (model and dataset), ``TRAINED_ON``, ``USES`` with their non-null fields; ``IdNote``,
  ``ModelAlias`` and ``EvalResult`` nodes; an unconfirmed note that a ``renamed`` alias resolves is reclassified
  as push's alias phase does (``RECLASSIFY_RENAMED``).
- The schema (``graphsc/cypher/schema.cypher``) and the ``GraphscState`` nodes a push leaves: ``schema.id_keys``
  and the store generation (``graphsc.generation``, a fresh random epoch and value 1: one write).
- The push watermark: recorded in the embedded store under the same key a push uses (the Neo4j location the
  server will be reached at, ``NEO4J_URI``/``NEO4J_DATABASE``), so the next ``neo4j push --since-last`` sends only
  what changed after the import.

Types follow what the driver sends: ints as ``long``, floats as ``double``, booleans, strings; an empty string is
written quoted (a string), a null as an empty field (no property). Neo4j's CSV input drops an empty array field,
so the four list fields of ``ModelDetails`` go as strings (``\\x1e`` then the elements joined by ``\\x1f``) that the
launcher's import mode turns back into string arrays (``neo4j-launcher``, ``ArrayColumns``).

**How it runs.** SQLite formats the graph's lines itself (``graphsc.store.sqlite_csv``: millions of rows); the
bookkeeping nodes (notes, aliases, evaluation results: few) go through Python here. The importer needs the
database offline: ``import_store`` first refuses a home whose store lock a running Neo4j holds, writes the files
to a work directory
and runs the launcher's ``import`` mode (``java -jar neo4j-launcher.jar import HOME DIR``) on the launcher home of
a stopped Neo4j (``scripts/neo4j``'s ``NEO4J_DATA_DIR``). The launcher refuses a home a running Neo4j holds and a
database that holds any node, replaces the empty database with the imported one, runs the schema and state
statements, and waits for the indexes; ``scripts/neo4j start`` then serves it.
"""

from __future__ import annotations

import csv
import math
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from graphsc.errors import StoreError
from graphsc.neo4j_push import STATE_PREFIX, items_per_second, items_written
from graphsc.records import USER_REPO, USER_SPACE, Dataset, EvalResult, Model, ModelDetails, Repo, Space
from graphsc.store import neo4j_cypher as cy
from graphsc.store import sqlite_csv
from graphsc.store.sqlite import SQLiteStore

LAUNCHER_ENV = "GRAPHSC_NEO4J_LAUNCHER"
ARRAY_MARK, ARRAY_SEPARATOR = sqlite_csv.ARRAY_MARK, sqlite_csv.ARRAY_SEPARATOR  # ArrayColumns in the launcher
ARRAY_FIELDS = ("weight_formats", "architectures", "dtypes", "card_fields")
PAGE = 50_000
# Launcher import exit codes (Importer.java).
_IN_USE, _NOT_EMPTY, _FAILED = 3, 4, 5


@dataclass(slots=True)
class ImportReport:
    """What an import wrote, by kind (nodes by label, edges by type), and how long its parts took."""

    nodes: dict[str, int] = field(default_factory=dict)
    edges: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    csv_seconds: float = 0.0
    import_seconds: float = 0.0
    watermark: str | None = None
    work_dir: Path | None = None
    launcher_output: str = ""

    @property
    def written(self) -> int:
        """Nodes of the four graph labels and edges of the three types: what ``neo4j push`` counts."""
        return items_written(self.nodes, self.edges)

    @property
    def rate(self) -> float:
        """Nodes+edges written per second (the whole import, files and importer)."""
        return items_per_second(self.written, self.seconds)


# --- the files ---

_MODEL_HEADER = (
    "id:ID(Model)",
    "author",
    "license",
    "license_name",
    "license_link",
    "pipeline_tag",
    "library_name",
    "downloads:long",
    "likes:long",
    "created_at",
    "last_modified",
    "gated",
    "fetched:boolean",
    "fetched_at",
    "has_card:boolean",
    "key",
    "has_details:boolean",
    "files:long",
    "weight_formats",
    "pickle_files:long",
    "custom_code:boolean",
    "architectures",
    "model_type",
    "quant_method",
    "parameters:long",
    "dtypes",
    "card_fields",
    "disabled:boolean",
    "scan_status",
)
_DATASET_HEADER = (
    "id:ID(Dataset)",
    "license",
    "license_name",
    "license_link",
    "author",
    "downloads:long",
    "likes:long",
    "created_at",
    "last_modified",
    "gated",
    "fetched:boolean",
    "fetched_at",
    "key",
)
_REPO_HEADER = (
    "id:ID(Repo)",
    "license",
    "license_raw",
    "stars:long",
    "archived:boolean",
    "pushed_at",
    "fetched_at",
    "key",
)
_SPACE_HEADER = (
    "id:ID(Space)",
    "license",
    "sdk",
    "author",
    "likes:long",
    "created_at",
    "last_modified",
    "fetched:boolean",
    "fetched_at",
    "key",
)
_EDGE_FIELDS = ("", "source", "fetched_at")  # after the start id column; "" is the end id column, named per file
_DERIVED_FROM_FIELDS = ("", "relation", "source", "fetched_at")
_USES_FIELDS = ("user_kind", "", "source", "evidence", "fetched_at")
_NOTE_HEADER = ("model", "field", "value", "resolved", "kind", "fetched_at")
_ALIAS_HEADER = ("alias", "id", "kind", "key")
_EVAL_HEADER = (
    "model",
    "position:long",
    "task",
    "dataset",
    "dataset_name",
    "metric",
    "metric_name",
    "value:double",
    "value_text",
    "verified:boolean",
    "source_name",
    "source_url",
)


class _Token(str):
    """A value written as it is, never quoted: the importer's ``true``/``false`` and Java's NaN/Infinity."""


TRUE, FALSE = _Token("true"), _Token("false")
_BOOL: dict[bool | None, _Token | None] = {True: TRUE, False: FALSE, None: None}

assert len(_MODEL_HEADER) == len(Model._fields) + 1 + len(ModelDetails._fields)
assert len(_DATASET_HEADER) == len(Dataset._fields) + 1 and len(_SPACE_HEADER) == len(Space._fields) + 1
assert len(_REPO_HEADER) == len(Repo._fields) + 1 and len(_EVAL_HEADER) == len(EvalResult._fields)


class _CsvFile:
    """One CSV file of the importer: rows of Python values, written with the importer's conventions.

    Rows come with booleans already as the ``TRUE``/``FALSE`` tokens (the importer reads anything but ``true`` as
    false) and floats finite (``csv`` writes them by ``repr``, which round-trips) or as tokens. None is an empty
    field (no property); an empty string is written quoted (``""``, a string): ``csv`` would write it as None, so
    the few rows holding one are written here. ``multiline`` is set once a value holds a line break."""

    def __init__(self, path: Path, header: Sequence[str]) -> None:
        self.path = path
        self.rows = 0
        self.multiline = False
        self._file: IO[str] = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed in close()
        self._file.write(",".join(header) + "\n")

    def write(self, rows: Iterable[Sequence[Any]]) -> None:
        buffer: list[str] = []
        writer = csv.writer(_ListWriter(buffer), lineterminator="\n")
        count = 0
        for row in rows:
            count += 1
            if "" in row:
                buffer.append(_line(row))
            else:
                writer.writerow(row)
        text = "".join(buffer)
        if not self.multiline and (text.count("\n") != count or "\r" in text):
            self.multiline = True
        self._file.write(text)
        self.rows += count

    def write_lines(self, lines: list[str]) -> None:
        """Finished lines (``graphsc.store.sqlite_csv``), without their line ends."""
        if not lines:
            return
        text = "\n".join(lines) + "\n"
        if not self.multiline and (text.count("\n") != len(lines) or "\r" in text):
            self.multiline = True
        self._file.write(text)
        self.rows += len(lines)

    def close(self) -> None:
        self._file.close()


class _ListWriter:
    """A file-like ``write`` that appends to a list (``csv.writer`` then costs no I/O per row)."""

    def __init__(self, buffer: list[str]) -> None:
        self.write = buffer.append


def _line(row: Sequence[Any]) -> str:
    return ",".join(_field(v) for v in row) + "\n"


def _field(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is _Token:
        return str.__str__(value)
    if type(value) is float:
        return repr(value)
    if type(value) is int:
        return str(value)
    text = str(value)
    return '"' + text.replace('"', '""') + '"'


def _double(value: float | None) -> float | _Token | None:
    """A float as the importer reads it: finite ones as they are, NaN and infinities spelled as Java does."""
    if value is None or math.isfinite(value):
        return value
    return _Token("NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity")


def _eval_row(e: EvalResult) -> tuple[Any, ...]:
    return (*e[:7], _double(e.value), e.value_text, _BOOL[e.verified], e.source_name, e.source_url)


@dataclass(slots=True)
class CsvExport:
    """The files written for the importer, what they hold, and the push watermark of the rows read."""

    directory: Path
    nodes: dict[str, int]
    edges: dict[str, int]
    watermark: str | None


def write_csv(source: SQLiteStore, directory: Path, *, on_rows: Callable[[str, int], None] | None = None) -> CsvExport:
    """Write ``source`` into ``directory`` as the importer's CSV files, ``import.args`` (the importer's arguments)
    and ``post-import.cypher`` (the schema and state statements); return what they hold."""
    directory.mkdir(parents=True, exist_ok=True)
    files: list[tuple[str, str, _CsvFile]] = []  # (--nodes or --relationships, label or type, file)

    def new(kind: str, name: str, filename: str, header: Sequence[str]) -> _CsvFile:
        out = _CsvFile(directory / filename, header)
        files.append((kind, name, out))
        return out

    def progress(kind: str, n: int) -> None:
        if on_rows is not None:
            on_rows(kind, n)

    node_files: tuple[tuple[str, str, Sequence[str], str], ...] = (
        ("Model", "models.csv", _MODEL_HEADER, "models"),
        ("Dataset", "datasets.csv", _DATASET_HEADER, "datasets"),
        ("Repo", "repos.csv", _REPO_HEADER, "repos"),
        ("Space", "spaces.csv", _SPACE_HEADER, "spaces"),
    )
    for label, filename, header, table in node_files:
        out = new("nodes", label, filename, header)
        for lines in sqlite_csv.lines(source, table, PAGE):
            out.write_lines(lines)
            progress(label, len(lines))
    edge_files = (
        ("DERIVED_FROM", "derived_from.csv", ("Model", "Model"), _DERIVED_FROM_FIELDS, "derived_from", ()),
        ("DERIVED_FROM", "dataset_derived_from.csv", ("Dataset", "Dataset"), _EDGE_FIELDS, "dataset_derived_from", ()),
        ("TRAINED_ON", "trained_on.csv", ("Model", "Dataset"), _EDGE_FIELDS, "trained_on", ()),
        ("USES", "uses_repos.csv", ("Repo", "Model"), _USES_FIELDS, "uses", (USER_REPO,)),
        ("USES", "uses_spaces.csv", ("Space", "Model"), _USES_FIELDS, "uses", (USER_SPACE,)),
    )
    edge_counts: dict[str, int] = {}
    for kind, filename, (start, end), fields, table, params in edge_files:
        columns = [f":START_ID({start})", *fields]
        columns[2 if kind == "USES" else 1] = f":END_ID({end})"
        out = new("relationships", kind, filename, columns)
        for lines in sqlite_csv.lines(source, table, PAGE, *params):
            out.write_lines(lines)
            progress(kind if start != "Dataset" else "DATASET_DERIVED_FROM", len(lines))
        if start != "Dataset":  # push counts DERIVED_FROM between models only
            edge_counts[kind] = edge_counts.get(kind, 0) + out.rows

    aliases = [a for page in source.iter_aliases(PAGE) for a in page]
    renamed = {a.alias.lower(): a.id for a in aliases if a.kind == "renamed"}
    renamed_bases: set[tuple[str, str]] = set()  # (child, base): what RECLASSIFY_RENAMED matches
    if renamed:
        targets = set(renamed.values())
        for edges in source.iter_derived_from(PAGE):
            renamed_bases.update((e.child, e.base) for e in edges if e.base in targets)
    notes = new("nodes", cy.NOTE_LABEL, "notes.csv", _NOTE_HEADER)
    for note_page in source.iter_notes(PAGE):
        if renamed:  # RECLASSIFY_RENAMED, as push's alias phase applies it to the notes it pushed before
            note_page = [_reclassified(n, renamed, renamed_bases) for n in note_page]
        notes.write(note_page)
    alias_file = new("nodes", cy.ALIAS_LABEL, "aliases.csv", _ALIAS_HEADER)
    alias_file.write([(a.alias, a.id, a.kind, a.alias.lower()) for a in aliases])
    evals = new("nodes", cy.EVAL_LABEL, "eval_results.csv", _EVAL_HEADER)
    for eval_page in source.iter_eval_results(PAGE):
        evals.write([_eval_row(e) for e in eval_page])

    for _, _, out in files:
        out.close()
    args = [f"--{kind}={name}={out.path}" for kind, name, out in files]
    args += [
        f"--multiline-fields={'true' if any(out.multiline for _, _, out in files) else 'false'}",
        "--ignore-empty-strings=false",
        "--skip-bad-relationships=false",
        "--skip-duplicate-nodes=false",
        "--graphsc-array-keys=" + ",".join(ARRAY_FIELDS),
    ]
    (directory / "import.args").write_text("\n".join(args) + "\n", encoding="utf-8")
    statements = [*cy.schema_statements(), *_STATE_STATEMENTS]
    (directory / "post-import.cypher").write_text("\n;\n".join(statements) + "\n", encoding="utf-8")

    node_counts = {label: out.rows for kind, label, out in files if kind == "nodes" and label in cy.NODE_LABELS}
    return CsvExport(directory, node_counts, edge_counts, sqlite_csv.watermark(source))


_STATE_STATEMENTS = (
    f"CREATE (:{cy.STATE_LABEL} {{key: 'schema.id_keys', value: '2'}})",
    f"CREATE (:{cy.STATE_LABEL} {{key: 'graphsc.generation', epoch: randomUUID(), value: 1}})",
)


def _reclassified(note: Any, renamed: dict[str, str], renamed_bases: set[tuple[str, str]]) -> Any:
    """``note`` after RECLASSIFY_RENAMED: an unconfirmed note whose value resolves through a ``renamed`` alias to
    a base its model is derived from becomes ``renamed``, resolved to that base."""
    if note.kind != "unconfirmed" or note.resolved is None:
        return note
    target = renamed.get(note.resolved.lower())
    if target is None or (note.model, target) not in renamed_bases:
        return note
    return note._replace(kind="renamed", resolved=target)


# --- running the importer ---


def default_launcher() -> Path:
    """``GRAPHSC_NEO4J_LAUNCHER``, else the launcher jar of the checkout this package runs from."""
    configured = os.environ.get(LAUNCHER_ENV)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[1] / "neo4j-launcher" / "target" / "neo4j-launcher.jar"


def import_store(
    source: SQLiteStore,
    home: Path,
    target_location: str,
    *,
    launcher: Path | None = None,
    work_dir: Path | None = None,
    keep_files: bool = False,
    java: str = "java",
    heap: str | None = None,
    on_rows: Callable[[str, int], None] | None = None,
) -> ImportReport:
    """Bulk-import ``source`` into the (stopped, empty) launcher home ``home``; record the push watermark under
    ``target_location`` (the Neo4j location a later ``neo4j push`` names, ``graphsc.store.neo4j.location_of``).

    Raises ``StoreError`` when the launcher or Java is missing, the home is in use or not empty, or the import
    fails; nothing is written to the embedded store then."""
    started = time.perf_counter()
    launcher = launcher or default_launcher()
    where = f"Neo4j home {home}"
    if not launcher.is_file():
        raise StoreError(
            where,
            f"the Neo4j launcher {launcher} is not built",
            f"Build it with `scripts/neo4j build` (Maven), or point {LAUNCHER_ENV} at neo4j-launcher.jar.",
        )
    java_path = shutil.which(java)
    if java_path is None:
        raise StoreError(where, "Java (java) is not installed", "The importer runs in Java 17+; install a JDK.")
    home = home.absolute()
    if home.exists() and not home.is_dir():
        raise StoreError(where, "is not a directory", "Give the data directory of a Neo4j started by scripts/neo4j.")
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(
            where, f"cannot be created ({error.strerror})", "Check the path and its permissions."
        ) from None
    if not os.access(home, os.W_OK):
        raise StoreError(where, "is not writable", "Check its permissions, or run as its owner.")
    if _locked(home / "data" / "databases" / "store_lock"):
        raise _launcher_error(where, _IN_USE, "", home)
    made = work_dir is None
    directory = Path(tempfile.mkdtemp(prefix="graphsc-neo4j-import-")) if work_dir is None else work_dir
    report = ImportReport(work_dir=directory)
    keep = keep_files
    try:
        export = write_csv(source, directory, on_rows=on_rows)
        report.nodes, report.edges, report.watermark = export.nodes, export.edges, export.watermark
        report.csv_seconds = time.perf_counter() - started
        command = [
            java_path,
            *([f"-Xmx{heap}"] if heap else []),
            "-jar",
            str(launcher),
            "import",
            str(home),
            str(directory),
        ]
        step = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        report.import_seconds = time.perf_counter() - step
        report.launcher_output = done.stdout + done.stderr
        if done.returncode != 0:
            keep = keep or done.returncode not in (_IN_USE, _NOT_EMPTY)  # a failed import's files help find why
            raise _launcher_error(where, done.returncode, done.stdout + done.stderr, directory)
        if report.watermark is not None:
            try:
                source.set_state({STATE_PREFIX + target_location: report.watermark})
            except StoreError as error:
                raise StoreError(
                    source.location,
                    f"the import into {home} is complete, but its push watermark could not be recorded "
                    f"({error.message})",
                    (error.hint or "") + " Until then `neo4j push --since-last` pushes everything.",
                ) from None
    finally:
        if made and not keep:
            shutil.rmtree(directory, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    return report


def _locked(lock_file: Path) -> bool:
    """Whether a running Neo4j holds ``lock_file`` (its store lock: an fcntl lock, as Java's ``FileChannel.tryLock``
    takes on Linux). A missing or unreadable file is not locked here; the launcher checks again."""
    import fcntl

    try:
        with open(lock_file, "r+b") as handle:
            try:
                fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return True
            fcntl.lockf(handle, fcntl.LOCK_UN)
    except OSError:
        return False
    return False


def _launcher_error(where: str, code: int, output: str, directory: Path) -> StoreError:
    lines = [line for line in output.splitlines() if line.startswith("graphsc-neo4j")]
    said = lines[-1].removeprefix("graphsc-neo4j: ") if lines else output.strip().splitlines()[-1:] or ["-"]
    if code == _IN_USE:
        return StoreError(
            where,
            "is in use: a running Neo4j holds it",
            "Stop it first (`scripts/neo4j stop` with the same NEO4J_PORT and NEO4J_DATA_DIR), import, then start it "
            "again. To load a running server, use `graphsc neo4j push`.",
        )
    if code == _NOT_EMPTY:
        return StoreError(
            where,
            f"its database is not empty ({said})",
            "The import only fills an empty database: use `graphsc neo4j push` (incremental, MERGE) to update it, "
            "or empty it first.",
        )
    if code != _FAILED:  # not the import mode's own failure: an old launcher, or Java itself failed
        return StoreError(
            where,
            f"the Neo4j launcher failed (exit {code}): {said}",
            "Rebuild it with `scripts/neo4j build` (a launcher without the import mode takes `import` for a "
            f"directory); the files are kept in {directory}.",
        )
    return StoreError(
        where,
        f"the bulk import failed: {said}",
        f"Its files and report are kept in {directory}; the database is left empty.",
    )
