// name: largest_families
// The largest families, counted from their roots: a root (a model that is some model's base and has no base
// itself) and every model that descends from it, largest first, with the deepest generation below the root.
// This is the root-based approximation of `graphsc families`, which merges families joined by a merge into
// one weakly connected component (after `graphsc analyze --write`, each Model's `family` and `family_size`
// properties hold that exact answer).
// params:
//   $limit (integer): how many families
// example: graphsc query largest_families --param limit=10
// cypher-shell: :param limit => 10
MATCH (root:Model)
WHERE NOT (root)-[:DERIVED_FROM]->(:Model) AND (root)<-[:DERIVED_FROM]-(:Model)
CALL (root) {
  MATCH p = ANY SHORTEST (root)<-[:DERIVED_FROM]-{1,50}(member:Model)
  RETURN count(member) AS descendants, max(length(p)) AS depth
}
RETURN root.id AS root, descendants + 1 AS size, depth, root.license AS license, root.downloads AS downloads
ORDER BY size DESC, root
LIMIT $limit;
