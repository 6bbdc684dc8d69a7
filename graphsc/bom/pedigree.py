"""What a bill of materials says about one model, assembled once from the store for every BOM format.

A ``Pedigree`` is the model, every ancestor up to the roots (a merge keeps every parent), the DERIVED_FROM edges
between them with their relation and provenance, the datasets each was trained on, the licenses of all of them
in the forms a BOM needs (``BomLicense``), and the license findings touching the model. The renderers in
``graphsc.render`` (``bom_cyclonedx``, ``bom_spdx3``) only translate it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from graphsc.errors import UnknownRepoError
from graphsc.license_table.normalize import Leaf, NormalizedLicense, Tree, normalize_license
from graphsc.license_table.table import LicenseTable, default_table
from graphsc.licenses.findings import Conflict, LicenseReport
from graphsc.lineage import compute_lineage
from graphsc.records import USER_REPO, USER_SPACE, DerivedFrom, EvalResult, Model, ModelDetails, Uses
from graphsc.store.base import GraphStore

HUB_URL = "https://huggingface.co"
LICENSE_REF_PREFIX = "LicenseRef-graphsc-"
_REF_UNSAFE = re.compile(r"[^A-Za-z0-9.-]+")
# A LicenseRef the source declared itself (SPDX idstring): written as it is.
_USER_REF = re.compile(r"LicenseRef-[A-Za-z0-9.-]+")


@dataclass(frozen=True, slots=True)
class LicenseRef:
    """A license without an SPDX id, as a ``LicenseRef-`` id of ``BomLicense.expression``: the id, a readable
    name and the license text's URL when known."""

    id: str
    name: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class BomLicense:
    """A declared license in the forms BOM formats accept.

    ``declared``: the stored license (table ids, e.g. ``llama3.1`` or ``mit AND apache-2.0``), None when none is
    declared. ``spdx``: an SPDX license expression when every part has an SPDX id (``NormalizedLicense.
    spdx_expression``), else None. ``expression``: the license as one SPDX expression in every case (None when
    nothing is declared): parts with an SPDX id keep it, every other part is a ``LicenseRef-`` id defined in
    ``refs`` (see ``bom_license``), with the declared operators. ``name`` / ``url``: a readable name (the
    card's ``license_name``, else the table's names joined by the declared operators) and the license text's URL
    (the card's ``license_link``, else the table's text URL for a single license). ``ids``: the table ids
    involved."""

    declared: str | None
    spdx: str | None = None
    name: str | None = None
    url: str | None = None
    ids: tuple[str, ...] = ()
    expression: str | None = None
    refs: tuple[LicenseRef, ...] = ()

    @property
    def single_ref(self) -> LicenseRef | None:
        """The one ``LicenseRef`` when the whole license is a single license without an SPDX id, else None."""
        if len(self.refs) == 1 and self.expression == self.refs[0].id:
            return self.refs[0]
        return None


@dataclass(frozen=True, slots=True)
class BomDataset:
    """A dataset a model was trained on (``TrainedOn``), with its license when the store knows it."""

    id: str
    license: BomLicense
    source: str


@dataclass(frozen=True, slots=True)
class BomModel:
    """A model of the chain: its record (an unfetched stub has ``fetched`` False), license and datasets, and what
    its record says beyond them (``details``: files, config, scan; ``eval_results``: the results its card reports;
    none for a stub or a store ingested before graphsc kept them)."""

    model: Model
    license: BomLicense
    datasets: tuple[BomDataset, ...] = ()
    details: ModelDetails | None = None
    eval_results: tuple[EvalResult, ...] = ()

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
    """``declared`` (a stored license, with the card's ``license_name`` / ``license_link``) as a ``BomLicense``.

    The ``expression``: a part with an SPDX id keeps it; a part without one becomes
    ``LicenseRef-graphsc-<table id>`` (``LicenseRef-graphsc-llama3.1``; for ``other`` with a card
    ``license_name``, ``LicenseRef-graphsc-other-<name>``; a license outside graphsc's table keeps its own text,
    sanitised; a ``LicenseRef-`` the source declared stays as written), so a non-SPDX id is never written as an
    SPDX id and an SPDX id is never hidden in a name."""
    if declared is None and license_name is None and license_link is None:
        return BomLicense(None)
    normalized = normalize_license(declared, license_name, license_link)
    table = default_table()
    ids = tuple(i for i in normalized.ids or ((normalized.id,) if normalized.id else ()) if i in table.licenses)
    known = [table[i] for i in ids]
    if license_name:
        name: str | None = license_name
    elif normalized.tree is not None:
        name = _tree_name(normalized.tree, table)
    else:
        name = known[0].name if len(known) == 1 else declared
    url = license_link
    one_license = normalized.tree is None or len(_leaves(normalized.tree)) == 1
    if url is None and one_license and len(known) == 1 and known[0].text is not None:
        url = known[0].text.link
    refs: dict[str, LicenseRef] = {}
    expression = _expression(normalized, declared, license_name, name, url, refs, table)
    return BomLicense(declared, normalized.spdx_expression(table), name, url, ids, expression, tuple(refs.values()))


def _leaves(tree: Tree | None) -> list[Leaf]:
    if tree is None:
        return []
    if tree[0] == "lic":
        return [tree]
    return [leaf for child in tree[1] for leaf in _leaves(child)]


def _tree_name(tree: Tree, table: LicenseTable, top: bool = True) -> str:
    """A readable name of an expression: each license's name, with the declared operators."""
    if tree[0] == "lic":
        _, lid, raw, with_id = tree
        text = table[lid].name if lid is not None and lid in table.licenses else raw
        return f"{text} WITH {with_id}" if with_id else text
    op, children = tree
    body = f" {op.upper()} ".join(_tree_name(c, table, False) for c in children)
    return body if top else f"({body})"


def _expression(
    normalized: NormalizedLicense,
    declared: str | None,
    card_name: str | None,
    name: str | None,
    url: str | None,
    refs: dict[str, LicenseRef],
    table: LicenseTable,
) -> str | None:
    """The license as one SPDX expression whose parts without an SPDX id are ``LicenseRef-`` ids (added to
    ``refs`` with the name and URL of each); None when nothing is declared or identified."""
    raw_declared = declared or ""

    def ref_for(key: str, ref_name: str | None, ref_url: str | None) -> str:
        ref = key if _USER_REF.fullmatch(key) else LICENSE_REF_PREFIX + _ref_id(key)
        refs.setdefault(ref, LicenseRef(ref, ref_name or ref, ref_url))
        return ref

    def single(lid: str | None, raw: str, whole: bool) -> str:
        if lid is not None and lid in table.licenses:
            known = table[lid]
            if known.spdx:
                return known.spdx
            if lid == "other" and card_name:
                return ref_for(f"other-{card_name}", card_name, url)
            if whole:  # the whole license is this one id: the BomLicense's name / URL are its own
                return ref_for(lid, name, url)
            return ref_for(lid, known.name, known.text.link if known.text is not None else None)
        return ref_for(raw, raw, url if raw == raw_declared else None)

    def render(tree: Tree, top: bool) -> str:
        if tree[0] == "lic":
            _, lid, raw, with_id = tree
            if with_id is None:
                return single(lid, raw, top)
            if with_id in table.exceptions and lid is not None and table[lid].spdx:
                return f"{table[lid].spdx} WITH {with_id}"
            return ref_for(f"{raw}-with-{with_id}", f"{raw} WITH {with_id}", None)
        op, children = tree
        body = f" {op.upper()} ".join(render(c, False) for c in children)
        return body if top else f"({body})"

    if normalized.tree is not None:
        return render(normalized.tree, True)
    if declared is None and normalized.id is None:
        return None
    return single(normalized.id, raw_declared, True)


def _ref_id(text: str) -> str:
    """``text`` as a LicenseRef idstring (letters, digits, ``.`` and ``-``)."""
    return _REF_UNSAFE.sub("-", text).strip("-.") or "unnamed"


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
    facts = _Facts(store, [subject_id, *ancestor_ids])
    findings = tuple(c for c, _ in report.for_model(subject_id)) if report is not None else ()
    return Pedigree(
        subject=facts.bom_model(models[subject_id]),
        ancestors=tuple(facts.bom_model(models.get(m) or Model(m, fetched=False)) for m in ancestor_ids),
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
    """The ``Application`` of the repository or Space ``repo_id`` (matched case-insensitively), with its stored
    license. When a GitHub repository and a Space have the same id, the repository is the one described (its
    record and its usages only; the Space's are left out, never merged in). An application that is stored but
    uses no model has an empty BOM. Raises ``UnknownRepoError`` when no stored repository or Space (record or
    usage) has that id."""
    key = repo_id.strip().lower()
    uses = [u for page in store.iter_uses() for u in page if u.user.lower() == key]
    repo = next((r for page in store.iter_repos() for r in page if r.id.lower() == key), None)
    space = next((s for page in store.iter_spaces() for s in page if s.id.lower() == key), None)
    repo_uses = [u for u in uses if u.user_kind == USER_REPO]
    kind = USER_REPO if repo is not None or repo_uses or (space is None and not uses) else USER_SPACE
    if repo is None and space is None and not uses:
        raise UnknownRepoError(repo_id)
    mine = sorted((u for u in uses if u.user_kind == kind), key=lambda u: (u.model, u.source))
    record = repo if kind == USER_REPO else space
    app_id = record.id if record is not None else mine[0].user
    license_ = bom_license(record.license) if record is not None else BomLicense(None)
    model_ids = list(dict.fromkeys(u.model for u in mine))
    findings = tuple(c for c in report.conflicts if c.child == app_id) if report is not None else ()
    return Application(
        app_id, kind, license_, tuple(mine), tuple(model_pedigree(store, m, report) for m in model_ids), findings
    )


class _Facts:
    """What a BOM says of each model of a chain besides its record, read once for the chain: datasets, details,
    reported evaluation results."""

    def __init__(self, store: GraphStore, model_ids: list[str]) -> None:
        self.datasets = _datasets(store, model_ids)
        self.details = store.details_of(model_ids)
        self.results: dict[str, list[EvalResult]] = {}
        for r in store.eval_results_of(model_ids):
            self.results.setdefault(r.model, []).append(r)

    def bom_model(self, model: Model) -> BomModel:
        return BomModel(
            model,
            bom_license(model.license, model.license_name, model.license_link),
            self.datasets.get(model.id, ()),
            self.details.get(model.id),
            tuple(self.results.get(model.id, ())),
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
