"""Model-file risk along the chain (``graphsc.reuse.risks``): own flags, inheritance through adapters, upstream
flags, whole-graph counts and exposure, on a synthetic graph worked out by hand and on the bundled real families
(expected values computed here from the raw Hub records, never from graphsc's output).

The synthetic graph (child ← base, relation; own flags in brackets)::

    lab/pickled [pickle-only]           used by repo acme/tool
      ├─ adapter ── lab/pickled-lora
      │               └─ adapter ── lab/lora2       (also ← finetune ─ lab/pickled)   used by repo acme/app
      ├─ finetune ─ lab/ft
      │               └─ adapter ── lab/ft-lora
      └─ quantized ─ lab/q
    lab/coder [custom-code]
    lab/merge ← merge ─ lab/pickled-lora, ← merge ─ lab/coder
      └─ adapter ── lab/merge-lora                   used by Space acme/demo
    cyc/a ← adapter ─ cyc/b ← adapter ─ cyc/a        (a cycle; cyc/b [unsafe-scan])
    ghost/base (a stub, never fetched) [unverified-base]
      └─ adapter ── lab/ghost-lora
    hub/caution [scan-caution]   hub/off [disabled]   hub/pending (scan pending; pickle and safetensors)
    old/nodetails (fetched, no details: not assessed)   else/used (a stub only used, by Space acme/chat)
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from graphsc.errors import UnknownModelError
from graphsc.records import (
    ADAPTER,
    FINETUNE,
    MERGE,
    QUANTIZED,
    USER_REPO,
    USER_SPACE,
    DerivedFrom,
    GraphBatch,
    Model,
    ModelDetails,
    Uses,
)
from graphsc.reuse.risks import (
    RISK_FLAGS,
    SEVERITY,
    FlagCount,
    FlaggedModel,
    RiskFlag,
    graph_risks,
    model_risks,
    own_flags,
    own_flags_by_key,
    risks_from,
    worst_severity,
)
from graphsc.store.sqlite import SQLiteStore

SOURCE = "test"
SAFE = ("safetensors",)
DETAILS: dict[str, ModelDetails] = {
    "lab/pickled": ModelDetails("lab/pickled", files=3, weight_formats=("pickle",), pickle_files=1),
    "lab/pickled-lora": ModelDetails("lab/pickled-lora", weight_formats=SAFE),
    "lab/lora2": ModelDetails("lab/lora2", weight_formats=SAFE),
    "lab/ft": ModelDetails("lab/ft", weight_formats=SAFE),
    "lab/ft-lora": ModelDetails("lab/ft-lora", weight_formats=SAFE),
    "lab/q": ModelDetails("lab/q", weight_formats=("gguf",)),
    "lab/coder": ModelDetails("lab/coder", weight_formats=SAFE, custom_code=True),
    "lab/merge": ModelDetails("lab/merge", weight_formats=SAFE),
    "lab/merge-lora": ModelDetails("lab/merge-lora", weight_formats=SAFE),
    "cyc/a": ModelDetails("cyc/a", weight_formats=SAFE),
    "cyc/b": ModelDetails("cyc/b", weight_formats=SAFE, scan_status="unsafe"),
    "hub/caution": ModelDetails("hub/caution", weight_formats=SAFE, scan_status="caution"),
    "hub/off": ModelDetails("hub/off", disabled=True),
    "hub/pending": ModelDetails("hub/pending", weight_formats=("pickle", "safetensors"), scan_status="pending"),
    "lab/ghost-lora": ModelDetails("lab/ghost-lora", weight_formats=SAFE),
}
FETCHED = [*DETAILS, "old/nodetails"]
EDGES: list[tuple[str, str, str]] = [  # child, base, relation
    ("lab/pickled-lora", "lab/pickled", ADAPTER),
    ("lab/lora2", "lab/pickled-lora", ADAPTER),
    ("lab/lora2", "lab/pickled", FINETUNE),
    ("lab/ft", "lab/pickled", FINETUNE),
    ("lab/ft-lora", "lab/ft", ADAPTER),
    ("lab/q", "lab/pickled", QUANTIZED),
    ("lab/merge", "lab/pickled-lora", MERGE),
    ("lab/merge", "lab/coder", MERGE),
    ("lab/merge-lora", "lab/merge", ADAPTER),
    ("cyc/a", "cyc/b", ADAPTER),
    ("cyc/b", "cyc/a", ADAPTER),
    ("lab/ghost-lora", "ghost/base", ADAPTER),
]
USES: list[tuple[str, str, str]] = [  # user, kind, model
    ("acme/tool", USER_REPO, "lab/pickled"),
    ("acme/app", USER_REPO, "lab/lora2"),
    ("acme/demo", USER_SPACE, "lab/merge-lora"),
    ("acme/chat", USER_SPACE, "else/used"),
]


def write_risk_graph(store: SQLiteStore) -> SQLiteStore:
    """The graph above, written into ``store`` (also used by the CLI and policy tests)."""
    store.write(
        GraphBatch(
            models=[Model(m, author=m.split("/")[0], license="apache-2.0") for m in FETCHED],
            derived_from=[DerivedFrom(c, b, r, SOURCE) for c, b, r in EDGES],
            uses=[Uses(user, kind, model, SOURCE) for user, kind, model in USES],  # type: ignore[arg-type]
            details=list(DETAILS.values()),
        )
    )
    return store


def risk_graph_db(folder: Path) -> Path:
    """The graph above in a new embedded store at ``folder/risks.db``."""
    path = folder / "risks.db"
    write_risk_graph(SQLiteStore(path)).close()
    return path


@pytest.fixture
def graph(store: SQLiteStore) -> SQLiteStore:
    return write_risk_graph(store)


def flag(name: str, *hops: str, relations: tuple[str, ...] = ()) -> RiskFlag:
    return RiskFlag(name, hops[-1], tuple(hops), relations)


# ───────────────────────────── own flags ─────────────────────────────


def test_own_flags_from_details() -> None:
    assert own_flags(ModelDetails("m", weight_formats=("pickle",))) == ("pickle-only",)
    # a safetensors or GGUF alternative: not pickle-only, whatever else the repository holds
    assert own_flags(ModelDetails("m", weight_formats=("pickle", "safetensors"))) == ()
    assert own_flags(ModelDetails("m", weight_formats=("gguf", "pickle"))) == ()
    # pickle-based trainer state beside safetensors weights is not a weight format
    assert own_flags(ModelDetails("m", weight_formats=SAFE, pickle_files=2)) == ()
    # no weights at all (a card-only repository, a disabled one): nothing to unpickle
    assert own_flags(ModelDetails("m")) == ()
    assert own_flags(ModelDetails("m", weight_formats=SAFE, custom_code=True)) == ("custom-code",)
    # every flag at once, most severe first
    assert own_flags(
        ModelDetails("m", weight_formats=("pickle",), custom_code=True, disabled=True, scan_status="unsafe")
    ) == ("unsafe-scan", "pickle-only", "custom-code", "disabled")


@pytest.mark.parametrize(
    ("status", "expected"),
    [("unsafe", ("unsafe-scan",)), ("caution", ("scan-caution",)), ("safe", ()), ("pending", ()), (None, ())],
)
def test_scan_statuses(status: str | None, expected: tuple[str, ...]) -> None:
    assert own_flags(ModelDetails("m", weight_formats=SAFE, scan_status=status)) == expected


def test_stubs_and_models_without_details() -> None:
    assert own_flags(None, fetched=False, is_base=True) == ("unverified-base",)
    assert own_flags(None, fetched=False, is_base=False) == ()  # a stub only used, nobody's base
    assert own_flags(None, fetched=True) == ()  # not assessed: no details, no flags


def test_severities() -> None:
    assert SEVERITY == {
        "unsafe-scan": "error",
        "pickle-only": "warning",
        "custom-code": "warning",
        "scan-caution": "warning",
        "disabled": "warning",
        "unverified-base": "note",
    }
    assert tuple(SEVERITY) == RISK_FLAGS
    assert worst_severity(["unverified-base", "custom-code"]) == "warning"
    assert worst_severity(["unverified-base"]) == "note" and worst_severity([]) is None


# ───────────────────────────── one model: inherited and upstream ─────────────────────────────


def test_the_flagged_base_itself(graph: SQLiteStore) -> None:
    r = model_risks(graph, "lab/pickled")
    assert (r.own, r.inherited, r.upstream) == ((flag("pickle-only", "lab/pickled"),), (), ())
    assert r.flags == ("pickle-only",) and r.fetched and r.assessed


def test_an_adapter_inherits_its_bases_pickle(graph: SQLiteStore) -> None:
    r = model_risks(graph, "LAB/Pickled-LoRA")  # any casing
    assert r.model == "lab/pickled-lora" and r.own == () and r.upstream == ()
    assert r.inherited == (flag("pickle-only", "lab/pickled-lora", "lab/pickled", relations=(ADAPTER,)),)
    assert r.flags == ("pickle-only",) and r.flagged


def test_a_chain_of_adapters_inherits_and_is_not_also_upstream(graph: SQLiteStore) -> None:
    # lab/lora2 reaches lab/pickled in one finetune edge and in two adapter edges: it loads the pickle through the
    # adapters, so the flag is inherited (with the adapter path), never listed again as upstream
    r = model_risks(graph, "lab/lora2")
    assert r.inherited == (
        flag("pickle-only", "lab/lora2", "lab/pickled-lora", "lab/pickled", relations=(ADAPTER, ADAPTER)),
    )
    assert r.upstream == () and r.own == ()


def test_finetunes_and_quantizations_show_the_flag_upstream_only(graph: SQLiteStore) -> None:
    r = model_risks(graph, "lab/ft")
    assert r.inherited == () and r.upstream == (flag("pickle-only", "lab/ft", "lab/pickled", relations=(FINETUNE,)),)
    assert r.flags == () and not r.flagged
    q = model_risks(graph, "lab/q")
    assert q.upstream == (flag("pickle-only", "lab/q", "lab/pickled", relations=(QUANTIZED,)),) and q.flags == ()
    # an adapter on the finetune loads the finetune's (safetensors) weights, not the pickle above it
    r = model_risks(graph, "lab/ft-lora")
    assert r.inherited == ()
    assert r.upstream == (flag("pickle-only", "lab/ft-lora", "lab/ft", "lab/pickled", relations=(ADAPTER, FINETUNE)),)


def test_a_merge_sees_both_parents_flags_upstream(graph: SQLiteStore) -> None:
    r = model_risks(graph, "lab/merge")
    assert r.inherited == () and r.flags == ()
    assert r.upstream == (
        flag("pickle-only", "lab/merge", "lab/pickled-lora", "lab/pickled", relations=(MERGE, ADAPTER)),
        flag("custom-code", "lab/merge", "lab/coder", relations=(MERGE,)),
    )
    # an adapter on the merge loads the merge (no flag of its own): both flags stay upstream
    r = model_risks(graph, "lab/merge-lora")
    assert r.inherited == ()
    assert r.upstream == (
        flag(
            "pickle-only",
            "lab/merge-lora",
            "lab/merge",
            "lab/pickled-lora",
            "lab/pickled",
            relations=(ADAPTER, MERGE, ADAPTER),
        ),
        flag("custom-code", "lab/merge-lora", "lab/merge", "lab/coder", relations=(ADAPTER, MERGE)),
    )


def test_a_cycle_terminates(graph: SQLiteStore) -> None:
    a = model_risks(graph, "cyc/a")
    assert a.inherited == (flag("unsafe-scan", "cyc/a", "cyc/b", relations=(ADAPTER,)),) and a.upstream == ()
    b = model_risks(graph, "cyc/b")  # its walk reaches cyc/a, then stops: its own flag is not inherited again
    assert (b.own, b.inherited, b.upstream) == ((flag("unsafe-scan", "cyc/b"),), (), ())


def test_unfetched_bases(graph: SQLiteStore) -> None:
    r = model_risks(graph, "lab/ghost-lora")
    assert r.inherited == (flag("unverified-base", "lab/ghost-lora", "ghost/base", relations=(ADAPTER,)),)
    stub = model_risks(graph, "ghost/base")
    assert stub.own == (flag("unverified-base", "ghost/base"),) and not stub.fetched and not stub.assessed
    used = model_risks(graph, "else/used")  # a stub nobody derives from: not a base
    assert used.own == () and not used.fetched


def test_why_a_stub_is_in_the_graph(graph: SQLiteStore) -> None:
    # from the drawing: ghost/base is the base of lab/ghost-lora only; else/used is used by Space acme/chat only
    def why(model: str) -> tuple[int, int, int]:
        children = {child for child, base, _ in EDGES if base == model}
        repos = {u for u, kind, m in USES if m == model and kind == USER_REPO}
        spaces = {u for u, kind, m in USES if m == model and kind == USER_SPACE}
        return len(children), len(repos), len(spaces)

    for stub in ("ghost/base", "else/used"):
        r = model_risks(graph, stub)
        assert (r.base_of, r.repos, r.spaces) == why(stub)
    assert why("ghost/base") == (1, 0, 0) and why("else/used") == (0, 0, 1)
    # only stubs say why: a fetched model's counts stay 0 (its own record is why)
    r = model_risks(graph, "lab/pickled")
    assert (r.base_of, r.repos, r.spaces) == (0, 0, 0)


def test_scan_and_disabled_flags_and_unassessed_models(graph: SQLiteStore) -> None:
    assert model_risks(graph, "hub/caution").flags == ("scan-caution",)
    assert model_risks(graph, "hub/off").flags == ("disabled",)
    assert model_risks(graph, "hub/pending").flags == ()
    r = model_risks(graph, "old/nodetails")
    assert r.fetched and not r.assessed and r.flags == ()


def test_unknown_model(graph: SQLiteStore) -> None:
    with pytest.raises(UnknownModelError) as info:
        model_risks(graph, "lab/pickle")
    assert "lab/pickled" in info.value.suggestions


def test_risks_from_is_the_rule_on_plain_maps() -> None:
    # a longer cycle through the model itself, and a merge of two adapter chains reaching one flagged root
    bases = {
        "x": [("y", ADAPTER), ("z", MERGE)],
        "y": [("root", ADAPTER)],
        "z": [("root", ADAPTER)],
        "root": [("x", FINETUNE)],
    }
    r = risks_from("x", bases, {"root": ("custom-code",), "x": ("disabled",)})
    assert r.own == (flag("disabled", "x"),)
    assert r.inherited == (flag("custom-code", "x", "y", "root", relations=(ADAPTER, ADAPTER)),)
    assert r.upstream == ()  # root is reached through adapters: inherited only; x itself is not its own ancestor


# ───────────────────────────── the whole graph ─────────────────────────────


def test_whole_graph_counts_and_exposure(graph: SQLiteStore) -> None:
    report = graph_risks(graph)
    # 16 fetched models (old/nodetails without details) and the stubs ghost/base, else/used
    assert (report.models, report.assessed, report.not_assessed, report.stubs) == (18, 15, 1, 2)
    assert report.counts == (
        FlagCount("unsafe-scan", 1, 1, 1),  # cyc/b; cyc/a inherits it (and is its only descendant)
        # lab/pickled; lab/pickled-lora and lab/lora2 inherit; below it: those two, lab/ft, lab/ft-lora, lab/q,
        # lab/merge, lab/merge-lora
        FlagCount("pickle-only", 1, 2, 7),
        FlagCount("custom-code", 1, 0, 2),  # lab/coder; below it, through the merge: lab/merge, lab/merge-lora
        FlagCount("scan-caution", 1, 0, 0),
        FlagCount("disabled", 1, 0, 0),
        FlagCount("unverified-base", 1, 1, 1),  # ghost/base; lab/ghost-lora
    )
    assert report.flagged == (
        # acme/tool uses it, acme/app uses lab/lora2, acme/demo lab/merge-lora: 3 users
        FlaggedModel("lab/pickled", ("pickle-only",), 7, 2, 2, 1),
        FlaggedModel("lab/coder", ("custom-code",), 2, 0, 0, 1),  # acme/demo, through the merge
        # no users: by descendants, then id
        FlaggedModel("cyc/b", ("unsafe-scan",), 1, 1, 0, 0),
        FlaggedModel("ghost/base", ("unverified-base",), 1, 1, 0, 0),
        FlaggedModel("hub/caution", ("scan-caution",), 0, 0, 0, 0),
        FlaggedModel("hub/off", ("disabled",), 0, 0, 0, 0),
    )
    assert [m.severity for m in report.flagged] == ["warning", "warning", "error", "note", "warning", "warning"]


def test_own_flags_by_key(graph: SQLiteStore) -> None:
    assert own_flags_by_key(graph) == {
        "lab/pickled": ("pickle-only",),
        "lab/coder": ("custom-code",),
        "cyc/b": ("unsafe-scan",),
        "hub/caution": ("scan-caution",),
        "hub/off": ("disabled",),
        "ghost/base": ("unverified-base",),
    }


def test_empty_graph(store: SQLiteStore) -> None:
    report = graph_risks(store)
    assert (report.models, report.flagged) == (0, ())
    assert all((c.models, c.inherited, c.downstream) == (0, 0, 0) for c in report.counts)


# ───────────────────────────── the bundled real families ─────────────────────────────

_SPLIT = re.compile(r"\.part\d+of\d+$")
_TRAINER_STATE = re.compile(r"^(training_args\.bin|optimizer\.pt|scheduler\.pt|scaler\.pt|rng_state.*\.pth)$")
_PICKLE = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib")


def _weights(record: dict[str, Any]) -> tuple[bool, bool]:
    """(has safetensors/GGUF weights, has pickle weights), read here from the record's file names."""
    safe = pickled = False
    for sibling in record.get("siblings") or []:
        name = _SPLIT.sub("", str(sibling.get("rfilename", "")).rsplit("/", 1)[-1].lower())
        if name.endswith((".safetensors", ".gguf")):
            safe = True
        elif name.endswith(_PICKLE) and not _TRAINER_STATE.match(name) and "ggml" not in name:
            pickled = True
    return safe, pickled


def _expected_flags(records: list[dict[str, Any]]) -> dict[str, set[str]]:
    flags: dict[str, set[str]] = {}
    for r in records:
        safe, pickled = _weights(r)
        config = r.get("config") if isinstance(r.get("config"), dict) else {}
        if pickled and not safe:
            flags.setdefault(r["id"], set()).add("pickle-only")
        if config.get("auto_map") or "custom_code" in (r.get("tags") or []):
            flags.setdefault(r["id"], set()).add("custom-code")
        if r.get("disabled") is True:
            flags.setdefault(r["id"], set()).add("disabled")
    return flags


def _children(records: list[dict[str, Any]]) -> dict[str, set[str]]:
    """base → children, from the Hub's ``base_model:<relation>:<id>`` tags of each record."""
    out: dict[str, set[str]] = {}
    for r in records:
        for tag in r.get("tags") or []:
            parts = tag.split(":", 2)
            if (
                len(parts) == 3
                and parts[0] == "base_model"
                and parts[1] in ("finetune", "adapter", "quantized", "merge")
            ):
                out.setdefault(parts[2], set()).add(r["id"])
    return out


def _below(model: str, children: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = [model]
    while todo:
        for c in children.get(todo.pop(), ()):
            if c not in seen and c != model:
                seen.add(c)
                todo.append(c)
    return seen


def test_bundled_families(families_store: SQLiteStore, family_records: list[dict[str, Any]]) -> None:
    expected = _expected_flags(family_records)
    counts = Counter(f for flags in expected.values() for f in flags)
    assert counts["pickle-only"] == 5 and counts["custom-code"] == 13  # what the records hold, as the brief says
    report = graph_risks(families_store)
    assert report.models == report.assessed == len(family_records)
    by_flag = {c.flag: c for c in report.counts}
    for name in RISK_FLAGS:
        assert by_flag[name].models == counts[name], name
        assert by_flag[name].inherited == 0  # every edge of the bundled families is a finetune: nothing inherited
    assert {m.model: set(m.flags) for m in report.flagged} == expected

    children = _children(family_records)
    spaces = {r["id"]: set(r.get("spaces") or []) for r in family_records}
    for name in RISK_FLAGS:
        downstream = set().union(*(_below(m, children) for m, f in expected.items() if name in f))
        assert by_flag[name].downstream == len(downstream), name
    for m in report.flagged:
        below = _below(m.model, children)
        assert m.descendants == len(below), m.model
        assert m.spaces == len(set().union(spaces[m.model], *(spaces.get(d, set()) for d in below))), m.model
        assert (m.repos, m.inheriting) == (0, 0)
    # the most exposed: DeepSeek-R1 (custom code), every other model of its family below it
    top = report.flagged[0]
    assert top.model == "deepseek-ai/DeepSeek-R1" and top.flags == ("custom-code",) and top.descendants == 301
