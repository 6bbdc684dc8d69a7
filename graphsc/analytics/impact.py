"""The blast radius of one model: what is downstream of it.

Built on ``graphsc.lineage`` (the descendants walk, depths and relations are defined there), plus the
repositories and Spaces that use the model or any descendant, and the licenses declared in the subtree. This is
the interactive path: it reads only the model's subtree, never the whole graph.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from graphsc.lineage import Lineage, compute_lineage
from graphsc.records import NO_LICENSE, NOT_FETCHED, USER_REPO, USER_SPACE, Uses
from graphsc.store.base import GraphStore


@dataclass(frozen=True, slots=True)
class Impact:
    """``lineage`` is the model's downward lineage; ``users`` every USES edge into the model or its subtree."""

    lineage: Lineage
    users: tuple[Uses, ...]

    @property
    def model_id(self) -> str:
        return self.lineage.model.id

    @property
    def repos(self) -> list[str]:
        return sorted({u.user for u in self.users if u.user_kind == USER_REPO})

    @property
    def spaces(self) -> list[str]:
        return sorted({u.user for u in self.users if u.user_kind == USER_SPACE})

    @property
    def licenses(self) -> dict[str, int]:
        """Declared license → number of models in the subtree (the model itself included), most first."""
        counts: Counter[str] = Counter()
        for model_id in self.lineage.descendant_depth:
            model = self.lineage.models.get(model_id)
            if model is None or not model.fetched:
                counts[NOT_FETCHED] += 1
            else:
                counts[model.license or NO_LICENSE] += 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    @property
    def descendant_downloads(self) -> int:
        models = self.lineage.models
        return sum(
            (models[m].downloads or 0) for m in self.lineage.descendant_depth if m != self.model_id and m in models
        )

    def users_by_model(self) -> dict[str, int]:
        """Model → how many repos and Spaces use it directly, most used first."""
        counts = Counter(u.model for u in self.users)
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def compute_impact(store: GraphStore, model_id: str) -> Impact:
    """The blast radius of ``model_id``; raises ``UnknownModelError`` (with close matches) like lineage does."""
    lineage = compute_lineage(store, model_id, "down")
    users = store.uses_of(lineage.descendant_depth)
    return Impact(lineage, tuple(sorted(users, key=lambda u: (u.user_kind, u.user, u.model))))
