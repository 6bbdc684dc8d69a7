"""Read a software bill of materials (SBOM) and say which Hugging Face models its subject uses.

Formats: CycloneDX JSON (1.x: 1.4 to 1.7 are read the same way) and SPDX JSON (2.3, and 3.0.1 JSON-LD). XML and
SPDX tag-value are not read: they are reported as such (convert them to JSON first).

What is read:

- The subject: CycloneDX ``metadata.component``; SPDX 2.3 the package the document DESCRIBES
  (``documentDescribes`` or a DESCRIBES relationship); SPDX 3 the first package among the document's (or its
  ``software_Sbom``'s) ``rootElement``. Its id is ``owner/name`` when its purl is ``pkg:github/owner/name`` or one of
  its URLs (name, version-control/website references, SPDX downloadLocation/homepage) is a GitHub repository URL;
  a Space id (kind ``space``) when such a URL is ``https://huggingface.co/spaces/owner/name``; otherwise its name
  as the document gives it (CycloneDX ``group/name`` when there is a group), which may not be ``owner/name``.
  Its declared license(s) are kept raw (CycloneDX ``licenses``; SPDX ``licenseDeclared``, else
  ``licenseConcluded``; SPDX 3 ``hasDeclaredLicense``, else ``hasConcludedLicense``; NOASSERTION/NONE dropped).
- The models: any component/package with a ``pkg:huggingface/...`` purl, or a Hugging Face model URL
  (``https://huggingface.co/<owner>/<name>``, ``hf.co/...``) in its name or references; CycloneDX components of
  type ``machine-learning-model`` and SPDX 3 ``ai_AIPackage`` elements also by their name (``group/name``, an
  ``owner/name`` id or a legacy id such as ``gpt2``). In SPDX 3, when the subject has ``dependsOn`` (or
  ``contains``, ``usesTool``, ...) relationships, only the packages they point to are its models (not those
  packages' ``descendantOf`` ancestors); without any, every package is looked at. Every id goes through ``graphsc.ids.parse_repo_id``. An ML
  component whose name is no Hub id is kept in ``not_identified`` rather than guessed at.

A file that cannot be read, is not JSON, or is neither format raises ``InputFileError`` naming the file; nothing
else is raised, whatever the JSON holds.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple
from urllib.parse import unquote

import orjson

from graphsc.errors import InputFileError
from graphsc.ids import parse_repo_id, shown, storable
from graphsc.records import USER_REPO, USER_SPACE, UserKind
from graphsc.sources.peatmoss import repo_id_from_url
from graphsc.sources.snapshot import STREAM_ERRORS, check_input_file, open_binary

SbomFormat = Literal["cyclonedx", "spdx"]

XML_HINT = (
    "Convert it to JSON first, e.g. with cyclonedx-cli: `cyclonedx convert --input-file bom.xml --output-file "
    "bom.json`; or have the tool write JSON (`syft -o cyclonedx-json`, `cyclonedx-py ... --output-format JSON`)."
)
SBOM_HINT = (
    "graphsc reads CycloneDX JSON (1.x) and SPDX JSON (2.3, 3.0.1 JSON-LD) SBOMs, e.g. from "
    "`cyclonedx-py environment`, `syft -o cyclonedx-json` or `syft -o spdx-json`."
)

_HF_URL = re.compile(r"\s*(?:(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/|hf://)", re.IGNORECASE)
_HF_SPACE = re.compile(
    r"\s*(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/spaces/(?P<id>[^/?#\s]+/[^/?#\s]+)", re.IGNORECASE
)
# First path segments of huggingface.co pages that are not repositories (docs, blog, an organisation's page, ...).
_HF_PAGES = frozenset(
    {
        "docs",
        "blog",
        "learn",
        "papers",
        "posts",
        "pricing",
        "join",
        "login",
        "settings",
        "organizations",
        "collections",
        "tasks",
        "chat",
        "enterprise",
        "terms-of-service",
        "privacy",
        "changelog",
        "new",
        "search",
    }
)
_NO_LICENSE = frozenset({"NOASSERTION", "NONE", ""})
_ML_TYPE = "machine-learning-model"
# SPDX 3 relationships saying the subject uses the element(s) they point to (not descendantOf and other lineage).
_SPDX3_USES = frozenset(
    {
        "dependsOn",
        "contains",
        "usesTool",
        "hasDynamicLink",
        "hasStaticLink",
        "hasOptionalDependency",
        "hasProvidedDependency",
        "hasPrerequisite",
    }
)
_SPDX3_CONTEXT = re.compile(r"spdx\.org/rdf/(?P<version>3[0-9.]*)/")


class SbomModel(NamedTuple):
    """A Hub model the SBOM names: its id (as ``parse_repo_id`` resolved it), where it was found (a JSON path such as
    ``components[3].purl``) and the value written there when it was a legacy id renamed (else None)."""

    id: str
    evidence: str
    renamed_from: str | None = None


class NotIdentified(NamedTuple):
    """An ML model component or package whose name is no Hub id (a local or private model): where and what."""

    evidence: str
    value: str


@dataclass(frozen=True, slots=True)
class SbomUsage:
    """What one SBOM says: its subject (the application; ``subject_id`` None when the document names none) with its
    declared license values as written, and the Hub models it contains (one entry per model, first place found)."""

    path: str
    format: SbomFormat
    spec_version: str
    subject_id: str | None
    subject_kind: UserKind
    subject_name: str | None
    subject_license_raw: tuple[str, ...]
    models: tuple[SbomModel, ...]
    not_identified: tuple[NotIdentified, ...] = ()
    subject_model: str | None = None  # the subject is itself a Hub model (a model's BOM, as `graphsc bom` writes)


def read_sbom(path: str | os.PathLike[str]) -> SbomUsage:
    """Read the SBOM at ``path`` (``-``: stdin; gzipped is fine). Raises ``InputFileError`` naming the file when it
    cannot be read, is not JSON, or is neither CycloneDX nor SPDX JSON."""
    name = str(path)
    try:
        check_input_file(path)
    except InputFileError as exc:  # no such file, a directory, ...: with what this command reads
        raise InputFileError(exc.path, exc.reason, SBOM_HINT) from None
    try:
        with open_binary(path) as stream:
            data = stream.read()
    except STREAM_ERRORS as exc:
        raise InputFileError(name, f"cannot be read ({exc})", SBOM_HINT) from None
    return parse_sbom(data, name)


def parse_sbom(data: bytes, name: str) -> SbomUsage:
    """The SBOM in ``data`` (the bytes of the file ``name``, used in messages). Raises ``InputFileError`` only."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    head = data.lstrip()[:64]
    if not head:
        raise InputFileError(name, "the file is empty, not an SBOM", SBOM_HINT)
    if head.startswith(b"<"):
        raise InputFileError(name, "an XML document; graphsc reads the JSON forms of CycloneDX and SPDX", XML_HINT)
    if head.startswith((b"SPDXVersion:", b"##")):
        raise InputFileError(name, "an SPDX tag-value document; graphsc reads SPDX JSON", SBOM_HINT)
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InputFileError(name, f"not valid JSON ({exc})", SBOM_HINT) from None
    try:
        if isinstance(doc, dict):
            if doc.get("bomFormat") == "CycloneDX":
                return _cyclonedx(doc, name)
            if isinstance(doc.get("spdxVersion"), str) and doc["spdxVersion"].startswith("SPDX-2"):
                return _spdx2(doc, name)
            version = _spdx3_version(doc)
            if version is not None:
                return _spdx3(doc, name, version)
    except RecursionError:  # a document nested deeper than any SBOM is
        raise InputFileError(name, "nested too deeply to be an SBOM", SBOM_HINT) from None
    raise InputFileError(
        name,
        'neither a CycloneDX nor an SPDX JSON document (no bomFormat "CycloneDX", spdxVersion or SPDX 3 @context)',
        SBOM_HINT,
    )


# ---------------------------------------------------------------------------------------------------- shared helpers


def _text(value: Any) -> str | None:
    """A non-empty string value, stripped and storable; None for anything else."""
    if isinstance(value, str) and value.strip():
        return storable(value.strip())
    return None


def _items(value: Any) -> list[tuple[int, Any]]:
    """The indexed items of a JSON list; [] for anything else."""
    return list(enumerate(value)) if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _purl_parts(purl: str) -> tuple[str, str | None, str] | None:
    """``(type, namespace, name)`` of a package URL (``pkg:type/namespace/name@version?qualifiers#subpath``),
    lowercased type, percent-decoded parts; None if it is not one."""
    text = purl.strip()
    if not text.lower().startswith("pkg:"):
        return None
    text = text[4:].lstrip("/").split("#", 1)[0].split("?", 1)[0]
    parts = [p for p in text.split("/") if p]
    if len(parts) < 2:
        return None
    parts[-1] = parts[-1].split("@", 1)[0]
    kind, rest = parts[0].lower(), [unquote(p) for p in parts[1:]]
    if not rest[-1]:
        return None
    return kind, "/".join(rest[:-1]) or None, rest[-1]


def _hf_model_from_purl(purl: str) -> str | None:
    """The Hub id a ``pkg:huggingface/...`` purl names, as written (not yet parsed); None for other purls."""
    parts = _purl_parts(purl)
    if parts is None or parts[0] != "huggingface":
        return None
    return f"{parts[1]}/{parts[2]}" if parts[1] else parts[2]


def _github_from_purl(purl: str) -> str | None:
    parts = _purl_parts(purl)
    if parts is None or parts[0] != "github" or not parts[1]:
        return None
    return repo_id_from_url(f"github.com/{parts[1]}/{parts[2]}")


def _github_from_url(url: str) -> str | None:
    """``owner/name`` of a GitHub repository URL in any of the forms SBOMs write (``git+https://``, ``git@github.com:``,
    ``ssh://git@``, with ``.git``, ``@ref`` or ``#ref`` tails); None for anything else."""
    text = url.strip().removeprefix("git+")
    text = re.sub(r"^(?:ssh://)?git@github\.com[:/]", "github.com/", text, flags=re.IGNORECASE)
    text = text.split("#", 1)[0].split("?", 1)[0]
    found = repo_id_from_url(text)
    if found is not None and "@" in found:
        found = found.split("@", 1)[0] or None
    return found


def _space_from_url(url: str) -> str | None:
    match = _HF_SPACE.match(re.sub(r"^\s*git\+", "", url))
    if match is None:
        return None
    return parse_repo_id(f"https://huggingface.co/spaces/{match['id']}", "space").id


def _hf_model_from_url(url: str) -> str | None:
    """The Hub model a Hugging Face URL points at (as written, not yet parsed); None for other values and for
    dataset or Space URLs."""
    url = re.sub(r"^\s*git\+", "", url)  # SPDX downloadLocation: git+https://huggingface.co/owner/name
    match = _HF_URL.match(url)
    if match is None:
        return None
    first = url[match.end() :].lstrip("/").split("/", 1)[0].lower()
    if first in _HF_PAGES:
        return None
    return parse_repo_id(url.strip(), legacy=False).id


class _Collector:
    """Hub models found in a document, in order, one entry per model id (case-insensitive)."""

    def __init__(self) -> None:
        self.models: dict[str, SbomModel] = {}
        self.not_identified: list[NotIdentified] = []

    def add(self, written: str | None, evidence: str, *, namespaced: bool = True) -> bool:
        """Take ``written`` (an id as the document gives it) as a model if it parses as one; True if it did.
        ``namespaced``: only an ``owner/name`` id (after renaming a legacy id) counts, as a bare name in a URL is a
        user's or organisation's page and a bare ML component name says nothing about the Hub."""
        if written is None:
            return False
        parsed = parse_repo_id(written)
        if parsed.id is None or (namespaced and "/" not in parsed.id):
            return False
        key = parsed.id.lower()
        if key not in self.models:
            renamed = written if parsed.resolution == "legacy" else None
            self.models[key] = SbomModel(storable(parsed.id), evidence, renamed)
        return True

    def add_url(self, url: Any, evidence: str) -> bool:
        text = _text(url)
        return self.add(_hf_model_from_url(text), evidence) if text else False

    def add_purl(self, purl: Any, evidence: str) -> bool:
        text = _text(purl)
        return self.add(_hf_model_from_purl(text), evidence, namespaced=False) if text else False

    def add_ml_name(self, name: str | None, evidence: str) -> None:
        """An ML model's name that no purl or URL identified: an ``owner/name`` or legacy id, else not identified."""
        if name is None:
            return
        if not self.add(name, evidence):
            self.not_identified.append(NotIdentified(evidence, shown(name)))


@dataclass(slots=True)
class _Subject:
    id: str | None = None
    kind: UserKind = USER_REPO
    name: str | None = None


def _subject_model(purl: str | None, is_model: bool, name: str | None) -> str | None:
    """The Hub id of a subject that is itself a model (a ``pkg:huggingface`` purl, or an ML model named by its Hub
    id), else None."""
    written = _hf_model_from_purl(purl) if purl else None
    if written is None and is_model and name:
        written = name
    return parse_repo_id(written).id if written else None


def _subject_from(name: str | None, purls: list[str], urls: list[str], fallback: str | None) -> _Subject:
    """The subject's id from its purls and URLs (GitHub repository, then Hugging Face Space), else ``fallback``."""
    for purl in purls:
        found = _github_from_purl(purl)
        if found:
            # A purl's GitHub namespace and name are lower-cased (purl spec): the name or a URL keeps the casing.
            spelled = [s for s in (name, *(_github_from_url(u) for u in urls)) if s and s.lower() == found.lower()]
            return _Subject(spelled[0] if spelled else found, USER_REPO, name)
    for url in urls:
        found = _github_from_url(url)
        if found:
            return _Subject(found, USER_REPO, name)
    for url in urls:
        found = _space_from_url(url)
        if found:
            return _Subject(found, USER_SPACE, name)
    return _Subject(fallback, USER_REPO, name)


def _raw_licenses(values: list[str]) -> tuple[str, ...]:
    kept = [v for v in values if v.strip().upper() not in _NO_LICENSE]
    return tuple(dict.fromkeys(kept))


# --------------------------------------------------------------------------------------------------------- CycloneDX


def _cdx_licenses(value: Any) -> list[str]:
    found = []
    for _, entry in _items(value):
        entry = _dict(entry)
        expression = _text(entry.get("expression"))
        if expression:
            found.append(expression)
            continue
        lic = _dict(entry.get("license"))
        text = _text(lic.get("id")) or _text(lic.get("name"))
        if text:
            found.append(text)
    return found


def _cdx_refs(component: dict[str, Any]) -> list[tuple[int, str]]:
    refs = []
    for j, ref in _items(component.get("externalReferences")):
        url = _text(_dict(ref).get("url"))
        if url:
            refs.append((j, url))
    return refs


def _cdx_components(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every component with its JSON path, nested ones included, in document order (iteratively: no recursion)."""
    found: list[tuple[str, dict[str, Any]]] = []
    stack: list[tuple[str, Any]] = [("components", doc.get("components"))]
    while stack:
        where, value = stack.pop()
        children = []
        for i, item in _items(value):
            if isinstance(item, dict):
                found.append((f"{where}[{i}]", item))
                children.append((f"{where}[{i}].components", item.get("components")))
        stack.extend(reversed(children))
    found.sort(key=lambda pair: [int(n) if n.isdigit() else n for n in re.split(r"(\d+)", pair[0])])
    return found


def _cdx_name(component: dict[str, Any]) -> str | None:
    name = _text(component.get("name"))
    group = _text(component.get("group"))
    return f"{group}/{name}" if name and group else name


def _check_types(doc: dict[str, Any], name: str, expected: dict[str, Literal["array", "object"]]) -> None:
    """``InputFileError`` naming the file when a top-level field is present with the wrong JSON type (a ``components``
    that is no list is a broken document, not one without models)."""
    for key, kind in expected.items():
        value = doc.get(key)
        if value is not None and not isinstance(value, list if kind == "array" else dict):
            found = type(value).__name__.replace("str", "string").replace("dict", "object").replace("list", "array")
            raise InputFileError(name, f"{key} is a JSON {found}, not an {kind}: not a valid SBOM", SBOM_HINT)


def _cyclonedx(doc: dict[str, Any], name: str) -> SbomUsage:
    _check_types(doc, name, {"metadata": "object", "components": "array"})
    spec_version = _text(doc.get("specVersion")) or "unknown"
    top = _dict(_dict(doc.get("metadata")).get("component"))
    subject_name = _cdx_name(top)
    purl = _text(top.get("purl"))
    urls = [u for _, u in _cdx_refs(top)] + ([subject_name] if subject_name else [])
    subject = _subject_from(subject_name, [purl] if purl else [], urls, subject_name)
    subject_ref = _text(top.get("bom-ref"))
    found = _Collector()
    for where, component in _cdx_components(doc):
        if subject_ref is not None and _text(component.get("bom-ref")) == subject_ref:
            continue  # the subject listed again among its components
        hit = found.add_purl(component.get("purl"), f"{where}.purl")
        raw_name = _text(component.get("name"))
        hit = hit or found.add_url(raw_name, f"{where}.name")
        for j, url in _cdx_refs(component):
            hit = found.add_url(url, f"{where}.externalReferences[{j}].url") or hit
        if not hit and component.get("type") == _ML_TYPE:
            found.add_ml_name(_cdx_name(component), f"{where}.name")
    return SbomUsage(
        name,
        "cyclonedx",
        spec_version,
        subject.id,
        subject.kind,
        subject.name,
        _raw_licenses(_cdx_licenses(top.get("licenses"))),
        tuple(found.models.values()),
        tuple(found.not_identified),
        _subject_model(_text(top.get("purl")), top.get("type") == _ML_TYPE, subject_name),
    )


# ---------------------------------------------------------------------------------------------------------- SPDX 2.x


def _spdx2_purls(package: dict[str, Any]) -> list[tuple[int, str]]:
    purls = []
    for j, ref in _items(package.get("externalRefs")):
        ref = _dict(ref)
        locator = _text(ref.get("referenceLocator"))
        if locator and (ref.get("referenceType") == "purl" or locator.lower().startswith("pkg:")):
            purls.append((j, locator))
    return purls


def _spdx2_described(doc: dict[str, Any]) -> list[str]:
    ids = [t for _, v in _items(doc.get("documentDescribes")) if (t := _text(v))]
    doc_id = _text(doc.get("SPDXID")) or "SPDXRef-DOCUMENT"
    for _, rel in _items(doc.get("relationships")):
        rel = _dict(rel)
        kind, a, b = rel.get("relationshipType"), _text(rel.get("spdxElementId")), _text(rel.get("relatedSpdxElement"))
        if kind == "DESCRIBES" and a == doc_id and b:
            ids.append(b)
        elif kind == "DESCRIBED_BY" and b == doc_id and a:
            ids.append(a)
    return list(dict.fromkeys(ids))


def _spdx2(doc: dict[str, Any], name: str) -> SbomUsage:
    _check_types(doc, name, {"packages": "array", "relationships": "array", "documentDescribes": "array"})
    packages = [(i, p) for i, p in _items(doc.get("packages")) if isinstance(p, dict)]
    by_id = {sid: (i, p) for i, p in packages if (sid := _text(p.get("SPDXID")))}
    described = [by_id[d] for d in _spdx2_described(doc) if d in by_id]
    top_index, top = described[0] if described else (-1, {})
    subject_name = _text(top.get("name"))
    urls = [u for key in ("downloadLocation", "homepage") if (u := _text(top.get(key)))]
    subject = _subject_from(subject_name, [p for _, p in _spdx2_purls(top)], urls, subject_name)
    declared, concluded = _text(top.get("licenseDeclared")), _text(top.get("licenseConcluded"))
    licenses = _raw_licenses([declared] if declared else []) or _raw_licenses([concluded] if concluded else [])
    found = _Collector()
    for i, package in packages:
        if i == top_index:
            continue
        where = f"packages[{i}]"
        for j, purl in _spdx2_purls(package):
            found.add_purl(purl, f"{where}.externalRefs[{j}].referenceLocator")
        for key in ("downloadLocation", "homepage"):
            found.add_url(package.get(key), f"{where}.{key}")
        found.add_url(package.get("name"), f"{where}.name")
        for j, ref in _items(package.get("externalRefs")):
            found.add_url(_dict(ref).get("referenceLocator"), f"{where}.externalRefs[{j}].referenceLocator")
    version = _text(doc.get("spdxVersion")) or "SPDX-2"
    return SbomUsage(
        name,
        "spdx",
        version.removeprefix("SPDX-"),
        subject.id,
        subject.kind,
        subject.name,
        licenses,
        tuple(found.models.values()),
        tuple(found.not_identified),
    )


# ---------------------------------------------------------------------------------------------------------- SPDX 3.x


def _spdx3_version(doc: dict[str, Any]) -> str | None:
    contexts = doc.get("@context")
    for context in contexts if isinstance(contexts, list) else [contexts]:
        if isinstance(context, str) and (match := _SPDX3_CONTEXT.search(context)):
            return match["version"]
    for _, element in _items(doc.get("@graph")):
        element = _dict(element)
        if element.get("type") == "SpdxDocument" or element.get("@type") == "SpdxDocument":
            return "3"
    return None


def _type(element: dict[str, Any]) -> str | None:
    kind = element.get("type", element.get("@type"))
    return kind if isinstance(kind, str) else None


def _element_id(element: dict[str, Any]) -> str | None:
    return _text(element.get("spdxId")) or _text(element.get("@id"))


def _ids(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [t for _, v in _items(value) if (t := _text(v))]


def _spdx3_license_text(element: dict[str, Any], element_id: str) -> str | None:
    expression = _text(element.get("simplelicensing_licenseExpression"))
    if expression:
        return expression
    if element_id.startswith("https://spdx.org/licenses/"):
        return element_id.rsplit("/", 1)[-1]
    return _text(element.get("name"))


def _spdx3(doc: dict[str, Any], name: str, version: str) -> SbomUsage:
    _check_types(doc, name, {"@graph": "array"})
    elements = [(i, e) for i, e in _items(doc.get("@graph")) if isinstance(e, dict)]
    by_id = {eid: (i, e) for i, e in elements if (eid := _element_id(e))}
    roots: list[str] = []
    for _, e in elements:
        if _type(e) == "SpdxDocument":
            roots += _ids(e.get("rootElement"))
            version = _text(_dict(e.get("creationInfo")).get("specVersion")) or version
    top_index, top, seen = -1, {}, set()
    while roots:
        root = roots.pop(0)
        if root in seen or root not in by_id:
            continue
        seen.add(root)
        i, e = by_id[root]
        if _type(e) in ("software_Sbom", "Bom", "Bundle"):
            roots = _ids(e.get("rootElement")) + roots
        elif _type(e) in ("software_Package", "ai_AIPackage"):
            top_index, top = i, e
            break
    subject_name = _text(top.get("name"))
    purl = _text(top.get("software_packageUrl"))
    urls = [u for key in ("software_downloadLocation", "software_homePage") if (u := _text(top.get(key)))]
    subject = _subject_from(subject_name, [purl] if purl else [], urls, subject_name)
    top_id = _element_id(top)
    licenses: dict[str, list[str]] = {"hasDeclaredLicense": [], "hasConcludedLicense": []}
    used: set[str] | None = None  # what the subject dependsOn/contains/...; None: no such relationship
    for _, e in elements:
        kind = e.get("relationshipType")
        kind = kind.rsplit("/", 1)[-1] if isinstance(kind, str) else None
        if _type(e) != "Relationship" or not top_id or e.get("from") != top_id:
            continue
        if kind in _SPDX3_USES:
            used = (used or set()) | set(_ids(e.get("to")))
        elif kind in licenses:
            for target in _ids(e.get("to")):
                lic = _spdx3_license_text(by_id.get(target, (0, {}))[1], target)
                if lic:
                    licenses[kind].append(lic)
    subject_model = _subject_model(purl, _type(top) == "ai_AIPackage", subject_name)
    found = _Collector()
    for i, e in elements:
        if subject_model is not None:
            break  # a model's BOM: the other AI packages are its pedigree (lineage), not models it uses
        if i == top_index or _type(e) not in ("software_Package", "ai_AIPackage"):
            continue
        if used is not None and _element_id(e) not in used:
            continue  # not what the subject uses directly: e.g. a used model's ancestor (descendantOf)
        where = f"@graph[{i}]"
        hit = found.add_purl(e.get("software_packageUrl"), f"{where}.software_packageUrl")
        for j, ident in _items(e.get("externalIdentifier")):
            ident = _dict(ident)
            hit = found.add_purl(ident.get("identifier"), f"{where}.externalIdentifier[{j}].identifier") or hit
            hit = found.add_url(ident.get("identifier"), f"{where}.externalIdentifier[{j}].identifier") or hit
        for key in ("software_downloadLocation", "software_homePage", "name"):
            hit = found.add_url(e.get(key), f"{where}.{key}") or hit
        for j, ref in _items(e.get("externalRef")):
            for k, locator in _items(_dict(ref).get("locator")):
                hit = found.add_url(locator, f"{where}.externalRef[{j}].locator[{k}]") or hit
        if not hit and _type(e) == "ai_AIPackage":
            found.add_ml_name(_text(e.get("name")), f"{where}.name")
    return SbomUsage(
        name,
        "spdx",
        version,
        subject.id,
        subject.kind,
        subject.name,
        _raw_licenses(licenses["hasDeclaredLicense"]) or _raw_licenses(licenses["hasConcludedLicense"]),
        tuple(found.models.values()),
        tuple(found.not_identified),
        subject_model,
    )
