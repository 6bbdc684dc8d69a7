"""Small graphs with known answers for the policy tests, built as records, then as GraphState + LicenseReport."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphsc.ids import id_key
from graphsc.licenses.engine import check_licenses
from graphsc.licenses.findings import LicenseReport
from graphsc.policy import PolicyDatasets
from graphsc.records import Dataset, DatasetDerivedFrom, DerivedFrom, Model, Repo, Space, TrainedOn, Uses
from graphsc.snapshot.state import (
    EdgeFacts,
    GraphState,
    TrainingFacts,
    UsageFacts,
    add_findings,
    model_facts,
    node_facts,
)


@dataclass
class Records:
    models: list[Model]
    edges: list[DerivedFrom] = field(default_factory=list)
    training: list[TrainedOn] = field(default_factory=list)
    uses: list[Uses] = field(default_factory=list)
    datasets: list[Dataset] = field(default_factory=list)
    repos: list[Repo] = field(default_factory=list)
    spaces: list[Space] = field(default_factory=list)
    dataset_edges: list[DatasetDerivedFrom] = field(default_factory=list)

    def report(self) -> LicenseReport:
        return check_licenses(
            self.models,
            self.edges,
            self.training,
            self.uses,
            self.datasets,
            self.repos,
            self.spaces,
            self.dataset_edges,
        )

    def policy_datasets(self) -> PolicyDatasets:
        return PolicyDatasets.of(self.datasets, self.dataset_edges)

    def state(self, report: LicenseReport | None = None) -> GraphState:
        state = GraphState("test")
        for m in self.models:
            state.models[id_key(m.id)] = model_facts(m)
        for d in self.datasets:
            state.nodes["dataset", id_key(d.id)] = node_facts(d.id, "dataset", d.license)
        for r in self.repos:
            state.nodes["repo", id_key(r.id)] = node_facts(r.id, "repo", r.license)
        for s in self.spaces:
            state.nodes["space", id_key(s.id)] = node_facts(s.id, "space", s.license)
        for e in self.edges:
            state.lineage[id_key(e.child), id_key(e.base)] = EdgeFacts(e.child, e.base, e.relation, e.source)
        for t in self.training:
            state.training[id_key(t.model), id_key(t.dataset)] = TrainingFacts(t.model, t.dataset, t.source)
        for u in self.uses:
            state.usage[u.user_kind, id_key(u.user), id_key(u.model)] = UsageFacts(
                u.user, u.user_kind, u.model, u.source, u.evidence
            )
        add_findings(state, (report or self.report()).conflicts)
        return state

    # Independent walks over the records, for expected values.
    def ancestors(self, model: str) -> set[str]:
        out: set[str] = set()
        todo = [model]
        while todo:
            m = todo.pop()
            for e in self.edges:
                if e.child == m and e.base not in out:
                    out.add(e.base)
                    todo.append(e.base)
        return out

    def descendants(self, model: str) -> set[str]:
        out: set[str] = set()
        todo = [model]
        while todo:
            m = todo.pop()
            for e in self.edges:
                if e.base == m and e.child not in out:
                    out.add(e.child)
                    todo.append(e.child)
        return out

    def datasets_of(self, models: set[str]) -> set[str]:
        return {t.dataset for t in self.training if t.model in models}

    def used_by(self, repo: str) -> set[str]:
        return {u.model for u in self.uses if u.user == repo}


def small() -> Records:
    """Meta's gated Llama 2 under an Apache fine-tune, a non-commercial base trained on NC data, a merge of both
    under MIT with an adapter on top, a quantization of a stub nobody fetched, a RAIL model, a free model, and
    three users."""
    return Records(
        models=[
            Model("meta-llama/Llama-2-7b", author="meta-llama", license="llama2", gated="manual"),
            Model("acme/llama-ft", author="acme", license="apache-2.0", gated="false"),
            Model("nc/base", author="nc", license="cc-by-nc-4.0"),
            Model("acme/merged", author="acme", license="mit"),
            Model("acme/adapter", author="acme", license="mit"),
            Model("stub/unknown-base", fetched=False),
            Model("acme/quant", author="acme", license="apache-2.0"),
            Model("rail/sd", author="rail", license="creativeml-openrail-m"),
            Model("other/free", author="other", license="mit"),
        ],
        edges=[
            DerivedFrom("acme/llama-ft", "meta-llama/Llama-2-7b", "finetune", "hub-tag"),
            DerivedFrom("acme/merged", "acme/llama-ft", "merge", "hub-tag"),
            DerivedFrom("acme/merged", "nc/base", "merge", "hub-tag"),
            DerivedFrom("acme/adapter", "acme/merged", "adapter", "hub-tag"),
            DerivedFrom("acme/quant", "stub/unknown-base", "quantized", "hub-tag"),
        ],
        training=[
            TrainedOn("nc/base", "data/nc-set", "card"),
            TrainedOn("acme/llama-ft", "data/open", "card"),
        ],
        uses=[
            Uses("acme/app", "repo", "acme/adapter", "test"),
            Uses("acme/legacy-app", "repo", "rail/sd", "test"),
            Uses("acme/legacy-app", "repo", "meta-llama/Llama-2-7b", "test"),
            Uses("other/space", "space", "other/free", "test"),
        ],
        datasets=[Dataset("data/nc-set", "cc-by-nc-4.0"), Dataset("data/open", "mit")],
        repos=[Repo("acme/app", "mit"), Repo("acme/legacy-app", "mit")],
        spaces=[Space("other/space", "mit")],
    )
