"""A model's (or an application's) supply chain as a CycloneDX 1.7 JSON BOM (an ML-BOM).

Built with cyclonedx-python-lib's model and JSON outputter from a ``graphsc.bom.pedigree.Pedigree`` or
``Application``; the document validates against the official CycloneDX 1.7 JSON schema
(``graphsc.bom.cyclonedx_schema.validate_cyclonedx``). 1.7 is the newest version cyclonedx-python-lib 11.12 both
writes and validates; only ``expressionDetails`` (the URL of each ``LicenseRef-`` of a license expression) is new
in 1.7 (ML components, model cards, pedigree and license acknowledgement are 1.6; the library leaves
``expressionDetails`` out of a 1.6 document), so ``SPEC_VERSION`` can go back to 1.6 for a consumer that reads
only 1.6.

What goes where:

- **A model** is a ``machine-learning-model`` component named by its Hub id, with purl
  ``pkg:huggingface/<owner>/<name>`` (no ``@version``: the purl version of a Hub model is its commit sha, which
  graphsc does not record), an external reference (``website``) to its Hub page, ``supplier`` the owner (with the
  owner's Hub page) and ``authors`` the record's author (else the owner). Its ``modelCard`` gives
  ``modelParameters.task`` (the Hub ``pipeline_tag``), ``architectureFamily``/``modelArchitecture`` (config
  ``model_type``, first ``architectures``), ``modelParameters.datasets`` as references to ``data`` components, one
  per dataset, each with its own license and Hub page, and ``quantitativeAnalysis.performanceMetrics`` (the results
  the card's ``model-index`` reports). Its files' weight formats and model-file risk flags (``graphsc risks``) are
  ``graphsc:weight-formats`` / ``graphsc:risk:<flag>`` properties. cyclonedx-python-lib has no model card
  (``Component.model_card`` is a commented-out stub in 11.12), so ``modelCard`` is the one part added to the
  outputter's JSON by hand.
- **Licenses** are declared (``acknowledgement: declared``), from ``BomLicense`` (``graphsc.bom.pedigree``, the
  same the SPDX 3 BOM writes): a single SPDX id as ``license.id``; a single license without one (``other`` with
  the card's ``license_name``/``license_link``, ``llama3.1``, ``unknown``, a misspelling) as ``license.name`` with
  ``license.url``; a compound as one SPDX ``expression`` in which each part without an SPDX id is a
  ``LicenseRef-graphsc-<id>`` (``LicenseRef-graphsc-llama3.1 AND CC-BY-NC-SA-4.0``; a ``LicenseRef-`` the source
  declared stays as written), each in ``expressionDetails`` with its URL when known and named by a
  ``graphsc:license:ref:<LicenseRef>`` property. A non-SPDX id is never a ``license.id``. A relative
  ``license_link`` (``LICENSE``) is resolved against the model's repository on the Hub. No declared license: no
  ``licenses`` at all (``graphsc:license:declared`` says ``NONE`` or ``NOASSERTION``).
- **The lineage** is ``pedigree.ancestors`` of the model: every ancestor up to the roots, as a flat list (a merge
  has several parents and ancestors are shared, so nesting would repeat them), each a full model component with
  its own license and purl. The DERIVED_FROM edges are properties on the base's component (below); the library
  orders ``ancestors`` and ``properties`` by name, so ``graphsc:generation-up`` gives the distance.
- **A model BOM**: ``metadata.component`` is the model; ``components`` the datasets of the whole chain;
  ``dependencies``: the model on its own datasets.
- **An application BOM** (a GitHub repository or Space using models): ``metadata.component`` is the application
  (type ``application``, name its id, its license, purl ``pkg:github/<owner>/<name>`` for a repository, an external
  reference to the repository or Space); ``components`` every model it uses, each with its own pedigree and
  findings, and the datasets of all chains; ``dependencies``: the application on each model, each model on its own
  datasets.
- ``metadata.tools`` names graphsc and its version; ``metadata.timestamp`` and ``serialNumber`` are given or now
  and random.

``bom-ref`` values: ``model:<id>`` (a model component), ``model:<id>#ancestor-of:<subject>`` (an ancestor in
``<subject>``'s pedigree; unique even when two used models share ancestors), ``dataset:<id>``, ``repo:<id>`` /
``space:<id>`` (the application).

Properties (all values strings; ``<child>``, ``<dataset>``, ``<model>`` are ids, ``<n>`` counts from 1):

==================================== ===================================== ===========================================
name                                 on                                    value
==================================== ===================================== ===========================================
``graphsc:fetched``                  every model                           ``true``, or ``false`` for a stub graphsc
                                                                           knows only as someone's base (its task and
                                                                           datasets are unknown; its license too,
                                                                           unless a source such as PeaTMOSS gave it)
``graphsc:license:declared``         every model, dataset, application     the license as stored (the Hub's id, e.g.
                                                                           ``llama3.1``, ``other``, ``mit AND
                                                                           apache-2.0``); ``NONE`` when a fetched model
                                                                           declares none, ``NOASSERTION`` when unknown
                                                                           (a stub, a dataset or application without
                                                                           one)
``graphsc:license:link``             any of those                          the card's ``license_link`` when it is not
                                                                           a URL the schema accepts (kept verbatim)
``graphsc:license:ref:<LicenseRef>`` same, for a compound license          the name of the license of that
                                                                           ``LicenseRef-`` id in the ``expression``
``graphsc:trained-on:<dataset>``     a model                               where the TRAINED_ON edge was read:
                                                                           ``card`` or ``hub-tag``
``graphsc:generation``               a BOM's subject model(s)              DERIVED_FROM edges on the longest path up
                                                                           to a root (a root: ``0``)
``graphsc:root``                     a BOM's subject model(s)              a root of its lineage (one property per
                                                                           root; a root names itself)
``graphsc:generation-up``            an ancestor                           the fewest DERIVED_FROM edges from the
                                                                           subject up to it (a parent: ``1``)
``graphsc:derived:<child>``          an ancestor; the subject, when an     ``<relation> (<source>)``: ``<child>`` (the
                                     ancestor derived from it (a cycle)    subject or another ancestor) was derived
                                                                           from this ancestor by ``<relation>``
                                                                           (``finetune``, ``adapter``, ``quantized``,
                                                                           ``merge``, ``distillation``), read from
                                                                           ``<source>`` (``hub-tag``, ``card``,
                                                                           ``card-relation``, ``inferred:<signal>``).
                                                                           One property per edge: an ancestor that is
                                                                           the base of several models has several; a
                                                                           merge's parents each carry one for the
                                                                           merge
``graphsc:uses:<model>``             the application                       how the usage was found: ``<source>``
                                                                           (``peatmoss``, ``github-code-search``,
                                                                           ``hub-spaces``), ``<source>: <evidence>``
                                                                           with a file or URL; one per USES edge
``graphsc:finding:<n>:rule``         a subject model, the application      the license rule (``graphsc licenses``),
                                                                           e.g. ``U-NC``
``graphsc:finding:<n>:kind``         same                                  the conflict kind, e.g.
                                                                           ``non_commercial_dropped``
``graphsc:finding:<n>:severity``     same                                  ``error``, ``warning`` or ``info``
``graphsc:finding:<n>:role``         same                                  ``origin`` (this component drops the
                                                                           obligation) or ``inherited`` (an ancestor
                                                                           dropped it and it reaches this model)
``graphsc:finding:<n>:edge``         same                                  the edge kind: ``derived``, ``merge``,
                                                                           ``trained_on`` or ``uses``
``graphsc:finding:<n>:origin-edge``  same                                  ``<child> ← <base>`` where it was dropped
                                                                           (a merge: ``<child> ← <parent>, <parent>``)
``graphsc:finding:<n>:licenses``     same                                  ``<child license> ← <base license>``
                                                                           (``(no license)`` for none)
``graphsc:finding:<n>:clauses``      same                                  the license clauses behind it (clause id:
                                                                           citation), ``; ``-separated
``graphsc:finding:<n>:dropped``      same                                  the obligations dropped, ``; ``-separated
``graphsc:finding:<n>:description``  same                                  one line saying what is wrong
==================================== ===================================== ===========================================

A finding field with nothing to say (no clauses, say) is left out. The findings are the ``Pedigree``'s (a
model's: the conflicts it originates or inherits) and the ``Application``'s (the usages where the application
itself drops a model's obligation), in the license report's order.
"""

from __future__ import annotations

import json
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from uuid import UUID, uuid4

from cyclonedx.exception.model import InvalidUriException
from cyclonedx.model import ExternalReference, ExternalReferenceType, Property, XsUri
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.component import Pedigree as CdxPedigree
from cyclonedx.model.contact import OrganizationalContact, OrganizationalEntity
from cyclonedx.model.dependency import Dependable, Dependency
from cyclonedx.model.license import (
    DisjunctiveLicense,
    License,
    LicenseAcknowledgement,
    LicenseExpression,
    LicenseExpressionDetails,
)
from cyclonedx.model.tool import ToolRepository
from cyclonedx.output.json import Json, JsonV1Dot6, JsonV1Dot7
from cyclonedx.spdx import fixup_id
from packageurl import PackageURL

from graphsc.bom.pedigree import HUB_URL, Application, BomDataset, BomLicense, BomModel, Pedigree, finding_fields
from graphsc.licenses.findings import Conflict
from graphsc.records import NO_LICENSE, USER_SPACE, EvalResult
from graphsc.reuse.risks import SEVERITY, own_flags

SPEC_VERSION = "1.7"
_OUTPUTTERS: dict[str, type[Json]] = {"1.6": JsonV1Dot6, "1.7": JsonV1Dot7}
# The top-level keys first, as the specification lists them (the outputter sorts them by name).
_HEAD = ("$schema", "bomFormat", "specVersion", "serialNumber", "version", "metadata")
NS = "graphsc:"
GITHUB_URL = "https://github.com"


def cyclonedx_model_bom(p: Pedigree, *, serial_number: UUID | None = None, timestamp: datetime | None = None) -> str:
    """The CycloneDX JSON BOM of one model: the model with its pedigree, datasets and license findings."""
    cards: dict[str, dict[str, Any]] = {}
    subject = _subject_component(p, cards)
    datasets = _dataset_components(_chain_datasets([p]))
    bom = _bom(subject, list(datasets.values()), serial_number, timestamp)
    bom.register_dependency(subject, [datasets[d.id] for d in p.subject.datasets])
    return _json(bom, cards)


def cyclonedx_application_bom(
    a: Application, *, serial_number: UUID | None = None, timestamp: datetime | None = None
) -> str:
    """The CycloneDX JSON BOM of an application: the repository or Space, every model it uses with its pedigree,
    the datasets of their chains, and the usage findings."""
    cards: dict[str, dict[str, Any]] = {}
    owner, _, name = a.id.rpartition("/")
    space = a.kind == USER_SPACE
    page = f"{HUB_URL}/spaces/{a.id}" if space else f"{GITHUB_URL}/{a.id}"
    files = f"{page}/blob/HEAD/" if not space else f"{page}/blob/main/"
    props = _license_properties(a.license, "NOASSERTION", files)
    props += [Property(name=f"{NS}uses:{u.model}", value=_usage(u.source, u.evidence)) for u in a.uses]
    props += _finding_properties(a.findings, a.id)
    app = Component(
        type=ComponentType.APPLICATION,
        name=a.id,
        bom_ref=f"{a.kind}:{a.id}",
        purl=None if space or not owner else PackageURL(type="github", namespace=owner, name=name),
        licenses=_licenses(a.license, files),
        external_references=[
            ExternalReference(
                type=ExternalReferenceType.WEBSITE if space else ExternalReferenceType.VCS, url=XsUri(page)
            )
        ],
        supplier=OrganizationalEntity(name=owner) if owner else None,
        properties=props,
    )
    models = [_subject_component(p, cards) for p in a.models]
    datasets = _dataset_components(_chain_datasets(a.models))
    bom = _bom(app, [*models, *datasets.values()], serial_number, timestamp)
    bom.register_dependency(app, models)
    for p, component in zip(a.models, models, strict=True):
        bom.register_dependency(component, [datasets[d.id] for d in p.subject.datasets])
    return _json(bom, cards)


def _bom(
    subject: Component, components: list[Component], serial_number: UUID | None, timestamp: datetime | None
) -> Bom:
    metadata = BomMetaData(
        tools=ToolRepository(components=[_graphsc_tool()]),
        component=subject,
        timestamp=timestamp if timestamp is not None else datetime.now(UTC),
    )
    bom = Bom(components=components, metadata=metadata, serial_number=serial_number or uuid4())
    _register_linearly(bom)
    return bom


def _register_linearly(bom: Bom) -> None:
    """Make ``bom.register_dependency`` (ours, and the outputter's ``Bom.validate``, which calls it once per
    component) find a registered component through an index. The library's method searches the BOM's
    dependencies on every call, and registers each target the same way: an application of 2,000 models took
    seconds, one of 20,000 minutes. Same result, same order (the dependencies are a sorted set)."""
    index: dict[str, Dependency] = {str(d.ref.value): d for d in bom.dependencies if d.ref.value}
    library = bom.register_dependency

    def register(target: Dependable, depends_on: Iterable[Dependable] | None = None) -> None:
        ref = target.bom_ref.value
        if ref is None:  # pragma: no cover - graphsc gives every component a bom-ref
            library(target, depends_on)
            return
        targets = list(depends_on or ())
        found = index.get(ref)
        if found is None:
            found = Dependency(ref=target.bom_ref, dependencies=[Dependency(ref=t.bom_ref) for t in targets])
            index[ref] = found
            bom.dependencies.add(found)
        elif targets:
            found.dependencies.update(Dependency(ref=t.bom_ref) for t in targets)
        for t in targets:
            register(t)

    setattr(bom, "register_dependency", register)  # noqa: B010 - an instance's method (mypy forbids assigning it)


@cache
def _graphsc_version() -> str | None:
    """The installed graphsc's version (read once: it parses the package metadata)."""
    try:
        return version("graphsc")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree that is not installed
        return None


def _graphsc_tool() -> Component:
    return Component(
        type=ComponentType.APPLICATION,
        name="graphsc",
        version=_graphsc_version(),
        description="maps the supply chain of Hugging Face models as a graph",
    )


def _json(bom: Bom, cards: dict[str, dict[str, Any]]) -> str:
    """The outputter's JSON with each ``modelCard`` added to the component of its bom-ref."""
    with warnings.catch_warnings():
        # "no defined dependencies" for a model BOM whose datasets are only its ancestors': harmless here.
        warnings.simplefilter("ignore", UserWarning)
        generated = json.loads(_OUTPUTTERS[SPEC_VERSION](bom).output_as_string())
    document = {k: generated[k] for k in _HEAD if k in generated} | generated
    if cards:
        for component in _all_components(document):
            card = cards.get(component.get("bom-ref", ""))
            if card is not None:
                component["modelCard"] = card
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _all_components(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every component of a BOM document: metadata.component, components, and their pedigree ancestors."""
    stack: list[dict[str, Any]] = []
    if "component" in document.get("metadata", {}):
        stack.append(document["metadata"]["component"])
    stack.extend(document.get("components", []))
    while stack:
        component = stack.pop()
        yield component
        stack.extend(component.get("pedigree", {}).get("ancestors", []))
        stack.extend(component.get("components", []))


def _subject_component(p: Pedigree, cards: dict[str, dict[str, Any]]) -> Component:
    """The model of ``p`` as a component with its whole pedigree, its generation, roots and findings."""
    subject_id = p.subject.model.id
    distance = _distances(p)
    ancestors = []
    for ancestor in p.ancestors:
        a_id = ancestor.model.id
        props = [Property(name=f"{NS}generation-up", value=str(distance.get(a_id, "")))]
        props += [
            Property(name=f"{NS}derived:{e.child}", value=f"{e.relation} ({e.source})")
            for e in p.edges
            if e.base == a_id
        ]
        ancestors.append(
            _model_component(ancestor, f"model:{a_id}#ancestor-of:{subject_id}", props, cards, is_base=True)
        )
    props = [Property(name=f"{NS}root", value=r) for r in p.roots]
    # A cycle back to the subject (an ancestor derived from the subject): the edge is on the subject, as on a base.
    props += [
        Property(name=f"{NS}derived:{e.child}", value=f"{e.relation} ({e.source})")
        for e in p.edges
        if e.base == subject_id
    ]
    if p.generation is not None:
        props.append(Property(name=f"{NS}generation", value=str(p.generation)))
    props += _finding_properties(p.findings, subject_id)
    return _model_component(
        p.subject, f"model:{subject_id}", props, cards, CdxPedigree(ancestors=ancestors) if ancestors else None
    )


def _distances(p: Pedigree) -> dict[str, int]:
    """Fewest DERIVED_FROM edges from the subject to each ancestor (breadth-first over ``p.edges``)."""
    bases: dict[str, list[str]] = {}
    for e in p.edges:
        bases.setdefault(e.child, []).append(e.base)
    start = p.subject.model.id
    distance = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for base in bases.get(node, ()):
            if base not in distance:
                distance[base] = distance[node] + 1
                queue.append(base)
    return distance


def _model_component(
    m: BomModel,
    bom_ref: str,
    extra: list[Property],
    cards: dict[str, dict[str, Any]],
    pedigree: CdxPedigree | None = None,
    *,
    is_base: bool = False,
) -> Component:
    record = m.model
    owner, _, name = record.id.rpartition("/")
    props = [Property(name=f"{NS}fetched", value=str(record.fetched).lower())]
    files = f"{HUB_URL}/{record.id}/blob/main/"
    props += _license_properties(m.license, "NONE" if record.fetched else "NOASSERTION", files)
    props += [Property(name=f"{NS}trained-on:{d.id}", value=d.source) for d in m.datasets]
    props += _file_properties(m, is_base)
    card = _model_card(m)
    if card:
        cards[bom_ref] = card
    author = record.author or owner
    return Component(
        type=ComponentType.MACHINE_LEARNING_MODEL,
        name=record.id,
        bom_ref=bom_ref,
        purl=PackageURL(type="huggingface", namespace=owner or None, name=name),
        supplier=OrganizationalEntity(name=owner, urls=[XsUri(f"{HUB_URL}/{owner}")]) if owner else None,
        authors=[OrganizationalContact(name=author)] if author else None,
        licenses=_licenses(m.license, files),
        external_references=[ExternalReference(type=ExternalReferenceType.WEBSITE, url=XsUri(m.url))],
        properties=[*props, *extra],
        pedigree=pedigree,
    )


def _file_properties(m: BomModel, is_base: bool) -> list[Property]:
    """What the model's files say (``graphsc:weight-formats``, ``graphsc:pickle-files``) and its model-file risk
    flags as ``graphsc:risk:<flag>`` = severity (``graphsc risks``; docs/risks.md): a BOM consumer sees that loading
    the model runs code without running graphsc."""
    found: list[Property] = []
    d = m.details
    if d is not None and d.files is not None:
        found.append(Property(name=f"{NS}weight-formats", value=",".join(d.weight_formats) or "none"))
        if d.pickle_files:
            found.append(Property(name=f"{NS}pickle-files", value=str(d.pickle_files)))
    found += [
        Property(name=f"{NS}risk:{flag}", value=SEVERITY[flag]) for flag in own_flags(d, bool(m.model.fetched), is_base)
    ]
    return found


def _model_card(m: BomModel) -> dict[str, Any]:
    """The ``modelCard`` JSON of a model (the library cannot express it): ``modelParameters`` — the task, the
    architecture family (config ``model_type``) and architecture (its first ``architectures`` entry), dataset
    references — and ``quantitativeAnalysis.performanceMetrics``: each result the card's ``model-index`` reports,
    its metric as ``type``, the value as written, the dataset (and task) as ``slice``."""
    parameters: dict[str, Any] = {}
    if m.model.pipeline_tag:
        parameters["task"] = m.model.pipeline_tag
    if m.details is not None and m.details.model_type:
        parameters["architectureFamily"] = m.details.model_type
    if m.details is not None and m.details.architectures:
        parameters["modelArchitecture"] = m.details.architectures[0]
    if m.datasets:
        parameters["datasets"] = [{"ref": f"dataset:{d.id}"} for d in m.datasets]
    card: dict[str, Any] = {"modelParameters": parameters} if parameters else {}
    metrics = [_performance_metric(r) for r in m.eval_results]
    if metrics:
        card["quantitativeAnalysis"] = {"performanceMetrics": metrics}
    return card


def _performance_metric(r: EvalResult) -> dict[str, str]:
    metric = {
        "type": r.metric or r.metric_name or "unnamed",
        "value": str(r.value) if r.value is not None else (r.value_text or ""),
    }
    where = r.dataset_name or r.dataset
    if where:
        metric["slice"] = f"{where} ({r.task})" if r.task else where
    return metric


def _chain_datasets(pedigrees: Iterable[Pedigree]) -> list[BomDataset]:
    """Every dataset of the models and their ancestors, once each (first seen wins), in id order."""
    found: dict[str, BomDataset] = {}
    for p in pedigrees:
        for m in (p.subject, *p.ancestors):
            for d in m.datasets:
                found.setdefault(d.id, d)
    return [found[k] for k in sorted(found)]


def _dataset_components(datasets: list[BomDataset]) -> dict[str, Component]:
    page = f"{HUB_URL}/datasets/"
    return {
        d.id: Component(
            type=ComponentType.DATA,
            name=d.id,
            bom_ref=f"dataset:{d.id}",
            licenses=_licenses(d.license, f"{page}{d.id}/blob/main/"),
            external_references=[ExternalReference(type=ExternalReferenceType.WEBSITE, url=XsUri(f"{page}{d.id}"))],
            properties=_license_properties(d.license, "NOASSERTION", f"{page}{d.id}/blob/main/"),
        )
        for d in datasets
    }


def _licenses(lic: BomLicense, relative_base: str) -> list[License]:
    """``lic`` as CycloneDX licenses: one SPDX ``id``; one ``name`` (+ ``url``) for a single license without an
    SPDX id; else the SPDX ``expression`` (``BomLicense.expression``: its parts without an SPDX id are
    ``LicenseRef-`` ids, each in ``expressionDetails`` with its URL when known); none when nothing is declared. A
    non-SPDX id never goes into ``license.id``."""
    ack = LicenseAcknowledgement.DECLARED
    if lic.spdx:
        spdx_id = fixup_id(lic.spdx)
        if spdx_id is not None:
            return [DisjunctiveLicense(id=spdx_id, acknowledgement=ack)]
        return [LicenseExpression(lic.spdx, acknowledgement=ack)]
    single = lic.single_ref
    if lic.expression is not None and lic.refs and single is None:
        details = [LicenseExpressionDetails(ref.id, url=_uri(ref.url, relative_base)) for ref in lic.refs]
        return [LicenseExpression(lic.expression, acknowledgement=ack, details=details)]
    name = lic.name or lic.declared
    if name is None:
        return []
    return [DisjunctiveLicense(name=name, url=_uri(lic.url, relative_base), acknowledgement=ack)]


def _license_properties(lic: BomLicense, missing: str, relative_base: str) -> list[Property]:
    props = [Property(name=f"{NS}license:declared", value=lic.declared or missing)]
    if lic.expression is not None and not lic.spdx and lic.refs and lic.single_ref is None:
        props += [Property(name=f"{NS}license:ref:{ref.id}", value=ref.name) for ref in lic.refs]
    if lic.url and not lic.spdx and _uri(lic.url, relative_base) is None:
        props.append(Property(name=f"{NS}license:link", value=lic.url))
    return props


def _uri(url: str | None, relative_base: str) -> XsUri | None:
    """``url`` as a schema-valid URI: absolute as it is, a relative path (``LICENSE``) resolved against
    ``relative_base`` (the model's files on the Hub); None when it is not usable as a URI."""
    if not url:
        return None
    text = url.strip()
    if "://" not in text:
        if not relative_base or not text or text.startswith(("/", "#", "?")) or ":" in text:
            return None
        text = relative_base + text.removeprefix("./")
    elif not text.lower().startswith(("http://", "https://")):
        return None
    try:
        return XsUri(text)
    except InvalidUriException:
        return None


def _usage(source: str, evidence: str | None) -> str:
    return f"{source}: {evidence}" if evidence else source


def _finding_properties(findings: Iterable[Conflict], subject_id: str) -> list[Property]:
    props: list[Property] = []
    for n, c in enumerate(findings, start=1):
        key = f"{NS}finding:{n}:"
        fields = finding_fields(c, subject_id)
        bases = ", ".join(fields["bases"]) if fields["bases"] else (fields["base"] or "")
        values = {
            **{name: fields[name] for name in ("rule", "kind", "severity", "role", "edge")},
            "origin-edge": f"{fields['child']} ← {bases}",
            "licenses": f"{fields['child_license']} ← {fields['base_license'] or NO_LICENSE}",
            "clauses": "; ".join(fields["clauses"]),
            "dropped": "; ".join(fields["dropped"]),
            "description": fields["description"],
        }
        props += [Property(name=key + field, value=value) for field, value in values.items() if value]
    return props
