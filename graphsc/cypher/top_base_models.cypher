// name: top_base_models
// The base models with the most descendants (models that derive from them directly or through others,
// each counted once), with their direct derivatives by relation.
// params:
//   $limit (integer): how many models
// example: graphsc query top_base_models --param limit=20
// cypher-shell: :param limit => 20
MATCH (base:Model)
WHERE (base)<-[:DERIVED_FROM]-(:Model)
CALL (base) {
  MATCH (base)<-[:DERIVED_FROM*1..]-(d:Model)
  RETURN count(DISTINCT d) AS descendants
}
CALL (base) {
  MATCH (base)<-[r:DERIVED_FROM]-(:Model)
  WITH r.relation AS relation, count(*) AS n ORDER BY relation
  RETURN collect(relation + ': ' + toString(n)) AS direct_by_relation
}
RETURN base.id AS model, descendants, direct_by_relation, base.license AS license, base.downloads AS downloads
ORDER BY descendants DESC, model
LIMIT $limit;
