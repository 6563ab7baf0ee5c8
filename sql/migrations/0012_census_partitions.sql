-- Each census batch becomes a partition of census.persons. A batch load then builds its rows in a table of
-- their own, with no foreign key firing per row, and swaps it in before commit: attaching checks every
-- lookup key with one join per key, and the replaced batch goes with DROP TABLE instead of a DELETE of its
-- rows. (docs/benchmarks.md: 28 per-row key checks dominated the census load.)

-- The view and the predictions' key point at the table by identity: take them off and put them back.
CREATE TEMP TABLE persons_view ON COMMIT DROP AS
    SELECT pg_get_viewdef('census.persons_labelled'::regclass) AS definition,
           obj_description('census.persons_labelled'::regclass, 'pg_class') AS comment;
DROP VIEW census.persons_labelled;
ALTER TABLE census.predictions DROP CONSTRAINT predictions_batch_date_source_line_fkey;

ALTER TABLE census.persons RENAME TO persons_unpartitioned;
ALTER INDEX census.persons_pkey RENAME TO persons_unpartitioned_pkey;
CREATE TABLE census.persons (LIKE census.persons_unpartitioned INCLUDING ALL) PARTITION BY LIST (batch_date);
COMMENT ON TABLE census.persons IS 'One row per census record: its batch, where it came from, and all 42 fields typed. Exact duplicate records are real and kept. One partition per batch (census.persons_YYYYMMDD).';
DO $$
DECLARE
    fk record;
    batch date;
BEGIN
    FOR fk IN SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint
              WHERE conrelid = 'census.persons_unpartitioned'::regclass AND contype = 'f' ORDER BY conname LOOP
        EXECUTE format('ALTER TABLE census.persons ADD CONSTRAINT %I %s', fk.conname, fk.definition);
    END LOOP;
    FOR batch IN SELECT DISTINCT batch_date FROM census.persons_unpartitioned ORDER BY 1 LOOP
        EXECUTE format('CREATE TABLE census.%I PARTITION OF census.persons FOR VALUES IN (%L)',
                       'persons_' || to_char(batch, 'YYYYMMDD'), batch);
    END LOOP;
END
$$;
INSERT INTO census.persons SELECT * FROM census.persons_unpartitioned;
DROP TABLE census.persons_unpartitioned;

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
END
$$;
COMMENT ON FUNCTION ingest.end_batch_partition(regclass, date) IS 'Replaces the batch''s partition with <parent>_incoming: the old one is dropped, the new one attached, every foreign key checked in one join each.';

GRANT EXECUTE ON FUNCTION ingest.begin_batch_partition(regclass), ingest.end_batch_partition(regclass, date) TO pgpipe_ingest;
