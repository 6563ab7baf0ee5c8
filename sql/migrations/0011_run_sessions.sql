-- A run whose process was killed, or whose connection was lost, cannot finish its ledger row: Postgres rolled
-- its load back, but the row would say 'running' for ever. Each run now records the server session that
-- ran it, so the next load can tell such runs from live ones and close them as failed.
ALTER TABLE ingest.runs
    ADD COLUMN backend_pid integer,
    ADD COLUMN backend_start timestamptz,
    ADD COLUMN run_by name;
ALTER TABLE ingest.runs ALTER COLUMN run_by SET DEFAULT session_user;
COMMENT ON COLUMN ingest.runs.backend_pid IS 'The server process of the run''s session (pg_backend_pid()); with backend_start it tells a live run from a killed one.';
COMMENT ON COLUMN ingest.runs.backend_start IS 'When the run''s session started (pg_stat_activity.backend_start).';
COMMENT ON COLUMN ingest.runs.run_by IS 'The role that ran the load (session_user); NULL for runs before this column existed.';
COMMENT ON TABLE ingest.runs IS 'The load ledger: one row per run of `ingest load` and dataset. A run whose session is gone while it still says ''running'' is closed as failed by the next load.';
