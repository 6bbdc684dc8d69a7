"""Fixture loader: the real sample data bundled in the package (``graphsc/data/samples``) as plain graphsc
records, for license tests.

It reads the Hub records and the PeaTMOSS files directly, not through graphsc's ingest, so the tests compare the
engine with an independent computation. Provenance: ``graphsc/data/samples/README.md`` (HF family dumps from
hamidahoderinwale/model_metadata_analyses; PeaTMOSS-Artifact commit 2e9d475e).
"""

from __future__ import annotations

import csv
import gzip
import json
from dataclasses import dataclass, field

from graphsc import samples
from graphsc.license_table.normalize import join_licenses
from graphsc.records import RELATIONS, DerivedFrom, Model, Repo, TrainedOn, Uses

HF_FILES = samples.hf_family_files()
MAPPING = samples.peatmoss_mapping_file()
GH_LICENSES = samples.peatmoss_licenses_file()


def _mapping_rows() -> list[list[str]]:
    with gzip.open(MAPPING, "rt", newline="") as fh:
        return list(csv.reader(fh))


def _gh_licenses() -> dict:
    with gzip.open(GH_LICENSES, "rt") as fh:
        return json.load(fh)


@dataclass
class RealData:
    models: dict[str, Model] = field(default_factory=dict)
    derived_from: list[DerivedFrom] = field(default_factory=list)
    trained_on: list[TrainedOn] = field(default_factory=list)
    uses: list[Uses] = field(default_factory=list)
    repos: list[Repo] = field(default_factory=list)
    repo_keys: dict[str, list[str]] = field(default_factory=dict)


def hf_records() -> list[dict]:
    return [json.loads(line) for path in HF_FILES for line in path.open() if line.strip()]


def _edges(record: dict) -> list[tuple[str, str]]:
    """(relation, base) from ``base_model:<relation>:<id>`` tags, else from the card's ``base_model``."""
    out = []
    for tag in record.get("tags") or []:
        parts = tag.split(":", 2)
        if len(parts) == 3 and parts[0] == "base_model" and parts[1] in RELATIONS:
            out.append((parts[1], parts[2]))
    if out:
        return out
    base = (record.get("cardData") or {}).get("base_model")
    bases = [base] if isinstance(base, str) else list(base or [])
    relation = "merge" if len(bases) > 1 else "finetune"
    return [(relation, b) for b in bases if isinstance(b, str)]


def load(with_hf: bool = True, with_peatmoss: bool = True) -> RealData:
    data = RealData()
    if with_hf:
        for r in hf_records():
            card = r.get("cardData") or {}
            lic = card.get("license")
            data.models[r["id"]] = Model(
                id=r["id"],
                author=r.get("author"),
                license=lic if isinstance(lic, str) else None,
                license_name=card.get("license_name"),
                license_link=card.get("license_link"),
                downloads=r.get("downloads"),
            )
            for relation, base in _edges(r):
                data.derived_from.append(DerivedFrom(r["id"], base, relation, "tag"))
            for tag in r.get("tags") or []:
                if tag.startswith("dataset:"):
                    data.trained_on.append(TrainedOn(r["id"], tag.removeprefix("dataset:"), "tag"))
    if with_peatmoss:
        keys = _gh_licenses()
        for url, model_id, _model_url, hf_license in _mapping_rows():
            repo = url.removeprefix("github.com/")
            data.models.setdefault(model_id, Model(id=model_id, license=hf_license))
            data.uses.append(Uses(repo, "repo", model_id, "peatmoss", evidence=url))
        for repo, found in keys.items():
            data.repo_keys[repo] = found or []
            raw = join_licenses(found)
            data.repos.append(Repo(id=repo, license=raw, license_raw=raw))
    return data


def all_license_values() -> list[tuple[str, str | None, str | None, str | None]]:
    """Every license value in the bundled samples as (where, license, license_name, license_link), deduplicated."""
    seen: dict[tuple, None] = {}
    for r in hf_records():
        card = r.get("cardData") or {}
        if isinstance(card.get("license"), str):
            seen[("hf card", card["license"], card.get("license_name"), card.get("license_link"))] = None
        for tag in r.get("tags") or []:
            if tag.startswith("license:"):
                seen[("hf tag", tag.removeprefix("license:"), card.get("license_name"), card.get("license_link"))] = (
                    None
                )
    for row in _mapping_rows():
        seen[("peatmoss mapping", row[3], None, None)] = None
    for found in _gh_licenses().values():
        for key in found or []:
            seen[("scancode", key, None, None)] = None
    return list(seen)
