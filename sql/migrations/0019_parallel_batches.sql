-- Census batches of different dates load (and score) at the same time. Each batch is built in a table of
-- its own, <table>_incoming_YYYYMMDD, instead of one <table>_incoming per table; loads lock the batch, and the
-- table only shared unless they replace a batch already there (DETACH needs the table to itself: see
-- Schema/BatchPartition.swift). Everything that touches the shared tables (the lookups a load adds labels to,
-- the replaced batch's predictions, the partition swap) happens after the schema's read gate is closed, which
-- a load holds to commit: the gate orders those steps, so two loads never wait on each other in a cycle.
DROP FUNCTION ingest.begin_batch_partition(regclass);
DROP TABLE IF EXISTS census.persons_incoming, census.predictions_incoming;

CREATE FUNCTION ingest.begin_batch_partition(parent regclass, batch date) RETURNS regclass
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    incoming text := parent::text || '_incoming_' || to_char(batch, 'YYYYMMDD');
BEGIN
    IF (SELECT relkind FROM pg_class WHERE oid = parent) <> 'p'
        OR (SELECT relnamespace::regnamespace::text FROM pg_class WHERE oid = parent) NOT IN ('census') THEN
        RAISE EXCEPTION '% is not a partitioned table of pgpipe''s', parent USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT has_table_privilege(session_user, parent, 'INSERT') THEN
        RAISE EXCEPTION 'role % may not load %', session_user, parent USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Left over only if a transaction that created it committed without swapping it in, which
    -- end_batch_partition makes impossible; dropped all the same, so a load never fails on it.
    EXECUTE format('DROP TABLE IF EXISTS %s', incoming);
    -- Checks and NOT NULL as the parent has them; keys and the primary key come with ATTACH.
    EXECUTE format('CREATE TABLE %s (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', incoming, parent);
    -- UPDATE: a load moves the rows of a label another load numbered first to that load's id.
    EXECUTE format('GRANT INSERT, SELECT, UPDATE ON %s TO %I', incoming, session_user);
    RETURN incoming::regclass;
END
$$;
COMMENT ON FUNCTION ingest.begin_batch_partition(regclass, date) IS 'Creates <parent>_incoming_YYYYMMDD, the keyless table a batch is built in before end_batch_partition swaps it in.';

CREATE OR REPLACE FUNCTION ingest.end_batch_partition(parent regclass, batch date) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    schema_name text := (SELECT relnamespace::regnamespace::text FROM pg_class WHERE oid = parent);
    partition_name text := (SELECT relname FROM pg_class WHERE oid = parent) || '_' || to_char(batch, 'YYYYMMDD');
    old regclass;
    incoming regclass := to_regclass(parent::text || '_incoming_' || to_char(batch, 'YYYYMMDD'));
BEGIN
    PERFORM ingest.close_read_gate(schema_name);
    IF incoming IS NULL THEN
        RAISE EXCEPTION 'no %_incoming_% to swap in; call ingest.begin_batch_partition first', parent, to_char(batch, 'YYYYMMDD');
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

-- ingest.apply_privileges() hands the functions to pgpipe_owner and revokes them from PUBLIC, as every
-- routine of ours. A load closes the census gate itself before the steps that touch shared tables.
GRANT EXECUTE ON FUNCTION ingest.begin_batch_partition(regclass, date) TO pgpipe_ingest;
GRANT EXECUTE ON FUNCTION ingest.close_read_gate(text) TO pgpipe_ingest;
