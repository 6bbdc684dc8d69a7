"""Data written by strangers (licenses, license names, card values, typed ids) reaches terminals and CI logs as text:
never as rich markup, emoji codes or terminal control sequences, and CSV records parse back one per conflict."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import CliRunner

from graphsc.cli import app, package_version
from graphsc.render.csv_rows import CsvWriter
from graphsc.render.licenses_csv import CSV_COLUMNS
from graphsc.render.lineage_tree import render_lineage_tree
from graphsc.render.text import console, literal, visible
from tests.snapshots import chain_records, ingested_db, write_snapshot

runner = CliRunner()

ESC = "\x1b"
MARKUP_CLOSE = "[/]"
MARKUP_STYLE = "[bold red]MIT[/]"
MARKUP_LINK = "[link=http://127.0.0.1/evil]click[/link]"
# clear screen, an OSC 52 clipboard write, a bare carriage return and a newline, and an emoji code
CONTROL = f"gpl :100: {ESC}[2J{ESC}]52;c;ZXZpbA==\x07x\ry\nz"
CONTROL_SHOWN = r"gpl :100: \x1b[2J\x1b]52;c;ZXZpbA==\x07x\ry\nz"
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # a newline is layout; any other control is a leak

RECORDS = [
    {"id": "org/base", "cardData": {"license": "llama3"}, "downloads": 100},
    {
        "id": "org/ft",
        "cardData": {"license": MARKUP_STYLE, "base_model": "org/base"},
        "tags": ["base_model:finetune:org/base"],
        "downloads": 50,
    },
    {
        "id": "org/ft2",
        "cardData": {"license": CONTROL, "base_model": "org/base"},
        "tags": ["base_model:finetune:org/base"],
        "downloads": 5,
    },
    {
        "id": "org/ft3",
        "cardData": {"license": MARKUP_CLOSE, "base_model": "org/ft"},
        "tags": ["base_model:finetune:org/ft"],
        "downloads": 5,
    },
    {
        "id": "org/ft4",
        "cardData": {"license_name": MARKUP_LINK, "base_model": ["org/base", "[/]:100:"]},
        "tags": ["base_model:finetune:org/base"],
        "downloads": 5,
    },
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store ingested through the CLI from Hub-shaped records with hostile licenses and card values."""
    return ingested_db(tmp_path_factory.mktemp("hostile"), RECORDS, "hostile.db")


def run(db: Path, *args: str, code: int = 0, columns: int = 250) -> str:
    """The output of ``graphsc ARGS --db DB``, checked: exit ``code``, no traceback, no raw control character."""
    result = runner.invoke(app, [*args, "--db", str(db)], env={"COLUMNS": str(columns)})
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert not RAW_CONTROL.search(result.output), repr(RAW_CONTROL.search(result.output))
    return result.output


@pytest.mark.parametrize(
    "args, expected",
    [
        (["stats"], [MARKUP_CLOSE, MARKUP_STYLE, CONTROL_SHOWN]),
        (["rank", "--by", "downloads"], [MARKUP_CLOSE, MARKUP_STYLE, CONTROL_SHOWN]),
        (["impact", "org/base"], [MARKUP_CLOSE, MARKUP_STYLE, CONTROL_SHOWN]),
        (["lineage", "org/ft"], [MARKUP_CLOSE, MARKUP_STYLE]),
        (["lineage", "org/base"], [MARKUP_CLOSE, MARKUP_STYLE, CONTROL_SHOWN]),
        (["lineage", "org/ft4"], ["[/]:100:"]),
        (["families"], ["org/base"]),
        (["analyze"], ["Metrics for 5 models"]),
        (["licenses", "--severity", "info"], [MARKUP_STYLE, CONTROL_SHOWN, MARKUP_LINK]),
        (["licenses", "--model", "org/ft2"], [CONTROL_SHOWN]),
        (["licenses", "--model", "org/ft3", "--severity", "info"], [MARKUP_CLOSE, MARKUP_STYLE]),
        (["quality"], ["[/]:100:"]),
    ],
)
def test_human_output_prints_data_literally(db: Path, args: list[str], expected: list[str]) -> None:
    output = run(db, *args)
    for text in expected:
        assert text in output, (text, output)
    assert "💯" not in output  # :100: stays an emoji code


def test_a_plain_run_shows_markup_as_typed_not_as_its_effect(db: Path) -> None:
    # "[bold red]MIT[/]" read as markup would print "MIT" alone; a link would lose its brackets
    output = run(db, "licenses", "--severity", "info")
    assert "org/ft [[bold red]MIT[/]]" in output
    assert f"org/ft4 [{MARKUP_LINK}]" in output


def test_csv_rows_parse_back_one_per_conflict(db: Path) -> None:
    document = json.loads(run(db, "licenses", "--severity", "info", "--format", "json"))
    text = runner.invoke(app, ["licenses", "--severity", "info", "--format", "csv", "--db", str(db)]).stdout
    assert "\r" in text  # CSV keeps the data exact: no escaping, only quoting
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(CSV_COLUMNS)
    assert len(rows) - 1 == len(document["conflicts"]) > 0
    assert [r[CSV_COLUMNS.index("child")] for r in rows[1:]] == [c["child"] for c in document["conflicts"]]
    licenses = {r[CSV_COLUMNS.index("child_license")] for r in rows[1:]}
    assert {CONTROL, MARKUP_STYLE, MARKUP_LINK} <= licenses


def test_unknown_model_typed_with_markup_and_controls_is_shown_literally(db: Path) -> None:
    typed = f"org/[bold]x:100:{ESC}[2J"
    for command in ("lineage", "impact"):
        output = run(db, command, typed, code=1)
        assert "Unknown model" in output and r"org/[bold]x:100:\x1b[2J" in output
    output = run(db, "licenses", "--model", typed, code=1)
    assert "Unknown model" in output and r"\x1b[2J" in output


def test_deep_lineage_says_what_it_did_not_draw(tmp_path: Path) -> None:
    db = ingested_db(tmp_path, chain_records(44), "chain.db")
    output = run(db, "lineage", "org/m44", "--direction", "up", columns=100)
    assert "more levels" in output and "not drawn" in output and "org/m0" in output  # the root, in the summary
    result = runner.invoke(app, ["lineage", "org/m44", "--format", "json", "--db", str(db)])
    assert len(json.loads(result.stdout)["ancestors"]["edges"]) == 44


def test_render_lineage_tree_draws_every_level_that_fits(tmp_path: Path) -> None:
    from graphsc.ingest import ingest_snapshot
    from graphsc.lineage import compute_lineage
    from graphsc.store.sqlite import SQLiteStore

    snapshot = write_snapshot(tmp_path / "chain.jsonl", chain_records(5))
    store = SQLiteStore(tmp_path / "g.db")
    try:
        ingest_snapshot(store, [str(snapshot)])
        lineage = compute_lineage(store, "org/m5", "up")
    finally:
        store.close()
    out = Console(file=io.StringIO(), width=200, emoji=False, highlight=False)
    render_lineage_tree(lineage, out, levels=3)
    text = out.file.getvalue()  # type: ignore[attr-defined]
    assert "org/m2" in text and "… 2 more levels (2 models) not drawn" in text and "graphsc lineage org/m2" in text
    out = Console(file=io.StringIO(), width=200)
    render_lineage_tree(lineage, out)
    assert "not drawn" not in out.file.getvalue()  # type: ignore[attr-defined]


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"graphsc {package_version()}"


def test_help_shows_no_type_for_flags() -> None:
    for args in (["--help"], ["analyze", "--help"], ["licenses", "--help"]):
        result = runner.invoke(app, args, env={"COLUMNS": "120"})
        assert result.exit_code == 0 and "<bool>" not in result.output, result.output
    assert "<int" in runner.invoke(app, ["rank", "--help"], env={"COLUMNS": "120"}).output  # value types stay


def _closed_early(db: Path, *args: str) -> tuple[int, str]:
    """Run ``python -m graphsc ARGS --db DB``, read one line of its output, close the pipe; return the exit code and
    stderr."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "graphsc", *args, "--db", str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    return proc.wait(timeout=120), stderr


def test_a_reader_closing_the_pipe_ends_the_command_quietly(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    assert runner.invoke(app, ["demo", "--db", str(db)]).exit_code == 0  # the bundled samples: ~1,700 conflicts
    # reports larger than a pipe holds, so the writes themselves fail (not only the last flush)
    for args in (
        ["licenses", "--severity", "info", "--limit", "100000"],
        ["licenses", "--severity", "info", "-f", "csv"],
    ):
        code, stderr = _closed_early(db, *args)
        assert (code, stderr) == (0, ""), args
    # a closed pipe does not change a gate's answer
    code, stderr = _closed_early(db, "licenses", "--severity", "info", "-f", "csv", "--fail-on", "warning")
    assert (code, stderr) == (1, "")


# ── the helpers, for any text ──


@settings(max_examples=300)
@given(st.text())
def test_visible_leaves_no_control_character(text: str) -> None:
    shown = visible(text)
    assert not re.search(r"[\x00-\x1f\x7f-\x9f]", shown)
    assert not re.search(r"[\x00-\x1f\x7f-\x9f]", literal(text).plain)


@settings(max_examples=300)
@given(st.text(st.characters(blacklist_categories=("Cc", "Cs"))))
def test_printable_text_prints_as_typed(text: str) -> None:
    assert visible(text) == text
    out = console(file=io.StringIO(), width=10_000, no_color=True, color_system=None)
    out.print(literal(text), end="", soft_wrap=True)
    assert out.file.getvalue() == text  # type: ignore[attr-defined]


@settings(max_examples=300)
@given(st.lists(st.lists(st.one_of(st.text(), st.integers()), min_size=1, max_size=4), max_size=5))
def test_csv_records_parse_back_one_per_row(rows: list[list[object]]) -> None:
    out = io.StringIO()
    CsvWriter(out).writerows(rows)
    back = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert back == [[str(v) for v in row] for row in rows]


def test_bidi_overrides_and_zero_width_characters_are_made_visible() -> None:
    # "Trojan Source" (CVE-2021-42574): U+202E reverses what follows; U+200B hides text boundaries
    from graphsc.render.text import visible

    assert visible("org/abc\u202egnp.exe") == "org/abc\\u202egnp.exe"
    assert visible("a\u200bb\u2066c\u2069\ufeff") == "a\\u200bb\\u2066c\\u2069\\ufeff"


def test_messages_during_a_progress_bar_on_a_terminal_do_not_loop() -> None:
    # found by a tester: rich's live display swaps sys.stderr for a proxy printing to the console, which writes to
    # graphsc's stderr wrapper, which wrote to sys.stderr (the proxy): every command with a bar hung at 100% CPU
    import sys
    import threading

    from rich.progress import Progress

    from graphsc.render.text import console

    finished: list[bool] = []

    def run() -> None:
        out = console(stderr=True, force_terminal=True)
        with Progress(console=out) as bar:
            task = bar.add_task("x", total=2)
            for _ in range(2):
                out.print("a message")
                print("a plain write", file=sys.stderr)
                bar.advance(task)
        finished.append(True)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(20)
    assert finished == [True]


def test_a_command_with_a_progress_bar_finishes_on_a_real_terminal(tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    script = shutil.which("script")  # util-linux: runs the command on a pseudo-terminal
    assert script is not None, "util-linux script(1) is needed to give the command a terminal"
    db = tmp_path / "g.db"
    from graphsc.samples import hf_family_files

    assert runner.invoke(app, ["ingest", "snapshot", str(hf_family_files()[0]), "--db", str(db)]).exit_code == 0
    command = f"{sys.executable} -m graphsc stats --db {db} > /dev/null"
    done = subprocess.run([script, "-qec", command, "/dev/null"], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]
