"""SPDX 3.0.1 BOMs (graphsc.render.bom_spdx3) and their validation (graphsc.bom.spdx3_schema), on the bundled real
data and on small graphs written for the exotic cases."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from license_expression import get_spdx_licensing

from graphsc import samples
from graphsc.bom.pedigree import application_pedigree, model_pedigree
from graphsc.bom.spdx3_schema import validate_spdx3
from graphsc.ingest import ingest_snapshot
from graphsc.ingest.peatmoss import ingest_peatmoss
from graphsc.licenses import check_store
from graphsc.licenses.findings import LicenseReport
from graphsc.records import DerivedFrom, GraphBatch, Model, TrainedOn
from graphsc.render.bom_spdx3 import spdx3_application_bom, spdx3_model_bom
from graphsc.store.sqlite import SQLiteStore

CREATED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
NS = "https://example.org/spdx/test"
SPDX_LICENSING = get_spdx_licensing()
FINDING_KEYS = {
    "rule",
    "kind",
    "severity",
    "role",
    "edge",
    "child",
    "child_license",
    "base",
    "bases",
    "base_license",
    "relation",
    "origin_licenses",
    "clauses",
    "dropped",
    "description",
}


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> tuple[SQLiteStore, LicenseReport]:
    store = SQLiteStore(tmp_path_factory.mktemp("spdx3") / "g.db")
    ingest_snapshot(store, [str(f) for f in samples.hf_family_files()])
    ingest_peatmoss(store, samples.peatmoss_mapping_file(), samples.peatmoss_licenses_file())
    return store, check_store(store)


def _graph(text: str) -> list[dict[str, Any]]:
    doc = json.loads(text)
    assert doc["@context"] == "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
    graph: list[dict[str, Any]] = doc["@graph"]
    return graph


def _by_id(graph: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {o["spdxId"]: o for o in graph if "spdxId" in o}


def _name_of(graph: list[dict[str, Any]]) -> dict[str, str]:
    return {o["spdxId"]: o["name"] for o in graph if "spdxId" in o and "name" in o}


def _relationships(graph: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in graph if o["type"] == "Relationship" and o["relationshipType"] == kind]


def _lineage_pairs(graph: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """(child, base) names of every ancestorOf / descendantOf relationship (one ``to`` each)."""
    names = _name_of(graph)
    pairs: list[tuple[str, str]] = []
    for rel in _relationships(graph, "descendantOf"):
        assert len(rel["to"]) == 1
        pairs.append((names[rel["from"]], names[rel["to"][0]]))
    for rel in _relationships(graph, "ancestorOf"):
        pairs.extend((names[t], names[rel["from"]]) for t in rel["to"])
    assert len(pairs) == len(set(pairs)), "one relationship per DERIVED_FROM edge"
    return set(pairs)


def _declared_license(graph: list[dict[str, Any]], element_name: str) -> dict[str, Any] | str:
    """The license element (or individual IRI) the element named ``element_name`` declares."""
    ids = _by_id(graph)
    element = next(o for o in graph if o.get("name") == element_name and o["type"] != "Annotation")
    rels = [r for r in _relationships(graph, "hasDeclaredLicense") if r["from"] == element["spdxId"]]
    assert len(rels) == 1 and len(rels[0]["to"]) == 1
    target = rels[0]["to"][0]
    return ids.get(target, target)


def _assert_spdx_expression(expression: str) -> None:
    """A valid SPDX expression: only SPDX license list ids and LicenseRef- ids, never another id."""
    info = SPDX_LICENSING.validate(expression)
    unknown = [k for k in info.invalid_symbols if not k.startswith("LicenseRef-")]
    assert unknown == [], expression
    assert all(e.startswith("Unknown license key") for e in info.errors), expression
    assert all(re.fullmatch(r"LicenseRef-[A-Za-z0-9.-]+", k) for k in info.invalid_symbols), expression


def _custom_licenses(graph: list[dict[str, Any]], expression: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{LicenseRef-...: its CustomLicense}`` of an expression, checking every LicenseRef is mapped."""
    ids = _by_id(graph)
    mapped = {e["key"]: ids[e["value"]] for e in expression.get("simplelicensing_customIdToUri", [])}
    refs = set(re.findall(r"LicenseRef-[A-Za-z0-9.-]+", expression["simplelicensing_licenseExpression"]))
    assert refs == set(mapped)
    for custom in mapped.values():
        assert custom["type"] == "expandedlicensing_CustomLicense"
        assert custom["name"] and custom["simplelicensing_licenseText"]
    return mapped


def _store_ancestor_edges(store: SQLiteStore, model_id: str) -> set[tuple[str, str]]:
    """Every DERIVED_FROM edge above ``model_id``, walked here from the store's raw edges."""
    parents: dict[str, set[str]] = defaultdict(set)
    for page in store.iter_derived_from():
        for e in page:
            parents[e.child].add(e.base)
    edges: set[tuple[str, str]] = set()
    todo, seen = [model_id], {model_id}
    while todo:
        child = todo.pop()
        for base in parents.get(child, ()):
            edges.add((child, base))
            if base not in seen:
                seen.add(base)
                todo.append(base)
    return edges


def test_every_fetched_model_of_the_bundled_families_is_a_valid_document(
    real: tuple[SQLiteStore, LicenseReport],
) -> None:
    store, report = real
    parents: dict[str, set[str]] = defaultdict(set)
    for page in store.iter_derived_from():
        for e in page:
            parents[e.child].add(e.base)
    fetched = [m.id for page in store.iter_models() for m in page if m.fetched]
    assert len(fetched) > 300
    for model_id in fetched:
        pedigree = model_pedigree(store, model_id, report)
        text = spdx3_model_bom(pedigree, created=CREATED)
        assert validate_spdx3(text) == [], model_id
        graph = _graph(text)
        # ancestorOf/descendantOf are exactly the ancestor edges, walked independently from the store
        edges: set[tuple[str, str]] = set()
        todo = [model_id]
        while todo:
            child = todo.pop()
            for base in parents.get(child, ()):
                if (child, base) not in edges:
                    edges.add((child, base))
                    todo.append(base)
        assert _lineage_pairs(graph) == edges, model_id
        # every model of the chain is an AIPackage with its Hub page and purl
        packages = {o["name"]: o for o in graph if o["type"] == "ai_AIPackage"}
        assert set(packages) == {model_id} | {b for _, b in edges}
        subject = packages[model_id]
        assert subject["software_downloadLocation"] == f"https://huggingface.co/{model_id}"
        assert subject["software_packageUrl"] == "pkg:huggingface/" + model_id
        assert subject["software_primaryPurpose"] == "model"
        # licenses: an SPDX-valid expression (LicenseRef- for the rest, each defined) or NoAssertionLicense
        for rel in _relationships(graph, "hasDeclaredLicense"):
            target = _by_id(graph).get(rel["to"][0], rel["to"][0])
            if isinstance(target, str):
                assert target == "expandedlicensing_NoAssertionLicense"
                continue
            expression = target["simplelicensing_licenseExpression"]
            _assert_spdx_expression(expression)
            _custom_licenses(graph, target)
        assert not _relationships(graph, "hasConcludedLicense")
        notes = [o for o in graph if o["type"] == "Annotation"]
        assert len(notes) == len(pedigree.findings)


def test_deepest_deepseek_r1_model(real: tuple[SQLiteStore, LicenseReport]) -> None:
    store, report = real
    pedigrees = [model_pedigree(store, m.id, report) for page in store.iter_models() for m in page if m.fetched]
    family = [p for p in pedigrees if p.roots == ("deepseek-ai/DeepSeek-R1",)]
    deepest = max(family, key=lambda p: (p.generation or 0, p.subject.model.id))
    text = spdx3_model_bom(deepest, created=CREATED)
    assert validate_spdx3(text) == []
    graph = _graph(text)
    assert (deepest.generation or 0) >= 2
    assert len(_lineage_pairs(graph)) == len(deepest.edges)
    print(
        f"\n{deepest.subject.model.id}: generation {deepest.generation}, {len(text.encode())} bytes, {len(graph)} objects"
    )


def test_findings_are_review_annotations_on_the_model(tmp_path: Path) -> None:
    # the bundled data's findings are all usage findings (on repositories); a model-level one is made here:
    # a non-commercial base, a child that drops the restriction, and a grandchild that inherits the conflict
    store = _small_store(
        tmp_path,
        GraphBatch(
            models=[
                Model("nc/base", license="cc-by-nc-4.0"),
                Model("o/child", license="mit"),
                Model("o/grand", license="mit"),
            ],
            derived_from=[
                DerivedFrom("o/child", "nc/base", "finetune", "hub-tag"),
                DerivedFrom("o/grand", "o/child", "quantized", "card"),
            ],
        ),
    )
    report = check_store(store)
    for model_id, role in (("o/child", "origin"), ("o/grand", "inherited")):
        pedigree = model_pedigree(store, model_id, report)
        assert pedigree.findings
        text = spdx3_model_bom(pedigree, created=CREATED, namespace=NS)
        assert validate_spdx3(text) == []
        graph = _graph(text)
        subject = next(o for o in graph if o["type"] == "ai_AIPackage" and o["name"] == model_id)
        notes = sorted(
            (o for o in graph if o["type"] == "Annotation"), key=lambda n: int(n["spdxId"].rsplit("/", 1)[1])
        )
        assert len(notes) == len(pedigree.findings)
        for note, conflict in zip(notes, pedigree.findings):
            assert note["annotationType"] == "review"
            assert note["subject"] == subject["spdxId"]
            assert note["name"] == f"graphsc license finding {conflict.rule}"
            assert note["contentType"] == "application/json"
            statement = json.loads(note["statement"])
            assert set(statement) == FINDING_KEYS
            assert statement["rule"] == conflict.rule and statement["severity"] == conflict.severity
            assert statement["clauses"] == list(conflict.clauses) and statement["clauses"]
            assert statement["description"] == conflict.description
            assert statement["child"] == "o/child" and statement["base"] == "nc/base"
            assert statement["role"] == role


def test_application_bom_of_a_peatmoss_repository(real: tuple[SQLiteStore, LicenseReport]) -> None:
    store, report = real
    repo = next(c.child for c in report.conflicts if c.edge == "uses" and c.child_type == "repo")
    application = application_pedigree(store, repo, report)
    text = spdx3_application_bom(application, created=CREATED, namespace=NS)
    assert validate_spdx3(text) == []
    graph = _graph(text)
    ids = _by_id(graph)
    app = next(o for o in graph if o["type"] == "software_Package")
    assert app["name"] == application.id
    assert app["software_primaryPurpose"] == "application"
    assert app["software_downloadLocation"] == f"https://github.com/{application.id}"
    assert app["software_packageUrl"] == f"pkg:github/{application.id}"
    document = next(o for o in graph if o["type"] == "SpdxDocument")
    assert document["rootElement"] == [app["spdxId"]]
    used = {ids[r["to"][0]]["name"] for r in _relationships(graph, "dependsOn") if r["from"] == app["spdxId"]}
    assert used == {u.model for u in application.uses}
    app_notes = [o for o in graph if o["type"] == "Annotation" and o["subject"] == app["spdxId"]]
    assert len(app_notes) == len(application.findings) > 0
    expected = set().union(*(_store_ancestor_edges(store, m) for m in used))
    assert _lineage_pairs(graph) == expected
    assert spdx3_application_bom(application, created=CREATED, namespace=NS) == text  # deterministic


def _small_store(tmp_path: Path, batch: GraphBatch) -> SQLiteStore:
    store = SQLiteStore(tmp_path / "g.db")
    store.write(batch)
    return store


def test_a_merge_with_three_parents_keeps_three_relationships(tmp_path: Path) -> None:
    parents = ["a/one", "b/two", "c/three"]
    store = _small_store(
        tmp_path,
        GraphBatch(
            models=[Model("m/merged", license="mit"), *(Model(p, license="apache-2.0") for p in parents)],
            derived_from=[DerivedFrom("m/merged", p, "merge", "hub-tag") for p in parents]
            + [DerivedFrom("a/one", "root/base", "finetune", "inferred:name")],
        ),
    )
    text = spdx3_model_bom(model_pedigree(store, "m/merged"), created=CREATED, namespace=NS)
    assert validate_spdx3(text) == []
    graph = _graph(text)
    assert _lineage_pairs(graph) == {("m/merged", p) for p in parents} | {("a/one", "root/base")}
    names = _name_of(graph)
    comments = {(names[r["from"]], names[r["to"][0]]): r["comment"] for r in _relationships(graph, "descendantOf")}
    assert comments[("m/merged", "b/two")] == "graphsc DERIVED_FROM relation=merge source=hub-tag"
    assert comments[("a/one", "root/base")] == "graphsc DERIVED_FROM relation=finetune source=inferred:name"
    # the unfetched root says so and asserts nothing about its license
    root = next(o for o in graph if o.get("name") == "root/base")
    assert "not fetched" in root["comment"]
    assert _declared_license(graph, "root/base") == "expandedlicensing_NoAssertionLicense"


def test_non_spdx_licenses_become_license_refs(tmp_path: Path) -> None:
    models = [
        Model("o/llama", license="llama3.1"),
        Model("o/other", license="other", license_name="Acme Model License", license_link="https://acme.example/l"),
        Model("o/other2", license="other", license_name="Bolt License"),
        Model("o/unknown", license="unknown"),
        Model("o/made-up", license="made-up-thing"),
        Model("o/mixed", license="mit AND llama3.1"),
        Model("o/spdx", license="apache-2.0"),
        Model("o/none"),
    ]
    store = _small_store(
        tmp_path,
        GraphBatch(
            models=[Model("top/model", license="mit"), *models],
            derived_from=[DerivedFrom("top/model", m.id, "merge", "card") for m in models],
            trained_on=[TrainedOn("top/model", "d/set", "card")],
        ),
    )
    text = spdx3_model_bom(model_pedigree(store, "top/model"), created=CREATED, namespace=NS)
    assert validate_spdx3(text) == []
    graph = _graph(text)

    def expression(name: str) -> tuple[str, dict[str, dict[str, Any]]]:
        target = _declared_license(graph, name)
        assert isinstance(target, dict) and target["type"] == "simplelicensing_LicenseExpression"
        text = target["simplelicensing_licenseExpression"]
        _assert_spdx_expression(text)
        return text, _custom_licenses(graph, target)

    text, custom = expression("o/llama")
    assert text == "LicenseRef-graphsc-llama3.1"
    assert custom[text]["name"] == "Llama 3.1 Community License Agreement"
    assert custom[text]["expandedlicensing_seeAlso"] == [
        "https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/LICENSE"
    ]
    text, custom = expression("o/other")
    assert text == "LicenseRef-graphsc-other-Acme-Model-License"
    assert custom[text]["name"] == "Acme Model License"
    assert custom[text]["expandedlicensing_seeAlso"] == ["https://acme.example/l"]
    text, custom = expression("o/other2")
    assert text == "LicenseRef-graphsc-other-Bolt-License" and custom[text]["name"] == "Bolt License"
    assert expression("o/unknown")[0] == "LicenseRef-graphsc-unknown"
    text, custom = expression("o/made-up")
    assert text == "LicenseRef-graphsc-made-up-thing" and custom[text]["name"] == "made-up-thing"
    assert "expandedlicensing_seeAlso" not in custom[text]
    text, custom = expression("o/mixed")
    assert text == "MIT AND LicenseRef-graphsc-llama3.1" and set(custom) == {"LicenseRef-graphsc-llama3.1"}
    assert expression("o/spdx") == ("Apache-2.0", {})
    assert _declared_license(graph, "o/none") == "expandedlicensing_NoAssertionLicense"
    assert _declared_license(graph, "d/set") == "expandedlicensing_NoAssertionLicense"
    # one element per distinct license: llama3.1 is defined once though two expressions use it
    customs = [o for o in graph if o["type"] == "expandedlicensing_CustomLicense"]
    assert len(customs) == len({o["spdxId"] for o in customs}) == 5
    # the dataset: a DatasetPackage the model was trained on
    dataset = next(o for o in graph if o["type"] == "dataset_DatasetPackage")
    assert (
        dataset["name"] == "d/set" and dataset["software_downloadLocation"] == "https://huggingface.co/datasets/d/set"
    )
    (trained,) = _relationships(graph, "trainedOn")
    assert trained["to"] == [dataset["spdxId"]] and trained["comment"] == "graphsc TRAINED_ON source=card"


def test_document_header(tmp_path: Path) -> None:
    store = _small_store(
        tmp_path, GraphBatch(models=[Model("o/m", license="mit", created_at="2025-01-29T08:29:22.000Z")])
    )
    text = spdx3_model_bom(model_pedigree(store, "o/m"), created=CREATED, namespace=NS)
    graph = _graph(text)
    (info,) = [o for o in graph if o["type"] == "CreationInfo"]
    assert info["specVersion"] == "3.0.1" and info["created"] == "2026-01-02T03:04:05Z"
    ids = _by_id(graph)
    assert [ids[a]["type"] for a in info["createdBy"]] == ["SoftwareAgent"]
    assert [ids[t]["type"] for t in info["createdUsing"]] == ["Tool"]
    (document,) = [o for o in graph if o["type"] == "SpdxDocument"]
    assert set(document["profileConformance"]) >= {"core", "software", "ai", "dataset", "simpleLicensing"}
    model = next(o for o in graph if o["type"] == "ai_AIPackage")
    assert document["rootElement"] == [model["spdxId"]]
    assert model["releaseTime"] == "2025-01-29T08:29:22Z"
    assert ids[model["suppliedBy"]]["name"] == "o"
    assert all(o["spdxId"].startswith(NS + "/") for o in graph if "spdxId" in o)
    assert spdx3_model_bom(model_pedigree(store, "o/m"), created=CREATED, namespace=NS) == text


@pytest.fixture(scope="module")
def valid_document(tmp_path_factory: pytest.TempPathFactory) -> str:
    store = SQLiteStore(tmp_path_factory.mktemp("small") / "g.db")
    store.write(
        GraphBatch(
            models=[Model("c/child", license="mit"), Model("b/base", license="llama3.1")],
            derived_from=[DerivedFrom("c/child", "b/base", "finetune", "hub-tag")],
        )
    )
    return spdx3_model_bom(model_pedigree(store, "c/child"), created=CREATED, namespace=NS)


def _broken(text: str, change: Any) -> str:
    doc = json.loads(text)
    change(doc["@graph"])
    return json.dumps(doc)


def _first(graph: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return next(o for o in graph if o["type"] == "Relationship" and o["relationshipType"] == kind)


def test_a_valid_document_is_valid(valid_document: str) -> None:
    assert validate_spdx3(valid_document) == []


def test_a_relationship_without_from_is_invalid(valid_document: str) -> None:
    text = _broken(valid_document, lambda g: _first(g, "descendantOf").pop("from"))
    (error,) = validate_spdx3(text)
    assert "Relationship" in error and "'from'" in error and "missing" in error


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # a model typed as a dataset: a DatasetPackage needs a datasetType
        (
            lambda g: next(o for o in g if o["type"] == "ai_AIPackage").update(type="dataset_DatasetPackage"),
            "required property 'dataset_datasetType' is missing",
        ),
        (lambda g: _first(g, "descendantOf").update(ai_domain=["x"]), "Unknown property 'ai_domain'"),
        (lambda g: _first(g, "descendantOf").update(type="NoSuchType"), "unknown type 'NoSuchType'"),
        (lambda g: _first(g, "descendantOf").update(type="Element"), "abstract"),
        (lambda g: _first(g, "descendantOf").update(relationshipType="derivedFrom"), "not a valid value"),
        (lambda g: _first(g, "descendantOf").update({"from": g[0]["@id"]}), "Got CreationInfo"),
        (lambda g: _first(g, "descendantOf").update(to=["https://example.org/nowhere"]), "not in the document"),
        (lambda g: _first(g, "hasDeclaredLicense").update(to=[_first(g, "descendantOf")["from"]]), "not a license"),
        (lambda g: next(o for o in g if o["type"] == "CreationInfo").update(created="yesterday"), "datetime"),
        (lambda g: next(o for o in g if o["type"] == "CreationInfo").pop("specVersion"), "specVersion"),
        (lambda g: g.append(dict(_first(g, "descendantOf"))), "is the id of 2 objects"),
        (lambda g: g.remove(next(o for o in g if o["type"] == "SpdxDocument")), "SpdxDocument"),
    ],
)
def test_broken_documents_are_invalid(valid_document: str, change: Any, expected: str) -> None:
    errors = validate_spdx3(_broken(valid_document, change))
    assert errors and any(expected in e for e in errors), errors


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "not json",
        "[1, 2]",
        "{}",
        '{"@context": 5}',
        '{"@context": "https://example.org/ctx"}',
        "[" * 100_000,
        '{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": 5}',
        '{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": [1, null, "x"]}',
        '{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": [{"type": "Relationship"}]}',
    ],
)
def test_garbage_is_one_error_and_never_raises(garbage: str) -> None:
    errors = validate_spdx3(garbage)
    assert len(errors) >= 1 and all(isinstance(e, str) for e in errors)
