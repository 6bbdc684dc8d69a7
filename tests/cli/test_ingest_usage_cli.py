"""``graphsc ingest peatmoss`` / ``graphsc ingest github`` / ``graphsc lineage`` through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graphsc.cli import app
from tests.fake_github import GPT2, FakeGitHub, populate, secondary_limit

runner = CliRunner()


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_peatmoss_bundled_then_lineage_lists_repos(tmp_path: Path) -> None:
    db = str(tmp_path / "g.db")
    code, _, err = invoke("ingest", "peatmoss", "--db", db)
    assert code == 0, err
    assert "22,860 usages" in err and "7,956 repositories" in err and "Resolved 52 legacy model ids" in err

    code, out, err = invoke("lineage", "bigcode/santacoder", "--db", db)
    assert code == 0, err
    assert "Used by (1)" in out and "bigcode-project/commits" in out and "peatmoss" in out
    assert "bigcode-openrail-m" in out  # the declared license kept on the stub

    code, out, _ = invoke("lineage", "openai-community/gpt2", "--db", db, "--format", "json")
    doc = json.loads(out)
    assert len(doc["used_by"]) > 100
    assert {
        "kind": "repo",
        "id": "000alen/Phaedra",
        "source": "peatmoss",
        "evidence": "PeaTMOSS mapping (as gpt2)",
    } in doc["used_by"]
    assert doc["model"]["license"] == "mit" and doc["model"]["fetched"] is False


def test_peatmoss_missing_file_is_a_clean_error(tmp_path: Path) -> None:
    code, _, err = invoke("ingest", "peatmoss", "--mapping", str(tmp_path / "nope.csv"), "--db", str(tmp_path / "g.db"))
    assert code == 1 and "no such file" in err and "Traceback" not in err


def test_github_without_token_exits_with_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    code, out, err = invoke("ingest", "github", GPT2, "--db", str(tmp_path / "g.db"))
    assert code != 0
    assert "requires authentication" in err and "GITHUB_TOKEN" in err and "Traceback" not in err + out


def test_github_against_fake_server(tmp_path: Path, fake_github: FakeGitHub) -> None:
    populate(fake_github)
    fake_github.fail("search", secondary_limit(1))
    db = str(tmp_path / "g.db")
    env = {"GITHUB_TOKEN": "test-token", "GITHUB_API_URL": fake_github.url}
    code, _, err = invoke("ingest", "github", GPT2, "--max-repos", "5", "--db", db, env=env)
    assert code == 0, err
    assert f"{GPT2}: used by 2 repositories" in err
    assert "waited 1 s" in err and "secondary rate limit" in err

    code, _, err = invoke("ingest", "github", GPT2, "--db", db, env=env)
    assert code == 0 and "0 searches run, 12 already done" in err

    code, out, _ = invoke("lineage", GPT2, "--db", db, "--format", "json")
    used_by = {u["id"]: u for u in json.loads(out)["used_by"]}
    assert set(used_by) == {"alice/chatbot", "bob/legacy-app"}
    assert used_by["alice/chatbot"]["source"] == "github-code-search"
    assert used_by["alice/chatbot"]["evidence"].startswith("src/train.py:6 https://github.com/alice/chatbot/")


def test_github_bad_token_is_a_source_error(tmp_path: Path, fake_github: FakeGitHub) -> None:
    from tests.fake_github import Fault

    fake_github.fail("search", Fault(401, body={"message": "Bad credentials"}))
    env = {"GITHUB_TOKEN": "expired", "GITHUB_API_URL": fake_github.url}
    code, _, err = invoke("ingest", "github", GPT2, "--db", str(tmp_path / "g.db"), env=env)
    assert code == 1 and "bad credentials" in err and "Traceback" not in err
