-- How run $1 ended: $2 status, $3 rows read, $4 loaded, $5 rejected, $6 message, $7 rejects counted but not stored.
UPDATE ingest.runs SET status = $2, rows_read = $3, rows_loaded = $4, rows_rejected = $5,
    message = $6, rejects_not_stored = $7, finished_at = clock_timestamp()
WHERE run_id = $1
