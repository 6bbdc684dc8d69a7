"""What a bill of materials says about one model, assembled once from the store for every BOM format.

A ``Pedigree`` is the model, every ancestor up to the roots (a merge keeps every parent), the DERIVED_FROM edges
between them with their relation and provenance, the datasets each was trained on, the licenses of all of them
in the forms a BOM needs (``BomLicense``), and the license findings touching the model. The renderers in
``graphsc.render`` (``bom_cyclonedx``, ``bom_spdx3``) only translate it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from graphsc.errors import UnknownRepoError
from graphsc.license_table.normalize import normalize_license
from graphsc.license_table.table import default_table
from graphsc.licenses.findings import Conflict, LicenseReport
from graphsc.lineage import compute_lineage
from graphsc.records import USER_REPO, DerivedFrom, Model, Uses
from graphsc.store.base import GraphStore

HUB_URL = "https://huggingface.co"


@dataclass(frozen=True, slots=True)
class BomLicense:
    """A declared license in the forms BOM formats accept.

    ``declared``: the stored license (table ids, e.g. ``llama3.1`` or ``mit AND apache-2.0``), None when none is
    declared. ``spdx``: an SPDX license expression when every part has an SPDX id (``NormalizedLicense.
    spdx_expression``), else None. ``name`` / ``url``: a readable name and the license text's URL for the rest
    (the card's ``license_name`` / ``license_link`` first, else the table's name and text URL). ``ids``: the
    table ids involved (a ``LicenseRef-`` per id where SPDX has none)."""

    declared: str | None
    spdx: str | None = None
    name: str | None = None
    url: str | None = None
    ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BomDataset:
    """A dataset a model was trained on (``TrainedOn``), with its license when the store knows it."""

    id: str
    license: BomLicense
    source: str


@dataclass(frozen=True, slots=True)
class BomModel:
    """A model of the chain: its record (an unfetched stub has ``fetched`` False), license and datasets."""

    model: Model
    license: BomLicense
    datasets: tuple[BomDataset, ...] = ()

    @property
    def url(self) -> str:
        """The model's page on the Hub."""
        return f"{HUB_URL}/{self.model.id}"


@dataclass(frozen=True, slots=True)
class Pedigree:
    """One model's BOM content.

    ``ancestors``: every ancestor, nearest first (by generations up, then id). ``edges``: every DERIVED_FROM
    edge among the model and its ancestors, child before base, in (child, base) order; a merge has one per
    parent. ``findings``: license conflicts the model originates or inherits (``LicenseReport.for_model``), in
    the report's order; empty when no report was given."""

    subject: BomModel
    ancestors: tuple[BomModel, ...]
    edges: tuple[DerivedFrom, ...]
    generation: int | None
    roots: tuple[str, ...]
    findings: tuple[Conflict, ...] = ()

    def parents_of(self, model_id: str) -> list[DerivedFrom]:
        """The edges from ``model_id`` to its bases."""
        return [e for e in self.edges if e.child == model_id]


def bom_license(declared: str | None, license_name: str | None = None, license_link: str | None = None) -> BomLicense:
    """``declared`` (a stored license, with the card's ``license_name`` / ``license_link``) as a ``BomLicense``."""
    if declared is None and license_name is None and license_link is None:
        return BomLicense(None)
    normalized = normalize_license(declared, license_name, license_link)
    table = default_table()
    ids = tuple(i for i in normalized.ids or ((normalized.id,) if normalized.id else ()) if i in table.licenses)
    known = [table[i] for i in ids]
    name = license_name or (" AND ".join(lic.name for lic in known) if known else declared)
    url = license_link
    if url is None and len(known) == 1 and known[0].text is not None:
        url = known[0].text.link
    return BomLicense(declared, normalized.spdx_expression(table), name, url, ids)


def finding_fields(c: Conflict, subject_id: str) -> dict[str, Any]:
    """A license finding as the fields every BOM format writes (JSON-ready; lists for the multi-valued ones).
    ``role`` is ``origin`` when ``subject_id`` (the model or application the BOM is about) drops the obligation
    itself, ``inherited`` when an ancestor did."""
    return {
        "rule": c.rule,
        "kind": c.kind,
        "severity": c.severity,
        "role": "origin" if c.child == subject_id else "inherited",
        "edge": c.edge,
        "child": c.child,
        "child_license": c.child_license,
        "base": c.base,
        "bases": list(c.bases),
        "base_license": c.base_license,
        "relation": c.relation,
        "origin_licenses": list(c.origin_licenses),
        "clauses": list(c.clauses),
        "dropped": list(c.dropped),
        "description": c.description,
    }


def model_pedigree(store: GraphStore, model_id: str, report: LicenseReport | None = None) -> Pedigree:
    """The ``Pedigree`` of ``model_id`` (any spelling the store resolves). Raises ``UnknownModelError`` for a model
    not in the graph. ``report`` (``graphsc.licenses.check_store``) supplies the findings."""
    lineage = compute_lineage(store, model_id, "up")
    subject_id = lineage.model.id
    distance = lineage.ancestor_distance
    ancestor_ids = sorted((m for m in distance if m != subject_id), key=lambda m: (distance[m], m))
    models = {**lineage.models, subject_id: lineage.model}
    datasets = _datasets(store, [subject_id, *ancestor_ids])
    findings = tuple(c for c, _ in report.for_model(subject_id)) if report is not None else ()
    return Pedigree(
        subject=_bom_model(models[subject_id], datasets),
        ancestors=tuple(_bom_model(models.get(m) or Model(m, fetched=False), datasets) for m in ancestor_ids),
        edges=tuple(sorted(set(lineage.ancestor_edges), key=lambda e: (e.child, e.base))),
        generation=lineage.generation,
        roots=lineage.roots,
        findings=findings,
    )


@dataclass(frozen=True, slots=True)
class Application:
    """An application's BOM content: the repository (or Space) ``id`` with its license, the USES edges from it
    (by model id), each used model's ``Pedigree`` (in the same order), and the usage findings where the
    application itself drops a model's obligation (``Conflict.child`` is the application)."""

    id: str
    kind: str
    license: BomLicense
    uses: tuple[Uses, ...]
    models: tuple[Pedigree, ...]
    findings: tuple[Conflict, ...] = ()


def application_pedigree(store: GraphStore, repo_id: str, report: LicenseReport | None = None) -> Application:
    """The ``Application`` of the repository or Space ``repo_id`` (matched case-insensitively). Raises
    ``UnknownRepoError`` when no stored repository or Space has that id."""
    key = repo_id.strip().lower()
    uses = sorted(
        (u for page in store.iter_uses() for u in page if u.user.lower() == key), key=lambda u: (u.model, u.source)
    )
    repo = next((r for page in store.iter_repos() for r in page if r.id.lower() == key), None)
    if repo is None and not uses:
        raise UnknownRepoError(repo_id)
    app_id = repo.id if repo is not None else uses[0].user
    kind = uses[0].user_kind if uses else USER_REPO
    license_ = bom_license(repo.license) if repo is not None else BomLicense(None)
    model_ids = list(dict.fromkeys(u.model for u in uses))
    findings = tuple(c for c in report.conflicts if c.child == app_id) if report is not None else ()
    return Application(
        app_id, kind, license_, tuple(uses), tuple(model_pedigree(store, m, report) for m in model_ids), findings
    )


def _bom_model(model: Model, datasets: dict[str, tuple[BomDataset, ...]]) -> BomModel:
    return BomModel(
        model, bom_license(model.license, model.license_name, model.license_link), datasets.get(model.id, ())
    )


def _datasets(store: GraphStore, model_ids: Iterable[str]) -> dict[str, tuple[BomDataset, ...]]:
    """``{model id: its datasets}``; a dataset's license is read from the store's dataset records."""
    edges = store.trained_on(list(model_ids))
    if not edges:
        return {}
    wanted = {t.dataset for t in edges}
    licenses: dict[str, str | None] = {}
    for page in store.iter_datasets():
        licenses.update((d.id, d.license) for d in page if d.id in wanted)
    found: dict[str, list[BomDataset]] = {}
    for t in sorted(edges, key=lambda t: (t.model, t.dataset)):
        found.setdefault(t.model, []).append(BomDataset(t.dataset, bom_license(licenses.get(t.dataset)), t.source))
    return {m: tuple(ds) for m, ds in found.items()}
