-- A census load resolves each category label to its lookup id while it reads the file, so its COPY fills the
-- batch's incoming partition directly (no staging table, no join per lookup). The labels a file adds are
-- numbered by the loader, on from the table's largest id in order of first appearance (the ids the old SQL
-- gave them), and added here before commit; the identity's sequence is moved past them, which the writer's
-- own rights (USAGE on sequences) do not allow.
CREATE FUNCTION ingest.add_categories(lookup regclass, categories jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    schema_name text := (SELECT relnamespace::regnamespace::text FROM pg_class WHERE oid = lookup);
BEGIN
    IF schema_name IS NULL OR schema_name <> ALL (ingest.product_schemas()) THEN
        RAISE EXCEPTION '% is not a table of pgpipe''s schemas', lookup;
    END IF;
    EXECUTE format(
        'INSERT INTO %s (id, label, spelling) OVERRIDING SYSTEM VALUE '
        'SELECT id, label, spelling FROM jsonb_to_recordset($1) AS c(id integer, label text, spelling text) ORDER BY id',
        lookup) USING categories;
    EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), (SELECT max(id) FROM %s))', lookup::text, lookup);
END
$$;
COMMENT ON FUNCTION ingest.add_categories(regclass, jsonb) IS 'Adds the labels a load numbered ([{id, label, spelling}]) to a lookup table and moves its identity past them.';
-- ingest.apply_privileges() hands it to pgpipe_owner and revokes it from PUBLIC, as every routine of ours.
GRANT EXECUTE ON FUNCTION ingest.add_categories(regclass, jsonb) TO pgpipe_ingest;
