"""The query library's files are well formed: header, declared parameters, examples; and ``cypher/`` at the top
of the repository is the shipped directory. (tests/store/test_cypher_queries.py runs them against Neo4j.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graphsc.errors import GraphscError
from graphsc.querylib import (
    QueryFile,
    check_params,
    find_query,
    library_dir,
    list_queries,
    parse_param_value,
    parse_params,
    used_params,
)

REPO = Path(__file__).resolve().parents[1]
QUERIES = list_queries()


def test_top_level_cypher_is_the_shipped_directory() -> None:
    top = REPO / "cypher"
    assert top.is_symlink() and top.resolve() == (REPO / "graphsc" / "cypher").resolve() == library_dir().resolve()
    assert len(QUERIES) >= 11


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_header_declares_what_the_file_uses(query: QueryFile) -> None:
    text = query.path.read_text()
    assert query.name == query.path.stem and query.description
    assert query.param_names == used_params(query), "every $parameter is declared in the header, and only those"
    assert re.search(r"^// params: none$", text, re.M) if not query.params else "// params:\n" in text
    assert query.example.startswith(f"graphsc query {query.name}")
    assert set(re.findall(r"--param (\w+)=", query.example)) == query.param_names
    shell = re.search(r"^// cypher-shell: (.*)$", text, re.M)
    assert shell and shell.group(1).startswith(":param ") == bool(query.params)
    assert all(p.type in ("string", "integer") and p.description for p in query.params)
    assert all(s and not s.rstrip().endswith(";") for s in query.statements)


def test_param_values_are_typed_when_they_look_typed() -> None:
    assert [parse_param_value(v) for v in ["3", "-2", "0.5", "true", "False", "null", "org/m", "1e3x"]] == [
        3,
        -2,
        0.5,
        True,
        False,
        None,
        "org/m",
        "1e3x",
    ]
    descendants = find_query("descendants")
    assert parse_params(["id=1234", "max_depth=2"], descendants) == {"id": "1234", "max_depth": 2}
    with pytest.raises(GraphscError, match="Bad --param"):
        parse_params(["nonsense"])


def test_missing_params_are_listed_with_their_meaning() -> None:
    with pytest.raises(GraphscError) as caught:
        check_params(find_query("descendants"), {"id": "x"})
    assert "max_depth (integer)" in caught.value.message and "id (string)" not in caught.value.message
    assert "graphsc query descendants --param" in (caught.value.hint or "")


def test_unknown_query_lists_the_library(tmp_path: Path) -> None:
    with pytest.raises(GraphscError) as caught:
        find_query("nope")
    assert "ancestors" in (caught.value.hint or "")
    own = tmp_path / "mine.cypher"
    own.write_text("// name: mine\n// Counts models.\n// params: none\nMATCH (m:Model) RETURN count(m) AS n;\n")
    assert find_query(str(own)).statements == ("MATCH (m:Model) RETURN count(m) AS n",)
