// name: schema
// The constraints graphsc needs: a unique `id` on every node label (each backed by an index, so every
// MERGE/MATCH by id is an index seek) and a unique `key` on the crawl bookkeeping nodes. Neo4jStore runs
// this file, statement by statement, before its first write; running it again changes nothing.
// params: none
// example: graphsc query schema
// cypher-shell: no parameters to set
CREATE CONSTRAINT model_id IF NOT EXISTS FOR (n:Model) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT dataset_id IF NOT EXISTS FOR (n:Dataset) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT repo_id IF NOT EXISTS FOR (n:Repo) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT space_id IF NOT EXISTS FOR (n:Space) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT graphsc_state_key IF NOT EXISTS FOR (n:GraphscState) REQUIRE n.key IS UNIQUE;
