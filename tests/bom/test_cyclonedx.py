"""CycloneDX BOMs (graphsc.render.bom_cyclonedx) checked against the official schema and against the store.

Every expected value is worked out here from the store's own records and edges (DERIVED_FROM, TRAINED_ON, USES)
or from the license report, never taken from the renderer's output.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from cyclonedx.spdx import is_supported_id

from graphsc import samples
from graphsc.bom.cyclonedx_schema import validate_cyclonedx
from graphsc.bom.pedigree import application_pedigree, model_pedigree
from graphsc.ingest import ingest_snapshot
from graphsc.ingest.peatmoss import ingest_peatmoss
from graphsc.license_table.table import default_table
from graphsc.licenses import check_store
from graphsc.licenses.findings import LicenseReport
from graphsc.records import FINETUNE, MERGE, QUANTIZED, DerivedFrom, GraphBatch, Model
from graphsc.render.bom_cyclonedx import SPEC_VERSION, cyclonedx_application_bom, cyclonedx_model_bom
from graphsc.store.sqlite import SQLiteStore

NS = "graphsc:"
SERIAL = UUID("4c1f7f0e-2d7b-4bb5-9a51-6c0b1f6e2a10")
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


# --- helpers -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SQLiteStore, LicenseReport]]:
    """The bundled Hub families and PeaTMOSS usages in one store, with the license report."""
    store = SQLiteStore(tmp_path_factory.mktemp("bundled") / "g.db")
    ingest_snapshot(store, [str(p) for p in samples.hf_family_files()])
    ingest_peatmoss(store, samples.peatmoss_mapping_file(), samples.peatmoss_licenses_file())
    yield store, check_store(store)
    store.close()


def _store(tmp_path: Path, models: list[Model], edges: list[DerivedFrom]) -> SQLiteStore:
    store = SQLiteStore(tmp_path / "g.db")
    store.write(GraphBatch(models=models, derived_from=edges))
    return store


def _snapshot_store(tmp_path: Path, records: list[dict[str, Any]]) -> SQLiteStore:
    """``records`` (Hub API model records) ingested as a snapshot file is."""
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    store = SQLiteStore(tmp_path / "g.db")
    ingest_snapshot(store, [str(path)])
    return store


def _bases(store: SQLiteStore) -> dict[str, list[DerivedFrom]]:
    """{child: its DERIVED_FROM edges}, from every edge in the store."""
    out: dict[str, list[DerivedFrom]] = {}
    for page in store.iter_derived_from():
        for e in page:
            out.setdefault(e.child, []).append(e)
    return out


def _ancestors(bases: dict[str, list[DerivedFrom]], model_id: str) -> dict[str, int]:
    """{ancestor: fewest edges up from ``model_id``}: a breadth-first walk over the store's edges."""
    distance = {model_id: 0}
    queue = deque([model_id])
    while queue:
        node = queue.popleft()
        for e in bases.get(node, ()):
            if e.base not in distance:
                distance[e.base] = distance[node] + 1
                queue.append(e.base)
    del distance[model_id]
    return distance


def _props(component: dict[str, Any], prefix: str = NS) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in component.get("properties", []):
        if p["name"].startswith(prefix):
            out.setdefault(p["name"], []).append(p["value"])
    return out


def _prop(component: dict[str, Any], name: str) -> str:
    (value,) = _props(component)[NS + name]
    return value


def _ancestor_components(component: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["name"]: a for a in component.get("pedigree", {}).get("ancestors", [])}


def _license(component: dict[str, Any]) -> dict[str, Any]:
    (entry,) = component["licenses"]
    return entry


def _all_components(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    stack = [doc["metadata"]["component"], *doc.get("components", [])]
    while stack:
        c = stack.pop()
        yield c
        stack.extend(c.get("pedigree", {}).get("ancestors", []))


def _valid(text: str) -> dict[str, Any]:
    assert validate_cyclonedx(text) == []
    doc: dict[str, Any] = json.loads(text)
    return doc


def _check_lineage(component: dict[str, Any], bases: dict[str, list[DerivedFrom]]) -> None:
    """The pedigree of ``component`` holds exactly the store's ancestors, each edge once on its base."""
    subject = component["name"]
    expected = _ancestors(bases, subject)
    found = _ancestor_components(component)
    assert set(found) == set(expected), subject
    chain = {subject, *expected}
    for name, ancestor in found.items():
        props = _props(ancestor)
        assert props[NS + "generation-up"] == [str(expected[name])]
        derived = {k.removeprefix(NS + "derived:"): v for k, v in props.items() if k.startswith(NS + "derived:")}
        wanted: dict[str, list[str]] = {}
        for child in chain:
            for e in bases.get(child, ()):
                if e.base == name:
                    wanted.setdefault(child, []).append(f"{e.relation} ({e.source})")
        assert {k: sorted(v) for k, v in derived.items()} == {k: sorted(v) for k, v in wanted.items()}


# --- the bundled data ----------------------------------------------------------------------------------------


def test_every_bundled_model_has_a_valid_bom_with_its_whole_lineage(
    bundled: tuple[SQLiteStore, LicenseReport],
) -> None:
    """All 1,881 models of the bundled data (fetched and stubs, the families' and those PeaTMOSS names): each
    BOM validates against the CycloneDX schema, its pedigree holds exactly the store's ancestors with every
    edge, its licenses never put a non-SPDX string in ``license.id``, and its model card lists its datasets."""
    store, report = bundled
    bases = _bases(store)
    models = [m for page in store.iter_models() for m in page]
    trained: dict[str, set[str]] = {}
    for page in store.iter_trained_on():
        for t in page:
            trained.setdefault(t.model, set()).add(t.dataset)
    assert len(models) > 1500 and sum(not m.fetched for m in models) > 1000
    for m in models:
        doc = _valid(cyclonedx_model_bom(model_pedigree(store, m.id, report)))
        subject = doc["metadata"]["component"]
        assert subject["name"] == m.id and subject["type"] == "machine-learning-model"
        assert _prop(subject, "fetched") == str(m.fetched).lower()
        _check_lineage(subject, bases)
        for c in _all_components(doc):
            for entry in c.get("licenses", []):
                if "license" in entry and "id" in entry["license"]:
                    assert is_supported_id(entry["license"]["id"]), (m.id, entry)
        datasets = trained.get(m.id, set())
        refs = subject.get("modelCard", {}).get("modelParameters", {}).get("datasets", [])
        assert {r["ref"] for r in refs} == {f"dataset:{d}" for d in datasets}
        data = {c["bom-ref"] for c in doc.get("components", []) if c["type"] == "data"}
        assert {f"dataset:{d}" for d in datasets} <= data
        if m.pipeline_tag:
            assert subject["modelCard"]["modelParameters"]["task"] == m.pipeline_tag


def test_deepest_deepseek_r1_model(bundled: tuple[SQLiteStore, LicenseReport]) -> None:
    """The DeepSeek-R1 family's deepest models (largest generation below the root): their BOMs name the root as
    an ancestor at the right distance and the root's own license."""
    store, report = bundled
    root = "deepseek-ai/DeepSeek-R1"
    bases = _bases(store)
    pedigrees = [model_pedigree(store, m.id, report) for page in store.iter_models() for m in page]
    family = [p for p in pedigrees if root in p.roots]
    deepest = max(p.generation or 0 for p in family)
    assert deepest >= 2
    for p in (p for p in family if p.generation == deepest):
        subject = _valid(cyclonedx_model_bom(p))["metadata"]["component"]
        assert _prop(subject, "generation") == str(deepest)
        assert _props(subject)[NS + "root"] == [root]
        r1 = _ancestor_components(subject)[root]
        assert _prop(r1, "generation-up") == str(_ancestors(bases, p.subject.model.id)[root])
        assert _license(r1) == {"license": {"id": "MIT", "acknowledgement": "declared"}}
        assert r1["purl"] == "pkg:huggingface/deepseek-ai/DeepSeek-R1"


def test_application_bom_of_a_peatmoss_repository(bundled: tuple[SQLiteStore, LicenseReport]) -> None:
    """A PeaTMOSS repository with usage findings: the application, every model it uses with its pedigree, the
    dependencies application → models, and one finding per conflict the report gives for the repository."""
    store, report = bundled
    uses = [u for page in store.iter_uses() for u in page if u.source == "peatmoss"]
    in_conflict = {c.child for c in report.conflicts if c.edge == "uses"}
    used: dict[str, set[str]] = {}
    for u in uses:
        used.setdefault(u.user, set()).add(u.model)
    # the repository in conflict using the fewest models, at least three
    repo_id = min((r for r in used if r in in_conflict and len(used[r]) >= 3), key=lambda r: (len(used[r]), r))
    repo = next(r for page in store.iter_repos() for r in page if r.id == repo_id)
    doc = _valid(
        cyclonedx_application_bom(application_pedigree(store, repo_id, report), serial_number=SERIAL, timestamp=WHEN)
    )
    app = doc["metadata"]["component"]
    # the purl spec lower-cases GitHub names (they are case-insensitive)
    assert (app["type"], app["name"], app["purl"]) == ("application", repo_id, f"pkg:github/{repo_id.lower()}")
    assert app["externalReferences"] == [{"type": "vcs", "url": f"https://github.com/{repo_id}"}]
    assert _prop(app, "license:declared") == repo.license
    if repo.license and is_supported_id(repo.license):
        assert _license(app)["license"]["id"].lower() == repo.license.lower()

    models = {c["name"]: c for c in doc["components"] if c["type"] == "machine-learning-model"}
    assert set(models) == used[repo_id]
    (app_deps,) = [d for d in doc["dependencies"] if d["ref"] == app["bom-ref"]]
    assert sorted(app_deps["dependsOn"]) == sorted(c["bom-ref"] for c in models.values())
    bases = _bases(store)
    for component in models.values():
        _check_lineage(component, bases)

    usage = _props(app, NS + "uses:")
    assert sorted(k.removeprefix(NS + "uses:") for k in usage for _ in usage[k]) == sorted(
        u.model for u in uses if u.user == repo_id
    )
    conflicts = [c for c in report.conflicts if c.child == repo_id]
    assert conflicts
    findings = _props(app, NS + "finding:")
    numbers = {k.split(":")[2] for k in findings}
    assert numbers == {str(n) for n in range(1, len(conflicts) + 1)}
    for n, c in enumerate(conflicts, start=1):
        key = f"{NS}finding:{n}:"
        assert findings[key + "rule"] == [c.rule]
        assert findings[key + "severity"] == [c.severity]
        assert findings[key + "kind"] == [c.kind]
        assert findings[key + "edge"] == ["uses"]
        assert findings[key + "origin-edge"] == [f"{repo_id} ← {c.base}"]
        assert findings[key + "clauses"] == ["; ".join(c.clauses)]
        assert findings[key + "description"] == [c.description]


# --- hand-built graphs ---------------------------------------------------------------------------------------


def test_merge_with_three_parents_keeps_all_three(tmp_path: Path) -> None:
    """``org/merged`` merges three parents (one of them non-commercial, the merge Apache): every parent is an
    ancestor carrying its merge edge, the grandparent its finetune, and the dropped obligation is a finding."""
    parents = {"a/p1": "hub-tag", "b/p2": "card", "c/p3": "inferred:name"}
    models = [
        Model("org/merged", author="org", license="apache-2.0", pipeline_tag="text-generation"),
        Model("a/p1", author="a", license="apache-2.0"),
        Model("b/p2", author="b", license="cc-by-nc-4.0"),
        Model("c/p3", author="c", license="mit"),
        Model("root/base", author="root", license="apache-2.0"),
    ]
    edges = [DerivedFrom("org/merged", p, MERGE, s) for p, s in parents.items()]
    edges.append(DerivedFrom("a/p1", "root/base", FINETUNE, "hub-tag"))
    store = _store(tmp_path, models, edges)
    report = check_store(store)
    doc = _valid(cyclonedx_model_bom(model_pedigree(store, "org/merged", report)))
    subject = doc["metadata"]["component"]
    ancestors = _ancestor_components(subject)
    assert set(ancestors) == {*parents, "root/base"}
    for parent, source in parents.items():
        assert _props(ancestors[parent])[f"{NS}derived:org/merged"] == [f"merge ({source})"]
        assert _prop(ancestors[parent], "generation-up") == "1"
    assert _props(ancestors["root/base"])[f"{NS}derived:a/p1"] == ["finetune (hub-tag)"]
    assert _prop(ancestors["root/base"], "generation-up") == "2"
    assert _prop(subject, "generation") == "2"
    assert _license(ancestors["b/p2"])["license"]["id"] == "CC-BY-NC-4.0"
    _check_lineage(subject, _bases(store))

    conflicts = [c for c, _ in report.for_model("org/merged")]
    assert conflicts, "a merge of a non-commercial parent into an Apache model drops an obligation"
    findings = _props(subject, NS + "finding:")
    for n, c in enumerate(conflicts, start=1):
        key = f"{NS}finding:{n}:"
        assert findings[key + "rule"] == [c.rule]
        assert findings[key + "role"] == ["origin"]
        assert findings[key + "origin-edge"] == [f"org/merged ← {', '.join(c.bases) if c.bases else c.base}"]
        assert findings[key + "clauses"] == ["; ".join(c.clauses)]


def test_non_spdx_licenses_are_names_never_ids(tmp_path: Path) -> None:
    """``license: foo``, ``license: other`` with ``license_name``/``license_link`` (absolute and relative),
    ``llama3.1`` and ``unknown``: a ``license.name`` with its URL, never a ``license.id``; no license: no
    ``licenses`` at all and ``NONE`` declared."""
    records: list[dict[str, Any]] = [
        {"id": "x/foo", "cardData": {"license": "foo"}},
        {
            "id": "x/other",
            "cardData": {"license": "other", "license_name": "acme-ml", "license_link": "https://acme.example/ml"},
        },
        {"id": "x/other-rel", "cardData": {"license": "other", "license_name": "rel", "license_link": "LICENSE.md"}},
        {"id": "x/llama", "cardData": {"license": "llama3.1"}},
        {"id": "x/unknown", "cardData": {"license": "unknown"}},
        {"id": "x/none", "cardData": {}},
        {"id": "x/mit-apache", "cardData": {"license": ["mit", "apache-2.0"]}},
    ]
    store = _snapshot_store(tmp_path, records)
    table = default_table()

    def bom_of(model_id: str) -> dict[str, Any]:
        component: dict[str, Any] = _valid(cyclonedx_model_bom(model_pedigree(store, model_id)))["metadata"][
            "component"
        ]
        return component

    foo = bom_of("x/foo")
    assert _license(foo)["license"] == {"name": "foo", "acknowledgement": "declared"}
    assert _prop(foo, "license:declared") == "foo"

    other = bom_of("x/other")
    assert _license(other)["license"] == {
        "name": "acme-ml",
        "url": "https://acme.example/ml",
        "acknowledgement": "declared",
    }
    assert _prop(other, "license:declared") == "other"
    relative = _license(bom_of("x/other-rel"))["license"]
    assert relative["url"] == "https://huggingface.co/x/other-rel/blob/main/LICENSE.md"

    llama = _license(bom_of("x/llama"))["license"]
    assert "id" not in llama and llama["name"] == table["llama3.1"].name
    assert llama["url"].startswith("https://")

    unknown = _license(bom_of("x/unknown"))["license"]
    assert "id" not in unknown and unknown["name"]

    none = bom_of("x/none")
    assert "licenses" not in none
    assert _prop(none, "license:declared") == "NONE"

    assert _license(bom_of("x/mit-apache")) == {"expression": "MIT AND Apache-2.0", "acknowledgement": "declared"}


def test_ancestors_that_are_unfetched_stubs(tmp_path: Path) -> None:
    """A fetched model whose bases are stubs (known only from its card): they are ancestors with their purl and
    Hub page, ``fetched`` false, no license and no model card."""
    store = _snapshot_store(
        tmp_path,
        [
            {
                "id": "me/model",
                "cardData": {"license": "mit", "base_model": "lab/stub-q"},
                "tags": ["base_model:quantized:lab/stub-q"],
                "pipeline_tag": "text-generation",
            },
        ],
    )
    store.write(GraphBatch(derived_from=[DerivedFrom("lab/stub-q", "lab/stub-root", QUANTIZED, "test")]))
    doc = _valid(cyclonedx_model_bom(model_pedigree(store, "me/model")))
    subject = doc["metadata"]["component"]
    ancestors = _ancestor_components(subject)
    assert set(ancestors) == {"lab/stub-q", "lab/stub-root"}
    for name, stub in ancestors.items():
        assert _prop(stub, "fetched") == "false"
        assert _prop(stub, "license:declared") == "NOASSERTION"
        assert "licenses" not in stub and "modelCard" not in stub
        assert stub["purl"] == f"pkg:huggingface/{name}"
        assert stub["externalReferences"] == [{"type": "website", "url": f"https://huggingface.co/{name}"}]
    assert _props(ancestors["lab/stub-q"])[f"{NS}derived:me/model"] == ["quantized (hub-tag)"]
    assert _props(ancestors["lab/stub-root"])[f"{NS}derived:lab/stub-q"] == ["quantized (test)"]
    assert _prop(subject, "fetched") == "true"


def test_document_metadata(tmp_path: Path) -> None:
    """specVersion, serial number, timestamp, graphsc as the tool, purl without version, owner as supplier; the
    same input gives the same text."""
    store = _store(tmp_path, [Model("org/m", author="someone", license="mit", pipeline_tag="fill-mask")], [])
    p = model_pedigree(store, "org/m")
    text = cyclonedx_model_bom(p, serial_number=SERIAL, timestamp=WHEN)
    assert text == cyclonedx_model_bom(p, serial_number=SERIAL, timestamp=WHEN)
    doc = _valid(text)
    assert (doc["bomFormat"], doc["specVersion"]) == ("CycloneDX", SPEC_VERSION)
    assert doc["$schema"] == f"http://cyclonedx.org/schema/bom-{SPEC_VERSION}.schema.json"
    assert doc["serialNumber"] == f"urn:uuid:{SERIAL}"
    assert datetime.fromisoformat(doc["metadata"]["timestamp"]) == WHEN
    assert doc["metadata"]["tools"]["components"][0]["name"] == "graphsc"
    assert doc["metadata"]["tools"]["components"][0]["version"] == version("graphsc")
    subject = doc["metadata"]["component"]
    assert subject["purl"] == "pkg:huggingface/org/m"
    assert subject["supplier"]["name"] == "org"
    assert subject["authors"] == [{"name": "someone"}]
    assert subject["modelCard"] == {"modelParameters": {"task": "fill-mask"}}
    assert "pedigree" not in subject


# --- the validator -------------------------------------------------------------------------------------------


def test_validator_reports_errors_and_never_raises(tmp_path: Path) -> None:
    store = _store(tmp_path, [Model("org/m", license="mit")], [])
    good = json.loads(cyclonedx_model_bom(model_pedigree(store, "org/m")))
    assert validate_cyclonedx(json.dumps(good)) == []

    for garbage in ("", "not json {", "[1, 2]", "null", '{"bomFormat": "SPDX"}', '{"bomFormat": "CycloneDX"}'):
        assert len(validate_cyclonedx(garbage)) == 1, garbage
    assert len(validate_cyclonedx(json.dumps({**good, "specVersion": "9.9"}))) == 1

    def broken(change: Any) -> list[str]:
        doc = json.loads(json.dumps(good))
        change(doc)
        return validate_cyclonedx(json.dumps(doc))

    # what AIBOM generators get wrong: a non-SPDX license id
    errors = broken(lambda d: d["metadata"]["component"].update(licenses=[{"license": {"id": "llama3.2"}}]))
    assert errors and any("licenses" in e for e in errors)
    # a URL that is not an IRI reference (checked although ASCII URLs take the fast path)
    bad_url = [{"type": "website", "url": "http://exa mple.org/%zz"}]
    assert broken(lambda d: d["metadata"]["component"].update(externalReferences=bad_url))
    # a non-ASCII IRI is fine, a non-ASCII non-IRI is not
    iri = [{"type": "website", "url": "https://example.org/modèle"}]
    assert broken(lambda d: d["metadata"]["component"].update(externalReferences=iri)) == []
    assert broken(lambda d: d["metadata"]["component"].update(externalReferences=[{**iri[0], "url": "é é%"}]))
    # strict: no unknown properties
    assert broken(lambda d: d["metadata"]["component"].update(unknownField=1))
