-- The committed run of dataset $1 that loaded a file with sha256 $2, and the file's name then; none when new.
SELECT r.run_id, s.source_file
FROM ingest.runs r JOIN ingest.run_sources s USING (run_id)
WHERE r.dataset = $1 AND s.sha256 = $2 AND r.status IN ('loaded', 'loaded_with_rejects')
ORDER BY r.run_id
LIMIT 1
