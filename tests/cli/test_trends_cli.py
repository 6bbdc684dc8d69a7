"""``graphsc trends`` through the CLI: exact table, JSON and CSV of the synthetic graph with known dates
(tests/reuse/test_trends.py draws it and works its numbers out), the plot, and the errors.

Tables are compared whole at 100 columns with trailing spaces trimmed. Stacked bars are ``round(20 * n / largest)``
cells (the largest row's sum fills 20), share bars ``round(8 * share)`` full cells of 8.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.store.sqlite import SQLiteStore
from tests.reuse.test_trends import write_synthetic

runner = CliRunner()
TERMINAL = {"COLUMNS": "100", "FORCE_COLOR": None, "TTY_COMPATIBLE": None, "TTY_INTERACTIVE": None}
B = "█"
R = "·"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "syn.db"
    write_synthetic(SQLiteStore(path)).close()
    return path


def run_text(*args: str) -> str:
    result = runner.invoke(app, list(args), env=TERMINAL)
    assert result.exit_code == 0, result.output
    return "".join(line.rstrip() + "\n" for line in result.stdout.splitlines())


def run_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def test_table(db: Path) -> None:
    assert run_text("trends", "--db", str(db)) == (
        "Trends of the whole graph: 8 fetched models, 6 in the months shown, 2 undated\n"
        "Derivatives created per month, by relation (a model counts once per relation it has)\n"
        " month    derivatives  finetune  adapter  quantized  merge\n"
        " 2024-12            0         0        0          0      0\n"
        # a/ft1 finetune, a/q1 quantized: 2 relation counts, the largest sum (with March's and undated)
        f" 2025-01            2         1        0          1      0  {B * 20}\n"
        " 2025-02            0         0        0          0      0\n"
        # a/merge: merge (of two bases) and finetune, one derivative
        f" 2025-03            1         1        0          0      1  {B * 20}\n"
        f" 2025-04            1         0        1          0      0  {B * 10}\n"
        f" undated            2         1        1          0      0  {B * 20}\n"
        "License categories of the models created per month (unknown: none declared or not recognised)\n"
        " month    models  noncomm  unknown  permissive\n"
        f" 2024-12       1        0        0           1  {B * 10}\n"
        f" 2025-01       2        0        1           1  {B * 20}\n"
        " 2025-02       0        0        0           0\n"
        f" 2025-03       2        1        0           1  {B * 20}\n"
        f" 2025-04       1        0        0           1  {B * 10}\n"
        f" undated       2        0        1           1  {B * 20}\n"
        "Documentation of the models created per month: cards that list datasets, report evaluation\n"
        "results (evals) with a number, declare a license; count, share of the models and bar\n"
        " month    models  datasets                    evals                    license\n"
        f" 2024-12       1         1  100.0%  {B * 8}      1  100.0%  {B * 8}        1  100.0%  {B * 8}\n"
        f" 2025-01       2         1   50.0%  {B * 4}{R * 4}      0    0.0%  {R * 8}        1   50.0%  {B * 4}{R * 4}\n"
        " 2025-02       0         0       –                0       –                  0       –\n"
        f" 2025-03       2         1   50.0%  {B * 4}{R * 4}      1   50.0%  {B * 4}{R * 4}        2  100.0%  {B * 8}\n"
        f" 2025-04       1         1  100.0%  {B * 8}      0    0.0%  {R * 8}        1  100.0%  {B * 8}\n"
        f" undated       2         1   50.0%  {B * 4}{R * 4}      1   50.0%  {B * 4}{R * 4}        1   50.0%  {B * 4}{R * 4}\n"
        "Left out: 1 stub (models known only as a base, never fetched).\n"
    )


def test_table_lines_fit_100_columns(families_store: SQLiteStore) -> None:
    text = run_text("trends", "--db", str(families_store.path))
    assert max(len(line) for line in text.splitlines()) <= 100
    assert "…" not in text  # no cell was cut


def _bucket(
    label: str,
    start: str | None,
    models: int,
    derivatives: int,
    by_relation: list[int],
    licenses: list[int],
    docs: list[int],
) -> dict[str, Any]:
    relations = ("finetune", "adapter", "quantized", "merge")
    categories = ("non-commercial", "unknown", "permissive")
    n = docs[0]
    return {
        "bucket": label,
        "start": start,
        "models": models,
        "derivatives": {"total": derivatives, "by_relation": dict(zip(relations, by_relation, strict=True))},
        "licenses": dict(zip(categories, licenses, strict=True)),
        "documentation": {
            "models": n,
            **{
                name: {"count": k, "share": (round(k / n, 4) if n else None)}
                for name, k in zip(("datasets", "eval_results", "license"), docs[1:], strict=True)
            },
        },
    }


def test_json_by_quarter(db: Path) -> None:
    assert run_json("trends", "--by", "quarter", "--db", str(db)) == {
        "schema": "graphsc.trends/1",
        "scope": {"family": None, "by": "quarter", "since": None, "until": None},
        "models": 8,
        "dated": 6,
        "undated": 2,
        "outside_range": 0,
        "stubs": 1,
        "without_details": 0,
        "relations": ["finetune", "adapter", "quantized", "merge"],
        "categories": ["non-commercial", "unknown", "permissive"],
        "buckets": [
            # a/root
            _bucket("2024-Q4", "2024-10-01", 1, 0, [0, 0, 0, 0], [0, 0, 1], [1, 1, 1, 1]),
            # a/ft1, a/q1, a/merge, b/root: derivatives a/ft1 (finetune), a/q1 (quantized), a/merge (both)
            _bucket("2025-Q1", "2025-01-01", 4, 3, [2, 0, 1, 1], [1, 1, 2], [4, 2, 1, 3]),
            # b/ad
            _bucket("2025-Q2", "2025-04-01", 1, 1, [0, 1, 0, 0], [0, 0, 1], [1, 1, 0, 1]),
        ],
        # b/undated (finetune, mit, datasets, a result), b/none (adapter, nothing declared)
        "undated_bucket": _bucket("undated", None, 2, 2, [1, 1, 0, 0], [0, 1, 1], [2, 1, 1, 1]),
    }


def test_csv_is_long_form(db: Path) -> None:
    result = runner.invoke(app, ["trends", "--by", "year", "--format", "csv", "--db", str(db)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["series", "bucket", "key", "value"]
    values = {(s, b, k): v for s, b, k, v in rows[1:]}
    assert len(values) == len(rows) - 1  # one row per (series, bucket, key)
    # 2025: a/ft1, a/q1, a/merge, b/root, b/ad
    assert values["derivatives", "2025", "total"] == "4"
    assert values["derivatives", "2025", "finetune"] == "2"  # a/ft1, a/merge
    assert values["licenses", "2025", "permissive"] == "3"  # a/ft1, b/root, b/ad
    assert values["documentation", "2025", "models"] == "5"
    assert values["documentation", "2025", "license_share"] == "0.8"
    assert values["documentation", "undated", "eval_results"] == "1"
    assert {b for _, b, _ in values} == {"2024", "2025", "undated"}
    assert {s for s, _, _ in values} == {"derivatives", "licenses", "documentation"}
    assert sum(1 for s, b, _ in values if (s, b) == ("documentation", "2024")) == 7


def test_output_file(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    result = runner.invoke(app, ["trends", "-f", "json", "-o", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert json.loads(out.read_text())["schema"] == "graphsc.trends/1"


def test_output_file_needs_json_or_csv(db: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["trends", "-o", str(tmp_path / "t.txt"), "--db", str(db)], env={"COLUMNS": "200"})
    assert result.exit_code == 2 and "use --format json or csv" in result.output


def test_family_and_window(db: Path) -> None:
    doc = run_json("trends", "--family", "b/root", "--since", "2025-03", "--until", "2025-03", "--db", str(db))
    assert doc["scope"] == {"family": "b/root", "by": "month", "since": "2025-03", "until": "2025-03"}
    # b/root's family: b/root and a/merge (March), b/ad (April, outside), b/undated and b/none (undated)
    assert (doc["models"], doc["dated"], doc["outside_range"], doc["undated"]) == (5, 2, 1, 2)
    assert [b["bucket"] for b in doc["buckets"]] == ["2025-03"]
    assert doc["buckets"][0]["derivatives"] == {"total": 1, "by_relation": {"finetune": 0, "adapter": 0, "merge": 1}}


def test_plot_only(db: Path, tmp_path: Path) -> None:
    import matplotlib.image

    path = tmp_path / "t.png"
    result = runner.invoke(app, ["trends", "--plot", str(path), "--db", str(db)], env=TERMINAL)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Trends plot written to {path} (PNG, 1200×900 px)\n"
    assert matplotlib.image.imread(path).shape[:2] == (900, 1200)


def test_plot_with_json_keeps_stdout_parseable(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "t.svg"
    result = runner.invoke(app, ["trends", "--plot", str(path), "-f", "json", "--db", str(db)], env=TERMINAL)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["models"] == 8
    assert "Trends plot written to" in result.stderr and path.read_text().lstrip().startswith("<?xml")


def test_bad_plot_suffix_is_a_clear_error(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "t.jpg"
    result = runner.invoke(app, ["trends", "--plot", str(path), "--db", str(db)])
    assert result.exit_code == 1
    assert "cannot tell the image format from '.jpg'" in result.output and ".png or .svg" in result.output
    assert "Traceback" not in result.output and not path.exists()


def test_unknown_family_is_a_clear_error(db: Path) -> None:
    result = runner.invoke(app, ["trends", "--family", "b/rooot", "--db", str(db)])
    assert result.exit_code == 1
    assert "Unknown model" in result.output and "b/root" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "args", [["--since", "2025-1"], ["--until", "soon"], ["--since", "2025-05", "--until", "2025-01"]]
)
def test_bad_months_are_clear_errors(db: Path, args: list[str]) -> None:
    result = runner.invoke(app, ["trends", *args, "--db", str(db)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "--since" in result.output or "--until" in result.output


def test_real_family_json(families_store: SQLiteStore) -> None:
    doc = run_json("trends", "--family", "mistralai/Mistral-Small-24B-Base-2501", "--db", str(families_store.path))
    assert doc["scope"]["family"] == "mistralai/Mistral-Small-24B-Base-2501"
    assert doc["dated"] == sum(b["models"] for b in doc["buckets"]) == doc["models"]
    for b in doc["buckets"]:
        assert sum(b["licenses"].values()) == b["models"] == b["documentation"]["models"]
        assert b["derivatives"]["total"] <= b["models"]


DOC = Path(__file__).parent.parent.parent / "docs" / "trends.md"


def test_docs_terminal_example_is_real_output(families_store: SQLiteStore) -> None:
    text = DOC.read_text()
    start = text.index("$ graphsc trends\n") + len("$ graphsc trends\n")
    example = text[start : text.index("```", start)]
    assert run_text("trends", "--db", str(families_store.path)) == example


def test_docs_json_example_has_the_fields_the_command_prints(families_store: SQLiteStore) -> None:
    text = DOC.read_text()
    start = text.index("```json") + len("```json")
    example = json.loads(text[start : text.index("```", start)])
    actual = run_json("trends", "--by", "quarter", "--db", str(families_store.path))
    assert example["buckets"][0] == actual["buckets"][0]
    assert example["undated_bucket"] == actual["undated_bucket"]
    assert example == {**actual, "buckets": actual["buckets"][:1]}


def test_plot_without_matplotlib_says_how_to_install_it(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    result = runner.invoke(app, ["trends", "--plot", str(tmp_path / "t.png"), "--db", str(db)], env={"COLUMNS": "200"})
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "Plotting needs matplotlib" in result.output and "pip install 'graphsc[plot]'" in result.output
