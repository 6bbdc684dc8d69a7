"""Regression tests for the reviewed BOM-writer bugs: stub licenses, compound licenses with non-SPDX parts, Space
applications, linear dependency registration, license-expression validation and a cycle back to the subject."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.model.bom import Bom

from graphsc.bom.cyclonedx_schema import validate_cyclonedx
from graphsc.bom.pedigree import application_pedigree, bom_license, model_pedigree
from graphsc.bom.spdx3_schema import validate_spdx3
from graphsc.errors import UnknownRepoError
from graphsc.license_table.table import default_table
from graphsc.records import USER_REPO, USER_SPACE, DerivedFrom, GraphBatch, Model, Repo, Space, Uses
from graphsc.render.bom_cyclonedx import cyclonedx_application_bom, cyclonedx_model_bom
from graphsc.render.bom_spdx3 import spdx3_model_bom
from graphsc.store.sqlite import SQLiteStore


def _store(tmp_path: Path, batch: GraphBatch) -> SQLiteStore:
    store = SQLiteStore(tmp_path / "g.db")
    store.write(batch)
    return store


def _declared_expressions(text: str) -> dict[str, str]:
    """``{package name: its hasDeclaredLicense expression text (or the NoAssertion individual)}``."""
    graph = json.loads(text)["@graph"]
    by_id = {o["spdxId"]: o for o in graph if "spdxId" in o}
    found = {}
    for rel in graph:
        if rel.get("type") == "Relationship" and rel["relationshipType"] == "hasDeclaredLicense":
            target = by_id.get(rel["to"][0])
            found[by_id[rel["from"]]["name"]] = target["simplelicensing_licenseExpression"] if target else rel["to"][0]
    return found


def _cdx_licenses(text: str) -> dict[str, list[dict[str, Any]]]:
    doc = json.loads(text)
    components = [doc["metadata"]["component"], *doc.get("components", [])]
    components += [a for c in list(components) for a in c.get("pedigree", {}).get("ancestors", [])]
    return {c["name"]: c.get("licenses", []) for c in components}


# 1. A stub's stored license is written by both formats.
def test_stub_with_a_stored_license_keeps_it_in_spdx3_and_cyclonedx(tmp_path: Path) -> None:
    store = _store(
        tmp_path,
        GraphBatch(
            models=[Model("o/child", license="mit"), Model("o/base", license="cc-by-nc-4.0", fetched=False)],
            derived_from=[DerivedFrom("o/child", "o/base", "finetune", "hub-tag")],
        ),
    )
    p = model_pedigree(store, "o/child")
    expected = bom_license("cc-by-nc-4.0").expression
    assert expected == default_table()["cc-by-nc-4.0"].spdx
    spdx_text = spdx3_model_bom(p)
    assert validate_spdx3(spdx_text) == []
    assert _declared_expressions(spdx_text)["o/base"] == expected
    cdx = cyclonedx_model_bom(p)
    assert _cdx_licenses(cdx)["o/base"] == [{"license": {"id": expected, "acknowledgement": "declared"}}]


# 2. Compound licenses: operators kept, SPDX parts visible, one implementation for both formats.
def test_compound_license_name_and_expression_follow_the_operators() -> None:
    table = default_table()
    lic = bom_license("llama3.1 OR mit")
    assert lic.name == f"{table['llama3.1'].name} OR {table['mit'].name}"
    assert lic.expression == f"LicenseRef-graphsc-llama3.1 OR {table['mit'].spdx}"
    assert [r.id for r in lic.refs] == ["LicenseRef-graphsc-llama3.1"]
    nested = bom_license("(mit OR apache-2.0) AND llama3.1")
    assert nested.expression == (f"({table['mit'].spdx} OR {table['apache-2.0'].spdx}) AND LicenseRef-graphsc-llama3.1")


def test_user_licenseref_is_kept_as_written() -> None:
    assert bom_license("LicenseRef-Acme-Commercial").expression == "LicenseRef-Acme-Commercial"
    lic = bom_license("mit AND LicenseRef-Acme-Commercial")
    assert lic.expression == "MIT AND LicenseRef-Acme-Commercial"
    assert lic.url is None  # not MIT's URL: the license is not MIT alone


@pytest.mark.parametrize("declared", ["llama3.1 AND cc-by-nc-sa-4.0", "mit AND LicenseRef-Acme-Commercial"])
def test_compound_with_a_non_spdx_part_is_one_expression_in_both_formats(tmp_path: Path, declared: str) -> None:
    store = _store(tmp_path, GraphBatch(models=[Model("o/m", license=declared)]))
    p = model_pedigree(store, "o/m")
    expected = bom_license(declared)
    assert expected.expression is not None and expected.refs
    cdx = cyclonedx_model_bom(p)
    assert validate_cyclonedx(cdx) == []
    [entry] = _cdx_licenses(cdx)["o/m"]
    assert entry["expression"] == expected.expression
    assert {d["licenseIdentifier"] for d in entry.get("expressionDetails", [])} == {r.id for r in expected.refs}
    spdx_text = spdx3_model_bom(p)
    assert validate_spdx3(spdx_text) == []
    assert _declared_expressions(spdx_text)["o/m"] == expected.expression


def test_single_non_spdx_license_stays_a_name_in_cyclonedx(tmp_path: Path) -> None:
    store = _store(tmp_path, GraphBatch(models=[Model("o/m", license="llama3.1")]))
    [entry] = _cdx_licenses(cyclonedx_model_bom(model_pedigree(store, "o/m")))["o/m"]
    assert entry["license"]["name"] == default_table()["llama3.1"].name


# 3. Spaces: their license, no usages, and a repository with the same id.
def test_space_license_and_space_without_usages(tmp_path: Path) -> None:
    store = _store(tmp_path, GraphBatch(spaces=[Space("o/demo", license="apache-2.0")]))
    a = application_pedigree(store, "O/Demo")
    assert (a.id, a.kind, a.uses, a.models) == ("o/demo", USER_SPACE, (), ())
    assert a.license == bom_license("apache-2.0")
    assert validate_cyclonedx(cyclonedx_application_bom(a)) == []
    with pytest.raises(UnknownRepoError):
        application_pedigree(store, "o/none")


def test_repo_and_space_with_the_same_id_are_not_merged(tmp_path: Path) -> None:
    store = _store(
        tmp_path,
        GraphBatch(
            models=[Model("m/a"), Model("m/b")],
            repos=[Repo("o/x", license="mit")],
            spaces=[Space("o/x", license="cc-by-nc-4.0")],
            uses=[Uses("o/x", USER_REPO, "m/b", "code"), Uses("o/x", USER_SPACE, "m/a", "hub-spaces")],
        ),
    )
    a = application_pedigree(store, "o/x")
    assert a.kind == USER_REPO
    assert [u.model for u in a.uses] == ["m/b"]
    assert a.license == bom_license("mit")


# 4. Dependencies are registered without the library's per-call search.
def test_application_dependencies_do_not_use_the_quadratic_library_method(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    n = 30
    store = _store(
        tmp_path,
        GraphBatch(
            models=[Model(f"m/{i}") for i in range(n)],
            repos=[Repo("o/app")],
            uses=[Uses("o/app", USER_REPO, f"m/{i}", "code") for i in range(n)],
        ),
    )
    a = application_pedigree(store, "o/app")

    def quadratic(*args: object, **kwargs: object) -> None:
        raise AssertionError("Bom.register_dependency searches every dependency per call")

    monkeypatch.setattr(Bom, "register_dependency", quadratic)
    doc = json.loads(cyclonedx_application_bom(a))
    deps = {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}
    assert sorted(deps["repo:o/app"]) == sorted(f"model:m/{i}" for i in range(n))
    assert all(deps[f"model:m/{i}"] == [] for i in range(n))


# 5. License expressions are checked as SPDX.
def test_validate_spdx3_rejects_a_malformed_or_non_spdx_expression(tmp_path: Path) -> None:
    store = _store(tmp_path, GraphBatch(models=[Model("o/m", license="llama3.1 AND mit")]))
    text = spdx3_model_bom(model_pedigree(store, "o/m"))
    assert validate_spdx3(text) == []
    good = "LicenseRef-graphsc-llama3.1 AND MIT"
    assert good in text
    for bad in ("llama3.1 AND (MIT OR", "llama3.1 AND MIT", "MIT AND AND"):
        errors = validate_spdx3(text.replace(good, bad))
        assert errors and all("not valid SPDX" in e for e in errors), (bad, errors)
    assert validate_spdx3(text.replace(good, "MIT OR LicenseRef-graphsc-llama3.1")) == []


def test_validate_cyclonedx_checks_expressions(tmp_path: Path) -> None:
    store = _store(tmp_path, GraphBatch(models=[Model("o/m", license="mit OR apache-2.0")]))
    text = cyclonedx_model_bom(model_pedigree(store, "o/m"))
    assert validate_cyclonedx(text) == []
    assert '"MIT OR Apache-2.0"' in text
    for bad in ("llama3.1 OR Apache-2.0", "MIT OR"):
        errors = validate_cyclonedx(text.replace('"MIT OR Apache-2.0"', json.dumps(bad)))
        assert errors and "licenses[0].expression" in errors[0], (bad, errors)
    assert validate_cyclonedx(text.replace('"MIT OR Apache-2.0"', '"MIT OR LicenseRef-x"')) == []


# 6. A cycle back to the subject keeps its edge.
def test_cycle_edge_back_to_the_subject_is_a_property_of_the_subject(tmp_path: Path) -> None:
    store = _store(
        tmp_path,
        GraphBatch(
            models=[Model("test/cyc-a"), Model("test/cyc-b")],
            derived_from=[
                DerivedFrom("test/cyc-a", "test/cyc-b", "finetune", "hub-tag"),
                DerivedFrom("test/cyc-b", "test/cyc-a", "merge", "card"),
            ],
        ),
    )
    p = model_pedigree(store, "test/cyc-a")
    back = [e for e in p.edges if e.base == "test/cyc-a"]
    assert back
    doc = json.loads(cyclonedx_model_bom(p))
    props = {x["name"]: x["value"] for x in doc["metadata"]["component"].get("properties", [])}
    for e in back:
        assert props[f"graphsc:derived:{e.child}"] == f"{e.relation} ({e.source})"
