-- Reliability: reports never see half a load, the ledger says more about each run.
--
-- TRUNCATE and a partition swap are not MVCC-safe: a reader whose snapshot was taken before the load committed
-- sees the new (empty, or not yet visible) table instead of the old rows. So each schema a load replaces data
-- in has a gate, ingest.read_gate_<schema>: the two functions that replace data first lock it in ACCESS
-- EXCLUSIVE mode, and `summary` locks every gate in ACCESS SHARE mode, in name order, before its first query
-- takes the snapshot (LOCK does not take one). A report run waits for the loads replacing data and then sees
-- them whole; a load waits for the report runs already reading; loads of different schemas do not block each
-- other. ACCESS EXCLUSIVE locks are WAL-logged, so a hot standby replays the gate too, and ACCESS SHARE is a
-- lock a standby's reader may take.
CREATE TABLE ingest.read_gate_people ();
CREATE TABLE ingest.read_gate_census ();
CREATE TABLE ingest.read_gate_accident ();
COMMENT ON TABLE ingest.read_gate_people IS 'No rows, no columns: its lock orders report runs (ACCESS SHARE) and loads replacing data in schema people (ACCESS EXCLUSIVE).';
COMMENT ON TABLE ingest.read_gate_census IS 'No rows, no columns: its lock orders report runs (ACCESS SHARE) and loads replacing data in schema census (ACCESS EXCLUSIVE).';
COMMENT ON TABLE ingest.read_gate_accident IS 'No rows, no columns: its lock orders report runs (ACCESS SHARE) and loads replacing data in schema accident (ACCESS EXCLUSIVE).';

CREATE FUNCTION ingest.close_read_gate(schema_name text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF to_regclass(format('ingest.%I', 'read_gate_' || schema_name)) IS NULL THEN
        RAISE EXCEPTION 'schema % has no read gate (ingest.read_gate_%)', schema_name, schema_name;
    END IF;
    -- Report runs that locked the gate first finish before anything is replaced; later ones wait for this
    -- transaction to end, and then see the whole of what it did.
    EXECUTE format('LOCK TABLE ingest.%I IN ACCESS EXCLUSIVE MODE', 'read_gate_' || schema_name);
END
$$;
COMMENT ON FUNCTION ingest.close_read_gate(text) IS 'Holds report runs off the schema''s data until this transaction ends; called by the functions that replace data.';

CREATE OR REPLACE FUNCTION ingest.begin_replacement(tables regclass[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    t regclass;
    gate text;
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
    FOR gate IN SELECT DISTINCT relnamespace::regnamespace::text FROM pg_class WHERE oid = ANY (tables) ORDER BY 1 LOOP
        PERFORM ingest.close_read_gate(gate);
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

CREATE OR REPLACE FUNCTION ingest.end_batch_partition(parent regclass, batch date) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    schema_name text := (SELECT relnamespace::regnamespace::text FROM pg_class WHERE oid = parent);
    partition_name text := (SELECT relname FROM pg_class WHERE oid = parent) || '_' || to_char(batch, 'YYYYMMDD');
    old regclass;
    incoming regclass := to_regclass(parent::text || '_incoming');
BEGIN
    PERFORM ingest.close_read_gate(schema_name);
    IF incoming IS NULL THEN
        RAISE EXCEPTION 'no %_incoming to swap in; call ingest.begin_batch_partition first', parent;
    END IF;
    EXECUTE format('REVOKE ALL ON %s FROM %I', incoming, session_user);
    old := to_regclass(format('%I.%I', schema_name, partition_name));
    IF old IS NOT NULL THEN
        EXECUTE format('ALTER TABLE %s DETACH PARTITION %s', parent, old);
        EXECUTE format('DROP TABLE %s', old);
    END IF;
    EXECUTE format('ALTER TABLE %s RENAME TO %I', incoming, partition_name);
    -- ATTACH checks the bound and adds the parent's primary key and foreign keys, each checked in one pass.
    EXECUTE format('ALTER TABLE %s ATTACH PARTITION %I.%I FOR VALUES IN (%L)', parent, schema_name, partition_name, batch);
    -- Fresh statistics, so that the plans reading the batch right after (scoring, metrics) fit its size.
    EXECUTE format('ANALYZE %I.%I', schema_name, partition_name);
END
$$;

-- A load that would replace the previous load with much less is refused (--allow-shrink overrides).
ALTER TABLE ingest.runs DROP CONSTRAINT runs_status_check;
ALTER TABLE ingest.runs ADD CONSTRAINT runs_status_check
    CHECK (status IN ('running', 'loaded', 'loaded_with_rejects', 'rolled_back', 'refused', 'failed'));
COMMENT ON COLUMN ingest.runs.status IS 'running, loaded (every row), loaded_with_rejects (valid rows committed), rolled_back (more rejects than max_rejects), refused (fewer rows than the shrink limit allows; message says why), failed (an error; message says which)';

-- Past --max-rejects a load only counts its rejects: a file of bad rows does not fill the table.
ALTER TABLE ingest.runs ADD COLUMN rejects_not_stored bigint NOT NULL DEFAULT 0 CHECK (rejects_not_stored >= 0);
COMMENT ON COLUMN ingest.runs.rejects_not_stored IS 'Rejected rows counted but not written to ingest.rejects or the rejects file, once the run was past --max-rejects by more than the sample kept.';

-- Physical lines beside records, so a file whose records swallowed lines shows it.
ALTER TABLE ingest.run_sources ADD COLUMN lines bigint CHECK (lines >= 0);
COMMENT ON COLUMN ingest.run_sources.lines IS 'Physical lines of a text input (its header included); NULL for a SQLite table.';
