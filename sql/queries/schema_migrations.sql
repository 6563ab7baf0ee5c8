-- The record of applied migrations, created before the first one is applied.
CREATE TABLE IF NOT EXISTS public.schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE public.schema_migrations IS 'Migrations from sql/migrations applied to this database, with the sha256 of each file as applied.';
