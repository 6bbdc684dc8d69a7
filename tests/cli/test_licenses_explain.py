"""``graphsc licenses explain``: one license's facts, clauses with their citations, and the rules using them."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.license_table.table import default_table

runner = CliRunner()


def explain(*args: str):
    return runner.invoke(app, ["licenses", "explain", *args])


def test_json_document_for_an_alias_names_the_canonical_license_and_its_text() -> None:
    result = explain("Llama-3.1", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert (doc["schema"], doc["query"], doc["id"], doc["spdx"]) == ("graphsc.license/1", "Llama-3.1", "llama3.1", None)
    assert doc["text"]["repo"] == "meta-llama/llama-models" and doc["text"]["path"] == "models/llama3_1/LICENSE"
    assert doc["text"]["verified"] is True and len(doc["text"]["commit"]) == 40
    clauses = {c["name"]: c for c in doc["clauses"]}
    assert clauses["naming"]["value"] == "Llama" and clauses["naming"]["outputs"] is True
    assert clauses["agreement_copy"]["source"].startswith("Llama 3.1 Community License §1.b.i(A)")
    obligations = {o["kind"]: o for o in doc["obligations"]}
    assert obligations["agreement_copy"]["rules"]["derived"][0] == "D-COPY"
    assert "distillation" in obligations["naming"]["crosses"]
    assert "distillation" not in obligations["agreement_copy"]["crosses"]
    assert doc["policy"]["id"] == "llama3.1-aup" and "llama3.2-aup" in doc["policy"]["satisfied_by"]


def test_table_shows_every_clause_with_its_citation_and_the_text() -> None:
    result = explain("gemma")
    assert result.exit_code == 0, result.output
    out = result.stdout
    words = " ".join(out.split())  # rich wraps long lines at spaces
    lic = default_table()["gemma"]
    for clause in lic.clauses.values():
        assert f"  {clause.name} = " in out
        assert " ".join(clause.source.split()) in words
    assert "https://ai.google.dev/gemma/terms" in out and "verified" in out
    assert "Use restrictions: Gemma Prohibited Use Policy" in out


def test_unverified_license_says_so_and_why() -> None:
    doc = json.loads(explain("grok2-community", "--format", "json").stdout)
    assert doc["text"]["verified"] is False and "§2.b" in doc["text"]["note"]
    assert "NOT verified" in explain("grok2-community").stdout


def test_license_link_resolves_to_its_license() -> None:
    doc = json.loads(explain("https://mistral.ai/licenses/MRL-0.1.md", "--format", "json").stdout)
    assert doc["id"] == "mrl-0.1"


def test_copyleft_version_lists_the_licenses_that_accept_it() -> None:
    doc = json.loads(explain("gpl-3.0", "--format", "json").stdout)
    (copyleft,) = [c for c in doc["clauses"] if c["name"] == "copyleft"]
    assert "gpl-2.0" not in copyleft["compatible"]
    assert "gpl-2.0-or-later" in doc["accepted_by"] and "gpl-2.0" not in doc["accepted_by"]


def test_unknown_license_is_an_error_with_close_matches() -> None:
    result = explain("llama-3.9")
    assert result.exit_code == 1
    assert "Unknown license: License 'llama-3.9' is not in the license table." in result.stderr
    assert "Did you mean: llama3.3" in result.stderr
    assert result.stdout == ""


def test_licenses_without_a_subcommand_still_checks_the_graph(tmp_path) -> None:
    from graphsc.store.sqlite import SQLiteStore

    SQLiteStore(tmp_path / "empty.db").close()  # read commands never create a store
    result = runner.invoke(app, ["licenses", "--db", str(tmp_path / "empty.db"), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["schema"] == "graphsc.licenses/1"


def test_markup_in_the_argument_is_printed_literally() -> None:
    for text in ("[/]", "[bold]x[/]", "[link=http://127.0.0.1/evil]click[/link]"):
        result = explain(text)
        assert result.exit_code == 1, result.output
        assert f"License '{text}' is not in the license table." in result.stderr
        assert "Traceback" not in result.output


def test_an_expression_gets_a_hint_to_explain_each_part() -> None:
    result = explain("MIT OR Apache-2.0")
    assert result.exit_code == 1 and "explain each part of the expression" in result.stderr
