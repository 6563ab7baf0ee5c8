-- Datasets declared in contract files (datasets/*.yaml). `ingest apply` creates or changes a contract's table
-- as the administrator and records it here with the sha256 of the table's definition, as migrations are
-- recorded; a load checks both the record and the table before it reads a row. A contract's schema becomes
-- one of pgpipe's: its tables get the product's owner and grants, and loads may replace their rows.
CREATE TABLE ingest.contracts (
    dataset text PRIMARY KEY CHECK (dataset ~ '^[a-z_][a-z0-9_]*$'),
    table_schema text NOT NULL CHECK (table_schema ~ '^[a-z_][a-z0-9_]*$' AND table_schema NOT LIKE 'pg\_%'
        AND table_schema NOT IN ('public', 'information_schema', 'ingest', 'people', 'census', 'ml', 'accident', 'wind')),
    table_name text NOT NULL CHECK (table_name ~ '^[a-z_][a-z0-9_]*$'),
    contract_file text NOT NULL,
    checksum text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
    definition text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by name NOT NULL DEFAULT current_user,
    UNIQUE (table_schema, table_name)
);
COMMENT ON TABLE ingest.contracts IS 'Each dataset contract applied (ingest apply): its table, the sha256 of the table''s definition as applied, and the definition.';

-- The product's schemas are the built-in ones and those of the applied contracts.
CREATE OR REPLACE FUNCTION ingest.product_schemas() RETURNS text[]
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT ARRAY['ingest', 'people', 'census', 'ml', 'accident', 'wind']
        || ARRAY(SELECT DISTINCT table_schema FROM ingest.contracts ORDER BY 1)
$$;

-- A merge counts what it did to the table; other loads leave these NULL.
ALTER TABLE ingest.runs
    ADD COLUMN rows_inserted bigint CHECK (rows_inserted >= 0),
    ADD COLUMN rows_updated bigint CHECK (rows_updated >= 0),
    ADD COLUMN rows_unchanged bigint CHECK (rows_unchanged >= 0),
    ADD COLUMN rows_deleted bigint CHECK (rows_deleted >= 0);
COMMENT ON COLUMN ingest.runs.rows_updated IS 'A merge: rows whose key was in the table and whose values changed (with history: versions closed and replaced).';
COMMENT ON COLUMN ingest.runs.rows_unchanged IS 'A merge: rows whose key and values were already in the table, left untouched.';
COMMENT ON COLUMN ingest.runs.rows_deleted IS 'A merge with delete_missing: rows of the table the file no longer has (with history: versions closed).';

CREATE OR REPLACE PROCEDURE ingest.apply_privileges()
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s text;
    object record;
BEGIN
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO pgpipe_ingest', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO pgpipe_summary', current_database());
    ALTER TABLE public.schema_migrations OWNER TO pgpipe_owner;
    GRANT SELECT ON public.schema_migrations TO pgpipe_ingest, pgpipe_summary;
    FOREACH s IN ARRAY ingest.product_schemas() LOOP
        EXECUTE format('ALTER SCHEMA %I OWNER TO pgpipe_owner', s);
        -- Tables, views and free-standing sequences; indexes and identity sequences follow their table.
        FOR object IN
            SELECT c.oid::regclass AS name FROM pg_class c
            WHERE c.relnamespace = s::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
              AND (c.relkind <> 'S' OR NOT EXISTS (
                  SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
        LOOP
            EXECUTE format('ALTER TABLE %s OWNER TO pgpipe_owner', object.name);
        END LOOP;
        FOR object IN SELECT p.oid::regprocedure AS signature, p.prokind FROM pg_proc p WHERE p.pronamespace = s::regnamespace LOOP
            EXECUTE format('ALTER ROUTINE %s OWNER TO pgpipe_owner', object.signature);
            EXECUTE format('REVOKE ALL ON ROUTINE %s FROM PUBLIC', object.signature);
        END LOOP;
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO pgpipe_ingest, pgpipe_summary', s);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA %I TO pgpipe_ingest', s);
        EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO pgpipe_ingest', s);
        EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO pgpipe_summary', s);
    END LOOP;
    -- The writer runs the two replacement functions and nothing else of the owner's; the bookkeeping table
    -- of suspended keys is written by those functions only.
    GRANT EXECUTE ON FUNCTION ingest.begin_replacement(regclass[]), ingest.end_replacement() TO pgpipe_ingest;
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ingest.suspended_foreign_keys, ingest.suspended_indexes FROM pgpipe_ingest;
    -- Which schemas are pgpipe's is the administrator's word (ingest apply), never the writer's.
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ingest.contracts FROM pgpipe_ingest;
    GRANT EXECUTE ON FUNCTION wind.local_timestamp(text), wind.periods_in_day(date), wind.efa_of(timestamptz),
        wind.interpolate(timestamptz, timestamptz, double precision, timestamptz, double precision) TO pgpipe_ingest, pgpipe_summary;
END
$$;
