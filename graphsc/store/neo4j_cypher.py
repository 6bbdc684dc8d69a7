"""The Cypher the Neo4j store runs, and conversion between graphsc records and Cypher parameter rows.

Every value reaches Neo4j as a parameter; labels, types and property names are the fixed ones below.
Labels: ``Model``, ``Dataset``, ``Repo``, ``Space`` (property ``id``, unique) and ``GraphscState`` (``key``).
Edges: ``(child:Model)-[:DERIVED_FROM {relation, source, fetched_at}]->(base:Model)``,
``(m:Model)-[:TRAINED_ON {source, fetched_at}]->(d:Dataset)``,
``(u:Repo|Space)-[:USES {evidence, source, user_kind, fetched_at}]->(m:Model)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphsc.records import Dataset, DerivedFrom, Model, Repo, Space, TrainedOn, Uses
from graphsc.store.common import METRICS_COLUMNS

NODE_LABELS: tuple[str, ...] = ("Model", "Dataset", "Repo", "Space")
EDGE_TYPES: tuple[str, ...] = ("DERIVED_FROM", "TRAINED_ON", "USES")
STATE_LABEL = "GraphscState"

# The schema (constraints and their indexes) is graphsc/cypher/schema.cypher, the file `graphsc query schema`
# runs: one source of truth.
AWAIT_INDEXES = "CALL db.awaitIndexes($seconds)"

MODEL_FIELDS: tuple[str, ...] = Model._fields
REPO_FIELDS: tuple[str, ...] = Repo._fields

# --- writes (each UNWINDs $rows; run in the order of WRITE_ORDER inside one transaction) ---

# Fetched models replace their outgoing Hub edges, but only if they were fetched before (stubs have none).
# Both run before UPSERT_MODELS in the same transaction, so ``fetched`` is still the stored value.
DROP_OUTGOING_EDGES = """
UNWIND $rows AS id
MATCH (m:Model {id: id})-[r:DERIVED_FROM|TRAINED_ON]->() WHERE m.fetched = true
DELETE r
"""
DROP_HUB_SPACE_USES = """
UNWIND $rows AS id
MATCH (m:Model {id: id})<-[r:USES]-() WHERE m.fetched = true AND r.source = 'hub-spaces'
DELETE r
"""
UPSERT_MODELS = "UNWIND $rows AS row MERGE (m:Model {id: row.id}) SET m += row"
STUB_MODELS = "UNWIND $rows AS row MERGE (m:Model {id: row.id}) ON CREATE SET m.author = row.author, m.fetched = false"
# An unfetched model with a license (e.g. the one a usage dataset recorded) sets it on a stub, never on a fetched model.
STUB_LICENSES = """
UNWIND $rows AS row
MERGE (m:Model {id: row.id}) ON CREATE SET m.author = row.author, m.fetched = false
WITH m, row WHERE m.fetched = false
SET m.license = row.license
"""
UPSERT_DATASETS = "UNWIND $rows AS row MERGE (d:Dataset {id: row.id}) SET d.license = row.license"
STUB_DATASETS = "UNWIND $rows AS id MERGE (:Dataset {id: id})"
UPSERT_REPOS = "UNWIND $rows AS row MERGE (r:Repo {id: row.id}) SET r += row"
STUB_REPOS = "UNWIND $rows AS id MERGE (:Repo {id: id})"
UPSERT_SPACES = "UNWIND $rows AS row MERGE (s:Space {id: row.id}) SET s.license = row.license"
STUB_SPACES = "UNWIND $rows AS id MERGE (:Space {id: id})"
MERGE_DERIVED_FROM = """
UNWIND $rows AS row
MATCH (c:Model {id: row.child})
MATCH (b:Model {id: row.base})
MERGE (c)-[r:DERIVED_FROM]->(b)
SET r.relation = row.relation, r.source = row.source, r.fetched_at = row.fetched_at
"""
MERGE_TRAINED_ON = """
UNWIND $rows AS row
MATCH (m:Model {id: row.model})
MATCH (d:Dataset {id: row.dataset})
MERGE (m)-[r:TRAINED_ON]->(d)
SET r.source = row.source, r.fetched_at = row.fetched_at
"""
_MERGE_USES = """
UNWIND $rows AS row
MATCH (u:{label} {{id: row.user}})
MATCH (m:Model {{id: row.model}})
MERGE (u)-[r:USES]->(m)
SET r.user_kind = row.user_kind, r.source = row.source, r.evidence = row.evidence, r.fetched_at = row.fetched_at
"""
MERGE_USES_FROM_REPOS = _MERGE_USES.format(label="Repo")
MERGE_USES_FROM_SPACES = _MERGE_USES.format(label="Space")
SET_STATE = f"UNWIND $rows AS row MERGE (s:{STATE_LABEL} {{key: row.key}}) SET s.value = row.value"

# Model metrics (``graphsc analyze --write``): properties named as METRICS_COLUMNS (without ``model_id``) on
# ``Model``; rows are lists in METRICS_COLUMNS order, ``in_cycle`` 0/1 stored as a boolean.
_METRIC_PROPERTIES = METRICS_COLUMNS[1:]
CLEAR_MODEL_METRICS = (
    "MATCH (m:Model) WHERE m.generation IS NOT NULL REMOVE "
    + ", ".join(f"m.{p}" for p in _METRIC_PROPERTIES)
)
SET_MODEL_METRICS = "UNWIND $rows AS row MATCH (m:Model {id: row[0]}) SET " + ", ".join(
    f"m.{p} = row[{i}] = 1" if p == "in_cycle" else f"m.{p} = row[{i}]"
    for i, p in enumerate(_METRIC_PROPERTIES, start=1)
)

# --- reads ---

GET_STATE = f"MATCH (s:{STATE_LABEL} {{key: $key}}) RETURN s.value AS value"
MODELS_BY_ID = "UNWIND $ids AS id MATCH (m:Model {id: id}) RETURN m {.*} AS m"
MODEL_IDS_CONTAINING = """
MATCH (m:Model) WHERE toLower(m.id) CONTAINS toLower($text)
RETURN m.id AS id ORDER BY id LIMIT $limit
"""
_DERIVED_FROM_RETURN = "RETURN c.id AS child, b.id AS base, r.relation AS relation, r.source AS source, r.fetched_at AS fetched_at"
# Lineage: every node reachable from the start (``*0..`` includes the start itself), then the edges between
# them. ``WITH DISTINCT`` over the far end lets the planner use VarLengthExpand(Pruning,BFS), which visits each
# node once: linear in the family's size, and it terminates on cycles (tests/store checks the plan).
LINEAGE_UP = f"""
MATCH (:Model {{id: $id}})-[:DERIVED_FROM*0..]->(c:Model)
WITH DISTINCT c
MATCH (c)-[r:DERIVED_FROM]->(b:Model)
{_DERIVED_FROM_RETURN}
"""
LINEAGE_DOWN = f"""
MATCH (:Model {{id: $id}})<-[:DERIVED_FROM*0..]-(b:Model)
WITH DISTINCT b
MATCH (c:Model)-[r:DERIVED_FROM]->(b)
{_DERIVED_FROM_RETURN}
"""
_USES_RETURN = (
    "RETURN u.id AS user, r.user_kind AS user_kind, m.id AS model, r.source AS source, r.evidence AS evidence, "
    "r.fetched_at AS fetched_at"
)
USES_OF = f"UNWIND $ids AS id MATCH (u)-[r:USES]->(m:Model {{id: id}}) {_USES_RETURN}"
_TRAINED_ON_RETURN = "RETURN m.id AS model, d.id AS dataset, r.source AS source, r.fetched_at AS fetched_at"
TRAINED_ON_OF = f"UNWIND $ids AS id MATCH (m:Model {{id: id}})-[r:TRAINED_ON]->(d:Dataset) {_TRAINED_ON_RETURN}"

COUNT_NODES = {label: f"MATCH (n:{label}) RETURN count(n) AS n" for label in NODE_LABELS}
COUNT_EDGES = {kind: f"MATCH ()-[r:{kind}]->() RETURN count(r) AS n" for kind in EDGE_TYPES}
COUNT_RELATIONS = "MATCH ()-[r:DERIVED_FROM]->() RETURN r.relation AS relation, count(*) AS n ORDER BY relation"
COUNT_UNFETCHED = "MATCH (m:Model) WHERE m.fetched = false RETURN count(m) AS n"

ALL_MODELS = "MATCH (m:Model) WHERE m.id IS NOT NULL RETURN m {.*} AS m ORDER BY m.id"


def model_fields_query(fields: tuple[str, ...]) -> str:
    """Every model as ``[id, *fields]`` ordered by id; ``fields`` must be ``Model`` field names (checked)."""
    unknown = [f for f in fields if f not in MODEL_FIELDS]
    if unknown:
        raise ValueError(f"not Model fields: {', '.join(unknown)}")
    columns = ", ".join(f"m.{f}" for f in ("id", *fields))
    return f"MATCH (m:Model) WHERE m.id IS NOT NULL RETURN [{columns}] AS row ORDER BY m.id"


ALL_DATASETS = "MATCH (d:Dataset) WHERE d.id IS NOT NULL RETURN d.id AS id, d.license AS license ORDER BY d.id"
ALL_REPOS = "MATCH (r:Repo) WHERE r.id IS NOT NULL RETURN r {.*} AS r ORDER BY r.id"
ALL_SPACES = "MATCH (s:Space) WHERE s.id IS NOT NULL RETURN s.id AS id, s.license AS license ORDER BY s.id"
# Ordered as the embedded store's primary key (child, base): analytics number nodes in edge order, and float
# sums (PageRank) must come out bit-identical on both backends.
ALL_DERIVED_FROM = f"MATCH (c:Model)-[r:DERIVED_FROM]->(b:Model) {_DERIVED_FROM_RETURN} ORDER BY child, base"
ALL_TRAINED_ON = f"MATCH (m:Model)-[r:TRAINED_ON]->(d:Dataset) {_TRAINED_ON_RETURN}"
ALL_USES = f"MATCH (u)-[r:USES]->(m:Model) {_USES_RETURN}"


# --- rows <-> records ---

def model_row(model: Model) -> dict[str, Any]:
    """Every Model field, so ``SET m += row`` overwrites all of them (a None removes the property)."""
    return model._asdict()


def repo_row(repo: Repo) -> dict[str, Any]:
    """Every Repo field (a refetched repository replaces all its properties, as in the embedded store)."""
    return repo._asdict()


def model_from(props: dict[str, Any]) -> Model:
    """A Model from a node's properties; absent properties are None, ``fetched`` a bool."""
    values = {name: props.get(name) for name in MODEL_FIELDS}
    values["fetched"] = bool(values["fetched"])
    return Model(**values)


def repo_from(props: dict[str, Any]) -> Repo:
    """A Repo from a node's properties (a stub repository has only its id)."""
    return Repo(**{name: props.get(name) for name in REPO_FIELDS})


def dataset_from(row: Mapping[str, Any]) -> Dataset:
    return Dataset(row["id"], row["license"])


def space_from(row: Mapping[str, Any]) -> Space:
    return Space(row["id"], row["license"])


def derived_from_row(edge: DerivedFrom) -> dict[str, Any]:
    return edge._asdict()


def derived_from_from(row: Mapping[str, Any]) -> DerivedFrom:
    return DerivedFrom(row["child"], row["base"], row["relation"], row["source"], row["fetched_at"])


def trained_on_row(edge: TrainedOn) -> dict[str, Any]:
    return edge._asdict()


def trained_on_from(row: Mapping[str, Any]) -> TrainedOn:
    return TrainedOn(row["model"], row["dataset"], row["source"], row["fetched_at"])


def uses_row(edge: Uses) -> dict[str, Any]:
    return edge._asdict()


def uses_from(row: Mapping[str, Any]) -> Uses:
    return Uses(row["user"], row["user_kind"], row["model"], row["source"], row["evidence"], row["fetched_at"])
