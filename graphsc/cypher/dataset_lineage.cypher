// name: dataset_lineage
// A dataset's lineage: the datasets it was made from (direction 'source', up to its first sources) and the
// datasets made from it (direction 'derived'), from dataset records' source_datasets (dataset DERIVED_FROM
// edges), each with its distance from the dataset, the dataset it was reached through, and its license.
// params:
//   $dataset (string): the dataset id, e.g. rajpurkar/squad
// example: graphsc query dataset_lineage --param dataset=rajpurkar/squad
// cypher-shell: :param dataset => 'rajpurkar/squad'
MATCH (d:Dataset {id: $dataset})
CALL (d) {
  MATCH p = ANY SHORTEST (d)-[:DERIVED_FROM]->{1,50}(other:Dataset)
  WHERE other <> d
  RETURN 'source' AS direction, length(p) AS depth, other, nodes(p)[-2] AS via
  UNION ALL
  MATCH p = ANY SHORTEST (d)<-[:DERIVED_FROM]-{1,50}(other:Dataset)
  WHERE other <> d
  RETURN 'derived' AS direction, length(p) AS depth, other, nodes(p)[-2] AS via
}
RETURN direction, depth, other.id AS dataset, via.id AS via, other.license AS license,
       coalesce(other.fetched, false) AS fetched
ORDER BY direction DESC, depth, dataset;
