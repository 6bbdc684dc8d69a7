// name: license_conflicts
// Likely license conflicts, for Neo4j users: a model declaring a permissive license (MIT, Apache-2.0, BSD,
// CC-BY, ...) that derives, directly or through up to 10 edges, from a base under a restrictive license
// (non-commercial CC-*-NC, OpenRAIL/RAIL, Llama, Gemma). This is a simple approximation of `graphsc licenses`,
// which normalises license ids, knows each license's terms and reports every kind of incompatibility;
// use that for answers you act on. The license lists are literal below; edit them to taste.
// params:
//   $limit (integer): how many pairs
// example: graphsc query license_conflicts --param limit=100
// cypher-shell: :param limit => 100
MATCH (child:Model)
WHERE toLower(child.license) IN ['mit', 'apache-2.0', 'bsd-2-clause', 'bsd-3-clause', 'bsd', 'isc', 'unlicense',
                                 'cc0-1.0', 'cc-by-4.0', 'cc-by-3.0', 'cc-by-2.0', 'cc-by-sa-4.0', 'bsl-1.0',
                                 'zlib', 'artistic-2.0', 'wtfpl', 'postgresql', 'ecl-2.0', 'afl-3.0']
MATCH (child)-[:DERIVED_FROM*1..10]->(base:Model)
WITH DISTINCT child, base, toLower(base.license) AS restrictive
WHERE restrictive CONTAINS '-nc' OR restrictive CONTAINS 'rail' OR restrictive STARTS WITH 'llama'
   OR restrictive STARTS WITH 'gemma'
RETURN child.id AS model, child.license AS license, base.id AS base, base.license AS base_license
ORDER BY base, model
LIMIT $limit;
