-- The last committed load of dataset $1 (and batch $2, NULL for whole-dataset loads) before run $3: its run id
-- and the rows it loaded, for the shrink guard.
SELECT run_id, rows_loaded FROM ingest.runs
WHERE dataset = $1 AND batch IS NOT DISTINCT FROM $2 AND run_id < $3 AND status IN ('loaded', 'loaded_with_rejects')
ORDER BY run_id DESC
LIMIT 1
