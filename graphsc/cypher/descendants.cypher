// name: descendants
// What derives from a model, at most $max_depth edges below it: each descendant once, at its depth (the fewest
// edges from the model), with the relation and base of the last edge on one shortest path to it.
// The walk is capped at 20 levels (a variable-length bound cannot be a parameter); $max_depth filters within it.
// params:
//   $id (string): the model id, e.g. deepseek-ai/DeepSeek-R1
//   $max_depth (integer): how many levels down, 1 to 20
// example: graphsc query descendants --param id=mistralai/Mistral-Small-24B-Base-2501 --param max_depth=2
// cypher-shell: :param {id: 'mistralai/Mistral-Small-24B-Base-2501', max_depth: 2}
MATCH p = ANY SHORTEST (:Model {id: $id})<-[:DERIVED_FROM]-{1,20}(descendant:Model)
WHERE length(p) <= $max_depth
WITH descendant, length(p) AS depth, last(relationships(p)) AS r, nodes(p)[-2] AS base
RETURN depth, descendant.id AS model, r.relation AS relation, base.id AS base,
       descendant.license AS license, descendant.downloads AS downloads
ORDER BY depth, model;
