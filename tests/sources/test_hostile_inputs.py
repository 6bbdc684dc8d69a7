"""Every input format the sources read, fed hostile bytes: each gives records, reported problems, or a clean
``InputFileError``/``ConfigError`` — never another exception (issue 13, C and E)."""

from __future__ import annotations

import gzip
import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphsc.errors import BadInput, ConfigError, InputFileError
from graphsc.sources.hf_hub import HubClient
from graphsc.sources.peatmoss import read_mapping, read_repo_licenses
from graphsc.sources.retry import RetryPolicy
from graphsc.sources.snapshot import RawRecord, read_snapshot

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _items(path: Path) -> list[RawRecord | BadInput]:
    return list(read_snapshot(path))


@FUZZ
@given(st.binary(max_size=2_000), st.booleans())
def test_jsonl_of_any_bytes_gives_records_or_bad_lines(data: bytes, gzipped: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dump.jsonl"
        path.write_bytes(gzip.compress(data) if gzipped else data)
        items = _items(path)
    assert all(isinstance(i, RawRecord | BadInput) for i in items)
    assert len(items) <= data.count(b"\n") + 1


@FUZZ
@given(
    st.lists(st.sampled_from(['{"id": "a/b"}', '{"id": "c/d"}', "{bad", ""]), min_size=1, max_size=30),
    st.integers(min_value=2, max_value=400),
)
def test_truncated_gzip_keeps_the_lines_before_the_cut(lines: list[str], cut: int) -> None:
    data = gzip.compress(("\n".join(lines) + "\n").encode())
    cut = min(cut, len(data) - 1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dump.jsonl.gz"
        path.write_bytes(data[:cut])
        items = _items(path)
    records = [i for i in items if isinstance(i, RawRecord)]
    assert [(r.line, r.data) for r in records] == [
        (n, {"id": line.split('"')[3]}) for n, line in enumerate(lines, start=1) if line.startswith('{"id')
    ][: len(records)]
    assert isinstance(items[-1], BadInput) and "truncated or corrupt" in items[-1].reason and items[-1].lost == 0


@FUZZ
@given(st.binary(max_size=3_000))
def test_random_bytes_as_parquet_is_a_clean_input_file_error(data: bytes) -> None:
    pytest.importorskip("pyarrow")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "models.parquet"
        path.write_bytes(data)
        try:
            items = _items(path)
        except InputFileError as exc:
            assert "Parquet" in exc.message
        else:
            assert all(isinstance(i, RawRecord | BadInput) for i in items)


def _parquet(path: Path, rows: int, group: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist([{"id": f"org/m{i}", "downloads": i} for i in range(rows)])
    pq.write_table(table, path, row_group_size=group)


def _damage_row_group(path: Path, index: int) -> None:
    import pyarrow.parquet as pq

    column = pq.ParquetFile(path).metadata.row_group(index).column(0)
    start = column.dictionary_page_offset or column.data_page_offset
    data = bytearray(path.read_bytes())
    data[start : start + column.total_compressed_size] = b"\xab" * column.total_compressed_size
    path.write_bytes(bytes(data))


def test_a_damaged_row_group_is_skipped_and_counted_exactly_the_rest_is_read(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    path = tmp_path / "models.parquet"
    _parquet(path, 5_000, 1_000)
    _damage_row_group(path, 1)
    items = _items(path)
    records = [i for i in items if isinstance(i, RawRecord)]
    bad = [i for i in items if isinstance(i, BadInput)]
    assert len(records) == 4_000
    assert [r.data["id"] for r in records] == [f"org/m{i}" for i in range(5_000) if not 1_000 <= i < 2_000]
    assert [(b.line, b.lost) for b in bad] == [(1_001, 1_000)]
    assert "row group 2 of 5" in bad[0].reason and "\n" not in bad[0].reason


def _bytes_file(path: Path, data: bytes, gzipped: bool) -> Path:
    """``data`` written to ``path``, gzipped when asked; returns ``path``."""
    path.write_bytes(gzip.compress(data) if gzipped else data)
    return path


@FUZZ
@given(st.one_of(st.binary(max_size=2_000), st.text(max_size=2_000).map(str.encode)), st.booleans())
def test_peatmoss_mapping_of_any_bytes_gives_usages_or_bad_lines(data: bytes, gzipped: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = _bytes_file(Path(tmp) / "map.csv", data, gzipped)
        items = list(read_mapping(path))
    assert all(not isinstance(i, BadInput) or i.reason for i in items)


@FUZZ
@given(st.one_of(st.binary(max_size=2_000), st.text(max_size=2_000).map(str.encode)), st.booleans())
def test_peatmoss_licenses_of_any_bytes_are_read_or_an_input_file_error(data: bytes, gzipped: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = _bytes_file(Path(tmp) / "licenses.json", data, gzipped)
        try:
            licenses = read_repo_licenses(path)
        except InputFileError:
            return
    assert all(isinstance(k, str) and all(isinstance(v, str) for v in vs) for k, vs in licenses.items())


def test_binary_peatmoss_mapping_is_reported_not_a_unicode_error(tmp_path: Path) -> None:
    path = tmp_path / "map.csv"
    path.write_bytes(b"https://github.com/a/b,org/model,,mit\n\xff\xfe\x00\x81garbage\nhttps://github.com/c/d,o/m,,\n")
    items = list(read_mapping(path))
    assert [(i.line, i.reason) for i in items if isinstance(i, BadInput)] == [(2, "not UTF-8 text")]
    assert [(u.repo, u.model) for u in items if not isinstance(u, BadInput)] == [("a/b", "org/model"), ("c/d", "o/m")]


def test_truncated_gzipped_mapping_keeps_the_rows_before_the_cut(tmp_path: Path) -> None:
    rows = "".join(f"https://github.com/o/r{i},org/m{i},,mit\n" for i in range(2_000)).encode()
    data = gzip.compress(rows)
    path = tmp_path / "map.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    items = list(read_mapping(path))
    usages = [i for i in items if not isinstance(i, BadInput)]
    assert 0 < len(usages) < 2_000
    assert [u.model for u in usages] == [f"org/m{i}" for i in range(len(usages))]
    assert isinstance(items[-1], BadInput) and items[-1].lost == 0 and "truncated or corrupt" in items[-1].reason


VARIABLES = {"GRAPHSC_HF_TIMEOUT": 0.1, "GRAPHSC_HF_RETRIES": 1, "GRAPHSC_HF_BACKOFF": 0.0}


def _read(name: str) -> float:
    return (
        HubClient().timeout
        if name == "GRAPHSC_HF_TIMEOUT"
        else (RetryPolicy.from_env().attempts if name == "GRAPHSC_HF_RETRIES" else RetryPolicy.from_env().base_delay)
    )


@pytest.mark.parametrize("name", sorted(VARIABLES))
@pytest.mark.parametrize("value", ["-1", "abc", "nan", "inf", "1e400", "", "1.5"])
def test_environment_variables_are_valid_or_a_config_error(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    try:
        got = _read(name)
    except ConfigError as exc:
        assert exc.setting == name and exc.value == value and name in exc.message and repr(value) in exc.message
        return
    assert value in ("", "1.5") and math.isfinite(got) and got >= VARIABLES[name]
    assert value != "1.5" or name != "GRAPHSC_HF_RETRIES"  # attempts are whole numbers


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(sorted(VARIABLES)), st.text(max_size=30).filter(lambda t: "\x00" not in t))
def test_any_text_in_an_environment_variable_is_a_valid_value_or_a_config_error(name: str, value: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv(name, value)
        try:
            got = _read(name)
        except ConfigError as exc:
            assert exc.setting == name
            return
    assert math.isfinite(got) and got >= VARIABLES[name]
