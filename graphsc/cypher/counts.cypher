// name: counts
// How big the graph is: nodes by label and edges by type (Neo4j answers both from its count store). DERIVED_FROM
// edges between models are kind 'edge'; those between datasets (source_datasets) kind 'dataset_edge'.
// params: none
// example: graphsc query counts
// cypher-shell: no parameters to set
CALL {
  MATCH (n:Model) WITH count(n) AS count RETURN 'node' AS kind, 'Model' AS name, count
  UNION ALL MATCH (n:Dataset) WITH count(n) AS count RETURN 'node' AS kind, 'Dataset' AS name, count
  UNION ALL MATCH (n:Repo) WITH count(n) AS count RETURN 'node' AS kind, 'Repo' AS name, count
  UNION ALL MATCH (n:Space) WITH count(n) AS count RETURN 'node' AS kind, 'Space' AS name, count
  UNION ALL MATCH (:Model)-[r:DERIVED_FROM]->() WITH count(r) AS count RETURN 'edge' AS kind, 'DERIVED_FROM' AS name, count
  UNION ALL MATCH (:Dataset)-[r:DERIVED_FROM]->() WITH count(r) AS count
    RETURN 'dataset_edge' AS kind, 'DERIVED_FROM' AS name, count
  UNION ALL MATCH ()-[r:TRAINED_ON]->() WITH count(r) AS count RETURN 'edge' AS kind, 'TRAINED_ON' AS name, count
  UNION ALL MATCH ()-[r:USES]->() WITH count(r) AS count RETURN 'edge' AS kind, 'USES' AS name, count
}
RETURN kind, name, count;
