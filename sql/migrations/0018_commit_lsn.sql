-- Read-your-writes on a hot standby: each committed run records the WAL position after its last commit (its
-- rows; for a census batch, its scores and performance row too). A standby that has replayed WAL up to that
-- position shows everything the run wrote, so `summary --wait-for-run RUN` (or `--after-lsn LSN`) on a
-- standby waits for it before reading. Recorded in a transaction of its own after the run's last commit (a
-- commit's own position is known only once it is made), so a committed run whose process died in between
-- has none.
ALTER TABLE ingest.runs ADD COLUMN commit_lsn pg_lsn;
COMMENT ON COLUMN ingest.runs.commit_lsn IS 'The WAL insert position just after the run''s last commit: a standby that has replayed up to it shows all the run wrote. NULL for runs that committed nothing.';
