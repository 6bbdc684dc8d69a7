"""``ingest_usage_file``: usage files into a store through the writer PeaTMOSS shares; the real PeaTMOSS sample, as
a usage file in each shape, gives the USES edges ``ingest_peatmoss`` gives."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest

from graphsc import samples
from graphsc.errors import BadInput, InputFileError
from graphsc.ingest import ingest_snapshot
from graphsc.ingest.peatmoss import ingest_peatmoss
from graphsc.ingest.usage import ingest_usage_file
from graphsc.records import SOURCE_USAGE_FILE, GraphBatch, Repo, Uses
from graphsc.store.sqlite import SQLiteStore


def all_uses(store: SQLiteStore) -> list[Uses]:
    return sorted(u for batch in store.iter_uses() for u in batch)


def all_repos(store: SQLiteStore) -> dict[str, Repo]:
    return {r.id: r for batch in store.iter_repos() for r in batch}


USAGE_JSON = """{
  "alice/chat": ["gpt2", "https://huggingface.co/Qwen/Qwen2.5-0.5B/tree/main", "made-up-legacy"],
  "https://github.com/bob/vision.git": "facebook/detr-resnet-50",
  "github.com/Erin/Tool/tree/main": ["org/x"],
  "carol/tools": 42,
  "dave/app": ["./checkpoints/final", "bert-base-uncased"],
  "alice/chat ": ["gpt2"]
}
"""


def test_json_file_with_licenses(store: SQLiteStore, tmp_path: Path) -> None:
    usage = tmp_path / "deps.json"
    usage.write_text(USAGE_JSON)
    licenses = tmp_path / "licenses.json"
    licenses.write_text(
        json.dumps(
            {
                "https://github.com/alice/chat": ["bsd-new", "MIT"],
                "BOB/VISION": "NOASSERTION",
                "erin/tool": "MIT",
                "dave/app": ["NoAssertion", "Apache-2.0"],
                "not a repo": "MIT",
            }
        )
    )
    problems: list[BadInput] = []
    report = ingest_usage_file(store, usage, licenses, on_problem=problems.append, batch_size=2)

    # rows: alice/chat 3, bob/vision 1, Erin/Tool 1, dave/app 1, alice/chat again 1 (a pair already read)
    assert (report.rows, report.usages, report.repos, report.models) == (7, 6, 4, 6)
    assert (report.skipped, report.license_problems, report.cut_short) == (2, 1, 0)
    assert report.legacy_resolved == {
        "gpt2": "openai-community/gpt2",
        "bert-base-uncased": "google-bert/bert-base-uncased",
    }
    assert report.legacy_unresolved == ["made-up-legacy"]
    assert [(p.line, p.reason) for p in problems] == [
        (5, "key 'carol/tools': expected a list of model ids or one model id, got number"),
        (6, "key 'dave/app'[0]: not a model id (local-path): './checkpoints/final'"),
        (1, "key 'not a repo': not a GitHub repository (owner/name or URL)"),
    ]
    assert report.licensed_repos == 3  # alice/chat, Erin/Tool (licensed as erin/tool: any case), dave/app

    uses = {(u.user, u.model): u for u in all_uses(store)}
    assert set(uses) == {
        ("alice/chat", "openai-community/gpt2"),
        ("alice/chat", "Qwen/Qwen2.5-0.5B"),
        ("alice/chat", "made-up-legacy"),
        ("bob/vision", "facebook/detr-resnet-50"),
        ("Erin/Tool", "org/x"),
        ("dave/app", "google-bert/bert-base-uncased"),
    }
    assert uses[("alice/chat", "openai-community/gpt2")].evidence == "usage file deps.json (as gpt2)"
    assert uses[("alice/chat", "Qwen/Qwen2.5-0.5B")].evidence == "usage file deps.json"
    assert {u.source for u in uses.values()} == {SOURCE_USAGE_FILE} == {"usage-file"}
    assert {u.user_kind for u in uses.values()} == {"repo"}

    repos = all_repos(store)
    assert set(repos) == {"alice/chat", "bob/vision", "Erin/Tool", "dave/app"}
    assert (repos["alice/chat"].license, repos["alice/chat"].license_raw) == ("bsd-3-clause AND mit", "bsd-new AND MIT")
    assert (repos["bob/vision"].license, repos["bob/vision"].license_raw) == (None, None)  # NOASSERTION: unknown
    assert (repos["Erin/Tool"].license, repos["Erin/Tool"].license_raw) == ("mit", "MIT")
    assert (repos["dave/app"].license, repos["dave/app"].license_raw) == ("apache-2.0", "Apache-2.0")
    models = store.models(["openai-community/gpt2", "Qwen/Qwen2.5-0.5B", "made-up-legacy", "org/x"])
    assert len(models) == 4 and not any(m.fetched for m in models.values())

    counts = store.counts()
    again = ingest_usage_file(store, usage, licenses)  # idempotent
    assert again.usages == report.usages and store.counts() == counts


def test_csv_file_evidence_has_the_line(store: SQLiteStore, tmp_path: Path) -> None:
    usage = tmp_path / "usage.csv"
    usage.write_text("full_name,huggingface_model\nacme/app,gpt2\nacme/app,nope nope\nacme/lib,org/model\n")
    report = ingest_usage_file(store, usage)
    assert (report.rows, report.usages, report.repos, report.models, report.skipped) == (3 - 1, 2, 2, 2, 1)
    assert [(u.user, u.model, u.evidence) for u in all_uses(store)] == [
        ("acme/app", "openai-community/gpt2", "usage file usage.csv line 2 (as gpt2)"),
        ("acme/lib", "org/model", "usage file usage.csv line 4"),
    ]


def test_usages_reaching_fetched_models_and_github_metadata_kept(store: SQLiteStore, tmp_path: Path) -> None:
    record = tmp_path / "hub.jsonl"
    record.write_text(json.dumps({"id": "bigcode/santacoder", "cardData": {"license": "bigcode-openrail-m"}}) + "\n")
    ingest_snapshot(store, [str(record)])
    store.write(GraphBatch(repos=[Repo("a/one", "apache-2.0", "Apache-2.0", 42, False, "2025-01-01T00:00:00Z")]))
    usage = tmp_path / "u.tsv"
    usage.write_text("repo\tmodel\na/one\tbigcode/santacoder\nb/two\tgpt2\n")
    report = ingest_usage_file(store, usage)  # no licenses file: nothing known about the licenses
    assert report.usages == 2 and report.usages_to_fetched == 1
    model = store.models(["bigcode/santacoder"])["bigcode/santacoder"]
    assert model.fetched and model.license == "bigcode-openrail-m"
    repo = all_repos(store)["a/one"]
    assert (repo.license, repo.stars, repo.pushed_at) == ("apache-2.0", 42, "2025-01-01T00:00:00Z")


def test_no_header_match_writes_nothing(store: SQLiteStore, tmp_path: Path) -> None:
    usage = tmp_path / "u.csv"
    usage.write_text("a,b\nx/y,z/w\n")
    with pytest.raises(InputFileError, match="no repository column and model column"):
        ingest_usage_file(store, usage)
    assert store.counts().edges.get("USES", 0) == 0


def test_a_bad_licenses_file_stops_before_anything_is_written(store: SQLiteStore, tmp_path: Path) -> None:
    usage = tmp_path / "u.json"
    usage.write_text('{"a/b": "c/d"}')
    licenses = tmp_path / "l.json"
    licenses.write_text("MIT")
    with pytest.raises(InputFileError, match="not JSON"):
        ingest_usage_file(store, usage, licenses)
    assert store.counts().edges.get("USES", 0) == 0


# --- the real PeaTMOSS sample, in the published shapes ---------------------------------------------------------------


@pytest.fixture(scope="module")
def peatmoss_slice(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every 20th row of the bundled PeaTMOSS mapping, as PeaTMOSS ships it (headerless CSV), as a JSON object of
    repository URL → model ids, and as a TSV with a header; the licenses of those repositories as PeaTMOSS ships
    them (which is the licenses-file shape too)."""
    folder = tmp_path_factory.mktemp("slice")
    rows = list(csv.reader(io.StringIO(gzip.decompress(samples.peatmoss_mapping_file().read_bytes()).decode())))
    rows = rows[::20]
    assert len(rows) > 1_000 and any("/" not in r[1] for r in rows)  # realistic: legacy ids among them
    mapping = folder / "mapping.csv"
    with open(mapping, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)

    grouped: dict[str, list[str]] = {}
    for row in rows:
        grouped.setdefault("https://" + row[0], []).append(row[1])
    as_json = folder / "usage.json"
    as_json.write_text(json.dumps(grouped, indent=2))

    as_tsv = folder / "usage.tsv.gz"
    text = io.StringIO()
    writer = csv.writer(text, delimiter="\t", lineterminator="\n")
    writer.writerow(["GitHub Repo URL", "HF Model URL"])
    writer.writerows([r[0], r[2]] for r in rows)  # the URL columns: URL forms on both sides
    as_tsv.write_bytes(gzip.compress(text.getvalue().encode()))

    all_licenses = json.loads(gzip.decompress(samples.peatmoss_licenses_file().read_bytes()))
    repos = {"/".join(r[0].split("/")[1:3]) for r in rows}
    licenses = folder / "licenses.json"
    licenses.write_text(json.dumps({repo: keys for repo, keys in all_licenses.items() if repo in repos}))
    return {"mapping": mapping, "json": as_json, "tsv": as_tsv, "licenses": licenses}


@pytest.mark.parametrize("shape", ["json", "tsv"])
def test_peatmoss_sample_as_a_usage_file_gives_the_same_edges(
    tmp_path: Path, peatmoss_slice: dict[str, Path], shape: str
) -> None:
    reference = SQLiteStore(tmp_path / "peatmoss.db")
    expected = ingest_peatmoss(reference, peatmoss_slice["mapping"], peatmoss_slice["licenses"])
    imported = SQLiteStore(tmp_path / f"{shape}.db")
    report = ingest_usage_file(imported, peatmoss_slice[shape], peatmoss_slice["licenses"])
    try:
        assert report.skipped == expected.skipped == 0 and report.cut_short == 0
        assert (report.usages, report.repos, report.models, report.licensed_repos) == (
            expected.usages,
            expected.repos,
            expected.models,
            expected.licensed_repos,
        )
        assert report.legacy_resolved == expected.legacy_resolved
        assert [(u.user_kind, u.user, u.model) for u in all_uses(imported)] == [
            (u.user_kind, u.user, u.model) for u in all_uses(reference)
        ]
        assert {(r.id, r.license, r.license_raw) for r in all_repos(imported).values()} == {
            (r.id, r.license, r.license_raw) for r in all_repos(reference).values()
        }
        evidence = {u.evidence.split(" (as ")[0] for u in all_uses(imported)}
        if shape == "json":
            assert evidence == {"usage file usage.json"}
        else:
            assert all(e.startswith("usage file usage.tsv.gz line ") for e in evidence)
    finally:
        reference.close()
        imported.close()
