"""Usage files (``graphsc ingest usage``): the JSON-object and CSV/TSV shapes, the licenses file, and what the
readers make of damaged or hostile input. Expected values are written out by hand from each test's input."""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphsc.errors import BadInput, InputFileError
from graphsc.sources.usage_file import (
    UsageRow,
    github_repo_id,
    header_key,
    read_usage_file,
    read_usage_licenses,
)

FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def read(path: Path, **columns: str) -> list[tuple[str, str, str] | tuple[int | None, str]]:
    """Rows as (repo, model, evidence), problems as (line, reason)."""
    return [
        (item.line, item.reason) if isinstance(item, BadInput) else (item.repo, item.model, item.evidence)
        for item in read_usage_file(path, **columns)  # type: ignore[arg-type]
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("owner/repo", "owner/repo"),
        (" owner/repo/ ", "owner/repo"),
        ("owner/repo.git", "owner/repo"),
        ("https://github.com/owner/repo", "owner/repo"),
        ("http://www.github.com/owner/repo/", "owner/repo"),
        ("github.com/owner/repo/tree/main/src", "owner/repo"),
        ("https://github.com/owner/repo.git", "owner/repo"),
        ("HTTPS://GitHub.com/Owner/Repo?tab=readme#top", "Owner/Repo"),
        ("git@github.com:owner/repo.git", "owner/repo"),
        ("git+https://github.com/owner/repo", "owner/repo"),
        ("ssh://git@github.com/owner/repo", "owner/repo"),
        ("https://gitlab.com/owner/repo", None),
        ("owner", None),
        ("owner/repo/extra", None),
        ("-owner/repo", None),
        ("owner/re po", None),
        ("", None),
        (5, None),
        (None, None),
    ],
)
def test_github_repo_id(value: object, expected: str | None) -> None:
    assert github_repo_id(value) == expected


def test_header_key() -> None:
    assert header_key(" GitHub Repo-URL ") == "github_repo_url"
    assert header_key("HF_Model_ID") == "hf_model_id"
    assert header_key("nameWithOwner") == "namewithowner"


JSON_TEXT = """{
  "alice/chat": ["gpt2", "https://huggingface.co/Qwen/Qwen2.5-0.5B/tree/main"],
  "https://github.com/bob/vision.git": "facebook/detr-resnet-50",
  "not a repo": ["x/y"],
  "carol/tools": 42,
  "dave/app": ["/data/models/llama", null, "meta-llama/Llama-3.1-8B"],
  "erin/empty": []
}
"""


def test_json_object_shape(tmp_path: Path) -> None:
    path = tmp_path / "deps.json"
    path.write_text(JSON_TEXT)
    assert read(path) == [
        ("alice/chat", "gpt2", "usage file deps.json"),
        ("alice/chat", "Qwen/Qwen2.5-0.5B", "usage file deps.json"),
        ("bob/vision", "facebook/detr-resnet-50", "usage file deps.json"),
        (4, "key 'not a repo': not a GitHub repository (owner/name or URL)"),
        (5, "key 'carol/tools': expected a list of model ids or one model id, got number"),
        (6, "key 'dave/app'[0]: not a model id (local-path): '/data/models/llama'"),
        (6, "key 'dave/app'[1]: not a model id (not-a-string): null"),
        ("dave/app", "meta-llama/Llama-3.1-8B", "usage file deps.json"),
    ]


def test_json_shape_is_sniffed_and_gzip_read_by_content(tmp_path: Path) -> None:
    path = tmp_path / "deps.txt"  # no telling suffix, gzipped
    path.write_bytes(gzip.compress(b'\n\n  {"a/b": "c/d"}\n'))
    assert read(path) == [("a/b", "c/d", "usage file deps.txt")]


def test_json_cut_short_keeps_the_entries_before(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text('{\n"a/b": ["c/d"],\n"e/f": ["g/h", "i/')
    items = read(path)
    assert items[0] == ("a/b", "c/d", "usage file cut.json")
    assert len(items) == 2 and items[1][0] == 3
    assert "not JSON from line 3" in str(items[1][1]) and "the rest of the file is unread" in str(items[1][1])


def test_truncated_gzip_json_keeps_the_entries_before(tmp_path: Path) -> None:
    text = "{\n" + ",\n".join(f'"o/r{i}": ["m/m{i}"]' for i in range(2_000)) + "\n}\n"
    data = gzip.compress(text.encode())
    path = tmp_path / "cut.json.gz"
    path.write_bytes(data[: len(data) // 2])
    items = list(read_usage_file(path))
    rows = [i for i in items if isinstance(i, UsageRow)]
    assert len(rows) > 100  # what was decompressed before the cut
    assert [(r.repo, r.model) for r in rows] == [(f"o/r{i}", f"m/m{i}") for i in range(len(rows))]
    last = items[-1]
    assert isinstance(last, BadInput) and last.lost == 0 and "truncated or corrupt" in last.reason
    assert isinstance(last.line, int) and last.line >= len(rows) + 1


def test_data_after_the_object_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "two.json"
    path.write_text('{"a/b": "c/d"}\n{"e/f": "g/h"}\n')
    assert read(path) == [
        ("a/b", "c/d", "usage file two.json"),
        (2, "more data after the JSON object (ignored)"),
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('["a/b", "c/d"]', "expected a JSON object, got array"),
        ("null", "expected a JSON object, got null"),
        ("{nope", "not a JSON object (expected a key string)"),
        ("{", "not a JSON object (the object is not closed)"),
        ("", "the file is empty"),
        ("\n \n", "the file is empty"),
    ],
)
def test_not_a_json_object_is_an_input_file_error(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(text)
    with pytest.raises(InputFileError) as caught:
        list(read_usage_file(path))
    assert caught.value.reason.startswith(reason), caught.value.reason
    assert "docs/usage-files.md" in (caught.value.hint or "")


CSV_TEXT = (
    "Project,GitHub_Repo_URL,HF Model ID,stars\n"
    "p1,https://github.com/alice/chat,gpt2,3\n"
    "p2,github.com/bob/vision/tree/main,https://huggingface.co/facebook/detr-resnet-50,1\n"
    "\n"
    "p3,gitlab.com/carol/x,a/b,0\n"
    "p4,dave/app,./checkpoints/final,0\n"
    "p5,erin/short\n"
    "p6,,a/b\n"
    "p7,frank/tool,,2\n"
    'p8,"grace/multi",\n'
)


def test_csv_with_recognised_headers(tmp_path: Path) -> None:
    path = tmp_path / "usage.csv"
    path.write_text(CSV_TEXT)
    assert read(path) == [
        ("alice/chat", "gpt2", "usage file usage.csv line 2"),
        ("bob/vision", "facebook/detr-resnet-50", "usage file usage.csv line 3"),
        (5, "not a GitHub repository (owner/name or URL): 'gitlab.com/carol/x'"),
        (6, "not a model id (local-path): './checkpoints/final'"),
        (7, "no 'HF Model ID' column (the row has 2 fields)"),
        (8, "empty 'GitHub_Repo_URL' (no repository)"),
        (9, "empty 'HF Model ID' (no model id)"),
        (10, "empty 'HF Model ID' (no model id)"),
    ]


def test_tsv_by_suffix_and_by_sniffing(tmp_path: Path) -> None:
    text = "model\trepository\nbert-base-uncased\tacme/search\n"
    for name in ("u.tsv", "u.data"):
        path = tmp_path / name
        path.write_text(text)
        assert read(path) == [("acme/search", "bert-base-uncased", f"usage file {name} line 2")]


def test_the_header_decides_between_csv_and_tsv_when_the_name_is_wrong(tmp_path: Path) -> None:
    misnamed = tmp_path / "u.csv"
    misnamed.write_text("repo\tmodel\na/b\tc/d\n")
    assert read(misnamed) == [("a/b", "c/d", "usage file u.csv line 2")]
    misnamed = tmp_path / "u.tsv"
    misnamed.write_text("repo,model\na/b,c/d\n")
    assert read(misnamed) == [("a/b", "c/d", "usage file u.tsv line 2")]


def test_gzipped_csv_with_a_byte_order_mark_and_blank_lines_before_the_header(tmp_path: Path) -> None:
    path = tmp_path / "u.csv.gz"
    path.write_bytes(gzip.compress(b"\xef\xbb\xbf\n\nRepo,Model\n\na/b,c/d\n"))
    assert read(path) == [("a/b", "c/d", "usage file u.csv.gz line 5")]


def test_columns_picked_by_option_ignoring_case(tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text("source,target,repo,model\nx/src,y/dst,ignored/repo,ignored/model\n")
    assert read(path, repo_column="SOURCE", model_column="Target") == [("x/src", "y/dst", "usage file u.csv line 2")]
    assert read(path) == [("ignored/repo", "ignored/model", "usage file u.csv line 2")]


def test_a_quoted_field_over_two_lines_is_one_row_at_its_first_line(tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text('repo,model,note\na/b,c/d,"two\nlines"\ne/f,bad model,x\n')
    assert read(path) == [
        ("a/b", "c/d", "usage file u.csv line 2"),
        (4, "not a model id (malformed): 'bad model'"),
    ]


def test_undecodable_line_is_reported_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_bytes(b"repo,model\na/b,c/d\n\xff\xfe,x\ne/f,g/h\n")
    assert read(path) == [
        ("a/b", "c/d", "usage file u.csv line 2"),
        (3, "not UTF-8 text"),
        ("e/f", "g/h", "usage file u.csv line 4"),
    ]


def test_truncated_gzip_csv_keeps_the_rows_before(tmp_path: Path) -> None:
    text = "repo,model\n" + "".join(f"o/r{i},m/m{i}\n" for i in range(3_000))
    data = gzip.compress(text.encode())
    path = tmp_path / "u.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    items = list(read_usage_file(path))
    rows = [i for i in items if isinstance(i, UsageRow)]
    assert len(rows) > 100
    assert [(r.repo, r.model, r.evidence) for r in rows] == [
        (f"o/r{i}", f"m/m{i}", f"usage file u.csv.gz line {i + 2}") for i in range(len(rows))
    ]
    last = items[-1]
    assert isinstance(last, BadInput) and last.lost == 0 and "truncated or corrupt" in last.reason


def test_no_matching_header_lists_the_headers_and_the_options(tmp_path: Path) -> None:
    path = tmp_path / "mapping.csv"
    path.write_text("github.com/a/b,gpt2,https://huggingface.co/gpt2,mit\n")  # PeaTMOSS's headerless mapping
    with pytest.raises(InputFileError) as caught:
        list(read_usage_file(path))
    error = caught.value
    assert error.reason == (
        "no repository column and model column found in the header row: "
        "'github.com/a/b', 'gpt2', 'https://huggingface.co/gpt2', 'mit'"
    )
    assert error.hint is not None
    assert "--repo-column NAME" in error.hint and "--model-column NAME" in error.hint
    assert "graphsc ingest peatmoss" in error.hint

    path.write_text("repo,what\na/b,c/d\n")
    with pytest.raises(InputFileError) as caught:
        list(read_usage_file(path))
    assert caught.value.reason == "no model column found in the header row: 'repo', 'what'"
    with pytest.raises(InputFileError, match="no column 'nope' \\(given with --model-column\\)"):
        list(read_usage_file(path, model_column="nope"))
    with pytest.raises(InputFileError, match="the same column"):
        list(read_usage_file(path, model_column="REPO"))


def test_files_that_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        list(read_usage_file(tmp_path / "missing.csv"))
    with pytest.raises(InputFileError, match="is a directory"):
        list(read_usage_file(tmp_path))
    header_only = tmp_path / "h.csv"
    header_only.write_text("repo,model\n")
    assert read(header_only) == []


def test_licenses_file(tmp_path: Path) -> None:
    path = tmp_path / "licenses.json"
    path.write_text(
        "{\n"
        '  "alice/chat": "MIT",\n'
        '  "https://github.com/Bob/Vision": ["bsd-new", "NOASSERTION", "apache-2.0"],\n'
        '  "carol/x": null,\n'
        '  "dave/app": "NoAssertion",\n'
        '  "no repo": "MIT",\n'
        '  "erin/y": 3,\n'
        '  "frank/z": ["gpl-3.0", 7]\n'
        "}\n"
    )
    licenses = read_usage_licenses(path)
    assert licenses.by_repo == {
        "alice/chat": ["MIT"],
        "bob/vision": ["bsd-new", "apache-2.0"],
        "frank/z": ["gpl-3.0"],
    }
    assert licenses.of("ALICE/Chat") == ["MIT"] and licenses.of("bob/vision") == ["bsd-new", "apache-2.0"]
    assert licenses.of("carol/x") is None and licenses.of("dave/app") is None
    assert [(p.line, p.reason) for p in licenses.problems] == [
        (6, "key 'no repo': not a GitHub repository (owner/name or URL)"),
        (7, "key 'erin/y': expected a license, a list of licenses or null, got number"),
        (8, "key 'frank/z'[1]: expected a license string, got number"),
    ]


def test_licenses_file_that_is_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "licenses.json"
    path.write_text('["MIT"]')
    with pytest.raises(InputFileError, match="expected a JSON object, got array"):
        read_usage_licenses(path)
    with pytest.raises(InputFileError, match="no such file"):
        read_usage_licenses(tmp_path / "missing.json")


# --- properties ---------------------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=4),
    max_leaves=20,
)
model_like = st.sampled_from(["gpt2", "a/b", "https://huggingface.co/c/d", "/local/path", "", "x y", "e/f.git"])
repo_like = st.sampled_from(["o/r", "https://github.com/o/s", "github.com/o/t/tree/main", "no", "gitlab.com/a/b", ""])


def _problems_have_lines(items: list[UsageRow | BadInput], text: str) -> None:
    lines = text.count("\n") + 1
    for item in items:
        if isinstance(item, BadInput):
            assert item.line is not None and 1 <= item.line <= lines + 1, (item, lines)


@FUZZ
@given(json_values, st.booleans())
def test_any_json_document_gives_rows_problems_or_an_input_file_error(value: object, indent: bool) -> None:
    text = json.dumps(value, indent=1 if indent else None)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "u.json"
        path.write_text(text)
        try:
            items = list(read_usage_file(path))
        except InputFileError:
            assert not isinstance(value, dict)
            return
        try:
            read_usage_licenses(path)
        except InputFileError:
            raise AssertionError("a JSON object is a licenses file") from None
    assert isinstance(value, dict)
    assert all(isinstance(i, UsageRow | BadInput) for i in items)
    _problems_have_lines(items, text)


MODELS = {"gpt2": "gpt2", "a/b": "a/b", "https://huggingface.co/c/d": "c/d", "e/f.git": "e/f"}  # the rest: not ids
not_strings = st.none() | st.booleans() | st.integers() | st.lists(st.integers(), max_size=2)


@FUZZ
@given(
    st.dictionaries(
        st.one_of(repo_like, st.text(max_size=10)),
        st.one_of(model_like, not_strings, st.lists(model_like | not_strings, max_size=4)),
        max_size=8,
    )
)
def test_json_object_keeps_every_good_entry_and_reports_the_others(data: dict[str, object]) -> None:
    text = json.dumps(data, indent=2)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "u.json"
        path.write_text(text)
        items = list(read_usage_file(path))
    _problems_have_lines(items, text)
    expected_rows, expected_problems = [], 0
    for key, value in data.items():
        repo = github_repo_id(key)
        values = [value] if isinstance(value, str) else value if isinstance(value, list) else None
        if repo is None or values is None:
            expected_problems += 1
            continue
        for model in values:
            if isinstance(model, str) and model in MODELS:
                expected_rows.append((repo, MODELS[model]))
            else:
                expected_problems += 1
    assert [(i.repo, i.model) for i in items if isinstance(i, UsageRow)] == expected_rows
    assert sum(isinstance(i, BadInput) for i in items) == expected_problems


@FUZZ
@given(st.text(max_size=400), st.sampled_from(["u.csv", "u.tsv", "u.txt"]))
def test_any_csv_text_gives_rows_problems_or_an_input_file_error(text: str, name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_text(text, encoding="utf-8")
        try:
            items = list(read_usage_file(path))
        except InputFileError:
            return
    assert all(isinstance(i, UsageRow | BadInput) for i in items)
    _problems_have_lines(items, text)


@FUZZ
@given(st.binary(max_size=1_000), st.booleans(), st.sampled_from(["u.csv", "u.json", "u"]))
def test_any_bytes_give_rows_problems_or_an_input_file_error(data: bytes, gzipped: bool, name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(gzip.compress(data) if gzipped else data)
        try:
            items = list(read_usage_file(path))
        except InputFileError:
            items = []
        with contextlib.suppress(InputFileError):
            read_usage_licenses(path)
    assert all(isinstance(i, UsageRow | BadInput) for i in items)


@FUZZ
@given(st.lists(st.tuples(repo_like, model_like), max_size=25), st.booleans())
def test_csv_rows_come_out_in_order_with_their_lines(rows: list[tuple[str, str]], tabs: bool) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t" if tabs else ",", lineterminator="\n")
    writer.writerow(["github_repo", "hf_model_id"])
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("u.tsv" if tabs else "u.csv")
        path.write_text(buffer.getvalue())
        items = list(read_usage_file(path))
    expected: list[tuple[int, str, str] | int] = []
    for line, (repo_cell, model_cell) in enumerate(rows, start=2):
        if not repo_cell and not model_cell:
            continue  # a blank row
        repo = github_repo_id(repo_cell)
        model = MODELS.get(model_cell)
        expected.append((line, repo, model) if repo and model else line)  # type: ignore[arg-type]
    got = [i.line if isinstance(i, BadInput) else (int(i.evidence.rsplit(" ", 1)[1]), i.repo, i.model) for i in items]
    assert got == expected


def _comparable(item: UsageRow | BadInput) -> tuple[object, ...]:
    return (item.line, item.reason, item.lost) if isinstance(item, BadInput) else (item.repo, item.model, item.evidence)


@FUZZ
@given(st.lists(st.tuples(repo_like, model_like), min_size=1, max_size=40), st.integers(min_value=20, max_value=10_000))
def test_gzip_cut_anywhere_keeps_a_prefix_of_the_rows(rows: list[tuple[str, str]], cut: int) -> None:
    lines = ["repo,model", *(f"{r},{m}" for r, m in rows)]
    full = gzip.compress(("\n".join(lines) + "\n").encode())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "u.csv.gz"
        path.write_bytes(full)
        complete = [_comparable(i) for i in read_usage_file(path)]
        path.write_bytes(full[: min(cut, len(full) - 1)])
        try:
            items = list(read_usage_file(path))
        except InputFileError as error:  # cut before the header could be read
            assert "truncated or corrupt" in error.reason
            return
    last = items[-1]
    assert isinstance(last, BadInput) and last.lost == 0 and "truncated or corrupt" in last.reason
    head = [_comparable(i) for i in items[:-1]]
    assert head == complete[: len(head)]
