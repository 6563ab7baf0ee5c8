-- The last committed load of dataset $1 (and batch $2, NULL for whole-dataset loads) before run $3: its run id
-- and the rows each of its inputs loaded, for the shrink guard.
SELECT r.run_id, s.input, s.rows_loaded
FROM ingest.runs r JOIN ingest.run_sources s USING (run_id)
WHERE r.run_id = (
    SELECT run_id FROM ingest.runs
    WHERE dataset = $1 AND batch IS NOT DISTINCT FROM $2 AND run_id < $3 AND status IN ('loaded', 'loaded_with_rejects')
    ORDER BY run_id DESC
    LIMIT 1)
ORDER BY s.input
