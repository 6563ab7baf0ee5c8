-- Only the writer creates temporary tables (a load's staging tables; ingest.apply_privileges() grants it
-- TEMPORARY): a new database gives TEMPORARY to PUBLIC, which let pgpipe_summary and pgpipe_serve, roles that
-- only read, create them too.
DO $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
END
$$;
