// name: ancestors
// Where a model comes from: every DERIVED_FROM edge from the model up to its roots, with the relation
// (finetune, adapter, quantized, merge, distillation) and where the edge was read. A merge shows every parent.
// Each ancestor is visited once (breadth first), so declared cycles terminate.
// params:
//   $id (string): the model id, e.g. unsloth/Mistral-Small-24B-Instruct-2501
// example: graphsc query ancestors --param id=unsloth/Mistral-Small-24B-Instruct-2501
// cypher-shell: :param id => 'unsloth/Mistral-Small-24B-Instruct-2501'
MATCH (:Model {id: $id})-[:DERIVED_FROM*0..]->(child:Model)
WITH DISTINCT child
MATCH (child)-[r:DERIVED_FROM]->(base:Model)
RETURN child.id AS child, r.relation AS relation, base.id AS base, r.source AS source, base.license AS base_license
ORDER BY child, base;
