// name: roots_and_generation
// The roots a model descends from (ancestors with no base model, or the model itself) and its generation: the
// number of DERIVED_FROM edges on the longest path up to a root (a root is generation 0). Paths are capped
// at 30 edges. Differs from `graphsc lineage` only for declared cycles: members of a cycle with no way out
// are roots there, and are not listed here.
// params:
//   $id (string): the model id
// example: graphsc query roots_and_generation --param id=AlSamCur123/DeepHermes-3-Mistral-24ContinuedFine
// cypher-shell: :param id => 'AlSamCur123/DeepHermes-3-Mistral-24ContinuedFine'
MATCH (m:Model {id: $id})
OPTIONAL MATCH p = (m)-[:DERIVED_FROM*0..30]->(root:Model)
WHERE NOT (root)-[:DERIVED_FROM]->(:Model)
RETURN m.id AS model, coalesce(max(length(p)), 0) AS generation, collect(DISTINCT root.id) AS roots;
