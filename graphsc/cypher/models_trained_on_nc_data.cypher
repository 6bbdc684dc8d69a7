// name: models_trained_on_nc_data
// Models trained on non-commercial data: on a dataset whose declared license is NC, or on a dataset made from
// one (dataset DERIVED_FROM, up to 10 sources away), with the NC dataset and how many sources away it is.
// NC is matched on the declared license text (an id containing "-nc", e.g. cc-by-nc-4.0, cc-by-nc-sa-4.0):
// Cypher sees what the record declares, not graphsc's normalized license table, so a license written otherwise
// ("CC BY-NC 4.0", a custom "other" license with NC terms) is missed; graphsc licenses checks the normalized form.
// params:
//   $limit (integer): how many rows
// example: graphsc query models_trained_on_nc_data --param limit=50
// cypher-shell: :param limit => 50
MATCH (m:Model)-[:TRAINED_ON]->(d:Dataset)
MATCH p = (d)-[:DERIVED_FROM*0..10]->(nc:Dataset)
WHERE toLower(nc.license) CONTAINS '-nc'
WITH m, d, nc, min(length(p)) AS hops
RETURN m.id AS model, m.license AS license, d.id AS dataset, nc.id AS nc_dataset, nc.license AS nc_license, hops
ORDER BY model, dataset, nc_dataset
LIMIT $limit;
