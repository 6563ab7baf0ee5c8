-- Each census batch becomes a partition of census.persons, and of census.predictions. A batch load (or a
-- scoring run) then builds its rows in a table of their own, with no foreign key firing per row, and swaps it
-- in before commit: attaching checks every key with one join per key, and the replaced batch goes with DROP
-- TABLE instead of a DELETE of its rows. (docs/benchmarks.md: per-row key checks dominated both.)

-- Turns a table with a batch_date column into one partitioned by it, with the same columns, checks,
-- indexes, comments and outgoing foreign keys, one partition per batch already in it (<table>_YYYYMMDD).
CREATE PROCEDURE ingest.partition_by_batch_date(t regclass)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    name text := t::text;
    schema_name text := (SELECT relnamespace::regnamespace::text FROM pg_class WHERE oid = t);
    old text := t::text || '_unpartitioned';
    comment text := obj_description(t, 'pg_class');
    item record;
    batch date;
BEGIN
    EXECUTE format('ALTER TABLE %s RENAME TO %I', t, (SELECT relname FROM pg_class WHERE oid = t) || '_unpartitioned');
    FOR item IN SELECT indexrelid::regclass AS index, (SELECT relname FROM pg_class WHERE oid = indexrelid) AS relname
                FROM pg_index WHERE indrelid = t LOOP
        EXECUTE format('ALTER INDEX %s RENAME TO %I', item.index, item.relname || '_unpartitioned');
    END LOOP;
    EXECUTE format('CREATE TABLE %s (LIKE %s INCLUDING ALL) PARTITION BY LIST (batch_date)', name, old);
    EXECUTE format('COMMENT ON TABLE %s IS %L', name, comment || ' One partition per batch (' || name || '_YYYYMMDD).');
    FOR item IN SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint
                WHERE conrelid = t AND contype = 'f' ORDER BY conname LOOP
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', name, item.conname, item.definition);
    END LOOP;
    FOR batch IN EXECUTE format('SELECT DISTINCT batch_date FROM %s ORDER BY 1', old) LOOP
        EXECUTE format('CREATE TABLE %I.%I PARTITION OF %s FOR VALUES IN (%L)',
                       schema_name, split_part(name, '.', 2) || '_' || to_char(batch, 'YYYYMMDD'), name, batch);
    END LOOP;
    EXECUTE format('INSERT INTO %s SELECT * FROM %s', name, old);
    EXECUTE format('DROP TABLE %s', old);
END
$$;

-- The view and the predictions' key point at census.persons by identity: take them off and put them back.
CREATE TEMP TABLE persons_view ON COMMIT DROP AS
    SELECT pg_get_viewdef('census.persons_labelled'::regclass) AS definition,
           obj_description('census.persons_labelled'::regclass, 'pg_class') AS comment;
DROP VIEW census.persons_labelled;
ALTER TABLE census.predictions DROP CONSTRAINT predictions_batch_date_source_line_fkey;
CALL ingest.partition_by_batch_date('census.persons');
CALL ingest.partition_by_batch_date('census.predictions');
ALTER TABLE census.predictions ADD CONSTRAINT predictions_batch_date_source_line_fkey
    FOREIGN KEY (batch_date, source_line) REFERENCES census.persons ON DELETE CASCADE;
DO $$
DECLARE
    saved record;
BEGIN
    SELECT * INTO saved FROM persons_view;
    EXECUTE 'CREATE VIEW census.persons_labelled AS ' || saved.definition;
    EXECUTE format('COMMENT ON VIEW census.persons_labelled IS %L', saved.comment);
END
$$;
DROP PROCEDURE ingest.partition_by_batch_date(regclass);

-- The writer builds a batch in census.persons_incoming and swaps it in; both steps need the owner's rights,
-- so they are SECURITY DEFINER functions that touch the given partitioned table of pgpipe's only.
CREATE FUNCTION ingest.begin_batch_partition(parent regclass) RETURNS regclass
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    incoming text := parent::text || '_incoming';
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
    EXECUTE format('GRANT INSERT, SELECT ON %s TO %I', incoming, session_user);
    RETURN incoming::regclass;
END
$$;
COMMENT ON FUNCTION ingest.begin_batch_partition(regclass) IS 'Creates <parent>_incoming, where a batch load writes its rows, free of per-row key checks.';

CREATE FUNCTION ingest.end_batch_partition(parent regclass, batch date) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    schema_name text := (SELECT relnamespace::regnamespace::text FROM pg_class WHERE oid = parent);
    partition_name text := (SELECT relname FROM pg_class WHERE oid = parent) || '_' || to_char(batch, 'YYYYMMDD');
    old regclass;
    incoming regclass := to_regclass(parent::text || '_incoming');
BEGIN
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
COMMENT ON FUNCTION ingest.end_batch_partition(regclass, date) IS 'Replaces the batch''s partition with <parent>_incoming: the old one is dropped, the new one attached, every foreign key checked in one join each.';

GRANT EXECUTE ON FUNCTION ingest.begin_batch_partition(regclass), ingest.end_batch_partition(regclass, date) TO pgpipe_ingest;
