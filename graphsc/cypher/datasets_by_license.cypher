// name: datasets_by_license
// Datasets with their declared license and how many models were trained on them (TRAINED_ON), most used first.
// A stub (a dataset known only as training data or a source, not fetched) has no license: its license is unknown.
// params:
//   $limit (integer): how many datasets
// example: graphsc query datasets_by_license --param limit=20
// cypher-shell: :param limit => 20
MATCH (d:Dataset)
CALL (d) {
  OPTIONAL MATCH (m:Model)-[:TRAINED_ON]->(d)
  RETURN count(DISTINCT m) AS models
}
RETURN d.id AS dataset, d.license AS license, coalesce(d.fetched, false) AS fetched, models,
       d.downloads AS downloads
ORDER BY models DESC, dataset
LIMIT $limit;
