// name: space_users
// The Hugging Face Spaces that use a model, with each Space's license and SDK (from its own record; a Space known
// only from a model record or a usage source is not fetched: its license and SDK are unknown) and where the use
// was found (hub-spaces: the model's record; space-card: the Space's card).
// params:
//   $id (string): the model id, e.g. deepseek-ai/DeepSeek-R1
// example: graphsc query space_users --param id=deepseek-ai/DeepSeek-R1
// cypher-shell: :param id => 'deepseek-ai/DeepSeek-R1'
MATCH (s:Space)-[r:USES]->(:Model {id: $id})
RETURN s.id AS space, s.license AS license, s.sdk AS sdk, coalesce(s.fetched, false) AS fetched, r.source AS source
ORDER BY space;
