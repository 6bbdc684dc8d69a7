"""The scale benchmark: every graphsc command a user runs, whole process, on a synthetic Hub of N models.

    python bench/run.py --models 2000000 [--seed 1] [--out bench/out] [--neo4j-uri URI | --no-neo4j]
                        [--neo4j-wipe] [--lineage-samples 30]

In one run it

1. generates the data with ``bench/generate.py`` (models JSONL + PeaTMOSS-format usage CSV and repository
   licenses) into ``OUT/data-N-S/``, or reuses it when it is already there for that N and seed;
2. times ``graphsc ingest snapshot`` into a fresh embedded store (records/s, store size on disk) and
   ``graphsc ingest peatmoss`` with the generated usages;
3. times ``graphsc lineage`` per call, tree and json output, over a sample of the largest family roots, the
   deepest leaves and random models (median, 95th percentile, worst);
4. times each analytics command (``stats``, ``rank --by`` each metric, ``families``, ``impact`` on the largest
   root, ``analyze``) and the whole-graph ``graphsc licenses --format json``;
5. when a Neo4j is reachable: ``graphsc neo4j push`` throughput (nodes+edges/s) and Cypher lineage latency;
6. runs the naive baseline (``bench/baseline.py``: the dump in a plain NetworkX DiGraph) on the same sample;

then prints a table against the targets of issue 7 and writes every measurement to ``OUT/N-S.json``.

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

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/run.py` puts bench/ first, not the repository
    sys.path.insert(0, str(ROOT))

SCHEMA = "graphsc.bench/1"
GIB = 1024**3
MIB = 1024**2
RANK_METRICS = ("reach", "pagerank", "betweenness", "downloads", "exposure")
ANALYTICS = ("stats", *(f"rank_{m}" for m in RANK_METRICS), "families", "impact", "analyze")
LARGEST_ROOTS = 3
DEEP_LEAVES = 3


@dataclass(frozen=True, slots=True)
class Target:
    """A target from issue 7: ``value op limit`` must hold (``op`` is ``<=`` or ``>=``)."""

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
        limit = f"{self.limit / GIB:g} GiB" if self.unit == "bytes" else f"{self.limit:,g} {self.unit}"
        return f"{'≤' if self.op == '<=' else '≥'} {limit}"


TARGETS: dict[str, Target] = {
    "ingest": Target(">=", 40_000, "records/s"),
    "lineage_median": Target("<=", 0.5, "s"),
    "lineage_p95": Target("<=", 1.5, "s"),
    "licenses": Target("<=", 30, "s"),
    "analytics": Target("<=", 30, "s"),
    "peak_rss": Target("<=", 6 * GIB, "bytes"),
    "neo4j_load": Target(">=", 20_000, "nodes+edges/s"),
}


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


def bench_neo4j(uri: str, wipe: bool, db: Path, sample: Sample, scratch: Path) -> dict[str, Any]:
    """Load the embedded store into Neo4j (throughput) and time Cypher lineage, if a usable Neo4j is there."""
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
    load = graphsc(["neo4j", "push", "--db", str(db)], scratch / "neo4j-push.out", env=env)
    return {
        "status": "measured",
        "uri": uri,
        "load": asdict(load),
        "items": items,
        "items_per_second": items / load.wall_seconds,
        "reported_per_second": reported_rate((scratch / "neo4j-push.out").read_text()),
        "cypher_lineage": cypher_lineage(uri, sample),
        "cli_lineage": bench_lineage_neo4j(sample, scratch, env),
    }


def cypher_lineage(uri: str, sample: Sample) -> dict[str, Any]:
    """Latency of the Neo4j store's lineage query (``lineage_edges`` up and down) per sampled model."""
    from graphsc.store.neo4j import Neo4jStore

    store = Neo4jStore(uri=uri)
    try:
        store.lineage_edges(sample.ids[0], "up")  # warm-up: connection pool, query plan
        calls = []
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
# Baseline, ratios, targets
# --------------------------------------------------------------------------------------------------


def bench_baseline(files: DataFiles, sample: Sample, scratch: Path) -> dict[str, Any]:
    """Run ``bench/baseline.py`` (plain NetworkX) as a child process on the same sample."""
    sample_path = scratch / "sample.json"
    sample_path.write_text(json.dumps(sample.ids))
    run = run_process(
        [sys.executable, "-m", "bench.baseline", str(files.models), str(sample_path)], scratch / "baseline.json"
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
    return runs


def target_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per target: what was measured, its value, the target and whether it passed."""
    rows: list[dict[str, Any]] = []

    def add(name: str, target: str, value: float | None, run: dict[str, Any] | None = None) -> None:
        t = TARGETS[target]
        rows.append(
            {
                "measure": name,
                "value": value,
                "unit": t.unit,
                "target": t.text(),
                "passed": t.met(value),
                "cpu_seconds": run["cpu_seconds"] if run else None,
                "peak_rss_bytes": run["peak_rss_bytes"] if run else None,
            }
        )

    snap = result["ingest"]["snapshot"]
    add("ingest snapshot (whole process)", "ingest", snap["records_per_second"], snap)
    lineage = result["lineage"]
    for fmt in ("tree", "json", "all"):
        add(f"lineage {fmt}: median", "lineage_median", lineage[fmt]["median"])
        add(f"lineage {fmt}: p95", "lineage_p95", lineage[fmt]["p95"])
    for name, run in result["analytics"].items():
        add(name.replace("_", " --by ", 1) if name.startswith("rank_") else name, "analytics", run["wall_seconds"], run)
    add("licenses --format json", "licenses", result["licenses"]["wall_seconds"], result["licenses"])
    add("peak RSS, any command", "peak_rss", result["peak_rss_bytes"])
    neo = result["neo4j"]
    if neo["status"] == "measured":
        add("Neo4j load (graphsc neo4j push)", "neo4j_load", neo["items_per_second"], neo["load"])
    return rows


# --------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if unit == "bytes":
        return f"{value / MIB:,.0f} MiB"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:,.0f} {unit}".strip()


def print_report(result: dict[str, Any]) -> None:
    """The targets table, the other measurements and the baseline comparison, with rich."""
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
    m = result["machine"]
    head = (
        f"graphsc benchmark: {result['models']:,} models, seed {result['seed']} — {m['cpus']} CPUs, "
        f"{m['memory_bytes'] / GIB:.0f} GiB, load {m['load_start'][0]:.1f} → {m['load_end'][0]:.1f}"
    )
    table = Table(title=head, title_justify="left")
    for col in ("measure", "value", "target", "pass", "CPU s", "peak RSS"):
        table.add_column(col, justify="left" if col == "measure" else "right")
    for row in result["targets"]:
        ok = {True: "[green]pass[/]", False: "[red]FAIL[/]", None: "—"}[row["passed"]]
        table.add_row(
            row["measure"],
            _fmt(row["value"], row["unit"]),
            row["target"],
            ok,
            _fmt(row["cpu_seconds"], "s"),
            _fmt(row["peak_rss_bytes"], "bytes"),
        )
    console.print(table)

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
    import psutil

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
) -> dict[str, Any]:
    """Run every measurement at this scale; returns the result document (``graphsc.bench/1``)."""
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
        result["neo4j"] = bench_neo4j(neo4j_uri, neo4j_wipe_ok, db, sample, scratch)
    else:
        result["neo4j"] = {"status": "skipped", "uri": None, "reason": "--no-neo4j"}
    log("baseline")
    result["baseline"] = bench_baseline(files, sample, scratch)
    result["peak_rss_bytes"] = max(r["peak_rss_bytes"] for r in graphsc_runs(result))
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
    )
    path = out / f"{a.models}-{a.seed}.json"
    path.write_text(json.dumps(result, indent=1))
    print_report(result)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
