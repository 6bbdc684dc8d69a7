"""A model's (or an application's) pedigree as an SPDX 3.0.1 JSON-LD document, with the AI and Dataset profiles.

Every element is built with the spdx-python-model bindings (generated from the official SPDX 3.0.1 SHACL model,
so each property is type-checked as it is set) and written by their JSON-LD serializer; nothing here writes
JSON-LD by hand. ``graphsc.bom.spdx3_schema.validate_spdx3`` reads a document back and checks it.

The document (``@graph`` of an ``@context`` https://spdx.org/rdf/3.0.1/spdx-context.jsonld):

- ``SpdxDocument``: ``rootElement`` the subject (the model, or the application), ``element`` every other element,
  ``profileConformance`` core, software, ai, dataset, simpleLicensing, expandedLicensing, ``dataLicense``
  ``CC0-1.0`` (the license SPDX puts on SPDX metadata).
- one ``CreationInfo`` (blank node) shared by every element: ``specVersion`` 3.0.1, ``created`` (the ``created``
  argument, default now, UTC), ``createdBy`` a ``SoftwareAgent`` "graphsc", ``createdUsing`` a ``Tool``
  "graphsc <version>".
- ``ai_AIPackage`` for the model and every ancestor (an unfetched base too, with a ``comment`` saying so):
  ``name`` the repo id, ``software_downloadLocation`` / ``software_homePage`` its Hub page,
  ``software_packageUrl`` ``pkg:huggingface/<owner>/<name>``, ``software_primaryPurpose`` model,
  ``suppliedBy`` an ``Agent`` for the Hub owner (graphsc does not know whether it is a person or an
  organization), ``releaseTime`` the record's ``created_at``, ``ai_domain`` its ``pipeline_tag``.
- ``dataset_DatasetPackage`` for every dataset a model was trained on: its Hub dataset page,
  ``software_primaryPurpose`` data, ``dataset_datasetType`` noAssertion (the graph does not record it).
- an application: a ``software_Package`` (``software_primaryPurpose`` application; a GitHub repository's page and
  ``pkg:github/<owner>/<name>``, or a Space's page), every used model with its own chain.

Relationships (``Relationship``, each with an ``spdxId``):

- ``descendantOf``, one per DERIVED_FROM edge (``from`` the child, ``to`` its one base; a merge has one per
  parent). Its ``comment`` keeps what SPDX has no property for, exactly
  ``graphsc DERIVED_FROM relation=<finetune|adapter|quantized|merge|distillation|...> source=<hub-tag|card|
  inferred:<signal>|...>``. No ``ancestorOf`` is written: it would only repeat each edge reversed.
- ``trainedOn``, one per TRAINED_ON edge, ``from`` the model ``to`` the dataset, ``comment``
  ``graphsc TRAINED_ON source=<card|hub-tag>``.
- ``dependsOn``, one per model an application uses, ``from`` the application ``to`` the model, ``comment``
  ``graphsc USES source=<sources, comma-separated>``.
- ``hasDeclaredLicense``, one per package, ``to`` its license: a ``simplelicensing_LicenseExpression`` (one per
  distinct expression; an unfetched stub's too, when the store has its license) or, when nothing is declared, the individual
  ``expandedlicensing_NoAssertionLicense`` — nothing is known, which is not the same as "no license"
  (``NoneLicense``). graphsc writes no ``hasConcludedLicense``: it normalises what cards declare, it does not
  scan license texts, so it never concludes a license of its own.

Licenses: the expression is ``BomLicense.expression`` (``graphsc.bom.pedigree.bom_license``, the same the
CycloneDX BOM writes): each part without an SPDX id
becomes ``LicenseRef-graphsc-<table id>`` (``LicenseRef-graphsc-llama3.1``; for ``other`` with a card
``license_name``, ``LicenseRef-graphsc-other-<name>``; an id outside graphsc's table keeps its own text,
sanitised; a ``LicenseRef-`` the source declared stays as written), parts with an SPDX id keep it (``MIT AND LicenseRef-graphsc-llama3.1``), and the expression's
``simplelicensing_customIdToUri`` maps each ``LicenseRef-`` to an ``expandedlicensing_CustomLicense`` element
(``name``, ``expandedlicensing_seeAlso`` the license's URL when known, ``simplelicensing_licenseText`` a note that
graphsc does not copy license texts — the model requires a text). A non-SPDX id is never written as an SPDX id.
A ``LicenseRef-`` the document already defines as another license (name / URL) gets a short hash suffix.

License findings (``Pedigree.findings``, ``Application.findings``) are ``Annotation`` elements on the element
they concern (the model, or the application for a usage finding): ``annotationType`` review, ``name``
``graphsc license finding <rule>``, ``summary`` the finding's one-line detail, ``contentType``
``application/json`` and ``statement`` a JSON object with exactly these keys::

    {"rule": "U-NC", "kind": "non_commercial_dropped", "severity": "warning", "role": "origin|inherited",
     "edge": "derived|merge|trained_on|uses", "child": "<id>", "child_license": "...", "base": "<id>|null",
     "bases": ["<id>", ...], "base_license": "...|null", "relation": "...|null", "origin_licenses": ["..."],
     "clauses": ["<license>.<clause>: <citation>", ...], "dropped": ["..."], "description": "..."}

``role`` is ``origin`` when the element is the finding's ``child`` (it drops the obligation itself), else
``inherited`` (it is below the model that dropped it).
"""

from __future__ import annotations

import io
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from hashlib import sha1
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import quote

from spdx_python_model import v3_0_1 as spdx

from graphsc.bom.pedigree import HUB_URL, Application, BomLicense, BomModel, Pedigree, finding_fields
from graphsc.licenses.findings import Conflict
from graphsc.records import USER_REPO

SPEC_VERSION = "3.0.1"
_NO_TEXT = (
    "graphsc does not copy license texts. This is the license its source declares as {declared!r}; its text is {where}."
)
# An id of a license expression (an SPDX idstring, a LicenseRef-, a trailing +).
_REF_TOKEN = re.compile(r"[A-Za-z0-9.+:-]+")


def spdx3_model_bom(p: Pedigree, *, created: datetime | None = None, namespace: str | None = None) -> str:
    """``p`` as an SPDX 3.0.1 JSON-LD document (see the module docstring for its shape).

    ``created``: the document's creation time (default now; a naive time is taken as UTC). ``namespace``: the
    IRI prefix of every ``spdxId`` (default ``https://spdx.org/spdxdocs/graphsc-<uuid5 of the model id and the
    time>``, SPDX's convention for a tool's document namespace; the same model at the same time gets the same
    ids)."""
    doc = _Document(p.subject.model.id, created, namespace)
    subject = doc.add_pedigree(p)
    return doc.render(subject, f"graphsc BOM of {p.subject.model.id}")


def spdx3_application_bom(a: Application, *, created: datetime | None = None, namespace: str | None = None) -> str:
    """``a`` (a repository or Space and every model it uses, each with its chain) as an SPDX 3.0.1 JSON-LD
    document; ``created`` and ``namespace`` as in ``spdx3_model_bom``."""
    doc = _Document(a.id, created, namespace)
    app = doc.add_application(a)
    return doc.render(app, f"graphsc BOM of {a.id}")


@dataclass
class _Document:
    """The elements of one document, each added once (by its spdxId), in a stable order."""

    subject_id: str
    created_at: datetime | None
    namespace_arg: str | None
    elements: dict[str, spdx.Element] = field(default_factory=dict)
    licenses: dict[str, spdx.simplelicensing_LicenseExpression] = field(default_factory=dict)
    custom: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    declared: set[str] = field(default_factory=set)
    edges: set[tuple[str, str, str]] = field(default_factory=set)
    annotated: set[tuple[str, int]] = field(default_factory=set)
    counter: int = 0

    def __post_init__(self) -> None:
        created = self.created_at or datetime.now(UTC)
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        self.created = created.replace(microsecond=0)
        if self.namespace_arg:
            self.ns = self.namespace_arg.rstrip("/#")
        else:
            token = uuid.uuid5(uuid.NAMESPACE_URL, f"graphsc:{self.subject_id}@{self.created.isoformat()}")
            self.ns = f"https://spdx.org/spdxdocs/graphsc-{token}"
        self.ci = spdx.CreationInfo(specVersion=SPEC_VERSION, created=self.created)
        agent = spdx.SoftwareAgent(spdxId=f"{self.ns}/agent/graphsc", name="graphsc", creationInfo=self.ci)
        tool = spdx.Tool(spdxId=f"{self.ns}/tool/graphsc", name=f"graphsc {_graphsc_version()}", creationInfo=self.ci)
        self.ci.createdBy = [agent]
        self.ci.createdUsing = [tool]
        self.elements[agent.spdxId or ""] = agent
        self.elements[tool.spdxId or ""] = tool

    # --- ids and shared elements ---

    def iri(self, kind: str, key: str) -> str:
        return f"{self.ns}/{kind}/{quote(key, safe='/')}"

    def next_iri(self, kind: str) -> str:
        self.counter += 1
        return f"{self.ns}/{kind}/{self.counter}"

    def agent(self, platform: str, owner: str) -> spdx.Agent:
        spdx_id = self.iri(f"agent/{platform}", owner)
        found = self.elements.get(spdx_id)
        if isinstance(found, spdx.Agent):
            return found
        where = "Hugging Face" if platform == "huggingface" else "GitHub"
        agent = spdx.Agent(spdxId=spdx_id, name=owner, comment=f"{where} account", creationInfo=self.ci)
        self.elements[spdx_id] = agent
        return agent

    def relationship(self, source: spdx.Element, kind: str, targets: list[spdx.Element | str], comment: str) -> None:
        rel = spdx.Relationship(
            spdxId=self.next_iri("relationship"),
            creationInfo=self.ci,
            from_=source,
            relationshipType=kind,
            to=targets,
        )
        if comment:
            rel.comment = comment
        self.elements[rel.spdxId or ""] = rel

    # --- packages ---

    def model(self, bm: BomModel) -> spdx.ai_AIPackage:
        m = bm.model
        spdx_id = self.iri("model", m.id)
        found = self.elements.get(spdx_id)
        if isinstance(found, spdx.ai_AIPackage):
            return found
        owner, _, name = m.id.rpartition("/")
        pkg = spdx.ai_AIPackage(
            spdxId=spdx_id,
            creationInfo=self.ci,
            name=m.id,
            software_downloadLocation=bm.url,
            software_homePage=bm.url,
            software_packageUrl=_purl("huggingface", owner, name),
            software_primaryPurpose=spdx.software_SoftwarePurpose.model,
        )
        if owner:
            pkg.suppliedBy = self.agent("huggingface", owner)
        released = _timestamp(m.created_at)
        if released is not None:
            pkg.releaseTime = released
        if m.pipeline_tag:
            pkg.ai_domain = [m.pipeline_tag]
        if not m.fetched:
            pkg.comment = "not fetched: graphsc knows this model only as the base of another one"
        self.elements[spdx_id] = pkg
        self.declare(pkg, bm.license)
        for ds in bm.datasets:
            dataset = self.dataset(ds.id, ds.license)
            if ("trainedOn", m.id, ds.id) not in self.edges:
                self.edges.add(("trainedOn", m.id, ds.id))
                self.relationship(
                    pkg, spdx.RelationshipType.trainedOn, [dataset], f"graphsc TRAINED_ON source={ds.source}"
                )
        return pkg

    def dataset(self, dataset_id: str, license_: BomLicense) -> spdx.dataset_DatasetPackage:
        spdx_id = self.iri("dataset", dataset_id)
        found = self.elements.get(spdx_id)
        if isinstance(found, spdx.dataset_DatasetPackage):
            return found
        owner, _, _ = dataset_id.rpartition("/")
        url = f"{HUB_URL}/datasets/{dataset_id}"
        pkg = spdx.dataset_DatasetPackage(
            spdxId=spdx_id,
            creationInfo=self.ci,
            name=dataset_id,
            software_downloadLocation=url,
            software_homePage=url,
            software_primaryPurpose=spdx.software_SoftwarePurpose.data,
            dataset_datasetType=[spdx.dataset_DatasetType.noAssertion],
        )
        if owner:
            pkg.suppliedBy = self.agent("huggingface", owner)
        self.elements[spdx_id] = pkg
        self.declare(pkg, license_)
        return pkg

    def add_pedigree(self, p: Pedigree) -> spdx.ai_AIPackage:
        subject = self.model(p.subject)
        by_id = {bm.model.id: bm for bm in (p.subject, *p.ancestors)}
        for bm in p.ancestors:
            self.model(bm)
        for e in p.edges:
            if ("descendantOf", e.child, e.base) in self.edges:
                continue
            self.edges.add(("descendantOf", e.child, e.base))
            self.relationship(
                self.model(by_id[e.child]),
                spdx.RelationshipType.descendantOf,
                [self.model(by_id[e.base])],
                f"graphsc DERIVED_FROM relation={e.relation} source={e.source}",
            )
        for c in p.findings:
            self.finding(subject, p.subject.model.id, c)
        return subject

    def add_application(self, a: Application) -> spdx.software_Package:
        owner, _, name = a.id.rpartition("/")
        if a.kind == USER_REPO:
            url, purl, platform = f"https://github.com/{a.id}", _purl("github", owner, name), "github"
        else:
            url, purl, platform = f"{HUB_URL}/spaces/{a.id}", None, "huggingface"
        app = spdx.software_Package(
            spdxId=self.iri("application", a.id),
            creationInfo=self.ci,
            name=a.id,
            software_downloadLocation=url,
            software_homePage=url,
            software_primaryPurpose=spdx.software_SoftwarePurpose.application,
        )
        if purl is not None:
            app.software_packageUrl = purl
        if owner:
            app.suppliedBy = self.agent(platform, owner)
        self.elements[app.spdxId or ""] = app
        self.declare(app, a.license)
        sources: dict[str, list[str]] = {}
        for u in a.uses:
            sources.setdefault(u.model, [])
            if u.source not in sources[u.model]:
                sources[u.model].append(u.source)
        for p in a.models:
            model = self.add_pedigree(p)
            used = sources.get(p.subject.model.id, [])
            self.relationship(
                app, spdx.RelationshipType.dependsOn, [model], "graphsc USES source=" + ",".join(sorted(used))
            )
        for c in a.findings:
            self.finding(app, a.id, c)
        return app

    # --- licenses and findings ---

    def declare(self, element: spdx.Element, license_: BomLicense) -> None:
        key = element.spdxId or ""
        if key in self.declared:
            return
        self.declared.add(key)
        target: spdx.Element | str
        if license_.declared is None or license_.expression is None:
            target = spdx.expandedlicensing_IndividualLicensingInfo.NoAssertionLicense
        else:
            target = self.license_expression(license_)
        self.relationship(element, spdx.RelationshipType.hasDeclaredLicense, [target], "")

    def license_expression(self, lic: BomLicense) -> spdx.simplelicensing_LicenseExpression:
        """The document's ``LicenseExpression`` for ``lic.expression`` (``graphsc.bom.pedigree.bom_license``), with
        a ``CustomLicense`` per ``LicenseRef-``; a ``LicenseRef-`` the document already defines as another license
        gets a short hash (``unique_ref``), in the expression too."""
        renamed = {ref.id: self.unique_ref(ref.id, ref.name, ref.url) for ref in lic.refs}
        text = _REF_TOKEN.sub(lambda m: renamed.get(m.group(0), m.group(0)), lic.expression or "")
        found = self.licenses.get(text)
        if found is not None:
            return found
        expression = spdx.simplelicensing_LicenseExpression(
            spdxId=self.iri("license", f"{len(self.licenses) + 1}"),
            creationInfo=self.ci,
            simplelicensing_licenseExpression=text,
        )
        entries = []
        for ref in lic.refs:
            custom = self.custom_license(renamed[ref.id], ref.name, ref.url, lic.declared or "")
            entries.append(spdx.DictionaryEntry(key=renamed[ref.id], value=custom.spdxId))
        if entries:
            expression.simplelicensing_customIdToUri = entries
        self.licenses[text] = expression
        self.elements[expression.spdxId or ""] = expression
        return expression

    def unique_ref(self, ref: str, name: str | None, url: str | None) -> str:
        """``ref``, or ``ref`` with a short hash when the document already has ``ref`` for another license."""
        known = self.custom.get(ref)
        if known is None or known == (name, url):
            self.custom[ref] = (name, url)
            return ref
        unique = f"{ref}-{sha1(f'{name}|{url}'.encode()).hexdigest()[:8]}"
        self.custom[unique] = (name, url)
        return unique

    def custom_license(
        self, ref: str, name: str | None, url: str | None, declared: str
    ) -> spdx.expandedlicensing_CustomLicense:
        spdx_id = f"{self.ns}/{ref}"
        found = self.elements.get(spdx_id)
        if isinstance(found, spdx.expandedlicensing_CustomLicense):
            return found
        custom = spdx.expandedlicensing_CustomLicense(
            spdxId=spdx_id,
            creationInfo=self.ci,
            name=name or ref,
            simplelicensing_licenseText=_NO_TEXT.format(
                declared=declared, where=f"at {url}" if url else "not known to graphsc"
            ),
        )
        if url:
            custom.expandedlicensing_seeAlso = [url]
        self.elements[spdx_id] = custom
        return custom

    def finding(self, element: spdx.Element, element_id: str, c: Conflict) -> None:
        key = (element.spdxId or "", hash(c))
        if key in self.annotated:
            return
        self.annotated.add(key)
        statement = finding_fields(c, element_id)
        note = spdx.Annotation(
            spdxId=self.next_iri("annotation"),
            creationInfo=self.ci,
            annotationType=spdx.AnnotationType.review,
            subject=element,
            name=f"graphsc license finding {c.rule}",
            summary=c.detail,
            contentType="application/json",
            statement=json.dumps(statement, ensure_ascii=False),
        )
        self.elements[note.spdxId or ""] = note

    # --- the document ---

    def render(self, root: spdx.Element, name: str) -> str:
        data_license = spdx.simplelicensing_LicenseExpression(
            spdxId=f"{self.ns}/data-license",
            creationInfo=self.ci,
            simplelicensing_licenseExpression="CC0-1.0",
        )
        profiles = spdx.ProfileIdentifierType
        document = spdx.SpdxDocument(
            spdxId=f"{self.ns}/document",
            creationInfo=self.ci,
            name=name,
            dataLicense=data_license,
            profileConformance=[
                profiles.core,
                profiles.software,
                profiles.ai,
                profiles.dataset,
                profiles.simpleLicensing,
                profiles.expandedLicensing,
            ],
            rootElement=[root],
            element=list(self.elements.values()),
        )
        objects = spdx.SHACLObjectSet([document, data_license, *self.elements.values()])
        out = io.BytesIO()
        spdx.JSONLDSerializer().write(objects, out, force_at_graph=True, indent=2, ensure_ascii=False)
        return out.getvalue().decode("utf-8")


def _purl(kind: str, owner: str, name: str) -> str:
    """``pkg:<kind>/<owner>/<name>`` (purl-spec: the ``huggingface`` type's namespace is the Hub owner)."""
    parts = [quote(part, safe="") for part in (owner, name) if part]
    return f"pkg:{kind}/" + "/".join(parts)


def _timestamp(text: str | None) -> datetime | None:
    """A stored ISO time (``2025-01-29T08:29:22.000Z``) as an aware datetime; None when missing or unreadable."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _graphsc_version() -> str:
    try:
        return version("graphsc")
    except PackageNotFoundError:
        return "unknown"
