"""What graphsc knows about one license, and which rules apply it: ``graphsc licenses explain ID``.

The document is built from the license table alone (``data/licenses.toml``) and the rules that read it
(``rules.py``), so what a compliance reviewer reads here is exactly what the engine applies.
"""

from __future__ import annotations

import difflib
from dataclasses import asdict
from typing import Any

from graphsc.errors import UnknownLicenseError
from graphsc.license_table.table import License, LicenseTable, Policy, alias_key, default_table
from graphsc.licenses.graph import DATASET_RELATION
from graphsc.licenses.rules import (
    EXCLUSIVE,
    MERGE_CHECKED,
    ON_USE_ONLY,
    RULES,
    Obligation,
    derived_rule_ids,
    obligations_of,
    passes_dataset_derivation,
    passes_training,
    trained_on_rule_ids,
    uses_rule,
)
from graphsc.records import ADAPTER, DISTILLATION, FINETUNE, MERGE, QUANTIZED

SCHEMA = "graphsc.license/1"
SUGGESTIONS = 5


def find_license(text: str, table: LicenseTable | None = None) -> License:
    """The table entry for ``text``: a canonical id, an alias (HF id, SPDX id, ScanCode key, name) or a license
    link. Raises ``UnknownLicenseError`` (with close matches among ids and aliases) when none matches."""
    table = table or default_table()
    found = table.lookup(text) if text.strip() else None
    if found is None and "/" in text:
        found = table.lookup_link(text)
    if found is None:
        close = difflib.get_close_matches(alias_key(text), list(table.alias_index), n=SUGGESTIONS * 3, cutoff=0.6)
        ids = list(dict.fromkeys(table.alias_index[k] for k in close))[:SUGGESTIONS]
        raise UnknownLicenseError(text, ids)
    return found


def _crossings(ob: Obligation) -> list[str]:
    """The edges an obligation crosses, in words."""
    if ob.outputs_only:
        return [DISTILLATION]
    edges = [FINETUNE, ADAPTER, MERGE, QUANTIZED]
    if ob.distills:
        edges.append(DISTILLATION)
    if passes_training(ob):
        edges.append("trained_on (as a dataset's license)")
    if passes_dataset_derivation(ob):
        edges.append(f"{DATASET_RELATION} (as a dataset's license)")
    return edges


def _checked_on(ob: Obligation) -> list[str]:
    """The edges at which a derivative is judged against ``ob`` (it may be carried across more, see ``crosses``):
    a name prefix binds new models, not quantizations; what binds only outputs, only distillation."""
    if ob.kind in ON_USE_ONLY:
        return ["uses"]
    if ob.kind == "naming":
        return [FINETUNE, ADAPTER, MERGE, *([DISTILLATION] if ob.distills else [])]
    return _crossings(ob)


def _obligation(ob: Obligation) -> dict[str, Any]:
    derived = [] if ob.kind in ON_USE_ONLY else derived_rule_ids(ob)
    use = uses_rule(ob)
    return {
        "kind": ob.kind,
        "requires": sorted(ob.requires),
        "prefix": ob.prefix,
        "notice": ob.notice,
        "crosses": _crossings(ob),
        "checked_on": _checked_on(ob),
        "rules": {
            "derived": derived,
            "trained_on": trained_on_rule_ids(ob),
            # a dataset made from a dataset under this license is judged by the derivative rules
            "dataset_derived": derived if passes_dataset_derivation(ob) else [],
            "uses": [use.id] if use is not None else [],
            "merge": ["M-INCOMPAT"] if ob.kind in MERGE_CHECKED else [],
        },
        "exclusive_in_merges": ob.kind in EXCLUSIVE,
        "clauses": list(ob.clauses),
    }


def _policy(policy: Policy, table: LicenseTable) -> dict[str, Any]:
    others = [p for p in table.policies.values() if p.id != policy.id]
    return {
        "id": policy.id,
        "name": policy.name,
        "source": policy.source,
        "restrictions": sorted(policy.restrictions),
        "text": asdict(policy.text) if policy.text else None,
        "satisfies": sorted(p.id for p in others if policy.satisfies(p)),
        "satisfied_by": sorted(p.id for p in others if p.satisfies(policy)),
    }


def _accepted_by(lic: License, table: LicenseTable) -> list[str]:
    """Other licenses whose derivative-license clauses accept this one (versions, compatible licenses)."""
    return sorted(
        other.id
        for other in table.licenses.values()
        if other.id != lic.id and any(lic.id in c.compatible for c in other.clauses.values())
    )


def explain(text: str, table: LicenseTable | None = None) -> dict[str, Any]:
    """The ``graphsc.license/1`` document for the license ``text`` names (see ``find_license``): canonical id,
    SPDX id, category, family, status, aliases, links, the text it was checked against, every clause with its
    citation, its use-restriction policy, the obligations it imposes with the rules that apply them, and which
    other licenses accept it in their place. Raises ``UnknownLicenseError``."""
    table = table or default_table()
    lic = find_license(text, table)
    ur = lic.clause("use_restrictions_must_pass")
    policy = table.policies.get(ur.policy) if ur is not None and ur.policy else None
    return {
        "schema": SCHEMA,
        "query": text,
        "id": lic.id,
        "name": lic.name,
        "spdx": lic.spdx,
        "category": lic.category,
        "family": lic.family,
        "status": lic.status,
        "note": lic.note,
        "aliases": list(lic.aliases),
        "links": list(lic.links),
        "text": asdict(lic.text) | {"link": lic.text.link, "permalink": lic.text.permalink} if lic.text else None,
        "clauses": [
            {
                "name": c.name,
                "value": c.value,
                "source": c.source,
                "compatible": list(c.compatible),
                "policy": c.policy,
                "outputs": c.outputs,
            }
            for c in sorted(lic.clauses.values(), key=lambda c: c.name)
        ],
        "policy": _policy(policy, table) if policy else None,
        "obligations": [_obligation(ob) for ob in obligations_of(lic)],
        "accepted_by": _accepted_by(lic, table),
        "rules": {
            r.id: {"kind": r.kind, "severity": r.severity, "description": r.description}
            for r in RULES.values()
            if any(r.id in ids for ob in obligations_of(lic) for ids in _obligation(ob)["rules"].values())
        },
    }
