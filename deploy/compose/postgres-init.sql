-- Roles and databases of the stack's Postgres (docs/conventions.md), as deploy/local/stack's
-- bootstrap_postgres creates them. The postgres image runs this once, on an empty data directory.

CREATE ROLE bgs_app LOGIN CREATEDB PASSWORD 'bgs_app';
CREATE ROLE bgs_cdc LOGIN REPLICATION PASSWORD 'bgs_cdc';
CREATE ROLE apicurio LOGIN PASSWORD 'apicurio';

-- Debezium's filtered publication needs table ownership: membership of the owner role gives it.
GRANT bgs_app TO bgs_cdc;

CREATE DATABASE buyergroups OWNER bgs_app;
CREATE DATABASE apicurio OWNER apicurio;

GRANT CREATE ON DATABASE buyergroups TO bgs_cdc;
