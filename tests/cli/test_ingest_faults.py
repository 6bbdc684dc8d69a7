"""Issue 13 (C, E, G) end to end through the CLI: bad files, streams, repeated records, damaged Parquet, cut
PeaTMOSS files, bad environment variables, dropped references, capped warnings, help texts, exact counts."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.store.sqlite import SQLiteStore

runner = CliRunner()
WIDE = {"COLUMNS": "200"}


def _ingest(*args: str, **kwargs: object):
    return runner.invoke(app, ["ingest", *args], env=WIDE, **kwargs)  # type: ignore[arg-type]


def _store_contents(db: Path) -> dict[str, object]:
    """What a store holds, without timestamps (they differ between runs)."""
    store = SQLiteStore(db)
    try:
        return {
            "models": sorted(
                row for page in store.iter_model_fields(("fetched", "license", "downloads")) for row in page
            ),
            "edges": sorted(e[:4] for page in store.iter_derived_from() for e in page),
            "notes": sorted(n[:5] for page in store.iter_notes() for n in page),
        }
    finally:
        store.close()


# --- E: streams are read once; - is stdin --------------------------------------------------------------------------


def test_dash_reads_jsonl_from_stdin(tmp_path: Path, family_files: list[Path]) -> None:
    data = family_files[1].read_bytes()
    lines = data.count(b"\n")
    db = tmp_path / "g.db"
    result = _ingest("snapshot", "-", "--db", str(db), input=data)
    assert result.exit_code == 0, result.output
    assert f"Ingested {lines:,} records" in result.output


@pytest.mark.parametrize("gzipped", [False, True])
def test_dev_stdin_pipe_ingests_every_record(tmp_path: Path, family_files: list[Path], gzipped: bool) -> None:
    # was: the format probe consumed the pipe and reopened /dev/stdin: 0 records, exit 0
    data = family_files[0].read_bytes()
    db = tmp_path / "g.db"
    result = subprocess.run(
        [sys.executable, "-m", "graphsc", "ingest", "snapshot", "/dev/stdin", "--db", str(db)],
        input=gzip.compress(data) if gzipped else data,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode()
    lines = data.count(b"\n")
    assert f"Ingested {lines:,} records" in result.stderr.decode()


# --- E: the last record for an id wins, whatever the batch size ----------------------------------------------------


def test_batch_size_does_not_change_the_store(tmp_path: Path) -> None:
    records = [
        {"id": "o/child", "cardData": {"base_model": "o/old-base"}},
        {"id": "o/other", "cardData": {"base_model": "o/child"}},
        {"id": "O/Child", "cardData": {"base_model": "o/new-base", "license": "mit"}, "downloads": 5},
        {"id": "o/other", "tags": ["base_model:adapter:o/child"], "cardData": {"base_model": "bad id"}},
    ]
    path = tmp_path / "dup.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    small, large = tmp_path / "small.db", tmp_path / "large.db"
    assert _ingest("snapshot", str(path), "--batch-size", "1", "--db", str(small)).exit_code == 0
    assert _ingest("snapshot", str(path), "--batch-size", "1000", "--db", str(large)).exit_code == 0
    contents = _store_contents(small)
    assert contents == _store_contents(large)
    assert contents["edges"] == [
        ("O/Child", "o/new-base", "finetune", "inferred:default"),
        ("o/other", "O/Child", "adapter", "hub-tag"),
    ]


# --- E: damaged Parquet row groups are skipped and counted exactly --------------------------------------------------


def test_damaged_parquet_row_group_keeps_the_rest_and_counts_its_rows(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    path = tmp_path / "models.parquet"
    pq.write_table(pa.Table.from_pylist([{"id": f"org/m{i}"} for i in range(4_000)]), path, row_group_size=1_000)
    column = pq.ParquetFile(path).metadata.row_group(0).column(0)
    start = column.dictionary_page_offset or column.data_page_offset
    data = bytearray(path.read_bytes())
    data[start : start + column.total_compressed_size] = b"\xab" * column.total_compressed_size
    path.write_bytes(bytes(data))
    db = tmp_path / "g.db"
    result = _ingest("snapshot", str(path), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "Ingested 3,000 records" in result.output and "skipped 1,000 malformed" in result.output
    assert f"{path}:1: row group 1 of 4 is damaged" in result.output
    store = SQLiteStore(db)
    try:
        assert len(store.models([f"org/m{i}" for i in range(4_000)])) == 3_000
    finally:
        store.close()


def test_random_bytes_as_parquet_is_an_input_file_error(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    path = tmp_path / "models.parquet"
    path.write_bytes(b"PAR1 this is not parquet \x00\xff PAR1")
    result = _ingest("snapshot", str(path), "--db", str(tmp_path / "g.db"))
    assert result.exit_code == 1
    assert "Input file: Cannot read" in result.output and "not a readable Parquet file" in result.output
    assert "Traceback" not in result.output


# --- G: garbage input: warnings capped, exact count, exit 1 ---------------------------------------------------------


def test_garbage_file_caps_warnings_counts_exactly_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "garbage.jsonl"
    path.write_text("".join(f"garbage {i} :100: [/] [bold]x\n" for i in range(1, 251)))
    db = tmp_path / "g.db"
    result = _ingest("snapshot", str(path), "--db", str(db))
    assert result.exit_code == 1
    assert sum(line.startswith("skipped ") for line in result.output.splitlines()) == 20
    assert "… and 230 more problems not shown (250 in all" in result.output
    assert "skipped 250 malformed" in result.output
    assert "No records were read from the inputs" in result.output
    assert "Traceback" not in result.output


def test_warnings_print_file_content_literally(tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_text('{"id": "a/ok"}\n{"id": ":100: [/] [red]x"}\n')
    result = _ingest("snapshot", str(path), "--db", str(tmp_path / "g.db"))
    assert result.exit_code == 0, result.output
    assert ":100: [/] [red]x" in result.output and "💯" not in result.output


def test_empty_input_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n")
    result = _ingest("snapshot", str(path), "--db", str(tmp_path / "g.db"))
    assert result.exit_code == 1 and "the inputs hold no records" in result.output


# --- E: every dropped reference is reported --------------------------------------------------------------------------


def test_a_base_model_with_a_space_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "space.jsonl"
    path.write_text(json.dumps({"id": "o/m", "cardData": {"base_model": "org/some model"}}) + "\n")
    db = tmp_path / "g.db"
    result = _ingest("snapshot", str(path), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "1 malformed id rejected" in result.output
    assert [n[:5] for n in _store_contents(db)["notes"]] == [("o/m", "base_model", "org/some model", None, "malformed")]  # type: ignore[index]


def test_odd_types_lose_only_their_value_never_the_batch(tmp_path: Path) -> None:
    records = [
        {"id": "o/a", "cardData": {"base_model": "o/base", "base_model_relation": ["adapter", "merge"]}},
        {"id": "o/b", "cardData": {"base_model": ["o/base", {"x": 1}], "base_model_relation": [[1]]}},
        {"id": "o/c", "cardData": {"base_model": 5, "license": ["mit", 3]}, "tags": {"a": 1}, "downloads": "many"},
        {"id": "o/d", "cardData": {"base_model": "o/base", "base_model_relation": "adapter"}},
    ]
    path = tmp_path / "odd.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    db = tmp_path / "g.db"
    result = _ingest("snapshot", str(path), "--batch-size", "1000", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "Ingested 4 records" in result.output and "2 values of the wrong type ignored" in result.output
    contents = _store_contents(db)
    assert {m[0] for m in contents["models"] if m[1]} == {"o/a", "o/b", "o/c", "o/d"}  # type: ignore[union-attr]
    assert ("o/d", "o/base", "adapter", "card-relation") in contents["edges"]  # type: ignore[operator]


# --- C/E: PeaTMOSS files ---------------------------------------------------------------------------------------------


def test_binary_peatmoss_mapping_is_reported_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "map.csv"
    path.write_bytes(bytes(range(256)) * 20)
    result = _ingest("peatmoss", "--mapping", str(path), "--db", str(tmp_path / "g.db"))
    assert result.exit_code == 1, result.output
    assert "not UTF-8 text" in result.output and "No usable rows" in result.output
    assert "Traceback" not in result.output and "UnicodeDecodeError" not in result.output


def test_truncated_peatmoss_mapping_keeps_what_was_read(tmp_path: Path) -> None:
    rows = "".join(f"https://github.com/o/r{i},org/m{i},https://huggingface.co/org/m{i},mit\n" for i in range(3_000))
    data = gzip.compress(rows.encode())
    path = tmp_path / "map.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    db = tmp_path / "g.db"
    result = _ingest("peatmoss", "--mapping", str(path), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "Aborted" not in result.output
    assert "truncated or corrupt" in result.output and "1 file cut short" in result.output
    imported = int(re.search(r"Imported ([\d,]+) usages", result.output).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert 0 < imported < 3_000
    store = SQLiteStore(db)
    try:
        assert len(store.models([f"org/m{i}" for i in range(imported)])) == imported
    finally:
        store.close()


def test_unreadable_peatmoss_licenses_is_an_input_file_error(tmp_path: Path) -> None:
    path = tmp_path / "lic.json.gz"
    path.write_bytes(gzip.compress(b'{"a/b": ["mit"]}')[:12])
    result = _ingest("peatmoss", "--licenses", str(path), "--db", str(tmp_path / "g.db"))
    assert result.exit_code == 1 and "Input file: Cannot read" in result.output, result.output


# --- C: environment variables ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("GRAPHSC_HF_TIMEOUT", "-1"),
        ("GRAPHSC_HF_TIMEOUT", "abc"),
        ("GRAPHSC_HF_RETRIES", "2.5"),
        ("GRAPHSC_HF_RETRIES", "0"),
        ("GRAPHSC_HF_BACKOFF", "-3"),
        ("GRAPHSC_HF_BACKOFF", "nan"),
    ],
)
def test_bad_hf_environment_variable_is_a_setting_error(tmp_path: Path, name: str, value: str) -> None:
    db = tmp_path / "g.db"
    result = runner.invoke(
        app, ["ingest", "hf", "o/m", "--db", str(db)], env={**WIDE, "HF_ENDPOINT": "http://127.0.0.1:9", name: value}
    )
    assert result.exit_code == 1, result.output
    assert f"Setting: {name}='{value}' is not valid" in result.output
    assert "Traceback" not in result.output and "ValueError" not in result.output
    assert not db.exists()  # checked before the store is opened


# --- G: help texts ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["snapshot", "hf", "peatmoss", "github"])
def test_ingest_help_keeps_its_defaults(command: str) -> None:
    result = runner.invoke(app, ["ingest", command, "--help"], env=WIDE)
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    expected = {
        "snapshot": ["default 50,000"],
        "hf": ["[default: 8]", "default: 10", "[default: up]", "default: unlimited"],
        "peatmoss": ["(default: the bundled copy)"],
        "github": ["[default: 100]"],
    }[command]
    for default in expected:
        assert default in text, (default, text)
    assert "pip install 'graphsc'" not in text


def test_pyarrow_hint_names_the_real_extra() -> None:
    from graphsc.sources.parquet import PYARROW_HINT

    extras = (Path(__file__).parents[2] / "pyproject.toml").read_text()
    assert "pip install 'graphsc[parquet]'" in PYARROW_HINT and 'parquet = ["pyarrow' in extras


# --- E: lineage "not shown" is exact ---------------------------------------------------------------------------------


@pytest.mark.parametrize("width", ["2", "10"])
def test_lineage_not_shown_is_exact(tmp_path: Path, family_files: list[Path], width: str) -> None:
    db = tmp_path / "g.db"
    assert _ingest("snapshot", *map(str, family_files), "--db", str(db)).exit_code == 0
    result = runner.invoke(app, ["lineage", "deepseek-ai/DeepSeek-R1", "--width", width, "--db", str(db)], env=WIDE)
    assert result.exit_code == 0, result.output
    descendants = int(re.search(r"descendants\s+(\d+)", result.output).group(1))  # type: ignore[union-attr]
    tree = result.output.split("Descendants of", 1)[1].split("Used by", 1)[0]
    shown = {
        m.group(2)
        for m in re.finditer(r"(finetune|adapter|quantized|merge|distillation) (\S+)", tree)
        if "(shown above)" not in m.string[m.end() : m.string.find("\n", m.end())]
    }
    not_shown = int(re.search(r"not shown\s+(\d+) models", result.output).group(1))  # type: ignore[union-attr]
    assert not_shown == descendants - len(shown)


# --- found by a second tester -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://127.0.0.1:99999",
        "http://u:HF#PW@127.0.0.1:9",
        "http://127.0.0.1:9/\x1b[2J",
        "ftp://example.org",
    ],
)
def test_bad_hf_endpoint_is_a_setting_error_with_credentials_redacted(tmp_path: Path, endpoint: str) -> None:
    db = tmp_path / "g.db"
    result = runner.invoke(app, ["ingest", "hf", "o/m", "--db", str(db)], env={**WIDE, "HF_ENDPOINT": endpoint})
    assert result.exit_code == 1, result.output
    assert "Setting: HF_ENDPOINT=" in result.output and "Traceback" not in result.output
    assert "HF#PW" not in result.output and "\x1b" not in result.output
    assert not db.exists()


def test_a_backoff_of_years_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["ingest", "hf", "o/m", "--db", str(tmp_path / "g.db")],
        env={**WIDE, "HF_ENDPOINT": "http://127.0.0.1:9", "GRAPHSC_HF_BACKOFF": "1e9"},
    )
    assert result.exit_code == 1 and "Setting: GRAPHSC_HF_BACKOFF='1e9' is not valid" in result.output


def test_a_closed_stderr_does_not_stop_the_ingest(tmp_path: Path) -> None:
    # was: the first warning written to a closed pipe stopped the ingest after one batch, and it exited 0
    path = tmp_path / "mix.jsonl"
    records = [json.dumps({"id": f"o/m{i}"}) if i % 100 else "garbage" for i in range(1, 1001)]
    path.write_text("\n".join(records) + "\n")
    db = tmp_path / "g.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "graphsc", "ingest", "snapshot", str(path), "--db", str(db), "--batch-size", "10"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    proc.stderr.readline()
    proc.stderr.close()  # the reader goes away, like `2>&1 | head -1`
    assert proc.wait(timeout=120) == 0
    store = SQLiteStore(db)
    try:
        assert store.counts().nodes["Model"] == 990
    finally:
        store.close()


def test_a_failing_command_keeps_its_exit_code_when_stderr_is_closed(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "graphsc", "stats", "--db", str(tmp_path / "missing.db")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    proc.stderr.close()
    assert proc.wait(timeout=60) == 1


def test_bad_github_api_url_and_neo4j_timeout_are_setting_errors(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["ingest", "github", "o/m", "--db", str(tmp_path / "g.db")],
        env={**WIDE, "GITHUB_TOKEN": "t0ken", "GITHUB_API_URL": "http://u:pw@h:99999"},
    )
    assert result.exit_code == 1 and "Setting: GITHUB_API_URL='http://u:***@h:99999' is not valid" in result.output
    assert "pw" not in result.output.replace("http(s)", "") and "t0ken" not in result.output
    result = runner.invoke(app, ["stats", "--store", "neo4j"], env={**WIDE, "NEO4J_QUERY_TIMEOUT": "abc"})
    assert result.exit_code == 1 and "Setting: NEO4J_QUERY_TIMEOUT='abc' is not valid" in result.output
