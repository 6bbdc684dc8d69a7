"""``graphsc trends`` through the CLI: exact table, JSON and CSV of the synthetic graph with known dates
(tests/reuse/test_trends.py draws it and works its numbers out), the plot, and the errors.

Tables are compared whole at 100 columns (and at 80, the width of piped output) with trailing spaces trimmed. Stacked bars are ``round(20 * n / largest)``
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
from graphsc.records import DerivedFrom, GraphBatch, Model
from graphsc.store.sqlite import SQLiteStore
from tests.reuse.test_trends import write_synthetic

runner = CliRunner()
TERMINAL = {"COLUMNS": "100", "FORCE_COLOR": None, "TTY_COMPATIBLE": None, "TTY_INTERACTIVE": None}
B = "█"
R = "·"
DERIVATIVES_LEGEND = "total: derived models, each once (under the relations, once per relation it has)"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "syn.db"
    write_synthetic(SQLiteStore(path)).close()
    return path


def run_text(*args: str, columns: int = 100) -> str:
    result = runner.invoke(app, list(args), env={**TERMINAL, "COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return "".join(line.rstrip() + "\n" for line in result.stdout.splitlines())


def run_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def test_table(db: Path) -> None:
    assert run_text("trends", "--db", str(db)) == (
        "Trends of the whole graph: 8 fetched models (6 dated, 2 undated)\n"
        "Derivatives created per month, by relation\n"
        " month    total  finetune  adapter  quant  merge\n"
        " 2024-12      0         0        0      0      0\n"
        # a/ft1 finetune, a/q1 quantized: 2 relation counts, the largest sum (with March's and undated)
        f" 2025-01      2         1        0      1      0  {B * 20}\n"
        " 2025-02      0         0        0      0      0\n"
        # a/merge: merge (of two bases) and finetune, one derivative
        f" 2025-03      1         1        0      0      1  {B * 20}\n"
        f" 2025-04      1         0        1      0      0  {B * 10}\n"
        f" undated      2         1        1      0      0  {B * 20}\n"
        f"{DERIVATIVES_LEGEND}; quant: quantized.\n"
        "License categories of the models created per month\n"
        " month    models  noncom  unknown  permis\n"
        f" 2024-12       1       0        0       1  {B * 10}\n"
        f" 2025-01       2       0        1       1  {B * 20}\n"
        " 2025-02       0       0        0       0\n"
        f" 2025-03       2       1        0       1  {B * 20}\n"
        f" 2025-04       1       0        0       1  {B * 10}\n"
        f" undated       2       0        1       1  {B * 20}\n"
        "noncom: non-commercial; permis: permissive; unknown: none declared or not recognised.\n"
        "Documentation of the models created per month\n"
        " month    models  datasets                    evals                    license\n"
        f" 2024-12       1         1  100.0%  {B * 8}      1  100.0%  {B * 8}        1  100.0%  {B * 8}\n"
        f" 2025-01       2         1   50.0%  {B * 4}{R * 4}      0    0.0%  {R * 8}        1   50.0%  {B * 4}{R * 4}\n"
        " 2025-02       0         0       –                0       –                  0       –\n"
        f" 2025-03       2         1   50.0%  {B * 4}{R * 4}      1   50.0%  {B * 4}{R * 4}        2  100.0%  {B * 8}\n"
        f" 2025-04       1         1  100.0%  {B * 8}      0    0.0%  {R * 8}        1  100.0%  {B * 8}\n"
        f" undated       2         1   50.0%  {B * 4}{R * 4}      1   50.0%  {B * 4}{R * 4}        1   50.0%  {B * 4}{R * 4}\n"
        "datasets: the card lists training datasets; evals: it reports an evaluation result with a number;\n"
        "license: it declares a license (count and share of the models, and a bar of the share).\n"
        "Left out: 1 stub (models known only as a base, never fetched).\n"
    )


def test_table_at_80_columns_keeps_every_label_and_header_whole(db: Path) -> None:
    # 80 columns: the width of piped output. The stacked bars still fit (derivatives: 48 cells of columns, licenses:
    # 41, + 2 + 20); the share bars do not (66 cells of columns leave 14, under 3 bars of 4 + 2): they are left out.
    assert run_text("trends", "--db", str(db), columns=80) == (
        "Trends of the whole graph: 8 fetched models (6 dated, 2 undated)\n"
        "Derivatives created per month, by relation\n"
        " month    total  finetune  adapter  quant  merge\n"
        " 2024-12      0         0        0      0      0\n"
        f" 2025-01      2         1        0      1      0  {B * 20}\n"
        " 2025-02      0         0        0      0      0\n"
        f" 2025-03      1         1        0      0      1  {B * 20}\n"
        f" 2025-04      1         0        1      0      0  {B * 10}\n"
        f" undated      2         1        1      0      0  {B * 20}\n"
        "total: derived models, each once (under the relations, once per relation it\n"
        "has); quant: quantized.\n"
        "License categories of the models created per month\n"
        " month    models  noncom  unknown  permis\n"
        f" 2024-12       1       0        0       1  {B * 10}\n"
        f" 2025-01       2       0        1       1  {B * 20}\n"
        " 2025-02       0       0        0       0\n"
        f" 2025-03       2       1        0       1  {B * 20}\n"
        f" 2025-04       1       0        0       1  {B * 10}\n"
        f" undated       2       0        1       1  {B * 20}\n"
        "noncom: non-commercial; permis: permissive; unknown: none declared or not\n"
        "recognised.\n"
        "Documentation of the models created per month\n"
        " month    models  datasets          evals          license\n"
        " 2024-12       1         1  100.0%      1  100.0%        1  100.0%\n"
        " 2025-01       2         1   50.0%      0    0.0%        1   50.0%\n"
        " 2025-02       0         0       –      0       –        0       –\n"
        " 2025-03       2         1   50.0%      1   50.0%        2  100.0%\n"
        " 2025-04       1         1  100.0%      0    0.0%        1  100.0%\n"
        " undated       2         1   50.0%      1   50.0%        1   50.0%\n"
        "datasets: the card lists training datasets; evals: it reports an evaluation\n"
        "result with a number; license: it declares a license (count and share of the\n"
        "models).\n"
        "Left out: 1 stub (models known only as a base, never fetched).\n"
    )


def _rows_of(text: str, title: str) -> list[str]:
    """The lines of the table under ``title``: its header and rows, up to the legend."""
    lines = text.splitlines()
    start = lines.index(title) + 1
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith(" "))
    return lines[start:end]


@pytest.mark.parametrize("columns", [80, 100, 120])
def test_bundled_table_fits_with_labels_and_headers_whole(
    families_store: SQLiteStore, family_records: list[dict], columns: int
) -> None:
    text = run_text("trends", "--db", str(families_store.path), columns=columns)
    assert max(len(line) for line in text.splitlines()) <= columns
    first, last = min(r["createdAt"][:7] for r in family_records), max(r["createdAt"][:7] for r in family_records)
    assert (first, last) == ("2024-11", "2025-04")
    months = ["2024-11", "2024-12", "2025-01", "2025-02", "2025-03", "2025-04"]
    for title, headers in [
        ("Derivatives created per month, by relation", ["month", "total", "finetune"]),
        ("License categories of the models created per month", ["month", "models", "noncom", "copyl", "rail"]),
        ("Documentation of the models created per month", ["month", "models", "datasets", "evals", "license"]),
    ]:
        header, *rows = _rows_of(text, title)
        assert header.split()[: len(headers)] == headers
        assert [row.split()[0] for row in rows] == months  # every label whole, one row each
    assert "…" not in text  # nothing was cut
    words = " ".join(text.split())  # the legend, wrapped at spaces to the width
    assert "commun: model-community; permis: permissive; public: public-domain;" in words
    licenses = _rows_of(text, "License categories of the models created per month")
    # the stacked bar of the largest month (February: 187 models) is 20 cells when it fits, narrower at 80
    assert licenses[4].split()[-1] == B * (20 if columns >= 100 else 80 - 70 - 2)
    documentation = _rows_of(text, "Documentation of the models created per month")
    assert (B in documentation[1]) == (columns >= 100)  # share bars only where 3 of at least 4 cells fit


def test_every_category_and_relation_at_80_columns_drops_bars_not_labels(tmp_path: Path) -> None:
    path = tmp_path / "wide.db"
    licenses = ["cc-by-nc-4.0", "proprietary", "gpl-3.0", "openrail", "llama3.3", None, "mit", "unlicense"]
    relations = ["finetune", "adapter", "quantized", "merge", "distillation"]
    models = [Model("r/base", license="mit", created_at="2025-01-01", fetched=True)]
    models += [
        Model(f"r/{i}", license=lic, created_at=f"2025-{i % 3 + 1:02d}-05", fetched=True)
        for i, lic in enumerate(licenses * 3)
    ]
    edges = [DerivedFrom(f"r/{i}", "r/base", relations[i % 5], "tag") for i in range(len(licenses) * 3)]
    SQLiteStore(path).write(GraphBatch(models=models, derived_from=edges))
    text = run_text("trends", "--by", "quarter", "--db", str(path), columns=80)
    assert max(len(line) for line in text.splitlines()) <= 80
    licenses_rows = _rows_of(text, "License categories of the models created per quarter")
    # 8 categories: 1 + 7 + 6 + 6+5+5+4+6+7+6+6 + 2 * 10 = 79 cells: no room for a bar
    assert licenses_rows == [
        " quarter  models  noncom  propr  copyl  rail  commun  unknown  permis  public",
        " 2025-Q1      25       3      3      3     3       3        3       4       3",
    ]
    derivatives = _rows_of(text, "Derivatives created per quarter, by relation")
    assert derivatives[0] == " quarter  total  finetune  adapter  quant  merge  distill"
    assert derivatives[1].startswith(" 2025-Q1     24         5        5      5      5        4  " + B)
    assert "quant: quantized; distill: distillation." in text


def test_long_empty_stretches_are_one_row(tmp_path: Path) -> None:
    path = tmp_path / "gaps.db"
    created = {"g/old": "2010-01-15", "g/dec": "2024-12-01", "g/mar": "2025-03-01", "g/jul": "2025-07-01"}
    SQLiteStore(path).write(
        GraphBatch(models=[Model(m, license="mit", created_at=c, fetched=True) for m, c in created.items()])
    )
    text = run_text("trends", "--db", str(path))
    # 2010-02 … 2024-11: 14 years and 10 months = 178 empty months, one row; January and February 2025 (2 empty
    # months) keep their rows; April–June 2025 (3) are one row
    licenses = _rows_of(text, "License categories of the models created per month")
    assert licenses == [
        " month    models  permis",
        f" 2010-01       1       1  {B * 20}",
        " … 178 empty months …",
        f" 2024-12       1       1  {B * 20}",
        " 2025-01       0       0",
        " 2025-02       0       0",
        f" 2025-03       1       1  {B * 20}",
        " … 3 empty months …",
        f" 2025-07       1       1  {B * 20}",
    ]
    for title in ("Derivatives created per month, by relation", "Documentation of the models created per month"):
        assert [r.split()[0] + (" " + r.split()[1] if r.startswith(" …") else "") for r in _rows_of(text, title)][
            1:
        ] == ["2010-01", "… 178", "2024-12", "2025-01", "2025-02", "2025-03", "… 3", "2025-07"]
    # JSON and CSV keep every month: 2010-01 … 2025-07 is 15 years and 7 months
    doc = run_json("trends", "--db", str(path))
    assert len(doc["buckets"]) == 15 * 12 + 7
    rows = list(csv.reader(io.StringIO(runner.invoke(app, ["trends", "-f", "csv", "--db", str(path)]).stdout)))
    assert len({b for _, b, _, _ in rows[1:]}) == 15 * 12 + 7 + 1  # and undated
    # by year nothing is empty for 3 years in a row? 2011 … 2023 are: 13 empty years, one row
    years = _rows_of(
        run_text("trends", "--by", "year", "--db", str(path)), "License categories of the models created per year"
    )
    assert [r.strip().split("  ")[0] for r in years[1:]] == ["2010", "… 13 empty years …", "2024", "2025"]


def test_no_fetched_model_says_so_instead_of_empty_charts(tmp_path: Path, db: Path) -> None:
    empty = tmp_path / "empty.db"
    SQLiteStore(empty).write(GraphBatch(models=[Model("s/stub", fetched=False)]))  # a stub only
    assert run_text("trends", "--db", str(empty)) == (
        "Trends of the whole graph: 0 fetched models (0 dated, 0 undated)\n"
        "No fetched model in the whole graph: nothing to chart.\n"
        "Left out: 1 stub (models known only as a base, never fetched).\n"
    )
    # a window holding none of a/root's family (a/root, a/ft1, a/q1, a/merge: all dated, none in 2020); the
    # headline, wider than 100 columns, wraps at a space
    assert run_text("trends", "--family", "a/root", "--since", "2020-01", "--until", "2020-12", "--db", str(db)) == (
        "Trends of the family of a/root, created 2020-01 to 2020-12: 4 fetched models (0 dated, 0 undated, 4\n"
        "outside the window)\n"
        "No fetched model created 2020-01 to 2020-12: nothing to chart.\n"
    )


def test_a_quarter_cut_by_since_starts_on_the_first_month_kept(db: Path) -> None:
    doc = run_json("trends", "--by", "quarter", "--since", "2025-02", "--db", str(db))
    # a/root (December), a/ft1 and a/q1 (January) are before the window: 2025-Q1 covers February and March only
    assert [(b["bucket"], b["start"], b["models"]) for b in doc["buckets"]] == [
        ("2025-Q1", "2025-02-01", 2),
        ("2025-Q2", "2025-04-01", 1),
    ]


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


def test_readme_excerpt_is_the_end_of_real_output(families_store: SQLiteStore) -> None:
    readme = (DOC.parent.parent / "README.md").read_text()
    section = readme[readme.index("### graphsc trends") :]
    start = section.index("$ graphsc trends\n...\n") + len("$ graphsc trends\n...\n")
    excerpt = section[start : section.index("```", start)]
    assert excerpt.startswith("Documentation of the models created per month\n")
    assert run_text("trends", "--db", str(families_store.path)).endswith(excerpt)
