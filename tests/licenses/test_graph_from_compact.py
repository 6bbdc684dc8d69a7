"""The license engine's graph built from the compact graph equals the one built from the store's records, field by
field (same node numbering, same edge and user order), on the bundled real data (model families, dataset records,
PeaTMOSS usage with repository licenses) and on random graphs with stubs, duplicates of casing, cycles and users
that are both a repository and a Space."""

from __future__ import annotations

import tempfile
from dataclasses import fields
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from graphsc import samples
from graphsc.cli import app
from graphsc.compact import build_compact
from graphsc.licenses.graph import LicenseGraph, build_graph, flatten, graph_from_compact
from graphsc.records import Dataset, DerivedFrom, GraphBatch, Model, Repo, Space, TrainedOn, Uses
from graphsc.store.base import GraphStore
from graphsc.store.sqlite import SQLiteStore


def _from_records(store: GraphStore) -> LicenseGraph:
    return build_graph(
        models=flatten(store.iter_models()),
        derived_from=flatten(store.iter_derived_from()),
        trained_on=flatten(store.iter_trained_on()),
        uses=flatten(store.iter_uses()),
        datasets=flatten(store.iter_datasets()),
        repos=flatten(store.iter_repos()),
        spaces=flatten(store.iter_spaces()),
        dataset_derived_from=flatten(store.iter_dataset_derived_from()),
    )


def _from_compact(store: GraphStore) -> LicenseGraph:
    return graph_from_compact(
        build_compact(store),
        datasets=flatten(store.iter_datasets()),
        repos=flatten(store.iter_repos()),
        spaces=flatten(store.iter_spaces()),
        dataset_derived_from=flatten(store.iter_dataset_derived_from()),
    )


def assert_same(store: GraphStore) -> None:
    want, got = _from_records(store), _from_compact(store)
    for f in fields(LicenseGraph):
        if f.name == "profiles":  # numbered alike; compared through each node's profile
            continue
        assert getattr(got, f.name) == getattr(want, f.name), f.name
    assert [got.profiles[p] for p in got.node_profile] == [want.profiles[p] for p in want.node_profile]
    assert [got.profiles[p] for p in got.user_profile] == [want.profiles[p] for p in want.user_profile]


def test_the_bundled_real_data_compiles_the_same(tmp_path: Path) -> None:
    db = str(tmp_path / "g.db")
    runner = CliRunner()
    for args in (
        ["ingest", "snapshot", *map(str, samples.hf_family_files())],
        ["ingest", "snapshot", "--kind", "datasets", *map(str, samples.hf_dataset_files())],
        [
            "ingest",
            "peatmoss",
            "--mapping",
            str(samples.peatmoss_mapping_file()),
            "--licenses",
            str(samples.peatmoss_licenses_file()),
        ],
    ):
        result = runner.invoke(app, [*args, "--db", db])
        assert result.exit_code == 0, result.output
    with SQLiteStore(db, readonly=True) as store:
        graph = _from_compact(store)
        assert graph.n_models > 300 and len(graph.use_user) > 100 and graph.n_nodes > graph.n_models
        assert_same(store)


NAMES = ["o/a", "o/B", "o/c", "p/d", "p/e", "q/f"]
LICENSES = [None, "", "mit", "apache-2.0", "cc-by-nc-4.0", "other", "llama3"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    models=st.lists(
        st.tuples(st.sampled_from(NAMES), st.sampled_from(LICENSES), st.booleans(), st.integers(0, 99)),
        unique_by=lambda m: m[0].lower(),
    ),
    edges=st.lists(
        st.tuples(st.sampled_from(NAMES), st.sampled_from(NAMES), st.sampled_from(["finetune", "quantized", "merge"])),
        unique_by=lambda e: (e[0].lower(), e[1].lower()),
        max_size=12,
    ),
    trained=st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(["d/x", "d/y", "d/z"])), max_size=6),
    uses=st.lists(
        st.tuples(
            st.sampled_from(["gh/r1", "gh/r2", "s/one"]), st.sampled_from(["repo", "space"]), st.sampled_from(NAMES)
        ),
        max_size=8,
    ),
)
def test_random_graphs_compile_the_same(models: list, edges: list, trained: list, uses: list) -> None:
    with tempfile.TemporaryDirectory() as directory, SQLiteStore(Path(directory) / "g.db") as store:
        store.write(
            GraphBatch(
                models=[Model(m, license=lic, fetched=fetched, downloads=d) for m, lic, fetched, d in models],
                derived_from=[DerivedFrom(c, b, r, "card") for c, b, r in edges],
                trained_on=[TrainedOn(m, d, "card") for m, d in trained],
                uses=[Uses(u, kind, m, "test") for u, kind, m in uses],
                datasets=[Dataset("d/x", license="cc-by-nc-4.0")],
                repos=[Repo("gh/r1", license="mit")],
                spaces=[Space("s/one", license="apache-2.0")],
            )
        )
        assert_same(store)
