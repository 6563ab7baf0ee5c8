-- A replaced batch's predictions and performance rows described the old records, so they go too, until the
-- batch is scored again; the records go with their partition.
DELETE FROM census.model_performance WHERE batch_date = current_setting('pgpipe.batch')::date;
DELETE FROM census.predictions WHERE batch_date = current_setting('pgpipe.batch')::date;
