"""``graphsc risks [MODEL]`` and the risk rows of ``graphsc impact`` through the CLI: exact views of the synthetic
risk graph (tests/reuse/test_risks.py draws it), properties of the bundled families, unknown models.

Tables are compared whole at a fixed terminal width, trailing spaces trimmed (as in test_analytics_cli.py); JSON
documents are compared whole once parsed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.records import ADAPTER, FINETUNE, USER_REPO, USER_SPACE, DerivedFrom, GraphBatch, Model, Uses
from graphsc.store.sqlite import SQLiteStore
from tests.reuse.test_risks import risk_graph_db

runner = CliRunner()
TERMINAL = {"COLUMNS": "120", "FORCE_COLOR": None, "TTY_COMPATIBLE": None, "TTY_INTERACTIVE": None}
R1 = "deepseek-ai/DeepSeek-R1"


@pytest.fixture
def graph(tmp_path: Path) -> Path:
    return risk_graph_db(tmp_path)


def run_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def run_text(*args: str, columns: int = 120) -> str:
    result = runner.invoke(app, list(args), env={**TERMINAL, "COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return "".join(line.rstrip() + "\n" for line in result.stdout.splitlines())


def test_whole_graph_table(graph: Path) -> None:
    assert run_text("risks", "--db", str(graph)) == (
        # 16 fetched models, old/nodetails without details; stubs ghost/base and else/used
        "18 models: 15 assessed (files known), 1 fetched without file details, 2 stubs (never fetched)\n"
        "Model-file risk flags\n"
        "flag             severity  models  inherited  downstream\n"
        "────────────────────────────────────────────────────────\n"
        "unsafe-scan      error          1          1           1\n"  # cyc/b; cyc/a loads it
        # lab/pickled; its two adapters inherit; seven models below it
        "pickle-only      warning        1          2           7\n"
        "custom-code      warning        1          0           2\n"  # lab/coder; the merge and its adapter
        "scan-caution     warning        1          0           0\n"
        "disabled         warning        1          0           0\n"
        "unverified-base  note           1          1           1\n"  # ghost/base; lab/ghost-lora
        "Most exposed flagged models (top 6 of 6)\n"
        # each flag's severity is given once, in the table above: here the flags only
        "model        flags            below  loading  repos  Spaces\n"
        "───────────────────────────────────────────────────────────\n"
        # repos acme/tool (itself), acme/app (lab/lora2); Space acme/demo (lab/merge-lora)
        "lab/pickled  pickle-only          7        2      2       1\n"
        "lab/coder    custom-code          2        0      0       1\n"
        # no users: more descendants first, then by id
        "cyc/b        unsafe-scan          1        1      0       0\n"
        "ghost/base   unverified-base      1        1      0       0\n"
        "hub/caution  scan-caution         0        0      0       0\n"
        "hub/off      disabled             0        0      0       0\n"
        "below: descendants; loading: via adapters; repos/Spaces: using it or one below\n"
    )


def test_empty_store_says_so(tmp_path: Path) -> None:
    empty = SQLiteStore(tmp_path / "empty.db")
    empty.close()
    assert run_text("risks", "--db", str(tmp_path / "empty.db")) == (
        "No model in the graph: ingest some first (graphsc ingest, or graphsc demo).\n"
    )
    assert run_json("risks", "--db", str(tmp_path / "empty.db"))["models"]["total"] == 0


def test_json_into_a_file(graph: Path, tmp_path: Path) -> None:
    out = tmp_path / "risks.json"
    result = runner.invoke(app, ["risks", "lab/lora2", "--db", str(graph), "-f", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert json.loads(out.read_text()) == run_json("risks", "lab/lora2", "--db", str(graph))
    result = runner.invoke(app, ["risks", "--db", str(graph), "--format", "json", "--output", str(out)])
    assert result.exit_code == 0 and json.loads(out.read_text())["scope"] == "graph"
    # the table is for the terminal only
    result = runner.invoke(app, ["risks", "--db", str(graph), "-o", str(out)])
    assert result.exit_code == 2 and "use --format json" in result.output


def test_whole_graph_json_top(graph: Path) -> None:
    doc = run_json("risks", "--top", "2", "--db", str(graph))
    flags = doc.pop("flags")
    assert doc == {
        "schema": "graphsc.risks/1",
        "scope": "graph",
        "models": {"total": 18, "assessed": 15, "not_assessed": 1, "stubs": 2},
        "flagged_models": 6,
        "top": [
            {
                "model": "lab/pickled",
                "flags": ["pickle-only"],
                "severity": "warning",
                "descendants": 7,
                "inheriting": 2,
                "repos": 2,
                "spaces": 1,
            },
            {
                "model": "lab/coder",
                "flags": ["custom-code"],
                "severity": "warning",
                "descendants": 2,
                "inheriting": 0,
                "repos": 0,
                "spaces": 1,
            },
        ],
    }
    assert list(flags) == ["unsafe-scan", "pickle-only", "custom-code", "scan-caution", "disabled", "unverified-base"]
    assert {k: (v["severity"], v["models"], v["inherited"], v["downstream"]) for k, v in flags.items()} == {
        "unsafe-scan": ("error", 1, 1, 1),
        "pickle-only": ("warning", 1, 2, 7),
        "custom-code": ("warning", 1, 0, 2),
        "scan-caution": ("warning", 1, 0, 0),
        "disabled": ("warning", 1, 0, 0),
        "unverified-base": ("note", 1, 1, 1),
    }
    assert all(isinstance(v["reason"], str) and v["reason"] for v in flags.values())


def test_model_with_inherited_flag_table(graph: Path) -> None:
    assert run_text("risks", "lab/lora2", "--db", str(graph)) == (
        "Risks of lab/lora2\n"
        "  model      lab/lora2\n"
        "  state      fetched, files known\n"
        "  on load    pickle-only (warning)\n"
        "Inherited: loaded at run time through adapter edges\n"
        "flag         severity  path (model → flagged ancestor)\n"
        "─────────────────────────────────────────────────────────────────────────────────\n"
        # through the two adapters, not the direct finetune edge: inherited, and not listed again as upstream
        "pickle-only  warning   lab/lora2 ─adapter→ lab/pickled-lora ─adapter→ lab/pickled\n"
    )


UPSTREAM_MERGE_LORA = (
    "Risks of lab/merge-lora\n"
    "  model      lab/merge-lora\n"
    "  state      fetched, files known\n"
    "  on load    no risk flag\n"
    "Upstream: ancestors' flags, provenance only (new weights made)\n"
)


def test_model_with_upstream_flags_table(graph: Path) -> None:
    assert run_text("risks", "lab/merge-lora", "--db", str(graph)) == UPSTREAM_MERGE_LORA + (
        "flag         severity  path (model → flagged ancestor)\n"
        "────────────────────────────────────────────────────────────────────────────────────────────────────────\n"
        "pickle-only  warning   lab/merge-lora ─adapter→ lab/merge ─merge→ lab/pickled-lora ─adapter→ lab/pickled\n"
        "custom-code  warning   lab/merge-lora ─adapter→ lab/merge ─merge→ lab/coder\n"
    )


def test_paths_wrap_between_models_at_80_columns(graph: Path) -> None:
    # 80 columns (the width whenever output is piped): a long path wraps between an arrow and a model, never
    # inside an id
    assert run_text("risks", "lab/merge-lora", "--db", str(graph), columns=80) == UPSTREAM_MERGE_LORA + (
        "flag         severity  path (model → flagged ancestor)\n"
        "────────────────────────────────────────────────────────────────────────────────\n"
        "pickle-only  warning   lab/merge-lora ─adapter→ lab/merge ─merge→\n"
        "                       lab/pickled-lora ─adapter→ lab/pickled\n"
        "custom-code  warning   lab/merge-lora ─adapter→ lab/merge ─merge→ lab/coder\n"
    )


def test_own_flag_table_and_unassessed_model(graph: Path) -> None:
    assert run_text("risks", "cyc/b", "--db", str(graph)) == (
        "Risks of cyc/b\n"
        "  model      cyc/b\n"
        "  state      fetched, files known\n"
        "  on load    unsafe-scan (error)\n"
        "Own flags\n"
        "flag         severity  why\n"
        "──────────────────────────────────────────────────────────────────\n"
        "unsafe-scan  error     the Hub's security scan marks a file unsafe\n"
    )
    assert run_text("risks", "old/nodetails", "--db", str(graph)) == (
        "Risks of old/nodetails\n"
        "  model      old/nodetails\n"
        "  state      fetched, files unknown: its record gave no details; ingest it again\n"
        "  on load    no risk flag\n"
    )


def test_stubs_say_why_they_are_in_the_graph(graph: Path, tmp_path: Path) -> None:
    # ghost/base: lab/ghost-lora's base; else/used: used by Space acme/chat only (nobody's base)
    assert run_text("risks", "ghost/base", "--db", str(graph)).startswith(
        "Risks of ghost/base\n"
        "  model      ghost/base\n"
        "  state      not fetched: files unknown; a base of 1 model\n"
        "  on load    unverified-base (note)\n"
    )
    assert run_text("risks", "else/used", "--db", str(graph)) == (
        "Risks of else/used\n"
        "  model      else/used\n"
        "  state      not fetched: files unknown; used by 1 Space\n"
        "  on load    no risk flag\n"
    )
    # a stub two models derive from, used by two repositories and a Space; one only named (a use of a model
    # graphsc wrote no edge for is not enough: a stub with neither)
    db = tmp_path / "stubs.db"
    store = SQLiteStore(db)
    store.write(
        GraphBatch(
            models=[Model("s/base", fetched=False), Model("s/named", fetched=False), Model("a/x"), Model("a/y")],
            derived_from=[
                DerivedFrom("a/x", "s/base", FINETUNE, "test"),
                DerivedFrom("a/y", "s/base", ADAPTER, "test"),
            ],
            uses=[
                Uses("r/one", USER_REPO, "s/base", "test"),
                Uses("r/two", USER_REPO, "s/base", "test"),
                Uses("sp/one", USER_SPACE, "s/base", "test"),
            ],
        )
    )
    store.close()
    assert "  state      not fetched: files unknown; a base of 2 models, used by 2 repositories and 1 Space\n" in (
        run_text("risks", "s/base", "--db", str(db))
    )
    assert "  state      not fetched: files unknown; only named\n" in run_text("risks", "s/named", "--db", str(db))


def test_model_json(graph: Path) -> None:
    assert run_json("risks", "LAB/Lora2", "--db", str(graph)) == {  # any casing
        "schema": "graphsc.risks/1",
        "scope": "model",
        "model": "lab/lora2",
        "fetched": True,
        "assessed": True,
        "flags": ["pickle-only"],
        "own": [],
        "inherited": [
            {
                "flag": "pickle-only",
                "severity": "warning",
                "source": "lab/pickled",
                "path": ["lab/lora2", "lab/pickled-lora", "lab/pickled"],
                "relations": ["adapter", "adapter"],
            }
        ],
        "upstream": [],
    }
    stub = run_json("risks", "ghost/base", "--db", str(graph))
    assert (stub["fetched"], stub["assessed"], stub["flags"]) == (False, False, ["unverified-base"])


def test_impact_of_a_flagged_model(graph: Path) -> None:
    text = run_text("impact", "lab/pickled", "--db", str(graph))
    assert text.startswith(
        "Impact of lab/pickled\n"
        "  model          lab/pickled  license apache-2.0  downloads ?\n"
        "  descendants    7  (0 downloads)\n"
        "  reached        2 repositories, 1 Space\n"
        "  risks          pickle-only (warning)\n"
        # lab/pickled-lora and lab/lora2 load it; acme/tool, acme/app, acme/demo
        "  exposed        7 descendants (2 loading it through adapters) and 3 repositories/Spaces exposed\n"
        "Descendants by depth\n"
    )
    inherited = run_text("impact", "lab/lora2", "--db", str(graph))
    assert inherited.startswith(
        "Impact of lab/lora2\n"
        "  model          lab/lora2  license apache-2.0  downloads ?\n"
        "  descendants    0  (0 downloads)\n"
        "  reached        1 repository, 0 Spaces\n"
        "  risks          pickle-only (warning)\n"
        "                 pickle-only inherited: lab/lora2 ─adapter→ lab/pickled-lora ─adapter→ lab/pickled\n"
        "  exposed        0 descendants (0 loading it through adapters) and 1 repository/Space exposed\n"
        "Licenses in the subtree"
    )
    # no flag of its own or inherited (its flags are upstream): impact shows no risk rows
    assert "risks" not in run_text("impact", "lab/merge", "--db", str(graph))


def test_impact_json_risks(graph: Path) -> None:
    assert run_json("impact", "lab/pickled", "--db", str(graph))["risks"] == {
        "flags": ["pickle-only"],
        "own": [
            {
                "flag": "pickle-only",
                "severity": "warning",
                "source": "lab/pickled",
                "path": ["lab/pickled"],
                "relations": [],
            }
        ],
        "inherited": [],
        "exposed": {"descendants": 7, "inheriting": 2, "repos": 2, "spaces": 1},
    }
    assert run_json("impact", "lab/merge", "--db", str(graph))["risks"] == {
        "flags": [],
        "own": [],
        "inherited": [],
        "exposed": None,
    }


@pytest.mark.parametrize("command", [["risks"], ["impact"]])
def test_unknown_model_is_a_clear_error(graph: Path, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "lab/pickle", "--db", str(graph)])
    assert result.exit_code == 1
    assert "Unknown model" in result.output and "Did you mean" in result.output and "lab/pickled" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)


def test_bundled_families(families_store: SQLiteStore, family_records: list[dict[str, Any]]) -> None:
    db = str(families_store.path)
    families_store.close()
    doc = run_json("risks", "--top", "100", "--db", db)
    assert doc["flagged_models"] == len(doc["top"]) == 18  # 5 pickle-only + 13 custom-code, none both
    assert doc["models"]["total"] == doc["models"]["assessed"] == len(family_records)
    assert doc["top"][0]["model"] == R1 and doc["top"][0]["descendants"] == 301
    pickled = {r["model"] for r in doc["top"] if r["flags"] == ["pickle-only"]}
    assert len(pickled) == 5
    one = sorted(pickled)[0]
    model = run_json("risks", one, "--db", db)
    # a finetune of DeepSeek-R1 (custom code): that flag is upstream, its own pickle-only flag is its own
    assert [f["flag"] for f in model["own"]] == ["pickle-only"] and model["inherited"] == []
    assert [(f["flag"], f["path"]) for f in model["upstream"]] == [("custom-code", [one, R1])]
    text = run_text("risks", "--db", db)
    assert "\ndeepseek-ai/DeepSeek-R1 " in text and "Most exposed flagged models (top 18 of 18)" in text


def test_ids_stay_on_one_line_at_80_columns(families_store: SQLiteStore) -> None:
    db = str(families_store.path)
    families_store.close()
    top = [m["model"] for m in run_json("risks", "--top", "8", "--db", db)["top"]]
    assert len(top) == 8 and max(map(len, top)) == len("RecurvAI/Recurv-Medical-Deepseek-R1")
    lines = run_text("risks", "--top", "8", "--db", db, columns=80).splitlines()
    assert all(len(line) <= 80 for line in lines)
    # each flagged model's row starts with its whole id, then its flag (no severity repeated on every row)
    for model in top:
        (row,) = [line for line in lines if line.startswith(model + " ")]
        assert row.split()[1] in ("custom-code", "pickle-only") and "(warning)" not in row
    one = run_text("risks", top[6], "--db", db, columns=80).splitlines()
    assert all(len(line) <= 80 for line in one) and f"  model      {top[6]}" in one
