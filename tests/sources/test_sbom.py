"""Reading SBOMs (graphsc.sources.sbom) and writing them into a store (graphsc.ingest.sbom).

Expected subjects, licenses and models are read from the fixtures here, with the fixture's own structure, not
taken from graphsc's output. The fixtures and their provenance: tests/sources/data/sbom/README.md.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphsc.errors import InputFileError
from graphsc.ingest.sbom import ingest_sbom
from graphsc.records import SOURCE_SBOM, GraphBatch, Model
from graphsc.sources.sbom import SBOM_HINT, parse_sbom, read_sbom
from graphsc.store.sqlite import SQLiteStore

DATA = Path(__file__).parent / "data" / "sbom"
CHATBOT = DATA / "chatbot.cdx.json"
PY_ENV = DATA / "cyclonedx-py-requests-env.cdx.json"
SPDX2 = DATA / "summarizer.spdx.json"
SPDX3 = DATA / "voice-app.spdx3.jsonld"


def load(path: Path) -> Any:
    return json.loads(path.read_text())


def test_cyclonedx_app_with_two_models() -> None:
    doc = load(CHATBOT)
    top = doc["metadata"]["component"]
    owner_name = top["purl"].removeprefix("pkg:github/").split("@")[0]
    hf = [
        (i, c["purl"].removeprefix("pkg:huggingface/").split("@")[0])
        for i, c in enumerate(doc["components"])
        if c.get("purl", "").startswith("pkg:huggingface/")
    ]
    by_url = [
        (i, j, "/".join(r["url"].split("/")[3:5]))
        for i, c in enumerate(doc["components"])
        for j, r in enumerate(c.get("externalReferences", []))
        if r["url"].startswith("https://huggingface.co/") and "/docs/" not in r["url"]
    ]
    usage = read_sbom(CHATBOT)
    assert (usage.format, usage.spec_version) == ("cyclonedx", doc["specVersion"])
    assert (usage.subject_id, usage.subject_kind, usage.subject_name) == (owner_name, "repo", top["name"])
    assert usage.subject_license_raw == (top["licenses"][0]["license"]["id"],)
    assert [(m.id, m.evidence) for m in usage.models] == [(hf[0][1], f"components[{hf[0][0]}].purl")] + [
        (model, f"components[{i}].externalReferences[{j}].url") for i, j, model in by_url
    ]
    assert usage.not_identified == ()


def test_cyclonedx_py_environment_sbom_has_no_models() -> None:
    doc = load(PY_ENV)
    usage = read_sbom(PY_ENV)
    assert usage.models == () and usage.not_identified == ()
    top = doc["metadata"]["component"]
    assert usage.subject_id == top["name"]  # no GitHub URL or purl: the name as the document gives it
    assert usage.subject_license_raw == tuple(lic["license"]["id"] for lic in top["licenses"])
    assert usage.spec_version == doc["specVersion"]


def test_spdx23_described_package_and_model() -> None:
    doc = load(SPDX2)
    described = doc["documentDescribes"][0]
    top = next(p for p in doc["packages"] if p["SPDXID"] == described)
    owner_name = "/".join(top["homepage"].split("/")[3:5])
    models = [
        (i, j, ref["referenceLocator"].removeprefix("pkg:huggingface/"))
        for i, p in enumerate(doc["packages"])
        for j, ref in enumerate(p.get("externalRefs", []))
        if ref["referenceLocator"].startswith("pkg:huggingface/")
    ]
    usage = read_sbom(SPDX2)
    assert (usage.format, usage.spec_version) == ("spdx", doc["spdxVersion"].removeprefix("SPDX-"))
    assert (usage.subject_id, usage.subject_kind) == (owner_name, "repo")
    assert usage.subject_license_raw == (top["licenseDeclared"],)
    # the same model also in a lower-cased downloadLocation URL: one model, first place found
    assert [(m.id, m.evidence) for m in usage.models] == [
        (model, f"packages[{i}].externalRefs[{j}].referenceLocator") for i, j, model in models
    ]


def test_spdx3_space_with_ai_package() -> None:
    doc = load(SPDX3)
    graph = doc["@graph"]
    app = next(e for e in graph if e["type"] == "software_Package")
    space = app["software_downloadLocation"].split("/spaces/")[1]
    license_text = next(e for e in graph if e["type"] == "simplelicensing_LicenseExpression")[
        "simplelicensing_licenseExpression"
    ]
    ai = [(i, e["name"]) for i, e in enumerate(graph) if e["type"] == "ai_AIPackage"]
    usage = read_sbom(SPDX3)
    assert (usage.format, usage.spec_version) == ("spdx", "3.0.1")
    assert (usage.subject_id, usage.subject_kind) == (space, "space")
    assert usage.subject_license_raw == (license_text,)
    assert [(m.id, m.evidence) for m in usage.models] == [(name, f"@graph[{i}].name") for i, name in ai]


def test_spdx3_fixture_is_valid_spdx() -> None:
    from spdx_python_model import v3_0_1 as spdx

    objects = spdx.SHACLObjectSet()
    with SPDX3.open() as f:
        spdx.JSONLDDeserializer().read(f, objects)
    assert any(isinstance(o, spdx.ai_AIPackage) for o in objects.foreach())


def test_legacy_ids_case_and_unidentified_ml_components() -> None:
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "metadata": {"component": {"type": "application", "name": "git@github.com:Acme/App.git"}},
        "components": [
            {"type": "library", "name": "x", "purl": "pkg:huggingface/gpt2@main"},
            {"type": "machine-learning-model", "name": "my-local-classifier"},
            {"type": "machine-learning-model", "name": "OpenAI-Community/GPT2"},
            {"type": "library", "name": "org page", "externalReferences": [{"url": "https://huggingface.co/acme"}]},
        ],
    }
    usage = parse_sbom(json.dumps(doc).encode(), "t.json")
    assert usage.subject_id == "Acme/App"
    assert [(m.id, m.evidence, m.renamed_from) for m in usage.models] == [
        ("openai-community/gpt2", "components[0].purl", "gpt2")
    ]
    assert [(n.evidence, n.value) for n in usage.not_identified] == [("components[1].name", "my-local-classifier")]


BAD = {
    "garbage.json": b"\x00\xff not json at all",
    "truncated.json": CHATBOT.read_bytes()[:300],
    "neither.json": b'{"name": "just a package.json", "version": "1.0.0"}',
    "list.json": b"[1, 2, 3]",
    "empty.json": b"",
    "bom.xml": b'<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.6"/>',
    "doc.spdx": b"SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_files_are_input_errors_naming_the_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(BAD[name])
    with pytest.raises(InputFileError) as err:
        read_sbom(path)
    assert err.value.path == str(path) and str(path) in err.value.message


def test_missing_file_and_directory(tmp_path: Path) -> None:
    for path, reason in ((tmp_path / "nope.json", "no such file"), (tmp_path, "is a directory")):
        with pytest.raises(InputFileError, match=reason):
            read_sbom(path)


def test_models_without_subject_is_an_error_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "nosubject.json"
    path.write_text(json.dumps({"bomFormat": "CycloneDX", "components": [{"purl": "pkg:huggingface/a/b"}]}))
    store = SQLiteStore(tmp_path / "g.db")
    with pytest.raises(InputFileError, match="no subject"):
        ingest_sbom(store, path)
    assert store.counts().edges.get("USES", 0) == 0
    store.close()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=30,
)
keys = st.sampled_from(
    [
        "components",
        "metadata",
        "component",
        "purl",
        "name",
        "group",
        "type",
        "externalReferences",
        "url",
        "licenses",
        "license",
        "id",
        "expression",
        "packages",
        "externalRefs",
        "referenceLocator",
        "SPDXID",
        "documentDescribes",
        "relationships",
        "@graph",
        "rootElement",
        "spdxId",
        "software_packageUrl",
        "from",
        "to",
    ]
)
sbom_like = st.recursive(
    st.none()
    | st.integers()
    | st.text()
    | st.sampled_from(
        [
            "pkg:huggingface/a/b",
            "https://huggingface.co/x/y",
            "machine-learning-model",
            "ai_AIPackage",
            "software_Package",
            "SpdxDocument",
            "pkg:github/o/n",
            "https://github.com/o/n",
            "DESCRIBES",
        ]
    ),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=40,
)
documents = st.one_of(
    json_values,
    st.builds(lambda d: {**d, "bomFormat": "CycloneDX"}, st.dictionaries(keys, sbom_like, max_size=5)),
    st.builds(lambda d: {**d, "spdxVersion": "SPDX-2.3"}, st.dictionaries(keys, sbom_like, max_size=5)),
    st.builds(
        lambda d: {**d, "@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"},
        st.dictionaries(keys, sbom_like, max_size=5),
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_read_sbom_raises_only_input_errors(doc: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.json"
        path.write_text(json.dumps(doc))
        try:
            usage = read_sbom(path)
        except InputFileError as exc:
            assert str(path) in exc.message
            return
        assert all("/" in m.id or m.evidence.endswith("purl") for m in usage.models)


def test_ingest_twice_same_counts(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "g.db")
    try:
        for path in (CHATBOT, SPDX2, SPDX3, PY_ENV):
            ingest_sbom(store, path)
        first = store.counts()
        uses = sorted(u for batch in store.iter_uses() for u in batch)
        for path in (CHATBOT, SPDX2, SPDX3, PY_ENV):
            ingest_sbom(store, path)
        assert store.counts() == first
        again = sorted(u for batch in store.iter_uses() for u in batch)
        assert [u[:5] for u in again] == [u[:5] for u in uses]
        expected = {(read_sbom(p).subject_id, m.id) for p in (CHATBOT, SPDX2, SPDX3) for m in read_sbom(p).models}
        assert {(u.user, u.model) for u in again if u.source == SOURCE_SBOM} == expected
        assert first.edges["USES"] == len(expected)
        repos = {r.id: r for batch in store.iter_repos() for r in batch}
        assert (repos["acme/chatbot"].license, repos["acme/chatbot"].license_raw) == ("mit", "MIT")
    finally:
        store.close()


def _counts(store: SQLiteStore) -> tuple[int, int, int, int]:
    """Models, repositories, Spaces and USES edges in ``store``."""
    return (
        sum(len(b) for b in store.iter_models()),
        sum(len(b) for b in store.iter_repos()),
        sum(len(b) for b in store.iter_spaces()),
        sum(len(b) for b in store.iter_uses()),
    )


def _cdx(path: Path, top: dict[str, Any], components: list[dict[str, Any]]) -> Path:
    path.write_text(
        json.dumps(
            {"bomFormat": "CycloneDX", "specVersion": "1.6", "metadata": {"component": top}, "components": components}
        )
    )
    return path


def test_a_models_own_bom_and_an_sbom_without_models_write_nothing(tmp_path: Path) -> None:
    model_bom = _cdx(
        tmp_path / "model.cdx.json",
        {"type": "machine-learning-model", "name": "leaf", "group": "acme", "purl": "pkg:huggingface/acme/leaf"},
        [{"type": "machine-learning-model", "name": "base", "purl": "pkg:huggingface/acme/base"}],
    )
    no_models = _cdx(tmp_path / "app.cdx.json", {"type": "application", "name": "app", "purl": "pkg:github/a/app"}, [])
    with SQLiteStore(tmp_path / "g.db") as store:
        assert read_sbom(model_bom).subject_model == "acme/leaf" and read_sbom(no_models).subject_id == "a/app"
        for path in (model_bom, no_models, PY_ENV):
            report = ingest_sbom(store, path)
            assert report.models_fetched == 0
            assert _counts(store) == (0, 0, 0, 0), path


def test_models_are_recorded_under_the_stored_spelling(tmp_path: Path) -> None:
    stored = "Acme-Org/Big-Model"
    written = stored.swapcase()
    path = _cdx(
        tmp_path / "app.cdx.json",
        {"type": "application", "name": "app", "purl": "pkg:github/a/app"},
        [{"type": "library", "name": "m", "purl": f"pkg:huggingface/{written}"}],
    )
    with SQLiteStore(tmp_path / "g.db") as store:
        store.write(GraphBatch(models=[Model(stored, license="mit", fetched=True)]))
        report = ingest_sbom(store, path)
        assert [m.id for m in report.models] == [stored] and report.models_fetched == 1
        assert [m.id for b in store.iter_models() for m in b] == [stored]  # no second record in the SBOM's casing
        assert [(u.user, u.model) for b in store.iter_uses() for u in b] == [("a/app", stored)]


def test_ingest_sbom_cli_prints_the_stored_spelling(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from graphsc.cli import app

    stored = "Acme-Org/Big-Model"
    path = _cdx(
        tmp_path / "app.cdx.json",
        {"type": "application", "name": "app", "purl": "pkg:github/a/app"},
        [{"type": "library", "name": "m", "purl": f"pkg:huggingface/{stored.lower()}"}],
    )
    db = tmp_path / "g.db"
    with SQLiteStore(db) as store:
        store.write(GraphBatch(models=[Model(stored, fetched=True)]))
    result = CliRunner().invoke(app, ["ingest", "sbom", str(path), "--db", str(db)], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert "1 fetched" in result.output and f"  {stored}  [" in result.output
    assert stored.lower() not in result.output


@pytest.mark.parametrize(
    "doc",
    [
        {"bomFormat": "CycloneDX", "components": "nope", "metadata": []},
        {"bomFormat": "CycloneDX", "components": [], "metadata": "x"},
        {"spdxVersion": "SPDX-2.3", "packages": {"a": 1}},
        {"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": {"type": "SpdxDocument"}},
    ],
)
def test_wrong_types_of_top_level_fields_are_input_errors(tmp_path: Path, doc: dict[str, Any]) -> None:
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(InputFileError) as err:
        read_sbom(path)
    assert err.value.path == str(path) and "not a valid SBOM" in err.value.message


def test_missing_file_directory_and_xml_hints_are_about_sboms(tmp_path: Path) -> None:
    xml = tmp_path / "bom.xml"
    xml.write_bytes(BAD["bom.xml"])
    for path in (tmp_path / "nope.json", tmp_path):
        with pytest.raises(InputFileError) as err:
            read_sbom(path)
        assert err.value.hint == SBOM_HINT and "Parquet" not in SBOM_HINT
    with pytest.raises(InputFileError) as err:
        read_sbom(xml)
    assert "cyclonedx convert --input-file" in (err.value.hint or "")


def test_cyclonedx_1_7_is_read_and_the_hints_say_1_x(tmp_path: Path) -> None:
    doc = load(CHATBOT)
    doc["specVersion"] = "1.7"
    path = tmp_path / "bom17.json"
    path.write_text(json.dumps(doc))
    assert read_sbom(path).models == read_sbom(CHATBOT).models
    assert "1.x" in SBOM_HINT and "1.6)" not in SBOM_HINT


@pytest.mark.parametrize("prefix", ["git+https://huggingface.co/", "git+https://hf.co/", "https://huggingface.co/"])
def test_spdx2_download_location_with_git_plus_names_a_model(tmp_path: Path, prefix: str) -> None:
    doc = load(SPDX2)
    model = "microsoft/phi-2"
    doc["packages"].append({"SPDXID": "SPDXRef-phi", "name": "phi", "downloadLocation": f"{prefix}{model}"})
    path = tmp_path / "s.spdx.json"
    path.write_text(json.dumps(doc))
    where = f"packages[{len(doc['packages']) - 1}].downloadLocation"
    assert (model, where) in {(m.id, m.evidence) for m in read_sbom(path).models}


def test_spdx3_models_are_what_the_subject_depends_on_not_their_ancestors(tmp_path: Path) -> None:
    def package(sid: str, model: str) -> dict[str, Any]:
        return {"type": "ai_AIPackage", "spdxId": sid, "name": model, "software_packageUrl": f"pkg:huggingface/{model}"}

    def rel(kind: str, a: str, b: str) -> dict[str, Any]:
        return {"type": "Relationship", "spdxId": f"{a}-{kind}-{b}", "relationshipType": kind, "from": a, "to": [b]}

    used, ancestor = "acme/leaf", "acme/base"
    graph: list[dict[str, Any]] = [
        {"type": "SpdxDocument", "spdxId": "doc", "rootElement": ["app"]},
        {"type": "software_Package", "spdxId": "app", "name": "app", "software_packageUrl": "pkg:github/a/app"},
        package("m1", used),
        package("m2", ancestor),
        rel("descendantOf", "m1", "m2"),
    ]
    context = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
    without = tmp_path / "without.jsonld"
    without.write_text(json.dumps({"@context": context, "@graph": graph}))
    with_deps = tmp_path / "with.jsonld"
    with_deps.write_text(json.dumps({"@context": context, "@graph": [*graph, rel("dependsOn", "app", "m1")]}))
    assert [m.id for m in read_sbom(with_deps).models] == [used]
    assert [m.id for m in read_sbom(without).models] == [used, ancestor]  # no usage relationship: every package
