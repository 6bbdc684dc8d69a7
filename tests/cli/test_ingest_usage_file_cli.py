"""``graphsc ingest usage`` through typer's CliRunner: the exact output for each shape (malformed rows included),
then the stored graph read back. Expected values are worked out by hand from each test's files."""

from __future__ import annotations

import gzip
import re
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.store.sqlite import SQLiteStore

runner = CliRunner()


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in ``tmp_path``, so the files (and the store, ``g.db``) are named as a user would name them."""
    monkeypatch.chdir(tmp_path)


def invoke(*args: str, stdin: str | None = None) -> tuple[int, str]:
    """Exit code and stderr (the seconds an import took replaced by ``N``)."""
    result = runner.invoke(app, [*args, "--db", "g.db"], input=stdin)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.stdout == ""
    return result.exit_code, re.sub(r"; \d+\.\d\d s\.$", "; N s.", result.stderr, flags=re.MULTILINE)


def edges(store: SQLiteStore) -> list[tuple[str, str, str, str, str]]:
    return sorted((u.user_kind, u.user, u.model, u.source, u.evidence) for batch in store.iter_uses() for u in batch)


def repos(store: SQLiteStore) -> dict[str, tuple[str | None, str | None]]:
    return {r.id: (r.license, r.license_raw) for batch in store.iter_repos() for r in batch}


def test_json_object_with_licenses(tmp_path: Path) -> None:
    (tmp_path / "deps.json").write_text(
        "{\n"
        '  "alice/chat": ["gpt2", "https://huggingface.co/Qwen/Qwen2.5-0.5B"],\n'
        '  "https://github.com/bob/vision/tree/main": "facebook/detr-resnet-50",\n'
        '  "carol/x": {"model": "a/b"},\n'
        '  "dave/app": ["../llama", "made-up-legacy"]\n'
        "}\n"
    )
    (tmp_path / "licenses.json").write_text(
        '{\n  "alice/chat": "MIT",\n  "https://github.com/bob/vision": "NOASSERTION",\n  "dave/app": 3\n}\n'
    )
    code, err = invoke("ingest", "usage", "deps.json", "--licenses", "licenses.json")
    assert code == 0
    assert err == (
        "skipped deps.json:4: key 'carol/x': expected a list of model ids or one model id, got object\n"
        "skipped deps.json:5: key 'dave/app'[0]: not a model id (local-path): '../llama'\n"
        "skipped licenses.json:4: key 'dave/app': expected a license, a list of licenses or null, got number\n"
        "Imported 4 usages (4 rows) into embedded store g.db: 3 repositories (1 with a license), 4 models; "
        "0 of the usages (0.0%) reach a fetched model; N s.\n"
        "Resolved 1 legacy model id (e.g. gpt2 → openai-community/gpt2).\n"
        "1 legacy model id not resolved (kept as they are): made-up-legacy\n"
        "Skipped 2 unusable rows.\n"
        "Skipped 1 unusable license entry.\n"
    )
    store = SQLiteStore(tmp_path / "g.db")
    try:
        assert edges(store) == [
            ("repo", "alice/chat", "Qwen/Qwen2.5-0.5B", "usage-file", "usage file deps.json"),
            ("repo", "alice/chat", "openai-community/gpt2", "usage-file", "usage file deps.json (as gpt2)"),
            ("repo", "bob/vision", "facebook/detr-resnet-50", "usage-file", "usage file deps.json"),
            ("repo", "dave/app", "made-up-legacy", "usage-file", "usage file deps.json"),
        ]
        assert repos(store) == {
            "alice/chat": ("mit", "MIT"),
            "bob/vision": (None, None),  # NOASSERTION: not known, not "other"
            "dave/app": (None, None),
        }
        stubs = store.models(["openai-community/gpt2", "Qwen/Qwen2.5-0.5B", "facebook/detr-resnet-50"])
        assert len(stubs) == 3 and not any(m.fetched for m in stubs.values())
    finally:
        store.close()


def test_csv_with_url_forms_and_malformed_rows(tmp_path: Path) -> None:
    (tmp_path / "usage.csv").write_text(
        "GitHub Repo URL,Stars,HF_Model_ID\n"
        "https://github.com/alice/chat.git,10,bert-base-uncased\n"
        "github.com/bob/vision/blob/main/app.py,3,https://huggingface.co/facebook/detr-resnet-50/resolve/main/x.json\n"
        "gitlab.com/carol/x,1,a/b\n"
        "dave/app,2\n"
        "erin/tool,5,~/models/mine\n"
    )
    code, err = invoke("ingest", "usage", "usage.csv")
    assert code == 0
    assert err == (
        "skipped usage.csv:4: not a GitHub repository (owner/name or URL): 'gitlab.com/carol/x'\n"
        "skipped usage.csv:5: no 'HF_Model_ID' column (the row has 2 fields)\n"
        "skipped usage.csv:6: not a model id (local-path): '~/models/mine'\n"
        "Imported 2 usages (2 rows) into embedded store g.db: 2 repositories (0 with a license), 2 models; "
        "0 of the usages (0.0%) reach a fetched model; N s.\n"
        "Resolved 1 legacy model id (e.g. gpt2 → openai-community/gpt2).\n"
        "Skipped 3 unusable rows.\n"
    )
    store = SQLiteStore(tmp_path / "g.db")
    try:
        assert edges(store) == [
            (
                "repo",
                "alice/chat",
                "google-bert/bert-base-uncased",
                "usage-file",
                "usage file usage.csv line 2 (as bert-base-uncased)",
            ),
            ("repo", "bob/vision", "facebook/detr-resnet-50", "usage-file", "usage file usage.csv line 3"),
        ]
        assert repos(store) == {"alice/chat": (None, None), "bob/vision": (None, None)}
    finally:
        store.close()


def test_tsv_on_stdin_with_the_columns_named(tmp_path: Path) -> None:
    (tmp_path / "l.json").write_text('{"acme/app": ["bsd-new", "apache-2.0"]}')  # keys match in any case
    code, err = invoke(
        "ingest",
        "usage",
        "-",
        "--repo-column",
        "source",
        "--model-column",
        "TARGET",
        "--licenses",
        "l.json",
        stdin="source\tlabel\ttarget\nAcme/App\tx\tgpt2\n",
    )
    assert code == 0
    assert err == (
        "Imported 1 usage (1 row) into embedded store g.db: 1 repository (1 with a license), 1 model; "
        "0 of the usages (0.0%) reach a fetched model; N s.\n"
        "Resolved 1 legacy model id (e.g. gpt2 → openai-community/gpt2).\n"
    )
    store = SQLiteStore(tmp_path / "g.db")
    try:
        assert edges(store) == [
            ("repo", "Acme/App", "openai-community/gpt2", "usage-file", "usage file stdin line 2 (as gpt2)")
        ]
        assert repos(store) == {"Acme/App": ("bsd-3-clause AND apache-2.0", "bsd-new AND apache-2.0")}
    finally:
        store.close()


def test_truncated_gzip_keeps_the_rows_before_the_damage(tmp_path: Path) -> None:
    text = "repo,model\n" + "".join(f"o/r{i},org/m{i}\n" for i in range(500))
    data = gzip.compress(text.encode())
    cut = data[: len(data) // 2]
    (tmp_path / "u.csv.gz").write_bytes(cut)
    # what survives, worked out with zlib itself: the whole lines it can decompress from the cut stream
    recoverable = zlib.decompressobj(wbits=31).decompress(cut)
    rows = recoverable.count(b"\n") - 1  # less the header
    assert 0 < rows < 500
    code, err = invoke("ingest", "usage", "u.csv.gz")
    assert code == 0
    assert err == (
        f"skipped u.csv.gz:{rows + 2}: file is truncated or corrupt after line {rows + 1}, the rest is unreadable "
        "(EOFError: Compressed file ended before the end-of-stream marker was reached)\n"
        f"Imported {rows} usages ({rows} rows) into embedded store g.db: {rows} repositories (0 with a license), "
        f"{rows} models; 0 of the usages (0.0%) reach a fetched model; N s.\n"
        "1 file cut short: the rows before the damage were imported, the rest could not be read.\n"
    )
    store = SQLiteStore(tmp_path / "g.db")
    try:
        assert [(user, model, evidence) for _, user, model, _, evidence in edges(store)] == sorted(
            (f"o/r{i}", f"org/m{i}", f"usage file u.csv.gz line {i + 2}") for i in range(rows)
        )
    finally:
        store.close()


HINT_COLUMNS = (
    "hint: Name the columns with --repo-column NAME and --model-column NAME; recognised names include repo, "
    "repository, github_repo, full_name, repo_url, github_repo_url and model, model_id, hf_model_id, "
    "huggingface_model, hf_model_url (any case). A PeaTMOSS mapping without a header: graphsc ingest peatmoss "
    "--mapping FILE.\n"
)
HINT_USAGE = (
    'hint: A usage file is a JSON object {"owner/repo": ["model-id", ...]} (.json) or CSV/TSV (.csv, .tsv; also .gz) '
    "with a header row naming the repository and model columns; see docs/usage-files.md.\n"
)


@pytest.mark.parametrize(
    ("name", "content", "args", "expected"),
    [
        (
            "pairs.csv",
            "a,b\nx/y,z/w\n",
            [],
            "Input file: Cannot read pairs.csv: no repository column and model column found in the header row: "
            "'a', 'b'\n" + HINT_COLUMNS,
        ),
        (
            "pairs.csv",
            "repo,b\nx/y,z/w\n",
            [],
            "Input file: Cannot read pairs.csv: no model column found in the header row: 'repo', 'b'\n" + HINT_COLUMNS,
        ),
        (
            "pairs.csv",
            "repo,model\nx/y,z/w\n",
            ["--model-column", "hf"],
            "Input file: Cannot read pairs.csv: no column 'hf' (given with --model-column) in the header: "
            "'repo', 'model'\nhint: Give --model-column one of the header's column names.\n",
        ),
        (
            "list.json",
            '["a/b"]\n',
            [],
            "Input file: Cannot read list.json: expected a JSON object, got array\n" + HINT_USAGE,
        ),
        ("empty.csv", "", [], "Input file: Cannot read empty.csv: the file is empty\n" + HINT_USAGE),
        ("other.txt", "x", ["nope.csv"], "Input file: Cannot read nope.csv: no such file\n" + HINT_USAGE),
    ],
)
def test_unusable_files_are_clean_errors(
    tmp_path: Path, name: str, content: str, args: list[str], expected: str
) -> None:
    (tmp_path / name).write_text(content)
    files = args if args and not args[0].startswith("--") else [name, *args]
    code, err = invoke("ingest", "usage", *files)
    assert (code, err) == (1, expected)


def test_a_licenses_file_that_is_not_an_object(tmp_path: Path) -> None:
    (tmp_path / "u.json").write_text('{"a/b": "c/d"}')
    (tmp_path / "l.json").write_text("[]")
    code, err = invoke("ingest", "usage", "u.json", "--licenses", "l.json")
    assert (code, err) == (
        1,
        "Input file: Cannot read l.json: expected a JSON object, got array\n"
        'hint: The licenses file is a JSON object {"owner/repo": "MIT" | ["bsd-new", ...] | null} (.json or '
        ".json.gz); see docs/usage-files.md.\n",
    )


def test_no_usable_row_exits_1(tmp_path: Path) -> None:
    (tmp_path / "u.tsv").write_text("repo\tmodel\nnot-a-repo\tgpt2\n")
    code, err = invoke("ingest", "usage", "u.tsv")
    assert (code, err) == (
        1,
        "skipped u.tsv:2: not a GitHub repository (owner/name or URL): 'not-a-repo'\n"
        "Imported 0 usages (0 rows) into embedded store g.db: 0 repositories (0 with a license), 0 models; "
        "0 of the usages (–) reach a fetched model; N s.\n"
        "Skipped 1 unusable row.\n"
        "No usable rows were read from the inputs.\n",
    )


def test_peatmoss_prints_the_same_summary(tmp_path: Path) -> None:
    """``ingest peatmoss`` and ``ingest usage`` share the writer and the summary: PeaTMOSS's output is unchanged."""
    (tmp_path / "m.csv").write_text(
        "github.com/a/one,gpt2,https://huggingface.co/gpt2,mit\ngitlab.com/d/four,gpt2,https://huggingface.co/gpt2,mit\n"
    )
    (tmp_path / "l.json").write_text('{"a/one": ["mit"]}')
    code, err = invoke("ingest", "peatmoss", "--mapping", "m.csv", "--licenses", "l.json")
    assert (code, err) == (
        0,
        "skipped m.csv:2: not a GitHub repository URL: 'gitlab.com/d/four'\n"
        "Imported 1 usage (1 row) into embedded store g.db: 1 repository (1 with a license), 1 model; "
        "0 of the usages (0.0%) reach a fetched model; N s.\n"
        "Resolved 1 legacy model id (e.g. gpt2 → openai-community/gpt2).\n"
        "Skipped 1 unusable row.\n",
    )
    store = SQLiteStore(tmp_path / "g.db")
    try:
        assert edges(store) == [
            ("repo", "a/one", "openai-community/gpt2", "peatmoss", "PeaTMOSS mapping (as gpt2)"),
        ]
    finally:
        store.close()


def test_ctrl_c_says_what_is_kept(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    (tmp_path / "u.json").write_text('{"a/b": "c/d"}')
    monkeypatch.setattr("graphsc.ingest.usage.ingest_usage_file", interrupted)
    code, err = invoke("ingest", "usage", "u.json")
    assert code == 130
    assert err == (
        "Interrupted: The batches written before the interruption are kept; re-run to finish (writes are idempotent).\n"
    )
