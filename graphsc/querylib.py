"""The Cypher query library: the ``.cypher`` files shipped in ``graphsc/cypher`` (also ``cypher/`` at the top
of the repository), each answering one question.

A file starts with a header of ``//`` comment lines::

    // name: descendants
    // What it answers (any number of lines).
    // params:
    //   $id (string): the model id
    //   $max_depth (integer): how many levels down
    // example: graphsc query descendants --param id=org/model --param max_depth=2
    // cypher-shell: :param {id: 'org/model', max_depth: 2}

followed by one or more statements, each ending with ``;``. Values only ever reach Cypher as ``$parameters``,
so the files run unchanged in cypher-shell and Neo4j Browser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from graphsc.errors import GraphscError

SUFFIX = ".cypher"
_PARAM_LINE = re.compile(r"^//\s+\$(\w+)\s+\((\w+)\):\s*(.*)$")
_PARAM_USE = re.compile(r"\$(\w+)")


@dataclass(frozen=True, slots=True)
class QueryParam:
    """A parameter a query file declares: its name (without ``$``), type and description."""

    name: str
    type: str
    description: str


@dataclass(frozen=True, slots=True)
class QueryFile:
    """One parsed query file."""

    name: str
    path: Path
    description: str
    params: tuple[QueryParam, ...]
    example: str
    statements: tuple[str, ...]

    @property
    def param_names(self) -> set[str]:
        return {p.name for p in self.params}


def library_dir() -> Path:
    """The directory holding the shipped query files (inside the installed package)."""
    return Path(str(files("graphsc") / "cypher"))


def list_queries() -> list[QueryFile]:
    """Every shipped query, by name."""
    return [parse_query_file(p) for p in sorted(library_dir().glob(f"*{SUFFIX}"))]


def find_query(name_or_path: str) -> QueryFile:
    """The shipped query called ``name_or_path``, or the ``.cypher`` file at that path."""
    shipped = library_dir() / f"{name_or_path.removesuffix(SUFFIX)}{SUFFIX}"
    if "/" not in name_or_path and shipped.is_file():
        return parse_query_file(shipped)
    path = Path(name_or_path)
    if path.is_file():
        return parse_query_file(path)
    names = ", ".join(q.name for q in list_queries())
    raise GraphscError(
        f"No query named {name_or_path!r} and no such file.",
        f"Shipped queries: {names} (graphsc query --list); or give the path of a .cypher file.",
    )


def parse_query_file(path: Path) -> QueryFile:
    """Parse a query file's header and split its statements."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GraphscError(f"Cannot read {path} ({exc.strerror}).", "Check the path.") from None
    header: list[str] = []
    body: list[str] = []
    for line in text.splitlines():
        (header if line.startswith("//") and not body else body).append(line)
    fields: dict[str, str] = {}
    description: list[str] = []
    params: list[QueryParam] = []
    for line in header:
        if match := _PARAM_LINE.match(line):
            params.append(QueryParam(*match.groups()))
            continue
        content = line[2:].strip()
        key, sep, value = content.partition(":")
        if sep and key in ("name", "params", "example", "cypher-shell"):
            fields[key] = value.strip()
        elif content:
            description.append(content)
    statements = tuple(s.strip() for s in "\n".join(body).split(";") if _code(s))
    if not statements:
        raise GraphscError(f"{path} holds no Cypher statement.", "A query file needs at least one statement.")
    return QueryFile(
        name=fields.get("name") or path.name.removesuffix(SUFFIX),
        path=path,
        description=" ".join(description),
        params=tuple(params),
        example=fields.get("example", ""),
        statements=statements,
    )


def _code(statement: str) -> bool:
    return any(line.strip() and not line.strip().startswith("//") for line in statement.splitlines())


def used_params(query: QueryFile) -> set[str]:
    """The ``$names`` the statements use (comments excluded)."""
    code = "\n".join(line.split("//", 1)[0] for s in query.statements for line in s.splitlines())
    return set(_PARAM_USE.findall(code))


def parse_param_value(text: str) -> Any:
    """A ``--param`` value: int, float, bool (true/false) or null when it looks like one, else the string."""
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_params(items: list[str], query: QueryFile | None = None) -> dict[str, Any]:
    """``key=value`` strings as a parameter map. Values are typed by ``parse_param_value``, except that a
    parameter ``query`` declares as ``string`` stays a string (``--param id=1234`` is the id "1234")."""
    strings = {p.name for p in query.params if p.type.lower() == "string"} if query else set()
    params: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip().lstrip("$")
        if not sep or not key:
            raise GraphscError(f"Bad --param {item!r}.", "Write it as key=value, e.g. --param id=org/model.")
        params[key] = value if key in strings else parse_param_value(value)
    return params


def check_params(query: QueryFile, params: dict[str, Any]) -> None:
    """Raise a ``GraphscError`` listing what ``query`` needs if any of its parameters is missing."""
    needed = query.param_names | used_params(query)
    missing = sorted(needed - set(params))
    if missing:
        described = {p.name: f"{p.name} ({p.type}): {p.description}" for p in query.params}
        lines = "; ".join(described.get(name, name) for name in missing)
        raise GraphscError(
            f"Query {query.name} needs --param for: {lines}.",
            f"Example: {query.example}" if query.example else "Pass each as --param key=value.",
        )
