"""Fixtures for the Neo4j store tests: a real Neo4j (started with scripts/neo4j if needed), a fresh store on it,
and a TCP proxy between driver and server that a test can cut.

The tests wipe the database at ``GRAPHSC_TEST_NEO4J_URI`` (default bolt://127.0.0.1:7687), and refuse to if it
holds nodes that are not graphsc's. Without a reachable Neo4j the tests are skipped, unless
``GRAPHSC_REQUIRE_NEO4J=1`` (as in CI), which makes them fail.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from neo4j import GraphDatabase

from graphsc.store.base import GraphStore
from graphsc.store.neo4j import Neo4jStore
from graphsc.store.neo4j_cypher import ALIAS_LABEL, EVAL_LABEL, NODE_LABELS, NOTE_LABEL, STATE_LABEL
from graphsc.store.sqlite import SQLiteStore

REPO = Path(__file__).resolve().parents[2]
OUR_LABELS = [*NODE_LABELS, STATE_LABEL, ALIAS_LABEL, NOTE_LABEL, EVAL_LABEL]


def _reachable(uri: str) -> bool:
    try:
        with GraphDatabase.driver(uri, auth=None, connection_timeout=3, connection_acquisition_timeout=5) as driver:
            driver.verify_connectivity()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not usable": the caller decides whether to start, skip or fail
        return False


def _start_local(uri: str) -> bool:
    """Start Neo4j with scripts/neo4j if ``uri`` is local; True if this call started it."""
    parts = urlsplit(uri)
    if parts.hostname not in ("127.0.0.1", "localhost") or not (REPO / "scripts" / "neo4j").exists():
        return False
    env = {**os.environ, "NEO4J_PORT": str(parts.port or 7687), "PYTHON": sys.executable}
    done = subprocess.run([str(REPO / "scripts" / "neo4j"), "start"], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
    return done.returncode == 0 and "already" not in done.stdout


@pytest.fixture(scope="session")
def neo4j_uri() -> Iterator[str]:
    """The Bolt URI of a running Neo4j for tests (started here, and stopped after the session, if needed)."""
    uri = os.environ.get("GRAPHSC_TEST_NEO4J_URI", "bolt://127.0.0.1:7687")
    started = False
    if not _reachable(uri):
        started = _start_local(uri)
    if not _reachable(uri):
        message = f"Neo4j is not reachable at {uri} (run scripts/neo4j start)"
        if os.environ.get("GRAPHSC_REQUIRE_NEO4J") == "1":
            pytest.fail(message + "; GRAPHSC_REQUIRE_NEO4J=1 requires it", pytrace=False)
        pytest.skip(message)
    yield uri
    if started:
        env = {**os.environ, "NEO4J_PORT": str(urlsplit(uri).port or 7687)}
        subprocess.run([str(REPO / "scripts" / "neo4j"), "stop"], env=env, capture_output=True)


def wipe(uri: str) -> None:
    """Delete every node, after checking they are all graphsc's."""
    with GraphDatabase.driver(uri, auth=None) as driver:
        foreign = driver.execute_query(
            "MATCH (n) WHERE none(l IN labels(n) WHERE l IN $ours) RETURN count(n) AS n",
            ours=OUR_LABELS,
        ).records[0]["n"]
        if foreign:
            pytest.fail(
                f"{uri} holds {foreign} nodes that are not graphsc's; point GRAPHSC_TEST_NEO4J_URI at a test server",
                pytrace=False,
            )
        with driver.session() as session:
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


BACKENDS = ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)]


@pytest.fixture(params=BACKENDS)
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """A fresh, empty store of each backend: the embedded SQLite store and a real (emptied) Neo4j."""
    if request.param == "neo4j":
        yield request.getfixturevalue("neo4j_store")
        return
    embedded = SQLiteStore(tmp_path / "graph.db")
    yield embedded
    embedded.close()


@pytest.fixture
def neo4j_store(neo4j_uri: str) -> Iterator[Neo4jStore]:
    """A Neo4jStore on an emptied database."""
    wipe(neo4j_uri)
    store = Neo4jStore(uri=neo4j_uri)
    yield store
    store.close()


class TcpProxy:
    """A TCP relay to ``upstream`` on a free local port. ``cut()`` drops every connection and refuses new ones
    (accept-and-close) until ``restore()``; ``cut_after`` cuts automatically once that many bytes went upstream."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.uri = f"bolt://127.0.0.1:{self.port}"
        self.sent_upstream = 0
        self.cut_after: int | None = None
        self._refusing = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self._refusing:
                client.close()
                continue
            server = socket.create_connection(self.upstream)
            with self._lock:
                self._sockets += [client, server]
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, upstream: bool) -> None:
        try:
            while data := src.recv(65536):
                if upstream:
                    with self._lock:
                        self.sent_upstream += len(data)
                        over = self.cut_after is not None and self.sent_upstream > self.cut_after
                    if over:
                        self.cut()
                        return
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        """Drop every open connection and refuse new ones."""
        self._refusing = True
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def restore(self) -> None:
        """Relay new connections again."""
        self.cut_after = None
        self._refusing = False

    def close(self) -> None:
        self.cut()
        self._listener.close()


@pytest.fixture
def tcp_proxy(neo4j_uri: str) -> Iterator[Callable[[], TcpProxy]]:
    """A factory of proxies to the test Neo4j, all closed after the test."""
    proxies: list[TcpProxy] = []
    parts = urlsplit(neo4j_uri)

    def make() -> TcpProxy:
        proxies.append(TcpProxy((parts.hostname or "127.0.0.1", parts.port or 7687)))
        return proxies[-1]

    yield make
    for proxy in proxies:
        proxy.close()


@pytest.fixture
def neo4j_families(neo4j_store: Neo4jStore, family_files: list[Path]) -> Neo4jStore:
    """The Neo4j twin of ``families_store``: the bundled real families ingested into an emptied Neo4j."""
    from graphsc.ingest import ingest_snapshot

    ingest_snapshot(neo4j_store, [str(p) for p in family_files])
    return neo4j_store
