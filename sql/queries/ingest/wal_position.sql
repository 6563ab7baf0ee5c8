-- Where the WAL ends now: a standby that has replayed to here has everything this session committed.
SELECT pg_current_wal_insert_lsn()::text
