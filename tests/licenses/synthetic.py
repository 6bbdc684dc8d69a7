"""A synthetic Hub-shaped graph for scale tests of the license engine.

Heavy-tailed fan-out (a few bases get most derivatives), the relation mix of the Hub (finetune, quantized,
adapter, merge with 2-3 parents, distillation), a realistic license mix, a few cycles, and Spaces using models.
"""

from __future__ import annotations

import random

from graphsc.records import DerivedFrom, Model, Repo, Uses

LICENSES = [
    ("apache-2.0", 40),
    (None, 22),
    ("mit", 14),
    ("other", 4),
    ("llama3.1", 3),
    ("llama3", 2),
    ("llama2", 1),
    ("cc-by-nc-4.0", 3),
    ("openrail", 2),
    ("creativeml-openrail-m", 2),
    ("gemma", 2),
    ("unknown", 2),
    ("gpl-3.0", 1),
    ("cc-by-sa-4.0", 1),
    ("MIT OR Apache-2.0", 1),
]
RELATIONS = [("finetune", 32), ("quantized", 35), ("adapter", 20), ("merge", 10), ("distillation", 3)]


def synthetic(n_models: int, n_edges: int, n_uses: int = 0, seed: int = 7):
    """``(models, derived_from, uses, repos)`` lists with the given sizes (edges approximate for merges)."""
    rnd = random.Random(seed)
    lic_values, lic_weights = zip(*LICENSES)
    licenses = rnd.choices(lic_values, lic_weights, k=n_models)
    models = [
        Model(id=f"org{i % 50_000}/model-{i}", license=licenses[i], downloads=int(rnd.paretovariate(1.2)) - 1)
        for i in range(n_models)
    ]
    ids = [m.id for m in models]
    rel_values, rel_weights = zip(*RELATIONS)
    # bases are earlier models with heavy-tailed popularity; children are later models
    n_children = min(n_models - 1, int(n_edges * 0.9))
    child_ix = rnd.sample(range(1, n_models), n_children)
    edges: list[DerivedFrom] = []
    for c in child_ix:
        rel = rnd.choices(rel_values, rel_weights)[0]
        for _ in range(rnd.choice((2, 2, 3)) if rel == "merge" else 1):
            b = int(c * (rnd.random() ** 4))  # skewed towards early (popular) models
            if b != c:
                edges.append(DerivedFrom(ids[c], ids[b], rel, "synthetic"))
    for _ in range(max(1, n_models // 200_000)):  # a few declared cycles
        a, b = rnd.sample(range(n_models), 2)
        edges += [
            DerivedFrom(ids[a], ids[b], "finetune", "synthetic"),
            DerivedFrom(ids[b], ids[a], "finetune", "synthetic"),
        ]
    repo_licenses = ["mit", "apache-2.0", None, "gpl-3.0", "bsd-new", "cc-by-nc-4.0"]
    repos = [Repo(id=f"gh{i}/app", license=rnd.choice(repo_licenses)) for i in range(max(1, n_uses // 3))]
    uses = [
        Uses(rnd.choice(repos).id, "repo", ids[int(n_models * rnd.random() ** 6)], "synthetic") for _ in range(n_uses)
    ]
    return models, edges, uses, repos
