-- A run begins: $1 dataset, $2 batch (NULL for a whole-dataset load), $3 --max-rejects. The session is kept
-- so that a later load can tell a run whose process died from one still going.
INSERT INTO ingest.runs (dataset, batch, status, max_rejects, backend_pid, backend_start)
SELECT $1, $2, 'running', $3, pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()
RETURNING run_id
