-- What merge run $1 did to its table: rows inserted, updated, unchanged and deleted.
UPDATE ingest.runs SET rows_inserted = $2, rows_updated = $3, rows_unchanged = $4, rows_deleted = $5 WHERE run_id = $1
