-- Run $1 has made its last commit: the WAL insert position now is past that commit's record, so a standby
-- that has replayed up to it shows all the run wrote.
UPDATE ingest.runs SET commit_lsn = pg_current_wal_insert_lsn() WHERE run_id = $1 RETURNING commit_lsn::text
