-- A coordinator over census shards, with PostgreSQL's own pieces (docs/scaling.md, "Shards with postgres_fdw").
-- Each shard is a whole pgpipe database (ingest migrate); a batch date is placed on one shard, loaded and scored
-- there (`ingest census --coordinator URL` asks this database where), and read here: census.persons,
-- census.predictions and census.persons_labelled are partitioned by batch date, each shard's part a foreign
-- table (postgres_fdw) whose bounds list the batch dates placed on it, so the planner prunes by date, joins
-- a shard's persons and predictions on that shard, and pushes per-batch aggregates down to it (summary turns
-- partitionwise join and aggregation on). ml.models is every shard's registry, one row per model id.
--
-- Run once in the coordinator's database as its administrator (psql -f), then add each shard:
--   SELECT shards.add_shard('shard_a', host => '10.0.0.5', port => 5432, dbname => 'pgpipe');
-- Every role that reads here needs a user mapping for each shard's server (add_shard makes one for the role
-- running it, with user and password when given) and SELECT on the census tables; a role that loads needs
-- EXECUTE on shards.route (GRANT EXECUTE ON FUNCTION shards.route(date, boolean) TO pgpipe_ingest).
CREATE EXTENSION IF NOT EXISTS postgres_fdw;
CREATE SCHEMA shards;
-- summary lists the read gates in schema ingest; a coordinator has none (each shard's gate guards its swaps).
CREATE SCHEMA ingest;
CREATE SCHEMA census;
CREATE SCHEMA ml;

CREATE TABLE shards.placements (
    batch_date date PRIMARY KEY,
    server name NOT NULL,
    placed_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE shards.placements IS 'Which shard (foreign server) holds each census batch date; set once, the first time a batch is routed.';

-- The shard-side relations the coordinator reads, each partitioned here by batch date.
CREATE TABLE shards.partitioned (relation name PRIMARY KEY, remote_schema name NOT NULL);
INSERT INTO shards.partitioned VALUES ('persons', 'census'), ('predictions', 'census'), ('persons_labelled', 'census');

-- The options of a foreign server as a libpq conninfo string, each value quoted.
CREATE FUNCTION shards.conninfo(server name) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT string_agg(format('%s=''%s''', option_name, replace(replace(option_value, '\', '\\'), '''', '\''')), ' ' ORDER BY option_name)
    FROM pg_foreign_server s, pg_options_to_table(s.srvoptions)
    WHERE s.srvname = server AND option_name IN ('host', 'port', 'dbname', 'sslmode')
$$;

-- Adds a shard: its foreign server (asynchronous scans, so the shards work at once), a user mapping for the
-- role running this, its census tables and model registry imported into a schema named after it; the
-- coordinator's partitioned tables are made from the first shard's columns.
CREATE FUNCTION shards.add_shard(server name, host text, port integer, dbname text, "user" text DEFAULT NULL, password text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    mapping text[] := ARRAY[]::text[];
BEGIN
    -- The shard plans what it is sent as summary plans on one server: a shard's part of a report is a join and
    -- sums over all its batches, done batch by batch there too.
    EXECUTE format('CREATE SERVER %I FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host %L, port %L, dbname %L, async_capable ''true'', fetch_size ''10000'', '
                   'options ''-c enable_partitionwise_join=on -c enable_partitionwise_aggregate=on'')',
                   server, host, port::text, dbname);
    IF "user" IS NOT NULL THEN mapping := mapping || format('user %L', "user"); END IF;
    IF password IS NOT NULL THEN mapping := mapping || format('password %L', password); END IF;
    EXECUTE format('CREATE USER MAPPING FOR CURRENT_USER SERVER %I%s', server,
                   CASE WHEN cardinality(mapping) > 0 THEN format(' OPTIONS (%s)', array_to_string(mapping, ', ')) ELSE '' END);
    EXECUTE format('CREATE SCHEMA %I', server);
    FOR r IN SELECT * FROM shards.partitioned LOOP
        EXECUTE format('IMPORT FOREIGN SCHEMA %I LIMIT TO (%I) FROM SERVER %I INTO %I', r.remote_schema, r.relation, server, server);
        IF to_regclass(format('census.%I', r.relation)) IS NULL THEN
            EXECUTE format('CREATE TABLE census.%I (LIKE %I.%I) PARTITION BY LIST (batch_date)', r.relation, server, r.relation);
        END IF;
    END LOOP;
    EXECUTE format('IMPORT FOREIGN SCHEMA ml LIMIT TO (models) FROM SERVER %I INTO %I', server, server);
    PERFORM shards.define_models();
END;
$$;

-- ml.models: every shard's registry; shards.models keeps each row with its shard.
CREATE FUNCTION shards.define_models() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    everywhere text;
BEGIN
    SELECT string_agg(format('SELECT %L::name AS server, * FROM %I.models', srvname, srvname), ' UNION ALL ' ORDER BY srvname)
    INTO everywhere
    FROM pg_foreign_server s JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
    WHERE w.fdwname = 'postgres_fdw' AND to_regclass(format('%I.models', srvname)) IS NOT NULL;
    DROP VIEW IF EXISTS ml.models;
    DROP VIEW IF EXISTS shards.models;
    EXECUTE 'CREATE VIEW shards.models AS ' || everywhere;
    CREATE VIEW ml.models AS
        SELECT DISTINCT ON (model_id) model_id, name, version, kind, sha256, feature_names, threshold, definition,
               source_file, reference_batch, registered_at
        FROM shards.models ORDER BY model_id, registered_at;
END;
$$;

-- The shard that holds `batch`, and that shard's conninfo for the role asking (its own name: every node has the
-- same roles). A batch not placed yet is placed when `place` (on the shard holding the fewest batches; a load
-- asks so), else refused with no_data_found (scoring asks for a batch that must be there). A new placement
-- widens that shard's partitions' bounds here in the same transaction, before any of the batch's rows exist
-- there: the bounds always cover what a shard holds. Refuses (object_not_in_prerequisite_state) when there
-- is no shard, or when the shards' registries disagree on a model's id (predictions would be read against the
-- wrong model). It runs as its owner, who owns the tables it changes: grant EXECUTE to the roles that load.
CREATE FUNCTION shards.route(batch date, place boolean DEFAULT true) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    placed name;
    r record;
    dates text;
    conflict text;
BEGIN
    IF to_regclass('shards.models') IS NULL THEN
        RAISE EXCEPTION 'no shard to place batch % on', batch
            USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'add one with shards.add_shard';
    END IF;
    SELECT string_agg(conflict_text, '; ') INTO conflict
    FROM (SELECT format('model %s is %s', model_id, string_agg(format('%s on %s', left(sha256, 12), server), ' but ' ORDER BY server))
          FROM shards.models GROUP BY model_id HAVING count(DISTINCT sha256) > 1
          UNION ALL
          SELECT format('model %s is %s', left(sha256, 12), string_agg(format('id %s on %s', model_id, server), ' but ' ORDER BY server))
          FROM shards.models GROUP BY sha256 HAVING count(DISTINCT model_id) > 1) c(conflict_text);
    IF conflict IS NOT NULL THEN
        RAISE EXCEPTION 'the shards'' model registries disagree: %', conflict
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'register models in the same order on every shard (ml.models is a reference table)';
    END IF;
    LOCK TABLE shards.placements IN SHARE ROW EXCLUSIVE MODE;
    SELECT server INTO placed FROM shards.placements WHERE batch_date = batch;
    IF placed IS NULL AND NOT place THEN
        RAISE EXCEPTION 'batch % is on no shard', batch
            USING ERRCODE = 'no_data_found', HINT = 'load it first: ingest census --coordinator';
    END IF;
    IF placed IS NULL THEN
        SELECT s.srvname INTO placed
        FROM pg_foreign_server s JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
        LEFT JOIN shards.placements p ON p.server = s.srvname
        WHERE w.fdwname = 'postgres_fdw' AND to_regclass(format('%I.persons', s.srvname)) IS NOT NULL
        GROUP BY s.srvname ORDER BY count(p.batch_date), s.srvname LIMIT 1;
        IF placed IS NULL THEN
            RAISE EXCEPTION 'no shard to place batch % on', batch
                USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'add one with shards.add_shard';
        END IF;
        INSERT INTO shards.placements (batch_date, server) VALUES (batch, placed);
        SELECT string_agg(quote_literal(batch_date), ', ' ORDER BY batch_date) INTO dates FROM shards.placements WHERE server = placed;
        FOR r IN SELECT relation FROM shards.partitioned ORDER BY relation LOOP
            IF EXISTS (SELECT FROM pg_inherits WHERE inhrelid = format('%I.%I', placed, r.relation)::regclass) THEN
                EXECUTE format('ALTER TABLE census.%I DETACH PARTITION %I.%I', r.relation, placed, r.relation);
            END IF;
            EXECUTE format('ALTER TABLE census.%I ATTACH PARTITION %I.%I FOR VALUES IN (%s)', r.relation, placed, r.relation, dates);
        END LOOP;
    END IF;
    RETURN shards.conninfo(placed) || format(' user=''%s''', replace(replace(session_user, '\', '\\'), '''', '\'''));
END;
$$;
REVOKE EXECUTE ON FUNCTION shards.route(date, boolean) FROM PUBLIC;
