// name: schema
// The constraints graphsc needs: a unique `id` on every node label (each backed by an index, so every
// MERGE/MATCH by id is an index seek), a unique `key` on the crawl bookkeeping nodes, and the indexes identity
// needs: Model, Dataset, Repo and Space `key` (the lower-cased id: Hub and GitHub ids are case-insensitive), ModelAlias (other spellings
// of a model id) IdNote (card values not taken as ids) and EvalResult
// (results a model card reports). Neo4jStore runs
// this file, statement by statement, before its first write; running it again changes nothing.
// params: none
// example: graphsc query schema
// cypher-shell: no parameters to set
CREATE CONSTRAINT model_id IF NOT EXISTS FOR (n:Model) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT dataset_id IF NOT EXISTS FOR (n:Dataset) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT repo_id IF NOT EXISTS FOR (n:Repo) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT space_id IF NOT EXISTS FOR (n:Space) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT graphsc_state_key IF NOT EXISTS FOR (n:GraphscState) REQUIRE n.key IS UNIQUE;
CREATE INDEX model_key IF NOT EXISTS FOR (n:Model) ON (n.key);
CREATE INDEX dataset_key IF NOT EXISTS FOR (n:Dataset) ON (n.key);
CREATE CONSTRAINT model_alias IF NOT EXISTS FOR (n:ModelAlias) REQUIRE n.alias IS UNIQUE;
CREATE INDEX model_alias_key IF NOT EXISTS FOR (n:ModelAlias) ON (n.key);
CREATE INDEX id_note_model IF NOT EXISTS FOR (n:IdNote) ON (n.model);
CREATE INDEX model_alias_id IF NOT EXISTS FOR (n:ModelAlias) ON (n.id);
CREATE INDEX id_note_resolved IF NOT EXISTS FOR (n:IdNote) ON (n.resolved);
CREATE INDEX eval_result_model IF NOT EXISTS FOR (n:EvalResult) ON (n.model);
CREATE INDEX repo_key IF NOT EXISTS FOR (n:Repo) ON (n.key);
CREATE INDEX space_key IF NOT EXISTS FOR (n:Space) ON (n.key);
