-- A replaced batch's performance rows described the old records, so they go too, until the batch is scored
-- again; the records go with their partition, and the batch's predictions with theirs
-- (ingest.end_batch_partition).
DELETE FROM census.model_performance WHERE batch_date = current_setting('pgpipe.batch')::date;
