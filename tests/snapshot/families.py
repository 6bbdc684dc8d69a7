"""The bundled real families with deliberate changes, and the two graph states a diff compares.

``changed_records`` mutates a copy of the Hub records; ``extra_batch`` is what the new store gets besides them
(the NC dataset's record, a GitHub usage, the rename's alias). Tests compute what the diff must say from these
constants and the original records, never from graphsc's output."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from graphsc.ingest import ingest_snapshot
from graphsc.records import Alias, Dataset, GraphBatch, Repo, Uses
from graphsc.snapshot.state import GraphState, state_from_store
from graphsc.store.sqlite import SQLiteStore
from tests.snapshots import write_snapshot

RELICENSED = "mistralai/Mistral-Small-24B-Instruct-2501"  # apache-2.0 → cc-by-nc-4.0, a base of 27 models
NC_LICENSE = "cc-by-nc-4.0"
NC_DATASET = "acme/NC-Corpus"  # new, cc-by-nc-4.0
NC_TRAINED = "silence09/DeepSeek-R1-Small-2layers"  # MIT, now trained on NC_DATASET
REMOVED_LEAF = "silence09/DeepSeek-R1-3layers"  # no children, no Spaces: gone from the new graph
REMOVED_BASE = "perplexity-ai/r1-1776"  # its record dropped; 11 children still name it
RENAMED_OLD = "unsloth/Mistral-Small-24B-Base-2501"  # renamed on the Hub, base of 5 models
RENAMED_NEW = "unsloth-ai/Mistral-Small-24B-Base-2501"
NEW_USER = "acme/App"  # a GitHub repository (apache-2.0) now using RELICENSED
NEW_USE = Uses(NEW_USER, "repo", RELICENSED, "github-code-search", "app.py:3")


def base_tags(record: dict[str, Any]) -> list[tuple[str, str]]:
    """``(relation, base)`` of a record's ``base_model:<relation>:<base>`` tags."""
    found = []
    for tag in record.get("tags", []):
        parts = tag.split(":", 2)
        if parts[0] == "base_model" and len(parts) == 3:
            found.append((parts[1], parts[2]))
    return found


def children_of(records: list[dict[str, Any]], base: str) -> list[str]:
    """The ids of the records whose tags name ``base`` as their base."""
    return sorted(r["id"] for r in records if any(b == base for _, b in base_tags(r)))


def _renamed_refs(value: Any) -> Any:
    if value == RENAMED_OLD:
        return RENAMED_NEW
    if isinstance(value, list):
        return [_renamed_refs(v) for v in value]
    return value


def _renamed_tag(tag: str) -> str:
    parts = tag.split(":", 2)
    if parts[0] == "base_model" and parts[-1] == RENAMED_OLD:
        return ":".join([*parts[:-1], RENAMED_NEW])
    return tag


def changed_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``records`` with the deliberate changes (the originals are not touched)."""
    out = []
    for original in records:
        r = copy.deepcopy(original)
        if r["id"] in (REMOVED_LEAF, REMOVED_BASE):
            continue
        if r["id"] == RELICENSED:
            r["tags"] = [f"license:{NC_LICENSE}" if t.startswith("license:") else t for t in r["tags"]]
            r["cardData"]["license"] = NC_LICENSE
        if r["id"] == NC_TRAINED:
            r["tags"].append(f"dataset:{NC_DATASET}")
            r.setdefault("cardData", {})["datasets"] = [NC_DATASET]
        if r["id"] == RENAMED_OLD:
            r["id"] = r["modelId"] = RENAMED_NEW
            r["author"] = RENAMED_NEW.split("/")[0]
        r["tags"] = [_renamed_tag(t) for t in r.get("tags", [])]
        card = r.get("cardData") or {}
        if "base_model" in card:
            card["base_model"] = _renamed_refs(card["base_model"])
        out.append(r)
    return out


def extra_batch() -> GraphBatch:
    """What the new store gets besides the records: the NC dataset's license, the new usage, the rename."""
    return GraphBatch(
        datasets=[Dataset(NC_DATASET, NC_LICENSE)],
        repos=[Repo(NEW_USER, "apache-2.0", "apache-2.0")],
        uses=[NEW_USE],
        aliases=[Alias(RENAMED_OLD, RENAMED_NEW, "renamed")],
    )


def state_of(folder: Path, records: list[dict[str, Any]], label: str, extra: GraphBatch | None = None) -> GraphState:
    """The ``GraphState`` of a fresh store at ``folder`` holding ``records`` (ingested as a snapshot file) and
    ``extra``."""
    folder.mkdir(parents=True, exist_ok=True)
    store = SQLiteStore(folder / "graph.db")
    try:
        ingest_snapshot(store, [str(write_snapshot(folder / "records.jsonl", records))])
        if extra is not None:
            store.write(extra)
        return state_from_store(store, label)
    finally:
        store.close()


def recased(state: GraphState, label: str = "recased") -> GraphState:
    """``state`` with every id written in other casing (swapped case), keys unchanged: the same graph."""
    sw = str.swapcase
    return GraphState(
        label,
        state.taken_at,
        models={k: m._replace(id=sw(m.id)) for k, m in state.models.items()},
        nodes={k: n._replace(id=sw(n.id)) for k, n in state.nodes.items()},
        lineage={k: e._replace(child=sw(e.child), base=sw(e.base)) for k, e in state.lineage.items()},
        training={k: t._replace(model=sw(t.model), dataset=sw(t.dataset)) for k, t in state.training.items()},
        usage={k: u._replace(user=sw(u.user), model=sw(u.model)) for k, u in state.usage.items()},
        aliases={k: sw(v) for k, v in state.aliases.items()},
        findings=dict(state.findings),
        findings_checked=state.findings_checked,
    )
