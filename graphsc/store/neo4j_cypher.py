"""The Cypher the Neo4j store runs, and conversion between graphsc records and Cypher parameter rows.

Every value reaches Neo4j as a parameter; labels, types and property names are the fixed ones below.
Labels: ``Model``, ``Dataset``, ``Repo``, ``Space`` (property ``id``, unique) and ``GraphscState`` (``key``).
Edges: ``(child:Model)-[:DERIVED_FROM {relation, source, fetched_at}]->(base:Model)``,
``(child:Dataset)-[:DERIVED_FROM {source, fetched_at}]->(base:Dataset)``,
``(m:Model)-[:TRAINED_ON {source, fetched_at}]->(d:Dataset)``,
``(u:Repo|Space)-[:USES {evidence, source, user_kind, fetched_at}]->(m:Model)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.resources import files
from typing import Any

from graphsc.records import (
    HUB_SPACE_SOURCES,
    SOURCE_HUB_SPACES,
    SOURCE_HUB_SPACES_AND_CARD,
    SOURCE_SPACE_CARD,
    Dataset,
    DerivedFrom,
    EvalResult,
    Model,
    ModelDetails,
    Repo,
    Space,
    TrainedOn,
    Uses,
)
from graphsc.store.common import METRICS_COLUMNS

NODE_LABELS: tuple[str, ...] = ("Model", "Dataset", "Repo", "Space")
# graphsc's bookkeeping nodes besides the graph's own: other spellings of model ids, notes on card values.
ALIAS_LABEL = "ModelAlias"
NOTE_LABEL = "IdNote"
EVAL_LABEL = "EvalResult"  # a result a model card reports: bookkeeping node keyed by (model, position)
EDGE_TYPES: tuple[str, ...] = ("DERIVED_FROM", "TRAINED_ON", "USES")
STATE_LABEL = "GraphscState"

# The schema (constraints and their indexes) is graphsc/cypher/schema.cypher, the file `graphsc query schema`
# runs: one source of truth.
SCHEMA_FILE = "schema.cypher"
AWAIT_INDEXES = "CALL db.awaitIndexes($seconds)"


def schema_statements() -> tuple[str, ...]:
    """The statements of the shipped ``graphsc/cypher/schema.cypher``, in order (``//`` comment lines left out).

    Read here rather than through ``graphsc.querylib`` (the query library above the store) so the store layer
    depends on nothing above it."""
    text = (files("graphsc") / "cypher" / SCHEMA_FILE).read_text(encoding="utf-8")
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    return tuple(statement.strip() for statement in code.split(";") if statement.strip())


MODEL_FIELDS: tuple[str, ...] = Model._fields
REPO_FIELDS: tuple[str, ...] = Repo._fields

# --- writes (each UNWINDs $rows, run in the order of ``neo4j._write_steps`` inside one transaction) ---
# Rows are lists in the record's field order (``list(record)``): about half the bytes of maps and no key
# lookups server-side. Every endpoint is MATCHed by label and id, so each lookup is a seek on the unique index.


def _set_fields(var: str, fields: tuple[str, ...], merge: bool = False) -> str:
    """``SET var.f = row[i], ...`` for every field after the id (``coalesce`` keeps stored values if ``merge``)."""
    return "SET " + ", ".join(
        f"{var}.{f} = coalesce(row[{i}], {var}.{f})" if merge else f"{var}.{f} = row[{i}]"
        for i, f in enumerate(fields)
        if i > 0
    )


# A fetched model replaces its outgoing Hub edges (DERIVED_FROM, TRAINED_ON, USES from the Spaces its record
# lists), but only if it was fetched before (a stub or a new model has none): ``was_fetched`` is read after the
# MERGE and before the SET, so it is the stored value. One index seek per model does both.
UPSERT_MODELS = f"""
UNWIND $rows AS row
MERGE (m:Model {{id: row[0]}})
WITH m, row, m.fetched = true AS was_fetched
{_set_fields("m", Model._fields)}, m.key = toLower(row[0])
WITH m WHERE was_fetched
CALL (m) {{ MATCH (m)-[r:DERIVED_FROM|TRAINED_ON]->() DELETE r }}
CALL (m) {{ MATCH (m)<-[r:USES]-() WHERE r.source = '{SOURCE_HUB_SPACES}' DELETE r }}
CALL (m) {{ MATCH (m)<-[r:USES]-() WHERE r.source = '{SOURCE_HUB_SPACES_AND_CARD}' SET r.source = '{SOURCE_SPACE_CARD}' }}
CALL (m) {{ MATCH (n:{NOTE_LABEL} {{model: m.id}}) DELETE n }}
CALL (m) {{ MATCH (e:{EVAL_LABEL} {{model: m.id}}) DELETE e }}
REMOVE m.has_details, {", ".join(f"m.{f}" for f in ModelDetails._fields[1:])}
"""
STUB_MODELS = (
    "UNWIND $rows AS row MERGE (m:Model {id: row[0]}) "
    "ON CREATE SET m.author = row[1], m.fetched = false, m.key = toLower(row[0])"
)
# An unfetched model with a license (e.g. the one a usage dataset recorded) sets it on a stub, never on a fetched
# model. Rows: [id, author, license].
STUB_LICENSES = """
UNWIND $rows AS row
MERGE (m:Model {id: row[0]}) ON CREATE SET m.author = row[1], m.fetched = false, m.key = toLower(row[0])
WITH m, row WHERE m.fetched = false
SET m.license = row[2]
"""
# A fetched dataset replaces its fields and its outgoing dataset DERIVED_FROM edges. Rows: list(Dataset).
UPSERT_DATASETS = f"""
UNWIND $rows AS row
MERGE (d:Dataset {{id: row[0]}})
{_set_fields("d", Dataset._fields)}, d.key = toLower(row[0])
WITH d CALL (d) {{ MATCH (d)-[r:DERIVED_FROM]->(:Dataset) DELETE r }}
"""
STUB_DATASETS = "UNWIND $rows AS id MERGE (d:Dataset {id: id}) ON CREATE SET d.key = toLower(id), d.fetched = false"
# Rows: [id, license] of unfetched datasets (Spaces) with a license: set on unfetched nodes only.
STUB_DATASET_LICENSES = (
    "UNWIND $rows AS row MATCH (d:Dataset {id: row[0]}) WHERE NOT coalesce(d.fetched, false) SET d.license = row[1]"
)
STUB_SPACE_LICENSES = (
    "UNWIND $rows AS row MATCH (s:Space {id: row[0]}) WHERE NOT coalesce(s.fetched, false) SET s.license = row[1]"
)
# Rows: list(DatasetDerivedFrom) = [child, base, source, fetched_at].
MERGE_DATASET_DERIVED_FROM = """
UNWIND $rows AS row
MATCH (c:Dataset {id: row[0]})
MATCH (b:Dataset {id: row[1]})
MERGE (c)-[r:DERIVED_FROM]->(b)
SET r.source = row[2], r.fetched_at = row[3]
"""
DATASET_EXISTS = "MATCH (n:Dataset {id: $id}) RETURN count(n) AS n"
RENAME_DATASET = "MATCH (o:Dataset {id: $old}) SET o.id = $new, o.key = toLower($new)"
MERGE_DATASET_INTO = """
MATCH (o:Dataset {id: $old}), (n:Dataset {id: $new})
CALL (o, n) { MATCH (m:Model)-[r:TRAINED_ON]->(o) MERGE (m)-[r2:TRAINED_ON]->(n) SET r2 = properties(r) DELETE r }
CALL (o, n) { MATCH (c:Dataset)-[r:DERIVED_FROM]->(o) WHERE c <> n MERGE (c)-[r2:DERIVED_FROM]->(n) SET r2 = properties(r) DELETE r }
CALL (o, n) { MATCH (o)-[r:DERIVED_FROM]->(b:Dataset) WHERE b <> n MERGE (n)-[r2:DERIVED_FROM]->(b) SET r2 = properties(r) DELETE r }
DETACH DELETE o
"""
# Sources know different things about a repository: a field the row leaves null keeps its stored value.
UPSERT_REPOS = (
    f"UNWIND $rows AS row MERGE (r:Repo {{id: row[0]}}) {_set_fields('r', Repo._fields, merge=True)}, "
    "r.key = toLower(row[0])"
)
STUB_REPOS = "UNWIND $rows AS id MERGE (r:Repo {id: id}) ON CREATE SET r.key = toLower(id)"
# A fetched Space replaces its fields and the USES edges its own card declared. Rows: list(Space).
UPSERT_SPACES = f"""
UNWIND $rows AS row
MERGE (s:Space {{id: row[0]}})
{_set_fields("s", Space._fields)}, s.key = toLower(row[0])
WITH s CALL (s) {{ MATCH (s)-[r:USES]->(:Model) WHERE r.source = '{SOURCE_SPACE_CARD}' DELETE r }}
CALL (s) {{ MATCH (s)-[r:USES]->(:Model) WHERE r.source = '{SOURCE_HUB_SPACES_AND_CARD}' SET r.source = '{SOURCE_HUB_SPACES}' }}
"""
STUB_SPACES = "UNWIND $rows AS id MERGE (s:Space {id: id}) ON CREATE SET s.fetched = false, s.key = toLower(id)"
SPACE_EXISTS = "MATCH (n:Space {id: $id}) RETURN count(n) AS n"
RENAME_SPACE = "MATCH (o:Space {id: $old}) SET o.id = $new, o.key = toLower($new)"
MERGE_SPACE_INTO = """
MATCH (o:Space {id: $old}), (n:Space {id: $new})
CALL (o, n) { MATCH (o)-[r:USES]->(m:Model) MERGE (n)-[r2:USES]->(m) SET r2 = properties(r) DELETE r }
DETACH DELETE o
"""
# Rows: list(DerivedFrom) = [child, base, relation, source, fetched_at].
MERGE_DERIVED_FROM = """
UNWIND $rows AS row
MATCH (c:Model {id: row[0]})
MATCH (b:Model {id: row[1]})
MERGE (c)-[r:DERIVED_FROM]->(b)
SET r.relation = row[2], r.source = row[3], r.fetched_at = row[4]
"""
# Rows: list(TrainedOn) = [model, dataset, source, fetched_at].
MERGE_TRAINED_ON = """
UNWIND $rows AS row
MATCH (m:Model {id: row[0]})
MATCH (d:Dataset {id: row[1]})
MERGE (m)-[r:TRAINED_ON]->(d)
SET r.source = row[2], r.fetched_at = row[3]
"""
# Rows: list(Uses) = [user, user_kind, model, source, evidence, fetched_at]. A use both the model's record and the
# Space's card declare keeps both (``SOURCE_HUB_SPACES_AND_CARD``); ``{{`` survive the label's ``format``.
_HUB_SPACE_SOURCES = "[" + ", ".join(f"'{s}'" for s in sorted(HUB_SPACE_SOURCES)) + "]"
_HUB_OR_CARD = f"['{SOURCE_HUB_SPACES}', '{SOURCE_SPACE_CARD}']"
_MERGE_USES = f"""
UNWIND $rows AS row
MATCH (u:{{label}} {{{{id: row[0]}}}})
MATCH (m:Model {{{{id: row[2]}}}})
MERGE (u)-[r:USES]->(m)
SET r.user_kind = row[1], r.evidence = row[4], r.fetched_at = row[5],
    r.source = CASE WHEN r.source IN {_HUB_SPACE_SOURCES} AND row[3] IN {_HUB_OR_CARD} AND r.source <> row[3]
                    THEN '{SOURCE_HUB_SPACES_AND_CARD}' ELSE row[3] END
"""
MERGE_USES_FROM_REPOS = _MERGE_USES.format(label="Repo")
MERGE_USES_FROM_SPACES = _MERGE_USES.format(label="Space")
# Rows: list(IdNote) = [model, field, value, resolved, kind, fetched_at].
# CREATE, not MERGE: a fetched model's notes were deleted just before in the same transaction (a batch holds one
# copy of each record), and MERGE can meet a note deleted in this transaction when a rename moved it first.
MERGE_NOTES = f"""
UNWIND $rows AS row
CREATE (n:{NOTE_LABEL} {{model: row[0], field: row[1], value: row[2], kind: row[4], resolved: row[3],
                         fetched_at: row[5]}})
"""
# Details are properties of the Model node (``MATCH (m:Model) WHERE m.custom_code`` reads as it says), marked by
# ``has_details``; tuples are lists. Rows: list(ModelDetails).
DETAIL_FIELDS: tuple[str, ...] = ModelDetails._fields[1:]
SET_DETAILS = "UNWIND $rows AS row MATCH (m:Model {id: row[0]}) SET m.has_details = true, " + ", ".join(
    f"m.{f} = row[{i}]" for i, f in enumerate(DETAIL_FIELDS, start=1)
)
EVAL_FIELDS: tuple[str, ...] = EvalResult._fields
# Rows: list(EvalResult). CREATE: a fetched model's results were deleted just before, like its notes.
CREATE_EVAL_RESULTS = (
    f"UNWIND $rows AS row CREATE (:{EVAL_LABEL} {{"
    + ", ".join(f"{f}: row[{i}]" for i, f in enumerate(EVAL_FIELDS))
    + "})"
)
# Rows: list(Alias) = [alias, id, kind].
MERGE_ALIASES = (
    f"UNWIND $rows AS row MERGE (a:{ALIAS_LABEL} {{alias: row[0]}}) SET a.key = toLower(row[0]), a.id = row[1], "
    "a.kind = row[2]"
)
# Rows: [new id, old id's key] of ``renamed`` aliases: an unconfirmed card base that the Hub redirects to a base
# the model is tagged with is a followed rename.
RECLASSIFY_RENAMED = f"""
UNWIND $rows AS row
MATCH (x:{NOTE_LABEL} {{kind: 'unconfirmed'}}) WHERE toLower(x.resolved) = row[1]
MATCH (:Model {{id: x.model}})-[:DERIVED_FROM]->(:Model {{id: row[0]}})
SET x.kind = 'renamed', x.resolved = row[0]
"""
# Identity moves (``graphsc.store.identity``): rename a node, or merge it into an existing one, edges and notes too.
MODEL_EXISTS = "MATCH (n:Model {id: $id}) RETURN count(n) AS n"
RENAME_MODEL = f"""
MATCH (o:Model {{id: $old}}) SET o.id = $new, o.key = toLower($new)
WITH o CALL (o) {{ MATCH (x:{NOTE_LABEL} {{model: $old}}) SET x.model = $new }}
CALL () {{ MATCH (a:{ALIAS_LABEL} {{id: $old}}) SET a.id = $new }}
CALL () {{ MATCH (a:{ALIAS_LABEL} {{alias: $new}}) DETACH DELETE a }}
CALL () {{ MATCH (x:{NOTE_LABEL} {{resolved: $old}}) SET x.resolved = $new }}
CALL () {{ MATCH (e:{EVAL_LABEL} {{model: $old}}) SET e.model = $new }}
"""
MERGE_MODEL_INTO = f"""
MATCH (o:Model {{id: $old}}), (n:Model {{id: $new}})
CALL (o, n) {{ MATCH (c)-[r:DERIVED_FROM]->(o) WHERE c <> n MERGE (c)-[r2:DERIVED_FROM]->(n) SET r2 = properties(r) DELETE r }}
CALL (o, n) {{ MATCH (o)-[r:DERIVED_FROM]->(b) WHERE b <> n MERGE (n)-[r2:DERIVED_FROM]->(b) SET r2 = properties(r) DELETE r }}
CALL (o, n) {{ MATCH (o)-[r:TRAINED_ON]->(d) MERGE (n)-[r2:TRAINED_ON]->(d) SET r2 = properties(r) DELETE r }}
CALL (o, n) {{ MATCH (u)-[r:USES]->(o) MERGE (u)-[r2:USES]->(n) SET r2 = properties(r) DELETE r }}
CALL (o) {{ MATCH (x:{NOTE_LABEL} {{model: $old}}) SET x.model = $new }}
CALL () {{ MATCH (a:{ALIAS_LABEL} {{id: $old}}) SET a.id = $new }}
CALL () {{ MATCH (a:{ALIAS_LABEL} {{alias: $new}}) DETACH DELETE a }}
CALL () {{ MATCH (x:{NOTE_LABEL} {{resolved: $old}}) SET x.resolved = $new }}
CALL (o, n) {{
  WITH o, n WHERE n.has_details IS NULL AND o.has_details IS NOT NULL
  SET n.has_details = true, {", ".join(f"n.{f} = o.{f}" for f in ModelDetails._fields[1:])}
}}
CALL () {{
  MATCH (e:{EVAL_LABEL} {{model: $old}})
  WHERE NOT EXISTS {{ MATCH (:{EVAL_LABEL} {{model: $new}}) }}
  SET e.model = $new
}}
CALL () {{ MATCH (e:{EVAL_LABEL} {{model: $old}}) DELETE e }}
DETACH DELETE o
"""
SET_STATE = f"UNWIND $rows AS row MERGE (s:{STATE_LABEL} {{key: row[0]}}) SET s.value = row[1]"

# Model metrics (``graphsc analyze --write``): properties named as METRICS_COLUMNS (without ``model_id``) on
# ``Model``; rows are lists in METRICS_COLUMNS order, ``in_cycle`` 0/1 stored as a boolean.
_METRIC_PROPERTIES = METRICS_COLUMNS[1:]
CLEAR_MODEL_METRICS = "MATCH (m:Model) WHERE m.generation IS NOT NULL REMOVE " + ", ".join(
    f"m.{p}" for p in _METRIC_PROPERTIES
)
SET_MODEL_METRICS = "UNWIND $rows AS row MATCH (m:Model {id: row[0]}) SET " + ", ".join(
    f"m.{p} = row[{i}] = 1" if p == "in_cycle" else f"m.{p} = row[{i}]"
    for i, p in enumerate(_METRIC_PROPERTIES, start=1)
)

# --- reads ---

GET_STATE = f"MATCH (s:{STATE_LABEL} {{key: $key}}) RETURN s.value AS value"
# The store's generation (``GraphStore.generation``), counted in the transaction of each write; the epoch is set
# once, so a wiped and refilled database never repeats a token.
BUMP_GENERATION = (
    f"UNWIND $rows AS row MERGE (g:{STATE_LABEL} {{key: 'graphsc.generation'}}) "
    "ON CREATE SET g.epoch = randomUUID(), g.value = 0 SET g.value = g.value + 1"
)
GET_GENERATION = (
    f"MATCH (g:{STATE_LABEL} {{key: 'graphsc.generation'}}) RETURN g.epoch + '/' + toString(g.value) AS token"
)
# Id lookups return one row holding a list of field lists (record field order), not a record per match: the
# driver decodes one list far faster than it builds 100k records (compute_lineage reads every descendant).
MODELS_BY_ID = (
    "UNWIND $ids AS id MATCH (m:Model {id: id}) RETURN collect(["
    + ", ".join(f"m.{f}" for f in Model._fields)
    + "]) AS rows"
)
STORED_MODEL_IDS = "UNWIND $ids AS k MATCH (m:Model {key: k}) RETURN collect([k, m.id]) AS rows"
STORED_DATASET_IDS = "UNWIND $ids AS k MATCH (d:Dataset {key: k}) RETURN collect([k, d.id]) AS rows"
STORED_REPO_IDS = "UNWIND $ids AS k MATCH (r:Repo {key: k}) RETURN collect([k, r.id]) AS rows"
STORED_SPACE_IDS = "UNWIND $ids AS k MATCH (s:Space {key: k}) RETURN collect([k, s.id]) AS rows"
STORED_ALIASES = (
    f"UNWIND $ids AS k MATCH (a:{ALIAS_LABEL} {{key: k}}) WHERE a.kind <> 'case' RETURN collect([k, a.id]) AS rows"
)
_NOTE_FIELDS = "[n.model, n.field, n.value, n.resolved, n.kind, n.fetched_at]"
NOTES_OF = f"UNWIND $ids AS id MATCH (n:{NOTE_LABEL} {{model: id}}) RETURN collect({_NOTE_FIELDS}) AS rows"
ALL_NOTES = f"MATCH (n:{NOTE_LABEL}) RETURN {_NOTE_FIELDS} AS row ORDER BY n.model, n.field, n.value, n.kind"
_DETAIL_VALUES = "[" + ", ".join(["m.id", *(f"m.{f}" for f in DETAIL_FIELDS)]) + "]"
DETAILS_OF = (
    f"UNWIND $ids AS id MATCH (m:Model {{id: id}}) WHERE m.has_details RETURN collect({_DETAIL_VALUES}) AS rows"
)
ALL_DETAILS = f"MATCH (m:Model) WHERE m.has_details RETURN {_DETAIL_VALUES} AS row ORDER BY m.id"
_EVAL_VALUES = "[" + ", ".join(f"e.{f}" for f in EvalResult._fields) + "]"
EVAL_RESULTS_OF = (
    f"UNWIND $ids AS id MATCH (e:{EVAL_LABEL} {{model: id}}) WITH e ORDER BY e.model, e.position "
    f"RETURN collect({_EVAL_VALUES}) AS rows"
)
ALL_EVAL_RESULTS = f"MATCH (e:{EVAL_LABEL}) RETURN {_EVAL_VALUES} AS row ORDER BY e.model, e.position"
ALL_ALIASES = f"MATCH (a:{ALIAS_LABEL}) RETURN [a.alias, a.id, a.kind] AS row ORDER BY a.alias"
# Files written before identity keys existed get them once (the store records that it ran).
BACKFILL_KEYS = (
    "MATCH (n:{label}) WHERE n.key IS NULL CALL (n) {{ SET n.key = toLower(n.id) }} IN TRANSACTIONS OF 10000 ROWS"
)
MODEL_IDS_CONTAINING = """
MATCH (m:Model) WHERE toLower(m.id) CONTAINS toLower($text)
RETURN m.id AS id ORDER BY id LIMIT $limit
"""
_DERIVED_FROM_RETURN = (
    "RETURN c.id AS child, b.id AS base, r.relation AS relation, r.source AS source, r.fetched_at AS fetched_at"
)


# Lineage: every node reachable from the start (``*0..`` includes the start itself), then the edges between
# them. ``WITH DISTINCT`` over the far end lets the planner use VarLengthExpand(Pruning,BFS), which visits each
# node once: linear in the family's size, and it terminates on cycles (tests/store checks the plan). The edges
# come back as one row holding a list of [child, base, relation, source, fetched_at] lists: streaming 100k
# records costs the driver ~3x more than decoding one list (measured in bench/neo4j_write.py), at the price of
# server heap for the list (~150 bytes an edge).
def _lineage_query(label: str, direction: str, fields: str) -> str:
    """Every ``label`` DERIVED_FROM edge reachable from ``$id`` going ``up`` or ``down``, as one list of ``fields``."""
    walk = "-[:DERIVED_FROM*0..]->(c:{0})" if direction == "up" else "<-[:DERIVED_FROM*0..]-(b:{0})"
    near = "c" if direction == "up" else "b"
    edge = "(c)-[r:DERIVED_FROM]->(b:{0})" if direction == "up" else "(c:{0})-[r:DERIVED_FROM]->(b)"
    return (
        f"MATCH (:{label} {{id: $id}}){walk.format(label)}\nWITH DISTINCT {near}\nMATCH {edge.format(label)}\n"
        f"RETURN collect([{fields}]) AS edges"
    )


_MODEL_EDGE_FIELDS = "c.id, b.id, r.relation, r.source, r.fetched_at"
LINEAGE_UP = _lineage_query("Model", "up", _MODEL_EDGE_FIELDS)
LINEAGE_DOWN = _lineage_query("Model", "down", _MODEL_EDGE_FIELDS)
_USES_RETURN = (
    "RETURN u.id AS user, r.user_kind AS user_kind, m.id AS model, r.source AS source, r.evidence AS evidence, "
    "r.fetched_at AS fetched_at"
)
USES_OF = (
    "UNWIND $ids AS id MATCH (u)-[r:USES]->(m:Model {id: id}) "
    "RETURN collect([u.id, r.user_kind, m.id, r.source, r.evidence, r.fetched_at]) AS rows"
)
_TRAINED_ON_RETURN = "RETURN m.id AS model, d.id AS dataset, r.source AS source, r.fetched_at AS fetched_at"
TRAINED_ON_DATASETS = (
    "UNWIND $ids AS id MATCH (m:Model)-[r:TRAINED_ON]->(d:Dataset {id: id}) "
    "RETURN collect([m.id, d.id, r.source, r.fetched_at]) AS rows"
)
_DATASET_VALUES = "[" + ", ".join(f"d.{f}" for f in Dataset._fields) + "]"
DATASETS_BY_ID = f"UNWIND $ids AS id MATCH (d:Dataset {{id: id}}) RETURN collect({_DATASET_VALUES}) AS rows"
_SPACE_VALUES = "[" + ", ".join(f"s.{f}" for f in Space._fields) + "]"
SPACES_BY_ID = f"UNWIND $ids AS id MATCH (s:Space {{id: id}}) RETURN collect({_SPACE_VALUES}) AS rows"
DATASET_LINEAGE_UP = _lineage_query("Dataset", "up", "c.id, b.id, r.source, r.fetched_at")
DATASET_LINEAGE_DOWN = _lineage_query("Dataset", "down", "c.id, b.id, r.source, r.fetched_at")
ALL_DATASET_DERIVED_FROM = (
    "MATCH (c:Dataset)-[r:DERIVED_FROM]->(b:Dataset) RETURN [c.id, b.id, r.source, r.fetched_at] AS row "
    "ORDER BY c.id, b.id"
)
TRAINED_ON_OF = (
    "UNWIND $ids AS id MATCH (m:Model {id: id})-[r:TRAINED_ON]->(d:Dataset) "
    "RETURN collect([m.id, d.id, r.source, r.fetched_at]) AS rows"
)

COUNT_NODES = {label: f"MATCH (n:{label}) RETURN count(n) AS n" for label in NODE_LABELS}
# DERIVED_FROM counts the edges between models (Neo4j's count store answers a start label and a type).
COUNT_EDGES = {
    kind: f"MATCH ({':Model' if kind == 'DERIVED_FROM' else ''})-[r:{kind}]->() RETURN count(r) AS n"
    for kind in EDGE_TYPES
}
COUNT_DATASET_DERIVED_FROM = "MATCH (:Dataset)-[r:DERIVED_FROM]->() RETURN count(r) AS n"
COUNT_RELATIONS = "MATCH (:Model)-[r:DERIVED_FROM]->() RETURN r.relation AS relation, count(*) AS n ORDER BY relation"
COUNT_UNFETCHED = "MATCH (m:Model) WHERE m.fetched = false RETURN count(m) AS n"
COUNT_UNFETCHED_DATASETS = "MATCH (d:Dataset) WHERE NOT coalesce(d.fetched, false) RETURN count(d) AS n"
COUNT_UNFETCHED_SPACES = "MATCH (s:Space) WHERE NOT coalesce(s.fetched, false) RETURN count(s) AS n"

ALL_MODELS = "MATCH (m:Model) WHERE m.id IS NOT NULL RETURN m {.*} AS m ORDER BY m.id"


def model_fields_query(fields: tuple[str, ...]) -> str:
    """Every model as ``[id, *fields]`` ordered by id; ``fields`` must be ``Model`` field names (checked)."""
    unknown = [f for f in fields if f not in MODEL_FIELDS]
    if unknown:
        raise ValueError(f"not Model fields: {', '.join(unknown)}")
    columns = ", ".join(f"m.{f}" for f in ("id", *fields))
    return f"MATCH (m:Model) WHERE m.id IS NOT NULL RETURN [{columns}] AS row ORDER BY m.id"


ALL_DATASETS = f"MATCH (d:Dataset) WHERE d.id IS NOT NULL RETURN {_DATASET_VALUES} AS row ORDER BY d.id"
ALL_REPOS = "MATCH (r:Repo) WHERE r.id IS NOT NULL RETURN r {.*} AS r ORDER BY r.id"
ALL_SPACES = f"MATCH (s:Space) WHERE s.id IS NOT NULL RETURN {_SPACE_VALUES} AS row ORDER BY s.id"
# Ordered as the embedded store's primary key (child, base): analytics number nodes in edge order, and float
# sums (PageRank) must come out bit-identical on both backends.
ALL_DERIVED_FROM = f"MATCH (c:Model)-[r:DERIVED_FROM]->(b:Model) {_DERIVED_FROM_RETURN} ORDER BY child, base"
ALL_TRAINED_ON = f"MATCH (m:Model)-[r:TRAINED_ON]->(d:Dataset) {_TRAINED_ON_RETURN}"
ALL_USES = f"MATCH (u)-[r:USES]->(m:Model) {_USES_RETURN}"
EDGE_ENDPOINTS = {
    "DERIVED_FROM": "MATCH (c:Model)-[r:DERIVED_FROM]->(b:Model) RETURN [c.id, b.id, r.relation, r.source]",
    "USES": "MATCH (u)-[r:USES]->(m:Model) RETURN [m.id, u.id, r.user_kind]",
    "TRAINED_ON": "MATCH (m:Model)-[r:TRAINED_ON]->(d:Dataset) RETURN [m.id, d.id, r.source]",
}


# --- rows <-> records ---


def model_from(props: dict[str, Any]) -> Model:
    """A Model from a node's properties; absent properties are None, ``fetched`` a bool."""
    model = Model._make([props.get(name) for name in MODEL_FIELDS])
    return model._replace(fetched=bool(model.fetched))


def model_from_values(values: list[Any]) -> Model:
    """A Model from its field values in ``Model._fields`` order (``fetched`` made a bool)."""
    model = Model._make(values)
    return model._replace(fetched=bool(model.fetched))


def details_from_values(values: list[Any]) -> ModelDetails:
    """``ModelDetails`` from its field values in field order (lists made tuples, absent flags False)."""
    details = ModelDetails._make(tuple(v) if isinstance(v, list) else v for v in values)
    return details._replace(custom_code=bool(details.custom_code), disabled=bool(details.disabled))


def repo_from(props: dict[str, Any]) -> Repo:
    """A Repo from a node's properties (a stub repository has only its id)."""
    return Repo._make([props.get(name) for name in REPO_FIELDS])


def dataset_from_values(values: list[Any]) -> Dataset:
    """A Dataset from its field values in field order (``fetched`` made a bool: absent on older nodes = stub)."""
    dataset = Dataset._make(values)
    return dataset._replace(fetched=bool(dataset.fetched))


def space_from_values(values: list[Any]) -> Space:
    """A Space from its field values in field order (``fetched`` made a bool: absent on older nodes = stub)."""
    space = Space._make(values)
    return space._replace(fetched=bool(space.fetched))


def derived_from_from(row: Mapping[str, Any]) -> DerivedFrom:
    return DerivedFrom(row["child"], row["base"], row["relation"], row["source"], row["fetched_at"])


def trained_on_from(row: Mapping[str, Any]) -> TrainedOn:
    return TrainedOn(row["model"], row["dataset"], row["source"], row["fetched_at"])


def uses_from(row: Mapping[str, Any]) -> Uses:
    return Uses(row["user"], row["user_kind"], row["model"], row["source"], row["evidence"], row["fetched_at"])
