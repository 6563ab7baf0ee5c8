-- Counts per bucket of every model input in batch $2 of model $1, in one pass: a grouping set per input.
-- :buckets is the inputs' bucket expressions, comma-separated, :bucket_sets each in parentheses (both written
-- by PerformanceTracker from the model's inputs, as psql would take them with -v).
SELECT GROUPING(:buckets), :buckets, count(*)
FROM census.predictions WHERE model_id = $1 AND batch_date = $2::date
GROUP BY GROUPING SETS (:bucket_sets)
