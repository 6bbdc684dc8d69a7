"""What the license engine reports: conflicts at their origin edge, with what they reach, ranked by impact."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from graphsc.licenses.rules import SEVERITY_ORDER

Role = Literal["origin", "inherited"]


@dataclass(frozen=True, slots=True)
class Conflict:
    """One dropped obligation, reported once at the edge where it was dropped.

    ``child`` is the model (or, for ``edge == "uses"``, the repository/Space) whose license drops it and
    ``base`` the model or dataset it was taken from (for a merge, ``bases`` lists every parent).
    ``origin_licenses`` are the licenses whose clauses are dropped, ``clauses`` the citations behind it.
    ``reached_models`` are the child and every descendant that inherits the dropped obligation without
    restoring it; ``reached_repos`` the repositories/Spaces using any of them without restoring it.

    A finding at a dataset (``child_type == "dataset"``, ``edge == "dataset_derived"``) is a dataset made from
    another (``source_datasets``) whose license drops the source's obligation. ``reached_datasets`` are that
    dataset and the datasets made from it that carry the drop on (empty for every other finding); its
    ``reached_models`` are models only, never a dataset: every model trained on one of ``reached_datasets`` that
    does not honour the dropped obligation (it has a ``trained_on`` finding of its own, or inherits one), then
    every descendant that carries it on without restoring it; ``reached_downloads`` their downloads and
    ``reached_repos`` the repositories/Spaces using any of them without restoring it, so the dataset's finding is
    ranked (``impact``) and filtered (``--min-impact``) by the models and users its relicensing reaches.

    ``chain``, for a ``trained_on`` or ``dataset_derived`` finding: the datasets the (first) dropped obligation
    came through, from the dataset whose own license imposes it to ``base``, e.g. ``("d/nc", "d/derived")``;
    ``(base,)`` when the base's own license imposes it; empty for other edges. ``chain_licenses``: the license
    label of each of ``chain``, in the same order.
    """

    kind: str
    severity: str
    rule: str
    edge: Literal["derived", "merge", "trained_on", "uses", "dataset_derived"]
    child: str
    child_type: Literal["model", "dataset", "repo", "space"]
    child_license: str
    base: str | None
    base_license: str | None
    relation: str | None
    origin_licenses: tuple[str, ...]
    clauses: tuple[str, ...]
    dropped: tuple[str, ...]
    description: str
    bases: tuple[str, ...] = ()
    reached_models: tuple[str, ...] = ()
    reached_repos: tuple[str, ...] = ()
    reached_downloads: int = 0
    chain: tuple[str, ...] = ()
    chain_licenses: tuple[str, ...] = ()
    reached_datasets: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The finding's stable key, the same in every run and snapshot while the finding stands:
        ``RULE/EDGE:CHILD<-BASE`` (a merge's parents joined by ``+`` in sorted order), ids in lower case, e.g.
        ``D-NC/derived:acme/llama-ft<-meta-llama/llama-2-7b``. Diffs match findings by it and policy waivers name
        it. For a use, CHILD is the repository/Space; for a training edge, BASE is the dataset."""
        return finding_key(self.rule, self.edge, self.child, self.bases or (self.base or "",))

    @property
    def detail(self) -> str:
        """One line for humans: rule, edge with licenses, what was dropped (``finding_detail``)."""
        return finding_detail(self)

    @property
    def impact(self) -> tuple[int, int, int]:
        """(descendant models reached, their downloads, repositories/Spaces reached)."""
        return (len(self.reached_models), self.reached_downloads, len(self.reached_repos))


def finding_key(rule: str, edge: str, child: str, bases: Iterable[str]) -> str:
    """A finding's stable key (see ``Conflict.key``): ``RULE/EDGE:CHILD<-BASE[+BASE…]``, ids in lower case, bases
    sorted."""
    return f"{rule}/{edge}:{child.lower()}<-{'+'.join(sorted(b.lower() for b in bases))}"


class _Described(Protocol):
    @property
    def description(self) -> str: ...
    @property
    def child(self) -> str: ...
    @property
    def child_license(self) -> str: ...
    @property
    def base(self) -> str | None: ...
    @property
    def base_license(self) -> str | None: ...
    @property
    def dropped(self) -> tuple[str, ...]: ...


def finding_detail(f: _Described) -> str:
    """One line for humans about a finding (a ``Conflict`` or a snapshot's record of one): the rule in words, the
    origin edge with licenses, what was dropped."""
    chain: tuple[str, ...] = getattr(f, "chain", ())
    via = f" (from {' → '.join(chain[:-1])})" if len(chain) > 1 else ""
    return f"{f.description}: {f.child} [{f.child_license}] ← {f.base} [{f.base_license}]{via}: " + "; ".join(f.dropped)


def rank_key(c: Conflict) -> tuple[int, int, int, int, str, str, str]:
    """Sort key: largest impact first, then severity, then a stable order by kind and edge."""
    models, downloads, repos = c.impact
    return (-models, -downloads, -repos, SEVERITY_ORDER[c.severity], c.kind, c.child, c.base or "")


@dataclass(slots=True)
class UsesSummary:
    """How many repository/Space → model usages were checked and how many are in conflict."""

    total: int = 0
    checkable: int = 0
    in_conflict: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)

    @property
    def share_in_conflict(self) -> float:
        """Usages in conflict / all usages."""
        return self.in_conflict / self.total if self.total else 0.0

    @property
    def share_of_checkable(self) -> float:
        """Usages in conflict / usages whose user declares a judgeable license."""
        return self.in_conflict / self.checkable if self.checkable else 0.0


@dataclass(slots=True)
class LicenseReport:
    """The engine's answer: ranked conflicts plus summary numbers (and the license labels of merge parents,
    which a ``Conflict`` does not carry beyond its first parent)."""

    conflicts: list[Conflict]
    uses: UsesSummary
    models: int
    lineage_edges: int
    cycle_edges_ignored: list[tuple[str, str]]
    seconds: float
    # DERIVED_FROM edges between datasets (``lineage_edges`` counts those between models).
    dataset_lineage_edges: int = 0
    # License label of every parent of a reported merge (a conflict carries only its first parent's license).
    merge_parent_licenses: dict[str, str] = field(default_factory=dict)
    _by_model: dict[str, list[tuple[int, Role]]] | None = None

    def counts_by_kind(self) -> Counter[str]:
        """Conflicts per kind."""
        return Counter(c.kind for c in self.conflicts)

    def counts_by_severity(self) -> Counter[str]:
        """Conflicts per severity."""
        return Counter(c.severity for c in self.conflicts)

    def for_model(self, model_id: str) -> list[tuple[Conflict, Role]]:
        """Conflicts touching ``model_id``: those it originates and those it inherits from an ancestor (including a
        dataset's relicensing that reaches it through its training data: ``reached_models`` are models only). A
        repository's or Space's own use findings are listed under its id; a dataset's id lists nothing (a model
        sharing it is another node)."""
        if self._by_model is None:
            index: dict[str, list[tuple[int, Role]]] = {}
            for i, c in enumerate(self.conflicts):
                for m in c.reached_models:
                    role: Role = "origin" if m == c.child and c.child_type == "model" else "inherited"
                    index.setdefault(m, []).append((i, role))
                if c.child_type in ("repo", "space"):
                    index.setdefault(c.child, []).append((i, "origin"))
            self._by_model = index
        return [(self.conflicts[i], role) for i, role in self._by_model.get(model_id, [])]
