-- The run of the last wind load that committed: the load the joined rows sent with --put come from.
SELECT max(run_id) FROM ingest.runs WHERE dataset = 'wind' AND status IN ('loaded', 'loaded_with_rejects')
