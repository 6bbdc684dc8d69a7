// name: model_risks
// Models whose files are a risk to whoever loads them, with the flags `graphsc risks` gives: weights only in
// pickle-based formats (loading runs code; https://huggingface.co/docs/hub/security-pickle), custom code (config
// auto_map: needs trust_remote_code), the Hub's scan (unsafe, caution), a disabled repo, or a base nobody fetched
// (its files are unknown). Each with how many models derive from it and how many adapters load it at run time
// (chains of adapter edges); a model in a cycle is not its own descendant. Most descendants first.
// params:
//   $limit (integer): how many models to return, e.g. 20
// example: graphsc query model_risks --param limit=20
// cypher-shell: :param limit => 20
MATCH (m:Model)
WHERE m.has_details OR (m.fetched = false AND EXISTS { (:Model)-[:DERIVED_FROM]->(m) })
WITH m, coalesce(m.weight_formats, []) AS formats
WITH m, [flag IN [
  CASE WHEN 'pickle' IN formats AND none(f IN formats WHERE f IN ['safetensors', 'gguf']) THEN 'pickle-only' END,
  CASE WHEN m.custom_code THEN 'custom-code' END,
  CASE WHEN m.scan_status = 'unsafe' THEN 'unsafe-scan' END,
  CASE WHEN m.scan_status = 'caution' THEN 'scan-caution' END,
  CASE WHEN m.disabled THEN 'disabled' END,
  CASE WHEN m.fetched = false THEN 'unverified-base' END
] WHERE flag IS NOT NULL] AS flags
WHERE size(flags) > 0
CALL (m) {
  OPTIONAL MATCH (d:Model)-[:DERIVED_FROM*1..]->(m) WHERE d <> m
  RETURN count(DISTINCT d) AS descendants
}
CALL (m) {
  OPTIONAL MATCH (a:Model)-[:DERIVED_FROM*1.. {relation: 'adapter'}]->(m) WHERE a <> m
  RETURN count(DISTINCT a) AS loaded_by_adapters
}
RETURN m.id AS model, flags, descendants, loaded_by_adapters
ORDER BY descendants DESC, model
LIMIT $limit;
