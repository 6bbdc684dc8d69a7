"""``graphsc neo4j import`` (bulk import, offline) builds the very graph ``graphsc neo4j push`` builds in an empty
Neo4j: the bundled real data (Hub model families, datasets, PeaTMOSS usages) plus records with awkward values are
pushed into the test server and dumped whole (labels, properties with their types, relationships, constraints and
indexes, state nodes); the server is then emptied, stopped, filled by the import, started and dumped again.

The import needs the test server's data directory (it writes the database files): ``GRAPHSC_TEST_NEO4J_HOME``, by
default scripts/neo4j's ``.neo4j/data`` of this checkout, and the server must be one scripts/neo4j runs (it is
stopped and started again here). The refusals (running server, non-empty database) are checked too; the one on a
non-empty database uses a scratch home of its own and no server.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from neo4j import GraphDatabase
from typer.testing import CliRunner

from graphsc.cli import app
from graphsc.errors import StoreError
from graphsc.ingest import ingest_snapshot
from graphsc.ingest.peatmoss import ingest_peatmoss
from graphsc.neo4j_import import default_launcher, import_store
from graphsc.neo4j_push import STATE_PREFIX, push
from graphsc.records import (
    SOURCE_CARD,
    SOURCE_SPACE_CARD,
    USER_REPO,
    USER_SPACE,
    Alias,
    Dataset,
    DerivedFrom,
    EvalResult,
    GraphBatch,
    IdNote,
    Model,
    ModelDetails,
    ModelRecord,
    Repo,
    Space,
    SpaceRecord,
    TrainedOn,
    Uses,
)
from graphsc.samples import hf_dataset_files, peatmoss_licenses_file, peatmoss_mapping_file
from graphsc.store.neo4j import Neo4jStore, location_of
from graphsc.store.sqlite import SQLiteStore

from .conftest import REPO, wipe

pytestmark = pytest.mark.neo4j
LATER = "2999-01-01T00:00:00Z"
needs_launcher = pytest.mark.skipif(
    not default_launcher().is_file() or shutil.which("java") is None,
    reason="the Neo4j launcher is not built (scripts/neo4j build) or Java is missing",
)


def _awkward(store: SQLiteStore) -> None:
    """Records whose values test the CSV conventions: empty strings, quotes, commas, line breaks, non-ASCII ids,
    empty and full lists, floats, booleans both ways, stubs with licenses, a renamed alias and its note."""
    batch = GraphBatch()
    batch.add(
        ModelRecord(
            Model(
                "Ünï/Çödé-Μοντέλο",
                "Ünï",
                "",
                'quote " and, comma',
                "line\nbreak\r\nand tab\t",
                downloads=0,
                likes=-1,
                gated="",
                fetched_at=LATER,
                has_card=False,
            ),
            (DerivedFrom("Ünï/Çödé-Μοντέλο", "deepseek-ai/DeepSeek-R1", "finetune", SOURCE_CARD, None),),
            (TrainedOn("Ünï/Çödé-Μοντέλο", "odd/data,set", SOURCE_CARD, LATER),),
            (),
            (IdNote("Ünï/Çödé-Μοντέλο", "base_model", "old/name", "old/name", "unconfirmed", LATER),),
            ModelDetails("Ünï/Çödé-Μοντέλο", None, (), 3, True, ("A", ""), None, "", 2**40, ("F32",), (), True, "safe"),
            (
                EvalResult("Ünï/Çödé-Μοντέλο", 0, "t", "d", None, "acc", "", 0.1 + 0.2, None, False, None, ""),
                EvalResult("Ünï/Çödé-Μοντέλο", 1, value=float("nan"), value_text="n/a", verified=True),
                EvalResult("Ünï/Çödé-Μοντέλο", 2, value=1e-300),
            ),
        )
    )
    batch.add(ModelRecord(Model("stub/with-license", "stub", "mit", fetched=False)))
    batch.add(ModelRecord(Model("stub/empty-license", "stub", "", fetched=False)))
    batch.add(ModelRecord(Model("bare-name", None, "apache-2.0", downloads=5, fetched_at=LATER)))
    batch.add_space(
        SpaceRecord(
            Space("acme/app", "", "gradio", None, 0, None, None, True, LATER),
            (Uses("acme/app", USER_SPACE, "deepseek-ai/DeepSeek-R1", SOURCE_SPACE_CARD, "", LATER),),
        )
    )
    batch.spaces.append(Space("acme/stub-space", "cc-by-4.0", fetched=False))
    batch.datasets.append(Dataset("odd/Data,Set-2", "", None, None, None, 0, None, None, None, "", True, LATER))
    batch.datasets.append(Dataset("odd/stub", "mit", fetched=False))
    batch.repos.append(Repo('gh/"quoted"', None, "", 0, False, None, LATER))
    batch.repos.append(Repo("gh/archived", "MIT", "MIT", 10, True, "2020-01-01T00:00:00Z", LATER))
    batch.uses.append(Uses('gh/"quoted"', USER_REPO, "bare-name", "usage-file", "a,b\nc", LATER))
    batch.aliases.append(Alias("old/name", "deepseek-ai/DeepSeek-R1", "renamed"))
    store.write(batch)


def _value(value: Any) -> Any:
    """A property value with its type: lists as tuples of typed values, NaN comparable."""
    if isinstance(value, list):
        return ("list", tuple(_value(v) for v in value))
    if isinstance(value, float) and value != value:
        return ("float", "nan")
    return (type(value).__name__, value)


def dump(uri: str) -> dict[str, Any]:
    """Every node (labels, typed properties), relationship (endpoints, type, typed properties), constraint and
    index of the database at ``uri``; the generation node's epoch and value replaced by their types."""
    with GraphDatabase.driver(uri, auth=None) as driver:
        nodes = []
        for record in driver.execute_query("MATCH (n) RETURN labels(n) AS labels, properties(n) AS p").records:
            props = dict(record["p"])
            if props.get("key") == "graphsc.generation":
                assert isinstance(props["epoch"], str) and isinstance(props["value"], int) and props["value"] >= 1
                props["epoch"], props["value"] = "<uuid>", "<count>"
            nodes.append((tuple(sorted(record["labels"])), tuple(sorted((k, _value(v)) for k, v in props.items()))))
        rels = [
            (
                tuple(r["a"]),
                r["aid"],
                r["type"],
                tuple(sorted((k, _value(v)) for k, v in r["p"].items())),
                tuple(r["b"]),
                r["bid"],
            )
            for r in driver.execute_query(
                "MATCH (a)-[r]->(b) RETURN labels(a) AS a, a.id AS aid, type(r) AS type, properties(r) AS p, "
                "labels(b) AS b, b.id AS bid"
            ).records
        ]
        constraints = {
            (r["name"], r["type"], tuple(r["labelsOrTypes"]), tuple(r["properties"]))
            for r in driver.execute_query("SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties").records
        }
        indexes = {
            (r["name"], r["type"], tuple(r["labelsOrTypes"] or ()), tuple(r["properties"] or ()), r["state"])
            for r in driver.execute_query("SHOW INDEXES YIELD name, type, labelsOrTypes, properties, state").records
        }
    return {"nodes": sorted(nodes), "relationships": sorted(rels), "constraints": constraints, "indexes": indexes}


def _server(command: str, uri: str, home: Path) -> None:
    env = {
        **os.environ,
        "NEO4J_PORT": str(urlsplit(uri).port or 7687),
        "NEO4J_DATA_DIR": str(home),
        "PYTHON": sys.executable,
    }
    done = subprocess.run([str(REPO / "scripts" / "neo4j"), command], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def _test_home(uri: str) -> Path:
    """The data directory of the test server, which must be run by scripts/neo4j (else the test is skipped)."""
    port = urlsplit(uri).port or 7687
    if urlsplit(uri).hostname not in ("127.0.0.1", "localhost") or not (REPO / ".neo4j" / f"neo4j-{port}.pid").exists():
        pytest.skip(f"{uri} is not a Neo4j run by scripts/neo4j of this checkout: the import cannot stop it")
    return Path(os.environ.get("GRAPHSC_TEST_NEO4J_HOME") or REPO / ".neo4j" / "data")


@needs_launcher
def test_import_builds_the_graph_push_builds(families_store: SQLiteStore, neo4j_uri: str, tmp_path: Path) -> None:
    home = _test_home(neo4j_uri)
    ingest_peatmoss(families_store, peatmoss_mapping_file(), peatmoss_licenses_file())
    ingest_snapshot(families_store, [str(p) for p in hf_dataset_files()], kind="datasets")
    _awkward(families_store)
    families_store.close()
    pushed_file, imported_file = tmp_path / "pushed.db", tmp_path / "imported.db"
    shutil.copy(families_store.path, pushed_file)
    shutil.copy(families_store.path, imported_file)

    wipe(neo4j_uri)
    with SQLiteStore(pushed_file) as source, Neo4jStore(uri=neo4j_uri) as target:
        report = push(source, target, batch_size=500)  # several writes: the generation counts them
        location = target.location
        pushed_watermark = source.get_state(STATE_PREFIX + location)
    assert pushed_watermark == report.watermark == LATER
    pushed = dump(neo4j_uri)

    wipe(neo4j_uri)
    with SQLiteStore(imported_file, readonly=True) as source:
        with pytest.raises(StoreError, match="in use"):  # the server still runs on the home
            import_store(source, home, location)
        _server("stop", neo4j_uri, home)
        try:
            imported_report = import_store(source, home, location_of(neo4j_uri))
        finally:
            _server("start", neo4j_uri, home)
        assert source.get_state(STATE_PREFIX + location) == pushed_watermark
    imported = dump(neo4j_uri)

    assert imported_report.nodes == {k: v for k, v in report.nodes.items() if k in imported_report.nodes}
    assert imported_report.edges == {k: v for k, v in report.edges.items() if k in imported_report.edges}
    assert len(pushed["nodes"]) > 2_000 and len(pushed["relationships"]) > 2_000
    for part in ("constraints", "indexes", "relationships", "nodes"):
        assert imported[part] == pushed[part], part
    # What the awkward records made of the CSV conventions, read back.
    with Neo4jStore(uri=neo4j_uri) as store:
        model = store.models(["Ünï/Çödé-Μοντέλο"])["Ünï/Çödé-Μοντέλο"]
        assert model.license == "" and model.license_link == "line\nbreak\r\nand tab\t" and model.has_card is False
        details = store.details_of([model.id])[model.id]
        assert details.weight_formats == () and details.architectures == ("A", "") and details.parameters == 2**40
        # A later push --since-last goes on from the import's watermark: nothing changed, so only unstamped rows.
    with SQLiteStore(imported_file) as source, Neo4jStore(uri=neo4j_uri) as target:
        again = push(source, target, since_last=True)
        assert again.since == LATER
    assert dump(neo4j_uri)["nodes"] == pushed["nodes"]


@needs_launcher
def test_import_refuses_a_database_that_is_not_empty(families_store: SQLiteStore, tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = import_store(families_store, home, "bolt://127.0.0.1:1")  # a fresh home: nothing to check
    assert first.written > 1_000
    with pytest.raises(StoreError, match="not empty") as refused:
        import_store(families_store, home, "bolt://127.0.0.1:1")
    assert "neo4j push" in (refused.value.hint or "")


def test_the_cli_refuses_clearly_without_a_home(families_store: SQLiteStore) -> None:
    families_store.close()
    env = {k: v for k, v in os.environ.items() if k != "NEO4J_DATA_DIR"}
    result = CliRunner().invoke(app, ["neo4j", "import", "--db", str(families_store.path)], env=env)
    assert result.exit_code == 1
    assert "--neo4j-home" in result.output and "Traceback" not in result.output


def test_the_cli_refuses_clearly_a_home_in_use(families_store: SQLiteStore, tmp_path: Path) -> None:
    """A home whose store lock is held (as a running Neo4j holds it) is refused before any file is written."""
    import fcntl

    lock = tmp_path / "home" / "data" / "databases" / "store_lock"
    lock.parent.mkdir(parents=True)
    lock.touch()
    families_store.close()
    held = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import fcntl,time; f=open({str(lock)!r},'r+b'); fcntl.lockf(f, fcntl.LOCK_EX); print('x', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert held.stdout is not None and held.stdout.readline()
        result = CliRunner().invoke(
            app, ["neo4j", "import", "--db", str(families_store.path), "--neo4j-home", str(tmp_path / "home")]
        )
    finally:
        held.kill()
        held.wait()
    assert result.exit_code == 1
    assert "in use" in result.output and "scripts/neo4j stop" in result.output and "Traceback" not in result.output
    assert fcntl  # the lock is an fcntl lock, as Java's FileChannel.tryLock takes on Linux
