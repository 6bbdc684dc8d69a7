"""Credentials in URLs never reach a message, and never a stored key: ``graphsc.redact`` and every place a Neo4j
URI is shown (store errors, ``graphsc query``, ``graphsc neo4j push``, the push watermark key).

(That Hugging Face and GitHub tokens never leak is tested with their sources, in tests/sources and tests/cli.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from neo4j.exceptions import ConfigurationError, ServiceUnavailable
from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.errors import StoreError
from graphsc.neo4j_push import STATE_PREFIX, push
from graphsc.records import GraphBatch, Model
from graphsc.redact import has_credentials, redact_text, redact_url
from graphsc.store.neo4j_errors import store_error
from graphsc.store.sqlite import SQLiteStore

runner = CliRunner()
SECRET = "s3cr3t-Pa55"
URI = f"bolt://neo4j:{SECRET}@127.0.0.1:7999"


@pytest.mark.parametrize(
    "url, shown",
    [
        ("bolt://neo4j:secret@host:7999", "bolt://neo4j:***@host:7999"),
        ("neo4j+s://admin:p%40ss@db.example.com", "neo4j+s://admin:***@db.example.com"),
        ("https://user:pa@ss@example.com/path?q=1", "https://user:***@example.com/path?q=1"),
        ("https://ghp_TOKEN123@github.com/o/r.git", "https://***@github.com/o/r.git"),
        ("bolt://127.0.0.1:7687", "bolt://127.0.0.1:7687"),
        ("/home/me/graphsc.db", "/home/me/graphsc.db"),
        ("mail me at a@b.org", "mail me at a@b.org"),
        ("", ""),
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown
    assert redact_url(shown) == shown  # idempotent


def test_redact_text_redacts_every_url_in_a_message() -> None:
    text = f"Given URI: '{URI}', then retried {URI.replace('bolt', 'neo4j')} (twice)"
    redacted = redact_text(text)
    assert SECRET not in redacted
    assert redacted.count("neo4j:***@127.0.0.1:7999") == 2 and "(twice)" in redacted
    assert has_credentials(URI) and not has_credentials("bolt://127.0.0.1:7687")


@pytest.mark.parametrize(
    "exc",
    [
        ConfigurationError(f"URI userinfo is not supported. Given URI: {URI!r}."),
        ServiceUnavailable(f"Couldn't connect to {URI}"),
        OSError(f"connection to {URI} refused"),
    ],
)
def test_store_errors_never_show_credentials(exc: Exception) -> None:
    error = store_error(URI, exc, "connecting")
    assert isinstance(error, StoreError)
    assert SECRET not in error.message and SECRET not in (error.hint or "") and SECRET not in error.location
    assert "neo4j:***@127.0.0.1:7999" in error.message


def _assert_clean(result: object) -> str:
    output = result.output  # type: ignore[attr-defined]
    stderr = result.stderr  # type: ignore[attr-defined]
    assert result.exit_code == 1, output  # type: ignore[attr-defined]
    assert SECRET not in output and SECRET not in stderr
    assert "Store error" in stderr and "Traceback" not in output
    assert "neo4j:***@" in stderr
    return " ".join(stderr.split())


def test_query_error_hides_the_password_in_neo4j_uri() -> None:
    flat = _assert_clean(runner.invoke(app, ["query", "counts"], env={"NEO4J_URI": URI, "GRAPHSC_STORE": None}))
    assert "NEO4J_PASSWORD" in flat  # says where the password belongs


def test_neo4j_store_commands_hide_the_password(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    store = SQLiteStore(db)
    store.write(GraphBatch(models=[Model("o/m")]))
    store.close()
    env = {"NEO4J_URI": URI, "GRAPHSC_STORE": None}
    _assert_clean(runner.invoke(app, ["neo4j", "push", "--db", str(db)], env=env))
    _assert_clean(runner.invoke(app, ["stats", "--store", "neo4j"], env=env))
    _assert_clean(runner.invoke(app, ["lineage", "o/m", "--store", "neo4j"], env={**env, "GRAPHSC_STORE": "neo4j"}))


class _FakeTarget:
    """A push target at a URI with credentials (what a Neo4jStore of an older graphsc called its location)."""

    kind = "neo4j"
    location = URI

    def __init__(self) -> None:
        self.batches: list[GraphBatch] = []

    def write(self, batch: GraphBatch) -> None:
        self.batches.append(batch)


def test_push_watermark_key_stores_no_credentials(tmp_path: Path) -> None:
    source = SQLiteStore(tmp_path / "g.db")
    source.write(GraphBatch(models=[Model("o/m", fetched_at="2026-01-01T00:00:00Z")]))
    report = push(source, _FakeTarget())  # type: ignore[arg-type]
    keys = [row[0] for row in source._db.execute("SELECT key FROM state")]
    source.close()
    assert report.watermark and keys
    assert all(SECRET not in key for key in keys)
    assert STATE_PREFIX + "bolt://neo4j:***@127.0.0.1:7999" in keys


def test_source_error_fields_never_show_credentials() -> None:
    from graphsc.errors import SourceError

    url = "https://user:s3cret@hub.example/api/models?token=t0k3n"
    error = SourceError(
        f"Hugging Face Hub {url}", f"HTTP 500 from {url}", f"check {url}", url=url, status=500, attempts=3
    )
    assert (error.status, error.attempts) == (500, 3)
    assert error.url is not None and error.url.startswith("https://") and error.url.endswith("/api/models?token=***")
    shown = [error.message, error.hint or "", error.source, error.reason, error.url]
    assert not [text for text in shown if "s3cret" in text or "t0k3n" in text]
