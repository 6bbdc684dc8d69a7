// name: merges
// Merged models and their parents: every model with a DERIVED_FROM edge of relation `merge`, its parents
// (sorted) and how many, most parents first.
// params:
//   $limit (integer): how many merges
// example: graphsc query merges --param limit=50
// cypher-shell: :param limit => 50
MATCH (merge:Model)-[:DERIVED_FROM {relation: 'merge'}]->(parent:Model)
WITH merge, parent ORDER BY parent.id
WITH merge, collect(parent.id) AS parents
RETURN merge.id AS model, size(parents) AS parent_count, parents, merge.license AS license
ORDER BY parent_count DESC, model
LIMIT $limit;
