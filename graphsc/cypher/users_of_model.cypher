// name: users_of_model
// Downstream use: the GitHub repositories and Hugging Face Spaces that use a model or any model derived from
// it (at any depth), with the model they use and the evidence.
// params:
//   $id (string): the model id, e.g. deepseek-ai/DeepSeek-R1
// example: graphsc query users_of_model --param id=deepseek-ai/DeepSeek-R1
// cypher-shell: :param id => 'deepseek-ai/DeepSeek-R1'
MATCH (:Model {id: $id})<-[:DERIVED_FROM*0..]-(m:Model)
WITH DISTINCT m
MATCH (user)-[r:USES]->(m)
RETURN CASE WHEN user:Space THEN 'space' ELSE 'repo' END AS kind, user.id AS user, m.id AS model,
       r.source AS source, r.evidence AS evidence
ORDER BY kind, user, model;
