"""An SBOM into a store: its subject as a ``Repo`` (or ``Space``) with its declared license, and a ``Uses`` edge
(source ``sbom``) to every Hub model it contains, under the store's spelling of its id (any casing, a legacy id or a
renamed repo's old id resolves to the stored model); models not in the store become unfetched stubs. A model's own
BOM (its subject is a Hub model) and an SBOM without Hub models write nothing.

Re-ingesting the same SBOM rewrites the same rows (a usage is keyed by user and model): nothing is duplicated.
A subject's license from the SBOM replaces the stored one (the SBOM is the application's own statement); an SBOM
that declares none leaves a stored license as it is. A model dropped from a later SBOM keeps its earlier edge
(stores have no delete in a batch).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

from graphsc.errors import InputFileError
from graphsc.ids import id_key
from graphsc.records import SOURCE_SBOM, USER_SPACE, GraphBatch, Model, Repo, Space, Uses, utc_timestamp
from graphsc.sources.repo_license import normalize_repo_license
from graphsc.sources.sbom import SBOM_HINT, NotIdentified, SbomModel, SbomUsage, read_sbom
from graphsc.store.base import GraphStore


@dataclass(slots=True)
class SbomReport:
    """What one SBOM held and what was written: the subject (id, kind, normalised license), its models (with
    evidence), ML components not identified as Hub models, and how many models are fetched in the store."""

    path: str
    format: str
    spec_version: str
    subject: str | None
    subject_kind: str
    subject_license: str | None
    subject_license_raw: str | None
    models: list[SbomModel] = field(default_factory=list)
    not_identified: list[NotIdentified] = field(default_factory=list)
    models_fetched: int = 0
    seconds: float = 0.0
    subject_model: str | None = None  # the document is a model's own BOM (its subject is this Hub model)


def evidence_of(usage: SbomUsage, model: SbomModel) -> str:
    """The ``Uses.evidence`` of a model found in an SBOM: ``<file>: <json path>`` (and the legacy id as written)."""
    text = f"{os.path.basename(usage.path)}: {model.evidence}"
    return f"{text} (as {model.renamed_from})" if model.renamed_from else text


def ingest_sbom(store: GraphStore, path: str | os.PathLike[str]) -> SbomReport:
    """Read the SBOM at ``path`` and write its subject and usages into ``store`` (one batch). Raises
    ``InputFileError`` for a file that is not a readable SBOM, and for one that names models but no subject
    (the usages would have no user); nothing is written then."""
    started = time.perf_counter()
    return write_sbom(store, check_sbom(read_sbom(path)), started)


def check_sbom(usage: SbomUsage) -> SbomUsage:
    """``usage`` if it can be written; ``InputFileError`` when it names models but no subject to use them."""
    if usage.subject_id is None and usage.models:
        raise InputFileError(
            usage.path,
            "the SBOM names Hugging Face models but no subject (CycloneDX metadata.component, SPDX described "
            "package), so there is no application to record as their user",
            SBOM_HINT,
        )
    return usage


def write_sbom(store: GraphStore, usage: SbomUsage, started: float | None = None) -> SbomReport:
    """Write an SBOM read by ``read_sbom`` (and passed by ``check_sbom``) into ``store``, in one batch."""
    started = time.perf_counter() if started is None else started
    license_id, license_raw = normalize_repo_license(usage.subject_license_raw)
    report = SbomReport(
        usage.path,
        usage.format,
        usage.spec_version,
        usage.subject_id,
        usage.subject_kind,
        license_id,
        license_raw,
        list(usage.models),
        list(usage.not_identified),
        subject_model=usage.subject_model,
    )
    if usage.subject_id is None:
        check_sbom(usage)
        report.seconds = time.perf_counter() - started
        return report
    if usage.subject_model is not None or not usage.models:
        # A model's own BOM (its ancestors are lineage, not usage) or an SBOM without Hub models: nothing to record.
        report.seconds = time.perf_counter() - started
        return report
    # The store's spelling of each model (any casing, a legacy id or a renamed repo's old id): one record per model.
    resolved: dict[str, SbomModel] = {}
    for model in usage.models:
        model = model._replace(id=store.find_model_id(model.id) or model.id)
        resolved.setdefault(id_key(model.id), model)  # two spellings of one stored model: its first place
    report.models = list(resolved.values())
    fetched_at = utc_timestamp()
    batch = GraphBatch()
    if usage.subject_kind == USER_SPACE:
        if license_id is not None:
            # Unfetched: the SBOM's license fills in a Space known only as a user; a fetched Space record (its own
            # card, `ingest snapshot --kind spaces`, `ingest hf --spaces`) is what the Hub declares and is kept.
            batch.spaces.append(Space(usage.subject_id, license_id, fetched=False))
    else:
        batch.repos.append(Repo(usage.subject_id, license_id, license_raw, fetched_at=fetched_at))
    stored = store.models([m.id for m in report.models])
    for model in report.models:
        if model.id not in stored:
            batch.models.append(Model(model.id, fetched=False))
        batch.uses.append(
            Uses(usage.subject_id, usage.subject_kind, model.id, SOURCE_SBOM, evidence_of(usage, model), fetched_at)
        )
    store.write(batch)
    report.models_fetched = sum(1 for m in stored.values() if m.fetched)
    report.seconds = time.perf_counter() - started
    return report
