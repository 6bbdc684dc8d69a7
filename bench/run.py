"""The scale benchmark: every graphsc command a user runs, whole process, on a synthetic Hub of N models.

    python bench/run.py --models 2000000 [--seed 1] [--out bench/out] [--neo4j-uri URI | --no-neo4j]
                        [--neo4j-wipe] [--neo4j-home DIR] [--lineage-samples 30]

In one run it

1. generates the data with ``bench/generate.py`` (models JSONL + PeaTMOSS-format usage CSV and repository
   licenses) into ``OUT/data-N-S/``, or reuses it when it is already there for that N and seed;
2. times ``graphsc ingest snapshot`` into a fresh embedded store (records/s, store size on disk) and
   ``graphsc ingest peatmoss`` with the generated usages;
3. times ``graphsc lineage`` per call, tree and json output, over a sample of the largest family roots, the
   deepest leaves and random models (median, 95th percentile, worst);
4. times each analytics command (``stats``, ``rank --by`` each metric, ``families``, ``impact`` on the largest
   root, ``analyze``) and the whole-graph ``graphsc licenses --format json``;
5. when a Neo4j is reachable: the initial load's throughput (nodes+edges/s; ``graphsc neo4j import`` when the
   command exists and ``--neo4j-home`` names the server's data directory (a server run by scripts/neo4j, stopped
   and started around the offline import), else ``graphsc neo4j push``), an incremental ``graphsc neo4j push --since-last`` after
   re-ingesting 1% of the models, and Cypher lineage latency;
6. runs the peer (``bench/peer.py``: orjson + igraph and rustworkx, what a speed-minded user would write instead
   of graphsc) on the same data, root and sample;
7. runs the naive baseline (``bench/baseline.py``: the dump in a plain NetworkX DiGraph) on the same sample;

then prints a table against the targets of issue 14, with the ratio graphsc / peer beside the absolute numbers
where the target is relative to the peer, and writes every measurement to ``OUT/N-S.json``.

Every graphsc command runs as a user runs it: a fresh ``python -m graphsc ...`` process, timed from spawn to
exit. Its peak RSS and CPU time come from ``os.wait4`` on that child (the kernel's accounting for exactly that
process), so they are correct per command. The machine's load average is recorded with every command, since
wall times on a shared machine are noisy; CPU time is the steadier number.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/run.py` puts bench/ first, not the repository
    sys.path.insert(0, str(ROOT))

SCHEMA = "graphsc.bench/2"
GIB = 1024**3
MIB = 1024**2
RANK_METRICS = ("reach", "pagerank", "betweenness", "downloads", "exposure")
ANALYTICS = ("stats", *(f"rank_{m}" for m in RANK_METRICS), "families", "impact", "analyze")
LARGEST_ROOTS = 3
DEEP_LEAVES = 3


@dataclass(frozen=True, slots=True)
class Target:
    """A target from issue 14: ``value op limit`` must hold (``op`` is ``<=`` or ``>=``). With the unit
    ``PEER`` the value is the ratio graphsc / peer."""

    op: str
    limit: float
    unit: str

    def met(self, value: float | None) -> bool | None:
        """Whether ``value`` meets the target; ``None`` when there is no value."""
        if value is None:
            return None
        return value <= self.limit if self.op == "<=" else value >= self.limit

    def text(self) -> str:
        """The target as the table shows it."""
        if self.unit == PEER:
            limit = f"{self.limit:g}× peer"
        elif self.unit == "bytes":
            limit = f"{self.limit / GIB:g} GiB"
        else:
            limit = f"{self.limit:,g} {self.unit}"
        return f"{'≤' if self.op == '<=' else '≥'} {limit}"


PEER = "× peer"  # the unit of a target on the ratio graphsc / peer

TARGETS: dict[str, Target] = {
    "ingest": Target("<=", 3, PEER),
    "lineage_median": Target("<=", 0.3, "s"),
    "lineage_p95": Target("<=", 1.0, "s"),
    "lineage_largest_tree": Target("<=", 1.0, "s"),
    "vs_peer": Target("<=", 3, PEER),
    "analyze": Target("<=", 15, "s"),
    "licenses": Target("<=", 15, "s"),
    "peak_rss": Target("<=", 2 * GIB, "bytes"),
    "neo4j_load": Target(">=", 100_000, "nodes+edges/s"),
    "neo4j_incremental": Target(">=", 20_000, "nodes+edges/s"),
}
# graphsc commands compared with the peer: command (an ``analytics`` key, or ``ingest``) → the peer's task
# (``bench/peer.py``'s ``tasks``: ``load`` = parse + build, the others build + the algorithm, parse left out).
PEER_TASKS: dict[str, str] = {
    "ingest": "load",
    "rank_pagerank": "pagerank",
    "families": "components",
    "impact": "descendants",
    "stats": "components",
}
UNTARGETED = tuple(name for name in ANALYTICS if name not in {*PEER_TASKS, "analyze"})  # timed, no target
INCREMENT_SHARE = 0.01  # the incremental Neo4j push sends the changes of re-ingesting this share of the models


# --------------------------------------------------------------------------------------------------
# Running a command as a child process
# --------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Run:
    """One child process: what ran, how long (wall, CPU), its peak RSS, exit code and output size."""

    argv: list[str]
    wall_seconds: float
    cpu_seconds: float
    peak_rss_bytes: int
    exit_code: int
    stdout_bytes: int
    load_1m: float
    stderr_tail: str = ""


def child_env() -> dict[str, str]:
    """The environment of the child processes: this repository importable, bytecode cached as after a pip
    install (``PYTHONDONTWRITEBYTECODE`` would make every process recompile graphsc), the embedded store."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "GRAPHSC_STORE", "GRAPHSC_DB")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    env.setdefault("COLUMNS", "100")
    return env


def run_process(argv: Sequence[str], stdout_path: Path, env: dict[str, str] | None = None, check: bool = True) -> Run:
    """Run ``argv`` with stdout to ``stdout_path``; wall time from spawn to exit, CPU and peak RSS of the child.

    ``os.wait4`` returns the rusage of exactly this child (``ru_maxrss`` in KiB on Linux), unlike
    ``RUSAGE_CHILDREN``, whose maximum covers every child waited for so far.
    """
    load = os.getloadavg()[0]
    with open(stdout_path, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=out, stderr=subprocess.PIPE, env=env or child_env(), cwd=ROOT)
        assert proc.stderr is not None
        stderr = proc.stderr.read()  # drain before waiting, so a chatty child cannot block on a full pipe
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    proc.stderr.close()
    run = Run(
        list(argv),
        wall,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss * 1024,
        proc.returncode,
        stdout_path.stat().st_size,
        load,
        stderr.decode(errors="replace")[-2000:],
    )
    if check and run.exit_code != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {run.exit_code}:\n{run.stderr_tail}")
    return run


def graphsc(args: Sequence[str], stdout: Path, check: bool = True, env: dict[str, str] | None = None) -> Run:
    """Run the ``graphsc`` command line as a user does, in a fresh process (``python -m graphsc ARGS``)."""
    return run_process([sys.executable, "-m", "graphsc", *args], stdout, env, check)


def summary(seconds: Sequence[float]) -> dict[str, float | int | None]:
    """Count, median, 95th percentile (nearest rank) and maximum of ``seconds``."""
    if not seconds:
        return {"count": 0, "median": None, "p95": None, "max": None}
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, max(0, -(-95 * len(ordered) // 100) - 1))]
    return {"count": len(ordered), "median": statistics.median(ordered), "p95": p95, "max": ordered[-1]}


# --------------------------------------------------------------------------------------------------
# Data and the lineage sample
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DataFiles:
    """The generated inputs for one (models, seed)."""

    directory: Path
    models: Path
    mapping: Path
    repo_licenses: Path

    @classmethod
    def at(cls, out: Path, models: int, seed: int) -> DataFiles:
        directory = out / f"data-{models}-{seed}"
        return cls(
            directory, directory / "models.jsonl", directory / "gh_to_hf_mapping.csv", directory / "gh_licenses.json"
        )

    @property
    def marker(self) -> Path:
        """Written last by ``ensure_data``: its presence means the files are complete."""
        return self.directory / "complete.json"


def ensure_data(files: DataFiles, models: int, seed: int) -> dict[str, Any]:
    """Generate the inputs unless a complete set for this (models, seed) is already there."""
    if files.marker.exists():
        info = json.loads(files.marker.read_text())
        if info.get("models") == models and info.get("seed") == seed:
            return {**info, "reused": True}
    files.directory.mkdir(parents=True, exist_ok=True)
    run = run_process(
        [
            sys.executable,
            str(ROOT / "bench" / "generate.py"),
            "--models",
            str(models),
            "--seed",
            str(seed),
            "--out",
            str(files.models),
            "--repos-out",
            str(files.mapping),
            "--repo-licenses-out",
            str(files.repo_licenses),
            "--workers",
            "1",
        ],
        files.directory / "generate.log",
    )
    with open(files.mapping, "rb") as fh:
        usage_rows = sum(1 for _ in fh)
    info = {
        "models": models,
        "seed": seed,
        "generate": asdict(run),
        "usage_rows": usage_rows,
        "models_bytes": files.models.stat().st_size,
        "mapping_bytes": files.mapping.stat().st_size,
    }
    files.marker.write_text(json.dumps(info, indent=1))
    return {**info, "reused": False}


@dataclass(frozen=True, slots=True)
class Sample:
    """The models ``graphsc lineage`` is timed on."""

    largest_roots: list[str]
    deep_leaves: list[str]
    random: list[str]
    deep_leaf_generation: int

    @property
    def ids(self) -> list[str]:
        return [*self.largest_roots, *self.deep_leaves, *self.random]


def pick_sample(models: int, seed: int, size: int) -> Sample:
    """The roots of the largest families, the deepest models (leaves at the max generation) and random models.

    Read from the generator's structure (rebuilt from (models, seed) in about a second), so the sample is the
    same in every run and needs no store. Random models are drawn from every model in the dump.
    """
    import numpy as np

    from bench.generate import build_structure, model_ids, primary_depth

    s = build_structure(models, seed)
    family_sizes = np.bincount(s.family[s.family >= 0])
    roots = s.family_root[np.argsort(-family_sizes, kind="stable")[:LARGEST_ROOTS]]
    depth = primary_depth(s)
    deep = np.argsort(-depth, kind="stable")[:DEEP_LEAVES]  # the deepest (at the max, leaves)
    taken = {int(i) for i in (*roots, *deep)}
    rng = np.random.default_rng([seed, 3])
    extra = [int(i) for i in rng.permutation(models)[: size + len(taken)] if int(i) not in taken]
    extra = extra[: max(0, size - len(taken))]
    return Sample(
        model_ids(s, roots), model_ids(s, deep), model_ids(s, np.array(extra, dtype=np.int64)), int(depth.max())
    )


# --------------------------------------------------------------------------------------------------
# The measurements
# --------------------------------------------------------------------------------------------------


def store_bytes(db: Path) -> int:
    """The embedded store's size on disk: the database file plus its WAL and shared-memory files."""
    return sum(p.stat().st_size for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists())


def reported_rate(stderr: str) -> float | None:
    """The ``(N records/s)`` / ``(N/s)`` rate a graphsc command printed, if any."""
    found = re.findall(r"\(([\d,]+(?:\.\d+)?) ?(?:records)?/s\)", stderr.replace("\n", " "))
    return float(found[-1].replace(",", "")) if found else None


def bench_ingest(files: DataFiles, db: Path, scratch: Path, records: int, usage_rows: int) -> dict[str, Any]:
    """``graphsc ingest snapshot`` into a fresh store, then ``graphsc ingest peatmoss`` with the usages."""
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        path.unlink(missing_ok=True)
    snapshot = graphsc(["ingest", "snapshot", str(files.models), "--db", str(db)], scratch / "ingest-snapshot.out")
    size = store_bytes(db)
    peatmoss = graphsc(
        [
            "ingest",
            "peatmoss",
            "--mapping",
            str(files.mapping),
            "--licenses",
            str(files.repo_licenses),
            "--db",
            str(db),
        ],
        scratch / "ingest-peatmoss.out",
    )
    return {
        "snapshot": {
            **asdict(snapshot),
            "records": records,
            "records_per_second": records / snapshot.wall_seconds,
            "reported_records_per_second": reported_rate(snapshot.stderr_tail),
            "store_bytes": size,
        },
        "peatmoss": {**asdict(peatmoss), "rows": usage_rows, "rows_per_second": usage_rows / peatmoss.wall_seconds},
        "store_bytes": store_bytes(db),
    }


def bench_lineage(sample: Sample, db: Path, scratch: Path) -> dict[str, Any]:
    """``graphsc lineage`` on every sampled model, tree and json; per-call times and their summaries."""
    stdout = scratch / "lineage.out"
    graphsc(["lineage", sample.ids[-1], "--db", str(db)], stdout)  # warm the OS cache and bytecode once
    kinds = dict.fromkeys(sample.largest_roots, "largest_root") | dict.fromkeys(sample.deep_leaves, "deep_leaf")
    calls: list[dict[str, Any]] = []
    for fmt in ("tree", "json"):
        for model in sample.ids:
            run = graphsc(["lineage", model, "--format", fmt, "--db", str(db)], stdout)
            calls.append({"model": model, "kind": kinds.get(model, "random"), "format": fmt, **asdict(run)})
    by = {fmt: summary([c["wall_seconds"] for c in calls if c["format"] == fmt]) for fmt in ("tree", "json")}
    worst = max(calls, key=lambda c: c["wall_seconds"])
    return {
        "calls": calls,
        **by,
        "all": summary([c["wall_seconds"] for c in calls]),
        "cpu": summary([c["cpu_seconds"] for c in calls]),
        "peak_rss_bytes": max(c["peak_rss_bytes"] for c in calls),
        "worst": {"model": worst["model"], "format": worst["format"], "wall_seconds": worst["wall_seconds"]},
    }


def analytics_commands(largest_root: str) -> dict[str, list[str]]:
    """The analytics commands timed, by name (``rank_<metric>`` for each ``rank --by``), each with ``--format
    json`` so that ``analyze`` reports its steps."""
    commands = {"stats": ["stats"]}
    commands |= {f"rank_{m}": ["rank", "--by", m] for m in RANK_METRICS}
    commands |= {"families": ["families"], "impact": ["impact", largest_root], "analyze": ["analyze"]}
    assert tuple(commands) == ANALYTICS
    return commands


def bench_analytics(largest_root: str, db: Path, scratch: Path) -> dict[str, Any]:
    """Each analytics command once, whole process, on the embedded store; ``analyze`` also with the time and
    peak RSS of each of its steps (graph build, each metric), as it reports them."""
    result: dict[str, Any] = {}
    for name, args in analytics_commands(largest_root).items():
        stdout = scratch / f"{name}.json"
        result[name] = asdict(graphsc([*args, "--format", "json", "--db", str(db)], stdout))
    result["analyze"]["steps"] = json.loads((scratch / "analyze.json").read_text())["timings"]
    return result


def bench_licenses(db: Path, scratch: Path) -> dict[str, Any]:
    """``graphsc licenses --format json`` over the whole graph, with the engine's own time and the conflicts."""
    stdout = scratch / "licenses.json"
    run = graphsc(["licenses", "--format", "json", "--db", str(db)], stdout)
    report = json.loads(stdout.read_text())["summary"]
    return {**asdict(run), "engine_seconds": report["seconds"], "conflicts": report["conflicts"]}


# --------------------------------------------------------------------------------------------------
# Neo4j
# --------------------------------------------------------------------------------------------------


def neo4j_state(uri: str) -> tuple[bool, int]:
    """(reachable, number of nodes) of the Neo4j at ``uri``."""
    from neo4j import GraphDatabase

    try:
        with GraphDatabase.driver(uri, auth=None, connection_timeout=3, connection_acquisition_timeout=5) as driver:
            driver.verify_connectivity()
            return True, int(driver.execute_query("MATCH (n) RETURN count(n) AS n").records[0]["n"])
    except Exception:  # noqa: BLE001 - unreachable in any way: the benchmark skips Neo4j and says why
        return False, 0


def neo4j_wipe(uri: str) -> None:
    """Delete everything in the database at ``uri``."""
    from neo4j import GraphDatabase

    with GraphDatabase.driver(uri, auth=None) as driver, driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def neo4j_import_available() -> bool:
    """Whether this graphsc has ``graphsc neo4j import`` (then the initial load is measured with it)."""
    done = subprocess.run(
        [sys.executable, "-m", "graphsc", "neo4j", "import", "--help"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=child_env(),
        cwd=ROOT,
        check=False,
    )
    return done.returncode == 0


def written_items(stdout: str) -> int | None:
    """The ``N nodes+edges`` a ``graphsc neo4j push`` (or ``import``) printed, if it did."""
    found = re.findall(r"([\d,]+) nodes\+edges", stdout)
    return int(found[-1].replace(",", "")) if found else None


def scripts_neo4j(command: str, uri: str, home: Path) -> float:
    """``scripts/neo4j COMMAND`` for the server at ``uri`` run on the data directory ``home``; its wall seconds."""
    port = urlsplit(uri).port or 7687
    env = {**child_env(), "NEO4J_PORT": str(port), "NEO4J_DATA_DIR": str(home), "PYTHON": sys.executable}
    started = time.perf_counter()
    subprocess.run([str(ROOT / "scripts" / "neo4j"), command], env=env, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def bench_neo4j(
    uri: str,
    wipe: bool,
    db: Path,
    files: DataFiles,
    models: int,
    sample: Sample,
    scratch: Path,
    home: Path | None = None,
) -> dict[str, Any]:
    """Load the embedded store into an empty Neo4j (throughput), time Cypher lineage, then an incremental
    ``neo4j push --since-last``; only if a usable Neo4j is there.

    The initial load is ``graphsc neo4j import`` when this graphsc has it and ``home`` (the server's data
    directory; a server run by scripts/neo4j) is known: the server is stopped, the import timed (whole process),
    the server started again (timed apart: ``restart_seconds``). Otherwise, or if the import fails, ``push``."""
    reachable, nodes = neo4j_state(uri)
    if not reachable:
        return {"status": "skipped", "uri": uri, "reason": f"no Neo4j answers at {uri}"}
    if nodes and not wipe:
        return {
            "status": "skipped",
            "uri": uri,
            "reason": f"{uri} holds {nodes:,} nodes; pass --neo4j-wipe to empty it (or use a scratch Neo4j)",
        }
    if nodes:
        neo4j_wipe(uri)
    from graphsc.store.sqlite import SQLiteStore

    source = SQLiteStore(db)
    counts = source.counts()
    source.close()
    items = sum(counts.nodes.values()) + sum(counts.edges.values())
    env = {**child_env(), "NEO4J_URI": uri}
    load_stdout = scratch / "neo4j-load.out"
    command, import_error, restart_seconds = "push", None, None
    if neo4j_import_available() and home is None:
        import_error = "no --neo4j-home: the offline import needs the data directory of the server (scripts/neo4j)"
    elif neo4j_import_available() and home is not None:
        scripts_neo4j("stop", uri, home)
        try:
            load = graphsc(
                ["neo4j", "import", "--db", str(db), "--neo4j-home", str(home)], load_stdout, check=False, env=env
            )
        finally:
            restart_seconds = scripts_neo4j("start", uri, home)
        if load.exit_code == 0:
            command = "import"
        else:  # an import that needs what this run cannot give it: say so, and measure push as before
            import_error = load.stderr_tail
            neo4j_wipe(uri)
    if command == "push":
        load = graphsc(["neo4j", "push", "--db", str(db)], load_stdout, env=env)
    return {
        "status": "measured",
        "uri": uri,
        "load_command": command,
        "import_error": import_error,
        "load": asdict(load),
        "items": items,
        "items_per_second": items / load.wall_seconds,
        "reported_per_second": reported_rate(load_stdout.read_text()),
        "restart_seconds": restart_seconds,
        "cypher_lineage": cypher_lineage(uri, sample),
        "cli_lineage": bench_lineage_neo4j(sample, scratch, env),
        "incremental": bench_neo4j_incremental(files, models, db, scratch, env),
    }


def bench_neo4j_incremental(
    files: DataFiles, models: int, db: Path, scratch: Path, env: dict[str, str]
) -> dict[str, Any]:
    """``graphsc neo4j push --since-last`` after the initial load: ``graphsc ingest snapshot`` of the first
    ``INCREMENT_SHARE`` of the dump's records (each with one more download, as a re-fetch would bring) into the
    embedded store, then the push of what changed. Rate: the nodes+edges the push says it wrote / its whole
    process wall time (the push still reads every row of the store to find the changed ones)."""
    import orjson

    changes = scratch / "changes.jsonl"
    records = max(1, round(models * INCREMENT_SHARE))
    with open(files.models, "rb") as src, open(changes, "wb") as dst:
        for _, line in zip(range(records), src):
            record = orjson.loads(line)
            record["downloads"] = int(record.get("downloads") or 0) + 1
            dst.write(orjson.dumps(record) + b"\n")
    ingest = graphsc(["ingest", "snapshot", str(changes), "--db", str(db)], scratch / "ingest-changes.out")
    stdout = scratch / "neo4j-push-since-last.out"
    push = graphsc(["neo4j", "push", "--since-last", "--db", str(db)], stdout, check=False, env=env)
    text = stdout.read_text()
    items = written_items(text)
    failed = push.exit_code != 0 or items is None
    return {
        "status": "failed" if failed else "measured",
        "reason": f"neo4j push --since-last: exit {push.exit_code}, {push.stderr_tail[-300:]!r}" if failed else None,
        "records": records,
        "ingest": asdict(ingest),
        "push": asdict(push),
        "items": items,
        "items_per_second": items / push.wall_seconds if items is not None else None,
        "reported_per_second": reported_rate(text),
    }


def cypher_lineage(uri: str, sample: Sample) -> dict[str, Any]:
    """Latency of the Neo4j store's lineage query (``lineage_edges`` up and down) per sampled model."""
    from graphsc.store.neo4j import Neo4jStore

    store = Neo4jStore(uri=uri)
    try:
        store.lineage_edges(sample.ids[0], "up")  # warm-up: connection pool, query plan
        calls: list[dict[str, Any]] = []
        for model in sample.ids:
            started = time.perf_counter()
            up = store.lineage_edges(model, "up")
            down = store.lineage_edges(model, "down")
            calls.append({"model": model, "seconds": time.perf_counter() - started, "edges": len(up) + len(down)})
    finally:
        store.close()
    return {"calls": calls, **summary([c["seconds"] for c in calls])}


def bench_lineage_neo4j(sample: Sample, scratch: Path, env: dict[str, str]) -> dict[str, Any]:
    """``graphsc lineage --store neo4j --format json`` per sampled model, whole process."""
    stdout = scratch / "lineage-neo4j.out"
    runs = [graphsc(["lineage", m, "--format", "json", "--store", "neo4j"], stdout, env=env) for m in sample.ids]
    return {**summary([r.wall_seconds for r in runs]), "peak_rss_bytes": max(r.peak_rss_bytes for r in runs)}


# --------------------------------------------------------------------------------------------------
# Peer, baseline, ratios, targets
# --------------------------------------------------------------------------------------------------


def write_sample(sample: Sample, scratch: Path) -> Path:
    """The sample's ids as the JSON list ``bench/peer.py`` and ``bench/baseline.py`` read."""
    path = scratch / "sample.json"
    path.write_text(json.dumps(sample.ids))
    return path


def bench_peer(files: DataFiles, sample: Sample, scratch: Path) -> dict[str, Any]:
    """Run ``bench/peer.py`` (orjson + igraph and rustworkx) as a child process on the same data, the largest
    root and the same sample; its peak RSS comes from ``os.wait4`` like graphsc's."""
    run = run_process(
        [
            sys.executable,
            "-m",
            "bench.peer",
            str(files.models),
            str(write_sample(sample, scratch)),
            sample.largest_roots[0],
        ],
        scratch / "peer.json",
    )
    return {**json.loads((scratch / "peer.json").read_text()), "process": asdict(run)}


def bench_baseline(files: DataFiles, sample: Sample, scratch: Path) -> dict[str, Any]:
    """Run ``bench/baseline.py`` (plain NetworkX) as a child process on the same sample."""
    run = run_process(
        [sys.executable, "-m", "bench.baseline", str(files.models), str(write_sample(sample, scratch))],
        scratch / "baseline.json",
    )
    return {**json.loads((scratch / "baseline.json").read_text()), "process": asdict(run)}


def ratios(result: dict[str, Any]) -> dict[str, float]:
    """graphsc / baseline (below 1: graphsc is faster or smaller).

    - ``load``: ``ingest snapshot`` (whole process) / building the DiGraph;
    - ``lineage_cold``: a ``graphsc lineage`` call (median) / the baseline answering one question from the dump
      (build + median query), which is what a naive script pays per question;
    - ``lineage_warm``: the same call / the baseline's in-memory query alone (graph already built);
    - ``pagerank``: ``rank --by pagerank`` (whole process) / build + ``nx.pagerank``;
    - ``peak_rss``: the largest graphsc peak RSS / the baseline process's.
    """
    base = result["baseline"]
    lineage = result["lineage"]["all"]["median"]
    return {
        "load": result["ingest"]["snapshot"]["wall_seconds"] / base["build_seconds"],
        "lineage_cold": lineage / (base["build_seconds"] + base["lineage_query_median"]),
        "lineage_warm": lineage / base["lineage_query_median"],
        "pagerank": result["analytics"]["rank_pagerank"]["wall_seconds"]
        / (base["build_seconds"] + base["pagerank_seconds"]),
        "peak_rss": result["peak_rss_bytes"] / base["process"]["peak_rss_bytes"],
    }


def peer_command_seconds(result: dict[str, Any], command: str) -> float:
    """The whole-process wall time of a graphsc command compared with the peer (a ``PEER_TASKS`` key)."""
    if command == "ingest":
        return float(result["ingest"]["snapshot"]["wall_seconds"])
    return float(result["analytics"][command]["wall_seconds"])


def peer_ratios(result: dict[str, Any]) -> dict[str, float]:
    """graphsc / peer (below 1: graphsc is faster or smaller), the peer being the faster of igraph and rustworkx
    for each task:

    - one per ``PEER_TASKS`` command: ``ingest`` / parse + build, ``rank_pagerank`` / build + PageRank,
      ``families`` and ``stats`` / build + weak components, ``impact`` / build + descendants of the largest root;
    - ``lineage_warm``: a ``graphsc lineage`` call (median, whole process) / the peer's in-memory query (median);
    - ``peak_rss``: the largest graphsc peak RSS / the peer process's.
    """
    tasks = result["peer"]["tasks"]
    out = {
        command: peer_command_seconds(result, command) / tasks[task]["seconds"] for command, task in PEER_TASKS.items()
    }
    out["lineage_warm"] = result["lineage"]["all"]["median"] / tasks["lineage_median"]["seconds"]
    out["peak_rss"] = result["peak_rss_bytes"] / result["peer"]["process"]["peak_rss_bytes"]
    return out


def graphsc_runs(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Every graphsc process the run measured (for the largest peak RSS)."""
    runs = [
        result["ingest"]["snapshot"],
        result["ingest"]["peatmoss"],
        *result["lineage"]["calls"],
        *result["analytics"].values(),
        result["licenses"],
    ]
    neo = result["neo4j"]
    if neo["status"] == "measured":
        runs.append(neo["load"])
        runs += [neo["incremental"]["ingest"], neo["incremental"]["push"]]  # a failed push's RSS counts too
    return runs


def target_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per target of issue 14: what was measured (``value`` in ``unit``), the peer's time and the ratio
    graphsc / peer where the target is relative to the peer, the target and whether it passed (``None``: not
    measured, ``note`` says why)."""
    rows: list[dict[str, Any]] = []
    tasks = result["peer"]["tasks"]

    def add(
        name: str,
        target: str,
        value: float | None,
        unit: str,
        run: dict[str, Any] | None = None,
        peer_task: str | None = None,
        note: str | None = None,
    ) -> None:
        t = TARGETS[target]
        peer = tasks[peer_task] if peer_task else None
        ratio = value / peer["seconds"] if peer and value is not None else None
        rows.append(
            {
                "measure": name,
                "value": value,
                "unit": unit,
                "peer_task": peer_task,
                "peer_seconds": peer["seconds"] if peer else None,
                "peer_library": peer["library"] if peer else None,
                "ratio": ratio,
                "target": t.text(),
                "passed": t.met(ratio if t.unit == PEER else value),
                "cpu_seconds": run["cpu_seconds"] if run else None,
                "peak_rss_bytes": run["peak_rss_bytes"] if run else None,
                "note": note,
            }
        )

    snap = result["ingest"]["snapshot"]
    rate = f"{snap['records_per_second']:,.0f} records/s"
    add("ingest snapshot (whole process)", "ingest", snap["wall_seconds"], "s", snap, "load", rate)
    lineage = result["lineage"]
    for fmt in ("tree", "json", "all"):
        add(f"lineage {fmt}: median", "lineage_median", lineage[fmt]["median"], "s")
        add(f"lineage {fmt}: p95", "lineage_p95", lineage[fmt]["p95"], "s")
    root = result["sample"]["largest_roots"][0]
    tree = next(c for c in lineage["calls"] if c["model"] == root and c["format"] == "tree")
    add("lineage tree of the largest root", "lineage_largest_tree", tree["wall_seconds"], "s", tree, note=root)
    analytics = result["analytics"]
    for command in ("rank_pagerank", "families", "impact", "stats"):
        name = command.replace("_", " --by ", 1) if command.startswith("rank_") else command
        run = analytics[command]
        add(name, "vs_peer", run["wall_seconds"], "s", run, PEER_TASKS[command])
    add("analyze", "analyze", analytics["analyze"]["wall_seconds"], "s", analytics["analyze"])
    add("licenses --format json", "licenses", result["licenses"]["wall_seconds"], "s", result["licenses"])
    add("peak RSS, any command", "peak_rss", result["peak_rss_bytes"], "bytes")
    neo = result["neo4j"]
    if neo["status"] == "measured":
        add(
            f"Neo4j initial load (graphsc neo4j {neo['load_command']})",
            "neo4j_load",
            neo["items_per_second"],
            "nodes+edges/s",
            neo["load"],
        )
        inc = neo["incremental"]
        if inc["status"] == "measured":
            note = f"{inc['items']:,} nodes+edges after re-ingesting {inc['records']:,} models"
            add(
                "Neo4j incremental (graphsc neo4j push --since-last)",
                "neo4j_incremental",
                inc["items_per_second"],
                "nodes+edges/s",
                inc["push"],
                note=note,
            )
        else:
            add(
                "Neo4j incremental: not measured",
                "neo4j_incremental",
                None,
                "nodes+edges/s",
                inc["push"],
                note=inc["reason"],
            )
    else:
        for target, name in (("neo4j_load", "initial load"), ("neo4j_incremental", "incremental push")):
            add(f"Neo4j {name}: not measured", target, None, "nodes+edges/s", note=neo["reason"])
    return rows


# --------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value * 1000:.2f} ms"
    if unit == "µs":
        return f"{value * 1e6:,.1f} µs"
    if unit == "s?":  # seconds, or milliseconds below 0.1 s (the peer's steps at small scales)
        return f"{value * 1000:.1f} ms" if value < 0.1 else f"{value:.2f} s"
    if unit == "bytes":
        return f"{value / MIB:,.0f} MiB"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:,.0f} {unit}".strip()


def print_peer(console: Any, result: dict[str, Any]) -> None:
    """The peer's own steps per library, and the tasks graphsc is compared with (the faster library marked)."""
    from rich.table import Table

    peer = result["peer"]
    table = Table(
        title=f"peer (bench/peer.py: orjson + igraph / rustworkx, one process): {peer['nodes']:,} nodes, "
        f"{peer['edges']:,} edges, parse {_fmt(peer['parse_seconds'], 's?')}, peak RSS "
        f"{_fmt(peer['process']['peak_rss_bytes'], 'bytes')}, whole process {peer['process']['wall_seconds']:.1f} s",
        title_justify="left",
    )
    table.add_column("step")
    for name in peer["libraries"]:
        table.add_column(f"{name} {peer['libraries'][name]['version']}", justify="right")
    steps = (
        ("import (in no task)", "import_seconds", "s?"),
        ("build", "build_seconds", "s?"),
        ("PageRank", "pagerank_seconds", "s?"),
        ("weak components", "wcc_seconds", "s?"),
        (f"descendants of {peer['root']}", "descendants_seconds", "s?"),
        ("lineage query (both directions): median", "lineage_query_median", "µs"),
        ("lineage query (both directions): p95", "lineage_query_p95", "µs"),
    )
    for label, key, unit in steps:
        table.add_row(label, *(_fmt(lib[key], unit) for lib in peer["libraries"].values()))
    table.add_row(
        "descendants found / weak components",
        *(f"{lib['descendants']:,} / {lib['components']:,}" for lib in peer["libraries"].values()),
    )
    for task, label in (
        ("load", "task: parse + build"),
        ("pagerank", "task: build + PageRank"),
        ("components", "task: build + weak components"),
        ("descendants", "task: build + descendants"),
    ):
        t = peer["tasks"][task]
        table.add_row(
            label, *(("*" if name == t["library"] else "") + _fmt(t[name], "s?") for name in peer["libraries"])
        )
    console.print(table)


def print_report(result: dict[str, Any]) -> None:
    """The targets table, the other measurements and the baseline comparison, with rich."""
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, width=None if sys.stdout.isatty() else 150)
    m = result["machine"]
    head = (
        f"graphsc benchmark: {result['models']:,} models, seed {result['seed']} — {m['cpus']} CPUs, "
        f"{m['memory_bytes'] / GIB:.0f} GiB, load {m['load_start'][0]:.1f} → {m['load_end'][0]:.1f}"
    )
    table = Table(title=head, title_justify="left")
    for col in ("measure", "value", "peer", "graphsc/peer", "target", "pass", "CPU s", "peak RSS"):
        table.add_column(col, justify="left" if col == "measure" else "right")
    for row in result["targets"]:
        ok = {True: "[green]pass[/]", False: "[red]FAIL[/]", None: "not measured"}[row["passed"]]
        value = _fmt(row["value"], row["unit"])
        if row["note"] and row["value"] is not None and row["unit"] == "s" and row["peer_task"] == "load":
            value += f" ({row['note']})"
        peer = f"{_fmt(row['peer_seconds'], 's?')} {row['peer_library']}" if row["peer_seconds"] is not None else ""
        table.add_row(
            row["measure"],
            value,
            peer,
            f"{row['ratio']:.2f}×" if row["ratio"] is not None else "",
            row["target"],
            ok,
            _fmt(row["cpu_seconds"], "s"),
            _fmt(row["peak_rss_bytes"], "bytes"),
        )
    console.print(table)
    print_peer(console, result)

    info = Table(title="other measurements", title_justify="left")
    info.add_column("measure")
    info.add_column("value", justify="right")
    ing = result["ingest"]
    info.add_row("store size on disk (after both ingests)", _fmt(ing["store_bytes"], "bytes"))
    info.add_row(
        "ingest snapshot: wall / as the command reports it",
        f"{ing['snapshot']['wall_seconds']:.1f} s / {_fmt(ing['snapshot']['reported_records_per_second'], 'records/s')}",
    )
    info.add_row(
        "ingest peatmoss (usage rows)",
        f"{ing['peatmoss']['rows']:,} rows in {ing['peatmoss']['wall_seconds']:.1f} s "
        f"= {_fmt(ing['peatmoss']['rows_per_second'], 'rows/s')}",
    )
    lin = result["lineage"]
    info.add_row(
        "lineage: slowest call",
        f"{lin['worst']['wall_seconds']:.2f} s ({lin['worst']['format']}, {lin['worst']['model']})",
    )
    info.add_row("lineage: CPU per call, median / p95", f"{lin['cpu']['median']:.2f} s / {lin['cpu']['p95']:.2f} s")
    lic = result["licenses"]
    info.add_row(
        "licenses: the engine's own time (summary.seconds), conflicts",
        f"{lic['engine_seconds']:.1f} s, {lic['conflicts']:,} conflicts",
    )
    steps = result["analytics"]["analyze"]["steps"]
    info.add_row("analyze: steps (s)", ", ".join(f"{k} {v['seconds']:.1f}" for k, v in steps.items()))
    for name in UNTARGETED:
        run = result["analytics"][name]
        info.add_row(
            f"{name.replace('_', ' --by ', 1)} (no target): wall / CPU / peak RSS",
            f"{run['wall_seconds']:.2f} s / {run['cpu_seconds']:.2f} s / {_fmt(run['peak_rss_bytes'], 'bytes')}",
        )
    neo = result["neo4j"]
    if neo["status"] == "measured":
        cy = neo["cypher_lineage"]
        info.add_row(
            "Neo4j: Cypher lineage (up+down), median / p95 / max",
            f"{cy['median']:.3f} s / {cy['p95']:.3f} s / {cy['max']:.3f} s",
        )
        cli = neo["cli_lineage"]
        info.add_row(
            "Neo4j: graphsc lineage --store neo4j, median / p95", f"{cli['median']:.2f} s / {cli['p95']:.2f} s"
        )
        info.add_row(
            f"Neo4j: initial load (graphsc neo4j {neo['load_command']}), nodes+edges in wall (rate it prints)",
            f"{neo['items']:,} in {neo['load']['wall_seconds']:.1f} s ({_fmt(neo['reported_per_second'], '/s')})",
        )
        if neo.get("restart_seconds") is not None:
            info.add_row(
                "Neo4j: server restart after the offline import (not in the load rate)",
                f"{neo['restart_seconds']:.1f} s",
            )
        if neo["import_error"]:
            info.add_row("Neo4j: graphsc neo4j import failed, push measured instead", neo["import_error"][-200:])
        inc = neo["incremental"]
        if inc["status"] == "measured":
            info.add_row(
                "Neo4j: push --since-last, nodes+edges in wall (rate it prints)",
                f"{inc['items']:,} in {inc['push']['wall_seconds']:.1f} s ({_fmt(inc['reported_per_second'], '/s')})",
            )
    else:
        info.add_row("Neo4j", f"skipped: {neo['reason']}")
    console.print(info)

    base, r = result["baseline"], result["ratios"]
    cmp = Table(title="naive baseline (NetworkX DiGraph from the JSONL) and graphsc / baseline", title_justify="left")
    for col in ("what", "baseline", "graphsc", "ratio"):
        cmp.add_column(col, justify="left" if col == "what" else "right")
    cmp.add_row(
        "load everything",
        f"{base['build_seconds']:.1f} s (build)",
        f"{ing['snapshot']['wall_seconds']:.1f} s (ingest)",
        f"{r['load']:.2f}",
    )
    cmp.add_row(
        "one lineage question, cold",
        f"{base['build_seconds'] + base['lineage_query_median']:.2f} s",
        f"{lin['all']['median']:.2f} s",
        f"{r['lineage_cold']:.3f}",
    )
    cmp.add_row(
        "one lineage question, graph in memory",
        f"{base['lineage_query_median'] * 1000:.2f} ms",
        f"{lin['all']['median']:.2f} s",
        f"{r['lineage_warm']:,.0f}",
    )
    cmp.add_row(
        "PageRank, cold",
        f"{base['build_seconds'] + base['pagerank_seconds']:.1f} s",
        f"{result['analytics']['rank_pagerank']['wall_seconds']:.1f} s",
        f"{r['pagerank']:.2f}",
    )
    cmp.add_row(
        "peak RSS",
        _fmt(base["process"]["peak_rss_bytes"], "bytes"),
        _fmt(result["peak_rss_bytes"], "bytes"),
        f"{r['peak_rss']:.2f}",
    )
    console.print(cmp)


# --------------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """CPU count, memory, Python and platform, and the load average now."""
    import psutil  # type: ignore[import-untyped, unused-ignore]  # no stubs installed by the test extra

    return {
        "cpus": os.cpu_count(),
        "memory_bytes": psutil.virtual_memory().total,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "load_start": list(os.getloadavg()),
    }


def run_benchmark(
    models: int,
    seed: int,
    out: Path,
    neo4j_uri: str | None,
    neo4j_wipe_ok: bool,
    lineage_samples: int,
    log: Callable[[str], None] = print,
    neo4j_home: Path | None = None,
) -> dict[str, Any]:
    """Run every measurement at this scale; returns the result document (``SCHEMA``)."""
    files = DataFiles.at(out, models, seed)
    scratch = out / f"run-{models}-{seed}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    db = scratch / "graphsc.db"
    result: dict[str, Any] = {
        "schema": SCHEMA,
        "models": models,
        "seed": seed,
        "machine": machine(),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    log(f"data: {files.directory}")
    result["data"] = ensure_data(files, models, seed)
    sample = pick_sample(models, seed, lineage_samples)
    result["sample"] = asdict(sample)
    log("ingest")
    result["ingest"] = bench_ingest(files, db, scratch, models, result["data"]["usage_rows"])
    log(f"lineage: {len(sample.ids)} models × tree, json")
    result["lineage"] = bench_lineage(sample, db, scratch)
    log("analytics")
    result["analytics"] = bench_analytics(sample.largest_roots[0], db, scratch)
    log("licenses")
    result["licenses"] = bench_licenses(db, scratch)
    if neo4j_uri:
        log(f"neo4j: {neo4j_uri}")
        result["neo4j"] = bench_neo4j(neo4j_uri, neo4j_wipe_ok, db, files, models, sample, scratch, neo4j_home)
    else:
        result["neo4j"] = {"status": "skipped", "uri": None, "reason": "--no-neo4j"}
    log("peer: orjson + igraph, rustworkx")
    result["peer"] = bench_peer(files, sample, scratch)
    log("baseline")
    result["baseline"] = bench_baseline(files, sample, scratch)
    result["peak_rss_bytes"] = max(r["peak_rss_bytes"] for r in graphsc_runs(result))
    result["peer_ratios"] = peer_ratios(result)
    result["ratios"] = ratios(result)
    result["targets"] = target_rows(result)
    result["machine"]["load_end"] = list(os.getloadavg())
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point."""
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Neo4j: by default $NEO4J_URI or bolt://127.0.0.1:7687 if it answers; "
        "a database that is not empty is only used with --neo4j-wipe.",
    )
    ap.add_argument("--models", type=int, required=True, help="models in the synthetic Hub (≥ 100)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--out",
        type=Path,
        default=ROOT / "bench" / "out",
        help="data, stores and results (default bench/out; the result is OUT/<models>-<seed>.json)",
    )
    neo = ap.add_mutually_exclusive_group()
    neo.add_argument("--neo4j-uri", default=os.environ.get("NEO4J_URI") or "bolt://127.0.0.1:7687")
    neo.add_argument("--no-neo4j", action="store_true", help="skip the Neo4j measurements")
    ap.add_argument("--neo4j-wipe", action="store_true", help="empty the Neo4j database first if it holds anything")
    ap.add_argument(
        "--neo4j-home",
        type=Path,
        default=Path(os.environ["NEO4J_DATA_DIR"]) if os.environ.get("NEO4J_DATA_DIR") else None,
        help="data directory of the Neo4j at --neo4j-uri, run by scripts/neo4j (env NEO4J_DATA_DIR): the initial "
        "load is then `graphsc neo4j import` (the server is stopped and started around it), else `neo4j push`",
    )
    ap.add_argument(
        "--lineage-samples",
        type=int,
        default=30,
        help=f"models timed with graphsc lineage ({LARGEST_ROOTS} largest roots, {DEEP_LEAVES} deepest "
        "leaves, the rest random); each is timed with tree and json output",
    )
    a = ap.parse_args(argv)
    if a.lineage_samples < LARGEST_ROOTS + DEEP_LEAVES:
        ap.error(f"--lineage-samples must be at least {LARGEST_ROOTS + DEEP_LEAVES}")
    out = a.out.resolve()
    result = run_benchmark(
        a.models,
        a.seed,
        out,
        None if a.no_neo4j else a.neo4j_uri,
        a.neo4j_wipe,
        a.lineage_samples,
        log=lambda text: print(f"[bench] {text}", file=sys.stderr, flush=True),
        neo4j_home=a.neo4j_home,
    )
    path = out / f"{a.models}-{a.seed}.json"
    path.write_text(json.dumps(result, indent=1))
    print_report(result)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
