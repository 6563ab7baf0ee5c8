-- Least privilege. The product's schemas belong to pgpipe_owner, a role nobody logs in as; migrations are
-- applied by an administrator (a superuser or a CREATEROLE owner of the database). The services log in as
-- pgpipe_ingest, which reads and writes rows but cannot change the schema, and pgpipe_summary, which only
-- reads. Passwords are not set here: `ingest migrate --ingest-password-file/--summary-password-file` sets
-- them from secrets, so no password is ever in a migration, an image or the repository.

-- Roles are cluster-wide: another database on the same server may have created them, perhaps at this moment.
DO $$
DECLARE
    role record;
BEGIN
    FOR role IN VALUES ('pgpipe_owner', 'NOLOGIN'), ('pgpipe_ingest', 'LOGIN'), ('pgpipe_summary', 'LOGIN') LOOP
        CONTINUE WHEN EXISTS (SELECT FROM pg_roles WHERE rolname = role.column1);
        BEGIN
            EXECUTE format('CREATE ROLE %I %s NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION', role.column1, role.column2);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- created by a concurrent migration of another database
        END;
    END LOOP;
END
$$;

-- A whole-dataset load empties its tables and adds their foreign keys back after the bulk COPY (one join
-- checks every row, where a kept key fires one trigger per row). Both need the tables' owner, so the writer
-- gets exactly this through two SECURITY DEFINER functions, and the database refuses to commit a
-- transaction that suspended keys without restoring them.
CREATE TABLE ingest.suspended_foreign_keys (
    transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
    table_name regclass NOT NULL,
    constraint_name name NOT NULL,
    definition text NOT NULL,
    PRIMARY KEY (transaction_id, table_name, constraint_name)
);
COMMENT ON TABLE ingest.suspended_foreign_keys IS 'Foreign keys dropped by ingest.begin_replacement in a running load; always empty between transactions.';

CREATE FUNCTION ingest.refuse_suspended_foreign_keys() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT FROM ingest.suspended_foreign_keys
               WHERE transaction_id = NEW.transaction_id AND table_name = NEW.table_name
                 AND constraint_name = NEW.constraint_name) THEN
        RAISE EXCEPTION 'foreign key % of % is still suspended at commit', NEW.constraint_name, NEW.table_name
            USING HINT = 'call ingest.end_replacement() before committing';
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER restored_before_commit
    AFTER INSERT ON ingest.suspended_foreign_keys
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ingest.refuse_suspended_foreign_keys();

CREATE FUNCTION ingest.begin_replacement(tables regclass[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    t regclass;
    fk record;
BEGIN
    FOREACH t IN ARRAY tables LOOP
        IF (SELECT relnamespace::regnamespace::text FROM pg_class WHERE oid = t)
            NOT IN ('ingest', 'people', 'census', 'ml', 'accident') THEN
            RAISE EXCEPTION 'table % is not one of pgpipe''s', t USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NOT has_table_privilege(session_user, t, 'TRUNCATE') THEN
            RAISE EXCEPTION 'role % may not replace the rows of %', session_user, t USING ERRCODE = 'insufficient_privilege';
        END IF;
    END LOOP;
    EXECUTE 'TRUNCATE ' || (SELECT string_agg(x::text, ', ') FROM unnest(tables) AS x) || ' RESTART IDENTITY';
    FOR fk IN
        SELECT conrelid::regclass AS table_name, conname, pg_get_constraintdef(oid) AS definition
        FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY (tables)
        ORDER BY conrelid::regclass::text, conname
    LOOP
        INSERT INTO ingest.suspended_foreign_keys (table_name, constraint_name, definition)
        VALUES (fk.table_name, fk.conname, fk.definition);
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.table_name, fk.conname);
    END LOOP;
END
$$;
COMMENT ON FUNCTION ingest.begin_replacement(regclass[]) IS 'Empties the tables of a whole-dataset load (identities restarted) and suspends the foreign keys among them until ingest.end_replacement().';

CREATE FUNCTION ingest.end_replacement() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    fk record;
BEGIN
    FOR fk IN
        DELETE FROM ingest.suspended_foreign_keys WHERE transaction_id = pg_current_xact_id()
        RETURNING table_name, constraint_name, definition
    LOOP
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', fk.table_name, fk.constraint_name, fk.definition);
    END LOOP;
END
$$;
COMMENT ON FUNCTION ingest.end_replacement() IS 'Adds back the foreign keys this transaction suspended; each is checked against every row.';

-- Ownership and grants for everything in the product's schemas. Later migrations create objects as the
-- administrator who applies them; the migrator calls this after every migration it applies.
CREATE PROCEDURE ingest.apply_privileges()
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s text;
    object record;
BEGIN
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO pgpipe_ingest', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO pgpipe_summary', current_database());
    ALTER TABLE public.schema_migrations OWNER TO pgpipe_owner;
    GRANT SELECT ON public.schema_migrations TO pgpipe_ingest, pgpipe_summary;
    FOREACH s IN ARRAY ARRAY['ingest', 'people', 'census', 'ml', 'accident'] LOOP
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
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ingest.suspended_foreign_keys FROM pgpipe_ingest;
END
$$;
COMMENT ON PROCEDURE ingest.apply_privileges() IS 'Hands every object of pgpipe''s schemas to pgpipe_owner and grants pgpipe_ingest (rows) and pgpipe_summary (reading); run by the migrator.';

CALL ingest.apply_privileges();
