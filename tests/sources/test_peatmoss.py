"""PeaTMOSS import: the shared real files (counts computed here from the files), the bundled copy, and a tiny
PeaTMOSS SQLite database built to PeaTMOSS's schema."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from graphsc import samples
from graphsc.errors import InputFileError
from graphsc.ingest import ingest_snapshot
from graphsc.ingest.peatmoss import ingest_peatmoss
from graphsc.records import SOURCE_PEATMOSS as SOURCE
from graphsc.sources.legacy_ids import legacy_renames, model_id_spellings, resolve_model_id
from graphsc.sources.peatmoss import repo_id_from_url
from graphsc.sources.repo_license import normalize_repo_license
from graphsc.store.sqlite import SQLiteStore


def expected_counts(mapping: Path, licenses: Path) -> dict[str, int]:
    """The counts straight from the files: repos from the URL path, models after legacy renames."""
    with open(mapping, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    pairs = {("/".join(r[0].rstrip("/").split("/")[-2:]), legacy_renames().get(r[1], r[1])) for r in rows}
    repos = {repo for repo, _ in pairs}
    with open(licenses, encoding="utf-8") as f:
        repo_licenses = json.load(f)
    return {
        "rows": len(rows),
        "usages": len(pairs),
        "repos": len(repos),
        "models": len({model for _, model in pairs}),
        "licensed_repos": sum(1 for repo in repos if repo_licenses.get(repo)),
        "legacy": len({r[1] for r in rows if "/" not in r[1]}),
    }


def test_bundled_files_import_with_counts_from_the_files(store: SQLiteStore, tmp_path: Path) -> None:
    """The bundled PeaTMOSS files (unedited copies of the shared ones) import with the counts the files give."""
    import gzip

    mapping, licenses = tmp_path / "m.csv", tmp_path / "l.json"
    mapping.write_bytes(gzip.decompress(samples.peatmoss_mapping_file().read_bytes()))
    licenses.write_bytes(gzip.decompress(samples.peatmoss_licenses_file().read_bytes()))
    want = expected_counts(mapping, licenses)
    report = ingest_peatmoss(store, samples.peatmoss_mapping_file(), samples.peatmoss_licenses_file())
    got = {
        "rows": report.rows,
        "usages": report.usages,
        "repos": report.repos,
        "models": report.models,
        "licensed_repos": report.licensed_repos,
        "legacy": len(report.legacy_resolved),
    }
    assert got == want
    assert report.legacy_unresolved == [] and report.skipped == 0
    counts = store.counts()
    assert counts.nodes["Repo"] == want["repos"] and counts.nodes["Model"] == want["models"]
    assert counts.edges["USES"] == want["usages"] and counts.unfetched_models == want["models"]
    licensed = sum(1 for batch in store.iter_repos() for r in batch if r.license)
    assert licensed == want["licensed_repos"]

    again = ingest_peatmoss(store, samples.peatmoss_mapping_file(), samples.peatmoss_licenses_file())  # idempotent
    assert again.usages == want["usages"] and store.counts() == counts


def write_mapping(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def test_legacy_ids_licenses_and_stub_license(store: SQLiteStore, tmp_path: Path) -> None:
    mapping = write_mapping(
        tmp_path / "m.csv",
        [
            ["github.com/a/one", "gpt2", "https://huggingface.co/gpt2", "mit"],
            ["https://github.com/b/two", "gpt2", "https://huggingface.co/gpt2", "mit"],
            ["github.com/b/two", "made-up-legacy-model", "https://huggingface.co/made-up-legacy-model", "other"],
            [
                "github.com/c/three",
                "bigcode/santacoder",
                "https://huggingface.co/bigcode/santacoder",
                "bigcode-openrail-m",
            ],
            ["gitlab.com/d/four", "gpt2", "https://huggingface.co/gpt2", "mit"],
        ],
    )
    licenses = tmp_path / "l.json"
    licenses.write_text(json.dumps({"a/one": ["bsd-new", "mit"], "b/two": None, "c/three": ["gpl-3.0-plus"]}))
    report = ingest_peatmoss(store, mapping, licenses)
    assert report.legacy_resolved == {"gpt2": "openai-community/gpt2"}
    assert report.legacy_unresolved == ["made-up-legacy-model"]
    assert report.skipped == 1 and "gitlab.com" in report.problems[0].reason
    uses = {(u.user, u.model): u for u in store.uses_of(["openai-community/gpt2", "made-up-legacy-model"])}
    assert set(uses) == {
        ("a/one", "openai-community/gpt2"),
        ("b/two", "openai-community/gpt2"),
        ("b/two", "made-up-legacy-model"),
    }
    assert uses[("a/one", "openai-community/gpt2")].evidence == "PeaTMOSS mapping (as gpt2)"
    assert uses[("a/one", "openai-community/gpt2")].source == SOURCE
    repos = {r.id: r for batch in store.iter_repos() for r in batch}
    assert (repos["a/one"].license, repos["a/one"].license_raw) == ("bsd-3-clause AND mit", "bsd-new AND mit")
    assert repos["b/two"].license is None
    assert repos["c/three"].license == "gpl-3.0-or-later"
    assert store.models(["openai-community/gpt2"])["openai-community/gpt2"].license == "mit"


def test_declared_license_never_overwrites_a_fetched_model(store: SQLiteStore, tmp_path: Path) -> None:
    record = tmp_path / "hub.jsonl"
    record.write_text(
        json.dumps({"id": "bigcode/santacoder", "cardData": {"license": "bigcode-openrail-m-v2"}, "downloads": 5})
        + "\n"
    )
    ingest_snapshot(store, [str(record)])
    mapping = write_mapping(
        tmp_path / "m.csv",
        [
            [
                "github.com/c/three",
                "bigcode/santacoder",
                "https://huggingface.co/bigcode/santacoder",
                "bigcode-openrail-m",
            ],
        ],
    )
    report = ingest_peatmoss(store, mapping)
    model = store.models(["bigcode/santacoder"])["bigcode/santacoder"]
    assert model.fetched and model.license == "bigcode-openrail-m-v2" and model.downloads == 5
    assert report.usages_to_fetched == 1


def test_peatmoss_license_does_not_erase_github_metadata(store: SQLiteStore, tmp_path: Path) -> None:
    from graphsc.records import GraphBatch, Repo

    store.write(GraphBatch(repos=[Repo("a/one", "apache-2.0", "Apache-2.0", 42, False, "2025-01-01T00:00:00Z")]))
    mapping = write_mapping(tmp_path / "m.csv", [["github.com/a/one", "gpt2", "", "mit"]])
    ingest_peatmoss(store, mapping)  # no licenses file: nothing known about the repo's license
    repo = next(r for batch in store.iter_repos() for r in batch if r.id == "a/one")
    assert (repo.license, repo.stars, repo.pushed_at) == ("apache-2.0", 42, "2025-01-01T00:00:00Z")


PEATMOSS_SCHEMA = """
CREATE TABLE model_hub (id INTEGER NOT NULL, name VARCHAR, url VARCHAR, PRIMARY KEY (id), UNIQUE (name), UNIQUE (url));
CREATE TABLE license (id INTEGER NOT NULL, name VARCHAR, PRIMARY KEY (id), UNIQUE (name));
CREATE TABLE reuse_repository (id INTEGER NOT NULL, owner VARCHAR, name VARCHAR, url VARCHAR, PRIMARY KEY (id),
    CONSTRAINT unique_owner_name UNIQUE (owner, name));
CREATE TABLE model (id INTEGER NOT NULL, context_id INTEGER, model_hub_id INTEGER, sha VARCHAR, repo_url VARCHAR,
    downloads INTEGER, likes INTEGER, has_snapshot INTEGER, ptm_issues_id INTEGER, ptm_pull_requests_id INTEGER,
    PRIMARY KEY (id), UNIQUE (context_id), FOREIGN KEY(model_hub_id) REFERENCES model_hub (id));
CREATE TABLE model_to_license (model_id INTEGER NOT NULL, license_id INTEGER NOT NULL,
    PRIMARY KEY (model_id, license_id));
CREATE TABLE model_to_reuse_repository (model_id INTEGER NOT NULL, reuse_repository_id INTEGER NOT NULL,
    PRIMARY KEY (model_id, reuse_repository_id));
CREATE TABLE reuse_file (id INTEGER NOT NULL, path VARCHAR, model_id INTEGER, reuse_repository_id INTEGER,
    PRIMARY KEY (id), CONSTRAINT unique_path_model_id UNIQUE (path, model_id));
"""


def build_peatmoss_db(path: Path) -> Path:
    """A tiny database to the PeaTMOSS schema (PurdueDualityLab/PeaTMOSS-Artifact PeaTMOSS.sql)."""
    db = sqlite3.connect(path)
    db.executescript(PEATMOSS_SCHEMA)
    db.executemany(
        "INSERT INTO model_hub VALUES (?, ?, ?)",
        [(1, "Hugging Face", "https://huggingface.co/"), (2, "PyTorch Hub", "https://pytorch.org/hub/")],
    )
    db.executemany("INSERT INTO license VALUES (?, ?)", [(1, "apache-2.0"), (2, "mit")])
    db.executemany(
        "INSERT INTO reuse_repository VALUES (?, ?, ?, ?)",
        [
            (1, "alice", "nlp-app", "https://github.com/alice/nlp-app"),
            (2, "bob", "vision", "https://github.com/bob/vision"),
            (3, None, None, "https://github.com/carol/no-owner-columns"),
        ],
    )
    db.executemany(
        "INSERT INTO model VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (1, "bert-base-uncased", 1, "s", "https://huggingface.co/bert-base-uncased", 10, 1, 0, None, None),
            (
                2,
                "facebook/detr-resnet-50",
                1,
                "s",
                "https://huggingface.co/facebook/detr-resnet-50",
                5,
                1,
                0,
                None,
                None,
            ),
            (
                3,
                "pytorch/vision/resnet50",
                2,
                "s",
                "https://pytorch.org/hub/pytorch_vision_resnet/",
                5,
                1,
                0,
                None,
                None,
            ),
        ],
    )
    db.executemany("INSERT INTO model_to_license VALUES (?, ?)", [(1, 1), (2, 1), (2, 2)])
    db.executemany("INSERT INTO model_to_reuse_repository VALUES (?, ?)", [(1, 1), (2, 1), (2, 2), (3, 2), (1, 3)])
    db.execute("INSERT INTO reuse_file VALUES (1, 'src/classify.py', 1, 1)")
    db.commit()
    db.close()
    return path


def test_peatmoss_database(store: SQLiteStore, tmp_path: Path) -> None:
    database = build_peatmoss_db(tmp_path / "PeaTMOSS.db")
    licenses = tmp_path / "l.json"
    licenses.write_text(json.dumps({"alice/nlp-app": ["apache-2.0"]}))
    report = ingest_peatmoss(store, None, licenses, database)
    assert report.usages == 4 and report.repos == 3 and report.models == 2 and report.licensed_repos == 1
    assert report.skipped == 1 and "not a Hugging Face model" in report.problems[0].reason
    uses = {
        (u.user, u.model): u.evidence
        for u in store.uses_of(["google-bert/bert-base-uncased", "facebook/detr-resnet-50"])
    }
    assert uses[("alice/nlp-app", "google-bert/bert-base-uncased")] == (
        "PeaTMOSS database reuse_file src/classify.py (as bert-base-uncased)"
    )
    assert ("carol/no-owner-columns", "google-bert/bert-base-uncased") in uses
    # a model with two licenses in model_to_license: both apply, like a card's license list
    assert store.models(["facebook/detr-resnet-50"])["facebook/detr-resnet-50"].license == "apache-2.0 AND mit"


def test_unreadable_inputs_are_input_file_errors(store: SQLiteStore, tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        ingest_peatmoss(store, tmp_path / "missing.csv")
    not_peatmoss = tmp_path / "other.db"
    sqlite3.connect(not_peatmoss).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(InputFileError, match="missing tables"):
        ingest_peatmoss(store, None, None, not_peatmoss)


def test_small_helpers() -> None:
    assert repo_id_from_url("github.com/bigcode-project/commits") == "bigcode-project/commits"
    assert repo_id_from_url("https://github.com/a/b.git/") == "a/b"
    assert repo_id_from_url("https://gitlab.com/a/b") is None
    assert resolve_model_id("t5-small") == "google-t5/t5-small" and resolve_model_id("org/x") == "org/x"
    assert model_id_spellings("openai-community/gpt2") == ["openai-community/gpt2", "gpt2"]
    assert model_id_spellings("gpt2") == ["openai-community/gpt2", "gpt2"]
    assert normalize_repo_license(None) == (None, None)
    assert normalize_repo_license(["MIT"]) == ("mit", "MIT")
    assert normalize_repo_license(["NOASSERTION"]) == ("other", "NOASSERTION")
    assert normalize_repo_license(["bsd-new", "bsd-new"]) == ("bsd-3-clause", "bsd-new AND bsd-new")
    assert all("/" in new and new.endswith("/" + old) for old, new in legacy_renames().items())


def test_repository_names_outside_githubs_rules_are_not_repositories() -> None:
    # found by a tester: ESC, U+202E or markup in a mapping's repository URL was stored as a repository id
    assert repo_id_from_url("https://github.com/some-org/my.repo_1") == "some-org/my.repo_1"
    for url in (
        "github.com/a\x1b[2J/b",
        "github.com/a/[b]c",
        "github.com/a/b\u202ec",
        "github.com/-a/b",
        "github.com/a/..",
        "github.com/" + "a" * 40 + "/b",
    ):
        assert repo_id_from_url(url) is None, url
